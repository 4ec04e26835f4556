"""The build's batch steps for the ``ner`` config give what their one-record definitions give: the flat mention
layer, the tokens of the bare-vocabulary tokenizer, the cut offsets."""

from __future__ import annotations

import itertools

import numpy as np
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from aces.offsets import flat_layers, flat_mentions, joined_bounds
from aces.record import Mention, Provenance, Record, Segment
from aces.text.clitics import clitic_cuts

WORDS = ["ولفت", "لأفغانستان", 'و"داعش', "😀", "بكابول", "🇦🇫", "e", "50%", "«طالبان»", "👍🏽قال", "https://x.org/a"]
SPACES = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u3000", "\u2029", " \u00a0 "]


NLP = spacy.blank("ar")


def _record(n: int, spans: list[tuple[int, int]]) -> Record:
    mentions = tuple(Mention(f"d{n}:m{i}", a, b, "x", "PER", "NAM") for i, (a, b) in enumerate(spans, 1))
    provenance = Provenance("s", "raw/x.txt", "0" * 64, (), ())
    return Record(
        "1.1.0", f"d{n}", "ar", "train", "x" * 40, provenance, (Segment(f"d{n}:seg1", "title", 0, 40),), mentions
    )


edge = st.integers(-1, 24)
nested = st.integers(0, 6).flatmap(lambda a: st.tuples(st.just(a), st.integers(a + 1, a + 8)))
spans = st.lists(st.one_of(nested, st.tuples(edge, edge)), max_size=10)


@settings(deadline=None, max_examples=400)
@given(st.lists(st.one_of(spans, st.lists(nested, max_size=10)), min_size=1, max_size=5))
def test_flat_layers_are_flat_mentions_record_by_record(batch: list[list[tuple[int, int]]]) -> None:
    records = [_record(n, s) for n, s in enumerate(batch)]
    mentions, owner, starts, ends = flat_layers(records)
    expected = [(k, m) for k, r in enumerate(records) for m in flat_mentions(r.entities)]
    assert [m.id for m in mentions] == [m.id for _, m in expected]  # same mentions, same order
    assert owner.tolist() == [k for k, _ in expected]
    assert starts.tolist() == [m.start for m in mentions] and ends.tolist() == [m.end for m in mentions]


def test_flat_layers_of_nested_spans_keep_the_outermost_and_the_first_of_identical_ones() -> None:
    record = _record(0, [(5, 9), (0, 12), (2, 4), (14, 20), (14, 20), (15, 16), (21, 23)])
    mentions, _, _, _ = flat_layers([record])
    assert [m.id for m in mentions] == ["d0:m2", "d0:m4", "d0:m7"]


@settings(deadline=None, max_examples=200)  # the first example loads spaCy's tokenizer
@given(st.lists(st.lists(st.sampled_from(WORDS + SPACES), max_size=12), min_size=1, max_size=4))
def test_joined_bounds_are_the_default_tokenizers_non_space_tokens_of_each_text(pieces: list[list[str]]) -> None:
    texts = ["".join(p) for p in pieces]
    bases = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    starts, ends = joined_bounds(texts, bases, "\n".join(texts))
    # spaCy's default vocabulary, the tokens it marks IS_SPACE dropped, each token split at its clitic_cuts
    expected = []
    for text, base in zip(texts, bases, strict=True):
        for token in NLP.tokenizer(text):
            if not token.is_space:
                edges = [0, *clitic_cuts(token.text), len(token)]
                expected += [(token.idx + base + a, token.idx + base + b) for a, b in itertools.pairwise(edges)]
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == expected
