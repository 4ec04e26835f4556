"""Records ⇄ spaCy ``Doc``/``DocBin``, losslessly, with every gold span on token boundaries.

spaCy's blank Arabic tokenizer keeps proclitics attached (``لأفغانستان``, ``و"داعش``), so ``Doc.char_span``
returns ``None`` for a span that starts after one and training silently drops it (W030). Docs are therefore
built from ``aces.offsets.record_tokens``: the tokenizer's output split at every gold span and segment edge.

Layout of one Doc (``doc.text == record.text`` exactly):

- ``doc.ents``: the flat (non-overlapping, outermost-wins) mention layer, label = entity type;
- ``doc.spans["mentions"]``: every mention, label = entity type, ``span.id_`` = mention id;
- ``doc.spans["events"]``: one trigger per event, label = event type, ``span.id_`` = event id;
- ``doc.spans["stance"]``: every evidence span, label = polarity, ``span.id_`` = stance id;
- ``doc.spans["stance_targets"]``: proposition targets, label ``proposition``, ``span.id_`` = stance id;
- ``doc.spans["segments"]``: segments, label = segment type, ``span.id_`` = segment id; each segment's first
  token is a sentence start and no other token is;
- ``doc.user_data["aces"]``: every field that is not a span offset or span label (JSON-safe, in record
  order): the record's own fields (id, split, provenance, …), and per item the rest of it: mention ids and
  forms, clusters, event arguments (role → ref) and epistemic status, stance holders and targets. Fields are
  copied generically, so optional fields a later schema version adds (e.g. an event's polarity) survive too.

Offsets live only in the span groups, so the import reads them from there and nothing else: an item whose span
is missing from its group (or a span with no item) is refused, never papered over.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from aces.gc_tuning import fewer_collections
from aces.offsets import TokenSpan, flat_mentions, record_tokens, split_at
from aces.record import (
    PropositionTarget,
    Record,
    Span,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

USER_DATA_KEY = "aces"
LAYOUT = 1
"""Version of the Doc layout above; bump it when the layout changes so old DocBins are refused clearly."""

MENTIONS, EVENTS, STANCE, STANCE_TARGETS, SEGMENTS = "mentions", "events", "stance", "stance_targets", "segments"
PROPOSITION = "proposition"
SPLIT_ORDER = ("train", "validation", "test")
SUFFIX = ".spacy"


class ConversionError(ValueError):
    """A record or Doc that cannot be converted without losing or inventing something; the message says what."""


@cache
def _blank_vocab() -> Vocab:
    import spacy

    return spacy.blank("ar").vocab


# --- records → docs -------------------------------------------------------------------------------------------


def _span_edges(record: Record) -> tuple[set[int], set[int]]:
    """Offsets where some gold span (or segment) starts, and where one ends."""
    spans: list[tuple[int, int]] = [(s.start, s.end) for s in record.segments]
    spans += [(m.start, m.end) for m in record.entities]
    spans += [(e.trigger.start, e.trigger.end) for e in record.events]
    for st in record.stances:
        spans += [(ev.start, ev.end) for ev in st.evidence]
        if isinstance(st.target, PropositionTarget):
            spans.append((st.target.start, st.target.end))
    return {a for a, _ in spans}, {b for _, b in spans}


def words_and_spaces(record: Record) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose concatenation is ``record.text`` exactly.

    Tokens are ``record_tokens``; the whitespace between them becomes a trailing space when it is exactly one
    ``" "`` that no span starts at or ends after, and whitespace tokens otherwise (``"\\n"`` between segments,
    double spaces, no-break spaces), themselves split at any span edge.
    """
    text = record.text
    starts, ends = _span_edges(record)
    cuts = starts | ends
    pieces: list[TokenSpan] = []
    spaces: list[bool] = []

    def gap(a: int, b: int) -> None:
        if text[a:b] == " " and pieces and a not in starts and b not in ends:
            spaces[-1] = True
            return
        for piece in split_at([(a, b)], cuts):
            pieces.append(piece)
            spaces.append(False)

    pos = 0
    for a, b in record_tokens(record):
        if pos < a:
            gap(pos, a)
        pieces.append((a, b))
        spaces.append(False)
        pos = b
    if pos < len(text):
        gap(pos, len(text))
    return [text[a:b] for a, b in pieces], spaces


def _char_span(doc: Doc, source: str, start: int, end: int, text: str, what: str, **kwargs: Any):
    """``doc.char_span`` checked against ``source``, the document text (``doc.text`` is rebuilt from every token
    on each access, so callers pass the string they already have)."""
    if source[start:end] != text:
        raise ConversionError(
            f"{what}: stored text {text!r} differs from the document text {source[start:end]!r} at "
            f"[{start}, {end}); fix the record (aces validate reports it)"
        )
    span = doc.char_span(start, end, **kwargs)
    if span is None:  # cannot happen with record_tokens; refuse rather than drop the span
        raise ConversionError(f"{what}: [{start}, {end}) does not fall on token boundaries")
    return span


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


def record_to_doc(record: Record, vocab: Vocab | None = None) -> Doc:
    """One record as one Doc (layout in the module docstring); raises ``ConversionError`` on an invalid span."""
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(record)
    # The Doc's text is its words, each followed by a space where flagged (doc.text would rebuild it from Token
    # objects, which costs as much as the export's own work).
    if "".join(w + " " if sp else w for w, sp in zip(words, spaces, strict=True)) != record.text:
        raise ConversionError(f"{record.id}: rebuilt text differs from the record text")  # a bug: stop
    doc = Doc(vocab or _blank_vocab(), words=words, spaces=spaces)
    rid, text = record.id, record.text
    doc.spans[SEGMENTS] = [
        _char_span(
            doc, text, s.start, s.end, text[s.start : s.end], f"{rid} segment {s.id}", label=s.type, span_id=s.id
        )
        for s in record.segments
    ]
    mention_spans = {
        m.id: _char_span(doc, text, m.start, m.end, m.text, f"{rid} mention {m.id}", label=m.type, span_id=m.id)
        for m in record.entities
    }
    doc.spans[MENTIONS] = list(mention_spans.values())
    doc.set_ents([mention_spans[m.id] for m in flat_mentions(record.entities)], default="outside")
    doc.spans[EVENTS] = [
        _char_span(doc, text, *_bounds(e.trigger), f"{rid} event {e.id} trigger", label=e.type, span_id=e.id)
        for e in record.events
    ]
    evidence, targets = [], []
    for st in record.stances:
        for i, ev in enumerate(st.evidence):
            evidence.append(
                _char_span(
                    doc, text, *_bounds(ev), f"{rid} stance {st.id} evidence {i}", label=st.polarity, span_id=st.id
                )
            )
        if isinstance(st.target, PropositionTarget):
            t = st.target
            targets.append(
                _char_span(
                    doc, text, t.start, t.end, t.text, f"{rid} stance {st.id} target", label=PROPOSITION, span_id=st.id
                )
            )
    doc.spans[STANCE] = evidence
    doc.spans[STANCE_TARGETS] = targets
    _mark_segment_starts(doc, record)
    doc.user_data[USER_DATA_KEY] = _payload(record)
    return doc


def _mark_segment_starts(doc: Doc, record: Record) -> None:
    """Token 0 and each segment's first token start a sentence, no other token does; set in one array write
    (``token.is_sent_start = ...`` per token checks the Doc's annotations on every call)."""
    import numpy
    from spacy.attrs import IDX, SENT_START

    seg_starts = numpy.array(sorted({s.start for s in record.segments}), dtype=numpy.uint64)
    starts = numpy.where(numpy.isin(doc.to_array(IDX), seg_starts), 1, -1).astype(numpy.uint64)
    if len(starts):
        starts[0] = 1
    doc.from_array([SENT_START], starts)


def _bounds(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.text


def records_to_docs(records: Iterable[Record], vocab: Vocab | None = None) -> Iterator[Doc]:
    for record in records:
        yield record_to_doc(record, vocab)


# --- docs → records -------------------------------------------------------------------------------------------


def _group(doc: Doc, key: str) -> list:
    return list(doc.spans[key]) if key in doc.spans else []


class _Spans:
    """The spans of one group by id, handed out once each, so a span without metadata or metadata without a span
    is reported instead of silently dropped."""

    def __init__(self, doc: Doc, key: str, doc_id: str, many: bool = False) -> None:
        self.key, self.doc_id = key, doc_id
        self.by_id: dict[str, list] = {}
        for span in _group(doc, key):
            if span.id_ in self.by_id and not many:
                raise ConversionError(f"{doc_id}: two spans in doc.spans[{key!r}] carry the id {span.id_!r}")
            self.by_id.setdefault(span.id_, []).append(span)

    def take(self, ann_id: str) -> list:
        if ann_id not in self.by_id:
            raise ConversionError(
                f"{self.doc_id}: {ann_id} is in doc.user_data but has no span in doc.spans[{self.key!r}]; "
                "the DocBin lost a span: re-export it"
            )
        return self.by_id.pop(ann_id)

    def done(self) -> None:
        if self.by_id:
            raise ConversionError(
                f"{self.doc_id}: span(s) {sorted(self.by_id)} in doc.spans[{self.key!r}] have no entry in "
                "doc.user_data; the DocBin was edited or not written by `aces export spacy`"
            )


def _offsets(span) -> dict:
    return {"start": span.start_char, "end": span.end_char, "text": span.text}


def doc_to_record(doc: Doc) -> Record:
    """Inverse of ``record_to_doc``: offsets and labels from the span groups, the rest from ``doc.user_data``."""
    meta = doc.user_data.get(USER_DATA_KEY)
    if not isinstance(meta, dict):
        raise ConversionError(
            "this Doc has no doc.user_data['aces']: it was not written by `aces export spacy`, or the DocBin was "
            "saved without store_user_data=True"
        )
    if meta.get("layout") != LAYOUT:
        raise ConversionError(f"Doc layout {meta.get('layout')!r} is not {LAYOUT}; re-export with this aces version")
    data = dict(meta["record"])
    rid = data["id"]
    groups = {
        key: _Spans(doc, key, rid, many=key == STANCE) for key in (SEGMENTS, MENTIONS, EVENTS, STANCE, STANCE_TARGETS)
    }
    segments = []
    for seg in meta["segments"]:
        (span,) = groups[SEGMENTS].take(seg["id"])
        segments.append({**seg, "type": span.label_, "start": span.start_char, "end": span.end_char})
    entities = []
    for m in meta["mentions"]:
        (span,) = groups[MENTIONS].take(m["id"])
        entities.append({**m, **_offsets(span), "type": span.label_})
    events = []
    for e in meta["events"]:
        (span,) = groups[EVENTS].take(e["id"])
        events.append({**e, "type": span.label_, "trigger": _offsets(span)})
    stances = []
    for st in meta["stances"]:
        spans = groups[STANCE].take(st["id"])
        stance = {**st, "polarity": spans[0].label_, "evidence": [_offsets(s) for s in spans]}
        if st["target"]["kind"] == PROPOSITION:
            (span,) = groups[STANCE_TARGETS].take(st["id"])
            stance["target"] = {"kind": PROPOSITION, **_offsets(span)}
        stances.append(stance)
    for group in groups.values():
        group.done()
    data.update(
        text=doc.text,
        segments=segments,
        entities=entities,
        clusters=meta["clusters"],
        events=events,
        stances=stances,
    )
    try:
        return msgspec.convert(data, Record)
    except msgspec.ValidationError as err:
        raise ConversionError(f"{rid}: doc.user_data does not describe a record ({err})") from err


def docs_to_records(docs: Iterable[Doc]) -> Iterator[Record]:
    for doc in docs:
        yield doc_to_record(doc)


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


def to_spacy(records: Iterable[Record], out_dir: str | Path) -> dict[str, Path]:
    """Write one ``<split>.spacy`` DocBin per split that has documents; returns split → path."""
    from spacy.tokens import DocBin

    out_dir = Path(out_dir)
    bins: dict[str, DocBin] = {}
    with _msgpack_encoders_read_once(), fewer_collections():
        for doc in records_to_docs(records):
            split = doc.user_data[USER_DATA_KEY]["record"]["split"]
            bins.setdefault(split, DocBin(store_user_data=True)).add(doc)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for split in sorted(bins, key=lambda s: (SPLIT_ORDER.index(s) if s in SPLIT_ORDER else len(SPLIT_ORDER), s)):
        path = out_dir / f"{split}{SUFFIX}"
        bins[split].to_disk(path)
        written[split] = path
    return written


def docbin_files(path: str | Path) -> list[Path]:
    """The DocBins at ``path``: the file itself, or a directory's ``*.spacy`` in split order."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ConversionError(f"{path} does not exist; pass a .spacy file or the directory `aces export spacy` wrote")
    files = sorted(
        path.glob(f"*{SUFFIX}"), key=lambda p: (SPLIT_ORDER.index(p.stem) if p.stem in SPLIT_ORDER else 9, p.name)
    )
    if not files:
        raise ConversionError(f"{path} holds no *{SUFFIX} files; run `aces export spacy --out {path}` first")
    return files


def read_docs(path: str | Path, vocab: Vocab | None = None) -> Iterator[Doc]:
    """Docs of every DocBin at ``path`` (user data included)."""
    from spacy.tokens import DocBin

    for file in docbin_files(path):
        try:
            docbin = DocBin(store_user_data=True).from_disk(file)
        except Exception as err:  # spaCy raises assorted errors on a file that is not a DocBin
            raise ConversionError(f"{file} is not a readable spaCy DocBin ({err})") from err
        yield from docbin.get_docs(vocab or _blank_vocab())


def from_spacy(path: str | Path) -> list[Record]:
    """Records of every DocBin at ``path`` (a ``.spacy`` file or a directory written by ``to_spacy``)."""
    return list(docs_to_records(read_docs(path)))
