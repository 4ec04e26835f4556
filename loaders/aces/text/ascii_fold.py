"""Digits and widths folded to ASCII one code point for one, so what a pattern finds in the folded text lies at the
same offsets in the original.

Personal data hides in look-alikes: ٣.٢١.٢٤٧.٧٨ is an IP address and info＠example.com an e-mail address. ``fold``
turns every decimal digit of any script into its ASCII digit (``unicodedata.decimal``), and every character that
NFKC maps to one printable ASCII character by a width, font, no-break or compatibility mapping (fullwidth forms,
small form variants, no-break and other compatibility spaces, mathematical digits) into that character. What NFKC
would turn into several characters (a ligature) or into a superscript's or a circled digit stays as it is: offsets
never move, and ¹ or ② never join a run of digits. The work is one table lookup per code point, in numpy.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np

_MAPPINGS = frozenset({"<wide>", "<narrow>", "<small>", "<font>", "<noBreak>", "<compat>"})
_PLANES = 0x20000  # the Basic and Supplementary Multilingual Planes: where decimal digits and such forms live


@cache
def ascii_of() -> np.ndarray:
    """Code point → the ASCII code its character folds to, 0 if it stays (``_PLANES`` entries; take with
    ``mode="clip"``: the last entry, a noncharacter, is 0). Built on first use with one NFKC call over all of it."""
    points = np.arange(0x80, _PLANES, dtype=np.uint32)
    points = points[(points < 0xD800) | (points > 0xDFFF)]
    spaced = np.zeros(2 * len(points) - 1, dtype=np.uint32)  # a NUL between characters: it composes with nothing,
    spaced[0::2] = points  # so NFKC normalises each character on its own
    chars = spaced.tobytes().decode("utf-32-le")
    normal = code_points(unicodedata.normalize("NFKC", chars))
    ends = np.append(np.flatnonzero(normal == 0), len(normal))  # where each character's NFKC form ends
    starts = np.append(0, ends[:-1] + 1)
    value = normal.take(starts, mode="clip")
    one_ascii = (ends - starts == 1) & (value >= 0x20) & (value <= 0x7E)
    table = np.zeros(_PLANES, dtype=np.uint8)
    for cp, folded in zip(points[one_ascii].tolist(), value[one_ascii].tolist(), strict=True):
        if unicodedata.decomposition(chr(cp)).split(" ", 1)[0] in _MAPPINGS:
            table[cp] = folded
    for m in re.finditer(r"\d", chars):  # every decimal digit (NFKC keeps ٣ and ۳ as they are)
        table[ord(m.group())] = ord(str(unicodedata.decimal(m.group())))
    return table


def code_points(text: str) -> np.ndarray:
    """The text as an array of code points (lone surrogates included, as JSON may carry them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def fold_code_points(cps: np.ndarray) -> np.ndarray | None:
    """``cps`` folded (a new array), or None when nothing in it folds."""
    mapped = ascii_of().take(cps, mode="clip")
    hits = np.flatnonzero(mapped)
    if not hits.size:
        return None
    out = cps.copy()
    out[hits] = mapped[hits]
    return out


def fold(text: str) -> str:
    """``text`` with every foldable character replaced by its ASCII character; same length, same offsets."""
    folded = fold_code_points(code_points(text))
    return text if folded is None else folded.tobytes().decode("utf-32-le", "surrogatepass")
