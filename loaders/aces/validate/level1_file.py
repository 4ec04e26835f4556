"""Level 1, the file: each line is UTF-8, one JSON object, and the text is clean Unicode.

Parsing happens here and only here (one msgspec decode per line); a line that cannot be decoded into an object
is reported and skipped, and checking goes on with the next line.
"""

from __future__ import annotations

import re
import unicodedata

import msgspec

from aces.json_input import TooDeep, decode
from aces.validate.findings import Finding, Sink
from aces.validate.walk import str_or_none, text_spans

_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Emoji and the characters that may sit on either side of a ZWJ inside an emoji ZWJ sequence (👨‍👩‍👧, 👁️‍🗨️).
_EMOJI = (
    r"\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21ff\u231a-\u23ff\u24c2\u25aa-\u27bf\u2934\u2935"
    r"\u2b05-\u2b55\u3030\u303d\u3297\u3299\ufe0f\U0001f000-\U0001faff\U000e0020-\U000e007f"
)
_ZERO_WIDTH = re.compile(rf"[\u200b\u200c\u2060\ufeff\u180e]|(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")
# One pass over the text finds whether any of the three kinds above is present at all (the usual answer is no).
_ANY_INVISIBLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff\u180e]")
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def parse_line(raw: bytes, sink: Sink) -> dict | None:
    """Decode one line into a dict, or report why it cannot be one and return None."""
    if raw.startswith(_BOM):
        sink.add("byte-order-mark", "the line starts with a UTF-8 byte-order mark; save the file without a BOM")
        raw = raw[len(_BOM) :]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = raw[err.start : err.start + 1].hex().upper()
        sink.add(
            "bad-utf8",
            f"byte {err.start} of the line (0x{bad}) is not UTF-8 ({err.reason}); re-save the file as UTF-8",
        )
        return None
    if not raw.strip():
        sink.add("blank-line", "blank line; delete it (every line of a JSONL file is one record)")
        return None
    try:
        value = decode(raw)
    except TooDeep:
        sink.add("invalid-json", "JSON nested too deeply to read; a record is an object a few levels deep")
        return None
    except msgspec.MsgspecError as err:
        sink.add("invalid-json", f"not valid JSON: {err}; fix the syntax (is the line truncated?)")
        return None
    if not isinstance(value, dict):
        kind = "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)
        sink.add("not-an-object", f"the line is {kind}, not a JSON object; each line must be one record {{...}}")
        return None
    sink.doc_id = str_or_none(value.get("id"))
    return value


def check_empty(file: str, lines: int) -> list[Finding]:
    """``empty-file`` for a file in which no line was read (zero bytes), reported at line 1."""
    if lines:
        return []
    sink = Sink(file, 1)
    sink.add("empty-file", "the file is empty (0 bytes, no record); restore it or re-run the command that writes it")
    return sink.findings


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def _first_non_nfc(text: str) -> int:
    """Offset of the first character that NFC changes (only called when the text is not NFC)."""
    nfc = unicodedata.normalize("NFC", text)
    for i, (a, b) in enumerate(zip(text, nfc, strict=False)):
        if a != b:
            return max(i - 1, 0) if unicodedata.combining(a) else i
    return min(len(text), len(nfc))


def _report_chars(sink: Sink, code: str, pattern: re.Pattern[str], text: str, what: str, fix: str) -> None:
    matches = pattern.finditer(text)
    first = next(matches, None)
    if first is None:
        return
    count = 1 + sum(1 for _ in matches)
    sink.add(
        code,
        f"text has {count} {what} (first: {_describe(first.group())} at offset {first.start()}); {fix}",
    )


def check_text(record: dict, sink: Sink) -> None:
    """NFC for the text and stored span texts; no control, bidi or zero-width characters in the text."""
    text = record.get("text")
    if isinstance(text, str):
        if not unicodedata.is_normalized("NFC", text):
            at = _first_non_nfc(text)
            sink.add(
                "non-nfc",
                f"text is not in Unicode NFC (first change at offset {at}: {text[at : at + 3]!r}); "
                "re-ingest the raw file so the text is normalised and the offsets are mapped",
            )
        if _ANY_INVISIBLE.search(text):
            _report_chars(
                sink, "control-char", _CONTROL, text, "control character(s)", "only newlines may separate segments"
            )
            _report_chars(sink, "bidi-control", _BIDI, text, "bidi control character(s)", "remove them at ingest")
            _report_chars(
                sink, "zero-width-char", _ZERO_WIDTH, text, "zero-width character(s)", "remove them at ingest"
            )
    for ann_id, what, span in text_spans(record):
        stored = span.get("text")
        if isinstance(stored, str) and not unicodedata.is_normalized("NFC", stored):
            sink.add(
                "non-nfc",
                f"{what} text {stored!r} is not in Unicode NFC; store text[start:end] of the NFC text",
                ann_id=ann_id,
            )
