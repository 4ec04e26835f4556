"""Adjudication, step 2: agreed units plus the reviewer's decisions → the gold records.

A decision names what the gold keeps of a conflict: ``"a"`` or ``"b"`` (that pass's reading), ``"both"`` (each
reading, as two items), ``"neither"``, or an edited item ``{"from": "a" | "b", "item": {...}}`` (the item in the
record's JSON shape without ``id``, its references written with the ids of pass ``from``). Agreed units keep
A's reading. Whatever a unit keeps stands for the item of *both* passes, so a reference of either pass to it
(a cluster member, an argument, a source, a stance holder or target) lands on the kept item.

Consequences are never silent: a cluster member or an argument whose referent the decisions dropped is left out
and listed in ``notes``; a mention left in no cluster gets a singleton cluster, also listed. A source, holder or
target whose referent was dropped, or a mention kept in two clusters, stops the merge with a ``MergeError``
naming the conflicts to decide differently. Gold ids are renumbered in text order (m1.., c1.., e1.., st1..).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from aces import record as rec
from aces.json_input import loads
from aces.schema import labels
from aces.validate.level3_refs import corpus_dir_of
from aces.validate.runner import Validation
from aces.versions.adjudicate import CHOICES, DocReview, Review, Unit, conflict_entries, side_index


class MergeError(Exception):
    """The decisions cannot make a gold file; ``problems`` says which conflicts to decide differently."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class DecisionError(ValueError):
    """A decision is malformed (unknown value, a reading that does not exist, an edited item of the wrong shape)."""


@dataclass(frozen=True)
class Decision:
    """``choice`` is one of ``CHOICES`` or ``"edit"`` (then ``side`` and ``item`` are set)."""

    choice: str
    side: str | None = None
    item: dict | None = None

    @classmethod
    def parse(cls, value: object, unit: Unit) -> Decision | None:
        """None for an undecided conflict (``null`` or ``""``); raises ``DecisionError`` for a malformed one."""
        if value is None or value == "":
            return None
        where = unit.conflict_id
        if isinstance(value, str):
            if value not in CHOICES:
                raise DecisionError(f"{where}: decision {value!r} is not one of {', '.join(CHOICES)} or an edited item")
            missing = [s for s in ("a", "b") if getattr(unit, s) is None]
            if value in ("a", "b") and value in missing:
                other = "b" if value == "a" else "a"
                raise DecisionError(
                    f"{where}: decision {value!r} but only pass {other.upper()} has this item; "
                    f"use {other!r} or 'neither'"
                )
            if value == "both" and missing:
                raise DecisionError(
                    f"{where}: decision 'both' but only one pass has this item; use 'a'/'b' or 'neither'"
                )
            return cls(value)
        if isinstance(value, dict) and value.get("from") in ("a", "b") and isinstance(value.get("item"), dict):
            if unit.kind == "document":
                raise DecisionError(f"{where}: a whole document cannot be edited here; decide 'a', 'b' or 'neither'")
            return cls("edit", value["from"], value["item"])
        raise DecisionError(
            f'{where}: decision must be "a", "b", "both", "neither" or {{"from": "a"|"b", "item": {{...}}}}, '
            f"not {value!r}"
        )


_STRUCT = {"mention": rec.Mention, "cluster": rec.Cluster, "event": rec.Event, "stance": rec.Stance}


def _edited(unit: Unit, decision: Decision, doc_id: str) -> Any:
    """The edited item as a struct of its kind, with a placeholder id."""
    data = {**(decision.item or {}), "id": f"{doc_id}:edited"}
    try:
        return msgspec.convert(data, _STRUCT[unit.kind])
    except msgspec.ValidationError as err:
        raise DecisionError(f"{unit.conflict_id}: the edited {unit.kind} is not a valid {unit.kind} ({err})") from err


@dataclass
class _Kept:
    """An item the gold keeps, in the id space of pass ``side``, with where it came from."""

    side: str
    item: Any
    origin: str
    gold_id: str = ""


@dataclass
class _Doc:
    """The gold of one document under construction."""

    review: DocReview
    notes: list[str]
    problems: list[str]
    kept: dict[str, list[_Kept]] = field(default_factory=lambda: {k: [] for k in _STRUCT})
    # pass id → the kept item standing for it, per side and kind
    maps: dict[tuple[str, str], dict[str, _Kept]] = field(default_factory=dict)
    home: dict[str, _Kept] = field(default_factory=dict)
    """Gold mention id → its gold cluster (filled once the clusters are built)."""

    def map(self, side: str, kind: str) -> dict[str, _Kept]:
        return self.maps.setdefault((side, kind), {})

    def keep(self, unit: Unit, decision: Decision | None) -> None:
        """Record what a unit keeps and which pass ids now stand for it."""
        origin = unit.conflict_id or "agreed"
        choice = "a" if decision is None else decision.choice
        kept: list[_Kept] = []
        if choice in ("a", "b"):
            kept = [_Kept(choice, getattr(unit, choice), origin)]
            targets = {"a": kept[0], "b": kept[0]}
        elif choice == "both":
            kept = [_Kept("a", unit.a, origin), _Kept("b", unit.b, origin)]
            targets = {"a": kept[0], "b": kept[1]}
        elif choice == "edit":
            assert decision is not None and decision.side is not None
            kept = [_Kept(decision.side, _edited(unit, decision, self.review.doc), origin)]
            targets = {"a": kept[0], "b": kept[0]}
        else:
            targets = {}
        self.kept[unit.kind] += kept
        for side, target in targets.items():
            item = getattr(unit, side)
            if item is not None:
                self.map(side, unit.kind)[item.id] = target

    # -- references -----------------------------------------------------------------------------------------------
    def mention(self, side: str, ref: str) -> _Kept | None:
        return self.map(side, "mention").get(ref)

    def cluster(self, side: str, ref: str) -> _Kept | None:
        """The kept cluster for a pass's cluster: the one its unit kept, else the one holding most of its members."""
        direct = self.map(side, "cluster").get(ref)
        if direct is not None and direct.gold_id:  # a kept cluster all of whose members were dropped has none
            return direct
        index = side_index(self.review, side)
        members = index.clusters[ref].mentions if ref in index.clusters else ()
        votes: Counter[str] = Counter()
        for m in members:
            target = self.mention(side, m)
            if target is not None and target.gold_id in self.home:
                votes[self.home[target.gold_id].gold_id] += 1
        if not votes:
            return None
        best = min(votes, key=lambda gold_id: (-votes[gold_id], gold_id))
        return next(k for k in self.kept["cluster"] if k.gold_id == best)

    def entity(self, side: str, ref: str) -> _Kept | None:
        index = side_index(self.review, side)
        if ref in index.mentions:
            return self.mention(side, ref)
        if ref in index.clusters:
            return self.cluster(side, ref)
        return None

    def event(self, side: str, ref: str) -> _Kept | None:
        return self.map(side, "event").get(ref)

    def any_ref(self, side: str, ref: str) -> _Kept | None:
        return self.event(side, ref) if ref in side_index(self.review, side).events else self.entity(side, ref)


def _describe(kept: _Kept) -> str:
    return "an agreed item" if kept.origin == "agreed" else f"conflict {kept.origin}"


def _number(doc: _Doc) -> None:
    """Gold ids in text order: mentions by span, clusters by first member, events by trigger, stances as kept."""
    doc_id = doc.review.doc
    mentions = sorted(doc.kept["mention"], key=lambda k: (k.item.start, k.item.end, k.item.type, k.item.form))
    for n, kept in enumerate(mentions, 1):
        kept.gold_id = f"{doc_id}:m{n}"
    doc.kept["mention"] = mentions
    events = sorted(doc.kept["event"], key=lambda k: (k.item.trigger.start, k.item.trigger.end, k.item.type))
    for n, kept in enumerate(events, 1):
        kept.gold_id = f"{doc_id}:e{n}"
    doc.kept["event"] = events
    for n, kept in enumerate(doc.kept["stance"], 1):
        kept.gold_id = f"{doc_id}:st{n}"


def _clusters(doc: _Doc) -> tuple[rec.Cluster, ...]:
    """Kept clusters over gold mentions; members dropped by the decisions are noted, homeless mentions get one."""
    order = {k.gold_id: n for n, k in enumerate(doc.kept["mention"])}
    built: list[tuple[_Kept, list[str]]] = []
    home: dict[str, list[_Kept]] = {}
    for kept in doc.kept["cluster"]:
        members: list[str] = []
        for ref in kept.item.mentions:
            target = doc.mention(kept.side, ref)
            if target is None:
                doc.notes.append(
                    f"{_describe(kept)}: cluster {kept.item.name!r} loses member {ref} "
                    f"(pass {kept.side.upper()}), which the decisions dropped"
                )
            elif target.gold_id not in members:
                members.append(target.gold_id)
                home.setdefault(target.gold_id, []).append(kept)
        if not members:
            doc.notes.append(f"{_describe(kept)}: cluster {kept.item.name!r} dropped: none of its mentions is kept")
            continue
        built.append((kept, sorted(members, key=order.__getitem__)))
    for mention_id, clusters in home.items():
        if len(clusters) > 1:
            named = ", ".join(f"{k.item.name!r} ({_describe(k)})" for k in clusters)
            doc.problems.append(
                f"{doc.review.doc}: mention {mention_id} would be in {len(clusters)} clusters: "
                f"{named}; keep it in one (edit one of them)"
            )
    for mention in doc.kept["mention"]:
        if mention.gold_id not in home:
            single = _Kept(mention.side, rec.Cluster("", mention.item.text, mention.item.type, ()), "singleton")
            doc.kept["cluster"].append(single)
            built.append((single, [mention.gold_id]))
            doc.notes.append(
                f"{_describe(mention)}: mention {mention.item.text!r} [{mention.item.start}, "
                f"{mention.item.end}) is in no kept cluster: given a singleton cluster"
            )
    built.sort(key=lambda kb: order[kb[1][0]])
    out = []
    for n, (kept, members) in enumerate(built, 1):
        kept.gold_id = f"{doc.review.doc}:c{n}"
        doc.home.update(dict.fromkeys(members, kept))
        out.append(rec.Cluster(kept.gold_id, kept.item.name, kept.item.type, tuple(members)))
    return tuple(out)


def _required(doc: _Doc, kept: _Kept, what: str, ref: str, resolve: Callable[[str, str], _Kept | None]) -> str | None:
    target = resolve(kept.side, ref)
    if target is None:
        doc.problems.append(
            f"{_describe(kept)}: its {what} {ref} (pass {kept.side.upper()}) is not kept by the decisions; keep that "
            "item, or edit this one to point at a kept item"
        )
        return None
    return target.gold_id


def _event(doc: _Doc, kept: _Kept) -> rec.Event:
    ev: rec.Event = kept.item
    arguments = []
    for arg in ev.arguments:
        target = doc.any_ref(kept.side, arg.ref)
        if target is None:
            doc.notes.append(
                f"{_describe(kept)}: event {ev.trigger.text!r} loses argument {arg.role} -> {arg.ref} "
                f"(pass {kept.side.upper()}), whose referent the decisions dropped"
            )
        else:
            arguments.append(rec.Argument(arg.role, target.gold_id))
    source = ev.epistemic.source
    if source is not None:
        source = _required(doc, kept, "epistemic source", source, doc.entity)
    epistemic = rec.Epistemic(ev.epistemic.status, source)
    return msgspec.structs.replace(ev, id=kept.gold_id, arguments=tuple(arguments), epistemic=epistemic)


def _stance(doc: _Doc, kept: _Kept) -> rec.Stance:
    st: rec.Stance = kept.item
    holder: rec.Holder = st.holder
    if isinstance(holder, rec.EntityHolder):
        holder = rec.EntityHolder(_required(doc, kept, "holder", holder.ref, doc.entity) or "")
    target: rec.Target = st.target
    if isinstance(target, rec.EntityTarget):
        target = rec.EntityTarget(_required(doc, kept, "target", target.ref, doc.entity) or "")
    elif isinstance(target, rec.EventTarget):
        target = rec.EventTarget(_required(doc, kept, "target event", target.ref, doc.event) or "")
    return msgspec.structs.replace(st, id=kept.gold_id, holder=holder, target=target)


@dataclass
class Merged:
    """The gold records, what the decisions implied (``notes``), and each gold id's origin (agreed or conflict)."""

    records: list[rec.Record]
    notes: list[str]
    origins: dict[str, str]


ADJUDICATED = "adjudicated"
"""The annotation status of a document merged from two passes (labels.json ``annotation_statuses``)."""


def _decision(unit: Unit, decisions: dict[str, Decision]) -> Decision | None:
    return None if unit.agreed else decisions[unit.conflict_id]  # type: ignore[index]


def merge(rv: Review, decisions: dict[str, Decision]) -> Merged:
    """Gold records from agreed units and a decision for every conflict (raises ``MergeError``)."""
    undecided = [u.conflict_id for u in rv.conflicts if u.conflict_id not in decisions]
    if undecided:
        raise MergeError([f"{len(undecided)} conflict(s) undecided, first {undecided[0]}"])
    records, notes, problems, origins = [], [], [], {}
    for d in rv.docs:
        doc_unit = d.units[0] if d.units and d.units[0].kind == "document" else None
        if doc_unit is not None:
            decision = _decision(doc_unit, decisions)
            assert decision is not None
            if decision.choice in ("a", "b"):
                records.append(getattr(doc_unit, decision.choice))
                origins[d.doc] = doc_unit.conflict_id or ""
            continue
        doc = _Doc(d, notes, problems)
        for kind in ("mention", "cluster", "event", "stance"):
            for unit in d.units:
                if unit.kind == kind:
                    doc.keep(unit, _decision(unit, decisions))
        _number(doc)
        clusters = _clusters(doc)
        mentions = tuple(msgspec.structs.replace(k.item, id=k.gold_id) for k in doc.kept["mention"])
        events = tuple(_event(doc, k) for k in doc.kept["event"])
        stances = tuple(_stance(doc, k) for k in doc.kept["stance"])
        base = d.a or d.b
        assert base is not None
        merged = msgspec.structs.replace(base, entities=mentions, clusters=clusters, events=events, stances=stances)
        if labels(base.schema_version).annotation_statuses:  # schema 1.2.0+: the merge of two passes is adjudicated
            merged = msgspec.structs.replace(merged, annotation_status=ADJUDICATED)
        records.append(merged)
        for kind in _STRUCT:
            for kept in doc.kept[kind]:
                origins[kept.gold_id] = kept.origin
    if problems:
        raise MergeError(problems)
    return Merged(records, notes, origins)


# ---------------------------------------------------------------- decisions file and the gold's validation


@dataclass
class DecisionsRead:
    """The decisions of a filled review file, matched to the conflicts of the current review."""

    decisions: dict[str, Decision]
    undecided: list[str]
    """Conflicts with an empty decision, or missing from the file."""


def read_decisions(path: Path, rv: Review) -> DecisionsRead:
    """Parse a filled review file; raises ``DecisionError`` if it is malformed or was made on other readings."""
    by_id = {u.conflict_id: u for u in rv.conflicts}
    entries = {e["id"]: e for e in conflict_entries(rv)}
    seen: dict[str, object] = {}
    stale: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DecisionError(f"{path}: cannot read ({err})") from err
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = loads(line)
            conflict_id, value = entry["id"], entry["decision"]
            if not isinstance(conflict_id, str):
                raise TypeError(f"the id is {type(conflict_id).__name__}, not a string")
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise DecisionError(f'{path}:{number}: not a review entry with "id" and "decision" ({err})') from err
        if conflict_id not in by_id or entry.get("fingerprint") != entries[conflict_id]["fingerprint"]:
            stale.append(str(conflict_id))
            continue
        seen[conflict_id] = value
    if stale:
        raise DecisionError(
            f"{path}: {len(stale)} decision(s) were made on readings that are no longer the passes' "
            f"(first: {stale[0]}); the passes changed since the review file was written: write a new one "
            "(run without --decisions) and carry the decisions over"
        )
    decisions, undecided = {}, []
    for conflict_id, unit in by_id.items():
        decision = Decision.parse(seen.get(conflict_id), unit)
        if decision is None:
            undecided.append(conflict_id)
        else:
            decisions[conflict_id] = decision
    return DecisionsRead(decisions, undecided)


def gold_bytes(records: list[rec.Record]) -> bytes:
    return "".join(rec.to_json(r) + "\n" for r in sorted(records, key=lambda r: r.id)).encode("utf-8")


def check_gold(data: bytes, out: Path, origins: dict[str, str], corpus: Path | None = None) -> list[str]:
    """Errors of the gold file about to be written to ``out`` (all validator levels), each with its origin; the
    records' raw files are read from ``corpus``'s raw/ (default: the corpus ``out`` is in)."""
    run = Validation()
    corpus = corpus or corpus_dir_of(out)
    problems = []
    for number, line in enumerate(data.splitlines(keepends=True), 1):
        for finding in run.check_line(line, str(out), number, corpus):
            if finding.is_error:
                origin = origins.get(finding.ann_id or "", "")
                where = f" (from {'an agreed item' if origin == 'agreed' else origin})" if origin else ""
                problems.append(f"{finding.human()}{where}")
    return problems
