"""The trigger lexicon: every event trigger string of ``train`` found again in new text, typed as it mostly was.

Events get no arguments and the epistemic status most frequent in train among those that need no source (a
lexicon cannot tell who claims an event); argument scores of this baseline are therefore zero by design.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from aces.baselines import lexicon
from aces.baselines.inputs import predicted, tokens
from aces.record import Epistemic, Event, Record, Span
from aces.schema import labels


class TriggerLexicon:
    def __init__(self, train: Sequence[Record]) -> None:
        lab = labels(train[0].schema_version)
        self.types = lexicon.learn(train, _triggers, lab.event_types)
        needs_source = {s for s, rule in lab.epistemic_source.items() if rule == "required"}
        statuses = Counter(ev.epistemic.status for r in train for ev in r.events if ev.epistemic.source is None)
        self.status = next(
            (s for s, _ in statuses.most_common() if s not in needs_source), next(iter(lab.epistemic_statuses))
        )

    def predict(self, record: Record) -> Record:
        events = tuple(
            Event(
                f"{record.id}:e{n}",
                etype,
                Span(start, end, record.text[start:end]),
                (),
                Epistemic(self.status, None),
            )
            for n, (start, end, etype) in enumerate(lexicon.find(record.text, tokens(record), self.types), start=1)
        )
        return predicted(record, events=events)


def _triggers(record: Record) -> Iterable[tuple[int, int, str]]:
    return ((ev.trigger.start, ev.trigger.end, ev.type) for ev in record.events)
