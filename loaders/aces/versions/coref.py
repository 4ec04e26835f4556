"""Coreference agreement: MUC, B³ and CEAF-e, as in the CoNLL-2012 reference scorer.

Each metric compares a *key* partition K (side A) with a *response* partition R (side B) of mentions and
returns raw numerators and denominators, so that scores over a corpus are micro-averaged by summing them
over documents (as the reference scorer does) before dividing. In ``aces agree`` both partitions are over
the same mentions: those matched exactly by span between A and B, each A cluster and each B cluster
restricted to them.

Singletons: MUC counts links, so a singleton cluster contributes nothing to either side (it cannot be
scored: a corpus of singletons has undefined MUC). B³ scores every mention, singletons included, and CEAF-e
aligns every entity, singletons included — as the reference scorer does when singletons are annotated.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from aces.versions.assignment import max_weight_assignment
from aces.versions.scores import harmonic

Partition = Sequence[frozenset[Hashable]]


@dataclass(frozen=True)
class Ratios:
    """``recall = r_num / r_den`` and ``precision = p_num / p_den``; summable across documents."""

    r_num: float = 0.0
    r_den: float = 0.0
    p_num: float = 0.0
    p_den: float = 0.0

    def __add__(self, other: Ratios) -> Ratios:
        return Ratios(self.r_num + other.r_num, self.r_den + other.r_den, self.p_num + other.p_num,
                      self.p_den + other.p_den)  # fmt: skip

    @property
    def recall(self) -> float | None:
        return self.r_num / self.r_den if self.r_den else None

    @property
    def precision(self) -> float | None:
        return self.p_num / self.p_den if self.p_den else None

    @property
    def f1(self) -> float | None:
        return harmonic(self.precision, self.recall)

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _muc_side(key: Partition, response: Partition) -> tuple[float, float]:
    """Vilain et al. (1995): ``Σ_K (|K| − |p(K)|)`` over ``Σ_K (|K| − 1)``.

    ``p(K)`` is the partition of K induced by the response, where key mentions absent from every response
    cluster are parts of their own: ``|K| − |p(K)|`` is the number of K's links that the response keeps.
    """
    owner = {m: i for i, cluster in enumerate(response) for m in cluster}
    num = den = 0
    for cluster in key:
        parts = {owner.get(m, ("alone", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def muc(key: Partition, response: Partition) -> Ratios:
    """MUC link-based score: recall from the key's links, precision from the response's."""
    r_num, r_den = _muc_side(key, response)
    p_num, p_den = _muc_side(response, key)
    return Ratios(r_num, r_den, p_num, p_den)


def _b3_side(key: Partition, response: Partition) -> tuple[float, float]:
    """Bagga & Baldwin (1998), per mention m: ``|K(m) ∩ R(m)| / |K(m)|``; summed, over the key mentions."""
    owner = {m: cluster for cluster in response for m in cluster}
    num = 0.0
    den = 0
    for cluster in key:
        for m in cluster:
            num += len(cluster & owner.get(m, frozenset())) / len(cluster)
            den += 1
    return num, den


def b_cubed(key: Partition, response: Partition) -> Ratios:
    """B³ mention-based score: every mention (singletons too) weighs the same."""
    r_num, r_den = _b3_side(key, response)
    p_num, p_den = _b3_side(response, key)
    return Ratios(r_num, r_den, p_num, p_den)


def ceaf_e(key: Partition, response: Partition) -> Ratios:
    """Luo (2005) entity-based CEAF with ``φ4(K, R) = 2·|K ∩ R| / (|K| + |R|)``.

    ``Φ*`` is the largest total φ4 of a one-to-one alignment of key and response entities (Hungarian
    algorithm); ``recall = Φ* / |key entities|``, ``precision = Φ* / |response entities|``.
    """
    weights = [[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key]
    best, _ = max_weight_assignment(weights)
    return Ratios(best, len(key), best, len(response))


def conll_f1(muc_f1: float | None, b3_f1: float | None, ceafe_f1: float | None) -> float | None:
    """The CoNLL-2012 score: the unweighted mean of MUC, B³ and CEAF-e F1; ``None`` if any is undefined."""
    scores = (muc_f1, b3_f1, ceafe_f1)
    if any(s is None for s in scores):
        return None
    return sum(scores) / 3  # type: ignore[arg-type]
