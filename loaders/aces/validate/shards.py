"""Validation shard by shard: check files (or byte ranges of them) anywhere, merge the results in order here.

Everything the validator checks is per record except corpus-wide uniqueness (ids across documents, duplicate
texts). A shard is checked on its own (``check_shard``: another process, ``datasets.Dataset.map(num_proc=...)``,
a Dask or Spark worker) and returns its findings plus the registrations it deferred; ``merge_shards`` does those
registrations in shard order and splices their findings into place, so the merged report is exactly the
single-process one. ``aces validate --jobs N`` uses the same two halves over byte ranges of the files.

    results = client.map(check_shard, files)          # any engine; results are small and picklable
    report = merge_shards(client.gather(results))      # same findings, same order as aces.validate(files)
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from aces.validate import fast as fast_path
from aces.validate import level3_refs, level5_corpus
from aces.validate.findings import Finding, Report, Sink
from aces.validate.level1_file import check_empty
from aces.validate.lines import DOC, ID, MAX_LEVEL, TEXT, LineChecker, Op

CHUNK_BYTES = 4 << 20
"""Byte range one ``--jobs`` task checks: large enough to amortise the hand-over, small enough to balance."""


@dataclass(slots=True)
class CleanRecord:
    """A record with no per-record finding: its line and what the corpus-wide checks need."""

    line: int
    doc_id: str
    ann_ids: list[str]
    digest: bytes
    split: str


@dataclass(slots=True)
class CheckedRecord:
    """A line with findings (or that could not be proved clean): the findings and the deferred registrations."""

    line: int
    doc_id: str | None
    findings: list[Finding]
    ops: list[Op]


@dataclass
class ShardResult:
    """What checking one shard (a file, or a byte range of one) produced; lines count from the range start."""

    path: str
    lines: int = 0
    records: int = 0
    nbytes: int = 0
    outcomes: list[CleanRecord | CheckedRecord] = field(default_factory=list)


class _DeferredIds:
    """Stands in for the corpus-wide id index in a shard: notes each registration and where its finding goes."""

    def __init__(self, ops: list[Op]) -> None:
        self.ops = ops

    def register(self, an_id: str, sink: Sink, ann_id: str | None) -> bool:
        self.ops.append((len(sink.findings), DOC if ann_id is None else ID, an_id, None))
        return True  # whether the document id is new is decided at the merge


class _DeferredTexts:
    def __init__(self, ops: list[Op]) -> None:
        self.ops = ops

    def check(self, record: dict, sink: Sink) -> None:
        self.ops.append((len(sink.findings), TEXT, level5_corpus.text_digest(record["text"]), record["split"]))


def check_range(
    path: str | Path,
    start: int = 0,
    end: int | None = None,
    level: int = MAX_LEVEL,
    cross_document: bool = True,
) -> ShardResult:
    """Check the lines of ``path`` that start in ``[start, end)`` (``start`` must be a line start)."""
    path = str(path)
    corpus_dir = level3_refs.corpus_dir_of(Path(path))
    place = level3_refs.place_of(path)
    run = LineChecker(level, cross_document)
    result = ShardResult(path)
    with open(path, "rb", buffering=fast_path.READ_BUFFER) as handle:
        handle.seek(start)
        pos = start
        while batch := _read_batch(handle, pos, end):
            pos += sum(map(len, batch))
            verdicts = (
                fast_path.clean_batch(batch, corpus_dir, cross_document, place=place)
                if run.fast
                else [None] * len(batch)
            )
            for raw, clean in zip(batch, verdicts, strict=True):
                result.lines += 1
                _check_one(run, result, raw, clean, corpus_dir, cross_document)
        result.nbytes = pos - start
    if start == 0 and result.lines == 0:  # the range that starts a file holds no line: the file is empty
        result.outcomes.append(CheckedRecord(1, None, check_empty(path, 0), []))
    result.records += run.records
    return result


def _read_batch(handle: BinaryIO, pos: int, end: int | None) -> list[bytes]:
    """Up to ``fast_path.BATCH_LINES`` lines from ``pos``, none starting at or after ``end``."""
    batch: list[bytes] = []
    while len(batch) < fast_path.BATCH_LINES and (end is None or pos < end):
        raw = handle.readline()
        if not raw:
            break
        pos += len(raw)
        batch.append(raw)
    return batch


def _check_one(
    run: LineChecker,
    result: ShardResult,
    raw: bytes,
    clean: fast_path.Clean | None,
    corpus_dir: Path | None,
    cross_document: bool,
) -> None:
    """One line's outcome, with its corpus-wide registrations deferred to the merge."""
    line, path = result.lines, result.path
    if clean is not None:
        result.records += 1
        if cross_document:
            digest = clean.digest or level5_corpus.text_digest(clean.text)
            result.outcomes.append(CleanRecord(line, clean.doc_id, clean.ann_ids, digest, clean.split))
        return
    ops: list[Op] = []
    if cross_document:
        findings = run.check_line_with(raw, path, line, corpus_dir, _DeferredIds(ops), _DeferredTexts(ops))
    else:
        findings = run.check_line_with(raw, path, line, corpus_dir, level3_refs.IdIndex(), None)
    if findings or ops:
        doc_id = findings[0].doc_id if findings else None
        if ops and ops[0][1] == DOC:
            doc_id = ops[0][2]  # type: ignore[assignment]
        result.outcomes.append(CheckedRecord(line, doc_id, findings, ops))


def check_shard(path: str | Path, level: int = MAX_LEVEL, cross_document: bool = True) -> ShardResult:
    """Check one whole JSONL shard; merge the results of all shards, in order, with ``merge_shards``."""
    return check_range(path, 0, None, level, cross_document)


def _shift(finding: Finding, lines: int) -> Finding:
    refs = tuple(dataclasses.replace(r, line=r.line + lines) for r in finding.refs)
    return dataclasses.replace(finding, line=finding.line + lines, refs=refs)


def merge_result(run: LineChecker, result: ShardResult, first_line: int = 1) -> Iterator[Finding]:
    """The findings of one shard, in line order, after the corpus-wide checks it deferred (done on ``run``)."""
    run.records += result.records
    base = first_line - 1
    for outcome in result.outcomes:
        line = outcome.line + base
        if isinstance(outcome, CleanRecord):
            clean = fast_path.Clean(outcome.doc_id, outcome.ann_ids, "", outcome.split)
            yield from run.settle(clean, result.path, line, outcome.digest)
        else:
            findings = [_shift(f, base) for f in outcome.findings] if base else outcome.findings
            yield from run.replay(result.path, line, outcome.doc_id, findings, outcome.ops)


def merge_shards(
    results: Iterable[ShardResult], level: int = MAX_LEVEL, cross_document: bool = True, max_err: int | None = None
) -> Report:
    """One report from the results of ``check_shard`` over whole files, given in the order of the files."""
    run = LineChecker(level, cross_document)
    report = Report(max_err=max_err)
    files: set[str] = set()
    for result in results:
        files.add(result.path)
        for finding in merge_result(run, result):
            report.add(finding)
    report.files, report.records = len(files), run.records
    return report


# --------------------------------------------------------------------------------------------- --jobs


def byte_ranges(path: Path, size: int = CHUNK_BYTES) -> list[tuple[int, int]]:
    """``[start, end)`` ranges of about ``size`` bytes that begin at line starts and cover the file."""
    total = os.path.getsize(path)
    cuts = [0]
    with open(path, "rb") as handle:
        while cuts[-1] + size < total:
            handle.seek(cuts[-1] + size)
            handle.readline()
            if handle.tell() >= total:
                break
            cuts.append(handle.tell())
    return list(zip(cuts, [*cuts[1:], total], strict=True))


def _task(args: tuple[str, int, int, int, bool]) -> ShardResult:
    return check_range(*args)


def check_in_parallel(
    run: LineChecker, files: list[Path], jobs: int, progress: Callable[[int], None] | None = None
) -> Iterator[Finding]:
    """``run.check_files`` with ``jobs`` processes: ranges are checked in workers and merged here in order."""
    tasks = [(str(f), a, b, run.level, run.cross_document) for f in files for a, b in byte_ranges(f)]
    if len(tasks) < 2:
        for path in files:
            yield from run.check_file(path, progress)
        return
    next_line: dict[str, int] = {}
    with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks))) as pool:
        for result in pool.imap(_task, tasks):
            first = next_line.get(result.path, 1)
            next_line[result.path] = first + result.lines
            yield from merge_result(run, result, first)
            if progress is not None:
                progress(result.nbytes)
