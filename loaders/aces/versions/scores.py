"""Agreement statistics on counts and label pairs: F1, Cohen's kappa, Krippendorff's alpha (nominal).

Kappa and alpha are implemented here rather than imported. Alpha: the one small maintained alpha library on
PyPI (``krippendorff``) is GPL-3.0 while this package is Apache-2.0, so it may only be a test dependency, and
``tests/test_agree_scores.py`` proves this alpha equal to ``krippendorff.alpha(..., level_of_measurement=
"nominal")`` on random data. Kappa: scikit-learn's ``cohen_kappa_score`` is the only maintained one, and
scikit-learn is not a dependency of the package (only of the optional baselines) for a ten-line formula.
Both are also checked against hand-computed and textbook values there.

Undefined values are ``None`` (JSON ``null``), never a made-up 0 or 1: a reader must be able to tell
"nothing to compare" from "no agreement".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    """Precision/recall/F1 of side B against side A (A is the reference).

    ``precision = tp / b``, ``recall = tp / a`` and ``f1 = 2·tp / (a + b)``, which equals the harmonic mean of
    precision and recall and is symmetric in A and B. A ratio whose denominator is 0 is ``None``; ``f1`` is
    ``None`` only when both sides are empty.
    """

    tp: int
    a: int
    b: int

    @property
    def precision(self) -> float | None:
        return self.tp / self.b if self.b else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.a if self.a else None

    @property
    def f1(self) -> float | None:
        return 2 * self.tp / (self.a + self.b) if self.a + self.b else None

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.a + other.a, self.b + other.b)

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "matched": self.tp, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}  # fmt: skip


def harmonic(precision: float | None, recall: float | None) -> float | None:
    """F1 from a precision and a recall that are not simple counts (MUC, B³, CEAF-e).

    Both undefined → ``None``; one undefined (one side has nothing to score) → 0.0, since the other side's
    items went unmatched; ``P = R = 0`` → 0.0.
    """
    if precision is None and recall is None:
        return None
    if precision is None or recall is None or precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def observed_agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Share of pairs whose two labels are equal; ``None`` for no pairs."""
    if not pairs:
        return None
    return sum(a == b for a, b in pairs) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two coders, one label each per item: ``(p_o − p_e) / (1 − p_e)``.

    ``p_o`` is the observed agreement; ``p_e = Σ_k p_A(k)·p_B(k)`` is the agreement expected if each coder
    drew labels independently from their own label distribution. ``None`` when there are no pairs or when
    ``p_e = 1`` (both coders used one and the same label throughout: chance explains everything, kappa is 0/0).
    """
    n = len(pairs)
    if not n:
        return None
    count_a = Counter(a for a, _ in pairs)
    count_b = Counter(b for _, b in pairs)
    p_o = sum(a == b for a, b in pairs) / n
    p_e = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if p_e == 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data: ``α = 1 − D_o / D_e``, via the coincidence matrix.

    ``units`` holds, per unit, the values the coders gave it (``None`` = missing). Units with fewer than two
    values are not pairable and are dropped. Each pairable unit u with ``m_u`` values adds ``1 / (m_u − 1)``
    to the coincidence ``o[c, k]`` for every ordered pair of its values from different coders. With
    ``n_c = Σ_k o[c, k]`` and ``n = Σ_c n_c`` (the number of pairable values):

        ``α = 1 − (n − 1) · Σ_{c≠k} o[c, k] / Σ_{c≠k} n_c · n_k``

    For two coders without missing values this differs from Cohen's kappa by a small-sample correction
    (expected disagreement from the pooled, not per-coder, distribution). ``None`` when no unit is pairable
    or only one value occurs at all (``D_e = 0``).
    """
    coincidence: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidence[c, k] += 1 / (m - 1)
    marginals: Counter[Hashable] = Counter()
    for (c, _), count in coincidence.items():
        marginals[c] += count
    n = sum(marginals.values())
    disagree_observed = sum(count for (c, k), count in coincidence.items() if c != k)
    disagree_expected = sum(marginals[c] * marginals[k] for c in marginals for k in marginals if c != k)
    if not n or not disagree_expected:
        return None
    return 1 - (n - 1) * disagree_observed / disagree_expected
