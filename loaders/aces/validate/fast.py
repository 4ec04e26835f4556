"""The fast path: prove a line clean at every per-record check, or hand it to the reporting levels.

Most lines of a real corpus are clean, and proving that is much cheaper than explaining a problem. ``clean``
decodes a line straight into the Structs of ``fast_schema`` (level 2 inside msgspec's decoder), then runs the
level 1, 3, 4 and 5 conditions as plain boolean tests on attributes, with no finding, message or JSON path
built. Any doubt returns None and the line goes through ``level1_file`` … ``level5_corpus`` exactly as before,
which produce every finding; so findings are always those of the reporting levels, and this module only decides
when there can be none. Its conditions mirror the levels' checks one for one (the equivalence is tested on
every fixture and on random corruptions); corpus-wide uniqueness is left to the caller, which gets the ids and
the text digest to check and register (``Clean``).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import attrgetter, lt
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from aces.schema import known_versions, labels
from aces.validate import fast_chars, level5_corpus
from aces.validate.fast_schema import loose_record_type, pattern_of, record_type
from aces.validate.level1_file import _BOM
from aces.validate.level4_guidelines import edge_ok

# One necessary condition for every PII finder, in a single scan: the pattern starts with a class (so the regex
# engine skips ahead fast) holding the first character of each alternative, and each alternative is implied by
# its finder's match. A text with no match cannot have a PII finding, and the finders are not run.
_PII_HINT = re.compile(
    r"[+\d@A-Za-z/]"
    r"(?:(?<=[0-9])\.[0-9]"  # IPv4: digit, dot, digit
    r"|(?<=@)"  # e-mail: an @
    r"|(?<=[+\d])[\d ().-]{6,}\d"  # phone: the finder's own candidate pattern
    r"|(?<=[A-Za-z0-9+/])[A-Za-z0-9+/]{11})"  # base64: twelve characters of its alphabet in a row
)
_DECODE_ERRORS = (msgspec.MsgspecError, ValueError, RecursionError)
BATCH_LINES = 128
"""Lines ``clean_batch`` is given at a time by the runners: enough that the array work is cheap per line, few
enough that the joined texts stay in the CPU cache (on synthetic records of ~15 KB, 64 to 256 lines a batch ran
at the same speed, 32 and 512 slower)."""
READ_BUFFER = 1 << 20
"""Buffer size for reading JSONL: a line is ~15 KB, and with the default 8 KB buffer reading it cost several
times more than with a buffer that holds many lines."""


@dataclass(frozen=True, slots=True)
class Clean:
    """A line with no per-record finding: what corpus-wide checks still need to see of it."""

    doc_id: str
    ann_ids: list[str]
    text: str
    split: str


class _Inventory:
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


@cache
def _inventory(version: str) -> _Inventory:
    return _Inventory(version)


_TAGS: dict[type, str] = {}


def _kind(value: object) -> str:
    """The tag of a tagged Struct (its schema version, or its kind among a oneOf's alternatives)."""
    cls = type(value)
    tag = _TAGS.get(cls)
    if tag is None:
        tag = _TAGS[cls] = cls.__struct_config__.tag  # type: ignore[attr-defined]
    return tag


# Where records hold annotation ids (``$defs/ann_id``): ids of the five collections, and references, which
# ``clean`` requires to name one of those ids. Checking the id pattern once over all ids of a record, instead
# of one regex call per string inside the decoder, halves the decoding time.
ANN_ID = "ann_id"
ANN_ID_PLACES = frozenset(
    {
        *("segment.id", "mention.id", "cluster.id", "event.id", "stance.id"),
        *("cluster.mentions[]", "argument.ref", "epistemic.source"),
        *("holder_entity.ref", "target_entity.ref", "target_event.ref"),
    }
)


@cache
def _fast_decoder() -> tuple[msgspec.json.Decoder, dict[str, re.Pattern[str]]] | None:
    """The decoder ``clean`` uses and, per version, the pattern every annotation id must match. Versions whose
    ids occur anywhere ``clean`` does not look get the strict Structs (pattern checked by the decoder)."""
    types, id_patterns = [], {}
    for version in known_versions():
        loose = loose_record_type(version, frozenset({ANN_ID}))
        if loose is not None and loose[1] <= ANN_ID_PLACES:
            body = pattern_of(version, ANN_ID).removeprefix("(?a)^").removesuffix(r"\Z")
            id_patterns[version] = re.compile(
                f"(?a)(?:(?:{body})\n)*(?:{body})"
            )  # ids hold no newline: one match for all
            types.append(loose[0])
        elif (strict := record_type(version)) is not None:
            types.append(strict)
    if not types:
        return None
    union = types[0]
    for cls in types[1:]:
        union = union | cls
    return msgspec.json.Decoder(union), id_patterns


def available() -> bool:
    """True when at least one schema version has a fast decoder."""
    return _fast_decoder() is not None


def clean(raw: bytes, corpus_dir: Path | None) -> Clean | None:
    """``Clean`` if levels 1–5 report nothing for this line (corpus-wide uniqueness aside), else None."""
    return clean_batch([raw], corpus_dir)[0]


def clean_batch(raws: Sequence[bytes], corpus_dir: Path | None) -> list[Clean | None]:
    """``clean`` of every line, one verdict per line: each line's verdict is the one it gets alone.

    Per-record conditions on the decoded Structs run record by record; conditions on characters (level 1's text
    checks, span edges, PII) run once over the batch's texts joined into one array, which is where the time
    went when they ran character by character."""
    out: list[Clean | None] = [None] * len(raws)
    fast_decoder = _fast_decoder()
    if fast_decoder is None:
        return out
    decode, id_patterns = fast_decoder
    pending: list[_Pending] = []
    for index, raw in enumerate(raws):
        if raw.startswith(_BOM):
            continue
        try:
            rec = decode.decode(raw)
        except _DECODE_ERRORS:
            continue
        version = _kind(rec)  # the schema version is the Struct's tag
        found = _per_record(rec, _inventory(version), id_patterns.get(version))
        # The raw file now, while the record is in the cache (and the record is freed here, not a batch later).
        if found is not None and (corpus_dir is None or _provenance_ok(rec, corpus_dir)):
            found.index = index
            pending.append(found)
    if not pending:
        return out
    for item, fine in zip(pending, _per_batch(pending).tolist(), strict=True):
        if fine:
            out[item.index] = Clean(item.doc_id, item.ann_ids, item.text, item.split)
    return out


@dataclass(slots=True)
class _Pending:
    """A record that passed the per-record conditions, and what the batch conditions need of it."""

    text: str
    doc_id: str
    split: str
    inv: _Inventory
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


def _per_record(rec: Any, inv: _Inventory, id_pattern: re.Pattern[str] | None) -> _Pending | None:
    """Levels 3 and 4 on one decoded record, except what looks at characters around spans (``_per_batch``)."""
    text: str = rec.text
    n = len(text)
    # -- level 3: ids, unique in the record, of the schema's form, starting with "<doc id>:"
    entities, clusters_, events_, stances, segments = rec.entities, rec.clusters, rec.events, rec.stances, rec.segments
    mention_ids = list(map(_ID, entities))
    cluster_ids = list(map(_ID, clusters_))
    event_ids = list(map(_ID, events_))
    ann_ids = list(map(_ID, segments)) + mention_ids + cluster_ids + event_ids + list(map(_ID, stances))
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
        if not start < end <= n or start < prev_end:
            return None
        prev_end = end

    # -- level 3: every span inside the text and equal to its stored text
    spans: list = list(entities)
    spans += map(_TRIGGER, events_)
    for st in stances:
        if _kind(st.target) == "proposition":
            spans.append(st.target)
        spans += st.evidence
    starts = list(map(_START, spans))
    ends = list(map(_END, spans))
    pieces = list(map(_TEXT, spans))
    if spans and (max(ends) > n or not all(map(lt, starts, ends))):
        return None  # (stored texts are compared in _per_batch)

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

    # -- level 3: stances
    for st in stances:
        if st.polarity not in inv.stance_polarities:
            return None
        holder, target = st.holder, st.target
        if _kind(holder) == "entity" and holder.ref not in mentions and holder.ref not in clusters:
            return None
        kind = _kind(target)
        if kind == "entity" and target.ref not in mentions and target.ref not in clusters:
            return None
        if kind == "event" and target.ref not in events:
            return None
    return _Pending(text, rec.id, rec.split, inv, ann_ids, starts, ends, pieces, len(entities), seg_starts, seg_ends)


def _per_batch(pending: list[_Pending]) -> np.ndarray:
    """Which records pass the conditions on characters: level 1 (NFC, invisible characters), level 4 (span edges,
    spans inside one segment, mentions neither repeated nor crossing), level 5 (PII), all records at once.

    The texts are joined with a newline before, between and after them: a newline is no word character, space
    is no problem at an edge it cannot reach, and it composes with nothing, so a condition on the joined text
    is the condition on each text."""
    texts = [item.text for item in pending]
    joined, bases = join_texts(texts)
    cps = fast_chars.code_points(joined)
    cls = fast_chars.classes(cps)
    ok = np.ones(len(texts), dtype=bool)

    def fail_at(positions: np.ndarray) -> None:
        ok[np.searchsorted(bases, positions, side="right") - 1] = False

    # -- level 1: NFC, no invisible character but a zero-width joiner between two emoji
    if not unicodedata.is_normalized("NFC", joined):
        ok &= [unicodedata.is_normalized("NFC", t) for t in texts]
    invisible = np.flatnonzero((cls & fast_chars.INVISIBLE) != 0)
    if invisible.size:
        joiner = (
            (cps[invisible] == 0x200D)
            & ((cls[invisible - 1] & fast_chars.EMOJI) != 0)
            & ((cls[invisible + 1] & fast_chars.EMOJI) != 0)
        )
        fail_at(invisible[~joiner])

    # -- level 5: personal data, where a necessary condition of some PII finder holds
    _personal_data(texts, joined, cps, cls, bases, ok)

    # -- level 4: span edges, each span inside one segment, stored texts in NFC
    counts = np.fromiter((len(item.starts) for item in pending), dtype=np.int64, count=len(pending))
    owner = np.repeat(np.arange(len(pending)), counts)
    starts = np.fromiter(chain.from_iterable(item.starts for item in pending), np.int64, int(counts.sum()))
    ends = np.fromiter(chain.from_iterable(item.ends for item in pending), np.int64, int(counts.sum()))
    starts += bases[owner]
    ends += bases[owner]
    pieces = list(chain.from_iterable(item.pieces for item in pending))
    joined_pieces = "\n".join(pieces)
    bad = _stored_texts_differ(starts, ends, pieces, fast_chars.code_points(joined_pieces), cps)
    ok[owner[bad]] = False
    bad |= ~_edges_ok(pending, starts, ends, owner, cps, cls, bases)
    seg_counts = np.fromiter((len(item.seg_starts) for item in pending), dtype=np.int64, count=len(pending))
    seg_base = np.repeat(bases, seg_counts)
    seg_starts = np.fromiter(chain.from_iterable(item.seg_starts for item in pending), np.int64) + seg_base
    seg_ends = np.fromiter(chain.from_iterable(item.seg_ends for item in pending), np.int64) + seg_base
    seg = np.searchsorted(seg_starts, starts, side="right") - 1
    bad |= seg < 0
    bad |= ends > seg_ends[np.maximum(seg, 0)] if seg_ends.size else True
    ok[owner[bad]] = False
    if not unicodedata.is_normalized("NFC", joined_pieces):  # "\n" composes with nothing: a safe separator
        ok &= [unicodedata.is_normalized("NFC", "\n".join(item.pieces)) for item in pending]

    # -- level 4: mentions neither repeat a span nor cross
    is_mention = np.arange(len(starts)) - np.repeat(np.cumsum(counts) - counts, counts) < np.repeat(
        np.fromiter((item.mentions for item in pending), np.int64, len(pending)), counts
    )
    ok[_repeated_or_crossing(starts[is_mention], ends[is_mention], owner[is_mention])] = False
    return ok


def join_texts(texts: list[str]) -> tuple[str, np.ndarray]:
    """The texts joined with a newline before, between and after them, and where each text starts."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bases = np.empty(len(texts), dtype=np.int64)
    bases[0] = 1
    np.cumsum(lengths[:-1] + 1, out=bases[1:])
    bases[1:] += 1
    return "\n" + "\n".join(texts) + "\n", bases


def _personal_data(
    texts: list[str], joined: str, cps: np.ndarray, cls: np.ndarray, bases: np.ndarray, ok: np.ndarray
) -> None:
    """Fail the texts with a PII finding. ``_PII_HINT`` and the finders run only on texts where one of its
    alternatives can match, found over the joined text: an @, a digit-dot-digit, a run of eight characters a
    phone candidate is made of, a run of twelve base64 characters."""
    where = [np.flatnonzero(cps == 0x40)] if "@" in joined else []
    dots = np.flatnonzero(cps == 0x2E)  # a newline before and after every text: dots - 1 and dots + 1 exist
    digit = fast_chars.ASCII_DIGIT
    where.append(dots[((cls[dots - 1] & digit) != 0) & ((cls[dots + 1] & digit) != 0)])
    where.append(_runs_at_least((cls & fast_chars.PHONE) != 0, 8))
    where.append(_runs_at_least((cls & fast_chars.BASE64) != 0, 12))
    hits = np.concatenate(where)
    if not hits.size:
        return
    for k in np.unique(np.searchsorted(bases, hits, side="right") - 1).tolist():
        text = texts[k]
        if _PII_HINT.search(text) is not None and any(find(text) for _, find, _ in level5_corpus._PII):
            ok[k] = False


def _runs_at_least(mask: np.ndarray, length: int) -> np.ndarray:
    """Where the runs of set entries at least ``length`` long start (the mask starts and ends unset)."""
    change = np.flatnonzero(mask[1:] != mask[:-1]) + 1  # alternately a run's start and its end
    starts, ends = change[0::2], change[1::2]
    return starts[ends - starts >= length]


def _stored_texts_differ(
    starts: np.ndarray, ends: np.ndarray, pieces: list[str], piece_cps: np.ndarray, cps: np.ndarray
) -> np.ndarray:
    """Which spans store a text other than the characters they cover: ``piece_cps`` are the code points of
    ``pieces`` joined with one separator, ``starts``/``ends`` in the joined texts' offsets (inside them)."""
    lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))
    differ = lengths != ends - starts
    lengths[differ] = 0  # (an owner that fails here fails whatever its characters)
    span = np.repeat(np.arange(len(pieces)), lengths)
    at = np.arange(len(span))
    before = np.cumsum(lengths) - lengths
    unequal = cps[at + np.repeat(starts - before, lengths)] != piece_cps[at + span]
    differ[span[unequal]] = True
    return differ


def _edges_ok(
    pending: list[_Pending],
    starts: np.ndarray,
    ends: np.ndarray,
    owner: np.ndarray,
    cps: np.ndarray,
    cls: np.ndarray,
    bases: np.ndarray,
) -> np.ndarray:
    """``level4_guidelines.edge_ok`` of every span, from the class bits around its edges."""
    word = fast_chars.WORD
    first, last, before, after = cls[starts], cls[ends - 1], cls[starts - 1], cls[ends]
    first_w, last_w = (first & word) != 0, (last & word) != 0
    before_w, after_w = (before & word) != 0, (after & word) != 0
    good = first_w & last_w & ~before_w & ~after_w  # the usual case: whole words on both edges
    rest = ~good
    bad = rest & ((((first | last) & (fast_chars.SPACE | fast_chars.PUNCT)) != 0) | (after_w & last_w))
    proclitic = rest & ~bad & before_w & first_w  # a start inside a word: only after a short proclitic run
    good |= rest & ~bad & ~proclitic
    if proclitic.any():
        at = np.flatnonzero(proclitic)
        good[at] = _proclitic_runs_ok(pending, starts[at], ends[at], owner[at], cps, cls, bases)
    return good


def _proclitic_runs_ok(
    pending: list[_Pending],
    starts: np.ndarray,
    ends: np.ndarray,
    owner: np.ndarray,
    cps: np.ndarray,
    cls: np.ndarray,
    bases: np.ndarray,
) -> np.ndarray:
    """``level4_guidelines._proclitic_run`` for spans starting right after a word character: walk back over at
    most ``proclitics_max + 1`` characters; a span with a combining mark on its way is left to that function."""
    word, mark = fast_chars.WORD, fast_chars.MARK
    invs = {id(item.inv): item.inv for item in pending}
    which = np.fromiter((id(item.inv) for item in pending), np.int64, len(pending))[owner]
    limit = np.fromiter((item.inv.proclitics_max for item in pending), np.int64, len(pending))[owner]
    groups = [(which == key, inv.proclitic_code_points) for key, inv in invs.items()]
    walking = (cls[starts] & mark) == 0  # a span may not start on a mark
    ok = np.zeros(len(owner), dtype=bool)
    letters = np.zeros(len(owner), dtype=np.int64)
    by_python = np.zeros(len(owner), dtype=bool)
    for back in range(1, int(limit.max()) + 2):
        at = np.maximum(starts - back, 0)
        here = cls[at]
        in_word = walking & ((here & word) != 0)
        ok |= walking & ~in_word & (letters > 0)
        by_python |= in_word & ((here & mark) != 0)
        walking = in_word & ~by_python
        if not walking.any():
            break
        letters += walking
        allowed = np.zeros(len(owner), dtype=bool)
        for mine, letters_of in groups:
            allowed[mine] = np.isin(cps[at[mine]], letters_of)
        walking &= allowed & (letters <= limit)
    for i in np.flatnonzero(by_python).tolist():
        item = pending[owner[i]]
        base = int(bases[owner[i]])
        ok[i] = edge_ok(
            item.text, int(starts[i]) - base, int(ends[i]) - base, item.inv.proclitics, item.inv.proclitics_max
        )
    return ok


def _repeated_or_crossing(starts: np.ndarray, ends: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Owners of mentions that repeat another's span or cross one (``[a, b)`` and ``[c, d)`` with a < c < b < d).

    Spans are given in batch-wide offsets, so texts never overlap. Opening and closing brackets sorted by
    position (closes before opens at the same place, outer opens first, inner closes first) nest properly
    exactly when no two spans cross; then, and only then, each span sees as many brackets open right after its
    own open as right before its own close (if some span crosses, the crossing span that closes first sees more
    open before its close)."""
    if not starts.size:
        return owner[:0]
    order = np.lexsort((-ends, starts))
    s, e = starts[order], ends[order]
    same = np.flatnonzero((s[1:] == s[:-1]) & (e[1:] == e[:-1]))
    repeated = owner[order][same]
    n = len(starts)
    position = np.concatenate((starts, ends))
    kind = np.concatenate((np.ones(n, np.int64), np.zeros(n, np.int64)))  # closes (0) before opens (1)
    tie = np.concatenate((-ends, -starts))
    events = np.lexsort((tie, kind, position))
    depth = np.empty(2 * n, dtype=np.int64)
    depth[events] = np.cumsum(np.where(events < n, 1, -1))
    crossing = np.flatnonzero(depth[:n] != depth[n:] + 1)
    return np.concatenate((repeated, owner[crossing]))


_READ_AT_ONCE = 1 << 20


def _read_file(path: str) -> bytes:
    """The file's bytes with the fewest system calls (a raw file is read once per record: they add up)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, _READ_AT_ONCE)
        if len(data) < _READ_AT_ONCE:
            return data
        parts = [data]
        while chunk := os.read(fd, _READ_AT_ONCE):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def _provenance_ok(rec: Any, corpus_dir: Path) -> bool:
    """Level 3's provenance: the raw file exists, has the recorded hash, and the equal-length runs of the offset
    map hold the same characters in the clean and the raw text."""
    prov = rec.provenance
    try:
        data = _read_file(os.path.join(corpus_dir, prov.raw_path))
    except (OSError, ValueError):
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
    return True
