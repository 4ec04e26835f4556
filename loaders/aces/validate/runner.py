"""Runs the levels over files line by line and gathers findings into a report.

Files are streamed: one line is read, decoded once and checked at every level before the next is read, so memory
holds the ids and text digests seen so far (for corpus-wide uniqueness), never a whole file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from aces.paths import why_unreadable
from aces.validate.findings import Finding, Report
from aces.validate.level3_refs import CORPUS_FOLDERS
from aces.validate.lines import MAX_LEVEL, LineChecker
from aces.validate.shards import check_in_parallel

__all__ = ["MAX_LEVEL", "PathProblem", "Report", "Validation", "collect_files", "iter_findings", "validate"]


class PathProblem(OSError):
    """A path given to the validator does not exist, cannot be read or holds no JSONL file."""


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to check, in order: a corpus directory (one with ``gold/`` or ``queue/``) means its ``gold/*.jsonl``
    then its ``queue/*.jsonl``; any other directory every ``*.jsonl`` under it (sorted); a file is taken as given."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            folders = [path / name for name in CORPUS_FOLDERS if (path / name).is_dir()]
            found = [f for folder in folders for f in sorted(folder.glob("*.jsonl"))] if folders else []
            found = found if folders else sorted(path.rglob("*.jsonl"))
            if not found:
                where = " and ".join(map(str, folders)) if folders else path
                raise PathProblem(f"{where}: no *.jsonl files to validate")
        else:
            found = [path]  # (a missing path or a dangling link too: why_unreadable says which)
        for file in found:
            if why := why_unreadable(file):
                raise PathProblem(f"{file} {why}")
        out.extend(f for f in found if f not in out)
    return out


class Validation(LineChecker):
    """A validation run over whole files, in one process or ``jobs`` (``LineChecker`` checks each line)."""

    def check_files(
        self, files: Iterable[Path], progress: Callable[[int], None] | None = None, jobs: int = 1
    ) -> Iterator[Finding]:
        """Findings of ``files`` in file and line order; ``jobs > 1`` checks byte ranges in that many processes
        (same findings, same order: corpus-wide checks are done here, in order)."""
        files = list(files)
        if jobs > 1:
            yield from check_in_parallel(self, files, jobs, progress)
            return
        for path in files:
            yield from self.check_file(path, progress)


def iter_findings(
    files: Iterable[Path],
    level: int = MAX_LEVEL,
    progress: Callable[[int], None] | None = None,
    *,
    jobs: int = 1,
    cross_document: bool = True,
) -> Iterator[Finding]:
    """Findings of ``files`` (see ``collect_files``) in file and line order, as they are found."""
    yield from Validation(level, cross_document).check_files(files, progress, jobs)


def validate(
    paths: str | Path | Iterable[str | Path],
    level: int = MAX_LEVEL,
    max_err: int | None = None,
    *,
    jobs: int = 1,
    cross_document: bool = True,
) -> Report:
    """Validate JSONL files or corpus directories up to ``level``; ``max_err`` caps kept findings per code.

    ``jobs`` processes check the files in parallel with the same findings; ``cross_document=False`` skips the
    corpus-wide duplicate search (ids across documents, duplicate texts) so memory stays flat.
    Raises ``PathProblem`` (an ``OSError``) for a path that does not exist or holds no JSONL file.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = collect_files(paths)
    report = Report(max_err=max_err)
    run = Validation(level, cross_document)
    for finding in run.check_files(files, jobs=jobs):
        report.add(finding)
    report.files, report.records = len(files), run.records
    return report
