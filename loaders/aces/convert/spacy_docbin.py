"""Records ⇄ spaCy ``Doc``/``DocBin``, losslessly, with every gold span on token boundaries.

Tokens are ``aces.text.clitics`` (spaCy's blank Arabic tokens with proclitics split off), made from the text alone,
exactly what ``aces.arabic_clitics.v1`` gives a trained pipeline at inference: no token knows the annotations.
A span whose edges fall inside a token covers the tokens it touches (expanded, like ``Doc.char_span(...,
alignment_mode="expand")``) and carries its exact ``start:end`` as ``span.kb_id_``, which the import reads back.

Layout of one Doc (``doc.text == record.text`` exactly):

- ``doc.ents``: the flat (non-overlapping, outermost-wins) mention layer, label = entity type, each on its
  covering tokens (a mention that would then collide with an earlier one is left out: ``aces.offsets.tagged_layer``);
- ``doc.spans["mentions"]``: every mention, label = entity type, ``span.id_`` = mention id;
- ``doc.spans["events"]``: one trigger per event, label = event type, ``span.id_`` = event id;
- ``doc.spans["stance"]``: every evidence span, label = polarity, ``span.id_`` = stance id;
- ``doc.spans["stance_targets"]``: proposition targets, label ``proposition``, ``span.id_`` = stance id;
- ``doc.spans["segments"]``: segments, label = segment type, ``span.id_`` = segment id; each segment's first
  token is a sentence start and no other token is;
- ``doc.user_data["aces"]``: every field that is not a span offset or span label (JSON-safe, in record
  order): the record's own fields (id, split, provenance, …), and per item the rest of it: mention ids and
  forms, clusters, event arguments (role → ref) and epistemic status, stance holders, targets and evidence
  span counts (layout 2; layout 1 had no count, so a lost evidence span went unseen). Fields are
  copied generically, so optional fields a later schema version adds (e.g. an event's polarity) survive too,
  and an unset one has no key, so it stays unset: schema 1.2.0's ``annotation_status``, ``sentences`` and the
  provenance's ``license``, ``attribution`` and ``source_file`` are under ``["record"]``.

The offsets of the annotation spans live only in the span groups (token range, or ``kb_id_`` when the span was
widened to whole tokens), so the import reads them from there and nothing else: an item whose span is missing from
its group (or a span with no item), a stance with more or fewer evidence
spans than ``user_data`` counts, a span group outside this layout, a ``doc.ents`` that is not the flat layer of the
mentions, or a ``user_data`` key that is missing, unknown or of the wrong type is refused, never papered over. The
file import (``read_records``) also refuses a document id that could not name a file (``aces.paths``), a document
seen twice, and a record with any error of ``aces validate`` levels 1-4 (an unknown label, a dangling reference),
each located as ``file:n [id]`` with ``n`` the Doc's number in its DocBin.
Sentences (1.2.0) are the exception, kept whole in ``doc.user_data`` with their offsets, and they do not set
``token.is_sent_start``: a span group of them, or sentence starts from them, would need tokens split at their
edges (two sentences may touch with no space between) and would change the layout above, where the sentence
starts are the segments'. Tokens, span groups and ``doc.sents`` are the same with or without sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from aces.atomic import replace_folder, staging_folder
from aces.gc_tuning import fewer_collections
from aces.offsets import flat_mentions, token_range
from aces.record import PropositionTarget, Record
from aces.text.clitics import split_table

if TYPE_CHECKING:
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin, Span
    from spacy.vocab import Vocab

USER_DATA_KEY = "aces"
LAYOUT = 2
"""Version of the Doc layout above; bump it when the layout changes so old DocBins are refused clearly."""

MENTIONS, EVENTS, STANCE, STANCE_TARGETS, SEGMENTS = "mentions", "events", "stance", "stance_targets", "segments"
PROPOSITION = "proposition"
SPLIT_ORDER = ("train", "validation", "test")
SUFFIX = ".spacy"


class ConversionError(ValueError):
    """A record or Doc that cannot be converted without losing or inventing something; the message says what."""


@cache
def _blank_nlp() -> Language:
    import spacy

    return spacy.blank("ar")


def _blank_vocab() -> Vocab:
    return _blank_nlp().vocab


# --- records → docs -------------------------------------------------------------------------------------------


_TOKEN_START, _TOKEN_END, _TEXT_EDGE = 1, 2, 16
"""Bits of the per-offset flags ``_layout`` computes: what starts or ends at each offset of the text."""


def _token_table(text: str) -> np.ndarray:
    """Offset, length, whitespace flag and lexeme id of each token of spaCy's blank Arabic tokenizer."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH

    return _blank_nlp().tokenizer(text).to_array([IDX, LENGTH, IS_SPACE, ORTH]).reshape(-1, 4)


def _layout(
    record: Record, table: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int | str]]:
    """Token starts, token ends, trailing-space flags and words of the Doc of ``record``.

    Tokens are ``aces.text.clitics`` tokens of the text (``aces.offsets.record_tokens``); the whitespace between two
    tokens becomes the first one's trailing space when it is exactly one ``" "``, and whitespace tokens otherwise
    (``"\\n"`` between segments, double spaces, no-break spaces). Computed on arrays over the text's offsets, not
    token by token: every offset where a token starts or ends cuts the text, and each piece is a token unless it
    is such a single space. A word is the tokenizer's own lexeme id where spaCy's token was not split (no string
    made, no hash computed again), else its text. Annotations play no part.
    """
    import numpy as np

    text = record.text
    size = len(text)
    if table is None:
        table = _token_table(text)
    kept = table[table[:, 2] == 0]
    base_start = kept[:, 0].astype(np.int64)
    base_end = base_start + kept[:, 1].astype(np.int64)
    tok_start, tok_end = split_table(kept[:, [0, 1, 3]], _blank_vocab().strings)
    flags = np.zeros(size + 1, dtype=np.uint8)
    flags[tok_start] |= _TOKEN_START
    flags[tok_end] |= _TOKEN_END
    flags[[0, size]] |= _TEXT_EDGE
    bounds = np.flatnonzero(flags)
    a, b = bounds[:-1], bounds[1:]
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    # a gap after a token and before the next one (or the end of the text), exactly one space wide
    absorbed = (
        (b - a == 1)
        & (codes[a] == 32)
        & ((flags[a] & (_TOKEN_END | _TOKEN_START)) == _TOKEN_END)
        & ((flags[b] & (_TOKEN_START | _TEXT_EDGE)) != 0)
    )
    space_after = np.zeros(len(a), dtype=bool)
    space_after[:-1] = absorbed[1:]
    keep = ~absorbed
    starts, ends, spaces = a[keep], b[keep], space_after[keep]
    end_at = np.zeros(size + 1, dtype=np.int64)  # spaCy's token starting at each offset: its end, its row
    end_at[base_start] = base_end
    row_at = np.zeros(size + 1, dtype=np.int64)
    row_at[base_start] = np.arange(len(base_start))
    words: list[int | str] = kept[row_at[starts], 3].tolist() if len(kept) else [""] * len(starts)
    cut = np.flatnonzero(end_at[starts] != ends)  # tokens ending elsewhere were split (or are whitespace)
    for k, i, j in zip(cut.tolist(), starts[cut].tolist(), ends[cut].tolist(), strict=True):
        words[k] = text[i:j]
    return starts, ends, spaces, words


def words_and_spaces(record: Record) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose concatenation is ``record.text`` exactly (see ``_layout``)."""
    starts, ends, spaces, _ = _layout(record)
    text = record.text
    return [text[i:j] for i, j in zip(starts.tolist(), ends.tolist(), strict=True)], spaces.tolist()


def _rest(obj: Any, *drop: str) -> dict:
    """``obj`` as builtins without the fields a span carries: every other field, including ones a later schema
    version adds (unset optional fields are omitted, so they stay unset after the import)."""
    out = msgspec.to_builtins(obj)
    for key in drop:
        out.pop(key, None)
    return out


def _payload(record: Record) -> dict:
    """Everything in the record that the span groups do not hold, JSON-safe, in record order."""
    stances = []
    for st in record.stances:
        rest = _rest(st, "polarity", "evidence")
        rest["evidence"] = len(st.evidence)  # the spans are in doc.spans["stance"]: the import checks none is lost
        if isinstance(st.target, PropositionTarget):
            rest["target"] = {"kind": PROPOSITION}  # its offsets and text are in doc.spans["stance_targets"]
        stances.append(rest)
    return {
        "layout": LAYOUT,
        "record": _rest(record, "text", "segments", "entities", "clusters", "events", "stances"),
        "segments": [_rest(s, "type", "start", "end") for s in record.segments],
        "mentions": [_rest(m, "start", "end", "text", "type") for m in record.entities],
        "clusters": msgspec.to_builtins(record.clusters),
        "events": [_rest(e, "type", "trigger") for e in record.events],
        "stances": stances,
    }


_Item = tuple[str, int, int, "str | None", str, str, str]
"""One gold span to place: (group, start, end, stored text or None, label, id, what it is for an error message)."""


def _items(record: Record) -> list[_Item]:
    """Every span of the Doc in group order, then record order within a group."""
    items: list[_Item] = [(SEGMENTS, s.start, s.end, None, s.type, s.id, f"segment {s.id}") for s in record.segments]
    items += [(MENTIONS, m.start, m.end, m.text, m.type, m.id, f"mention {m.id}") for m in record.entities]
    for e in record.events:
        t = e.trigger
        items.append((EVENTS, t.start, t.end, t.text, e.type, e.id, f"event {e.id} trigger"))
    targets: list[_Item] = []
    for st in record.stances:
        for i, ev in enumerate(st.evidence):
            items.append((STANCE, ev.start, ev.end, ev.text, st.polarity, st.id, f"stance {st.id} evidence {i}"))
        if isinstance(st.target, PropositionTarget):
            t = st.target
            targets.append((STANCE_TARGETS, t.start, t.end, t.text, PROPOSITION, st.id, f"stance {st.id} target"))
    return items + targets


def _edges(items: list[_Item]) -> np.ndarray:
    """``[start, end)`` of each item, one row each."""
    import numpy as np

    return np.array([(a, b) for _, a, b, *_ in items], dtype=np.int64).reshape(-1, 2)


def _span_tokens(
    record: Record, items: list[_Item], edges: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> list[tuple[int, int, bool]]:
    """Token range ``[first, last + 1)`` of each item (``aces.offsets.token_range``: the tokens it touches) and
    whether that range's characters are the item's exactly; raises ``ConversionError`` when a stored text
    differs from the document text or a span is not a span of the text (refuse rather than drop it)."""
    import numpy as np

    text = record.text
    for _, a, b, stored, _, _, what in items:
        if stored is not None and text[a:b] != stored:
            raise ConversionError(
                f"{record.id} {what}: stored text {stored!r} differs from the document text {text[a:b]!r} at "
                f"[{a}, {b}); fix the record (aces validate reports it)"
            )
    size = len(text)
    fits = (edges[:, 0] >= 0) & (edges[:, 1] <= size) & (edges[:, 0] < edges[:, 1])
    if not fits.all():
        k = int(np.flatnonzero(~fits)[0])
        _, a, b, _, _, _, what = items[k]
        raise ConversionError(f"{record.id} {what}: [{a}, {b}) is not a span of the text; run `aces validate`")
    first, last = token_range(starts, ends, edges[:, 0], edges[:, 1])
    last = np.maximum(last, first)  # whitespace only (between two tokens): one token, exact offsets in kb_id
    top = len(starts) - 1
    exact = (starts[np.minimum(first, top)] == edges[:, 0]) & (ends[np.minimum(last, top)] == edges[:, 1])
    return list(zip(first.tolist(), (last + 1).tolist(), exact.tolist(), strict=True))


TOKEN_ATTRS = ("SENT_START", "ENT_IOB", "ENT_TYPE", "ENT_ID")
_OUTSIDE, _INSIDE, _BEGIN = 2, 1, 3  # spaCy's ENT_IOB codes ("O", "I", "B")


def _token_annotations(
    record: Record, starts: np.ndarray, ends: np.ndarray, segment_spans: list[Span], mention_spans: list[Span]
) -> np.ndarray:
    """The ``TOKEN_ATTRS`` columns, for one ``Doc.from_array``: token 0 and each segment's first token start a
    sentence and no other token does; ``doc.ents`` is the flat mention layer (``aces.offsets.flat_mentions``) on
    the non-whitespace tokens that cover each mention (``aces.offsets.tagged_layer``, the tokens of the ``ner``
    config and the CoNLL export), every other token outside, each entity token carrying its mention's id as
    ``ent_id`` (what ``doc.set_ents(..., default="outside")`` sets, without its per-token Python set).
    """
    import numpy as np

    from aces.offsets import _whitespace, tagged_layer

    sent = np.full(len(starts), -1, dtype=np.int64)
    sent[[0, *(span.start for span in segment_spans)]] = 1
    out = np.zeros((len(starts), len(TOKEN_ATTRS)), dtype=np.uint64)
    out[:, 0] = sent.astype(np.uint64)
    out[:, 1] = _OUTSIDE
    flat = flat_mentions(record.entities)
    if not flat:
        return out
    spaces = _whitespace()
    points = np.frombuffer(record.text.encode("utf-32-le"), dtype=np.uint32)[starts]
    words = np.flatnonzero(~spaces[np.minimum(points, len(spaces) - 1)])
    a = np.array([m.start for m in flat], np.int64)
    b = np.array([m.end for m in flat], np.int64)
    first, last, kept = tagged_layer(starts[words], ends[words], np.zeros(len(flat), np.int64), a, b)
    by_id = dict(zip((m.id for m in record.entities), mention_spans, strict=True))
    for m, f, g, keep in zip(flat, first.tolist(), last.tolist(), kept.tolist(), strict=True):
        if not keep:
            continue
        span = by_id[m.id]
        i, j = int(words[f]), int(words[g]) + 1
        out[i, 1] = _BEGIN
        out[i + 1 : j, 1] = _INSIDE
        out[i:j, 2] = span.label
        out[i:j, 3] = span.id
    return out


def record_to_doc(record: Record, vocab: Vocab | None = None, table: np.ndarray | None = None) -> Doc:
    """One record as one Doc (layout in the module docstring); raises ``ConversionError`` on an invalid span.
    ``table``: the record's ``_token_table``, when the caller tokenized it already."""
    from spacy.tokens import Doc, Span

    items = _items(record)
    edges = _edges(items)
    starts, ends, spaces, words = _layout(record, table)
    if vocab is not None and vocab is not _blank_vocab():  # lexeme ids are the export vocab's: give strings
        text = record.text
        words = [text[i:j] for i, j in zip(starts.tolist(), ends.tolist(), strict=True)]
    doc = Doc(vocab or _blank_vocab(), words=words, spaces=spaces.tolist())
    groups: dict[str, list[Span]] = {key: [] for key in (SEGMENTS, MENTIONS, EVENTS, STANCE, STANCE_TARGETS)}
    for (key, a, b, _, label, ann_id, _), (i, j, exact) in zip(
        items, _span_tokens(record, items, edges, starts, ends), strict=True
    ):
        groups[key].append(Span(doc, i, j, label=label, span_id=ann_id, kb_id="" if exact else f"{a}:{b}"))
    for key, spans in groups.items():
        doc.spans[key] = spans
    if len(starts):
        doc.from_array(TOKEN_ATTRS, _token_annotations(record, starts, ends, groups[SEGMENTS], groups[MENTIONS]))
    doc.user_data[USER_DATA_KEY] = _payload(record)
    return doc


BATCH = 128
"""Records tokenized together, then converted together: the tokenizer's caches stay warm across a batch instead
of being evicted by the conversion of each document in between."""


def _batches(records: Iterable[Record], vocab: Vocab | None = None) -> Iterator[list[tuple[Record, Doc]]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            yield _convert(batch, vocab)
            batch = []
    if batch:
        yield _convert(batch, vocab)


def _convert(batch: list[Record], vocab: Vocab | None) -> list[tuple[Record, Doc]]:
    tables = [_token_table(record.text) for record in batch]
    return [(record, record_to_doc(record, vocab, table)) for record, table in zip(batch, tables, strict=True)]


def _zoned_batches(records: Iterable[Record]) -> Iterator[list[tuple[Record, Doc]]]:
    """As ``_batches``, but each batch's Docs are built inside a vocab memory zone that ends when the next batch
    is asked for: the strings they add to the shared vocab (each span id: about 50 per document, all distinct)
    are dropped once the consumer has put the Docs in a DocBin, which keeps its own copy. The tokenizer runs
    outside the zone, because inside one spaCy turns its cache off (half again the export time)."""
    vocab = _blank_vocab()
    batch: list[Record] = []
    for record in chain(records, [None]):  # None: the end, to convert the last partial batch
        if record is not None:
            batch.append(record)
        if batch and (len(batch) == BATCH or record is None):
            tables = [_token_table(r.text) for r in batch]
            with vocab.memory_zone():
                yield [(r, record_to_doc(r, None, t)) for r, t in zip(batch, tables, strict=True)]
            batch = []


def records_to_docs(records: Iterable[Record], vocab: Vocab | None = None) -> Iterator[Doc]:
    for batch in _batches(records, vocab):
        for _, doc in batch:
            yield doc


# --- docs → records -------------------------------------------------------------------------------------------


class _Keyed(msgspec.Struct):
    """An item of ``doc.user_data['aces']`` as far as the import relies on it (its other fields are kept as are)."""

    id: str


class _Target(msgspec.Struct):
    kind: str


class _StanceItem(msgspec.Struct):
    id: str
    target: _Target
    evidence: int  # how many evidence spans the stance has in doc.spans["stance"]


class _Payload(msgspec.Struct, forbid_unknown_fields=True):
    """The shape of ``doc.user_data['aces']``: a key or type that differs is reported, never a KeyError."""

    layout: int
    record: _Keyed
    segments: list[_Keyed]
    mentions: list[_Keyed]
    clusters: list[dict[str, Any]]
    events: list[_Keyed]
    stances: list[_StanceItem]


def _group(doc: Doc, key: str) -> list:
    return list(doc.spans[key]) if key in doc.spans else []


class _Spans:
    """The spans of one group by id, handed out once each, so a span without metadata or metadata without a span
    is reported instead of silently dropped."""

    def __init__(self, doc: Doc, key: str, problems: list[str], many: bool = False) -> None:
        self.key, self.problems = key, problems
        self.by_id: dict[str, list] = {}
        for span in _group(doc, key):
            if span.id_ in self.by_id and not many:
                problems.append(f"two spans in doc.spans[{key!r}] carry the id {span.id_!r}")
            self.by_id.setdefault(span.id_, []).append(span)

    def take(self, ann_id: str, count: int = 1) -> list:
        """The ``count`` spans of ``ann_id``; [] (and a problem) if the group does not hold exactly that many."""
        spans = self.by_id.pop(ann_id, [])
        if not spans:
            self.problems.append(
                f"{ann_id} is in doc.user_data but has no span in doc.spans[{self.key!r}]; the DocBin lost a span: "
                "re-export it"
            )
        elif len(spans) != count:
            self.problems.append(
                f"{ann_id} has {len(spans)} span(s) in doc.spans[{self.key!r}] but doc.user_data says {count}; the "
                "DocBin lost or gained a span: re-export it"
            )
            return []
        return spans

    def done(self) -> None:
        if self.by_id:
            self.problems.append(
                f"span(s) {sorted(self.by_id)} in doc.spans[{self.key!r}] have no entry in doc.user_data; the DocBin "
                "was edited or not written by `aces export spacy`"
            )


def _chars(span) -> tuple[int, int]:
    """The item's exact ``[start, end)``: its tokens' characters, or ``kb_id_`` when it was expanded to tokens."""
    if not span.kb_id_:
        return span.start_char, span.end_char
    start, _, end = span.kb_id_.partition(":")
    try:
        a, b = int(start), int(end)
    except ValueError:
        raise ConversionError(f"span {span.id_!r} has kb_id {span.kb_id_!r}, not the exact offsets start:end") from None
    if not span.start_char <= a < b <= span.end_char:
        raise ConversionError(f"span {span.id_!r}: offsets {span.kb_id_} lie outside its tokens; re-export")
    return a, b


def _offsets(span) -> dict:
    a, b = _chars(span)
    return {"start": a, "end": b, "text": span.doc.text[a:b]}


def _fail(where: str, doc_id: object, problems: list[str]) -> ConversionError:
    """One error listing every problem of a Doc, each located (``where``: file and Doc number, and the id)."""
    at = f"{where} [{doc_id}]" if doc_id is not None else where or "Doc"
    return ConversionError("\n".join(f"{at}: {p}" for p in problems))


def _payload_of(doc: Doc, where: str) -> dict:
    """``doc.user_data['aces']``, checked against ``_Payload`` (so a missing or mistyped key is a message)."""
    meta = doc.user_data.get(USER_DATA_KEY)
    if not isinstance(meta, dict):
        raise _fail(
            where,
            None,
            [
                "this Doc has no doc.user_data['aces']: it was not written by `aces export spacy`, or the DocBin was "
                "saved without store_user_data=True"
            ],
        )
    doc_id = meta.get("record", {}).get("id") if isinstance(meta.get("record"), dict) else None
    if meta.get("layout") != LAYOUT:
        raise _fail(
            where, doc_id, [f"Doc layout {meta.get('layout')!r} is not {LAYOUT}; re-export with this aces version"]
        )
    try:
        msgspec.convert(meta, _Payload)
    except msgspec.ValidationError as err:
        raise _fail(where, doc_id, [f"doc.user_data['aces'] is malformed: {str(err).replace('`$', '`aces')}"]) from None
    return meta


_SPAN_GROUPS = (SEGMENTS, MENTIONS, EVENTS, STANCE, STANCE_TARGETS)


def _record_data(doc: Doc, where: str = "") -> dict:
    """The record of ``doc`` as builtins (not yet checked against the schema); ``ConversionError`` listing every span
    or field that cannot be placed: a span missing from its group or without an item, an unknown span group."""
    meta = _payload_of(doc, where)
    data = dict(meta["record"])
    rid = data["id"]
    problems: list[str] = []
    unknown = sorted(set(doc.spans) - set(_SPAN_GROUPS))
    if unknown:
        problems.append(f"span group(s) {unknown} are not part of the layout: their spans would be lost")
    groups = {key: _Spans(doc, key, problems, many=key == STANCE) for key in _SPAN_GROUPS}
    segments = []
    for seg in meta["segments"]:
        for span in groups[SEGMENTS].take(seg["id"]):
            a, b = _chars(span)
            segments.append({**seg, "type": span.label_, "start": a, "end": b})
    entities = []
    for m in meta["mentions"]:
        for span in groups[MENTIONS].take(m["id"]):
            entities.append({**m, **_offsets(span), "type": span.label_})
    events = []
    for e in meta["events"]:
        for span in groups[EVENTS].take(e["id"]):
            events.append({**e, "type": span.label_, "trigger": _offsets(span)})
    stances = []
    for st in meta["stances"]:
        spans = groups[STANCE].take(st["id"], st["evidence"])
        target = groups[STANCE_TARGETS].take(st["id"]) if st["target"]["kind"] == PROPOSITION else None
        if not spans:
            continue
        labels = {s.label_ for s in spans}
        if len(labels) > 1:
            problems.append(f"the evidence spans of {st['id']} carry different polarities {sorted(labels)}")
        stance = {**st, "polarity": spans[0].label_, "evidence": [_offsets(s) for s in spans]}
        if target and target[0].label_ != PROPOSITION:  # the label holds nothing else: an edit would be lost
            problems.append(f"the target span of {st['id']} is labelled {target[0].label_!r}, not {PROPOSITION!r}")
        elif target:
            stance["target"] = {"kind": PROPOSITION, **_offsets(target[0])}
        stances.append(stance)
    for group in groups.values():
        group.done()
    if problems:
        raise _fail(where, rid, problems)
    data.update(
        text=doc.text,
        segments=segments,
        entities=entities,
        clusters=meta["clusters"],
        events=events,
        stances=stances,
    )
    return data


def _to_record(doc: Doc, data: dict, where: str = "") -> Record:
    """``data`` as a Record, refused if ``doc.ents`` is not its flat mention layer (an edit there has no place)."""
    try:
        record = msgspec.convert(data, Record)
    except msgspec.ValidationError as err:
        raise _fail(where, data["id"], [f"doc.user_data does not describe a record ({err})"]) from err
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    if ents != [(m.start, m.end, m.type) for m in flat_mentions(record.entities)]:
        raise _fail(
            where,
            record.id,
            [
                "doc.ents is not the flat layer of doc.spans['mentions']: an edit of doc.ents would be lost; make it "
                "in doc.spans['mentions'] (doc.ents is derived from it)"
            ],
        )
    return record


def doc_to_record(doc: Doc, where: str = "") -> Record:
    """Inverse of ``record_to_doc``: offsets and labels from the span groups, the rest from ``doc.user_data``.
    ``where`` (file and Doc number) prefixes every problem the ``ConversionError`` lists."""
    return _to_record(doc, _record_data(doc, where), where)


def docs_to_records(docs: Iterable[Doc]) -> Iterator[Record]:
    for doc in docs:
        yield doc_to_record(doc)


class _Checked:
    """Each Doc's record refused unless it is safe and valid: an id that is no document id (``aces.paths``), an id
    seen before in this import, or any error of ``aces validate`` levels 1-4 (labels, references, guidelines)."""

    def __init__(self, validate: bool = True) -> None:
        from aces.validate.lines import LineChecker

        self.checker = LineChecker(level=4) if validate else None
        self.first: dict[str, str] = {}

    def record(self, doc: Doc, file: Path, number: int) -> Record:
        from aces.paths import UnsafePath, doc_file

        where = f"{file}:{number}"
        data = _record_data(doc, where)
        rid = data["id"]
        try:
            doc_file(file.parent, rid, ".jsonl")
        except UnsafePath as err:
            raise _fail(where, None, [str(err)]) from None
        if rid in self.first:
            raise _fail(where, rid, [f"the document is here twice (first at {self.first[rid]})"])
        self.first[rid] = where
        try:
            raw = msgspec.json.encode(data)
        except (TypeError, msgspec.EncodeError) as err:
            raise _fail(where, rid, [f"doc.user_data holds a value JSON cannot hold ({err})"]) from None
        findings = self.checker.check_line(raw, str(file), number, None) if self.checker else []
        errors = [f.human() for f in findings if f.is_error]
        if errors:
            raise ConversionError(
                f"{where} [{rid}]: the record does not validate (line = the Doc's number in the DocBin)\n"
                + "\n".join(errors)
            )
        return _to_record(doc, data, where)


# --- files ----------------------------------------------------------------------------------------------------


@contextmanager
def _msgpack_encoders_read_once() -> Iterator[None]:
    """srsly makes a msgpack Packer for every span group and user-data blob a DocBin stores (eight per Doc here),
    and each Packer re-reads the entry points of every installed package (catalogue ``get_all``): that was half
    the export time. Nothing is installed during an export, so the encoders are read once for its duration."""
    from srsly import msgpack

    registry = msgpack.msgpack_encoders
    if "get_all" in vars(registry):  # already pinned by an enclosing export
        yield
        return
    encoders = registry.get_all()
    registry.get_all = lambda: dict(encoders)  # type: ignore[method-assign]
    try:
        yield
    finally:
        del registry.get_all


def shard_name(split: str, index: int) -> str:
    """File name of the ``index``-th DocBin of ``split`` when the export is bounded (``docs_per_file``)."""
    return f"{split}-{index:05d}{SUFFIX}"


def _is_shard(path: Path, split: str) -> bool:
    stem = path.name.removesuffix(SUFFIX)
    return path.name.endswith(SUFFIX) and stem.startswith(f"{split}-") and stem[len(split) + 1 :].isdigit()


def _check_export_dir(out_dir: Path) -> None:
    """Refuse an ``out_dir`` holding anything an export did not write: the export replaces the folder whole."""
    if not out_dir.is_dir():
        if out_dir.exists():
            raise ConversionError(f"{out_dir} is a file; pass a directory for the DocBins")
        return
    for path in out_dir.iterdir():
        ours = path.name.startswith(".") or (path.is_file() and path.name.endswith(SUFFIX))
        ours = ours or (path.is_dir() and all(_is_shard(q, path.name) for q in path.iterdir()))
        if not ours:
            raise ConversionError(
                f"{out_dir} holds {path.name}, which no export wrote; the export replaces the folder whole, so "
                "pass an empty or new --out"
            )


def _split_key(split: str) -> tuple[int, str]:
    return (SPLIT_ORDER.index(split) if split in SPLIT_ORDER else len(SPLIT_ORDER), split)


def to_spacy(records: Iterable[Record], out_dir: str | Path, docs_per_file: int | None = None) -> dict[str, Path]:
    """Write one ``<split>.spacy`` DocBin per split that has documents; returns split → path.

    A DocBin is held in memory until written (about 0.35 MB per document), so with ``docs_per_file`` each split is
    written as ``<split>/<split>-00000.spacy``, ``-00001.spacy``, … of at most that many documents each, as soon
    as each is full, and the Docs' strings leave spaCy's vocab once they are in a DocBin (``_zoned_batches``):
    memory stays flat in the corpus size. Then split → its directory, which ``spacy train --paths.train`` and
    ``from_spacy`` both take as a corpus.

    The export owns ``out_dir``: everything is written into a staging folder beside it, which replaces it whole
    once every record converted (``aces.atomic``). An export that fails, or is killed at any point, leaves the
    previous one as it was; a folder holding anything else is refused before any work.
    """
    from spacy.tokens import DocBin

    if docs_per_file is not None and docs_per_file < 1:
        raise ConversionError(f"docs_per_file must be at least 1, not {docs_per_file}")
    out_dir = Path(out_dir)
    _check_export_dir(out_dir)
    bins: dict[str, DocBin] = {}
    files: dict[str, int] = {}  # bounded export: DocBins written so far per split
    with staging_folder(out_dir, "exporting") as staging:

        def flush(split: str) -> None:
            (staging / split).mkdir(exist_ok=True)
            bins.pop(split).to_disk(staging / split / shard_name(split, files[split]))
            files[split] += 1

        with _msgpack_encoders_read_once(), fewer_collections():
            for batch in _batches(records) if docs_per_file is None else _zoned_batches(records):
                for record, doc in batch:
                    split = record.split
                    if split not in bins:
                        files.setdefault(split, 0)
                        bins[split] = DocBin(store_user_data=True)
                    bins[split].add(doc)
                    if docs_per_file is not None and len(bins[split]) == docs_per_file:
                        flush(split)
            for split in list(bins) if docs_per_file is not None else ():
                flush(split)
        for split, docbin in bins.items():  # the whole-split DocBins (default export)
            docbin.to_disk(staging / f"{split}{SUFFIX}")
        replace_folder(staging, out_dir)
    splits = sorted(files, key=_split_key)
    if docs_per_file is not None:
        return {split: out_dir / split for split in splits}
    return {split: out_dir / f"{split}{SUFFIX}" for split in splits}


def docbin_files(path: str | Path) -> list[Path]:
    """The DocBins at ``path``: the file itself, or a directory's ``*.spacy`` and ``*/*.spacy`` (a bounded
    export's split folders) in split order, then name order."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ConversionError(f"{path} does not exist; pass a .spacy file or the directory `aces export spacy` wrote")
    top = list(path.glob(f"*{SUFFIX}"))
    # (hidden folders are an export in progress, or one a crash interrupted: never part of the corpus)
    nested = [p for p in path.glob(f"*/*{SUFFIX}") if p.is_file() and not p.parent.name.startswith(".")]
    both = sorted({p.parent.name for p in nested} & {p.name.removesuffix(SUFFIX) for p in top})
    if both:
        raise ConversionError(
            f"{path} holds both {both[0]}{SUFFIX} and {both[0]}/: two exports of one split; delete the one you do not "
            "want (or export again into an empty directory)"
        )

    def group(p: Path) -> str:
        return p.name.removesuffix(SUFFIX) if p.parent == path else p.parent.name

    files = sorted(top + nested, key=lambda p: (*_split_key(group(p)), p.name))
    if not files:
        raise ConversionError(f"{path} holds no *{SUFFIX} files; run `aces export spacy --out {path}` first")
    return files


def _read_docbin(file: Path) -> DocBin:
    from spacy.tokens import DocBin

    try:
        return DocBin(store_user_data=True).from_disk(file)
    except Exception as err:  # spaCy raises assorted errors on a file that is not a DocBin
        raise ConversionError(f"{file} is not a readable spaCy DocBin ({err})") from err


def read_docs(path: str | Path, vocab: Vocab | None = None) -> Iterator[Doc]:
    """Docs of every DocBin at ``path`` (user data included)."""
    for file in docbin_files(path):
        yield from _read_docbin(file).get_docs(vocab or _blank_vocab())


def read_records(path: str | Path, validate: bool = True) -> Iterator[Record]:
    """Records of every DocBin at ``path``, one file at a time, each checked (``_Checked``: a safe id, seen once,
    valid at levels 1-4, the last skipped with ``validate=False``, for tests of the layout on records no guideline
    allows); ``ConversionError`` on the first Doc that is not, listing all its problems. Each file's
    Docs are read and turned into records inside a vocab memory zone, so the strings they bring (span ids, new
    words) leave the shared vocab with them: reading a large bounded export keeps memory flat, as writing it does."""
    vocab = _blank_vocab()
    checked = _Checked(validate)
    for file in docbin_files(path):
        docbin = _read_docbin(file)
        with vocab.memory_zone():
            records = [checked.record(doc, file, n) for n, doc in enumerate(docbin.get_docs(vocab), start=1)]
        yield from records


def from_spacy(path: str | Path, validate: bool = True) -> list[Record]:
    """Records of every DocBin at ``path`` (a ``.spacy`` file or a directory written by ``to_spacy``), checked as
    ``read_records`` checks them."""
    return list(read_records(path, validate))
