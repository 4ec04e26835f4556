"""Checks JSONL lines one at a time, every level on each, and keeps the corpus-wide registries (ids and text
digests seen so far) in order.

``LineChecker`` is the single-process core that ``aces.validate.runner`` (whole files, ``--jobs``) and
``aces.validate.shards`` (byte ranges and shards checked elsewhere, merged here) both build on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Protocol

from aces.validate import fast as fast_path
from aces.validate import level2_schema, level3_refs, level4_guidelines, level5_corpus
from aces.validate.findings import Finding, Sink
from aces.validate.level1_file import check_empty, check_text, parse_line

MAX_LEVEL = 5


class LineChecker:
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
        place = level3_refs.place_of(file)
        clean = fast_path.clean(raw, corpus_dir, place=place) if self.fast else None
        return self.check_proved(raw, file, line, corpus_dir, clean)

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
            level5_corpus.check_placement(record, sink, version, level3_refs.place_of(file))
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
        place = level3_refs.place_of(path)
        number = 0
        with open(path, "rb", buffering=fast_path.READ_BUFFER) as handle:
            while batch := list(islice(handle, fast_path.BATCH_LINES)):
                verdicts = (
                    fast_path.clean_batch(batch, corpus_dir, self.cross_document, place=place)
                    if self.fast
                    else [None] * len(batch)
                )
                for raw, clean in zip(batch, verdicts, strict=True):
                    number += 1
                    yield from self.check_proved(raw, str(path), number, corpus_dir, clean)
                    if progress is not None:
                        progress(len(raw))
        yield from check_empty(str(path), number)


DOC, ID, TEXT = "doc", "id", "text"
Op = tuple[int, str, object, str | None]
"""A deferred corpus-wide registration: (position among the record's findings, kind, id or digest, split)."""


class IdRegistry(Protocol):
    def register(self, an_id: str, sink: Sink, ann_id: str | None) -> bool: ...


class TextRegistry(Protocol):
    def check(self, record: dict, sink: Sink) -> None: ...
