"""ACES records ↔ doccano JSONL (a SequenceLabeling project with relations), losing nothing and shifting nothing.

doccano holds spans (offset pair + one label) and relations (span → span + one type); the export adds every
key of the example's meta at the top level. The mapping (docs/DOCCANO.md has the full table):

* a mention is a span labelled ``TYPE/FORM`` (``PER/NAM``); an event trigger a span labelled
  ``EventType/status`` (``Conflict.Attack/claimed``); a stance its first evidence span labelled
  ``Stance/POLARITY``, further evidence spans ``Evidence``, a proposition target a ``Proposition`` span;
* an argument is a relation trigger → argument span typed with the role; the epistemic source
  ``epistemic:source``; a stance's ``stance:holder`` (none: the author), ``stance:target`` and
  ``stance:evidence``; ``coref`` (drawn by an annotator) puts two mentions in one cluster;
* meta ``aces_id`` (document id), ``aces_base`` (sha256 of the record as pushed) and ``aces_map`` (which
  span was which ACES id, cluster ids/names/members, and references to clusters) bring back what doccano
  cannot show. Everything that is not an annotation layer comes from the base record in the corpus, as it is
  there: segments, provenance (with schema 1.2.0's licence, attribution and source file), split, language,
  and 1.2.0's sentences and annotation status. A field the base leaves unset stays unset; ``aces_base`` covers
  them all, so a pull sees when the corpus changed them after the push. Annotators see no sentence boundaries:
  a mention or trigger drawn across one is reported by ``aces validate`` (``span-crosses-sentence``) on import.

doccano counts offsets in UTF-16 units (JavaScript strings), ACES in code points: ``to_utf16``/``from_utf16``
convert them here and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import msgspec

from aces.doccano.meta import (
    AcesMap,
    MapUnusable,
    check_consistent,
    empty_map,
    first_difference,
    pushed_sha,
    read_map,
    rebuild_losses,
)
from aces.json_input import loads
from aces.offsets import from_utf16, to_utf16, utf16_len
from aces.record import (
    Argument,
    AuthorHolder,
    Cluster,
    EntityHolder,
    EntityTarget,
    Epistemic,
    Event,
    EventTarget,
    Mention,
    PropositionTarget,
    Record,
    Span,
    Stance,
    to_json,
)
from aces.schema import labels

SEP = "/"
STANCE = "Stance"
EVIDENCE = "Evidence"
PROPOSITION = "Proposition"
REL_SOURCE = "epistemic:source"
REL_HOLDER = "stance:holder"
REL_TARGET = "stance:target"
REL_EVIDENCE = "stance:evidence"
REL_COREF = "coref"
META_KEYS = ("aces_id", "aces_base", "aces_map")
"""Every uploaded row has exactly these meta keys: doccano rejects a batch whose rows differ in meta keys."""

_LOCAL = re.compile(r"^(?P<prefix>[a-z]+)(?P<num>\d+)$")


# ------------------------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class SpanLabel:
    """What a doccano span label means: ``kind`` is mention, trigger, stance, evidence or proposition."""

    kind: str
    type: str = ""
    attr: str = ""
    polarity: str = ""  # triggers only: a non-default event polarity (schema 1.1.0 on), "" for the default


@cache
def span_labels(version: str) -> dict[str, SpanLabel]:
    """Every span label of a project for schema ``version``, in the order the label menu shows them."""
    lab = labels(version)
    out: dict[str, SpanLabel] = {}
    for etype in lab.entity_types:
        for form in lab.mention_forms:
            out[f"{etype}{SEP}{form}"] = SpanLabel("mention", etype, form)
    marked = list(lab.event_polarities)[1:]  # the first polarity is the default and is left unmarked
    for evtype in lab.event_types:
        for polarity in ["", *marked]:
            for status in lab.epistemic_statuses:
                suffix = f"{SEP}{polarity}" if polarity else ""
                out[f"{evtype}{SEP}{status}{suffix}"] = SpanLabel("trigger", evtype, status, polarity)
    for polarity in lab.stance_polarities:
        out[f"{STANCE}{SEP}{polarity}"] = SpanLabel("stance", polarity)
    out[EVIDENCE] = SpanLabel("evidence")
    out[PROPOSITION] = SpanLabel("proposition")
    return out


@cache
def relation_types(version: str) -> list[str]:
    """Every relation type: the roles of all event types (inventory order), then the structural ones."""
    roles: dict[str, None] = {}
    for spec in labels(version).event_types.values():
        roles.update(dict.fromkeys(spec["roles"]))
    return [*roles, REL_SOURCE, REL_HOLDER, REL_TARGET, REL_EVIDENCE, REL_COREF]


def default_polarity(version: str) -> str | None:
    """The event polarity an unmarked trigger has (the first in ``labels.json``), None before schema 1.1.0."""
    return next(iter(labels(version).event_polarities), None)


def _trigger_label(ev: Event, version: str) -> str:
    label = f"{ev.type}{SEP}{ev.epistemic.status}"
    if isinstance(ev.polarity, str) and ev.polarity != default_polarity(version):
        label += f"{SEP}{ev.polarity}"
    return label


def record_sha(record: Record) -> str:
    """Fingerprint of a record as pushed: a pull compares it with the corpus to see whether gold moved meanwhile."""
    return hashlib.sha256(to_json(record).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------- records → rows


def record_to_row(record: Record) -> dict:
    """One doccano import row (RelationExtraction JSONL) for ``record``: UTF-16 offsets, ids in meta."""
    text = record.text
    entities: list[dict] = []
    by_id: dict[str, int] = {}  # ACES span id → row-local doccano span id
    span_map: list[tuple[int, int, str, str]] = []

    def add_span(aces_id: str, start: int, end: int, label: str) -> int:
        s16, e16 = to_utf16(text, start), to_utf16(text, end)
        local = len(entities) + 1
        entities.append({"id": local, "start_offset": s16, "end_offset": e16, "label": label})
        span_map.append((s16, e16, label, aces_id))
        by_id[aces_id] = local
        return local

    for m in record.entities:
        add_span(m.id, m.start, m.end, f"{m.type}{SEP}{m.form}")
    for ev in record.events:
        add_span(ev.id, ev.trigger.start, ev.trigger.end, _trigger_label(ev, record.schema_version))
    for st in record.stances:
        first, *rest = st.evidence
        add_span(st.id, first.start, first.end, f"{STANCE}{SEP}{st.polarity}")
        for i, ev_span in enumerate(rest, start=2):
            add_span(f"{st.id}#evidence{i}", ev_span.start, ev_span.end, EVIDENCE)
        if isinstance(st.target, PropositionTarget):
            add_span(f"{st.id}#target", st.target.start, st.target.end, PROPOSITION)

    first_mention = {c.id: c.mentions[0] for c in record.clusters}
    relations: list[dict] = []
    refs: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # (owner, type, span id) → refs, in order

    def relate(owner: str, rel_type: str, ref: str) -> None:
        if ref in by_id:
            target = ref
        elif ref in first_mention:
            target = first_mention[ref]  # a cluster is drawn as its first mention; aces_map remembers the cluster
        else:
            raise ValueError(
                f"{record.id}: {owner} refers to {ref}, which is no mention, cluster or event of the record"
            )
        refs[(owner, rel_type, target)].append(ref)
        relations.append({"id": len(relations) + 1, "from_id": by_id[owner], "to_id": by_id[target], "type": rel_type})

    for ev in record.events:
        for arg in ev.arguments:
            relate(ev.id, arg.role, arg.ref)
        if ev.epistemic.source is not None:
            relate(ev.id, REL_SOURCE, ev.epistemic.source)
    for st in record.stances:
        if isinstance(st.holder, EntityHolder):
            relate(st.id, REL_HOLDER, st.holder.ref)
        if isinstance(st.target, PropositionTarget):
            relate(st.id, REL_TARGET, f"{st.id}#target")
        else:
            relate(st.id, REL_TARGET, st.target.ref)
        for i in range(2, len(st.evidence) + 1):
            relate(st.id, REL_EVIDENCE, f"{st.id}#evidence{i}")

    aces_map = AcesMap(
        schema=record.schema_version,
        spans=span_map,
        clusters=[(c.id, c.name, list(c.mentions)) for c in record.clusters],
        refs=[(*key, seq) for key, seq in refs.items() if any(ref != key[2] for ref in seq)],
        explicit_polarity=[ev.id for ev in record.events if ev.polarity == default_polarity(record.schema_version)],
    )
    row = {"text": text, "entities": entities, "relations": relations}
    row.update({"aces_id": record.id, "aces_base": record_sha(record), "aces_map": _as_json_value(aces_map)})
    return row


def _as_json_value(value: msgspec.Struct) -> dict:
    """``value`` as the plain JSON object an export gives back (lists, never tuples), so rows compare and edit alike."""
    return msgspec.json.decode(msgspec.json.encode(value))


def records_to_doccano(records: Iterable[Record]) -> list[dict]:
    """Import rows for doccano, one per record, every row with the same meta keys (``META_KEYS``)."""
    return [record_to_row(r) for r in records]


def dumps_jsonl(rows: Iterable[dict]) -> str:
    """JSONL text (UTF-8, no BOM: upload it with an explicit ``utf_8`` encoding, never auto-detection)."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


# ------------------------------------------------------------------------------------- rows → records


@dataclass(frozen=True)
class Problem:
    """One reason an export cannot become records, with where it is (line of the JSONL, document, span)."""

    line: int
    doc_id: str | None
    where: str
    message: str

    def human(self, source: str = "") -> str:
        at = f"{source}:{self.line}" if source else f"line {self.line}"
        who = f" [{self.doc_id}{' ' + self.where if self.where else ''}]" if self.doc_id or self.where else ""
        return f"{at}{who}: {self.message}"


class DoccanoFormatError(ValueError):
    """The export cannot be converted; ``problems`` lists every reason with its location."""

    def __init__(self, problems: Sequence[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{len(self.problems)} problem(s) in the doccano data" + (f" {source}" if source else "")
        super().__init__("\n".join([head, *(p.human(source) for p in self.problems)]))


def parse_jsonl(text: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """``(line number, row)`` for each non-blank line, and a problem for each line that is not a JSON object."""
    rows: list[tuple[int, dict]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = loads(line)
        except json.JSONDecodeError as err:
            problems.append(Problem(number, None, "", f"not valid JSON ({err.msg} at column {err.colno}); truncated?"))
            continue
        if not isinstance(row, dict):
            problems.append(Problem(number, None, "", "a line must be one JSON object"))
            continue
        rows.append((number, row))
    return rows, problems


class DoccanoSpan(msgspec.Struct):
    """A span of an export row, as doccano writes it (other keys are ignored)."""

    id: int | str
    start_offset: int
    end_offset: int
    label: str


class DoccanoRelation(msgspec.Struct):
    """A relation of an export row, as doccano writes it."""

    id: int | str
    from_id: int | str
    to_id: int | str
    type: str


_T = TypeVar("_T", DoccanoSpan, DoccanoRelation)


@dataclass
class _Span:
    """One doccano span of a row, after checking and converting its offsets."""

    dc_id: int | str
    start: int  # code points
    end: int
    s16: int
    e16: int
    label: str
    meaning: SpanLabel
    aces_id: str | None = None
    rels: list[tuple[str, _Span]] = field(default_factory=list)  # outgoing relations, in the row's order

    def targets(self, rel_type: str) -> list[_Span]:
        return [tgt for rtype, tgt in self.rels if rtype == rel_type]

    @property
    def where(self) -> str:
        return f"span {self.dc_id} «{self.label}» at {self.s16}-{self.e16} (UTF-16)"


class _Row:
    """Converts one export row onto its base record, collecting problems instead of stopping at the first."""

    def __init__(self, line: int, row: dict, base: Record, problems: list[Problem], amap: AcesMap) -> None:
        self.line, self.row, self.base, self.problems = line, row, base, problems
        self.doc = base.id
        self.text = base.text
        self.version = base.schema_version
        self.lab = labels(self.version)
        self.meanings = span_labels(self.version)
        self.rel_types = set(relation_types(self.version))
        self.map = amap
        self.used: dict[str, int] = defaultdict(int)  # local-id prefix → highest number seen
        for aces_id in self._known_ids():
            self._note_id(aces_id)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.line, self.doc, where, message))

    def _known_ids(self) -> Iterable[str]:
        base = self.base
        yield from (m.id for m in base.entities)
        yield from (c.id for c in base.clusters)
        yield from (e.id for e in base.events)
        yield from (s.id for s in base.stances)
        yield from (aces_id for *_, aces_id in self.map.spans)
        yield from (cid for cid, _, _ in self.map.clusters)

    def _note_id(self, aces_id: str) -> None:
        local = aces_id.partition(":")[2].partition("#")[0]
        match = _LOCAL.match(local)
        if match:
            prefix, num = match["prefix"], int(match["num"])
            self.used[prefix] = max(self.used[prefix], num)

    def new_id(self, prefix: str) -> str:
        self.used[prefix] += 1
        return f"{self.doc}:{prefix}{self.used[prefix]}"

    # -- spans and relations

    def _items(self, key: str, kind: type[_T]) -> list[_T]:
        """The row's ``key`` list, each item typed as ``kind``; a missing list or an item of the wrong shape is a
        problem (a missing list would silently delete every annotation of its kind)."""
        items = self.row.get(key)
        if not isinstance(items, list):
            found = "missing" if key not in self.row else f"not a list but {type(items).__name__}"
            self.problem(key, f"{key} is {found}; a doccano export always has the list (empty if there is none)")
            return []
        out: list[_T] = []
        for k, item in enumerate(items):
            try:
                out.append(msgspec.convert(item, kind))
            except msgspec.ValidationError as err:
                what = kind.__name__.removeprefix("Doccano").lower()
                self.problem(f"{key}[{k}]", f"not a doccano {what}: {str(err).replace('`$', f'`{key}[{k}]')}")
        return out

    def spans(self) -> list[_Span]:
        n16 = utf16_len(self.text)
        out: list[_Span] = []
        seen: set = set()
        for item in self._items("entities", DoccanoSpan):
            dc_id, s16, e16, label = item.id, item.start_offset, item.end_offset, item.label
            where = f"span {dc_id} «{label}»"
            if dc_id in seen:
                self.problem(where, "span id repeated")
                continue
            seen.add(dc_id)
            if not 0 <= s16 < e16 <= n16:
                self.problem(
                    where, f"offsets {s16}-{e16} are off the text (it has {n16} UTF-16 units); delete the span"
                )
                continue
            try:
                start, end = from_utf16(self.text, s16), from_utf16(self.text, e16)
            except ValueError as err:
                self.problem(where, f"{err}; move the span edge off the emoji")
                continue
            meaning = self.meanings.get(label)
            if meaning is None:
                self.problem(where, f"unknown label {label!r}; use a label of the schema {self.version} project")
                continue
            out.append(_Span(dc_id, start, end, s16, e16, label, meaning))
        self._identify(out)
        return out

    def _identify(self, spans: list[_Span]) -> None:
        """Give each span the ACES id it was pushed with: same offsets and label first, then same offsets and kind."""
        entries = self.map.spans
        free = list(range(len(entries)))

        def take(test) -> None:
            for sp in spans:
                if sp.aces_id is not None:
                    continue
                for k in free:
                    if test(sp, entries[k]):
                        sp.aces_id = entries[k][3]
                        free.remove(k)
                        break

        take(lambda sp, e: (sp.s16, sp.e16, sp.label) == e[:3])
        take(
            lambda sp, e: (
                (sp.s16, sp.e16) == e[:2] and e[2] in self.meanings and self.meanings[e[2]].kind == sp.meaning.kind
            )
        )

    def relations(self, spans: list[_Span]) -> None:
        """Attach every relation to its source span (``_Span.out``), checking both ends exist."""
        by_dc = {sp.dc_id: sp for sp in spans}
        for item in self._items("relations", DoccanoRelation):
            rid, src, dst, rtype = item.id, item.from_id, item.to_id, item.type
            where = f"relation {rid} «{rtype}»"
            if rtype not in self.rel_types:
                self.problem(where, f"unknown relation type {rtype!r}")
                continue
            if src not in by_dc or dst not in by_dc:
                missing = src if src not in by_dc else dst
                self.problem(where, f"points at span {missing}, which is not in the document (or was rejected)")
                continue
            by_dc[src].rels.append((rtype, by_dc[dst]))

    # -- layers

    def convert(self) -> Record | None:
        before = len(self.problems)
        spans = self.spans()
        self.relations(spans)
        self._check_relation_ends(spans)
        if len(self.problems) > before:
            return None
        spans.sort(key=lambda sp: 0 if sp.aces_id else 1)  # stable: pushed spans first, in pushed order
        prefix = {"mention": "m", "trigger": "e", "stance": "st"}
        for sp in sorted((s for s in spans if s.aces_id is None), key=lambda s: (s.start, s.end)):
            if sp.meaning.kind in prefix:
                sp.aces_id = self.new_id(prefix[sp.meaning.kind])
        mentions = [sp for sp in spans if sp.meaning.kind == "mention"]
        entities = self._merge_new([self._mention(sp) for sp in mentions], lambda m: m.start)
        clusters, cluster_of = self._clusters(mentions)
        refs = {(o, t, s): seq for o, t, s, seq in self.map.refs}
        self._ref_used: dict[tuple, int] = defaultdict(int)
        events = self._merge_new(
            [self._event(sp, refs, cluster_of) for sp in spans if sp.meaning.kind == "trigger"],
            lambda e: e.trigger.start,
        )
        stances = self._merge_new(
            [self._stance(sp, refs, cluster_of) for sp in spans if sp.meaning.kind == "stance"],
            lambda s: s.evidence[0].start,
        )
        if len(self.problems) > before:
            return None
        return msgspec.structs.replace(
            self.base, entities=tuple(entities), clusters=tuple(clusters), events=tuple(events), stances=tuple(stances)
        )

    def _check_relation_ends(self, spans: list[_Span]) -> None:
        allowed = {  # relation type → (kinds it may start from, kinds it may point at)
            REL_SOURCE: ({"trigger"}, {"mention"}),
            REL_HOLDER: ({"stance"}, {"mention"}),
            REL_TARGET: ({"stance"}, {"mention", "trigger", "proposition"}),
            REL_EVIDENCE: ({"stance"}, {"evidence"}),
            REL_COREF: ({"mention"}, {"mention"}),
        }
        attached: set[int] = set()
        role_ends = ({"trigger"}, {"mention", "trigger"})
        for sp in spans:
            for rtype, tgt in sp.rels:
                src_ok, dst_ok = allowed.get(rtype, role_ends)
                if sp.meaning.kind not in src_ok or tgt.meaning.kind not in dst_ok:
                    self.problem(
                        sp.where,
                        f"a «{rtype}» relation cannot go from a {sp.meaning.kind} to a {tgt.meaning.kind} "
                        f"(«{tgt.label}» at {tgt.s16}-{tgt.e16}); delete or redraw it",
                    )
                if rtype in (REL_EVIDENCE, REL_TARGET):
                    attached.add(id(tgt))
            if sp.meaning.kind == "stance":
                for rtype in (REL_HOLDER, REL_TARGET):
                    if len(sp.targets(rtype)) > 1:
                        self.problem(sp.where, f"a stance has at most one «{rtype}» relation")
                if not sp.targets(REL_TARGET):
                    self.problem(sp.where, f"the stance has no «{REL_TARGET}» relation; draw one to its target")
            if sp.meaning.kind == "trigger" and len(sp.targets(REL_SOURCE)) > 1:
                self.problem(sp.where, f"an event has at most one «{REL_SOURCE}» relation")
        for sp in spans:
            if sp.meaning.kind in ("evidence", "proposition") and id(sp) not in attached:
                self.problem(sp.where, "belongs to no stance; draw a stance relation to it or delete it")

    def _merge_new(self, items: list, start_of) -> list:
        """Pushed items keep their order; each new one goes before the first pushed item that starts after it."""
        pushed = {aces_id for *_, aces_id in self.map.spans}
        old = [x for x in items if x.id in pushed]
        new = sorted((x for x in items if x.id not in pushed), key=start_of)
        out: list = []
        for item in old:
            while new and start_of(new[0]) < start_of(item):
                out.append(new.pop(0))
            out.append(item)
        return out + new

    def _mention(self, sp: _Span) -> Mention:
        text = self.text[sp.start : sp.end]
        return Mention(sp.aces_id, sp.start, sp.end, text, sp.meaning.type, sp.meaning.attr)  # type: ignore[arg-type]

    def _clusters(self, mentions: list[_Span]) -> tuple[list[Cluster], dict[str, str]]:
        """Pushed clusters keep id, name and order; a mention whose type changed leaves its cluster; ``coref`` joins."""
        type_of = {sp.aces_id: sp.meaning.type for sp in mentions}
        order = {sp.aces_id: (sp.start, sp.end) for sp in mentions}
        pushed = self.map.clusters
        parent: dict[str, str] = {m: m for m in type_of}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra

        primary: dict[str, tuple[int, str, str]] = {}  # mention → (pushed cluster index, id, name) it keeps
        for index, (cid, name, members) in enumerate(pushed):
            alive = [m for m in members if m in type_of]
            if not alive:
                continue
            types = [type_of[m] for m in alive]
            keep = max(set(types), key=lambda t: (types.count(t), -types.index(t)))  # the majority type stays
            group = [m for m in alive if type_of[m] == keep]
            for m in group:
                primary[m] = (index, cid, name)
                union(group[0], m)
            for other in set(types) - {keep}:  # mentions retyped together stay together, in a new cluster
                rest = [m for m in alive if type_of[m] == other]
                for m in rest:
                    union(rest[0], m)
        by_aces = {sp.aces_id: sp for sp in mentions}
        for sp in mentions:
            for tgt in sp.targets(REL_COREF):
                if sp.meaning.type != tgt.meaning.type:
                    self.problem(sp.where, f"«coref» joins a {sp.meaning.type} and a {tgt.meaning.type} mention")
                union(sp.aces_id, tgt.aces_id)  # type: ignore[arg-type]
        components: dict[str, list[str]] = defaultdict(list)
        pushed_order = [m for _, _, members in pushed for m in members if m in type_of]
        new_order = sorted((m for m in type_of if m not in set(pushed_order)), key=lambda m: order[m])
        for m in pushed_order + new_order:
            components[find(m)].append(m)
        keyed: list[tuple[tuple, Cluster]] = []
        taken: set[str] = set()
        for members in components.values():
            owners = sorted({primary[m] for m in members if m in primary})
            owner = next((o for o in owners if o[1] not in taken), None)
            if owner is not None:
                taken.add(owner[1])
                cid, name, key = owner[1], owner[2], (0, owner[0])
            else:
                cid, name, key = (
                    "",
                    self._cluster_name([by_aces[m] for m in members]),
                    (1, min(order[m] for m in members)),
                )
            keyed.append((key, Cluster(cid, name, type_of[members[0]], tuple(members))))
        keyed.sort(key=lambda kc: kc[0])
        clusters = [c if c.id else msgspec.structs.replace(c, id=self.new_id("c")) for _, c in keyed]
        return clusters, {m: c.id for c in clusters for m in c.mentions}

    def _cluster_name(self, members: list[_Span]) -> str:
        """A new cluster's canonical name: the longest name (NAM) mention, else the longest mention."""
        names = [sp for sp in members if sp.meaning.attr == "NAM"] or members
        best = max(names, key=lambda sp: (sp.end - sp.start, -sp.start))
        return self.text[best.start : best.end]

    def _ref(self, owner: str, rtype: str, tgt: _Span, refs: dict, cluster_of: dict[str, str]) -> str:
        """The ACES id a relation points at: an event for a trigger, else the mention or (as pushed) its cluster."""
        if tgt.meaning.kind == "trigger":
            return tgt.aces_id  # type: ignore[return-value]
        key = (owner, rtype, tgt.aces_id)
        pushed = refs.get(key, [])
        k = self._ref_used[key]
        self._ref_used[key] += 1
        if k < len(pushed) and pushed[k] != tgt.aces_id:  # the k-th such relation stood for the mention's cluster
            return cluster_of[tgt.aces_id]  # type: ignore[index]
        return tgt.aces_id  # type: ignore[return-value]

    def _event(self, sp: _Span, refs: dict, cluster_of: dict[str, str]) -> Event:
        eid = sp.aces_id
        arguments = tuple(
            Argument(rtype, self._ref(eid, rtype, tgt, refs, cluster_of))  # type: ignore[arg-type]
            for rtype, tgt in sp.rels
            if rtype != REL_SOURCE
        )
        sources = sp.targets(REL_SOURCE)
        source = self._ref(eid, REL_SOURCE, sources[0], refs, cluster_of) if sources else None  # type: ignore[arg-type]
        trigger = Span(sp.start, sp.end, self.text[sp.start : sp.end])
        polarity = sp.meaning.polarity or (
            default_polarity(self.version) if eid in self.map.explicit_polarity else msgspec.UNSET
        )
        epistemic = Epistemic(sp.meaning.attr, source)
        return Event(eid, sp.meaning.type, trigger, arguments, epistemic, polarity)  # type: ignore[arg-type]

    def _stance(self, sp: _Span, refs: dict, cluster_of: dict[str, str]) -> Stance:
        sid = sp.aces_id
        holders = sp.targets(REL_HOLDER)
        holder = (
            EntityHolder(self._ref(sid, REL_HOLDER, holders[0], refs, cluster_of))  # type: ignore[arg-type]
            if holders
            else AuthorHolder()
        )
        tgt = sp.targets(REL_TARGET)[0]
        if tgt.meaning.kind == "proposition":
            target = PropositionTarget(tgt.start, tgt.end, self.text[tgt.start : tgt.end])
        elif tgt.meaning.kind == "trigger":
            target = EventTarget(tgt.aces_id)  # type: ignore[arg-type]
        else:
            target = EntityTarget(self._ref(sid, REL_TARGET, tgt, refs, cluster_of))  # type: ignore[arg-type]
        evidence = [sp, *sp.targets(REL_EVIDENCE)]
        spans = tuple(Span(e.start, e.end, self.text[e.start : e.end]) for e in evidence)
        return Stance(sid, holder, target, sp.meaning.type, spans)  # type: ignore[arg-type]


_REFUSED = (
    "without a whole map the clusters would dissolve into singletons and every id would be renumbered, so the row is "
    "refused: pull from the project the push made, or pass --rebuild-clusters to convert it anyway (not with "
    "--apply: the result is for adjudication)"
)


def _verify_map(row: Mapping, base: Record, amap: AcesMap) -> None:
    """``MapUnusable`` unless the row's meta is whole: an ``aces_base``, a map that hangs together and, when gold is
    still the record that was pushed, exactly the map the push of that record wrote."""
    sha = pushed_sha(row)
    meanings = span_labels(base.schema_version)
    check_consistent(amap, meanings, {label for label, m in meanings.items() if m.kind == "mention"})
    if sha != record_sha(base):
        return  # gold moved since the push: the pull goes to adjudication, and --apply refuses it
    try:
        pushed = msgspec.convert(record_to_row(base)["aces_map"], AcesMap)
    except ValueError:
        return  # gold has a dangling reference, which validating the pulled record reports
    if amap != pushed:
        raise MapUnusable(
            f"meta aces_map is not what the push of this gold record (unchanged since) wrote, first at "
            f"{first_difference(amap, pushed)}: it was edited or damaged"
        )


def doccano_to_records(
    data: str | Iterable[dict],
    bases: Mapping[str, Record],
    source: str = "",
    *,
    rebuild_clusters: bool = False,
    losses: list[Problem] | None = None,
) -> list[Record]:
    """Records from doccano JSONL (export or import format) merged onto their ``bases`` (document id → record).

    Each row's annotation layers replace the base's; everything else (segments, provenance, split, ...) is the
    base's. Raises ``DoccanoFormatError`` listing every problem with its line; nothing is returned half-done. A row
    whose meta (``aces_map``, ``aces_base``) is missing, malformed or not what the push wrote is such a problem;
    with ``rebuild_clusters`` it is converted without its map instead, and what that loses goes to ``losses``.
    """
    if isinstance(data, str):
        rows, problems = parse_jsonl(data)
    else:
        rows, problems = list(enumerate(data, start=1)), []
    out: list[Record] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        doc = row.get("aces_id")
        if not isinstance(doc, str):
            problems.append(Problem(line, None, "", "no aces_id in the meta: this example was not pushed by aces"))
            continue
        if doc in first_line:
            problems.append(Problem(line, doc, "", f"the document is here twice (first on line {first_line[doc]})"))
            continue
        first_line[doc] = line
        base = bases.get(doc)
        if base is None:
            problems.append(Problem(line, doc, "", "no record with this id in the corpus"))
            continue
        text = row.get("text")
        if text != base.text:
            at = next((i for i, (a, b) in enumerate(zip(str(text), base.text, strict=False)) if a != b), None)
            where = f"first difference at code point {at}" if at is not None else "a different length"
            problems.append(Problem(line, doc, "text", f"the text differs from the corpus text ({where})"))
            continue
        try:
            amap = read_map(row)
            if amap.schema != base.schema_version:
                problems.append(
                    Problem(line, doc, "", f"pushed with schema {amap.schema}, the corpus is at {base.schema_version}")
                )
                continue
            _verify_map(row, base, amap)
        except MapUnusable as err:
            if not rebuild_clusters:
                problems.append(Problem(line, doc, "aces_map", f"{err}; {_REFUSED}"))
                continue
            amap = empty_map(base.schema_version)
            if losses is not None:
                losses.append(Problem(line, doc, "aces_map", rebuild_losses(base, str(err))))
        record = _Row(line, row, base, problems, amap).convert()
        if record is not None:
            out.append(record)
    if problems:
        raise DoccanoFormatError(problems, source)
    return out
