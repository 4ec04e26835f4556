"""MUC, B³ and CEAF-e on textbook partitions, with the arithmetic written out."""

from __future__ import annotations

import pytest

from aces.evaluate.coreference import b_cubed, ceaf_e, conll_f1, muc


def part(*clusters: str) -> list[frozenset[str]]:
    """``part("12345", "67")`` → [{1,2,3,4,5}, {6,7}] (one character per mention)."""
    return [frozenset(c) for c in clusters]


# Bagga & Baldwin (1998) / Vilain et al. (1995) example: the response merges two key entities.
KEY = part("12345", "67", "89ABC")
RESPONSE = part("12345", "6789ABC")


def test_muc_textbook() -> None:
    # Recall: key links (5-1)+(2-1)+(5-1) = 9; each key entity stays in one response entity → 9/9 = 1.
    # Precision: response links (5-1)+(7-1) = 10; {6..C} is split by the key in 2 → kept 4 + (7-2) = 9 → 9/10.
    score = muc(KEY, RESPONSE)
    assert score.recall == pytest.approx(1.0)
    assert score.precision == pytest.approx(0.9)
    assert score.f1 == pytest.approx(2 * 0.9 / 1.9)


def test_b_cubed_textbook() -> None:
    # Recall 1 (every key entity lies inside one response entity).
    # Precision per mention: 1..5 → 5/5; 6,7 → 2/7; 8..C → 5/7; (5·1 + 2·2/7 + 5·5/7)/12 = (64/7)/12 = 0.7619
    # (B&B report 76% for this example.)
    score = b_cubed(KEY, RESPONSE)
    assert score.recall == pytest.approx(1.0)
    assert score.precision == pytest.approx(64 / 84)


def test_ceaf_e_textbook() -> None:
    # φ4: {12345}-{12345} = 1; {89ABC}-{6789ABC} = 2·5/(5+7) = 5/6; {67}-{6789ABC} = 2·2/9 = 4/9.
    # Best alignment 1 + 5/6 = 11/6; recall (11/6)/3 key entities, precision (11/6)/2 response entities.
    score = ceaf_e(KEY, RESPONSE)
    assert score.recall == pytest.approx(11 / 18)
    assert score.precision == pytest.approx(11 / 12)


def test_identical_partitions_score_one() -> None:
    p = part("ab", "c", "def")
    for metric in (muc, b_cubed, ceaf_e):
        assert metric(p, p).f1 == pytest.approx(1.0)


def test_singletons_muc_undefined_b3_and_ceafe_count_them() -> None:
    # No links on either side: MUC has nothing to score (0/0) while B³ and CEAF-e still see 3 entities.
    p = part("a", "b", "c")
    assert muc(p, p).f1 is None
    assert b_cubed(p, p).f1 == pytest.approx(1.0)
    assert ceaf_e(p, p).f1 == pytest.approx(1.0)
    assert conll_f1(None, 1.0, 1.0) is None


def test_everything_merged() -> None:
    key, response = part("a", "b", "c"), part("abc")
    # MUC: key has no link (recall 0/0, undefined); response's 2 links are all split by the key → precision 0.
    m = muc(key, response)
    assert m.recall is None and m.precision == 0 and m.f1 == 0.0
    # B³: recall 1; precision 1/3 for each mention.
    assert b_cubed(key, response).precision == pytest.approx(1 / 3)
    # CEAF-e: best φ4 = 2·1/(1+3) = 1/2; recall (1/2)/3, precision (1/2)/1.
    c = ceaf_e(key, response)
    assert (c.recall, c.precision) == (pytest.approx(1 / 6), pytest.approx(1 / 2))


def test_ratios_sum_across_documents() -> None:
    # Micro-average: document 1 (textbook) + document 2 (identical, 2 links) → MUC recall (9+2)/(9+2),
    # precision (9+2)/(10+2) = 11/12, not the mean of 0.9 and 1.
    doc2 = part("xyz")
    total = muc(KEY, RESPONSE) + muc(doc2, doc2)
    assert total.precision == pytest.approx(11 / 12)
    assert total.recall == pytest.approx(1.0)
