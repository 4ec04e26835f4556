"""Runs the levels over files line by line and gathers findings into a report.

Files are streamed: one line is read, decoded once and checked at every level before the next is read, so memory
holds the ids and text digests seen so far (for corpus-wide uniqueness), never a whole file.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aces.validate import level2_schema, level3_refs, level4_guidelines, level5_corpus
from aces.validate.checks import CHECKS
from aces.validate.findings import Finding, Sink
from aces.validate.level1_file import check_text, parse_line

MAX_LEVEL = 5


class PathProblem(OSError):
    """A path given to the validator does not exist, cannot be read or holds no JSONL file."""


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to check, in order: a directory with ``gold/`` means its ``gold/*.jsonl``; any other directory every
    ``*.jsonl`` under it (sorted); a file is taken as given."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            gold = path / "gold"
            found = sorted(gold.glob("*.jsonl")) if gold.is_dir() else sorted(path.rglob("*.jsonl"))
            if not found:
                where = gold if gold.is_dir() else path
                raise PathProblem(f"{where}: no *.jsonl files to validate")
        elif path.exists():
            found = [path]
        else:
            raise PathProblem(f"{path}: no such file or directory")
        for file in found:
            if not os.access(file, os.R_OK):
                raise PathProblem(f"{file}: cannot be read (permission denied)")
        out.extend(f for f in found if f not in out)
    return out


@dataclass
class Report:
    """Counts of every finding, and the findings themselves up to ``max_err`` per code."""

    max_err: int | None = None
    keep: bool = True
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    warnings: int = 0
    files: int = 0
    records: int = 0

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed): the corpus may be released."""
        return self.errors == 0

    @property
    def suppressed(self) -> int:
        """Findings counted but not kept because their code was over ``max_err``."""
        if self.max_err is None:
            return 0
        return sum(max(0, n - self.max_err) for n in self.counts.values())

    def add(self, finding: Finding) -> bool:
        """Count a finding; keep it (and return True) unless its code already reached ``max_err``."""
        self.counts[finding.code] += 1
        if finding.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        shown = self.max_err is None or self.counts[finding.code] <= self.max_err
        if shown and self.keep:
            self.findings.append(finding)
        return shown

    def summary(self) -> str:
        """``PASSED`` or ``FAILED: N errors, M warnings``, then one line per code, then what was checked."""
        if self.errors:
            lines = [f"FAILED: {self.errors} errors, {self.warnings} warnings"]
        elif self.warnings:
            lines = [f"PASSED: 0 errors, {self.warnings} warnings"]
        else:
            lines = ["PASSED"]
        for code in sorted(self.counts, key=lambda c: (CHECKS[c].level, c)):
            check = CHECKS[code]
            lines.append(f"  L{check.level} {check.severity:<7} {code:<28} {self.counts[code]}")
        if self.suppressed:
            lines.append(f"  ({self.suppressed} findings over --max-err {self.max_err} per code not shown)")
        lines.append(f"checked {self.records} records in {self.files} files")
        return "\n".join(lines)


class Validation:
    """State shared by all files of one run: the ids and texts seen so far."""

    def __init__(self, level: int = MAX_LEVEL) -> None:
        if not 1 <= level <= MAX_LEVEL:
            raise ValueError(f"level must be 1..{MAX_LEVEL}, not {level}")
        self.level = level
        self.ids = level3_refs.IdIndex()
        self.texts = level5_corpus.TextIndex()
        self.records = 0

    def check_line(self, raw: bytes, file: str, line: int, corpus_dir: Path | None) -> list[Finding]:
        """Every finding for one line of a JSONL file (a record, or what is wrong with the line)."""
        sink = Sink(file, line)
        record = parse_line(raw, sink)
        if record is None:
            return sink.findings
        self.records += 1
        check_text(record, sink)
        if self.level < 2:
            return sink.findings
        version = level2_schema.check_schema(record, sink)
        doc_is_new = True
        if self.level >= 3 and sink.doc_id is not None:
            doc_is_new = self.ids.register(sink.doc_id, sink, None)
        if version is None or self.level < 3:
            return sink.findings
        # A duplicated document would repeat every annotation id: one finding for the document is enough.
        level3_refs.check_record(record, sink, version, self.ids if doc_is_new else None, corpus_dir)
        if self.level >= 4:
            level4_guidelines.check_record(record, sink, version)
        if self.level >= 5:
            self.texts.check(record, sink)
            level5_corpus.check_pii(record, sink)
        return sink.findings

    def check_file(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Finding]:
        corpus_dir = level3_refs.corpus_dir_of(path)
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                yield from self.check_line(raw, str(path), number, corpus_dir)
                if progress is not None:
                    progress(len(raw))


def iter_findings(
    files: Iterable[Path], level: int = MAX_LEVEL, progress: Callable[[int], None] | None = None
) -> Iterator[Finding]:
    """Findings of ``files`` (see ``collect_files``) in file and line order, as they are found."""
    run = Validation(level)
    for path in files:
        yield from run.check_file(path, progress)


def validate(paths: str | Path | Iterable[str | Path], level: int = MAX_LEVEL, max_err: int | None = None) -> Report:
    """Validate JSONL files or corpus directories up to ``level``; ``max_err`` caps kept findings per code.

    Raises ``PathProblem`` (an ``OSError``) for a path that does not exist or holds no JSONL file.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = collect_files(paths)
    report = Report(max_err=max_err)
    run = Validation(level)
    for path in files:
        for finding in run.check_file(path):
            report.add(finding)
    report.files, report.records = len(files), run.records
    return report
