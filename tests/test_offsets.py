"""Offsets at the boundaries: UTF-16 for doccano, tokens and BIO for spaCy/NER views."""

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from aces.offsets import base_tokens, bio_tags, bio_to_spans, from_utf16, split_at, to_utf16, utf16_len
from aces.record import Mention

ARABIC_WITH_EMOJI = st.text(
    alphabet=st.sampled_from([*list('وبلكفالداعشطبنأفغستن "،.'), "😀", "🇦", "🇫", "َ", "e"]), max_size=60
)


@given(ARABIC_WITH_EMOJI)
def test_utf16_round_trip_every_offset(text: str) -> None:
    for i in range(len(text) + 1):
        assert from_utf16(text, to_utf16(text, i)) == i
    assert utf16_len(text) == len(text.encode("utf-16-le")) // 2


def test_emoji_shifts_utf16_offsets_by_one() -> None:
    text = "😀 لأفغانستان"
    assert to_utf16(text, 3) == 4  # the span «أفغانستان» starts at code point 3, UTF-16 unit 4
    assert from_utf16(text, 4) == 3


def test_offset_inside_surrogate_pair_is_refused() -> None:
    try:
        from_utf16("😀x", 1)
    except ValueError as err:
        assert "surrogate" in str(err)
    else:
        raise AssertionError("an offset inside a surrogate pair must not be silently accepted")


def test_proclitic_spans_become_token_sequences() -> None:
    text = 'و"داعش لأفغانستان بكابول'
    spans = [(2, 6), (8, 17), (19, 24)]  # داعش, أفغانستان, كابول
    for a, b in spans:
        assert text[a:b] in {"داعش", "أفغانستان", "كابول"}
    assert [t.text for t in spacy.blank("ar").tokenizer(text)][-2] == "لأفغانستان"  # spaCy keeps ل attached
    tokens = base_tokens(text)  # aces.text.clitics splits it (and و, the quote) off, without knowing the spans
    for a, b in spans:
        assert (a, b) in tokens
    assert "".join(text[a:b] for a, b in tokens) == text.replace(" ", "")


@settings(deadline=None)  # the first call loads spaCy's tokenizer
@given(st.lists(st.integers(0, 30), max_size=8))
def test_split_at_keeps_every_character(cuts: list[int]) -> None:
    text = "ولفت أتمر إلى أن تنظيم داعش 😀 بدأ"
    tokens = split_at(base_tokens(text), cuts)
    assert "".join(text[a:b] for a, b in tokens) == "".join(text[a:b] for a, b in base_tokens(text))
    starts = {a for a, _ in tokens} | {b for _, b in tokens}
    inside = [c for c in cuts if any(a < c < b for a, b in base_tokens(text))]
    assert set(inside) <= starts


def test_bio_round_trip_with_nested_mentions_keeps_outermost() -> None:
    text = "مخابرات طالبان في بلخ"
    outer = Mention("d:m1", 0, 14, "مخابرات طالبان", "ORG", "NAM")
    inner = Mention("d:m2", 8, 14, "طالبان", "ORG", "NAM")
    place = Mention("d:m3", 18, 21, "بلخ", "GPE", "NAM")
    tokens = split_at(base_tokens(text), [0, 14, 8, 18, 21])
    tags = bio_tags(tokens, [inner, outer, place])
    assert tags == ["B-ORG", "I-ORG", "O", "B-GPE"]
    assert bio_to_spans(tokens, tags) == [(0, 14, "ORG"), (18, 21, "GPE")]
