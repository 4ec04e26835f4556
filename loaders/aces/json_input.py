"""Decode JSON that comes from outside, where too deep a nesting is one more kind of bad JSON, not a crash.

Both msgspec and the standard library decode arrays and objects recursively, so a line of 100,000 ``[`` raises
``RecursionError``, which a reader that catches decode errors lets through as a traceback. Every reader of untrusted
JSON (the validator's level 1, records, doccano exports, BRAT side files, review files) decodes through here:
``TooDeep`` is both a ``msgspec.DecodeError`` and a ``json.JSONDecodeError``, so the handler a reader already has
for malformed JSON reports it too.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

TOO_DEEP = "JSON nested too deeply to read"


class TooDeep(json.JSONDecodeError, msgspec.DecodeError):
    """The JSON nests arrays or objects deeper than Python can follow (no ACES file comes near)."""

    def __init__(self) -> None:
        super().__init__(TOO_DEEP, "", 0)

    def __str__(self) -> str:
        return TOO_DEEP


_ANY = msgspec.json.Decoder()


def decode(data: str | bytes, decoder: msgspec.json.Decoder = _ANY) -> Any:
    """``decoder.decode(data)`` (any JSON value by default); ``TooDeep`` instead of ``RecursionError``."""
    try:
        return decoder.decode(data)
    except RecursionError:
        raise TooDeep() from None


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, for readers that report a line and column; ``TooDeep`` instead of ``RecursionError``."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep() from None
