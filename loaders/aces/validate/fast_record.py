"""The fast path's conditions on one decoded record: ids, labels, references, clusters, events, stances, span
bounds and provenance, as plain boolean tests on the Structs of ``fast_schema`` (no finding is built).

``check_record`` returns what the batch conditions (``fast_batch``) still need of a record that passed, or None
at the first doubt; every condition mirrors a check of the reporting levels (see ``fast``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from operator import attrgetter, lt
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from aces.paths import read_raw
from aces.schema import labels
from aces.validate import removals
from aces.validate.event_graph import event_cycles
from aces.validate.level3_refs import UNANNOTATED


class Inventory:
    """One version's labels as the sets and maps the checks below look things up in."""

    def __init__(self, version: str) -> None:
        inv = labels(version)
        self.entity_types = frozenset(inv.entity_types)
        self.forms = frozenset(inv.mention_forms)
        self.segment_types = frozenset(inv.segment_types)
        self.statuses = frozenset(inv.epistemic_statuses)
        self.stance_polarities = frozenset(inv.stance_polarities)
        self.event_polarities = frozenset(inv.event_polarities)
        self.roles = {etype: {r: frozenset(t) for r, t in inv.roles(etype).items()} for etype in inv.event_types}
        self.required = frozenset(s for s, rule in inv.epistemic_source.items() if rule == "required")
        self.forbidden = frozenset(s for s, rule in inv.epistemic_source.items() if rule == "forbidden")
        self.event_ref_type = inv.event_ref_type
        self.proclitics = inv.proclitics
        self.proclitics_max = inv.proclitics_max
        self.proclitic_code_points = np.array(sorted(map(ord, inv.proclitics)), dtype=np.uint32)
        self.statuses_of_documents = frozenset(inv.annotation_statuses)  # empty before 1.2.0: no status field
        self.licenses = frozenset(inv.licenses)
        self.attributed = frozenset(name for name, terms in inv.licenses.items() if terms.get("attribution"))
        self.mentions_in_sentence = "mentions" in inv.sentence_bound
        self.triggers_in_sentence = "triggers" in inv.sentence_bound


@cache
def inventory(version: str) -> Inventory:
    return Inventory(version)


_TAGS: dict[type, str] = {}


def kind(value: object) -> str:
    """The tag of a tagged Struct (its schema version, or its kind among a oneOf's alternatives)."""
    cls = type(value)
    tag = _TAGS.get(cls)
    if tag is None:
        tag = _TAGS[cls] = cls.__struct_config__.tag  # type: ignore[attr-defined]
    return tag


@dataclass(slots=True)
class Pending:
    """A record that passed the per-record conditions, and what the batch conditions need of it."""

    text: str
    doc_id: str
    split: str
    inv: Inventory
    ann_ids: list[str]
    starts: list[int]  # every span (mentions first), then the segments
    ends: list[int]
    pieces: list[str]
    mentions: int
    seg_starts: list[int]
    seg_ends: list[int]
    index: int = -1


_START, _END, _TEXT, _ID, _TYPE = (attrgetter(a) for a in ("start", "end", "text", "id", "type"))
_TRIGGER, _MENTIONS, _EVIDENCE = attrgetter("trigger"), attrgetter("mentions"), attrgetter("evidence")


def check_record(
    rec: Any, inv: Inventory, id_pattern: re.Pattern[str] | None, place: str | None = None
) -> Pending | None:
    """Levels 3 and 4 on one decoded record, except what looks at characters around spans (``_per_batch``), and
    level 5's placement rule (``place``: ``gold``, ``queue`` or None, see ``level3_refs.place_of``)."""
    text: str = rec.text
    n = len(text)
    if not placement_ok(rec, inv, place) or not status_and_license_ok(rec, inv):
        return None
    # -- level 3: ids, unique in the record, of the schema's form, starting with "<doc id>:"
    entities, clusters_, events_, stances, segments = rec.entities, rec.clusters, rec.events, rec.stances, rec.segments
    mention_ids = list(map(_ID, entities))
    cluster_ids = list(map(_ID, clusters_))
    event_ids = list(map(_ID, events_))
    sentences = getattr(rec, "sentences", msgspec.UNSET)
    sentences = () if sentences is msgspec.UNSET else sentences
    ann_ids = list(map(_ID, segments)) + list(map(_ID, sentences))
    ann_ids += mention_ids + cluster_ids + event_ids + list(map(_ID, stances))
    if len(set(ann_ids)) != len(ann_ids):
        return None
    joined = "\n".join(ann_ids)
    if id_pattern is not None and id_pattern.fullmatch(joined) is None:
        return None
    if ("\n" + joined).count("\n" + rec.id + ":") != len(ann_ids):  # ids hold no newline: count after each
        return None
    mentions = dict(zip(mention_ids, entities, strict=True))
    clusters = dict(zip(cluster_ids, clusters_, strict=True))
    events = frozenset(event_ids)

    # -- level 3: segments in order, inside the text, of known types
    seg_starts = list(map(_START, segments))
    seg_ends = list(map(_END, segments))
    if not inv.segment_types.issuperset(map(_TYPE, segments)):
        return None
    prev_end = -1
    for start, end in zip(seg_starts, seg_ends, strict=True):
        if not start < end <= n or start < prev_end or text[start].isspace() or text[end - 1].isspace():
            return None
        prev_end = end
    if sentences and not sentences_tile(text, sentences, seg_starts, seg_ends):
        return None

    # -- level 3: every span inside the text and equal to its stored text
    spans: list = list(entities)
    spans += map(_TRIGGER, events_)
    for st in stances:
        if kind(st.target) == "proposition":
            spans.append(st.target)
        spans += st.evidence
    starts = list(map(_START, spans))
    ends = list(map(_END, spans))
    pieces = list(map(_TEXT, spans))
    if spans and (max(ends) > n or not all(map(lt, starts, ends))):
        return None  # (stored texts are compared in _per_batch)
    if sentences and (inv.mentions_in_sentence or inv.triggers_in_sentence):
        bound = list(entities) if inv.mentions_in_sentence else []
        if inv.triggers_in_sentence:
            bound += map(_TRIGGER, events_)
        sent_starts = list(map(_START, sentences))
        sent_ends = list(map(_END, sentences))
        for span in bound:
            i = bisect_right(sent_starts, span.start) - 1
            if i < 0 or span.end > sent_ends[i]:
                return None

    # -- level 3: mention labels, clusters (each mention in exactly one, of its type)
    entity_types = inv.entity_types
    if not entity_types.issuperset(map(_TYPE, entities)) or not inv.forms.issuperset(map(attrgetter("form"), entities)):
        return None
    members: list[str] = []
    for c in clusters_:
        if c.type not in entity_types:
            return None
        for mid in c.mentions:
            m = mentions.get(mid)
            if m is None or m.type != c.type:
                return None
        members += c.mentions
    if len(members) != len(mentions) or len(set(members)) != len(members):
        return None

    # -- level 3: events (types, roles, admitted types, epistemic rule, polarity); level 4: duplicates
    triggers: set[tuple[int, int, str]] = set()
    points_at: dict[str, list[str]] = {}  # events whose arguments point at events (for event-content-cycle)
    for ev in events_:
        roles = inv.roles.get(ev.type)
        if roles is None:
            return None
        pairs: set[tuple[str, str]] = set()
        for arg in ev.arguments:
            admitted = roles.get(arg.role)
            ref = arg.ref
            if admitted is None or (arg.role, ref) in pairs:
                return None
            pairs.add((arg.role, ref))
            if ref in events:
                points_at.setdefault(ev.id, []).append(ref)
            hit = mentions.get(ref) or clusters.get(ref)
            ref_type = hit.type if hit is not None else (inv.event_ref_type if ref in events else None)
            if ref_type is None or ref_type not in admitted:
                return None
        status, source = ev.epistemic.status, ev.epistemic.source
        if status not in inv.statuses:
            return None
        if source is None:
            if status in inv.required:
                return None
        elif status in inv.forbidden or (source not in mentions and source not in clusters):
            return None
        polarity = getattr(ev, "polarity", msgspec.UNSET)
        if polarity is not msgspec.UNSET and polarity not in inv.event_polarities:
            return None
        key = (ev.trigger.start, ev.trigger.end, ev.type)
        if key in triggers:
            return None
        triggers.add(key)
    if points_at and event_cycles(points_at):  # (an event with no event argument is in no cycle)
        return None
    if not removals_ok(rec.provenance):
        return None

    # -- level 3: stances
    for st in stances:
        if st.polarity not in inv.stance_polarities:
            return None
        holder, target = st.holder, st.target
        if kind(holder) == "entity" and holder.ref not in mentions and holder.ref not in clusters:
            return None
        target_kind = kind(target)
        if target_kind == "entity" and target.ref not in mentions and target.ref not in clusters:
            return None
        if target_kind == "event" and target.ref not in events:
            return None
    return Pending(text, rec.id, rec.split, inv, ann_ids, starts, ends, pieces, len(entities), seg_starts, seg_ends)


def sentences_tile(text: str, sentences: Any, seg_starts: list[int], seg_ends: list[int]) -> bool:
    """Level 3's ``check_sentences`` finds nothing: sentences in order inside the text, each inside one segment,
    no whitespace at an edge, and only whitespace of every segment outside them (segments already in order)."""
    n = len(text)
    covered = list(seg_starts)  # per segment: where its text is covered up to
    prev_end = -1
    for sent in sentences:
        start, end = sent.start, sent.end
        if not start < end <= n or start < prev_end:
            return False
        i = bisect_right(seg_starts, start) - 1
        if i < 0 or end > seg_ends[i] or text[start].isspace() or text[end - 1].isspace():
            return False
        if start > covered[i] and not text[covered[i] : start].isspace():
            return False
        covered[i] = prev_end = end
    return all(pos >= end or text[pos:end].isspace() for pos, end in zip(covered, seg_ends, strict=True))


def placement_ok(rec: Any, inv: Inventory, place: str | None) -> bool:
    """Level 5's ``check_placement`` finds nothing: queued records unannotated, gold ones annotated (and, since
    1.2.0, with a status)."""
    if place is None:
        return True
    annotated = bool(rec.entities or rec.events or rec.stances)
    status = getattr(rec, "annotation_status", msgspec.UNSET)
    if place == "queue":
        return not annotated and status in (msgspec.UNSET, UNANNOTATED)
    if not annotated or status == UNANNOTATED:
        return False
    return status is not msgspec.UNSET or not inv.statuses_of_documents


def status_and_license_ok(rec: Any, inv: Inventory) -> bool:
    """Level 3's ``check_status_and_license`` finds nothing."""
    status = getattr(rec, "annotation_status", msgspec.UNSET)
    if status is not msgspec.UNSET and status not in inv.statuses_of_documents:
        return False
    if status == UNANNOTATED and (rec.entities or rec.events or rec.stances):
        return False
    prov = rec.provenance
    licence = getattr(prov, "license", msgspec.UNSET)
    if licence is msgspec.UNSET:
        return True
    if licence not in inv.licenses:
        return False
    return licence not in inv.attributed or getattr(prov, "attribution", msgspec.UNSET) is not msgspec.UNSET


def removals_ok(prov: Any) -> bool:
    """Level 3's ``check_removals`` finds nothing: removed ranges not reversed, overlapping neither kept text nor
    one another."""
    if not prov.removed:
        return True
    ranges = [(r.raw_start, r.raw_end) for r in prov.removed]
    if removals.reversed_ranges(ranges):
        return False
    return not removals.overlaps(ranges, [(r0, r0 + rlen) for _, _, r0, rlen in prov.offset_map])


def provenance_ok(rec: Any, corpus_dir: Path) -> bool:
    """Level 3's provenance: the raw file exists, has the recorded hash, and the equal-length runs of the offset
    map hold the same characters in the clean and the raw text."""
    prov = rec.provenance
    try:
        data = read_raw(corpus_dir, prov.raw_path)
    except (OSError, ValueError):  # UnsafePath is a ValueError: the levels report it
        return False
    if hashlib.sha256(data).hexdigest() != prov.raw_sha256:
        return False
    text = rec.text
    n = len(text)
    raw_text = data.decode("utf-8", errors="replace")
    r_len = len(raw_text)
    for c0, clen, r0, rlen in prov.offset_map:
        if c0 + clen > n or r0 + rlen > r_len:
            return False
        if clen == rlen and text[c0 : c0 + clen] != raw_text[r0 : r0 + rlen]:
            return False
    return not removals.beyond([(r.raw_start, r.raw_end) for r in prov.removed], r_len)
