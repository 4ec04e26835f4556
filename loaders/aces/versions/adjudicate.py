"""Adjudication, step 1: pair two annotations (A, B) of the same documents into agreed items and conflicts.

``review(a_records, b_records)`` sorts every item of both passes into *units*: an agreed unit (both passes say
the same thing) or a conflict (they differ, or only one pass has the item). Nothing is left out: every
mention, cluster, event and stance of A and of B is in exactly one unit, and a document only one pass has is a
``document`` conflict. Ids are local to a pass, so items are paired by what they cover (``aces.versions.match``):

- mention: same span, else same type and overlapping spans; agreed when span, type and form are equal.
- cluster: by the mention units their members share; agreed when members, type and name are equal.
- event: same trigger span, else overlapping triggers; agreed when type, epistemic status, source (same
  referent), polarity (absent = positive) and the arguments (one-to-one, same role and referent) are equal.
- stance: same holder and target; agreed when polarity, evidence spans (and a proposition target's span) agree.

References are compared through the units (``_Pairing.same_ref``), so one boundary disagreement («حركة طالبان»
vs «طالبان») is one mention conflict and does not also make every cluster and argument that uses it a conflict.

Conflicts go to a review file (``conflict_entries``: JSONL, one conflict a line, both readings, the text around
it, a ``fingerprint`` of the readings and an empty ``decision``). ``aces.versions.adjudicate_merge`` turns the
agreed units and the filled decisions into the gold records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from aces import record as rec
from aces.versions.diff import ref_view
from aces.versions.match import (
    Index,
    best_pairs,
    clusters_by_membership,
    events_by_span,
    holders_agree,
    mentions_by_span,
    mentions_overlap,
    overlap,
    pair_documents,
    target_fit,
)

FORMAT = "aces-review/1"
KINDS = ("document", "mention", "cluster", "event", "stance")
CHOICES = ("a", "b", "both", "neither")
CONTEXT = 80
"""Code points of text shown on each side of a conflict's span."""
_DEFAULT_POLARITY = "positive"  # what an event without polarity means (schema 1.1.0 labels.json)

T = TypeVar("T")


class ReviewError(Exception):
    """The two sides cannot be adjudicated together (different texts, versions or document metadata)."""


@dataclass
class Unit:
    """One item of A and/or B: agreed when ``why`` is empty, else a conflict named ``conflict_id``."""

    doc: str
    kind: str
    a: Any | None
    b: Any | None
    why: list[str] = field(default_factory=list)
    conflict_id: str | None = None

    @property
    def agreed(self) -> bool:
        return not self.why


@dataclass
class DocReview:
    """The units of one document, kind by kind in text order (the indexes are empty for a one-sided document)."""

    doc: str
    a: rec.Record | None
    b: rec.Record | None
    a_index: Index
    b_index: Index
    units: list[Unit] = field(default_factory=list)


@dataclass
class Review:
    docs: list[DocReview]

    @property
    def units(self) -> list[Unit]:
        return [u for d in self.docs for u in d.units]

    @property
    def conflicts(self) -> list[Unit]:
        return [u for u in self.units if not u.agreed]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{kind: {"agreed": n, "conflicts": n}}`` for every kind, zero-filled."""
        out = {k: {"agreed": 0, "conflicts": 0} for k in KINDS}
        for unit in self.units:
            out[unit.kind]["agreed" if unit.agreed else "conflicts"] += 1
        return out


# ---------------------------------------------------------------- pairing


def _pair_rest(a_items: Sequence[T], b_items: Sequence[T], pairs: list[tuple[T, T]]) -> tuple[list[T], list[T]]:
    paired_a = {id(x) for x, _ in pairs}
    paired_b = {id(y) for _, y in pairs}
    return [x for x in a_items if id(x) not in paired_a], [y for y in b_items if id(y) not in paired_b]


def _by_overlap(a_items: Sequence[T], b_items: Sequence[T], span: Callable[[T], tuple[int, int]]) -> list[tuple[T, T]]:
    """Greedy one-to-one pairing of overlapping spans, largest overlap first (ties: document order)."""
    candidates = sorted(
        (-overlap(span(x), span(y)), span(x), span(y), i, j)
        for i, x in enumerate(a_items)
        for j, y in enumerate(b_items)
        if overlap(span(x), span(y))
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a_items[i], b_items[j]))
    return pairs


def _start(item: Any) -> tuple[int, int]:
    """Where an item sits in the text, for ordering: its span, trigger or first evidence."""
    if isinstance(item, rec.Mention):
        return (item.start, item.end)
    if isinstance(item, rec.Event):
        return (item.trigger.start, item.trigger.end)
    if isinstance(item, rec.Stance):
        return min(((e.start, e.end) for e in item.evidence), default=(0, 0))
    return (0, 0)


def _polarity(event: rec.Event) -> str:
    return _DEFAULT_POLARITY if event.polarity is msgspec.UNSET else str(event.polarity)


def _evidence(s: rec.Stance) -> list[tuple[int, int]]:
    return sorted((e.start, e.end) for e in s.evidence)


class _Pairing:
    """The units of one document pair, and which unit each mention and event of either pass belongs to.

    References are compared through units: two references agree when they name the same mention unit or event
    unit, or entities (clusters, or a mention standing for its cluster) sharing a mention unit. So a boundary
    conflict on «حركة طالبان» / «طالبان» is one mention conflict, not also a cluster and an argument conflict.
    """

    def __init__(self, doc: str, a: rec.Record, b: rec.Record) -> None:
        self.doc, self.a, self.b = doc, a, b
        self.a_index, self.b_index = Index.of(a), Index.of(b)
        self.unit_of: dict[tuple[str, str, str], int] = {}  # (side, kind, id) → number of the unit in its kind

    def _units(self, kind: str, pairs: list[tuple[Any, Any]], only_a: list, only_b: list) -> list[Unit]:
        units = [Unit(self.doc, kind, x, y) for x, y in pairs]
        units += [Unit(self.doc, kind, x, None, ["only in A"]) for x in only_a]
        units += [Unit(self.doc, kind, None, y, ["only in B"]) for y in only_b]
        if kind in ("mention", "event"):
            units.sort(key=lambda u: _start(u.a if u.a is not None else u.b))
        for n, unit in enumerate(units):
            for side in ("a", "b"):
                item = getattr(unit, side)
                if item is not None:
                    self.unit_of[side, kind, item.id] = n
        return units

    # -- references, compared through units ------------------------------------------------------------------------
    def _index(self, side: str) -> Index:
        return self.a_index if side == "a" else self.b_index

    def entity_units(self, side: str, ref: str) -> frozenset[int]:
        """Mention units of the entity a reference stands for (a cluster, or a mention's whole cluster)."""
        index = self._index(side)
        if ref in index.mentions:
            ref = index.cluster_of.get(ref, ref)
        members = index.clusters[ref].mentions if ref in index.clusters else (ref,)
        return frozenset(n for m in members if (n := self.unit_of.get((side, "mention", m))) is not None)

    def same_ref(self, x: str | None, y: str | None) -> bool:
        """Whether A's reference ``x`` and B's ``y`` point at the same thing (both None also agree)."""
        if x is None or y is None:
            return x is None and y is None
        ai, bi = self.a_index, self.b_index
        if x in ai.events or y in bi.events:
            ex, ey = self.unit_of.get(("a", "event", x)), self.unit_of.get(("b", "event", y))
            return x in ai.events and y in bi.events and ex is not None and ex == ey
        if x in ai.mentions and y in bi.mentions:
            return self.unit_of.get(("a", "mention", x)) == self.unit_of.get(("b", "mention", y)) is not None
        return bool(self.entity_units("a", x) & self.entity_units("b", y))

    # -- the four kinds ------------------------------------------------------------------------------------------
    def mentions(self) -> list[Unit]:
        a, b = self.a.entities, self.b.entities
        same_span = mentions_by_span(a, b)
        rest_a, rest_b = _pair_rest(a, b, same_span)
        near = mentions_overlap(rest_a, rest_b)
        rest_a, rest_b = _pair_rest(rest_a, rest_b, near)
        units = self._units("mention", same_span + near, rest_a, rest_b)
        for u in units:
            if u.a is not None and u.b is not None:
                u.why = [] if (u.a.start, u.a.end) == (u.b.start, u.b.end) else ["span"]
                u.why += [f for f in ("type", "form") if getattr(u.a, f) != getattr(u.b, f)]
        return units

    def _members(self, side: str, cluster: rec.Cluster) -> frozenset[int]:
        return frozenset(n for m in cluster.mentions if (n := self.unit_of.get((side, "mention", m))) is not None)

    def clusters(self) -> list[Unit]:
        a_keyed = [(c.name, self._members("a", c)) for c in self.a.clusters]
        b_keyed = [(c.name, self._members("b", c)) for c in self.b.clusters]
        pairs = [(self.a.clusters[i], self.b.clusters[j]) for i, j in clusters_by_membership(a_keyed, b_keyed)]
        rest_a, rest_b = _pair_rest(self.a.clusters, self.b.clusters, pairs)
        units = self._units("cluster", pairs, rest_a, rest_b)
        for u in units:
            if u.a is not None and u.b is not None:
                u.why = [f for f in ("name", "type") if getattr(u.a, f) != getattr(u.b, f)]
                u.why += [] if self._members("a", u.a) == self._members("b", u.b) else ["members"]

        def first(u: Unit) -> int:
            side, cluster = ("a", u.a) if u.a is not None else ("b", u.b)
            return min(self._members(side, cluster), default=-1)

        return sorted(units, key=first)

    def _arguments_agree(self, x: rec.Event, y: rec.Event) -> bool:
        if len(x.arguments) != len(y.arguments):
            return False
        pairs = best_pairs(
            x.arguments, y.arguments, lambda p, q: 0.0 if p.role == q.role and self.same_ref(p.ref, q.ref) else None
        )
        return len(pairs) == len(x.arguments)

    def events(self) -> list[Unit]:
        a, b = self.a.events, self.b.events
        same_span = events_by_span(a, b)
        rest_a, rest_b = _pair_rest(a, b, same_span)
        near = _by_overlap(rest_a, rest_b, lambda e: (e.trigger.start, e.trigger.end))
        rest_a, rest_b = _pair_rest(rest_a, rest_b, near)
        units = self._units("event", same_span + near, rest_a, rest_b)
        for u in units:  # after numbering every event unit, so Content arguments (events) compare too
            x, y = u.a, u.b
            if x is None or y is None:
                continue
            u.why = [] if (x.trigger.start, x.trigger.end) == (y.trigger.start, y.trigger.end) else ["trigger"]
            u.why += ["type"] if x.type != y.type else []
            u.why += ["epistemic.status"] if x.epistemic.status != y.epistemic.status else []
            u.why += [] if self.same_ref(x.epistemic.source, y.epistemic.source) else ["epistemic.source"]
            u.why += ["polarity"] if _polarity(x) != _polarity(y) else []
            u.why += [] if self._arguments_agree(x, y) else ["arguments"]
        return units

    def stances(self) -> list[Unit]:
        def fit(x: rec.Stance, y: rec.Stance) -> float | None:
            if not holders_agree(x.holder, y.holder, self.same_ref):
                return None
            return target_fit(x.target, y.target, self.same_ref)

        pairs = best_pairs(self.a.stances, self.b.stances, fit)
        rest_a, rest_b = _pair_rest(self.a.stances, self.b.stances, pairs)
        units = self._units("stance", pairs, rest_a, rest_b)
        for u in units:
            if u.a is not None and u.b is not None:
                u.why = ["polarity"] if u.a.polarity != u.b.polarity else []
                u.why += [] if _evidence(u.a) == _evidence(u.b) else ["evidence"]
                if isinstance(u.a.target, rec.PropositionTarget) and (u.a.target.start, u.a.target.end) != (
                    u.b.target.start,  # type: ignore[union-attr]
                    u.b.target.end,  # type: ignore[union-attr]
                ):
                    u.why.append("target")
        return sorted(units, key=lambda u: _start(u.a if u.a is not None else u.b))

    def units(self) -> list[Unit]:
        mentions = self.mentions()
        events = self.events()  # before clusters only for numbering; the order of the result is by kind
        return mentions + self.clusters() + events + self.stances()


_SAME_DOCUMENT_FIELDS = ("schema_version", "lang", "split", "provenance", "segments")


def review(a_records: Iterable[rec.Record], b_records: Iterable[rec.Record]) -> Review:
    """Agreed units and conflicts of every document of A and B (raises ``ReviewError`` if they cannot be merged)."""
    a_records, b_records = list(a_records), list(b_records)
    pairing = pair_documents(a_records, b_records)
    if pairing.not_comparable:
        raise ReviewError(
            f"documents {', '.join(pairing.not_comparable)} have different texts in A and B; offsets would not "
            "line up: adjudicate passes made on the same ingested text"
        )
    docs: list[DocReview] = []
    for a, b in pairing.pairs:
        for name in _SAME_DOCUMENT_FIELDS:
            if getattr(a, name) != getattr(b, name):
                hint = " (aces migrate one pass first)" if name == "schema_version" else ""
                raise ReviewError(f"document {a.id}: {name} differs between A and B{hint}; the gold needs one")
        pairing_ = _Pairing(a.id, a, b)
        docs.append(DocReview(a.id, a, b, pairing_.a_index, pairing_.b_index, pairing_.units()))
    a_by_id = {r.id: r for r in reversed(a_records)}
    b_by_id = {r.id: r for r in reversed(b_records)}
    for doc_id in pairing.only_a:
        docs.append(
            DocReview(
                doc_id, a_by_id[doc_id], None, Index(), Index(), [Unit(doc_id, "document", a_by_id[doc_id], None)]
            )
        )
    for doc_id in pairing.only_b:
        docs.append(
            DocReview(
                doc_id, None, b_by_id[doc_id], Index(), Index(), [Unit(doc_id, "document", None, b_by_id[doc_id])]
            )
        )
    docs.sort(key=lambda d: d.doc)
    for d in docs:
        numbers: dict[str, int] = {}
        for unit in d.units:
            if unit.kind == "document":
                unit.why = ["only in A" if unit.b is None else "only in B"]
            if not unit.agreed:
                numbers[unit.kind] = numbers.get(unit.kind, 0) + 1
                unit.conflict_id = f"{d.doc}/{unit.kind}/{numbers[unit.kind]}"
    return Review(docs)


# ---------------------------------------------------------------- what a reviewer sees


def _span(start: int, end: int, text: str) -> dict:
    return {"start": start, "end": end, "text": text}


def item_view(index: Index, kind: str, item: Any) -> dict:
    """One reading, with its pass's ids (an edited decision refers to them) and the text of every reference."""
    if kind == "document":
        return {
            "id": item.id,
            "mentions": len(item.entities),
            "clusters": len(item.clusters),
            "events": len(item.events),
            "stances": len(item.stances),
        }
    if kind == "mention":
        return msgspec.to_builtins(item)
    if kind == "cluster":
        members = [
            {"id": mid, **_span(m.start, m.end, m.text)} if (m := index.mentions.get(mid)) else {"id": mid}
            for mid in item.mentions
        ]
        return {"id": item.id, "name": item.name, "type": item.type, "mentions": members}
    if kind == "event":
        source = item.epistemic.source
        view = {
            "id": item.id,
            "type": item.type,
            "trigger": msgspec.to_builtins(item.trigger),
            "arguments": [{"role": arg.role, "ref": ref_view(index, arg.ref)} for arg in item.arguments],
            "epistemic": {
                "status": item.epistemic.status,
                "source": None if source is None else ref_view(index, source),
            },
        }
        if item.polarity is not msgspec.UNSET:
            view["polarity"] = item.polarity
        return view
    holder = {"kind": "author"} if isinstance(item.holder, rec.AuthorHolder) else ref_view(index, item.holder.ref)
    target = item.target
    if isinstance(target, rec.PropositionTarget):
        target_view = {"kind": "proposition", **_span(target.start, target.end, target.text)}
    else:
        target_view = ref_view(index, target.ref)
    evidence = [msgspec.to_builtins(e) for e in item.evidence]
    return {"id": item.id, "holder": holder, "target": target_view, "polarity": item.polarity, "evidence": evidence}


def _spans(record: rec.Record, index: Index, kind: str, item: Any) -> list[tuple[int, int]]:
    if kind == "mention":
        return [(item.start, item.end)]
    if kind == "event":
        return [(item.trigger.start, item.trigger.end)]
    if kind == "stance":
        return [(e.start, e.end) for e in item.evidence]
    if kind == "cluster":
        return sorted((m.start, m.end) for mid in item.mentions if (m := index.mentions.get(mid)))
    return [(0, min(len(record.text), 1))]


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """``…before ⟦span⟧ after…``: the text around a span, the span marked."""
    left, right = max(0, start - width), min(len(text), end + width)
    before = ("…" if left else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return f"{before}⟦{text[start:end]}⟧{after}"


def side_index(d: DocReview, side: str) -> Index:
    """The id index of one pass's record of the document."""
    return d.a_index if side == "a" else d.b_index


def _contexts(d: DocReview, unit: Unit) -> list[str]:
    """The text around the unit: its span(s) in both readings (for a cluster, the members the readings differ on)."""
    text = (d.a or d.b).text  # type: ignore[union-attr]
    spans: list[tuple[int, int]] = []
    for side, record, item in (("a", d.a, unit.a), ("b", d.b, unit.b)):
        if item is not None and record is not None:
            spans.append(_spans(record, side_index(d, side), unit.kind, item))
    if unit.kind == "cluster" and len(spans) == 2:
        differing = sorted(set(spans[0]) ^ set(spans[1]))
        chosen = differing[:3] or spans[0][:1]
    elif unit.kind in ("mention", "event") and len(spans) == 2:
        chosen = [(min(spans[0][0][0], spans[1][0][0]), max(spans[0][0][1], spans[1][0][1]))]
    else:
        chosen = [s for group in spans for s in group][:3]
    return [context(text, s, e) for s, e in dict.fromkeys(chosen)]


def conflict_entries(rv: Review) -> list[dict]:
    """One JSON object per conflict, in document and text order: the lines of the review file."""
    out = []
    for d in rv.docs:
        for unit in d.units:
            if unit.agreed:
                continue
            a = None if unit.a is None else item_view(side_index(d, "a"), unit.kind, unit.a)
            b = None if unit.b is None else item_view(side_index(d, "b"), unit.kind, unit.b)
            out.append(
                {
                    "id": unit.conflict_id,
                    "doc": unit.doc,
                    "kind": unit.kind,
                    "why": unit.why,
                    "a": a,
                    "b": b,
                    "context": _contexts(d, unit),
                    "fingerprint": fingerprint(a, b),
                    "decision": None,
                }
            )
    return out


def fingerprint(a: dict | None, b: dict | None) -> str:
    """A digest of both readings: a decision is only applied to the conflict it was made on."""
    data = json.dumps([a, b], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def review_jsonl(rv: Review) -> str:
    return "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in conflict_entries(rv))
