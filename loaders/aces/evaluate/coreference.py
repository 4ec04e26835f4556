"""Coreference scores: MUC, B³, CEAF-e and the CoNLL-2012 F1, as in the CoNLL-2012 reference scorer.

Each metric compares a *key* partition K (gold, or side A) with a *response* partition R (prediction, or
side B) of mentions and returns raw numerators and denominators, so that scores over a corpus are
micro-averaged by summing them over documents (as the reference scorer does) before dividing. Mentions are
identified by span across sides (``DocAlignment.coref_partitions``): ``aces score`` keeps every mention of
both sides (a mention the other side lacks is "twinless" and costs recall or precision, as in Pradhan et al.
2014); ``aces agree`` keeps only the mentions both sides have, so it measures clustering apart from detection.

Singletons: MUC counts links, so a singleton cluster contributes nothing to either side (it cannot be
scored: a corpus of singletons has undefined MUC). B³ scores every mention, singletons included, and CEAF-e
aligns every entity, singletons included — as the reference scorer does when singletons are annotated.

Why not call ``scorch`` (MIT, the CoNLL-2012 alternative scorer) directly: it returns ratios per partition,
not the numerators and denominators a corpus-level micro-average sums, and it turns an undefined score
into 0.0 where ACES reports ``None``. ``tests/test_score_coreference.py`` proves these functions equal to
``scorch.scores.muc``/``b_cubed``/``ceaf_e`` on random and perturbed clusterings, wherever both are defined.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from aces.versions.match import DocAlignment, assign
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

    ``Φ*`` is the largest total φ4 of a one-to-one alignment of key and response entities (SciPy's
    ``linear_sum_assignment``); ``recall = Φ* / |key entities|``, ``precision = Φ* / |response entities|``.
    """
    weights = [[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key]
    best = sum(weights[i][j] for i, j in assign(weights))
    return Ratios(best, len(key), best, len(response))


def conll_f1(muc_f1: float | None, b3_f1: float | None, ceafe_f1: float | None) -> float | None:
    """The CoNLL-2012 score: the unweighted mean of MUC, B³ and CEAF-e F1; ``None`` if any is undefined."""
    scores = (muc_f1, b3_f1, ceafe_f1)
    if any(s is None for s in scores):
        return None
    return sum(scores) / 3  # type: ignore[arg-type]


@dataclass(frozen=True)
class CorefCounts:
    """The three metrics' ratios of one document or, summed, of a corpus."""

    muc: Ratios = Ratios()
    b_cubed: Ratios = Ratios()
    ceaf_e: Ratios = Ratios()

    def __add__(self, other: CorefCounts) -> CorefCounts:
        return CorefCounts(self.muc + other.muc, self.b_cubed + other.b_cubed, self.ceaf_e + other.ceaf_e)

    @property
    def conll_f1(self) -> float | None:
        return conll_f1(self.muc.f1, self.b_cubed.f1, self.ceaf_e.f1)

    def as_dict(self) -> dict:
        return {"muc": self.muc.as_dict(), "b_cubed": self.b_cubed.as_dict(), "ceaf_e": self.ceaf_e.as_dict(),
                "conll_f1": self.conll_f1}  # fmt: skip


def count_coreference(al: DocAlignment, twinless: bool) -> CorefCounts:
    """MUC, B³ and CEAF-e of one document pair; ``twinless``: keep mentions only one side has (module docstring)."""
    key, response = al.coref_partitions(twinless)
    return CorefCounts(muc(key, response), b_cubed(key, response), ceaf_e(key, response))
