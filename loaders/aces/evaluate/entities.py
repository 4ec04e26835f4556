"""Entity mentions: exact match (span and type) overall and per type, and unlabelled match (span only).

Mentions are matched one-to-one (``aces.versions.match``), so a mention repeated on one side matches once. A
mention predicted with the right span but the wrong type is one false positive and one false negative for the
exact score, and a hit for the span score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from aces import record as rec
from aces.schema import CURRENT_VERSION, labels
from aces.versions.match import DocAlignment, mentions_exact
from aces.versions.scores import PRF

_EMPTY = PRF(0, 0, 0)


@dataclass(frozen=True)
class EntityCounts:
    """Per-type counts of gold (``a``), predicted (``b``) and exactly matched mentions; span matches overall."""

    gold: Counter[str] = field(default_factory=Counter)
    pred: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)
    span: PRF = _EMPTY

    def __add__(self, other: EntityCounts) -> EntityCounts:
        return EntityCounts(self.gold + other.gold, self.pred + other.pred, self.exact + other.exact,
                            self.span + other.span)  # fmt: skip

    def of_type(self, entity_type: str) -> PRF:
        return PRF(self.exact[entity_type], self.gold[entity_type], self.pred[entity_type])

    @property
    def total(self) -> PRF:
        return PRF(sum(self.exact.values()), sum(self.gold.values()), sum(self.pred.values()))


def count_entities(al: DocAlignment) -> EntityCounts:
    """Counts of one document pair (A = gold, B = prediction)."""
    a, b = al.a.entities, al.b.entities
    return EntityCounts(
        gold=Counter(m.type for m in a),
        pred=Counter(m.type for m in b),
        exact=Counter(x.type for x, _ in mentions_exact(a, b)),
        span=PRF(len(al.mention_span), len(a), len(b)),
    )


def type_order(records: list[rec.Record], seen: Iterable[str], every_known: bool = False) -> list[str]:
    """The ``seen`` types (``every_known``: all of the inventory's) in ``labels.json`` order, then any seen type
    the inventory lacks (never dropped), sorted."""
    version = records[0].schema_version if records else CURRENT_VERSION
    try:
        known = list(labels(version).entity_types)
    except KeyError:
        known = list(labels(CURRENT_VERSION).entity_types)
    seen = set(seen)
    return [t for t in known if every_known or t in seen] + sorted(seen - set(known))
