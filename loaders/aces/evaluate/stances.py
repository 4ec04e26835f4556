"""Stances: matched one-to-one on holder, on target, on target and polarity, and on all three.

- holder: the same holder (both the author, or the same entity; ``DocAlignment.refs_match``).
- target: the same target (the same entity or event, or overlapping proposition spans: a proposition's edges
  are fuzzy, the closer overlap wins a tie).
- polarity: the same target with the same polarity, holder ignored (how the text's attitude to a target is read).
- full: holder, target and polarity.

The pairing is ``DocAlignment.stances``; its default (holder and target, polarity ignored) is what
``aces agree`` and ``aces diff`` pair before comparing polarities.
"""

from __future__ import annotations

from dataclasses import dataclass

from aces.versions.match import DocAlignment
from aces.versions.scores import PRF

_EMPTY = PRF(0, 0, 0)


@dataclass(frozen=True)
class StanceCounts:
    """P/R/F1 counts of one document pair or, summed, of a corpus."""

    holder: PRF = _EMPTY
    target: PRF = _EMPTY
    polarity: PRF = _EMPTY
    full: PRF = _EMPTY

    def __add__(self, other: StanceCounts) -> StanceCounts:
        return StanceCounts(self.holder + other.holder, self.target + other.target, self.polarity + other.polarity,
                            self.full + other.full)  # fmt: skip

    def as_dict(self) -> dict:
        return {"holder": self.holder, "target": self.target, "polarity": self.polarity, "full": self.full}


def count_stances(al: DocAlignment) -> StanceCounts:
    """Counts of one document pair (A = gold, B = prediction)."""
    a, b = len(al.a.stances), len(al.b.stances)
    return StanceCounts(
        holder=PRF(len(al.stances(target=False)), a, b),
        target=PRF(len(al.stances(holder=False)), a, b),
        polarity=PRF(len(al.stances(holder=False, polarity=True)), a, b),
        full=PRF(len(al.stances(polarity=True)), a, b),
    )
