"""The export's array-built Docs are the Docs of the plain definition: tokens of ``aces.offsets.record_tokens``,
gaps of one space as trailing spaces, ``doc.set_ents`` of the flat mentions, a sentence start per segment.

The export computes all of this on offset arrays for speed; this file spells the definition out token by token and
checks the two agree on hand-made and random records (tokens, spaces, entity tags and ids, sentence starts), so a
DocBin written by the fast path is the one the definition gives.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from aces.convert.spacy_docbin import _blank_vocab, record_to_doc, words_and_spaces
from aces.offsets import flat_mentions, record_tokens
from aces.record import Record, from_dict
from aces.schema import known_versions
from spacy_samples import clitic_record, random_records
from strategies import records as valid_records

ENT_ATTRS = ("ENT_IOB", "ENT_TYPE", "ENT_ID", "SENT_START")


def reference_words_and_spaces(record: Record) -> tuple[list[str], list[bool]]:
    """The definition, one token at a time: ``record_tokens`` (no annotation plays a part); a gap that is exactly
    one space after a token is its trailing space, any other gap is one whitespace token."""
    text = record.text
    pieces: list[tuple[int, int]] = []
    spaces: list[bool] = []

    def gap(a: int, b: int) -> None:
        if text[a:b] == " " and pieces:
            spaces[-1] = True
            return
        pieces.append((a, b))
        spaces.append(False)

    pos = 0
    for a, b in record_tokens(record):
        if pos < a:
            gap(pos, a)
        pieces.append((a, b))
        spaces.append(False)
        pos = b
    if pos < len(text):
        gap(pos, len(text))
    return [text[a:b] for a, b in pieces], spaces


def assert_layout_is_the_definition(record: Record) -> None:
    from spacy.tokens import Doc

    words, spaces = reference_words_and_spaces(record)
    assert words_and_spaces(record) == (words, spaces)
    doc = record_to_doc(record)
    assert [t.text for t in doc] == words and [bool(t.whitespace_) for t in doc] == spaces
    expected = Doc(_blank_vocab(), words=words, spaces=spaces)
    ents, reached, tokens = [], -1, record_tokens(record)  # each flat mention on its covering tokens (flat_spans)
    for m in flat_mentions(record.entities):
        covering = [i for i, (a, b) in enumerate(tokens) if b > m.start and a < m.end]
        if covering and covering[0] > reached:
            a, b = tokens[covering[0]][0], tokens[covering[-1]][1]
            ents.append(expected.char_span(a, b, label=m.type, span_id=m.id, alignment_mode="strict"))
        if covering:
            reached = max(reached, covering[-1])
    expected.set_ents(ents, default="outside")
    segment_starts = {s.start for s in record.segments}
    for i, token in enumerate(expected):
        token.is_sent_start = i == 0 or token.idx in segment_starts
    assert doc.to_array(list(ENT_ATTRS)).tolist() == expected.to_array(list(ENT_ATTRS)).tolist()


def test_hand_made_record_with_clitics_is_the_definition() -> None:
    assert_layout_is_the_definition(clitic_record())


RANDOM = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(random_records())
def test_random_records_are_the_definition(record: Record) -> None:
    """Odd whitespace, spans starting or ending on spaces, emoji, nested and shared spans."""
    assert_layout_is_the_definition(record)


@RANDOM
@pytest.mark.parametrize("version", known_versions())
@given(data=hst.data())
def test_valid_records_of_every_version_are_the_definition(version: str, data: hst.DataObject) -> None:
    assert_layout_is_the_definition(from_dict(data.draw(valid_records(version=version, doc_id="t-layout"))))
