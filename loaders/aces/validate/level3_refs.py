"""Level 3, references and content: what a JSON Schema cannot say about a record.

Offsets and stored span texts, segment order, sentences tiling each segment (schema 1.2.0), id prefixes and
corpus-wide uniqueness, references that resolve to the right kind of annotation, labels and roles from
``labels.json`` of the record's own version, clusters, provenance against the raw file, the annotation status and
the licence (1.2.0). Runs only on records that passed level 2, so the shape is trusted here.
"""

from __future__ import annotations

import hashlib
import itertools
from bisect import bisect_right
from functools import cache
from pathlib import Path

from aces.paths import UnsafePath, read_raw, why_unreadable
from aces.schema import Labels, labels
from aces.validate import removals
from aces.validate.event_graph import event_cycles
from aces.validate.findings import Ref, Sink
from aces.validate.walk import COLLECTIONS, offsets, text_spans

CLAIMED = "claimed"  # the status that requires a source (in 1.1.0 labels.json says so in `epistemic_source`)
_HINT_OCCURRENCES = 3
_ARGUMENT_KINDS = ("mention", "cluster", "event")


class IdIndex:
    """Every id seen so far in the files checked, with where it was first seen: memory is O(ids)."""

    def __init__(self) -> None:
        self._files: list[str] = []
        self._file_no: dict[str, int] = {}
        self._first: dict[str, tuple[int, int, str | None]] = {}

    def __len__(self) -> int:
        return len(self._first)

    def add_new(self, ids: list[str], file: str, line: int, doc_id: str) -> bool:
        """Remember all of ``ids`` (a document id, then its annotation ids) at one place, if none was seen before.

        The bulk form of ``register`` for a record already known to be clean (``aces.validate.fast``): it reports
        nothing, and returns False without remembering anything when an id was seen, so the caller can go
        through ``register`` one id at a time and report the duplicates.
        """
        first = self._first
        for an_id in ids:
            if an_id in first:
                return False
        if file not in self._file_no:
            self._file_no[file] = len(self._files)
            self._files.append(file)
        where = (self._file_no[file], line, doc_id)  # one tuple shared by every id of the record
        for an_id in ids:
            first[an_id] = where
        return True

    def register(self, an_id: str, sink: Sink, ann_id: str | None) -> bool:
        """Remember ``an_id``; report ``duplicate-id`` (pointing at the first place) if it was seen before."""
        seen = self._first.get(an_id)
        if seen is None:
            if sink.file not in self._file_no:
                self._file_no[sink.file] = len(self._files)
                self._files.append(sink.file)
            self._first[an_id] = (self._file_no[sink.file], sink.line, sink.doc_id)
            return True
        first = Ref(self._files[seen[0]], seen[1], seen[2], ann_id)
        what = "annotation id" if ann_id else "document id"
        sink.add(
            "duplicate-id",
            f"{what} {an_id!r} is already used at {first.where()}; ids are unique corpus-wide, give this one a new id",
            ann_id=ann_id,
            refs=(first,),
        )
        return False


@cache
def _all_roles(version: str) -> frozenset[str]:
    inventory = labels(version)
    return frozenset(role for etype in inventory.event_types for role in inventory.roles(etype))


CORPUS_FOLDERS = ("gold", "queue")
"""The folders of a corpus that hold records: ``gold/`` (annotated) and ``queue/`` (waiting for annotation)."""
UNANNOTATED = "unannotated"
"""The ``annotation_status`` of a document no layer of which is annotated yet (labels.json, schema 1.2.0)."""


def corpus_dir_of(path: Path) -> Path:
    """The parent of the ``gold/`` or ``queue/`` directory holding ``path``, or the file's own directory."""
    parent = path.parent
    return parent.parent if parent.name in CORPUS_FOLDERS else parent


def place_of(path: str | Path) -> str | None:
    """``gold`` or ``queue`` for a file of a corpus's ``gold/`` or ``queue/`` folder, else None: level 5 holds gold
    records to be annotated (with a status, since 1.2.0) and queued ones to wait unannotated; a JSONL file
    anywhere else (an export, a pass, a fixture) is held to neither."""
    name = Path(path).parent.name
    return name if name in CORPUS_FOLDERS else None


def is_annotated(record: dict) -> bool:
    """The record has a mention, an event or a stance."""
    return any(record.get(key) for key in ("entities", "events", "stances"))


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _either(kinds: tuple[str, ...]) -> str:
    """``mention, cluster or event``."""
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]


def _occurrences(text: str, needle: str, near: int) -> list[int]:
    found, at = [], text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1)
    return sorted(found, key=lambda x: abs(x - near))[:_HINT_OCCURRENCES]


class _Doc:
    """One record under level-3 checking: its text, its local id table and where findings go."""

    def __init__(self, record: dict, sink: Sink, version: str) -> None:
        self.record = record
        self.sink = sink
        self.doc_id: str = record["id"]
        self.text: str = record["text"]
        self.labels: Labels = labels(version)
        self.version = version
        self.local: dict[str, tuple[str, dict]] = {}

    # -- ids ---------------------------------------------------------------------------------------------------
    def index_ids(self, ids: IdIndex | None) -> None:
        prefix = self.doc_id + ":"
        for kind, key in COLLECTIONS:
            for item in self.record.get(key) or ():  # (sentences: since schema 1.2.0)
                aid = item["id"]
                if not aid.startswith(prefix):
                    self.sink.add(
                        "id-wrong-prefix",
                        f"{kind} id {aid!r} does not start with {prefix!r}; rename it to {prefix}{aid.split(':')[-1]} "
                        "and update the references to it",
                        ann_id=aid,
                    )
                if ids is not None:
                    ids.register(aid, self.sink, aid)
                self.local.setdefault(aid, (kind, item))

    def resolve(self, ref: str, allowed: tuple[str, ...], owner: str, what: str) -> tuple[str, dict] | None:
        """The annotation ``ref`` names if it exists and is of an allowed kind; reports otherwise."""
        hit = self.local.get(ref)
        if hit is not None and hit[0] in allowed:
            return hit
        kinds = _either(allowed)
        if hit is None:
            self.sink.add(
                "dangling-ref",
                f"{what} {ref!r} names no annotation of document {self.doc_id!r}; point it at an existing {kinds} id",
                ann_id=owner,
            )
            return None
        self.sink.add(
            "ref-wrong-kind",
            f"{what} {ref!r} is {_a(hit[0])}, but it must be {_a(kinds)}; point it at {_a(kinds)}",
            ann_id=owner,
        )
        return None

    # -- offsets -------------------------------------------------------------------------------------------------
    def check_offsets(self, start: int, end: int, owner: str | None, what: str) -> bool:
        if start >= end:
            self.sink.add(
                "span-reversed",
                f"{what} [{start}, {end}) is empty or reversed; offsets are [start, end) with start < end",
                ann_id=owner,
            )
            return False
        if end > len(self.text):
            self.sink.add(
                "span-out-of-range",
                f"{what} [{start}, {end}) ends beyond the text ({len(self.text)} code points); "
                "recompute the offsets in code points of the clean text",
                ann_id=owner,
            )
            return False
        return True

    def check_spans(self) -> None:
        for owner, what, span in text_spans(self.record):
            start, end = offsets(span)
            if not self.check_offsets(start, end, owner, what):
                continue
            stored, actual = span["text"], self.text[start:end]
            if stored != actual:
                places = _occurrences(self.text, stored, start)
                hint = (
                    "the stored text occurs at " + ", ".join(f"[{p}, {p + len(stored)})" for p in places)
                    if places
                    else "the stored text does not occur in the text"
                )
                self.sink.add(
                    "span-text-mismatch",
                    f"{what} [{start}, {end}) stores {stored!r} but the text there is {actual!r} ({hint}); "
                    "fix the offsets or the stored text",
                    ann_id=owner,
                )

    def check_segments(self) -> None:
        types = self.labels.segment_types
        prev: dict | None = None
        for seg in self.record["segments"]:
            sid, start, end = seg["id"], *offsets(seg)
            if seg["type"] not in types:
                self.sink.add(
                    "unknown-segment-type",
                    f"segment type {seg['type']!r} is not in schema {self.version}; use one of {', '.join(types)}",
                    ann_id=sid,
                )
            ok = self.check_offsets(start, end, sid, "segment")
            if ok and (self.text[start].isspace() or self.text[end - 1].isspace()):
                self.sink.add(
                    "segment-edge-whitespace",
                    f"segment [{start}, {end}) starts or ends on whitespace; a segment is its line's text, from its "
                    "first to its last visible character",
                    ann_id=sid,
                )
            if prev is not None and ok:
                p_start, p_end = offsets(prev)
                if start < p_start:
                    self.sink.add(
                        "segment-unsorted",
                        f"segment [{start}, {end}) comes after {prev['id']} [{p_start}, {p_end}); "
                        "list segments in text order",
                        ann_id=sid,
                    )
                elif start < p_end:
                    self.sink.add(
                        "segment-overlap",
                        f"segment [{start}, {end}) starts before {prev['id']} ends at {p_end}; segments must not "
                        "overlap",
                        ann_id=sid,
                    )
            if ok:
                prev = seg

    # -- schema 1.2.0: sentences tile each segment ------------------------------------------------------------------
    def check_sentences(self) -> None:
        """Each sentence lies inside one segment; within a segment, sentences come in order without overlap, do not
        start or end on whitespace, and leave only whitespace uncovered. Skipped when the segments are out of order
        (``check_segments`` reports that)."""
        sentences = self.record.get("sentences")
        segments = [(seg["id"], *offsets(seg)) for seg in self.record["segments"]]
        if sentences is None or any(s >= e or e > len(self.text) for _, s, e in segments):
            return
        if any(a[2] > b[1] for a, b in itertools.pairwise(segments)):
            return
        seg_starts = [s for _, s, _ in segments]
        text = self.text
        placed: dict[int, list[tuple[int, int]]] = {}
        prev: tuple[str, int] | None = None
        for sent in sentences:
            sid, start, end = sent["id"], *offsets(sent)
            if not self.check_offsets(start, end, sid, "sentence"):
                continue
            i = bisect_right(seg_starts, start) - 1
            if i < 0 or end > segments[i][2]:
                self.sink.add(
                    "sentence-outside-segment",
                    f"sentence [{start}, {end}) is not inside one segment; a sentence never crosses a line or "
                    "paragraph break: split it there or fix its offsets",
                    ann_id=sid,
                )
                continue
            if text[start].isspace() or text[end - 1].isspace():
                self.sink.add(
                    "sentence-tiling",
                    f"sentence [{start}, {end}) starts or ends on whitespace; trim it to its first and last visible "
                    "character",
                    ann_id=sid,
                )
            if prev is not None and start < prev[1]:
                self.sink.add(
                    "sentence-tiling",
                    f"sentence [{start}, {end}) starts before {prev[0]} ends at {prev[1]}; list the sentences in text "
                    "order, without overlap",
                    ann_id=sid,
                )
            placed.setdefault(i, []).append((start, end))
            prev = (sid, end)
        for i, (seg_id, seg_start, seg_end) in enumerate(segments):
            pos, gaps = seg_start, []
            for start, end in sorted(placed.get(i, ())):
                gaps.append((pos, start))
                pos = max(pos, end)
            gaps.append((pos, seg_end))
            bare = next(((a, b) for a, b in gaps if a < b and text[a:b].strip()), None)
            if bare is not None:
                a, b = bare
                shown = text[a:b] if b - a <= 40 else text[a : a + 37] + "…"
                self.sink.add(
                    "sentence-tiling",
                    f"text [{a}, {b}) of segment {seg_id} ({shown!r}) is in no sentence; the sentences of a segment "
                    "cover all of its text but the whitespace between them",
                    ann_id=seg_id,
                )

    # -- schema 1.2.0: annotation status, licence --------------------------------------------------------------
    def check_status_and_license(self) -> None:
        status = self.record.get("annotation_status")
        if status is not None:
            self._known("unknown-annotation-status", status, self.labels.annotation_statuses, None, "status")
            if status == UNANNOTATED and is_annotated(self.record):
                self.sink.add(
                    "status-contradicts-annotations",
                    f"annotation_status is {UNANNOTATED!r} but the record has annotations; set it to how they were "
                    f"made ({', '.join(s for s in self.labels.annotation_statuses if s != UNANNOTATED)})",
                )
        prov = self.record["provenance"]
        licence = prov.get("license")
        if licence is not None and self._known("unknown-license", licence, self.labels.licenses, None, "licence"):
            if self.labels.licenses[licence].get("attribution") and "attribution" not in prov:
                self.sink.add(
                    "attribution-missing",
                    f"licence {licence} requires attribution; add provenance.attribution with the credit it asks "
                    "for (authors, title, source)",
                )

    # -- labels, roles, references ------------------------------------------------------------------------------
    def _known(self, code: str, value: str, inventory: dict, owner: str, what: str) -> bool:
        if value in inventory:
            return True
        self.sink.add(
            code,
            f"{what} {value!r} is not in schema {self.version}; use one of {', '.join(inventory)}",
            ann_id=owner,
        )
        return False

    def check_mentions_and_clusters(self) -> None:
        inv = self.labels
        mention_type: dict[str, str | None] = {}
        for m in self.record["entities"]:
            known = self._known("unknown-entity-type", m["type"], inv.entity_types, m["id"], "entity type")
            self._known("unknown-mention-form", m["form"], inv.mention_forms, m["id"], "mention form")
            mention_type.setdefault(m["id"], m["type"] if known else None)
        clusters_of: dict[str, list[str]] = {}
        for c in self.record["clusters"]:
            cid = c["id"]
            known = self._known("unknown-entity-type", c["type"], inv.entity_types, cid, "cluster type")
            for mid in c["mentions"]:
                if self.resolve(mid, ("mention",), cid, "cluster member") is None:
                    continue
                clusters_of.setdefault(mid, []).append(cid)
                mtype = mention_type.get(mid)
                if known and mtype is not None and mtype != c["type"]:
                    self.sink.add(
                        "cluster-type-mismatch",
                        f"cluster type {c['type']} but member {mid} is {mtype}; all mentions of a cluster share its "
                        "type: fix one of them or move the mention to another cluster",
                        ann_id=cid,
                    )
        for mid in mention_type:
            homes = clusters_of.get(mid, [])
            if not homes:
                self.sink.add(
                    "mention-not-clustered",
                    f"mention {mid} is in no cluster; add it to its entity's cluster or give it a singleton cluster",
                    ann_id=mid,
                )
            elif len(homes) > 1:
                self.sink.add(
                    "mention-in-several-clusters",
                    f"mention {mid} is listed {len(homes)} times (in {', '.join(homes)}); keep it in exactly one "
                    "cluster",
                    ann_id=mid,
                )

    def _ref_type(self, hit: tuple[str, dict]) -> str | None:
        """Entity type of a referenced mention or cluster (EVENT for an event); None if that type is unknown."""
        kind, item = hit
        if kind == "event":
            return self.labels.event_ref_type
        return item["type"] if item["type"] in self.labels.entity_types else None

    def check_events(self) -> None:
        inv = self.labels
        all_roles = _all_roles(self.version)
        for ev in self.record["events"]:
            eid, etype = ev["id"], ev["type"]
            roles = inv.roles(etype) if etype in inv.event_types else None
            if roles is None:
                self._known("unknown-event-type", etype, inv.event_types, eid, "event type")
            for arg in ev["arguments"]:
                role, ref = arg["role"], arg["ref"]
                admitted: list[str] | None = None
                if role not in all_roles:
                    listed = ", ".join(roles) if roles is not None else ", ".join(sorted(all_roles))
                    self.sink.add(
                        "unknown-role",
                        f"role {role!r} exists for no event type in schema {self.version}; use one of {listed}",
                        ann_id=eid,
                    )
                elif roles is not None and role not in roles:
                    self.sink.add(
                        "role-not-allowed",
                        f"role {role!r} is not a role of {etype}; use one of {', '.join(roles)}",
                        ann_id=eid,
                    )
                elif roles is not None:
                    admitted = roles[role]
                hit = self.resolve(ref, _ARGUMENT_KINDS, eid, "argument " + role)
                ref_type = self._ref_type(hit) if hit is not None else None
                if admitted is not None and ref_type is not None and ref_type not in admitted:
                    self.sink.add(
                        "role-type-mismatch",
                        f"{etype} role {role} admits {', '.join(admitted)}, but {ref} is {ref_type}; point it at an "
                        "entity of an admitted type or use another role",
                        ann_id=eid,
                    )
            status, source = ev["epistemic"]["status"], ev["epistemic"]["source"]
            self._known("unknown-epistemic-status", status, inv.epistemic_statuses, eid, "epistemic status")
            # Which statuses take a source is data since schema 1.1.0 (labels.json `epistemic_source`; for 1.0.0
            # aces.schema derives it: required when claimed, forbidden otherwise).
            rule = inv.epistemic_source.get(status)
            if rule == "required" and source is None:
                self.sink.add(
                    "claimed-without-source",
                    f"{status} event with source null; set source to the claimant's mention or cluster id",
                    ann_id=eid,
                )
            elif rule == "forbidden" and source is not None:
                admitting = " or ".join(repr(s) for s, r in inv.epistemic_source.items() if r != "forbidden")
                self.sink.add(
                    "source-without-claim",
                    f"{status!r} event has source {source!r}; set source to null or the status to {admitting}",
                    ann_id=eid,
                )
            if source is not None:
                self.resolve(source, ("mention", "cluster"), eid, "epistemic source")

    def check_event_cycles(self) -> None:
        """No event's arguments lead back to it through events (a statement whose Content is itself)."""
        events = [ev["id"] for ev in self.record["events"]]
        if not events:
            return
        points_at: dict[str, list[str]] = {eid: [] for eid in events}
        for ev in self.record["events"]:
            points_at[ev["id"]] += [a["ref"] for a in ev["arguments"] if a["ref"] in points_at]
        for cycle in event_cycles(points_at):
            chain = " → ".join(cycle)
            self.sink.add(
                "event-content-cycle",
                f"event {cycle[0]} leads back to itself through its arguments ({chain}); a statement cannot report "
                "itself: point its Content at the reported event or remove the argument",
                ann_id=cycle[0],
            )

    # -- schema 1.1.0: event polarity (added with the 1.1.0 migration; values from labels.json) ----------------
    def check_event_polarities(self) -> None:
        """A polarity an event carries is one of labels.json ``event_polarities`` (level 2 keeps it out of 1.0.0)."""
        for ev in self.record["events"]:
            if "polarity" in ev:
                values = self.labels.event_polarities
                self._known("unknown-polarity", ev["polarity"], values, ev["id"], "event polarity")

    def check_stances(self) -> None:
        for st in self.record["stances"]:
            sid = st["id"]
            self._known("unknown-polarity", st["polarity"], self.labels.stance_polarities, sid, "polarity")
            holder, target = st["holder"], st["target"]
            if holder["kind"] == "entity":
                self.resolve(holder["ref"], ("mention", "cluster"), sid, "holder")
            if target["kind"] == "entity":
                self.resolve(target["ref"], ("mention", "cluster"), sid, "entity target")
            elif target["kind"] == "event":
                self.resolve(target["ref"], ("event",), sid, "event target")

    # -- provenance ----------------------------------------------------------------------------------------------
    def check_removals(self) -> None:
        """Removed ranges are [start, end) with start < end, and share no raw character with kept text (the raw side
        of an offset-map run) or with one another; what they say against the raw file is ``check_provenance``'s."""
        prov = self.record["provenance"]
        ranges = [(int(r["raw_start"]), int(r["raw_end"])) for r in prov["removed"]]
        if not ranges:
            return
        bad = removals.reversed_ranges(ranges)
        if bad:
            start, end = ranges[bad[0]]
            self.sink.add(
                "removal-reversed",
                f"{len(bad)} removed range(s) are empty or reversed, first removed[{bad[0]}] [{start}, {end}); a "
                "removed range is [raw_start, raw_end) with raw_start < raw_end: re-ingest to recompute the removals",
            )
        kept = [(int(run[2]), int(run[2]) + int(run[3])) for run in prov["offset_map"]]
        found = removals.overlaps(ranges, kept)
        if found:
            i, kind, j = found[0]
            start, end = ranges[i]
            other = (
                f"removed[{j}] [{ranges[j][0]}, {ranges[j][1]})"
                if kind == removals.REMOVAL
                else f"offset-map run {j} {[int(x) for x in prov['offset_map'][j]]} (it keeps raw [{kept[j][0]}, "
                f"{kept[j][1]}))"
            )
            self.sink.add(
                "removal-overlap",
                f"{len(found)} removed range(s) overlap kept text or another removal, first removed[{i}] [{start}, "
                f"{end}) overlaps {other}; every raw character is kept or removed once: re-ingest to recompute the "
                "offset map and the removals",
            )

    def check_provenance(self, corpus_dir: Path) -> None:
        prov = self.record["provenance"]
        raw_file = corpus_dir / prov["raw_path"]
        try:
            data = read_raw(corpus_dir, prov["raw_path"])
        except UnsafePath as err:
            self.sink.add("raw-path-unsafe", f"{err}; nothing was read: point raw_path at the file under raw/")
            return
        except OSError as err:
            problem = why_unreadable(raw_file) or f"cannot be read ({err.strerror})"
            problem = "not found" if problem == "does not exist" else problem
            self.sink.add(
                "raw-file-missing",
                f"raw file {raw_file} {problem}, so the sha256 and offset map were not checked; "
                "check raw_path or the corpus layout (<corpus>/gold/ beside <corpus>/raw/)",
            )
            return
        digest = hashlib.sha256(data).hexdigest()
        if digest != prov["raw_sha256"]:
            self.sink.add(
                "raw-sha256-mismatch",
                f"{raw_file} has sha256 {digest[:12]}…, the record says {prov['raw_sha256'][:12]}…; restore the raw "
                "file byte for byte, or re-ingest if it was replaced on purpose",
            )
        raw = data.decode("utf-8", errors="replace")
        outside, differ = [], []
        for run in prov["offset_map"]:
            c0, clen, r0, rlen = (int(x) for x in run)
            if c0 + clen > len(self.text) or r0 + rlen > len(raw):
                outside.append(run)
            elif clen == rlen and self.text[c0 : c0 + clen] != raw[r0 : r0 + rlen]:
                differ.append(run)
        if outside:
            self.sink.add(
                "offset-run-out-of-range",
                f"{len(outside)} offset-map run(s) reach beyond the clean text ({len(self.text)}) or the raw file "
                f"({len(raw)}), first {list(outside[0])}; re-ingest to recompute the offset map",
            )
        beyond = removals.beyond([(int(r["raw_start"]), int(r["raw_end"])) for r in prov["removed"]], len(raw))
        if beyond:
            first = prov["removed"][beyond[0]]
            self.sink.add(
                "removal-out-of-range",
                f"{len(beyond)} removed range(s) reach beyond the raw file ({len(raw)} code points), first "
                f"removed[{beyond[0]}] [{first['raw_start']}, {first['raw_end']}); re-ingest to recompute the "
                "removals, or restore the raw file if it was shortened",
            )
        if differ:
            c0, clen, r0, rlen = (int(x) for x in differ[0])
            at = next(i for i in range(clen) if self.text[c0 + i] != raw[r0 + i])
            self.sink.add(
                "offset-run-mismatch",
                f"{len(differ)} offset-map run(s) map clean characters to different raw ones; first: clean "
                f"{c0 + at} {self.text[c0 + at]!r} vs raw {r0 + at} {raw[r0 + at]!r}; the text or the raw file was "
                "edited after ingest: re-ingest or restore the raw file",
            )


def check_record(record: dict, sink: Sink, version: str, ids: IdIndex | None, corpus_dir: Path | None = None) -> None:
    """All level-3 checks of one schema-valid record; ``ids=None`` skips registering its annotation ids."""
    doc = _Doc(record, sink, version)
    doc.index_ids(ids)
    doc.check_segments()
    doc.check_sentences()
    doc.check_spans()
    doc.check_mentions_and_clusters()
    doc.check_events()
    doc.check_event_cycles()
    doc.check_event_polarities()
    doc.check_stances()
    doc.check_status_and_license()
    doc.check_removals()
    if corpus_dir is not None:
        doc.check_provenance(corpus_dir)
