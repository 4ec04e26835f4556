"""The one place where ACES code-point offsets meet other ways of counting: tokens, BIO tags and UTF-16 units.

ACES offsets are ``[start, end)`` in Python code points of NFC text. Tokens come from spaCy's blank Arabic
tokenizer, which keeps proclitics attached (``لأفغانستان``, ``و"داعش``); a gold span that starts after a
proclitic would not fall on a token boundary and would be dropped (spaCy W030). So tokens are split at every
span edge instead: no span is ever expanded or contracted.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from aces.record import Mention, Record

if TYPE_CHECKING:
    import numpy as np

TokenSpan = tuple[int, int]


@cache
def _tokenizer():  # spaCy is imported lazily: validating or reading records should not pay for it
    import spacy

    return spacy.blank("ar").tokenizer


@cache
def _bare_tokenizer():
    """The same tokenizer on a vocabulary that computes no lexical attributes (shape, lower, like_num, ...).

    Token boundaries come from the tokenizer's rules and affix patterns alone, never from those attributes, and
    ``base_bounds`` reads only offsets; spaCy computing them (in Python) for every new word was a quarter of the
    build's tokenizing time at N=10^4 (a tenth at 10^5, where fewer words are new).
    """
    tokenizer = _tokenizer.__wrapped__()
    tokenizer.vocab.lex_attr_getters = {}
    return tokenizer


def base_tokens(text: str) -> list[TokenSpan]:
    """Token spans of spaCy's blank Arabic tokenizer (whitespace dropped).

    Read from the Doc's attribute array: making a ``Token`` object per token cost more than tokenizing.
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    doc = _tokenizer()(text)
    if not len(doc):
        return []
    table = doc.to_array([IDX, LENGTH, IS_SPACE])
    kept = table[table[:, 2] == 0]
    return list(zip(kept[:, 0].tolist(), (kept[:, 0] + kept[:, 1]).tolist(), strict=True))


def base_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``base_tokens`` as two int64 arrays (starts, ends), for callers that work column-wise."""
    import numpy as np

    return joined_bounds([text], np.zeros(1, np.int64), text)


def joined_bounds(texts: Sequence[str], bases: np.ndarray, joined: str) -> tuple[np.ndarray, np.ndarray]:
    """``base_bounds`` of several texts at once, in the offsets of ``joined`` (where text k starts at ``bases[k]``).

    spaCy cuts the text into runs of whitespace and of non-whitespace before splitting affixes, so a token is
    all whitespace (``IS_SPACE``) exactly when its first character is: looked up in a table of whitespace code
    points here, cheaper than asking spaCy for ``IS_SPACE`` (a lexeme lookup per token), which the bare
    vocabulary of ``_bare_tokenizer`` does not compute. Only the tokenizing is per text: the lookups run once
    over all of them (per text, their fixed cost was a fifth of the build's tokenizing time).
    """
    import numpy as np
    from spacy.attrs import IDX, LENGTH

    tokenizer = _bare_tokenizer()
    tables = [tokenizer(text).to_array([IDX, LENGTH]).reshape(-1, 2) for text in texts]
    table = np.concatenate(tables).astype(np.int64) if tables else np.zeros((0, 2), np.int64)
    starts = table[:, 0] + np.repeat(bases, [len(t) for t in tables])
    points = np.frombuffer(joined.encode("utf-32-le"), "<u4")[starts]
    spaces = _whitespace()
    kept = ~spaces[np.minimum(points, len(spaces) - 1)]
    starts = starts[kept]
    return starts, starts + table[kept, 1]


@cache
def _whitespace() -> np.ndarray:
    """``table[c]`` is ``chr(c).isspace()`` for every code point up to the last whitespace one; the final entry
    (False) stands for every code point above it."""
    import sys

    import numpy as np

    spaces = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    table = np.zeros(max(spaces) + 2, bool)
    table[spaces] = True
    return table


def split_bounds(starts: np.ndarray, ends: np.ndarray, cuts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``split_at`` on arrays: the same tokens, found with two sorted searches instead of a loop over tokens.

    Tokens are in text order and do not overlap, so a cut falls inside at most one of them (the last one that
    starts before it); each such cut is both an end and a start, inserted in order into both arrays.
    """
    import numpy as np

    nonempty = starts < ends
    starts, ends = starts[nonempty], ends[nonempty]
    ordered = cuts if len(cuts) < 2 or bool((cuts[1:] > cuts[:-1]).all()) else np.unique(cuts)
    if not len(starts) or not len(ordered):
        return starts, ends
    owner = np.searchsorted(starts, ordered, side="right") - 1
    clipped = np.maximum(owner, 0)
    inside = ordered[(owner >= 0) & (ordered > starts[clipped]) & (ordered < ends[clipped])]
    if not len(inside):
        return starts, ends
    # Both sides are sorted: insert the cuts where they belong instead of sorting again.
    split_starts = np.insert(starts, np.searchsorted(starts, inside), inside)
    return split_starts, np.insert(ends, np.searchsorted(ends, inside), inside)


def split_at(tokens: Iterable[TokenSpan], cuts: Iterable[int]) -> list[TokenSpan]:
    """Split tokens at every cut offset that falls strictly inside one, so each cut becomes a token edge."""
    ordered = sorted(set(cuts))
    out: list[TokenSpan] = []
    for start, end in tokens:
        i = bisect_right(ordered, start)
        if i == len(ordered) or ordered[i] >= end:  # the usual case: no cut inside the token
            if start < end:
                out.append((start, end))
            continue
        edges = [start, *ordered[i : bisect_right(ordered, end - 1)], end]
        out.extend((a, b) for a, b in itertools.pairwise(edges) if a < b)
    return out


def record_cuts(record: Record) -> set[int]:
    """Every offset where a gold span or segment starts or ends."""
    cuts: set[int] = set()
    for seg in record.segments:
        cuts.update((seg.start, seg.end))
    for m in record.entities:
        cuts.update((m.start, m.end))
    for ev in record.events:
        cuts.update((ev.trigger.start, ev.trigger.end))
    for st in record.stances:
        for span in st.evidence:
            cuts.update((span.start, span.end))
        if hasattr(st.target, "start"):
            cuts.update((st.target.start, st.target.end))  # type: ignore[union-attr]
    return cuts


def cut_offsets(record: Record) -> list[int]:
    """``record_cuts`` as a list, repeats kept (cheaper to gather; the caller sorts and drops them)."""
    cuts = [s.start for s in record.segments] + [s.end for s in record.segments]
    cuts += [m.start for m in record.entities] + [m.end for m in record.entities]
    cuts += [ev.trigger.start for ev in record.events] + [ev.trigger.end for ev in record.events]
    for st in record.stances:
        cuts += [span.start for span in st.evidence] + [span.end for span in st.evidence]
        if hasattr(st.target, "start"):
            cuts += (st.target.start, st.target.end)  # type: ignore[union-attr]
    return cuts


def record_tokens(record: Record) -> list[TokenSpan]:
    """Tokens of the whole text, split so every gold span and segment is a whole number of tokens."""
    return split_at(base_tokens(record.text), record_cuts(record))


def flat_mentions(mentions: Sequence[Mention]) -> list[Mention]:
    """The non-overlapping layer of a nested annotation: outermost mentions win, then the earlier one.

    Used for BIO tags and ``doc.ents``, which cannot nest; every mention stays available elsewhere.
    """
    by_start = sorted(mentions, key=lambda m: (m.start, m.start - m.end))
    if all(a.start <= a.end <= b.start for a, b in itertools.pairwise(by_start)) and (
        not by_start or by_start[-1].start <= by_start[-1].end
    ):  # no two overlap (the usual case): every mention is kept, in the order the loop below gives
        return by_start
    chosen: list[Mention] = []
    ordered = sorted(mentions, key=lambda m: (m.start - m.end, m.start))
    if any(m.end < m.start for m in ordered):  # not a span (``aces validate`` refuses it): compare every pair
        for m in ordered:
            if all(m.end <= c.start or c.end <= m.start for c in chosen):
                chosen.append(m)
        return sorted(chosen, key=lambda m: m.start)
    taken: list[tuple[int, int]] = []  # (start, end) of the chosen, sorted: their ends are sorted too
    for m in ordered:
        before = bisect_left(taken, (m.end,))  # chosen spans that start before m ends
        if before and taken[before - 1][1] > m.start:  # the last of them ends furthest: it overlaps m
            continue
        insort(taken, (m.start, m.end))
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def flat_layers(records: Sequence[Record]) -> tuple[list[Mention], np.ndarray, np.ndarray, np.ndarray]:
    """``flat_mentions`` of every record, back to back, with each one's record index, start and end (arrays).

    When mentions nest without crossing (the usual case) the outermost layer is the mentions no other contains
    (of identical spans, the first listed): one sort and a running maximum of ends for all records at once. A
    record with a crossing, an empty or a reversed span gets ``flat_mentions`` itself.
    """
    import numpy as np

    counts = np.array([len(r.entities) for r in records], np.int64)
    every = [m for r in records for m in r.entities]
    owner = np.repeat(np.arange(len(records)), counts)
    starts = np.fromiter([m.start for m in every], np.int64, count=len(every))
    ends = np.fromiter([m.end for m in every], np.int64, count=len(every))
    if not every:
        return [], owner, starts, ends
    # Per record, by start and then longest first (stable: identical spans stay in listed order); a mention is
    # inside another exactly when an earlier one in this order ends at or after its end.
    order = np.lexsort((starts - ends, starts, owner))
    o_owner, o_starts, o_ends = owner[order], starts[order], ends[order]
    step = int(max(ends.max(), 0)) + 1
    key = o_owner * step + np.maximum(o_ends, 0)  # running maximum that restarts with each record
    running = np.maximum.accumulate(key)
    before = np.empty_like(running)
    before[0], before[1:] = -1, running[:-1]
    first_of_record = np.ones(len(order), bool)
    first_of_record[1:] = o_owner[1:] != o_owner[:-1]
    furthest = np.where(first_of_record, -1, before - o_owner * step)  # furthest end of the earlier mentions
    outer = furthest < o_ends
    odd = (o_starts >= o_ends) | (o_starts < 0) | (outer & (furthest > o_starts))  # empty, reversed, crossing
    fallback = np.zeros(len(records), bool)
    fallback[o_owner[odd]] = True
    keep = outer & ~fallback[o_owner]
    picked = order[keep]
    if not fallback.any():
        return [every[i] for i in picked.tolist()], owner[picked], starts[picked], ends[picked]
    # Records needing ``flat_mentions`` are spliced in at their place in record order.
    mentions: list[Mention] = []
    owners: list[int] = []
    by_record = np.searchsorted(o_owner[keep], np.arange(len(records) + 1))
    picked_list = picked.tolist()
    for k, record in enumerate(records):
        if fallback[k]:
            chosen = flat_mentions(record.entities)
        else:
            chosen = [every[i] for i in picked_list[by_record[k] : by_record[k + 1]]]
        mentions += chosen
        owners += [k] * len(chosen)
    return (
        mentions,
        np.array(owners, np.int64),
        np.fromiter([m.start for m in mentions], np.int64, count=len(mentions)),
        np.fromiter([m.end for m in mentions], np.int64, count=len(mentions)),
    )


def bio_tags(tokens: Sequence[TokenSpan], mentions: Sequence[Mention]) -> list[str]:
    """``B-TYPE``/``I-TYPE``/``O`` per token for the flat mention layer; tokens must be split at span edges."""
    tags = ["O"] * len(tokens)
    index = {start: i for i, (start, _) in enumerate(tokens)}
    for m in flat_mentions(mentions):
        i = index.get(m.start)
        if i is None:
            raise ValueError(f"mention {m.id} starts at {m.start}, which is not a token start; split tokens first")
        tags[i] = f"B-{m.type}"
        i += 1
        while i < len(tokens) and tokens[i][1] <= m.end:
            tags[i] = f"I-{m.type}"
            i += 1
        if tokens[i - 1][1] != m.end:
            raise ValueError(f"mention {m.id} ends at {m.end}, which is not a token end; split tokens first")
    return tags


class TaggingError(ValueError):
    """``tag_records`` could not tag record number ``index``: the message says why, as ``bio_tags`` would."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class TaggedTokens:
    """Tokens of several records, back to back, in the offsets of their texts joined by ``\\n``."""

    text: str
    bases: np.ndarray
    """Where each record's text starts in ``text`` (subtract it to get offsets in the record)."""
    starts: np.ndarray
    ends: np.ndarray
    tags: np.ndarray
    """BIO label id per token (the ids of ``tag_ids``)."""


def tag_records(records: Sequence[Record], tag_ids: Mapping[str, int]) -> TaggedTokens:
    """``record_tokens`` and ``bio_tags`` of many records at once, as arrays: the build's ``ner`` config.

    The texts are joined (one separator between them, so no token, cut or mention of one record can reach
    another's) and every array step runs once for all of them instead of once per record. Raises
    ``TaggingError`` for the first record ``bio_tags`` would refuse, with its message.
    """
    import numpy as np

    texts = [r.text for r in records]
    lengths = np.array([len(t) for t in texts], np.int64)
    bases = np.zeros(len(texts), np.int64)
    np.cumsum(lengths[:-1] + 1, out=bases[1:])
    joined = "\n".join(texts)
    starts, ends = joined_bounds(texts, bases, joined)
    cuts = [cut_offsets(r) for r in records]
    owner = np.repeat(np.arange(len(records)), [len(c) for c in cuts])
    local = np.fromiter(itertools.chain.from_iterable(cuts), np.int64, count=len(owner))
    inside = (local > 0) & (local < lengths[owner])  # only a cut inside its own text can split a token
    starts, ends = split_bounds(starts, ends, np.unique(local[inside] + bases[owner[inside]]))

    mentions, owner, first_local, last_local = flat_layers(records)
    ids = np.full(len(starts), tag_ids["O"], np.int64)
    if not mentions:
        return TaggedTokens(joined, bases, starts, ends, ids)
    first = np.searchsorted(starts, first_local + bases[owner])  # the token that starts the mention, if any
    last = np.searchsorted(ends, last_local + bases[owner])  # the token that ends it, if any
    if len(starts):
        top = len(starts) - 1
        bad_start = (starts[np.minimum(first, top)] != first_local + bases[owner]) | (first_local < 0)
        bad_start |= first_local > lengths[owner]
        bad = bad_start | (ends[np.minimum(last, top)] != last_local + bases[owner]) | (last < first)
        bad |= last_local > lengths[owner]
    else:
        bad_start = bad = np.ones(len(mentions), bool)
    # Label ids looked up once per type; the first mention whose B (or needed I) label is missing, in text order
    # and B before I, is the one a lookup per mention would stop at.
    types = [m.type for m in mentions]
    codes = {t: i for i, t in enumerate(dict.fromkeys(types))}
    code = np.fromiter([codes[t] for t in types], np.int64, count=len(types))
    begin_ids = np.array([tag_ids.get(f"B-{t}", -1) for t in codes], np.int64)[code]
    inner_ids = np.array([tag_ids.get(f"I-{t}", -1) for t in codes], np.int64)[code]
    has_inner = last > first
    unknown = (begin_ids < 0) | (has_inner & (inner_ids < 0))
    missing: tuple[int, KeyError] | None = None
    if unknown.any():
        k = int(np.argmax(unknown))
        missing = (k, KeyError(f"{'B' if begin_ids[k] < 0 else 'I'}-{types[k]}"))
    inner_ids = np.where(has_inner, inner_ids, 0)
    if bad.any():
        k = int(np.argmax(bad))
        if missing is None or owner[k] <= owner[missing[0]]:  # within a record, bio_tags checks edges first
            m = mentions[k]
            if bad_start[k]:
                message = f"mention {m.id} starts at {m.start}, which is not a token start; split tokens first"
            else:
                message = f"mention {m.id} ends at {m.end}, which is not a token end; split tokens first"
            raise TaggingError(int(owner[k]), message)
    if missing is not None:
        raise TaggingError(int(owner[missing[0]]), str(missing[1]))
    inner_runs = last - first
    ids[first] = begin_ids
    ids[run_indices(first + 1, inner_runs)] = np.repeat(inner_ids, inner_runs)
    return TaggedTokens(joined, bases, starts, ends, ids)


def run_indices(firsts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices ``firsts[k] .. firsts[k] + lengths[k] - 1`` for every k, concatenated (no loop over k)."""
    import numpy as np

    before = np.cumsum(lengths) - lengths
    return np.repeat(firsts - before, lengths) + np.arange(int(lengths.sum()))


def utf8_offsets(text: str, offsets: np.ndarray) -> tuple[bytes, np.ndarray]:
    """``text`` encoded as UTF-8, and its code-point ``offsets`` as byte offsets into that encoding (Arrow
    strings are UTF-8 bytes: the build cuts token texts out of the encoded text by these)."""
    import numpy as np

    data = text.encode("utf-8")
    if len(data) == len(text):  # ASCII: a code point is a byte
        return data, offsets
    # A code point starts at every byte that is not a continuation byte (10xxxxxx, -128..-65 as int8): one
    # comparison per byte, cheaper than widths from the code points (a UTF-32 copy, three comparisons, a sum).
    # The extra True past the end makes ``len(text)`` map to ``len(data)``.
    starts = np.empty(len(data) + 1, bool)
    np.greater_equal(np.frombuffer(data, np.int8), -64, out=starts[:-1])
    starts[-1] = True
    return data, np.flatnonzero(starts)[offsets]


def bio_to_spans(tokens: Sequence[TokenSpan], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Inverse of ``bio_tags``: ``(start, end, type)`` per B…I run (an I without B starts a span, as seqeval does)."""
    spans: list[tuple[int, int, str]] = []
    current: list | None = None
    for (start, end), tag in zip(tokens, tags, strict=True):
        if tag == "O":
            current = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix == "B" or current is None or current[2] != label:
            current = [start, end, label]
            spans.append(current)  # type: ignore[arg-type]
        else:
            current[1] = end
    return [tuple(s) for s in spans]  # type: ignore[misc]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (astral characters such as emoji count two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def to_utf16(text: str, offset: int) -> int:
    """Code-point offset → UTF-16 offset (doccano's UI and JavaScript count this way)."""
    return utf16_len(text[:offset])


def from_utf16(text: str, offset16: int) -> int:
    """UTF-16 offset → code-point offset; raises ``ValueError`` for an offset inside a surrogate pair."""
    units = 0
    for i, ch in enumerate(text):
        if units == offset16:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset16:
            raise ValueError(f"UTF-16 offset {offset16} falls inside the surrogate pair of {ch!r} at {i}")
    if units == offset16:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset16} is past the end of the text ({units} units)")
