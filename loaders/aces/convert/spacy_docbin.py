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
- ``doc.user_data["aces"]``: what is not a span (JSON-safe): the record's other fields, mention forms,
  clusters, event arguments (role → ref) and epistemic status, stance holders and targets.

Offsets live only in the span groups, so the import reads them from there and nothing else: a span missing
from a group cannot be papered over by metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from aces.offsets import TokenSpan, flat_mentions, record_tokens, split_at
from aces.record import (
    Argument,
    Cluster,
    Epistemic,
    Event,
    Mention,
    PropositionTarget,
    Provenance,
    Record,
    Segment,
    Span,
    Stance,
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


def _char_span(doc: Doc, start: int, end: int, text: str, what: str, **kwargs: Any):
    if doc.text[start:end] != text:
        raise ConversionError(
            f"{what}: stored text {text!r} differs from the document text {doc.text[start:end]!r} at "
            f"[{start}, {end}); fix the record (aces validate reports it)"
        )
    span = doc.char_span(start, end, **kwargs)
    if span is None:  # cannot happen with record_tokens; refuse rather than drop the span
        raise ConversionError(f"{what}: [{start}, {end}) does not fall on token boundaries")
    return span


def _payload(record: Record) -> dict:
    """Everything in the record that is not a span offset, JSON-safe."""
    stances = []
    for st in record.stances:
        target = {"kind": PROPOSITION} if isinstance(st.target, PropositionTarget) else msgspec.to_builtins(st.target)
        stances.append({"id": st.id, "holder": msgspec.to_builtins(st.holder), "target": target})
    return {
        "layout": LAYOUT,
        "record": {
            "schema_version": record.schema_version,
            "id": record.id,
            "lang": record.lang,
            "split": record.split,
            "provenance": msgspec.to_builtins(record.provenance),
        },
        "forms": {m.id: m.form for m in record.entities},
        "clusters": msgspec.to_builtins(record.clusters),
        "events": [
            {"id": e.id, "arguments": msgspec.to_builtins(e.arguments), "epistemic": msgspec.to_builtins(e.epistemic)}
            for e in record.events
        ],
        "stances": stances,
    }


def record_to_doc(record: Record, vocab: Vocab | None = None) -> Doc:
    """One record as one Doc (layout in the module docstring); raises ``ConversionError`` on an invalid span."""
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(record)
    doc = Doc(vocab or _blank_vocab(), words=words, spaces=spaces)
    if doc.text != record.text:  # a bug here would corrupt every offset: stop
        raise ConversionError(f"{record.id}: rebuilt text differs from the record text")
    rid = record.id
    doc.spans[SEGMENTS] = [
        _char_span(
            doc, s.start, s.end, record.text[s.start : s.end], f"{rid} segment {s.id}", label=s.type, span_id=s.id
        )
        for s in record.segments
    ]
    mention_spans = {
        m.id: _char_span(doc, m.start, m.end, m.text, f"{rid} mention {m.id}", label=m.type, span_id=m.id)
        for m in record.entities
    }
    doc.spans[MENTIONS] = list(mention_spans.values())
    doc.set_ents([mention_spans[m.id] for m in flat_mentions(record.entities)], default="outside")
    doc.spans[EVENTS] = [
        _char_span(doc, *_bounds(e.trigger), f"{rid} event {e.id} trigger", label=e.type, span_id=e.id)
        for e in record.events
    ]
    evidence, targets = [], []
    for st in record.stances:
        for i, ev in enumerate(st.evidence):
            evidence.append(
                _char_span(doc, *_bounds(ev), f"{rid} stance {st.id} evidence {i}", label=st.polarity, span_id=st.id)
            )
        if isinstance(st.target, PropositionTarget):
            t = st.target
            targets.append(
                _char_span(
                    doc, t.start, t.end, t.text, f"{rid} stance {st.id} target", label=PROPOSITION, span_id=st.id
                )
            )
    doc.spans[STANCE] = evidence
    doc.spans[STANCE_TARGETS] = targets
    seg_starts = {s.start for s in record.segments}
    for token in doc:
        token.is_sent_start = token.i == 0 or token.idx in seg_starts
    doc.user_data[USER_DATA_KEY] = _payload(record)
    return doc


def _bounds(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.text


def records_to_docs(records: Iterable[Record], vocab: Vocab | None = None) -> Iterator[Doc]:
    for record in records:
        yield record_to_doc(record, vocab)


# --- docs → records -------------------------------------------------------------------------------------------


def _group(doc: Doc, key: str) -> list:
    return list(doc.spans[key]) if key in doc.spans else []


def _by_id(spans: Sequence, what: str, doc_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for span in spans:
        if span.id_ in out:
            raise ConversionError(f"{doc_id}: two {what} spans carry the id {span.id_!r}")
        out[span.id_] = span
    return out


def _need(mapping: dict, key: str, what: str, doc_id: str):
    if key not in mapping:
        raise ConversionError(f"{doc_id}: {what} {key!r} is in doc.user_data but has no span; the DocBin is incomplete")
    return mapping.pop(key)


def _leftover(mapping: dict, what: str, doc_id: str) -> None:
    if mapping:
        raise ConversionError(f"{doc_id}: {what} span(s) {sorted(mapping)} have no entry in doc.user_data")


def _span(span) -> Span:
    return Span(span.start_char, span.end_char, span.text)


def doc_to_record(doc: Doc) -> Record:
    """Inverse of ``record_to_doc``: offsets from the span groups, the rest from ``doc.user_data["aces"]``."""
    meta = doc.user_data.get(USER_DATA_KEY)
    if not isinstance(meta, dict):
        raise ConversionError(
            "this Doc has no doc.user_data['aces']: it was not written by `aces export spacy`, or the DocBin was "
            "saved without store_user_data=True"
        )
    if meta.get("layout") != LAYOUT:
        raise ConversionError(f"Doc layout {meta.get('layout')!r} is not {LAYOUT}; re-export with this aces version")
    head = meta["record"]
    rid = head["id"]
    segments = tuple(Segment(s.id_, s.label_, s.start_char, s.end_char) for s in _group(doc, SEGMENTS))
    forms = dict(meta["forms"])
    mention_spans = _by_id(_group(doc, MENTIONS), "mention", rid)
    _leftover({k: v for k, v in mention_spans.items() if k not in forms}, "mention", rid)
    entities = tuple(
        Mention(s.id_, s.start_char, s.end_char, s.text, s.label_, forms.pop(s.id_)) for s in mention_spans.values()
    )
    for missing in forms:  # a mention whose span is gone
        _need({}, missing, "mention", rid)
    triggers = _by_id(_group(doc, EVENTS), "event", rid)
    events = []
    for e in meta["events"]:
        trig = _need(triggers, e["id"], "event", rid)
        events.append(
            Event(
                id=e["id"],
                type=trig.label_,
                trigger=_span(trig),
                arguments=msgspec.convert(e["arguments"], tuple[Argument, ...]),
                epistemic=msgspec.convert(e["epistemic"], Epistemic),
            )
        )
    _leftover(triggers, "event", rid)
    evidence: dict[str, list] = {}
    for s in _group(doc, STANCE):
        evidence.setdefault(s.id_, []).append(s)
    targets = _by_id(_group(doc, STANCE_TARGETS), "stance target", rid)
    stances = []
    for st in meta["stances"]:
        spans = _need(evidence, st["id"], "stance", rid)
        target = dict(st["target"])
        if target["kind"] == PROPOSITION:
            t = _need(targets, st["id"], "stance target", rid)
            target.update(start=t.start_char, end=t.end_char, text=t.text)
        stances.append(
            msgspec.convert(
                {
                    "id": st["id"],
                    "holder": st["holder"],
                    "target": target,
                    "polarity": spans[0].label_,
                    "evidence": [msgspec.to_builtins(_span(s)) for s in spans],
                },
                Stance,
            )
        )
    _leftover(evidence, "stance", rid)
    _leftover(targets, "stance target", rid)
    return Record(
        schema_version=head["schema_version"],
        id=rid,
        lang=head["lang"],
        split=head["split"],
        text=doc.text,
        provenance=msgspec.convert(head["provenance"], Provenance),
        segments=segments,
        entities=entities,
        clusters=msgspec.convert(meta["clusters"], tuple[Cluster, ...]),
        events=tuple(events),
        stances=tuple(stances),
    )


def docs_to_records(docs: Iterable[Doc]) -> Iterator[Record]:
    for doc in docs:
        yield doc_to_record(doc)


# --- files ----------------------------------------------------------------------------------------------------


def to_spacy(records: Iterable[Record], out_dir: str | Path) -> dict[str, Path]:
    """Write one ``<split>.spacy`` DocBin per split that has documents; returns split → path."""
    from spacy.tokens import DocBin

    out_dir = Path(out_dir)
    bins: dict[str, DocBin] = {}
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
