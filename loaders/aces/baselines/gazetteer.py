"""The train-set gazetteer: every mention string of ``train`` found again in new text, with string-match coreference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from aces.baselines import lexicon
from aces.baselines.inputs import tokens, with_mentions
from aces.record import Record
from aces.schema import labels


class Gazetteer:
    """Mention strings of the training records → (entity type, mention form)."""

    def __init__(self, train: Sequence[Record]) -> None:
        lab = labels(train[0].schema_version)
        self.types = lexicon.learn(train, _typed, lab.entity_types)
        forms: dict[str, Counter[str]] = {}
        for record in train:
            for m in record.entities:
                forms.setdefault(m.text, Counter())[m.form] += 1
        self.forms = {s: forms[s].most_common(1)[0][0] for s in self.types}

    def predict(self, record: Record) -> Record:
        found = lexicon.find(record.text, tokens(record), self.types)
        return with_mentions(
            record, ((start, end, etype, self.forms[record.text[start:end]]) for start, end, etype in found)
        )


def _typed(record: Record) -> Iterable[tuple[int, int, str]]:
    return ((m.start, m.end, m.type) for m in record.entities)
