"""``provenance.removed`` against itself and the offset map, for level 3 and the fast path alike.

Ingest accounts for every raw character once: kept (inside the raw range of one offset-map run) or removed (inside
one removed range, with its reason). A removed range that is reversed or empty, that reaches past the raw file, or
that overlaps kept text or another removal says the record no longer describes its raw file.
"""

from __future__ import annotations

from collections.abc import Sequence

Range = tuple[int, int]  # [start, end) in raw code points
RUN, REMOVAL = "run", "removal"


def reversed_ranges(removed: Sequence[Range]) -> list[int]:
    """Indices of removed ranges without ``start < end``."""
    return [i for i, (start, end) in enumerate(removed) if not start < end]


def beyond(removed: Sequence[Range], raw_length: int) -> list[int]:
    """Indices of removed ranges with an edge past the end of a raw text of ``raw_length`` code points."""
    return [i for i, (start, end) in enumerate(removed) if max(start, end) > raw_length]


def overlaps(removed: Sequence[Range], kept: Sequence[Range]) -> list[tuple[int, str, int]]:
    """``(removal, RUN or REMOVAL, other)`` for removed ranges that share raw characters with a kept range (the raw
    side of an offset-map run) or another removed range, at least one pair per removal involved, in raw order.

    Empty and reversed ranges hold no character and overlap nothing; kept ranges may overlap one another (that is
    the offset map's business). One sort and one sweep: a range overlaps an earlier one exactly when it starts
    before the furthest end reached so far.
    """
    items = [(s, e, REMOVAL, i) for i, (s, e) in enumerate(removed) if s < e]
    if not items:
        return []
    items += [(s, e, RUN, i) for i, (s, e) in enumerate(kept) if s < e]
    items.sort()
    found: list[tuple[int, str, int]] = []
    furthest: dict[str, tuple[int, int]] = {}  # kind → (end, index) of the range of that kind that ends furthest
    for start, end, kind, i in items:
        removal_end, removal = furthest.get(REMOVAL, (-1, -1))
        if kind == REMOVAL:
            run_end, run = furthest.get(RUN, (-1, -1))
            if removal_end > start:
                found.append((i, REMOVAL, removal))
            elif run_end > start:
                found.append((i, RUN, run))
        elif removal_end > start:
            found.append((removal, RUN, i))
        if end > furthest.get(kind, (-1, -1))[0]:
            furthest[kind] = (end, i)
    return found
