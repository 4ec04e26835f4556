"""Annotation sheets: the JSON an annotator writes (spans by their text and sentence, references by name), turned
into a record with exact offsets, and back.

Annotators, people or language-model instances, should decide what to annotate, not count code points. A sheet
names each span by its text, the sentence or paragraph it is in (``"in": "p2u1"`` or ``"p2"``: the id after
``<document id>:``) and, when the text occurs more than once there, which occurrence (``"nth"``, from 1).
Mentions name the entity they belong to (``"entity"``, a key of ``entities``, which become the clusters), and
arguments, sources, holders and targets point at an entity key, a mention's ``"id"`` or an event's ``"id"``.
``apply`` finds every span (an ambiguous or missing one is an error naming the sheet item), numbers the ids as the
guidelines say (mentions in text order, outer before nested; clusters by first mention; events by trigger;
stances by first evidence) and returns the record; ``extract`` writes the sheet of a record, so a reviewer edits
the sheet of a pass and applies it again.

    {"doc": "assabah.20041005.0017", "status": "one-pass",
     "entities": {"assad": {"name": "بشار الاسد", "type": "PER"}},
     "mentions": [{"id": "assad1", "text": "بشار الاسد", "in": "p2u1", "type": "PER", "form": "NAM",
                   "entity": "assad"}],
     "events": [{"id": "reshuffle", "type": "Personnel.End-Position", "trigger": {"text": "إقالة", "in": "p2u1"},
                 "args": [["Person", "…"]], "status": "asserted", "source": null}],
     "stances": [{"holder": "author", "target": {"event": "reshuffle"}, "polarity": "NEUTRAL",
                  "evidence": [{"text": "…", "in": "p2u1"}]}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from aces import record as rec


class SheetError(ValueError):
    """The sheet cannot become a record; the message names the sheet item and what to change."""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str


class _Doc:
    """The base record's text, sentences and segments, to find spans in."""

    def __init__(self, base: rec.Record) -> None:
        self.base = base
        self.text = base.text
        prefix = base.id + ":"
        self.ranges: dict[str, tuple[int, int]] = {}
        for seg in base.segments:
            self.ranges[seg.id.removeprefix(prefix)] = (seg.start, seg.end)
        for sent in base.sentences if isinstance(base.sentences, tuple) else ():
            self.ranges[sent.id.removeprefix(prefix)] = (sent.start, sent.end)

    def find(self, item: Any, where: str) -> _Span:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"]:
            raise SheetError(f'{where}: a span is {{"text": …, "in": sentence or paragraph id, "nth": n}}')
        text, inside, nth = item["text"], item.get("in"), item.get("nth")
        if inside not in self.ranges:
            known = ", ".join(list(self.ranges)[:6])
            raise SheetError(f'{where}: "in": {inside!r} is no sentence or paragraph of {self.base.id} ({known}, …)')
        lo, hi = self.ranges[inside]
        hits = self.hits(text, lo, hi)
        if not hits:
            raise SheetError(f"{where}: {text!r} is not in {inside} ({self.text[lo:hi][:60]!r}…)")
        if nth is None and len(hits) > 1:
            raise SheetError(f'{where}: {text!r} occurs {len(hits)} times in {inside}; add "nth": 1..{len(hits)}')
        if nth is not None and not (isinstance(nth, int) and 1 <= nth <= len(hits)):
            raise SheetError(f'{where}: "nth": {nth!r}, but {text!r} occurs {len(hits)} time(s) in {inside}')
        start = hits[(nth or 1) - 1]
        return _Span(start, start + len(text), text)

    def locate(self, start: int, end: int) -> dict[str, Any]:
        """The sheet form of ``[start, end)``: its text, the smallest sentence (else paragraph) holding it, nth."""
        text = self.text[start:end]
        holders = sorted(
            ((hi - lo, name) for name, (lo, hi) in self.ranges.items() if lo <= start and end <= hi), key=lambda x: x
        )
        if not holders:
            raise SheetError(f"[{start}, {end}) {text!r} lies in no sentence or paragraph of {self.base.id}")
        name = holders[0][1]
        hits = self.hits(text, *self.ranges[name])
        item: dict[str, Any] = {"text": text, "in": name}
        if len(hits) > 1:
            item["nth"] = hits.index(start) + 1
        return item

    def hits(self, text: str, lo: int, hi: int) -> list[int]:
        """Every start of ``text`` inside ``[lo, hi)``, overlapping ones included («اا اا» twice in «اا اا اا»)."""
        hits, at = [], self.text.find(text, lo, hi)
        while at != -1:
            hits.append(at)
            at = self.text.find(text, at + 1, hi)
        return hits


def apply(sheet: dict, base: rec.Record) -> rec.Record:
    """The record of ``base`` (a queued record: text, sentences, provenance) with the annotations of ``sheet``."""
    if not isinstance(sheet, dict) or sheet.get("doc") != base.id:
        raise SheetError(f'the sheet\'s "doc" must be {base.id!r}')
    doc = _Doc(base)
    d = base.id
    entities = sheet.get("entities") or {}
    if not isinstance(entities, dict):
        raise SheetError('"entities" maps a key to {"name": …, "type": …}')

    # Mentions, numbered in text order (outer before nested), and the clusters of their entities.
    found = []
    for n, m in enumerate(sheet.get("mentions") or [], 1):
        where = f"mentions[{n}] {m.get('text') if isinstance(m, dict) else m!r}"
        span = doc.find(m, where)
        key = m.get("entity")
        if key not in entities:
            raise SheetError(f'{where}: "entity": {key!r} is not a key of "entities"')
        found.append((span, m, key))
    found.sort(key=lambda t: (t[0].start, -t[0].end))
    handles: dict[str, str] = {}
    mentions = []
    for n, (span, m, _) in enumerate(found, 1):
        mid = f"{d}:m{n}"
        mentions.append(rec.Mention(mid, span.start, span.end, span.text, m.get("type", ""), m.get("form", "")))
        if m.get("id"):
            _name(handles, m["id"], mid)
    order = list(dict.fromkeys(key for _, _, key in found))
    cluster_ids = {key: f"{d}:c{n}" for n, key in enumerate(order, 1)}
    unused = sorted(set(entities) - set(order))
    if unused:
        raise SheetError(f"entities without a mention: {', '.join(unused)}; remove them or add their mentions")
    clusters = []
    for key in order:
        members = tuple(mentions[i].id for i, (_, _, k) in enumerate(found) if k == key)
        info = entities[key] if isinstance(entities[key], dict) else {}
        clusters.append(rec.Cluster(cluster_ids[key], str(info.get("name", "")), str(info.get("type", "")), members))
        _name(handles, key, cluster_ids[key])

    # Events by trigger order; their handles may be used by other events' arguments and by stances.
    drafts = []
    for n, ev in enumerate(sheet.get("events") or [], 1):
        where = f"events[{n}] {ev.get('type') if isinstance(ev, dict) else ev!r}"
        drafts.append((doc.find(ev.get("trigger") if isinstance(ev, dict) else None, where + " trigger"), ev, where))
    drafts.sort(key=lambda t: (t[0].start, t[0].end))
    event_ids = [f"{d}:e{n}" for n in range(1, len(drafts) + 1)]
    for (_, ev, _), eid in zip(drafts, event_ids, strict=True):
        if ev.get("id"):
            _name(handles, ev["id"], eid)
    events = []
    for (span, ev, where), eid in zip(drafts, event_ids, strict=True):
        args = []
        for a in ev.get("args") or []:
            if not (isinstance(a, list | tuple) and len(a) == 2):
                raise SheetError(f"{where}: an argument is [role, reference], not {a!r}")
            args.append(rec.Argument(str(a[0]), _ref(handles, a[1], where)))
        source = ev.get("source")
        epistemic = rec.Epistemic(str(ev.get("status", "")), _ref(handles, source, where) if source else None)
        polarity = ev.get("polarity", msgspec.UNSET)
        trigger = rec.Span(span.start, span.end, span.text)
        events.append(rec.Event(eid, str(ev.get("type", "")), trigger, tuple(args), epistemic, polarity))

    stances = []
    for n, st in enumerate(sheet.get("stances") or [], 1):
        where = f"stances[{n}]"
        if not isinstance(st, dict):
            raise SheetError(f"{where}: a stance is an object")
        evidence = tuple(
            rec.Span(s.start, s.end, s.text)
            for s in (doc.find(e, f"{where} evidence") for e in st.get("evidence") or [])
        )
        holder = st.get("holder", "author")
        holder_rec = rec.AuthorHolder() if holder == "author" else rec.EntityHolder(_ref(handles, holder, where))
        stances.append((evidence, holder_rec, _target(doc, handles, st.get("target"), where), st.get("polarity", "")))
    stances.sort(key=lambda t: (t[0][0].start, t[0][0].end) if t[0] else (-1, -1))
    stance_records = tuple(
        rec.Stance(f"{d}:st{n}", holder, target, str(polarity), evidence)
        for n, (evidence, holder, target, polarity) in enumerate(stances, 1)
    )
    status = sheet.get("status", msgspec.UNSET)
    return msgspec.structs.replace(
        base,
        entities=tuple(mentions),
        clusters=tuple(clusters),
        events=tuple(events),
        stances=stance_records,
        annotation_status=status,
    )


def _name(handles: dict[str, str], name: str, target: str) -> None:
    if name in handles and handles[name] != target:
        raise SheetError(f"the name {name!r} is used twice (entity keys, mention and event ids share one namespace)")
    handles[name] = target


def _ref(handles: dict[str, str], name: object, where: str) -> str:
    if not isinstance(name, str) or name not in handles:
        raise SheetError(f"{where}: {name!r} names no entity, mention or event of the sheet")
    return handles[name]


def _target(doc: _Doc, handles: dict[str, str], target: object, where: str) -> Any:
    if isinstance(target, dict) and "entity" in target:
        return rec.EntityTarget(_ref(handles, target["entity"], where))
    if isinstance(target, dict) and "event" in target:
        return rec.EventTarget(_ref(handles, target["event"], where))
    if isinstance(target, dict) and "proposition" in target:
        span = doc.find(target["proposition"], f"{where} proposition")
        return rec.PropositionTarget(span.start, span.end, span.text)
    raise SheetError(f'{where}: a target is {{"entity": name}}, {{"event": name}} or {{"proposition": span}}')


def extract(record: rec.Record) -> dict:
    """The sheet of ``record``: ``apply(extract(r), base)`` gives ``r`` back (ids renumbered as ``apply`` does)."""
    doc = _Doc(record)
    local = {x.id: x.id.rsplit(":", 1)[1] for x in (*record.entities, *record.clusters, *record.events)}
    cluster_of = {mid: c.id for c in record.clusters for mid in c.mentions}
    sheet: dict[str, Any] = {"doc": record.id}
    if isinstance(record.annotation_status, str):
        sheet["status"] = record.annotation_status
    sheet["entities"] = {local[c.id]: {"name": c.name, "type": c.type} for c in record.clusters}
    sheet["mentions"] = [
        {"id": local[m.id], **doc.locate(m.start, m.end), "type": m.type, "form": m.form,
         "entity": local.get(cluster_of.get(m.id, ""), "")}
        for m in record.entities
    ]  # fmt: skip
    sheet["events"] = []
    for ev in record.events:
        item: dict[str, Any] = {
            "id": local[ev.id],
            "type": ev.type,
            "trigger": doc.locate(ev.trigger.start, ev.trigger.end),
        }
        item["args"] = [[a.role, local.get(a.ref, a.ref)] for a in ev.arguments]
        item["status"] = ev.epistemic.status
        item["source"] = local.get(ev.epistemic.source, ev.epistemic.source) if ev.epistemic.source else None
        if isinstance(ev.polarity, str):
            item["polarity"] = ev.polarity
        sheet["events"].append(item)
    sheet["stances"] = []
    for st in record.stances:
        holder = "author" if isinstance(st.holder, rec.AuthorHolder) else local.get(st.holder.ref, st.holder.ref)
        if isinstance(st.target, rec.PropositionTarget):
            target: dict[str, Any] = {"proposition": doc.locate(st.target.start, st.target.end)}
        else:
            kind = "event" if isinstance(st.target, rec.EventTarget) else "entity"
            target = {kind: local.get(st.target.ref, st.target.ref)}
        sheet["stances"].append(
            {"holder": holder, "target": target, "polarity": st.polarity,
             "evidence": [doc.locate(s.start, s.end) for s in st.evidence]}
        )  # fmt: skip
    return sheet
