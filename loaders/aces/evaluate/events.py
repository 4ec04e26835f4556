"""Events, ACE style (Ji & Grishman 2008): triggers, then arguments inside events whose triggers match.

- trigger identification: same trigger span; classification: same span and event type.
- argument identification: the argument's event is matched by trigger span and type, and its reference
  matches a reference of the matched gold event (role ignored); classification: the role too.
- epistemic: the trigger is classified correctly and the epistemic status is the same.

References match as ``DocAlignment.refs_match`` says: mention to mention by exact span; when either side
points at a cluster, the two entities must share a span-matched mention (a mention standing for its whole
cluster), since the guidelines let an argument name the entity by any of its mentions or by its cluster.
Every matching is one-to-one, so one reference never earns two hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aces.versions.match import DocAlignment, events_by_span
from aces.versions.scores import PRF

_EMPTY = PRF(0, 0, 0)


@dataclass(frozen=True)
class EventCounts:
    """P/R/F1 counts of one document pair or, summed, of a corpus; ``epistemic_pairs``: (gold, predicted)
    status of every classified event, for agreement statistics."""

    trigger_identification: PRF = _EMPTY
    trigger_classification: PRF = _EMPTY
    argument_identification: PRF = _EMPTY
    argument_classification: PRF = _EMPTY
    epistemic: PRF = _EMPTY
    epistemic_pairs: list[tuple[str, str]] = field(default_factory=list)

    def __add__(self, other: EventCounts) -> EventCounts:
        return EventCounts(
            self.trigger_identification + other.trigger_identification,
            self.trigger_classification + other.trigger_classification,
            self.argument_identification + other.argument_identification,
            self.argument_classification + other.argument_classification,
            self.epistemic + other.epistemic,
            self.epistemic_pairs + other.epistemic_pairs,
        )

    def as_dict(self) -> dict:
        names = ("trigger_identification", "trigger_classification", "argument_identification",
                 "argument_classification", "epistemic")  # fmt: skip
        return {name: getattr(self, name) for name in names}


def count_events(al: DocAlignment) -> EventCounts:
    """Counts of one document pair (A = gold, B = prediction); ``al`` pairs events by trigger span and type."""
    a, b = al.a.events, al.b.events
    args_a, args_b = sum(len(e.arguments) for e in a), sum(len(e.arguments) for e in b)
    identified = classified = same_status = 0
    pairs = []
    for ae, be in al.event.items():
        x, y = al.a_index.events[ae], al.b_index.events[be]
        identified += len(al.arguments(x, y, role=False))
        classified += len(al.arguments(x, y))
        pairs.append((x.epistemic.status, y.epistemic.status))
        same_status += x.epistemic.status == y.epistemic.status
    return EventCounts(
        trigger_identification=PRF(len(events_by_span(a, b)), len(a), len(b)),
        trigger_classification=PRF(len(al.event), len(a), len(b)),
        argument_identification=PRF(identified, args_a, args_b),
        argument_classification=PRF(classified, args_a, args_b),
        epistemic=PRF(same_status, len(a), len(b)),
        epistemic_pairs=pairs,
    )
