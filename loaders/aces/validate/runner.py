"""Runs the levels over files line by line and gathers findings into a report.

Files are streamed: one line is read, decoded once and checked at every level before the next is read, so memory
holds the ids and text digests seen so far (for corpus-wide uniqueness), never a whole file.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Protocol

from aces.validate import fast as fast_path
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
    """State shared by all files of one run: the ids and texts seen so far.

    ``cross_document=False`` checks each record on its own: ids are unique within a record, but no id or text
    is compared across records, so memory stays flat however large the corpus (``duplicate-id`` between
    documents, ``duplicate-text`` and ``text-in-two-splits`` are then not reported).
    """

    def __init__(self, level: int = MAX_LEVEL, cross_document: bool = True, fast: bool = True) -> None:
        if not 1 <= level <= MAX_LEVEL:
            raise ValueError(f"level must be 1..{MAX_LEVEL}, not {level}")
        self.level = level
        self.cross_document = cross_document
        self.fast = fast and level == MAX_LEVEL and fast_path.available()
        self.ids = level3_refs.IdIndex()
        self.texts = level5_corpus.TextIndex()
        self.records = 0

    def check_line(self, raw: bytes, file: str, line: int, corpus_dir: Path | None) -> list[Finding]:
        """Every finding for one line of a JSONL file (a record, or what is wrong with the line)."""
        return self.check_proved(raw, file, line, corpus_dir, fast_path.clean(raw, corpus_dir) if self.fast else None)

    def check_proved(
        self, raw: bytes, file: str, line: int, corpus_dir: Path | None, clean: fast_path.Clean | None
    ) -> list[Finding]:
        """``check_line`` for a line the fast path has already looked at (``clean`` is its verdict)."""
        if clean is not None:
            self.records += 1
            return self.settle(clean, file, line)
        if self.cross_document:
            return self.check_line_with(raw, file, line, corpus_dir, self.ids, self.texts)
        return self.check_line_with(raw, file, line, corpus_dir, level3_refs.IdIndex(), None)

    def check_line_with(
        self, raw: bytes, file: str, line: int, corpus_dir: Path | None, ids: IdRegistry, texts: TextRegistry | None
    ) -> list[Finding]:
        """The reporting levels, one after the other, with the given id and text registries."""
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
            doc_is_new = ids.register(sink.doc_id, sink, None)
        if version is None or self.level < 3:
            return sink.findings
        # A duplicated document would repeat every annotation id: one finding for the document is enough.
        level3_refs.check_record(record, sink, version, ids if doc_is_new else None, corpus_dir)
        if self.level >= 4:
            level4_guidelines.check_record(record, sink, version)
        if self.level >= 5:
            if texts is not None:
                texts.check(record, sink)
            level5_corpus.check_pii(record, sink)
        return sink.findings

    def settle(self, clean: fast_path.Clean, file: str, line: int, digest: bytes | None = None) -> list[Finding]:
        """Corpus-wide checks of a record with no per-record finding: its ids and its text, registered here."""
        if not self.cross_document:
            return []
        digest = digest or clean.digest or level5_corpus.text_digest(clean.text)
        if digest not in self.texts and self.ids.add_new([clean.doc_id, *clean.ann_ids], file, line, clean.doc_id):
            self.texts.check_digest(digest, clean.split, Sink(file, line, clean.doc_id))
            return []
        ops = (
            [(0, DOC, clean.doc_id, None)]
            + [(0, ID, a, None) for a in clean.ann_ids]
            + [(0, TEXT, digest, clean.split)]
        )
        return self.replay(file, line, clean.doc_id, [], ops)

    def replay(self, file: str, line: int, doc_id: str | None, findings: list[Finding], ops: list[Op]) -> list[Finding]:
        """Findings of a record checked elsewhere with the corpus-wide registrations it deferred (``ops``) done
        here, in order, each one's findings put where the record's own check would have put them."""
        out: list[Finding] = []
        sink = Sink(file, line, doc_id)
        done, doc_is_new = 0, True
        for pos, kind, key, split in ops:
            out.extend(findings[done:pos])
            done = pos
            if kind == DOC:
                doc_is_new = self.ids.register(key, sink, None)
            elif kind == ID and doc_is_new:
                self.ids.register(key, sink, key)
            elif kind == TEXT:
                self.texts.check_digest(key, split, sink)
            out.extend(sink.findings)
            sink.findings.clear()
        out.extend(findings[done:])
        return out

    def check_file(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Finding]:
        corpus_dir = level3_refs.corpus_dir_of(path)
        number = 0
        with open(path, "rb", buffering=fast_path.READ_BUFFER) as handle:
            while batch := list(islice(handle, fast_path.BATCH_LINES)):
                verdicts = (
                    fast_path.clean_batch(batch, corpus_dir, self.cross_document) if self.fast else [None] * len(batch)
                )
                for raw, clean in zip(batch, verdicts, strict=True):
                    number += 1
                    yield from self.check_proved(raw, str(path), number, corpus_dir, clean)
                    if progress is not None:
                        progress(len(raw))

    def check_files(
        self, files: Iterable[Path], progress: Callable[[int], None] | None = None, jobs: int = 1
    ) -> Iterator[Finding]:
        """Findings of ``files`` in file and line order; ``jobs > 1`` checks byte ranges in that many processes
        (same findings, same order: corpus-wide checks are done here, in order)."""
        files = list(files)
        if jobs > 1:
            from aces.validate.shards import check_in_parallel

            yield from check_in_parallel(self, files, jobs, progress)
            return
        for path in files:
            yield from self.check_file(path, progress)


DOC, ID, TEXT = "doc", "id", "text"
Op = tuple[int, str, object, str | None]
"""A deferred corpus-wide registration: (position among the record's findings, kind, id or digest, split)."""


class IdRegistry(Protocol):
    def register(self, an_id: str, sink: Sink, ann_id: str | None) -> bool: ...


class TextRegistry(Protocol):
    def check(self, record: dict, sink: Sink) -> None: ...


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
