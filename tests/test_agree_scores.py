"""F1, Cohen's kappa, Krippendorff's alpha and the assignment wrapper, against hand-computed, textbook and library
values (``krippendorff``, GPL-3.0, is a test-only dependency)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aces.versions.match import assign
from aces.versions.scores import PRF, cohen_kappa, harmonic, krippendorff_alpha_nominal, observed_agreement


def test_f1_is_harmonic_mean_of_precision_and_recall() -> None:
    # 5 items in A, 4 in B, 3 matched: P = 3/4, R = 3/5, F1 = 2·(3/4)·(3/5)/(3/4+3/5) = 0.9/1.35 = 2/3 = 2·3/(5+4)
    prf = PRF(tp=3, a=5, b=4)
    assert prf.precision == pytest.approx(3 / 4)
    assert prf.recall == pytest.approx(3 / 5)
    assert prf.f1 == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5)) == pytest.approx(2 / 3)


def test_f1_undefined_only_when_both_sides_are_empty() -> None:
    assert PRF(0, 0, 0).f1 is None and PRF(0, 0, 0).precision is None
    only_a = PRF(0, 3, 0)  # B annotated nothing: precision undefined, recall 0, F1 0
    assert only_a.precision is None and only_a.recall == 0 and only_a.f1 == 0
    assert (PRF(1, 2, 3) + PRF(2, 2, 1)) == PRF(3, 4, 4)


def test_harmonic_handles_undefined_sides() -> None:
    assert harmonic(None, None) is None
    assert harmonic(None, 0.5) == 0.0
    assert harmonic(0.0, 0.0) == 0.0
    assert harmonic(1.0, 0.5) == pytest.approx(2 / 3)


def test_kappa_textbook_example() -> None:
    # Wikipedia "Cohen's kappa", worked example: 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    # p_o = (20+15)/50 = 0.7; p_e = (25/50)(30/50) + (25/50)(20/50) = 0.3 + 0.2 = 0.5; κ = (0.7-0.5)/(1-0.5) = 0.4
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    assert observed_agreement(pairs) == pytest.approx(0.7)
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_hand_table() -> None:
    # Polarities of three matched stances: (AGAINST, AGAINST), (FAVOR, FAVOR), (FAVOR, AGAINST).
    # p_o = 2/3; A: AGAINST 1, FAVOR 2; B: AGAINST 2, FAVOR 1; p_e = (1·2 + 2·1)/9 = 4/9
    # κ = (2/3 - 4/9) / (1 - 4/9) = (2/9)/(5/9) = 0.4
    pairs = [("AGAINST", "AGAINST"), ("FAVOR", "FAVOR"), ("FAVOR", "AGAINST")]
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_limits() -> None:
    assert cohen_kappa([("a", "a"), ("b", "b"), ("c", "c")]) == pytest.approx(1.0)
    # systematic disagreement on two balanced labels: p_o = 0, p_e = 1/2, κ = -1
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)
    # one label used by both throughout: p_e = 1, κ = 0/0 → undefined, not 1 and not 0
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None
    assert cohen_kappa([]) is None and observed_agreement([]) is None


def test_alpha_hand_table() -> None:
    # Same three pairs as the kappa table. Coincidences: o(A,A) = 2, o(F,F) = 2, o(A,F) = o(F,A) = 1;
    # n_A = 3, n_F = 3, n = 6. α = 1 - (n-1)·Σ_{c≠k} o / Σ_{c≠k} n_c·n_k = 1 - 5·2/(3·3·2) = 1 - 10/18 = 4/9
    pairs = [("AGAINST", "AGAINST"), ("FAVOR", "FAVOR"), ("FAVOR", "AGAINST")]
    assert krippendorff_alpha_nominal(pairs) == pytest.approx(4 / 9)


def test_alpha_textbook_two_coders_binary() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", A: binary data, two observers.
    # Pairs (0,0) ×5 → o00 = 10; (0,1)/(1,0) ×4 → o01 = o10 = 4; (1,1) ×1 → o11 = 2; n0 = 14, n1 = 6, n = 20.
    # α = 1 - 19·4/(14·6) = 1 - 76/84 = 0.095 (published value)
    coder_a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    coder_b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    alpha = krippendorff_alpha_nominal(zip(coder_a, coder_b, strict=True))
    assert alpha == pytest.approx(1 - 76 / 84)
    assert round(alpha, 3) == 0.095


def test_alpha_textbook_four_coders_missing_values() -> None:
    # Krippendorff (2011), C: nominal data, four observers, missing values (None); published α = 0.743.
    n = None
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    alpha = krippendorff_alpha_nominal(zip(*observers, strict=True))
    assert round(alpha, 3) == 0.743
    assert alpha == pytest.approx(113 / 152)  # 1 - 39/152; also what the `krippendorff` package returns


def test_alpha_limits() -> None:
    assert krippendorff_alpha_nominal([("a", "a"), ("b", "b")]) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal([("a", "a"), ("a", "a")]) is None  # no variation: D_e = 0
    assert krippendorff_alpha_nominal([]) is None
    assert krippendorff_alpha_nominal([("a", None)]) is None  # nothing pairable


def test_assignment_known_matrix() -> None:
    # Greedy would take 9 (row 0, col 0) and then 1; the optimum pairs 8 + 7 = 15.
    assert assign([[9, 8], [7, 1]]) == [(0, 1), (1, 0)]
    assert assign([]) == []
    # rectangular, and zero-weight pairs are not reported as aligned
    assert assign([[0, 0, 3], [0, 0, 0]]) == [(0, 2)]
    assert assign([[0, 0], [0, 5], [4, 0]]) == [(1, 1), (2, 0)]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(0, 9), min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    )
)
def test_assignment_equals_brute_force(weights: list[list[int]]) -> None:
    rows, cols = len(weights), len(weights[0])
    if rows <= cols:
        best = max(sum(weights[r][c] for r, c in enumerate(p)) for p in itertools.permutations(range(cols), rows))
    else:
        best = max(sum(weights[r][c] for c, r in enumerate(p)) for p in itertools.permutations(range(rows), cols))
    pairs = assign(weights)
    assert len({r for r, _ in pairs}) == len(pairs) == len({c for _, c in pairs})
    assert sum(weights[r][c] for r, c in pairs) == pytest.approx(best)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda coders: st.lists(
            st.lists(st.sampled_from(["a", "b", "c", None]), min_size=coders, max_size=coders), min_size=1, max_size=12
        )
    )
)
def test_alpha_equals_the_krippendorff_package(units: list[list[str | None]]) -> None:
    """The hand-written alpha is kept only for its licence (module docstring); it must equal the GPL package."""
    import krippendorff
    import numpy as np

    ours = krippendorff_alpha_nominal(units)
    codes = {"a": 0.0, "b": 1.0, "c": 2.0, None: np.nan}
    reliability = np.array([[codes[v] for v in unit] for unit in units]).T  # coders × units
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    if ours is None:
        # undefined for us (nothing pairable, or a single value throughout): the package refuses or gives nan/0/1
        assert not pairable or len({v for u in pairable for v in u if v is not None}) == 1
        return
    theirs = krippendorff.alpha(
        reliability_data=reliability, level_of_measurement="nominal", value_domain=[0.0, 1.0, 2.0]
    )
    assert ours == pytest.approx(theirs, abs=1e-9)
