"""Matching items between two annotations (A and B) of the same documents.

Ids are local to an annotation pass (A's ``m3`` need not be B's ``m3``), so everything is matched by what it
covers in the text: documents by id, mentions and triggers by span, clusters by the mentions they share,
arguments and stances by what their references match. Every matching here is one-to-one, so no item of
either side is counted twice. ``agree`` scores these matchings; ``diff`` reads them as changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from aces import record as rec

T = TypeVar("T")
U = TypeVar("U")


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocPairing:
    """Documents paired by id. ``not_comparable``: same id, different ``text`` (offsets would not line up)."""

    pairs: list[tuple[rec.Record, rec.Record]]
    only_a: list[str]
    only_b: list[str]
    not_comparable: list[str]


def pair_documents(a_records: Iterable[rec.Record], b_records: Iterable[rec.Record]) -> DocPairing:
    """Pair by document id, sorted by id; the first record of a repeated id wins (``load`` reports repeats)."""
    a_by_id: dict[str, rec.Record] = {}
    b_by_id: dict[str, rec.Record] = {}
    for r in a_records:
        a_by_id.setdefault(r.id, r)
    for r in b_records:
        b_by_id.setdefault(r.id, r)
    pairs, not_comparable = [], []
    for doc_id in sorted(a_by_id.keys() & b_by_id.keys()):
        a, b = a_by_id[doc_id], b_by_id[doc_id]
        if a.text != b.text:
            not_comparable.append(doc_id)
        else:
            pairs.append((a, b))
    return DocPairing(
        pairs=pairs,
        only_a=sorted(a_by_id.keys() - b_by_id.keys()),
        only_b=sorted(b_by_id.keys() - a_by_id.keys()),
        not_comparable=not_comparable,
    )


# ---------------------------------------------------------------- generic one-to-one matchings


def assign(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Pairs ``(row, column)`` of a maximum-weight one-to-one assignment, pairs of weight 0 left out (they align
    nothing). Weights must be non-negative; any rectangular shape.

    SciPy's ``linear_sum_assignment`` (imported here, not at module level: ``aces diff`` and friends start faster).
    """
    if not weights or not weights[0]:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    matrix = np.asarray(weights, dtype=float)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if matrix[r, c] > 0]


def match_by_key(
    a_items: Sequence[T], b_items: Sequence[U], key_a: Callable[[T], Hashable], key_b: Callable[[U], Hashable]
) -> list[tuple[T, U]]:
    """Pair items with equal keys, one-to-one, in document order (repeated keys pair up first to first)."""
    waiting: dict[Hashable, list[U]] = defaultdict(list)
    for item in b_items:
        waiting[key_b(item)].append(item)
    pairs = []
    for item in a_items:
        bucket = waiting.get(key_a(item))
        if bucket:
            pairs.append((item, bucket.pop(0)))
    return pairs


def match_in_stages(
    a_items: Sequence[T], b_items: Sequence[T], keys: Sequence[Callable[[T], Hashable]]
) -> list[tuple[T, T]]:
    """``match_by_key`` with each key in turn on what is still unmatched (strictest key first)."""
    pairs: list[tuple[T, T]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for key in keys:
        rest_a = [x for x in a_items if id(x) not in used_a]
        rest_b = [x for x in b_items if id(x) not in used_b]
        for x, y in match_by_key(rest_a, rest_b, key, key):
            pairs.append((x, y))
            used_a.add(id(x))
            used_b.add(id(y))
    return pairs


def _span(item: rec.Mention) -> tuple[int, int]:
    return (item.start, item.end)


def _span_type(item: rec.Mention) -> tuple[int, int, str]:
    return (item.start, item.end, item.type)


def mentions_exact(a: Sequence[rec.Mention], b: Sequence[rec.Mention]) -> list[tuple[rec.Mention, rec.Mention]]:
    """Same start, end and type."""
    return match_by_key(a, b, _span_type, _span_type)


def mentions_by_span(a: Sequence[rec.Mention], b: Sequence[rec.Mention]) -> list[tuple[rec.Mention, rec.Mention]]:
    """Same start and end, whatever the type (same-type pairs first, should a span repeat on one side)."""
    return match_in_stages(a, b, [_span_type, _span])


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Code points shared by two ``[start, end)`` spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def mentions_overlap(a: Sequence[rec.Mention], b: Sequence[rec.Mention]) -> list[tuple[rec.Mention, rec.Mention]]:
    """Same type and overlapping spans; greedy one-to-one by largest overlap.

    Ties go to the pair whose lengths differ least, then to document order, so the result is deterministic.
    """
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if y.type == x.type:
                shared = overlap(_span(x), _span(y))
                if shared:
                    diff = abs((x.end - x.start) - (y.end - y.start))
                    candidates.append((-shared, diff, x.start, y.start, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    return sorted(pairs, key=lambda p: (p[0].start, p[0].end))


def events_exact(a: Sequence[rec.Event], b: Sequence[rec.Event]) -> list[tuple[rec.Event, rec.Event]]:
    """Same trigger span and same event type."""

    def key(e: rec.Event) -> Hashable:
        return (e.trigger.start, e.trigger.end, e.type)

    return match_by_key(a, b, key, key)


def events_by_span(a: Sequence[rec.Event], b: Sequence[rec.Event]) -> list[tuple[rec.Event, rec.Event]]:
    """Same trigger span, whatever the type (same-type pairs first)."""
    return match_in_stages(
        a, b, [lambda e: (e.trigger.start, e.trigger.end, e.type), lambda e: (e.trigger.start, e.trigger.end)]
    )


def best_pairs(a_items: Sequence[T], b_items: Sequence[U], score: Callable[[T, U], float | None]) -> list[tuple[T, U]]:
    """Largest one-to-one set of compatible pairs; ``score`` is None for incompatible, else a tie-break in [0, 1].

    Every compatible pair weighs ``1 + ε·score`` with ε small enough that the number of pairs always wins,
    so the result is a maximum matching that, among those, prefers the better-fitting pairs.
    """
    if not a_items or not b_items:
        return []
    eps = 1 / (len(a_items) + len(b_items) + 1)
    weights = []
    for x in a_items:
        row = []
        for y in b_items:
            s = score(x, y)
            row.append(0.0 if s is None else 1 + eps * s)
        weights.append(row)
    return [(a_items[i], b_items[j]) for i, j in assign(weights)]


# ---------------------------------------------------------------- references


@dataclass
class Index:
    """Ids of one record: what each id is, and each mention's cluster."""

    mentions: dict[str, rec.Mention] = field(default_factory=dict)
    clusters: dict[str, rec.Cluster] = field(default_factory=dict)
    events: dict[str, rec.Event] = field(default_factory=dict)
    cluster_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, record: rec.Record) -> Index:
        index = cls()
        index.mentions = {m.id: m for m in record.entities}
        index.clusters = {c.id: c for c in record.clusters}
        index.events = {e.id: e for e in record.events}
        for c in record.clusters:
            for m in c.mentions:
                index.cluster_of.setdefault(m, c.id)
        return index

    def entity(self, ref: str) -> frozenset[str]:
        """Mention ids of the entity a reference stands for: a cluster's members, or a mention's whole cluster.

        A mention in no cluster stands for itself; anything else (an event, an unknown id) for nothing.
        """
        if ref in self.mentions:
            ref = self.cluster_of.get(ref, ref)
            if ref in self.mentions:
                return frozenset([ref])
        if ref in self.clusters:
            return frozenset(m for m in self.clusters[ref].mentions if m in self.mentions)
        return frozenset()


def dangling_refs(record: rec.Record) -> list[str]:
    """References (cluster members, arguments, sources, stance holders/targets) to ids the record lacks."""
    index = Index.of(record)
    known = index.mentions.keys() | index.clusters.keys() | index.events.keys()
    out = []
    for c in record.clusters:
        out += [f"cluster {c.id} lists unknown mention {m}" for m in c.mentions if m not in index.mentions]
    for e in record.events:
        out += [f"event {e.id} argument {a.role} refers to unknown {a.ref}" for a in e.arguments if a.ref not in known]
        if e.epistemic.source is not None and e.epistemic.source not in known:
            out.append(f"event {e.id} epistemic source refers to unknown {e.epistemic.source}")
    for s in record.stances:
        for part, what in (("holder", s.holder), ("target", s.target)):
            ref = getattr(what, "ref", None)
            if ref is not None and ref not in known:
                out.append(f"stance {s.id} {part} refers to unknown {ref}")
    return out


@dataclass
class DocAlignment:
    """The matchings of one document pair that references are resolved through."""

    a: rec.Record
    b: rec.Record
    a_index: Index
    b_index: Index
    mention_span: dict[str, str]
    """A mention id → B mention id, matched exactly by span (type ignored)."""
    event: dict[str, str]
    """A event id → B event id, matched by trigger span and type."""

    @classmethod
    def of(cls, a: rec.Record, b: rec.Record, events_by: str = "span+type") -> DocAlignment:
        """``events_by``: ``"span+type"`` (agreement: a retyped event is a different event) or ``"span"`` (diff)."""
        pair_events = events_exact if events_by == "span+type" else events_by_span
        event_pairs = pair_events(a.events, b.events)
        return cls(
            a=a,
            b=b,
            a_index=Index.of(a),
            b_index=Index.of(b),
            mention_span={x.id: y.id for x, y in mentions_by_span(a.entities, b.entities)},
            event={x.id: y.id for x, y in event_pairs},
        )

    def refs_match(self, a_ref: str, b_ref: str) -> bool:
        """Whether an A reference and a B reference point at the same thing.

        Events: the two events are matched. Mention and mention: the mentions are matched exactly by span.
        A cluster on either side: the two entities share a span-matched mention, where a mention facing a
        cluster stands for its own cluster (A's «داعش» and B's ISIS cluster agree if that cluster holds it
        or a mention coreferent with it).
        """
        if a_ref in self.a_index.events or b_ref in self.b_index.events:
            return self.event.get(a_ref) == b_ref and b_ref in self.b_index.events
        if a_ref in self.a_index.mentions and b_ref in self.b_index.mentions:
            return self.mention_span.get(a_ref) == b_ref
        b_members = self.b_index.entity(b_ref)
        return any(self.mention_span.get(m) in b_members for m in self.a_index.entity(a_ref))

    def arguments(
        self, a_event: rec.Event, b_event: rec.Event, role: bool = True
    ) -> list[tuple[rec.Argument, rec.Argument]]:
        """Arguments of two matched events whose references match and, if ``role``, whose roles are the same
        (a maximum matching)."""
        return best_pairs(
            a_event.arguments,
            b_event.arguments,
            lambda x, y: 0.0 if (not role or x.role == y.role) and self.refs_match(x.ref, y.ref) else None,
        )

    def holders_match(self, x: rec.Holder, y: rec.Holder) -> bool:
        return holders_agree(x, y, self.refs_match)

    def target_fit(self, x: rec.Target, y: rec.Target) -> float | None:
        """None if the targets differ; else how well they fit (see ``target_fit``)."""
        return target_fit(x, y, self.refs_match, lambda a, b: self.event.get(a) == b)

    def stances(
        self, holder: bool = True, target: bool = True, polarity: bool = False
    ) -> list[tuple[rec.Stance, rec.Stance]]:
        """Stances paired one-to-one on the parts asked for (a maximum matching): by default holder and target,
        polarity playing no part (agreement and diff compare polarities of the pairs afterwards)."""

        def fit(x: rec.Stance, y: rec.Stance) -> float | None:
            if holder and not self.holders_match(x.holder, y.holder):
                return None
            if polarity and x.polarity != y.polarity:
                return None
            return self.target_fit(x.target, y.target) if target else 0.0

        return best_pairs(self.a.stances, self.b.stances, fit)

    def coref_partitions(self, twinless: bool = False) -> tuple[list[frozenset[Hashable]], list[frozenset[Hashable]]]:
        """A's and B's clusters over mention keys shared across sides; a mention in no cluster is a singleton.

        A span-matched pair is named by its A mention id. ``twinless=False`` keeps only span-matched mentions
        (agreement on clustering alone); ``twinless=True`` keeps every mention, one only A has under its A id
        and one only B has under ``("B", id)``, so it can never meet an A key (scoring, CoNLL-2012 style).
        """
        matched = self.mention_span
        b_to_a: dict[str, Hashable] = {bm: am for am, bm in matched.items()}
        a_keys: dict[str, Hashable] = {m: m for m in matched}
        if twinless:
            a_keys = {m.id: m.id for m in self.a.entities}
            b_to_a = {m.id: b_to_a.get(m.id, ("B", m.id)) for m in self.b.entities}

        def partition(record: rec.Record, index: Index, translate: dict[str, Hashable]) -> list[frozenset[Hashable]]:
            groups: dict[str, set[Hashable]] = defaultdict(set)
            for m in record.entities:
                if m.id in translate:
                    groups[index.cluster_of.get(m.id, "\0" + m.id)].add(translate[m.id])
            return [frozenset(g) for g in groups.values()]

        return partition(self.a, self.a_index, a_keys), partition(self.b, self.b_index, b_to_a)


def clusters_by_membership(
    a_clusters: Sequence[tuple[str, frozenset[Hashable]]], b_clusters: Sequence[tuple[str, frozenset[Hashable]]]
) -> list[tuple[int, int]]:
    """Pair ``(name, members)`` clusters one-to-one, maximising the members they share; same name breaks ties.

    Members must be comparable across sides (``diff`` uses mention spans). Clusters sharing nothing stay
    unpaired: a cluster split in two pairs with the half that kept more members. Returns index pairs.
    """
    eps = 1 / (len(a_clusters) + len(b_clusters) + 1)
    weights = [
        [len(xm & ym) + (eps if xm & ym and xn == yn else 0.0) for yn, ym in b_clusters] for xn, xm in a_clusters
    ]
    return assign(weights)


def holders_agree(x: rec.Holder, y: rec.Holder, same_ref: Callable[[str, str], bool]) -> bool:
    """Both the author, or both entities that ``same_ref`` says are the same (how refs compare is the caller's)."""
    if isinstance(x, rec.AuthorHolder) or isinstance(y, rec.AuthorHolder):
        return isinstance(x, rec.AuthorHolder) and isinstance(y, rec.AuthorHolder)
    return same_ref(x.ref, y.ref)


def target_fit(
    x: rec.Target,
    y: rec.Target,
    same_ref: Callable[[str, str], bool],
    same_event: Callable[[str, str], bool] | None = None,
) -> float | None:
    """None if the targets differ; else how well they fit: the overlap share of two propositions, 0 otherwise.

    Entity targets compare with ``same_ref``, event targets with ``same_event`` (default: ``same_ref``).
    """
    if isinstance(x, rec.PropositionTarget) and isinstance(y, rec.PropositionTarget):
        shared = overlap((x.start, x.end), (y.start, y.end))
        return shared / (max(x.end, y.end) - min(x.start, y.start)) if shared else None
    if isinstance(x, rec.EventTarget) and isinstance(y, rec.EventTarget):
        return 0.0 if (same_event or same_ref)(x.ref, y.ref) else None
    if isinstance(x, rec.EntityTarget) and isinstance(y, rec.EntityTarget):
        return 0.0 if same_ref(x.ref, y.ref) else None
    return None
