"""Level 5, the corpus: no document text in two splits, no duplicate documents, gold documents annotated and queued
ones not (``check_placement``: where a file lies counts), no personal data in the text.

Texts are compared after whitespace normalisation through a 16-byte digest, so memory stays O(documents).
PII patterns are deliberately narrow (IPv4 and IPv6, e-mail, phone numbers with an international prefix, a leading
zero or ten digits in a row, standard or URL-safe base64 stamps that decode to ASCII): percentages, years and
counts never match. They run on the text with digits and widths folded to ASCII (``aces.text.ascii_fold``: ٣.٢١.٢٤٧.٧٨,
info＠example.com), which keeps every offset, so a finding's offset is the original text's.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Callable
from typing import Any

from aces.corpus.ingest import scraper_tokens
from aces.schema import labels
from aces.text.ascii_fold import fold
from aces.validate.findings import Ref, Sink
from aces.validate.level3_refs import UNANNOTATED, is_annotated

# Every pattern starts with a character class so the regex engine skips ahead fast; the boundary and range
# conditions that would need a leading look-behind are checked in Python on the (rare) candidates instead.
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
# A run of hex digits, colons and dots with two colons at least, ending on a hex digit or a colon; ``ipaddress``
# decides whether it is an IPv6 address (10:30 and 10:30:45 are not).
_IPV6 = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:(?:[0-9A-Fa-f:.]*[0-9A-Fa-f:])?")
_ASCII_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE_CANDIDATE = re.compile(r"[+\d][\d ().-]{6,}\d")
_PHONE = re.compile(
    r"(?:\+|(?<!\d)00)\d{1,4}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?!\d)"  # international: +44 20 7946 0958, 0097150…
    r"|(?<![\d.,])0\d{1,4}(?:[ .-]?\d{2,4}){2,4}(?![\d%])"  # national, leading zero: 0791 234 567
    r"|(?<![\d.,])\d{10,}(?![\d%])"  # ten or more digits in a row
)
_PHONE_MIN_DIGITS = 8


def text_digest(text: str) -> bytes:
    """16-byte digest of the text with whitespace runs collapsed: equal digests mean duplicate documents.

    The collapsed text is hashed as UTF-32-LE, its code points as they are, so the validator's fast path can
    hash a batch's code-point arrays directly (``fast_batch.text_digests``) and get the same digests."""
    return digest_of(" ".join(text.split()).encode("utf-32-le", "surrogatepass"))


def digest_of(data: bytes | memoryview | Any) -> bytes:
    """The 16-byte digest of a collapsed text's UTF-32-LE bytes (any buffer: a code-point array will do).
    SHA-256 because it is the fastest of hashlib's on this much data (CPUs hash it in hardware)."""
    return hashlib.sha256(data).digest()[:16]


class TextIndex:
    """Digest of every normalised text seen so far → its split and where it was first seen."""

    def __init__(self) -> None:
        self._first: dict[bytes, tuple[str, Ref]] = {}

    def __contains__(self, digest: bytes) -> bool:
        return digest in self._first

    def check(self, record: dict, sink: Sink) -> None:
        self.check_digest(text_digest(record["text"]), record["split"], sink)

    def check_digest(self, digest: bytes, split: str, sink: Sink) -> None:
        """``check`` for a text already digested (by a worker process, say)."""
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


def check_placement(record: dict, sink: Sink, version: str, place: str | None) -> None:
    """A record of ``queue/`` waits unannotated; a record of ``gold/`` is annotated (with a status, since 1.2.0): a
    document without annotations is never built as gold. ``place`` is ``level3_refs.place_of`` of its file."""
    if place is None:
        return
    annotated = is_annotated(record)
    status = record.get("annotation_status")
    if place == "queue":
        if annotated or status not in (None, UNANNOTATED):
            sink.add(
                "queue-annotated",
                f"a queued document {'has annotations' if annotated else f'has status {status!r}'}; move it to "
                "corpus/gold/ (and out of queue/) once it is annotated",
            )
    elif not annotated or status == UNANNOTATED:
        why = "has no mention, event or stance" if not annotated else f"is marked {UNANNOTATED}"
        sink.add(
            "gold-unannotated",
            f"the document {why}; gold holds annotated documents only: keep it in corpus/queue/ until it is annotated",
        )
    elif status is None and labels(version).annotation_statuses:
        statuses = ", ".join(s for s in labels(version).annotation_statuses if s != UNANNOTATED)
        sink.add("annotation-status-missing", f"the record has no annotation_status; set it to one of {statuses}")


def _mask(found: str) -> str:
    return found[:3] + "…" if len(found) > 4 else "…"


def _alone(text: str, start: int, end: int, joined: frozenset[str] | str) -> bool:
    """No character of ``joined`` right before ``start`` or right after ``end``."""
    return (start == 0 or text[start - 1] not in joined) and (end == len(text) or text[end] not in joined)


def _ip_addresses(text: str) -> list[re.Match[str]]:
    v4 = [
        m
        for m in _IPV4.finditer(text)
        if _alone(text, m.start(), m.end(), "0123456789.")
        or (text[m.end() : m.end() + 1] == "." and _alone(text, m.start(), m.end() + 1, "0123456789"))
        if all(int(octet) <= 255 and (octet == "0" or not octet.startswith("0")) for octet in m.group().split("."))
    ]
    if "::" not in text and text.count(":") < 7:  # every IPv6 address has a "::" or seven colons
        return v4
    return sorted(v4 + _ipv6_addresses(text), key=lambda m: m.start())


def _ipv6_addresses(text: str) -> list[re.Match[str]]:
    return [m for m in _IPV6.finditer(text) if _alone(text, m.start(), m.end(), _ASCII_WORD) and _is_ipv6(m.group())]


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _emails(text: str) -> list[re.Match[str]]:
    if "@" not in text:
        return []
    return [m for m in _EMAIL.finditer(text) if m.start() == 0 or not re.match(r"[\w.+-]", text[m.start() - 1])]


def _phones(text: str) -> list[re.Match[str]]:
    if _PHONE_CANDIDATE.search(text) is None:
        return []
    return [m for m in _PHONE.finditer(text) if sum(ch.isdigit() for ch in m.group()) >= _PHONE_MIN_DIGITS]


_PII: tuple[tuple[str, Callable[[str], list[re.Match[str]]], str], ...] = (
    ("pii-ip-address", _ip_addresses, "IP address(es)"),
    ("pii-email", _emails, "e-mail address(es)"),
    ("pii-phone", _phones, "phone number(s)"),
    ("pii-base64-token", scraper_tokens, "base64 token(s) that decode to ASCII"),
)


def check_pii(record: dict, sink: Sink) -> None:
    """One finding per kind of personal data found in the text (digits and widths folded to ASCII), with the first
    place and a masked sample of the original text."""
    text = record["text"]
    folded = fold(text)
    for code, find, what in _PII:
        hits = find(folded)
        if hits:
            first = hits[0]
            sink.add(
                code,
                f"text has {len(hits)} {what} (first at offset {first.start()}: "
                f"{_mask(text[first.start() : first.end()])!r}); remove "
                "it at ingest (a debris rule in aces/corpus/ingest.py) and re-ingest so offsets stay mapped",
            )
