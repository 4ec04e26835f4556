"""Level 5, the corpus: no document text in two splits, no duplicate documents, no personal data in the text.

Texts are compared after whitespace normalisation through a 16-byte digest, so memory stays O(documents).
PII patterns are deliberately narrow (IPv4, e-mail, phone numbers with an international prefix, a leading zero
or ten digits in a row, base64 stamps that decode to ASCII): percentages, years and counts never match.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable

from aces.validate.findings import Ref, Sink

_WHITESPACE = re.compile(r"\s+")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?<![0-9.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?[0-9])")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?:\+|(?<!\d)00)\d{1,4}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?!\d)"  # international: +44 20 7946 0958, 0097150…
    r"|(?<![\d.,])0\d{1,4}(?:[ .-]?\d{2,4}){2,4}(?![\d%])"  # national, leading zero: 0791 234 567
    r"|(?<![\d.,])\d{10,}(?![\d%])"  # ten or more digits in a row
)
_PHONE_MIN_DIGITS = 8
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])")


class TextIndex:
    """Digest of every normalised text seen so far → its split and where it was first seen."""

    def __init__(self) -> None:
        self._first: dict[bytes, tuple[str, Ref]] = {}

    def check(self, record: dict, sink: Sink) -> None:
        text, split = record["text"], record["split"]
        digest = hashlib.blake2b(_WHITESPACE.sub(" ", text).strip().encode("utf-8"), digest_size=16).digest()
        seen = self._first.get(digest)
        if seen is None:
            self._first[digest] = (split, sink.here())
            return
        first_split, first = seen
        if first_split != split:
            sink.add(
                "text-in-two-splits",
                f"the same text is document {first.doc_id} ({first_split}) at {first.where()} and here ({split}); "
                "delete one copy so no text leaks between splits",
                refs=(first,),
            )
        else:
            sink.add(
                "duplicate-text",
                f"the same text is already document {first.doc_id} at {first.where()} ({split}); delete the "
                "duplicate unless it is intended",
                refs=(first,),
            )


def _mask(found: str) -> str:
    return found[:3] + "…" if len(found) > 4 else "…"


def _decodes_to_ascii(token: str) -> bool:
    try:
        decoded = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(decoded) and all(32 <= b < 127 for b in decoded)


def _phone_like(found: str) -> bool:
    return sum(ch.isdigit() for ch in found) >= _PHONE_MIN_DIGITS


_PII: tuple[tuple[str, re.Pattern[str], str, Callable[[str], bool] | None], ...] = (
    ("pii-ip-address", _IPV4, "IPv4 address(es)", None),
    ("pii-email", _EMAIL, "e-mail address(es)", None),
    ("pii-phone", _PHONE, "phone number(s)", _phone_like),
    ("pii-base64-token", _BASE64, "base64 token(s) that decode to ASCII", _decodes_to_ascii),
)


def check_pii(record: dict, sink: Sink) -> None:
    """One finding per kind of personal data found in the text, with the first place and a masked sample."""
    text = record["text"]
    for code, pattern, what, keep in _PII:
        hits = [m for m in pattern.finditer(text) if keep is None or keep(m.group())]
        if hits:
            first = hits[0]
            sink.add(
                code,
                f"text has {len(hits)} {what} (first at offset {first.start()}: {_mask(first.group())!r}); remove "
                "it at ingest (a debris rule in aces/ingest.py) and re-ingest so offsets stay mapped",
            )
