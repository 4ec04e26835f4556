"""Character classes of a whole batch of texts at once, for the validator's fast path.

The fast path asks the same few questions of many characters: is it part of a word, a combining mark, space,
punctuation, invisible, an emoji, a character a PII pattern could start with? Asking them one character at a
time in Python is what made validation slow, so a batch of texts becomes one array of code points and one
lookup in a table of class bits. The bits are computed by the very predicates the reporting levels use
(``level1_file``, ``level4_guidelines``, ``level5_corpus``), one code point at a time, the first time that code
point is seen; the table is filled lazily, so a run pays only for the characters its corpus uses.
"""

from __future__ import annotations

import re

import numpy as np

from aces.validate.level1_file import _ANY_INVISIBLE, _EMOJI
from aces.validate.level4_guidelines import _is_mark, _is_punct, _is_word

WORD = 1 << 0
MARK = 1 << 1
SPACE = 1 << 2
PUNCT = 1 << 3  # punctuation that may not sit at a span's edge (level 4)
INVISIBLE = 1 << 4  # level 1's invisible characters (controls, bidi, zero-width)
EMOJI = 1 << 5  # level 1's emoji characters, the ones a zero-width joiner may sit between
ASCII_DIGIT = 1 << 6
BASE64 = 1 << 7  # [A-Za-z0-9+/_-], the alphabets of a base64 token, standard and URL-safe
PHONE = 1 << 8  # [\d ().+-] with \d any decimal digit, the characters of a phone-number candidate
HEX = 1 << 9  # [0-9A-Fa-f], the digits of an IPv6 group
_KNOWN = 1 << 15

_EMOJI_CHAR = re.compile(f"[{_EMOJI}]")
_BASE64_CHAR = re.compile(r"[A-Za-z0-9+/_-]")
_PHONE_CHAR = re.compile(r"[\d ().+-]")
_TABLE = np.zeros(0x110000, dtype=np.uint16)


def _bits(ch: str) -> int:
    bits = _KNOWN
    for flag, test in (
        (WORD, _is_word(ch)),
        (MARK, _is_mark(ch)),
        (SPACE, ch.isspace()),
        (PUNCT, _is_punct(ch)),
        (INVISIBLE, _ANY_INVISIBLE.match(ch) is not None),
        (EMOJI, _EMOJI_CHAR.match(ch) is not None),
        (ASCII_DIGIT, "0" <= ch <= "9"),
        (BASE64, _BASE64_CHAR.match(ch) is not None),
        (PHONE, _PHONE_CHAR.match(ch) is not None),
        (HEX, ch in "0123456789ABCDEFabcdef"),
    ):
        if test:
            bits |= flag
    return bits


def _fill(code_points: np.ndarray) -> None:
    for cp in np.unique(code_points).tolist():
        _TABLE[cp] = _bits(chr(cp))


_fill(np.arange(0x700, dtype=np.uint32))  # ASCII, Latin-1 and Arabic up front: every Arabic text uses them


def code_points(text: str) -> np.ndarray:
    """The text as an array of code points (lone surrogates included, as JSON may carry them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def classes(cps: np.ndarray) -> np.ndarray:
    """The class bits of every code point of ``cps``."""
    bits = _TABLE.take(cps)
    unknown = (bits & _KNOWN) == 0
    if unknown.any():
        _fill(cps[unknown])
        bits = _TABLE.take(cps)
    return bits
