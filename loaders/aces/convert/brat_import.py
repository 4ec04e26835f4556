"""BRAT standoff written by ``to_brat`` (and edited by hand in BRAT) back into records, with problems as values.

Every problem is a ``Problem`` (file, line, severity, message) pointing at the ``.ann`` (or side-file) line to
fix; nothing in the input makes this module raise. The ``.ann`` is the truth for annotations, the side file
for what BRAT cannot hold (see ``aces.convert.brat``). What a hand edit in BRAT turns into:

- ids: an annotation keeps the ACES id of its ``AnnotatorNotes`` line; one without (new in BRAT) or with an
  unusable one gets the next free ``m<n>``/``e<n>``/``st<n>``. BRAT deletes notes with their annotation, so a
  reused BRAT number (``T5`` deleted, a new ``T5`` drawn) never inherits an old ACES id.
- clusters: the ``Coreference`` links are grouped transitively; every mention in no link is a singleton. A group
  with exactly the mentions of a side-file cluster is that cluster (id, name, type, mention order). Otherwise it
  takes over the still-free side cluster it shares most mentions with (its id and name; mentions it still has
  keep their order, new ones follow in ``.ann`` order), or becomes a new cluster ``c<n>`` named after its first
  NAM mention (else its first mention). A cluster's type is its mentions' common type (the side file's type
  when they disagree, which the validator then reports).
- references that pointed at a cluster (side file ``cluster_refs``) are restored only while the BRAT arc still
  points at a mention of that cluster; otherwise the argument keeps the mention the annotator chose.
- order: mentions, events and stances in ``.ann`` line order, arguments in ``E`` line order.

Work grows linearly with the annotations of a document (n log n for the final cluster order): fresh ids come from
a running maximum per prefix, and clusters are matched through indexes, not by comparing every group with every
side-file cluster (``tests/test_brat_scaling.py`` counts the executed lines to keep it so).
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from aces.convert.brat_conf import (
    COREF,
    EPISTEMIC,
    EVENT_POLARITY,
    EVIDENCE,
    EVIDENCE_ROLE,
    FORM,
    HOLDER,
    LINE_BREAKS,
    NOTE,
    POLARITY,
    PROPOSITION,
    SIDE_FORMAT,
    SIDE_LAYOUT,
    SIDE_SUFFIX,
    SOURCE_ROLE,
    STANCE,
    TARGET,
    BratConfigError,
    Names,
    names,
    sha256,
)
from aces.json_input import loads
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
    Provenance,
    Record,
    Segment,
    Sentence,
    Span,
    Stance,
)
from aces.schema import CURRENT_VERSION, known_versions

ERROR, WARNING = "error", "warning"
_ID = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*)$")  # BRAT's own id syntax (server/src/annotation.py)
_LOCAL = re.compile(r"^[a-z][a-z0-9._-]{0,63}$")
_ROLE_NUMBER = re.compile(r"\d+$")
_NUMBERED = re.compile(r"(.*?)(\d{1,18})", re.DOTALL)  # a local id as prefix and number: "m12" → ("m", 12)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the input, at a file and line (1-based; 0 = the file as a whole)."""

    file: str
    line: int
    severity: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def human(self) -> str:
        return f"{self.file}:{self.line} {self.severity.upper()}: {self.message}"


@dataclass
class BratImport:
    """What ``read_brat`` found: the records it could build, every problem, and where each ACES id was read."""

    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)


@dataclass
class _TB:
    id: str
    type: str
    start: int
    end: int
    line: int


@dataclass
class _Ev:
    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]]
    line: int


class _Ann:
    """The parsed lines of one ``.ann`` file; malformed lines become problems and are skipped."""

    def __init__(self, source: str, text: str, problem) -> None:
        self.problem = problem
        self.text = text
        self.tbs: dict[str, _TB] = {}
        self.events: dict[str, _Ev] = {}
        self.attrs: dict[tuple[str, str], tuple[str, int]] = {}
        self.notes: dict[str, tuple[str, int]] = {}
        self.corefs: list[tuple[list[str], int]] = []
        self.seen: dict[str, int] = {}
        crlf = False
        for number, line in enumerate(source.split("\n"), 1):
            if line.endswith("\r"):
                line, crlf = line[:-1], True
            if line.strip():
                self._line(line, number)
        if crlf:
            problem(0, "the file has Windows line ends (CRLF); they were read as plain newlines", WARNING)

    def _line(self, line: str, number: int) -> None:
        ann_id, tab, rest = line.partition("\t")
        if not tab:
            self.problem(number, "not a BRAT line: expected ID<TAB>…; line ignored")
            return
        if ann_id != "*":
            if not _ID.match(ann_id):
                self.problem(number, f"{ann_id!r} is not a BRAT id (T1, E1, A1, #1, …); line ignored")
                return
            if ann_id in self.seen:
                self.problem(number, f"{ann_id} is already defined on line {self.seen[ann_id]}; line ignored")
                return
            self.seen[ann_id] = number
        kind = ann_id[0]
        if kind == "T":
            self._textbound(ann_id, rest, number)
        elif kind == "E":
            self._event(ann_id, rest, number)
        elif kind in "AM":
            self._attribute(ann_id, rest, number)
        elif kind == "#":
            self._note(rest, number)
        elif kind == "*":
            self._equiv(rest, number)
        else:
            self.problem(number, f"{ann_id}: {kind} lines are not part of the ACES export; line ignored", WARNING)

    def _textbound(self, tid: str, rest: str, number: int) -> None:
        head, tab, shown = rest.partition("\t")
        brat_type, _, offsets = head.partition(" ")
        runs: list[tuple[int, int]] = []
        try:
            for part in offsets.split(";"):
                a, b = part.split()
                runs.append((int(a), int(b)))
        except ValueError:
            self.problem(number, f"{tid}: expected {tid}<TAB>TYPE START END<TAB>TEXT; annotation ignored")
            return
        text = self.text
        for a, b in runs:
            if not 0 <= a < b <= len(text):
                self.problem(
                    number, f"{tid}: offsets {a} {b} are not a non-empty span of the {len(text)}-character text"
                )
                return
        for (_, b), (c, _) in itertools.pairwise(runs):
            if c < b or not all(ch in LINE_BREAKS for ch in text[b:c]):
                self.problem(
                    number,
                    f"{tid}: fragments {b} and {c} are separated by more than line breaks; ACES spans are contiguous, "
                    "so annotate one span (or several annotations); annotation ignored",
                )
                return
        expected = " ".join(text[a:b] for a, b in runs)
        if not tab or shown != expected:
            self.problem(
                number,
                f"{tid}: its text {shown!r} differs from the .txt at {offsets!r} ({expected!r}); fix the offsets or "
                "the text column; annotation ignored",
            )
            return
        if not brat_type:
            self.problem(number, f"{tid}: no type; annotation ignored")
            return
        self.tbs[tid] = _TB(tid, brat_type, runs[0][0], runs[-1][1], number)

    def _event(self, eid: str, rest: str, number: int) -> None:
        parts = rest.split("\t", 1)[0].split()
        pairs = [p.partition(":") for p in parts]
        if not pairs or any(not sep or not a or not b for a, sep, b in pairs):
            self.problem(number, f"{eid}: expected {eid}<TAB>TYPE:T1 ROLE:ID …; event ignored")
            return
        (etype, _, trigger), *args = pairs
        self.events[eid] = _Ev(eid, etype, trigger, [(role, ref) for role, _, ref in args], number)

    def _attribute(self, aid: str, rest: str, number: int) -> None:
        parts = rest.split("\t", 1)[0].split()
        if len(parts) != 3:
            self.problem(number, f"{aid}: expected {aid}<TAB>NAME TARGET VALUE (ACES attributes all have a value)")
            return
        name, target, value = parts
        if (name, target) in self.attrs:
            first = self.attrs[(name, target)][1]
            self.problem(number, f"{aid}: {target} already has a {name} attribute on line {first}; line ignored")
            return
        self.attrs[(name, target)] = (value, number)

    def _note(self, rest: str, number: int) -> None:
        head, _, note = rest.partition("\t")
        parts = head.split()
        if len(parts) != 2 or parts[0] != NOTE:
            self.problem(number, f"only {NOTE} notes are read (they hold ACES ids); line ignored", WARNING)
            return
        target = parts[1]
        if target in self.notes:
            self.problem(number, f"{target} already has a note on line {self.notes[target][1]}; line ignored")
            return
        self.notes[target] = (note.strip(), number)

    def _equiv(self, rest: str, number: int) -> None:
        parts = rest.split("\t", 1)[0].split()
        if not parts or parts[0] != COREF:
            self.problem(number, f"only {COREF} equivalences are read; line ignored", WARNING)
            return
        self.corefs.append((parts[1:], number))


class _Builder:
    """Turns one parsed document into a record, reporting what it cannot take over."""

    def __init__(self, ann: _Ann, side: dict, n: Names, text: str, files: tuple[str, str], out: BratImport) -> None:
        self.ann, self.side, self.n, self.text = ann, side, n, text
        self.file, self.side_file = files
        self.out = out
        self.doc = side["id"]
        self.used: set[str] = set()
        self.retired = _side_ids(side)
        self.top: dict[str, int] = {}  # per local prefix ("m", "c", …): the highest number in use or retired
        for ann_id in self.retired:
            self.count(ann_id)

    def problem(self, line: int, message: str, severity: str = ERROR) -> None:
        self.out.problems.append(Problem(self.file, line, severity, message))

    def at(self, ann_id: str, line: int) -> None:
        self.out.where.setdefault(ann_id, (self.file, line))

    # -- ids ----------------------------------------------------------------------------------------------------

    def noted_ids(self, brat_ids: Iterable[str]) -> dict[str, str]:
        """ACES ids taken from ``AnnotatorNotes``, for the BRAT ids whose note is a usable, unused id."""
        out: dict[str, str] = {}
        for bid in brat_ids:
            if bid not in self.ann.notes:
                continue
            note, line = self.ann.notes[bid]
            doc, sep, local = note.rpartition(":")
            if not sep or doc != self.doc or not _LOCAL.match(local):
                self.problem(
                    line, f"note {note!r} on {bid} is not an ACES id of {self.doc}; a new id is given", WARNING
                )
            elif note in self.used:
                self.problem(line, f"{note} (note on {bid}) is used by another annotation; a new id is given")
            else:
                self.use(note)
                out[bid] = note
        return out

    def count(self, ann_id: str) -> None:
        """Raise ``top`` for an id of this document numbered like ``<prefix><n>``."""
        head = f"{self.doc}:"
        numbered = _NUMBERED.fullmatch(ann_id, len(head)) if ann_id.startswith(head) else None
        if numbered:
            prefix, number = numbered[1], int(numbered[2])
            self.top[prefix] = max(self.top.get(prefix, 0), number)

    def use(self, ann_id: str) -> None:
        self.used.add(ann_id)
        self.count(ann_id)

    def fresh(self, prefix: str) -> str:
        """``<doc>:<prefix><n>`` numbered after every id in use or in the side file, so a deleted id is not reused
        (``top`` keeps the running maximum; the loop steps over an id too long to have been counted)."""
        number = self.top.get(prefix, 0) + 1
        while (new := f"{self.doc}:{prefix}{number}") in self.used or new in self.retired:
            number += 1
        self.use(new)
        return new

    def attr(self, name: str, bid: str, line: int, what: str) -> str:
        if (name, bid) not in self.ann.attrs:
            self.problem(line, f"{bid} ({what}) has no {name} attribute; set it in BRAT")
            return ""
        return self.ann.attrs[(name, bid)][0]

    # -- layers -------------------------------------------------------------------------------------------------

    def build(self) -> Record | None:
        ann, n = self.ann, self.n
        stance_events = [e for e in ann.events.values() if e.type == STANCE]
        plain_events = [e for e in ann.events.values() if e.type != STANCE]
        triggers = {e.trigger for e in ann.events.values()}
        special = {EVIDENCE, PROPOSITION, STANCE} | n.event_names
        mention_tbs = [tb for tb in ann.tbs.values() if tb.id not in triggers and tb.type not in special]
        for tb in ann.tbs.values():
            if tb.id not in triggers and tb.type in n.event_names | {STANCE}:
                self.problem(tb.line, f"{tb.id} is a {tb.type} trigger with no event; annotation ignored", WARNING)

        noted = self.noted_ids([tb.id for tb in mention_tbs] + [e.id for e in ann.events.values()])
        for bid, (_, line) in ann.notes.items():
            if bid not in ann.tbs and bid not in ann.events:
                self.problem(line, f"note on {bid}, which is not a mention or event here; ignored", WARNING)
        self.mention_of = {tb.id: noted.get(tb.id) or self.fresh("m") for tb in mention_tbs}
        self.event_of = {e.id: noted.get(e.id) or self.fresh("e") for e in plain_events}
        stance_of = {e.id: noted.get(e.id) or self.fresh("st") for e in stance_events}
        self.check_attributes(mention_tbs, plain_events, stance_events)

        mentions = []
        for tb in mention_tbs:
            mid = self.mention_of[tb.id]
            form = self.attr(FORM, tb.id, tb.line, "mention")
            mentions.append(
                Mention(mid, tb.start, tb.end, self.text[tb.start : tb.end], n.back(tb.type, "entity"), form)
            )
            self.at(mid, tb.line)
        self.mention_type = {m.id: m.type for m in mentions}
        events = [ev for ev in (self.event(e) for e in plain_events) if ev is not None]
        stances = [st for st in (self.stance(e, stance_of[e.id]) for e in stance_events) if st is not None]
        clusters = self.clusters(mentions)
        events, stances = self.restore_cluster_refs(events, stances, clusters)
        side = self.side
        try:
            return Record(
                schema_version=side["schema_version"],
                id=self.doc,
                lang=side["lang"],
                split=side["split"],
                text=self.text,
                provenance=msgspec.convert(side["provenance"], Provenance),
                segments=msgspec.convert(side["segments"], tuple[Segment, ...]),
                entities=tuple(mentions),
                clusters=tuple(clusters),
                events=tuple(events),
                stances=tuple(stances),
                sentences=_optional(side, "sentences", tuple[Sentence, ...]),
                annotation_status=_optional(side, "annotation_status", str),
            )
        except (KeyError, TypeError, msgspec.ValidationError) as err:
            self.out.problems.append(Problem(self.side_file, 0, ERROR, f"side file: {err}; document skipped"))
            return None

    def check_attributes(self, mention_tbs, plain_events, stance_events) -> None:
        events = {e.id for e in plain_events}
        allowed = {FORM: {tb.id for tb in mention_tbs}, EPISTEMIC: events, EVENT_POLARITY: events}
        allowed[POLARITY] = {e.id for e in stance_events}
        for (name, target), (_, line) in self.ann.attrs.items():
            if name not in allowed:
                self.problem(line, f"attribute {name} is not part of the ACES export; ignored", WARNING)
            elif target not in allowed[name]:
                self.problem(line, f"{name} on {target}, which is not a {_ATTR_OWNER[name]} here; ignored", WARNING)

    def span_of(self, bid: str, line: int, what: str, types: set[str]) -> Span | None:
        tb = self.ann.tbs.get(bid)
        if tb is None or tb.type not in types:
            got = f"a {tb.type} span" if tb else "not a span that could be read"
            self.problem(line, f"{what} {bid} should be a {' or '.join(sorted(types))} span but is {got}")
            return None
        return Span(tb.start, tb.end, self.text[tb.start : tb.end])

    def event(self, e: _Ev) -> Event | None:
        eid = self.event_of[e.id]
        brat_type = e.type
        trigger = self.span_of(e.trigger, e.line, f"trigger of {e.id}", {brat_type})
        if trigger is None:
            self.problem(e.line, f"{e.id}: event dropped (no readable trigger)")
            return None
        args, source = [], None
        for label, ref in e.args:
            role = _ROLE_NUMBER.sub("", label)
            target = self.mention_of.get(ref) or self.event_of.get(ref)
            if target is None:
                self.problem(e.line, f"{e.id}: {label}:{ref} does not point at a mention or an event; argument dropped")
            elif role == SOURCE_ROLE:
                if source is not None:
                    self.problem(e.line, f"{e.id}: a second {SOURCE_ROLE} ({ref}); only the first is kept")
                elif ref not in self.mention_of:
                    self.problem(e.line, f"{e.id}: {SOURCE_ROLE} {ref} is not a mention; dropped")
                else:
                    source = target
            else:
                args.append(Argument(self.n.back(role, "role"), target))
        status = self.attr(EPISTEMIC, e.id, e.line, "event")
        polarity = self.ann.attrs.get((EVENT_POLARITY, e.id), (msgspec.UNSET, 0))[0]
        self.at(eid, e.line)
        etype = self.n.back(brat_type, "event")
        return Event(eid, etype, trigger, tuple(args), Epistemic(status, source), polarity=polarity)

    def stance(self, e: _Ev, sid: str) -> Stance | None:
        first = self.span_of(e.trigger, e.line, f"trigger of {e.id}", {STANCE})
        if first is None:
            self.problem(e.line, f"{e.id}: stance dropped (no readable evidence span as trigger)")
            return None
        holder, target, evidence = AuthorHolder(), None, [first]
        for label, ref in e.args:
            role = _ROLE_NUMBER.sub("", label)
            if role == HOLDER and ref in self.mention_of and isinstance(holder, AuthorHolder):
                holder = EntityHolder(self.mention_of[ref])
            elif role == TARGET and target is None and ref in self.mention_of:
                target = EntityTarget(self.mention_of[ref])
            elif role == TARGET and target is None and ref in self.event_of:
                target = EventTarget(self.event_of[ref])
            elif role == TARGET and target is None and getattr(self.ann.tbs.get(ref), "type", None) == PROPOSITION:
                tb = self.ann.tbs[ref]
                target = PropositionTarget(tb.start, tb.end, self.text[tb.start : tb.end])
            elif role == EVIDENCE_ROLE and (span := self.span_of(ref, e.line, f"{e.id} {label}", {EVIDENCE})):
                evidence.append(span)
            elif role != EVIDENCE_ROLE:
                self.problem(
                    e.line,
                    f"{e.id}: {label}:{ref} is not a {HOLDER} (a mention), a {TARGET} (a mention, event or "
                    f"{PROPOSITION}) or a second one of either; argument dropped",
                )
        if target is None:
            self.problem(e.line, f"{e.id}: stance without a {TARGET}; stance dropped")
            return None
        polarity = self.attr(POLARITY, e.id, e.line, "stance")
        self.at(sid, e.line)
        return Stance(sid, holder, target, polarity, tuple(evidence))

    # -- clusters -----------------------------------------------------------------------------------------------

    def groups(self, mentions: list[Mention]) -> list[list[str]]:
        """Mention ids grouped by the transitive closure of the coreference links, in ``.ann`` order."""
        parent = {m.id: m.id for m in mentions}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for members, line in self.ann.corefs:
            ids = []
            for bid in members:
                if bid in self.mention_of:
                    ids.append(self.mention_of[bid])
                else:
                    self.problem(line, f"{COREF} member {bid} is not a mention; left out of the link")
            for other in ids[1:]:
                parent[find(other)] = find(ids[0])
            for mid in ids:
                self.coref_line.setdefault(mid, line)
        out: dict[str, list[str]] = {}
        for m in mentions:
            out.setdefault(find(m.id), []).append(m.id)
        return list(out.values())

    def side_clusters(self) -> list[Cluster]:
        try:
            return list(msgspec.convert(self.side.get("clusters", []), tuple[Cluster, ...]))
        except msgspec.ValidationError as err:
            self.out.problems.append(Problem(self.side_file, 0, ERROR, f"side file clusters: {err}; clusters rebuilt"))
            return []

    def clusters(self, mentions: list[Mention]) -> list[Cluster]:
        self.coref_line: dict[str, int] = {}
        groups = self.groups(mentions)
        old = self.side_clusters()
        chosen: dict[int, int] = {}  # group index → side cluster index
        taken: set[int] = set()

        def free(ci: int) -> bool:
            return ci not in taken and old[ci].id not in self.used

        def choose(gi: int, ci: int) -> None:
            chosen[gi] = ci
            taken.add(ci)

        # Groups are disjoint, so each mention set is looked up once: the side clusters with exactly those mentions.
        same: dict[frozenset[str], list[int]] = {}
        holding: dict[str, list[int]] = {}  # mention id → side clusters that list it
        for ci, c in enumerate(old):
            same.setdefault(frozenset(c.mentions), []).append(ci)
            for mid in set(c.mentions):
                holding.setdefault(mid, []).append(ci)
        for gi, group in enumerate(groups):
            ci = next((ci for ci in same.get(frozenset(group), ()) if free(ci)), None)
            if ci is not None:
                choose(gi, ci)
        for gi, group in enumerate(groups):
            if gi in chosen:
                continue
            # Shared mentions per free side cluster: the most, then the first in the side file.
            shared = Counter(ci for mid in group for ci in holding.get(mid, ()) if free(ci))
            if shared:
                choose(gi, min(shared, key=lambda ci: (-shared[ci], ci)))
        for ci in chosen.values():
            self.use(old[ci].id)
        by_id = {m.id: m for m in mentions}
        out: list[tuple[int, Cluster]] = []
        for gi, group in enumerate(groups):
            types = {by_id[mid].type for mid in group}
            if gi in chosen:
                c = old[chosen[gi]]
                in_group = set(group)
                kept = [mid for mid in c.mentions if mid in in_group]
                in_kept = set(kept)
                members = tuple(kept + [mid for mid in group if mid not in in_kept])
                ctype = types.pop() if len(types) == 1 else c.type
                out.append((chosen[gi], Cluster(c.id, c.name, ctype, members)))
            else:
                named = next((by_id[mid] for mid in group if by_id[mid].form == "NAM"), by_id[group[0]])
                cid = self.fresh("c")
                ctype = types.pop() if len(types) == 1 else by_id[group[0]].type
                out.append((len(old) + gi, Cluster(cid, named.text, ctype, tuple(group))))
            lines = [self.coref_line[mid] for mid in group if mid in self.coref_line]
            self.at(out[-1][1].id, min(lines) if lines else self.out.where[group[0]][1])
        return [c for _, c in sorted(out, key=lambda pair: pair[0])]

    def restore_cluster_refs(self, events, stances, clusters):
        members = {c.id: set(c.mentions) for c in clusters}
        ev_index = {ev.id: i for i, ev in enumerate(events)}
        st_index = {st.id: i for i, st in enumerate(stances)}
        events, stances = list(events), list(stances)
        refs = self.side.get("cluster_refs", [])
        for entry in refs if isinstance(refs, list) else []:
            if not isinstance(entry, dict):
                continue
            owner, slot, cid = entry.get("owner"), entry.get("slot"), entry.get("cluster")
            if cid not in members or not isinstance(slot, str):
                continue
            if owner in ev_index:
                ev = events[ev_index[owner]]
                if slot == "source" and ev.epistemic.source in members[cid]:
                    ev = msgspec.structs.replace(ev, epistemic=Epistemic(ev.epistemic.status, cid))
                elif slot.startswith("arg:") and slot[4:].isdigit():
                    i = int(slot[4:])
                    if i < len(ev.arguments) and ev.arguments[i].ref in members[cid]:
                        args = list(ev.arguments)
                        args[i] = Argument(args[i].role, cid)
                        ev = msgspec.structs.replace(ev, arguments=tuple(args))
                events[ev_index[owner]] = ev
            elif owner in st_index:
                st = stances[st_index[owner]]
                if slot == "holder" and isinstance(st.holder, EntityHolder) and st.holder.ref in members[cid]:
                    st = msgspec.structs.replace(st, holder=EntityHolder(cid))
                elif slot == "target" and isinstance(st.target, EntityTarget) and st.target.ref in members[cid]:
                    st = msgspec.structs.replace(st, target=EntityTarget(cid))
                stances[st_index[owner]] = st
        return events, stances


def _optional(side: dict, key: str, kind: Any) -> Any:
    """A side-file value converted to ``kind``, or ``msgspec.UNSET`` when the key is absent: the export writes no
    key for an optional record field that is unset (schema 1.2.0's ``sentences`` and ``annotation_status`` of an
    older record), so it stays unset. A wrong value raises ``msgspec.ValidationError``."""
    return msgspec.convert(side[key], kind) if key in side else msgspec.UNSET


def _side_ids(side: dict) -> set[str]:
    """Ids the exported record had (clusters, their mentions, owners of cluster references): never given anew."""
    ids: set[str] = set()
    clusters, refs = side.get("clusters"), side.get("cluster_refs")
    for c in clusters if isinstance(clusters, list) else []:
        if isinstance(c, dict):
            ids.add(str(c.get("id")))
            mentions = c.get("mentions")
            ids.update(map(str, mentions if isinstance(mentions, list) else []))
    for r in refs if isinstance(refs, list) else []:
        if isinstance(r, dict):
            ids.add(str(r.get("owner")))
    return ids


_ATTR_OWNER = {FORM: "mention", EPISTEMIC: "event", EVENT_POLARITY: "event", POLARITY: "stance"}


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(str(path), 0, ERROR, f"not UTF-8 (byte {err.start}); save it as UTF-8"))
    except OSError as err:
        problems.append(Problem(str(path), 0, ERROR, f"cannot be read: {err.strerror}"))
    return None


def _read_side(path: Path, problems: list[Problem]) -> dict | None:
    if not path.is_file():
        problems.append(
            Problem(str(path), 0, ERROR, "missing: only directories written by `aces export brat` can be imported")
        )
        return None
    raw = _read_text(path, problems)
    if raw is None:
        return None
    try:
        side = loads(raw)
    except json.JSONDecodeError as err:
        problems.append(Problem(str(path), err.lineno, ERROR, f"not valid JSON ({err.msg}); document skipped"))
        return None
    if not isinstance(side, dict) or side.get("format") != SIDE_FORMAT:
        problems.append(
            Problem(str(path), 1, ERROR, f"not an {SIDE_FORMAT} side file of layout {SIDE_LAYOUT}; re-export it")
        )
        return None
    if side.get("layout") != SIDE_LAYOUT:
        problems.append(
            Problem(
                str(path), 1, ERROR,
                f"side-file layout {side.get('layout')!r} is not {SIDE_LAYOUT}, the one this aces reads: the "
                "export was written by another aces version; import it with that version, or export the records "
                "again (a new export does not have the edits made in BRAT since)",
            )
        )  # fmt: skip
        return None
    missing = [k for k in ("schema_version", "id", "lang", "split", "provenance", "segments") if k not in side]
    if missing or not isinstance(side.get("id"), str):
        problems.append(Problem(str(path), 1, ERROR, f"side file lacks {', '.join(missing) or 'a string id'}"))
        return None
    return side


def read_document(ann_path: Path, out: BratImport) -> Record | None:
    """One ``.ann`` with its ``.txt`` and side file; problems go to ``out.problems``."""
    stem = ann_path.name[: -len(".ann")]
    txt_path = ann_path.with_name(stem + ".txt")
    side_path = ann_path.with_name(stem + SIDE_SUFFIX)
    file = str(ann_path)
    text = _read_text(txt_path, out.problems) if txt_path.is_file() else None
    if text is None:
        if not txt_path.is_file():
            out.problems.append(Problem(str(txt_path), 0, ERROR, "missing: every .ann needs its .txt"))
        return None
    source = _read_text(ann_path, out.problems)
    side = _read_side(side_path, out.problems)
    if source is None or side is None:
        return None
    if side["id"] != stem:
        out.problems.append(
            Problem(str(side_path), 1, WARNING, f"id {side['id']!r} differs from the file name {stem!r}")
        )
    if side.get("text_sha256") != sha256(text):
        out.problems.append(
            Problem(
                str(txt_path), 0, ERROR,
                "the text differs from the exported one: edit annotations in BRAT, never the text (offsets and "
                "provenance are tied to it); re-export from the record",
            )
        )  # fmt: skip
    if "\r" in text:
        out.problems.append(Problem(str(txt_path), 0, ERROR, "the text has carriage returns, which BRAT reads as \\n"))
    version = side["schema_version"] if side["schema_version"] in known_versions() else CURRENT_VERSION
    try:
        n = names(version)
    except BratConfigError as err:
        out.problems.append(Problem(str(side_path), 1, ERROR, str(err)))
        return None
    problems = out.problems

    def problem(line: int, message: str, severity: str = ERROR) -> None:
        problems.append(Problem(file, line, severity, message))

    ann = _Ann(source, text, problem)
    return _Builder(ann, side, n, text, (file, str(side_path)), out).build()


def read_brat(in_dir: str | Path) -> BratImport:
    """Every document under ``in_dir`` (``*.ann``, recursively, in path order) as records, with all problems."""
    root = Path(in_dir)
    out = BratImport()
    if not root.is_dir():
        out.problems.append(Problem(str(root), 0, ERROR, "not a directory"))
        return out
    anns = sorted(root.rglob("*.ann"))
    if not anns:
        out.problems.append(Problem(str(root), 0, ERROR, "no .ann files (is this a BRAT collection?)"))
    for txt in sorted(root.rglob("*.txt")):
        if not txt.with_suffix(".ann").is_file():
            out.problems.append(Problem(str(txt), 0, WARNING, "no .ann beside it; document not imported"))
    for ann_path in anns:
        record = read_document(ann_path, out)
        if record is not None:
            out.records.append(record)
    return out
