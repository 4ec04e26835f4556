"""Records ↔ Hugging Face rows: the four configs of the ACES dataset and their ``datasets.Features``.

``documents`` is the full nested record (``record_from_row`` inverts it exactly); ``ner``, ``events`` and
``stance`` are flat task views for training code. Label columns are ``ClassLabel``s whose names come from
the schema's ``labels.json``, so the integer ids follow the inventory order of the record's schema version.
Offsets everywhere are code points of the document ``text`` (never of a context string).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from aces.offsets import bio_tags, record_tokens
from aces.record import AuthorHolder, PropositionTarget, Record, Span, from_dict, to_dict
from aces.schema import labels

if TYPE_CHECKING:
    import datasets

CONFIGS = ("documents", "ner", "events", "stance")


class ConversionError(ValueError):
    """A record cannot be turned into rows (it would fail ``aces validate`` too): the message names the record."""


# --------------------------------------------------------------------------------------------- features


@cache
def features(config: str, version: str) -> datasets.Features:
    """The ``datasets.Features`` of ``config`` under schema ``version`` (label names from ``labels.json``)."""
    from datasets import ClassLabel, Features, List, Value

    lab = labels(version)
    string, offset = Value("string"), Value("int32")
    span = {"start": offset, "end": offset, "text": string}
    if config == "documents":
        return Features(_record_features(Record))
    if config == "ner":
        return Features(
            {
                "doc_id": string,
                "sentence_id": string,
                "segment_id": string,
                "segment_type": string,
                "tokens": List(string),
                "token_starts": List(offset),
                "token_ends": List(offset),
                "ner_tags": List(ClassLabel(names=lab.bio_labels)),
            }
        )
    entity_type = ClassLabel(names=list(lab.entity_types))
    ref = {"kind": string, "ref": string, "entity_type": entity_type, **span}
    if config == "events":
        return Features(
            {
                "doc_id": string,
                "event_id": string,
                "event_type": ClassLabel(names=list(lab.event_types)),
                "trigger": span,
                "arguments": List({"role": ClassLabel(names=lab.role_names), **ref}),
                "epistemic_status": ClassLabel(names=list(lab.epistemic_statuses)),
                "epistemic_source": ref,
                **({"event_polarity": ClassLabel(names=list(lab.event_polarities))} if lab.event_polarities else {}),
                "context": string,
                "context_start": offset,
            }
        )
    if config == "stance":
        return Features(
            {
                "doc_id": string,
                "stance_id": string,
                "holder": ref,
                "target": ref,
                "polarity": ClassLabel(names=list(lab.stance_polarities)),
                "evidence": List(span),
                "context": string,
                "context_start": offset,
            }
        )
    raise KeyError(f"unknown config {config!r}; configs are {', '.join(CONFIGS)}")


@cache
def arrow_schema(config: str, version: str):
    """``features(config, version).arrow_schema``, made once (``datasets`` rebuilds it on every access)."""
    return features(config, version).arrow_schema


# --------------------------------------------------------------------------------------------- rows


def rows(config: str, record: Record) -> list[dict[str, Any]]:
    """The rows ``record`` contributes to ``config``, in their fixed order (by offsets, then id)."""
    if config == "documents":
        return [document_row(record)]
    if config == "ner":
        return ner_rows(record)
    if config == "events":
        return event_rows(record)
    if config == "stance":
        return stance_rows(record)
    raise KeyError(f"unknown config {config!r}; configs are {', '.join(CONFIGS)}")


def document_row(record: Record) -> dict[str, Any]:
    """The record as one nested row (absent optional fields and union members become nulls in parquet)."""
    return to_dict(record)


def record_from_row(row: dict[str, Any]) -> Record:
    """Inverse of ``document_row`` (also accepts rows read back by ``datasets`` or pandas).

    Nulls are dropped before decoding: a null is either a member of another variant of a tagged union (an
    author holder has no ``ref``), an optional field that was absent (``Event.polarity``; schema 1.2.0's
    ``sentences``, ``annotation_status`` and provenance ``license``, ``attribution``, ``source_file`` of an older
    record), or a null whose default is null (``Epistemic.source``); each decodes back to exactly what was
    written: an unset field stays unset, and an empty list stays an empty list.
    """
    return from_dict(_drop_nulls(_plain(row)))


class NerUnit(NamedTuple):
    """One ``ner`` row's place: a sentence (or, for a record without sentences, a segment) and its segment."""

    sentence_id: str | None
    segment_id: str
    segment_type: str
    start: int
    stop: int
    """Tokens starting in ``[start, stop)`` are the row's: ``stop`` is the next unit's start in the segment, or the
    segment's end, so every token of a segment is in exactly one row."""


def ner_units(record: Record) -> list[NerUnit]:
    """The ``ner`` rows of ``record`` in text order: one per sentence (schema 1.2.0), else one per segment."""
    segments = sorted(record.segments, key=lambda s: (s.start, s.end, s.id))
    sentences = sorted(record.sentences, key=lambda s: s.start) if isinstance(record.sentences, tuple) else ()
    if not sentences:
        return [NerUnit(None, s.id, s.type, s.start, s.end) for s in segments]
    units: list[NerUnit] = []
    starts = [s.start for s in segments]
    for k, sent in enumerate(sentences):
        i = max(bisect_right(starts, sent.start) - 1, 0)
        seg = segments[i]
        after = sentences[k + 1].start if k + 1 < len(sentences) else None
        stop = after if after is not None and after < seg.end else max(seg.end, sent.end)
        units.append(NerUnit(sent.id, seg.id, seg.type, sent.start, stop))
    return units


def ner_rows(record: Record) -> list[dict[str, Any]]:
    """One row per sentence (per segment before schema 1.2.0): tokens split at every gold span edge, BIO tags of
    the flat (outermost) layer."""
    lab = labels(record.schema_version)
    tag_ids = {name: i for i, name in enumerate(lab.bio_labels)}
    tokens = record_tokens(record)
    try:
        tags = bio_tags(tokens, record.entities)
        ids = [tag_ids[tag] for tag in tags]
    except (ValueError, KeyError) as err:
        raise ConversionError(f"{record.id}: cannot tag tokens ({err}); run `aces validate`") from err
    out = []
    # Tokens are in text order and do not overlap, so the tokens starting inside a unit are one contiguous run:
    # two bisections instead of a scan of every token per unit.
    starts = [start for start, _ in tokens]
    for unit in ner_units(record):
        inside = range(bisect_left(starts, unit.start), bisect_left(starts, unit.stop))
        out.append(
            {
                "doc_id": record.id,
                "sentence_id": unit.sentence_id,
                "segment_id": unit.segment_id,
                "segment_type": unit.segment_type,
                "tokens": [record.text[tokens[i][0] : tokens[i][1]] for i in inside],
                "token_starts": [tokens[i][0] for i in inside],
                "token_ends": [tokens[i][1] for i in inside],
                "ner_tags": [ids[i] for i in inside],
            }
        )
    return out


def event_rows(record: Record) -> list[dict[str, Any]]:
    """One row per event mention, arguments resolved to their text, context = the segment(s) of the trigger."""
    lab = labels(record.schema_version)
    roles = dict.fromkeys(lab.role_names)
    index = _Index(record)
    out = []
    for ev in sorted(record.events, key=lambda e: (e.trigger.start, e.trigger.end, e.id)):
        context, context_start = _context(record, [ev.trigger])
        out.append(
            {
                "doc_id": record.id,
                "event_id": ev.id,
                "event_type": _label_id(lab.event_types, ev.type, record.id, ev.id, "event type"),
                "trigger": _span(ev.trigger),
                "arguments": [
                    {"role": _label_id(roles, arg.role, record.id, ev.id, "role"), **index.resolve(arg.ref, ev.id)}
                    for arg in ev.arguments
                ],
                "epistemic_status": _label_id(
                    lab.epistemic_statuses, ev.epistemic.status, record.id, ev.id, "epistemic status"
                ),
                "epistemic_source": index.resolve(ev.epistemic.source, ev.id) if ev.epistemic.source else None,
                **_event_polarity(lab, ev, record.id),
                "context": context,
                "context_start": context_start,
            }
        )
    return out


def stance_rows(record: Record) -> list[dict[str, Any]]:
    """One row per stance; context = the run of segments covering its evidence (and a proposition target)."""
    lab = labels(record.schema_version)
    index = _Index(record)
    out = []
    for st in sorted(record.stances, key=lambda s: (min((e.start for e in s.evidence), default=0), s.id)):
        target = st.target
        spans: list[Span] = list(st.evidence)
        if isinstance(target, PropositionTarget):
            spans.append(Span(target.start, target.end, target.text))
            target_row = {"kind": "proposition", "ref": None, "entity_type": None, **_span(target)}
        else:
            target_row = index.resolve(target.ref, st.id)
        holder = st.holder
        if isinstance(holder, AuthorHolder):
            holder_row = {"kind": "author", "ref": None, "entity_type": None, "start": None, "end": None, "text": None}
        else:
            holder_row = index.resolve(holder.ref, st.id)
        context, context_start = _context(record, spans)
        out.append(
            {
                "doc_id": record.id,
                "stance_id": st.id,
                "holder": holder_row,
                "target": target_row,
                "polarity": _label_id(lab.stance_polarities, st.polarity, record.id, st.id, "stance polarity"),
                "evidence": [_span(e) for e in st.evidence],
                "context": context,
                "context_start": context_start,
            }
        )
    return out


# --------------------------------------------------------------------------------------------- tables


def to_arrow(config: str, version: str, config_rows: Sequence[dict[str, Any]]):
    """A ``pyarrow.Table`` with the config's schema (HF features embedded in its metadata)."""
    import pyarrow as pa

    schema = arrow_schema(config, version)
    # Column by column (what from_pylist does internally, minus a per-row dict pass): the same table, faster.
    columns = {name: [row.get(name) for row in config_rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)


def records_from_rows(table_rows: Iterable[dict[str, Any]]) -> Iterator[Record]:
    """Records back from ``documents`` rows (a ``datasets.Dataset``, pandas ``to_dict('records')``, ...)."""
    for row in table_rows:
        yield record_from_row(row)


# --------------------------------------------------------------------------------------------- helpers


class _Index:
    """Resolves a mention, cluster or event id to ``{kind, ref, entity_type, start, end, text}``."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.types = dict.fromkeys(labels(record.schema_version).entity_types)
        self.mentions = {m.id: m for m in record.entities}
        self.clusters = {c.id: c for c in record.clusters}
        self.events = {e.id: e for e in record.events}

    def resolve(self, ref: str, owner: str) -> dict[str, Any]:
        if ref in self.mentions:
            m = self.mentions[ref]
            etype = _label_id(self.types, m.type, self.record.id, ref, "entity type")
            return {"kind": "mention", "ref": ref, "entity_type": etype, **_span(m)}
        if ref in self.clusters:
            c = self.clusters[ref]
            etype = _label_id(self.types, c.type, self.record.id, ref, "entity type")
            return {"kind": "cluster", "ref": ref, "entity_type": etype, "start": None, "end": None, "text": c.name}
        if ref in self.events:
            t = self.events[ref].trigger
            return {"kind": "event", "ref": ref, "entity_type": None, "start": t.start, "end": t.end, "text": t.text}
        raise ConversionError(f"{self.record.id}: {owner} refers to {ref!r}, which is no mention, cluster or event")


def _context(record: Record, spans: Sequence[Any]) -> tuple[str, int]:
    """Text of the smallest run of whole segments that covers ``spans``, and its start offset in the document."""
    if not spans:
        return "", 0
    lo, hi = min(s.start for s in spans), max(s.end for s in spans)
    covering = [seg for seg in record.segments if seg.start < hi and lo < seg.end]
    start = min([lo, *(seg.start for seg in covering)])
    end = max([hi, *(seg.end for seg in covering)])
    return record.text[start:end], start


def _span(span: Any) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text}


def _label_id(inventory: dict[str, Any], name: str, doc_id: str, owner: str, what: str) -> int:
    try:
        return list(inventory).index(name)
    except ValueError:
        raise ConversionError(
            f"{doc_id}: {owner} has {what} {name!r}, which is not in the schema's labels.json; run `aces validate`"
        ) from None


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _record_features(struct: type) -> dict[str, Any]:
    """``datasets`` features mirroring a msgspec Struct, so the ``documents`` config follows ``aces.record``.

    Strings → string, ints → int32 (offsets), tuples → ``List``, structs → dicts, a tagged union → one struct
    with the tag field and every member's fields (nullable). Optional fields are nullable columns.
    """
    import msgspec.inspect as mi

    return _feature_of(mi.type_info(struct))


def _feature_of(info: Any) -> Any:
    import msgspec.inspect as mi
    from datasets import List, Value

    if isinstance(info, mi.StrType):
        return Value("string")
    if isinstance(info, mi.IntType):
        return Value("int32")
    if isinstance(info, mi.StructType):
        return {f.encode_name: _feature_of(f.type) for f in info.fields}
    if isinstance(info, (mi.VarTupleType, mi.ListType)):
        return List(_feature_of(info.item_type))
    if isinstance(info, mi.TupleType) and len({type(t) for t in info.item_types}) == 1:
        return List(_feature_of(info.item_types[0]))
    if isinstance(info, mi.UnionType):
        members = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(members) == 1:
            return _feature_of(members[0])
        if all(isinstance(t, mi.StructType) and t.tag_field for t in members):
            merged: dict[str, Any] = {members[0].tag_field: Value("string")}
            for member in members:
                merged.update(_feature_of(member))
            return merged
    raise TypeError(f"no datasets feature for {info!r}: extend aces.hf.rows._feature_of")


def _event_polarity(lab: Any, event: Any, doc_id: str) -> dict[str, int]:
    """``event_polarity`` for schemas that have it; an unset polarity is the inventory's first (its default)."""
    if not lab.event_polarities:
        return {}
    if event.polarity is msgspec.UNSET:
        return {"event_polarity": 0}
    return {"event_polarity": _label_id(lab.event_polarities, event.polarity, doc_id, event.id, "event polarity")}


def _plain(value: Any) -> Any:
    """Deep copy into dicts and lists (numpy arrays from pandas become lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------- column docs

_REF_DOC = (
    "{kind, ref, entity_type, start, end, text}: kind is mention, cluster or event (a holder may also be the "
    "author, a target a proposition); entity_type is the ClassLabel of the mention's or cluster's type (null "
    "for an event, the author and a proposition); text is the mention text, the cluster's canonical name, the "
    "event trigger or the proposition span; start/end are document offsets, null for a cluster and for the author"
)

COLUMN_DOCS: dict[str, dict[str, str]] = {
    "documents": {
        "schema_version": "Schema version the record was written against (schema/<version>/).",
        "id": "Document id, unique corpus-wide; every annotation id starts with it.",
        "lang": "BCP-47 language tag of the text.",
        "split": "train, validation or test: assigned at ingest from sha256 of the id, never recomputed.",
        "text": "Clean NFC text; every offset in the dataset counts code points of this string.",
        "provenance": "Source, raw file path and sha256, offset map back to the raw text, removed debris; since "
        "schema 1.2.0 the licence of the text (SPDX id or unknown), the attribution it asks for, and the source file "
        "the raw file was cut from (null when it is not a cut).",
        "segments": "Title, lead, headings and paragraphs as [start, end) spans of the text.",
        "entities": "Every entity mention (nested ones included): span, text, entity type, mention form.",
        "clusters": "Coreference clusters: canonical name, type, member mention ids.",
        "events": "Event mentions: type, trigger span, arguments (role + mention/cluster/event id), epistemic.",
        "stances": "Stances: holder (author or entity), target (entity, event or proposition), polarity, evidence.",
        "sentences": "Since schema 1.2.0: the sentences as [start, end) spans with ids, tiling each segment; mentions "
        "and triggers lie inside one. Null for records of an older schema.",
        "annotation_status": "Since schema 1.2.0: unannotated, one-pass, reviewed or adjudicated; null when the "
        "record has none.",
    },
    "ner": {
        "doc_id": "Document id.",
        "sentence_id": "Sentence id (one row per sentence: the UD sent_id for a treebank document); null for a "
        "record without sentences (schema before 1.2.0), whose rows are its segments.",
        "segment_id": "Id of the segment (paragraph) holding the sentence.",
        "segment_type": "title, lead, heading, dateline, byline or paragraph.",
        "tokens": "spaCy blank-Arabic tokens, split at every gold span edge so proclitics are their own tokens.",
        "token_starts": "Start of each token in the document text (code points).",
        "token_ends": "End (exclusive) of each token in the document text (code points).",
        "ner_tags": "BIO tag per token over the flat layer (outermost mention wins; nested ones: documents).",
    },
    "events": {
        "doc_id": "Document id.",
        "event_id": "Event mention id.",
        "event_type": "Event type (ClassLabel over the schema's event types).",
        "trigger": "{start, end, text} of the trigger in the document text.",
        "arguments": "List of {role (ClassLabel over every event type's roles), " + _REF_DOC[1:],
        "epistemic_status": "asserted, claimed or hypothetical (ClassLabel).",
        "epistemic_source": "Whose claim (or, since schema 1.1.0, whose hypothesis) the event is, else null: "
        + _REF_DOC,
        "event_polarity": "Since schema 1.1.0: positive or negative (ClassLabel); an event without polarity in the "
        "record gets the first label, the schema's default.",
        "context": "Text of the segment(s) holding the trigger.",
        "context_start": "Offset of context in the document text (subtract it to get offsets inside context).",
    },
    "stance": {
        "doc_id": "Document id.",
        "stance_id": "Stance id.",
        "holder": "Who holds the stance: " + _REF_DOC,
        "target": "What the stance is about: " + _REF_DOC,
        "polarity": "FAVOR, AGAINST or NEUTRAL (ClassLabel over the schema's stance polarities).",
        "evidence": "List of {start, end, text}: the spans that carry the evaluation.",
        "context": "Text of the run of segments covering the evidence (and a proposition target).",
        "context_start": "Offset of context in the document text (subtract it to get offsets inside context).",
    },
}
