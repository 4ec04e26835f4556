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
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import msgspec

from aces.schema import known_versions, labels
from aces.validate import level5_corpus
from aces.validate.fast_schema import loose_record_type, pattern_of, record_type
from aces.validate.level1_file import _ANY_INVISIBLE, _BOM, _EMOJI
from aces.validate.level4_guidelines import _is_word, edge_ok

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
_EMOJI_CHAR = re.compile(f"[{_EMOJI}]")
_DECODE_ERRORS = (msgspec.MsgspecError, ValueError, RecursionError)


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


@cache
def _inventory(version: str) -> _Inventory:
    return _Inventory(version)


def _kind(value: object) -> str:
    return type(value).__struct_config__.tag  # type: ignore[attr-defined]


def _only_emoji_joiners(text: str) -> bool:
    """Every invisible character in the text is a ZWJ between two emoji characters (👨‍👩‍👧), which level 1 allows:
    the control, bidi and zero-width sets of level 1 are all inside ``_ANY_INVISIBLE``, and its zero-width
    pattern spares exactly such joiners."""
    for match in _ANY_INVISIBLE.finditer(text):
        at = match.start()
        if (
            match.group() != "\u200d"
            or at == 0
            or _EMOJI_CHAR.match(text, at - 1) is None
            or _EMOJI_CHAR.match(text, at + 1) is None
        ):
            return False
    return True


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
    fast_decoder = _fast_decoder()
    if fast_decoder is None or raw.startswith(_BOM):
        return None
    decode, id_patterns = fast_decoder
    try:
        rec = decode.decode(raw)
    except _DECODE_ERRORS:
        return None
    version = _kind(rec)  # the schema version is the Struct's tag
    inv = _inventory(version)
    text: str = rec.text
    n = len(text)
    # -- level 1: NFC, no invisible characters
    if not unicodedata.is_normalized("NFC", text):
        return None
    if _ANY_INVISIBLE.search(text) is not None and not _only_emoji_joiners(text):
        return None

    # -- level 3: ids
    doc_id = rec.id
    prefix = doc_id + ":"
    mentions = {m.id: m for m in rec.entities}
    clusters = {c.id: c for c in rec.clusters}
    events = {e.id: e for e in rec.events}
    ann_ids = [s.id for s in rec.segments]
    ann_ids += mentions
    ann_ids += clusters
    ann_ids += events
    ann_ids += [s.id for s in rec.stances]
    if len(set(ann_ids)) != len(ann_ids) or len(ann_ids) != (
        len(rec.segments) + len(rec.entities) + len(rec.clusters) + len(rec.events) + len(rec.stances)
    ):
        return None
    # Every id has the schema's form (when the decoder left it to us) and starts with "<doc id>:".
    joined = "\n".join(ann_ids)
    id_pattern = id_patterns.get(version)
    if id_pattern is not None and id_pattern.fullmatch(joined) is None:
        return None
    if ("\n" + joined).count("\n" + prefix) != len(ann_ids):  # ids hold no newline: count the prefix after each
        return None

    # -- level 3: segments in order, inside the text, of known types
    seg_starts: list[int] = []
    seg_ends: list[int] = []
    prev_end = -1
    for seg in rec.segments:
        if seg.type not in inv.segment_types or not seg.start < seg.end <= n or seg.start < prev_end:
            return None
        prev_end = seg.end
        seg_starts.append(seg.start)
        seg_ends.append(seg.end)

    # -- level 3: every span inside the text and equal to its stored text; level 4: edges and segments
    spans: list = list(rec.entities)
    spans += [e.trigger for e in rec.events]
    stored: list[str] = []
    for st in rec.stances:
        if _kind(st.target) == "proposition":
            spans.append(st.target)
        spans += st.evidence
    proclitics, proclitics_max = inv.proclitics, inv.proclitics_max
    is_word = _is_word
    for span in spans:
        start, end, piece = span.start, span.end, span.text
        if not start < end <= n or len(piece) != end - start or not text.startswith(piece, start):
            return None
        stored.append(piece)
        if not (  # the usual case (whole words on both edges) inline, else the level-4 rule itself
            is_word(text[start])
            and is_word(text[end - 1])
            and (end == n or not is_word(text[end]))
            and (start == 0 or not is_word(text[start - 1]))
        ) and not edge_ok(text, start, end, proclitics, proclitics_max):
            return None
        i = bisect_right(seg_starts, start) - 1
        if i < 0 or end > seg_ends[i]:
            return None
    if not unicodedata.is_normalized("NFC", "\n".join(stored)):  # "\n" composes with nothing: a safe separator
        return None

    # -- level 3: mention labels, clusters (each mention in exactly one, of its type)
    entity_types, forms = inv.entity_types, inv.forms
    for m in rec.entities:
        if m.type not in entity_types or m.form not in forms:
            return None
    members: list[str] = []
    for c in rec.clusters:
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
    for ev in rec.events:
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
    for st in rec.stances:
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

    # -- level 4: mentions neither repeat a span nor cross
    placed = sorted((m.start, -m.end) for m in rec.entities)
    open_ends: list[int] = []
    last = None
    for start, neg_end in placed:
        if (start, neg_end) == last:
            return None
        last = (start, neg_end)
        end = -neg_end
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends and end > open_ends[-1]:
            return None
        open_ends.append(end)

    # -- level 3: provenance against the raw file
    if corpus_dir is not None:
        prov = rec.provenance
        try:
            with open(os.path.join(corpus_dir, prov.raw_path), "rb") as handle:
                data = handle.read()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(data).hexdigest() != prov.raw_sha256:
            return None
        raw_text = data.decode("utf-8", errors="replace")
        r_len = len(raw_text)
        for c0, clen, r0, rlen in prov.offset_map:
            if c0 + clen > n or r0 + rlen > r_len:
                return None
            if clen == rlen and text[c0 : c0 + clen] != raw_text[r0 : r0 + rlen]:
                return None

    # -- level 5: personal data
    if _PII_HINT.search(text) is not None and any(find(text) for _, find, _ in level5_corpus._PII):
        return None
    return Clean(doc_id, ann_ids, text, rec.split)
