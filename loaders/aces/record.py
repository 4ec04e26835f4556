"""Typed document records: the one shape every ACES tool reads and writes.

The JSON form is defined by ``schema/<version>/record.schema.json``; these structs mirror it so that
``to_json(from_json(line))`` is the identity on canonical lines. Field order here is the key order on disk.

One set of structs reads and writes every schema version. Fields added by a later version default to
``msgspec.UNSET``, which is never encoded: a record of an older version gains no key on a round trip, so it
stays byte-identical and valid as what it is stamped. ``schema_version`` says which fields a record may use;
the validator (and ``aces migrate``) hold it to that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from aces.json_input import decode

OffsetRun = tuple[int, int, int, int]
"""``[clean_start, clean_length, raw_start, raw_length]``; see ``schema/*/record.schema.json``."""


class Span(msgspec.Struct, frozen=True):
    start: int
    end: int
    text: str


class Segment(msgspec.Struct, frozen=True):
    id: str
    type: str
    start: int
    end: int


class Sentence(msgspec.Struct, frozen=True):
    """Since 1.2.0: one sentence of the text (the UD ``sent_id`` where the source has one)."""

    id: str
    start: int
    end: int


class Mention(msgspec.Struct, frozen=True):
    id: str
    start: int
    end: int
    text: str
    type: str
    form: str


class Cluster(msgspec.Struct, frozen=True):
    id: str
    name: str
    type: str
    mentions: tuple[str, ...]


class Argument(msgspec.Struct, frozen=True):
    role: str
    ref: str


class Epistemic(msgspec.Struct, frozen=True):
    status: str
    source: str | None = None


class Event(msgspec.Struct, frozen=True):
    id: str
    type: str
    trigger: Span
    arguments: tuple[Argument, ...]
    epistemic: Epistemic
    polarity: str | msgspec.UnsetType = msgspec.UNSET
    """Since 1.1.0: ``labels.json`` ``event_polarities`` (``negative``: the text says it did not happen); unset =
    positive."""


class AuthorHolder(msgspec.Struct, frozen=True, tag_field="kind", tag="author"):
    """The writer of the document, speaking in the narrative voice."""


class EntityHolder(msgspec.Struct, frozen=True, tag_field="kind", tag="entity"):
    ref: str


class EntityTarget(msgspec.Struct, frozen=True, tag_field="kind", tag="entity"):
    ref: str


class EventTarget(msgspec.Struct, frozen=True, tag_field="kind", tag="event"):
    ref: str


class PropositionTarget(msgspec.Struct, frozen=True, tag_field="kind", tag="proposition"):
    start: int
    end: int
    text: str


Holder = AuthorHolder | EntityHolder
Target = EntityTarget | EventTarget | PropositionTarget


class Stance(msgspec.Struct, frozen=True):
    id: str
    holder: Holder
    target: Target
    polarity: str
    evidence: tuple[Span, ...]


class Removal(msgspec.Struct, frozen=True):
    raw_start: int
    raw_end: int
    reason: str


class SourceFile(msgspec.Struct, frozen=True):
    """Since 1.2.0: the larger file a raw file was cut from (lines ``first_line``..``last_line`` of it)."""

    name: str
    sha256: str
    first_line: int
    last_line: int


class Provenance(msgspec.Struct, frozen=True):
    source: str
    raw_path: str
    raw_sha256: str
    offset_map: tuple[OffsetRun, ...]
    removed: tuple[Removal, ...]
    corpus_version: str | msgspec.UnsetType = msgspec.UNSET
    """Since 1.1.0: the corpus release (``corpus/VERSION``) this copy of the record belongs to."""
    license: str | msgspec.UnsetType = msgspec.UNSET
    """Since 1.2.0 (required there): an SPDX id or ``unknown``, one of labels.json ``licenses``."""
    attribution: str | msgspec.UnsetType = msgspec.UNSET
    """Since 1.2.0: the credit the licence asks for."""
    source_file: SourceFile | msgspec.UnsetType = msgspec.UNSET
    """Since 1.2.0: the file the raw file was cut from, when it is part of a larger one."""


class Record(msgspec.Struct, frozen=True):
    schema_version: str
    id: str
    lang: str
    split: str
    text: str
    provenance: Provenance
    segments: tuple[Segment, ...]
    entities: tuple[Mention, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    events: tuple[Event, ...] = ()
    stances: tuple[Stance, ...] = ()
    sentences: tuple[Sentence, ...] | msgspec.UnsetType = msgspec.UNSET
    """Since 1.2.0 (required there). Fields a version adds come last, so positional construction keeps working."""
    annotation_status: str | msgspec.UnsetType = msgspec.UNSET
    """Since 1.2.0: labels.json ``annotation_statuses`` (unannotated, one-pass, reviewed, adjudicated)."""


_decoder = msgspec.json.Decoder(Record)
_encoder = msgspec.json.Encoder()


def from_json(data: str | bytes) -> Record:
    """Decode one JSON line into a Record (raises ``msgspec.ValidationError`` on a wrong shape, and
    ``msgspec.DecodeError`` on bad JSON, however deeply nested)."""
    return decode(data, _decoder)


def to_json(record: Record) -> str:
    """Encode a Record as one compact JSON line (no trailing newline), Arabic kept unescaped."""
    return _encoder.encode(record).decode("utf-8")


def to_dict(record: Record) -> dict:
    """Plain-Python view (for pandas, datasets, tests)."""
    return msgspec.to_builtins(record)


def from_dict(data: dict) -> Record:
    return msgspec.convert(data, Record)


def read_jsonl(path: str | Path) -> Iterator[Record]:
    """Yield the records of one JSONL file; a malformed line raises (use ``aces.validate`` to report)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield from_json(line)


def write_jsonl(records: Iterable[Record], path: str | Path) -> None:
    """Write records one per line, atomically (a temporary file renamed over the target)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(to_json(record))
                handle.write("\n")
    except BaseException:
        tmp.unlink(missing_ok=True)  # records that fail to come leave neither a half file nor a changed target
        raise
    tmp.replace(path)
