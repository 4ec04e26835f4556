"""Majority polarity: every stance of the gold (holder, target) pairs gets the polarity most frequent in train.

Finding holders and targets is left to the gold: this baseline isolates the polarity decision, so only the
``stances.polarity`` score means something (its holder and target scores are the gold's own, i.e. perfect).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import msgspec

from aces.baselines.inputs import predicted
from aces.record import Record
from aces.schema import labels


class MajorityPolarity:
    def __init__(self, train: Sequence[Record]) -> None:
        order = list(labels(train[0].schema_version).stance_polarities)
        counts = Counter(st.polarity for r in train for st in r.stances)
        self.polarity = min(counts, key=lambda p: (-counts[p], order.index(p)))

    def predict(self, gold: Record) -> Record:
        """Takes the gold record (its holders and targets are the input), returns it with every polarity replaced."""
        stances = tuple(msgspec.structs.replace(st, polarity=self.polarity) for st in gold.stances)
        return predicted(gold, entities=gold.entities, clusters=gold.clusters, events=gold.events, stances=stances)
