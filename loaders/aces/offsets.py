"""The one place where ACES code-point offsets meet other ways of counting: tokens, BIO tags and UTF-16 units.

ACES offsets are ``[start, end)`` in Python code points of NFC text. Tokens come from spaCy's blank Arabic
tokenizer, which keeps proclitics attached (``لأفغانستان``, ``و"داعش``); a gold span that starts after a
proclitic would not fall on a token boundary and would be dropped (spaCy W030). So tokens are split at every
span edge instead: no span is ever expanded or contracted.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cache

from aces.record import Mention, Record

TokenSpan = tuple[int, int]


@cache
def _tokenizer():  # spaCy is imported lazily: validating or reading records should not pay for it
    import spacy

    return spacy.blank("ar").tokenizer


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


def record_tokens(record: Record) -> list[TokenSpan]:
    """Tokens of the whole text, split so every gold span and segment is a whole number of tokens."""
    return split_at(base_tokens(record.text), record_cuts(record))


def flat_mentions(mentions: Sequence[Mention]) -> list[Mention]:
    """The non-overlapping layer of a nested annotation: outermost mentions win, then the earlier one.

    Used for BIO tags and ``doc.ents``, which cannot nest; every mention stays available elsewhere.
    """
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= c.start or c.end <= m.start for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


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
