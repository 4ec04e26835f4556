"""The one place where ACES code-point offsets meet other ways of counting: tokens, BIO tags and UTF-16 units.

ACES offsets are ``[start, end)`` in Python code points of NFC text. Tokens are ``aces.text.clitics``: spaCy's blank
Arabic tokenizer with proclitics split off (``ل|أفغانستان``, ``و|"|داعش``), made from the text alone: no token
view ever looks at the annotations. A gold span whose edges fall inside a token is expanded to the tokens that
cover it in BIO tags and ``doc.ents`` (``token_range``); the record keeps its exact offsets, and ``aces stats``
counts how many spans that is.
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
def _bare_tokenizer():
    """spaCy's blank Arabic tokenizer (the one ``aces.text.clitics`` splits further) on a vocabulary that computes no
    lexical attributes (shape, lower, like_num, ...).

    Token boundaries come from the tokenizer's rules and affix patterns alone, never from those attributes, and
    ``base_bounds`` reads only offsets; spaCy computing them (in Python) for every new word was a quarter of the
    build's tokenizing time at N=10^4 (a tenth at 10^5, where fewer words are new).
    """
    import spacy

    tokenizer = spacy.blank("ar").tokenizer
    tokenizer.vocab.lex_attr_getters = {}
    return tokenizer


def base_tokens(text: str) -> list[TokenSpan]:
    """Token spans of ``aces.text.clitics`` (whitespace dropped): the tokens of every ACES view (``aces.tokenize``)."""
    starts, ends = base_bounds(text)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def tokenize(text: str) -> list[TokenSpan]:
    """Token spans ``[start, end)`` of ``text`` (code points, whitespace dropped): the tokens of every ACES view,
    from the text alone. The plain function for Hugging Face users; spaCy pipelines get the same tokens from the
    registered tokenizer ``aces.arabic_clitics.v1``."""
    return base_tokens(text)


def base_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``base_tokens`` as two int64 arrays (starts, ends), for callers that work column-wise."""
    import numpy as np

    return joined_bounds([text], np.zeros(1, np.int64), text)


def joined_bounds(texts: Sequence[str], bases: np.ndarray, joined: str) -> tuple[np.ndarray, np.ndarray]:
    """``base_bounds`` of several texts at once, in the offsets of ``joined`` (where text k starts at ``bases[k]``).

    The clitic splits (``aces.text.clitics.split_table``) run once over the batch's distinct words.

    spaCy cuts the text into runs of whitespace and of non-whitespace before splitting affixes, so a token is
    all whitespace (``IS_SPACE``) exactly when its first character is: looked up in a table of whitespace code
    points here, cheaper than asking spaCy for ``IS_SPACE`` (a lexeme lookup per token), which the bare
    vocabulary of ``_bare_tokenizer`` does not compute. Only the tokenizing is per text: the lookups run once
    over all of them (per text, their fixed cost was a fifth of the build's tokenizing time).
    """
    import numpy as np
    from spacy.attrs import IDX, LENGTH, ORTH

    from aces.text.clitics import split_table

    tokenizer = _bare_tokenizer()
    tables = [tokenizer(text).to_array([IDX, LENGTH, ORTH]).reshape(-1, 3) for text in texts]
    table = np.concatenate(tables) if tables else np.zeros((0, 3), np.uint64)
    starts = table[:, 0].astype(np.int64) + np.repeat(bases, [len(t) for t in tables])
    points = np.frombuffer(joined.encode("utf-32-le"), "<u4")[starts]
    spaces = _whitespace()
    kept = ~spaces[np.minimum(points, len(spaces) - 1)]
    rows = table[kept]
    rows[:, 0] = starts[kept].astype(np.uint64)
    return split_table(rows, tokenizer.vocab.strings)


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


def record_tokens(record: Record) -> list[TokenSpan]:
    """Tokens of the whole text (``base_tokens``): the same with or without annotations."""
    return base_tokens(record.text)


def token_range(starts: np.ndarray, ends: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last token covering each span ``[a, b)`` (tokens sorted, non-overlapping); ``last < first`` when
    no token does (a span of whitespace only). A span on token edges gets exactly its tokens; any other is
    expanded to the tokens it touches."""
    import numpy as np

    first = np.searchsorted(ends, a, side="right")  # the first token ending after the span starts
    last = np.searchsorted(starts, b, side="left") - 1  # the last token starting before it ends
    return first, last


def on_boundaries(starts: np.ndarray, ends: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each span ``[a, b)`` starts at a token start and ends at a token end."""
    import numpy as np

    i = np.minimum(np.searchsorted(starts, a), max(len(starts) - 1, 0))
    j = np.minimum(np.searchsorted(ends, b), max(len(ends) - 1, 0))
    if not len(starts):
        return np.zeros(len(a), bool)
    return (starts[i] == a) & (ends[j] == b)


def tagged_layer(
    starts: np.ndarray, ends: np.ndarray, owner: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ranges of the flat mention layer (``token_range``) and which mentions keep one: a mention whose tokens
    are none (whitespace only) or reach a token an earlier mention of its record covers (two mentions inside one
    token, once expanded) has no tags. ``owner`` is each mention's record; mentions are in record, then text order.
    """
    import numpy as np

    first, last = token_range(starts, ends, a, b)
    kept = last >= first
    if len(first) > 1:
        step = int(max(last.max(), first.max())) + 2
        key = owner * step + np.where(kept, last + 1, 0)  # running maximum of earlier lasts, per record
        running = np.maximum.accumulate(key)
        before = np.empty_like(running)
        before[0], before[1:] = -1, running[:-1]
        new_record = np.ones(len(owner), bool)
        new_record[1:] = owner[1:] != owner[:-1]
        earlier_last = np.where(new_record, -1, before - owner * step - 1)
        kept &= first > earlier_last
    return first, last, kept


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
    """``B-TYPE``/``I-TYPE``/``O`` per token for the flat mention layer, each mention on the tokens that cover it
    (``tagged_layer``: expanded when its edges fall inside tokens; untagged when it would collide)."""
    import numpy as np

    tags = ["O"] * len(tokens)
    flat = flat_mentions(mentions)
    for m in flat:
        if m.end <= m.start or m.start < 0:
            raise ValueError(f"mention {m.id} [{m.start}, {m.end}) is not a span; run `aces validate`")
    if not flat or not tokens:
        return tags
    starts = np.array([t[0] for t in tokens], np.int64)
    ends = np.array([t[1] for t in tokens], np.int64)
    a = np.array([m.start for m in flat], np.int64)
    b = np.array([m.end for m in flat], np.int64)
    first, last, kept = tagged_layer(starts, ends, np.zeros(len(flat), np.int64), a, b)
    for m, i, j, keep in zip(flat, first.tolist(), last.tolist(), kept.tolist(), strict=True):
        if keep:
            tags[i] = f"B-{m.type}"
            tags[i + 1 : j + 1] = [f"I-{m.type}"] * (j - i)
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

    mentions, owner, first_local, last_local = flat_layers(records)
    ids = np.full(len(starts), tag_ids["O"], np.int64)
    if not mentions:
        return TaggedTokens(joined, bases, starts, ends, ids)
    bad = (first_local < 0) | (last_local <= first_local)
    if bad.any():  # the first record bio_tags would refuse
        k = int(np.argmax(bad))
        m = mentions[k]
        raise TaggingError(int(owner[k]), f"mention {m.id} [{m.start}, {m.end}) is not a span; run `aces validate`")
    first, last, kept = tagged_layer(starts, ends, owner, first_local + bases[owner], last_local + bases[owner])
    picked = np.flatnonzero(kept)
    mentions = [mentions[k] for k in picked.tolist()]
    owner, first, last = owner[picked], first[picked], last[picked]
    # Label ids looked up once per type; the first mention whose B (or needed I) label is missing, in text order
    # and B before I, is the one a lookup per mention would stop at.
    types = [m.type for m in mentions]
    codes = {t: i for i, t in enumerate(dict.fromkeys(types))}
    code = np.fromiter([codes[t] for t in types], np.int64, count=len(types))
    begin_ids = np.array([tag_ids.get(f"B-{t}", -1) for t in codes], np.int64)[code]
    inner_ids = np.array([tag_ids.get(f"I-{t}", -1) for t in codes], np.int64)[code]
    has_inner = last > first
    unknown = (begin_ids < 0) | (has_inner & (inner_ids < 0))
    if unknown.any():
        k = int(np.argmax(unknown))
        raise TaggingError(int(owner[k]), str(KeyError(f"{'B' if begin_ids[k] < 0 else 'I'}-{types[k]}")))
    inner_ids = np.where(has_inner, inner_ids, 0)
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
