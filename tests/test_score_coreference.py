"""Our MUC, B³ and CEAF-e equal scorch's (the MIT CoNLL-2012 scorer) on random and perturbed clusterings.

``aces.evaluate.coreference`` keeps its own functions for summable counts and ``None`` for undefined scores
(its docstring); these tests are what licenses that: wherever a score is defined, it is scorch's number.
"""

from __future__ import annotations

import statistics
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scorch import scores as scorch

from aces.evaluate.coreference import Ratios, b_cubed, ceaf_e, muc

METRICS = {"muc": (muc, scorch.muc), "b_cubed": (b_cubed, scorch.b_cubed), "ceaf_e": (ceaf_e, scorch.ceaf_e)}


@st.composite
def clusterings(draw: st.DrawFn) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    """A key partition and a response made from it by moving, dropping and adding mentions (twinless ones too)."""
    n = draw(st.integers(1, 14))
    key_of = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    response_of = []
    for mention, cluster in enumerate(key_of):
        move = draw(st.sampled_from(["keep", "keep", "move", "drop", "split"]))
        if move == "keep":
            response_of.append((mention, cluster))
        elif move == "move":
            response_of.append((mention, draw(st.integers(0, 4))))
        elif move == "split":
            response_of.append((mention, 100 + mention))
    extra = draw(st.integers(0, 3))  # mentions only the response has
    response_of += [(1000 + i, draw(st.integers(0, 4))) for i in range(extra)]

    def partition(pairs: list[tuple[int, int]]) -> list[frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for mention, cluster in pairs:
            groups.setdefault(cluster, set()).add(mention)
        return [frozenset(g) for g in groups.values()]

    return partition(list(enumerate(key_of))), partition(response_of)


def _harmonic_mean(values: tuple[float, float]) -> float:
    """scorch 0.2's F1 with one known crash avoided: ``statistics.harmonic_mean`` of NumPy zeros (CEAF-e when no
    entity aligns) raises instead of giving 0. Its recall and precision are used as they are."""
    return 0.0 if 0 in values else statistics.harmonic_mean([float(v) for v in values])


def _scorch(metric, key: list[frozenset], response: list[frozenset]) -> tuple[float, float, float]:
    with mock.patch.object(scorch, "harmonic_mean", _harmonic_mean):
        return metric([set(k) for k in key], [set(r) for r in response])


def _same(ours: Ratios, theirs: tuple[float, float, float]) -> None:
    recall, precision, f1 = theirs
    if ours.recall is not None:
        assert ours.recall == pytest.approx(recall, abs=1e-12)
    if ours.precision is not None:
        assert ours.precision == pytest.approx(precision, abs=1e-12)
    if ours.f1 is not None:
        assert ours.f1 == pytest.approx(f1, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(clusterings())
def test_every_metric_equals_scorch_on_perturbed_clusterings(parts: tuple[list, list]) -> None:
    key, response = parts
    for ours, theirs in METRICS.values():
        _same(ours(key, response), _scorch(theirs, key, response))


@settings(max_examples=100, deadline=None)
@given(st.lists(clusterings(), min_size=1, max_size=4))
def test_summing_documents_equals_scorch_on_the_whole_corpus(documents: list[tuple[list, list]]) -> None:
    """The corpus score (ratios summed over documents) is scorch's score of all documents as one partition."""
    key = [{(d, m) for m in k} for d, (ks, _) in enumerate(documents) for k in ks]
    response = [{(d, m) for m in r} for d, (_, rs) in enumerate(documents) for r in rs]
    for ours, theirs in METRICS.values():
        total = sum((ours(k, r) for k, r in documents), Ratios())
        _same(total, _scorch(theirs, key, response))


def test_undefined_is_none_where_scorch_says_zero() -> None:
    """The one deliberate difference: MUC of singletons has no links to score; ACES says so, scorch says 0."""
    key = [frozenset({1}), frozenset({2})]
    assert scorch.muc([set(k) for k in key], [set(k) for k in key]) == (0.0, 0.0, 0.0)
    assert muc(key, key).f1 is None
