"""Raw article → clean NFC text, typed segments, an offset map back to the raw file, and a record of each removal.

The raw file is never changed: it is copied byte for byte under ``corpus/raw/`` and its sha256 goes in the record.
Debris is recognised line by line (see ``clean``); every removed raw range is recorded with a reason. Lines end
wherever ``str.splitlines`` ends them (LF, CRLF, CR, NEL, U+2028, form feed, ...); the clean text joins kept
lines with "\n" alone, and ``line_end`` says in the offset map and the removals how each raw line end became it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from aces.corpus.splits import assign_split
from aces.record import OffsetRun, Provenance, Record, Removal, Segment
from aces.schema import CURRENT_VERSION
from aces.text.ascii_fold import fold

_BASE64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/=])([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])")
_URLSAFE_TOKEN = re.compile(r"(?<![A-Za-z0-9_=-])([A-Za-z0-9_-]{12,}={0,2})(?![A-Za-z0-9_=-])")  # - and _ for + and /
_HEADING_MAX_WORDS = 5
_SENTENCE_END = tuple(".!?؟:»\"')")


class IngestError(ValueError):
    """The raw file cannot be turned into a clean document; the message says why."""


@dataclass(frozen=True)
class Line:
    start: int  # code point offset of the line in the raw text
    text: str  # without its line end
    number: int  # 0-based
    end: str = ""  # its line end as in the raw text ("\n", "\r\n", "\r", "\u2028", ...; "" for a last line without)


def split_lines(raw: str) -> list[Line]:
    """The raw text's lines, cut where ``str.splitlines`` cuts, each with the line end it had."""
    out, pos = [], 0
    for number, chunk in enumerate(raw.splitlines(keepends=True)):
        body = chunk.splitlines()[0]
        out.append(Line(pos, body, number, chunk[len(body) :]))
        pos += len(chunk)
    return out


LF, CRLF = "\n", "\r\n"


def line_end(ln: Line, clean_at: int) -> tuple[OffsetRun, list[Removal]]:
    """The run of the clean "\n" at ``clean_at`` that ends the kept line ``ln``, and what of its raw line end is
    removed. An LF maps character for character; of a CRLF the CR is removed (``carriage-return``) and the LF
    maps; any other line end (a lone CR, NEL, U+2028, form feed, ...) is removed (``line-end``) and the "\n" stands
    in its place for no raw character (a run of raw length 0): an equal-length run means the same characters, so
    no run may map "\n" to another one."""
    at = ln.start + len(ln.text)
    if ln.end == LF:
        return (clean_at, 1, at, 1), []
    if ln.end == CRLF:
        return (clean_at, 1, at + 1, 1), [Removal(at, at + 1, "carriage-return")]
    return (clean_at, 1, at, 0), [Removal(at, at + len(ln.end), "line-end")]


def _decodes_to_ascii(token: str, urlsafe: bool = False) -> bool:
    """The token is base64 (URL-safe: ``-`` and ``_`` for ``+`` and ``/``, padding often dropped) of printable
    ASCII."""
    if urlsafe and "=" not in token:
        token += "=" * (-len(token) % 4)
    try:
        decoded = base64.b64decode(token, altchars=b"-_" if urlsafe else None, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(decoded) and all(32 <= b < 127 for b in decoded)


def scraper_tokens(text: str) -> list[re.Match]:
    """Base64 tokens (standard or URL-safe, digits and widths folded to ASCII by ``aces.text.ascii_fold``, which keeps
    offsets) that decode to printable ASCII: a scraper's stamp (here, its IP address), never article text.

    Ingest removes them; the validator (``pii-base64-token``) reports any left in a clean text.
    """
    folded = fold(text)
    found = [m for m in _BASE64_TOKEN.finditer(folded) if _decodes_to_ascii(m.group(1))]
    if "-" in folded or "_" in folded:
        urlsafe = (m for m in _URLSAFE_TOKEN.finditer(folded) if "-" in m.group(1) or "_" in m.group(1))
        found += [m for m in urlsafe if _decodes_to_ascii(m.group(1), urlsafe=True)]
        found.sort(key=lambda m: m.start())
    return found


def scraper_token(line: str) -> re.Match | None:
    """The first scraper token of ``line``, if any."""
    tokens = scraper_tokens(line)
    return tokens[0] if tokens else None


def is_heading(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _HEADING_MAX_WORDS and not text.rstrip().endswith((".", "؟", "!", "،"))


def nfc_runs(piece: str, clean_start: int, raw_start: int) -> tuple[str, list[OffsetRun]]:
    """NFC-normalise ``piece`` and map it back; unchanged stretches become one run, changed clusters their own."""
    if unicodedata.is_normalized("NFC", piece):
        return piece, [(clean_start, len(piece), raw_start, len(piece))]
    # Cut before every starter so each chunk normalises on its own (NFC never composes across starters).
    cuts = [i for i, ch in enumerate(piece) if unicodedata.combining(ch) == 0] + [len(piece)]
    if cuts[0] != 0:
        cuts.insert(0, 0)
    out_text, runs = [], []
    c, r = clean_start, raw_start
    for a, b in itertools.pairwise(cuts):
        chunk = piece[a:b]
        norm = unicodedata.normalize("NFC", chunk)
        if runs and norm == chunk and runs[-1][1] == runs[-1][3]:
            last = runs[-1]
            runs[-1] = (last[0], last[1] + len(norm), last[2], last[3] + len(chunk))
        else:
            runs.append((c, len(norm), r, len(chunk)))
        out_text.append(norm)
        c += len(norm)
        r += len(chunk)
    return "".join(out_text), runs


def clean(raw: str, doc_id: str) -> tuple[str, list[Segment], list[OffsetRun], list[Removal]]:
    """Split ``raw`` into kept segments and removed debris; returns clean text, segments, offset map, removals."""
    lines = split_lines(raw)
    removals: list[Removal] = []
    kept: list[tuple[Line, str]] = []  # (line, segment type); text may be a prefix of the line
    last_content = max((ln.number for ln in lines if ln.text.strip()), default=-1)

    for ln in lines:
        end = ln.start + len(ln.text)
        if not ln.text.strip():
            if ln.text:
                removals.append(Removal(ln.start, end, "blank-line"))
            continue
        if ln.text.startswith("- "):
            removals.append(Removal(ln.start, end, "related-link"))
            continue
        token = scraper_token(ln.text)
        if token and ln.number == last_content:
            # The closing line: "<base64 scraper stamp> <site watermark>". Nothing of it is article text.
            t0, t1 = ln.start + token.start(1), ln.start + token.end(1)
            removals.append(Removal(t0, t1, "scraper-token"))
            if ln.start < t0:
                removals.append(Removal(ln.start, t0, "watermark"))
            if t1 < end:
                removals.append(Removal(t1, end, "watermark"))
            continue
        if token:
            raise IngestError(
                f"line {ln.number + 1}: base64 token {ln.text[token.start(1) : token.end(1)]!r} inside the text; "
                "remove it by hand or extend "
                "the debris rules in aces/corpus/ingest.py"
            )
        if not kept:
            kind = "title"
        elif len(kept) == 1:
            kind = "lead"
        elif is_heading(ln.text):
            kind = "heading"
        else:
            kind = "paragraph"
        kept.append((ln, kind))

    if not kept:
        raise IngestError("no text left after removing debris")

    text_parts: list[str] = []
    segments: list[Segment] = []
    runs: list[OffsetRun] = []
    pos = 0
    previous: Line | None = None
    for n, (ln, kind) in enumerate(kept):
        if previous is not None:
            # The separator stands for the raw line end of the previous kept line.
            text_parts.append("\n")
            run, removed = line_end(previous, pos)
            runs.append(run)
            removals.extend(removed)
            pos += 1
        body = ln.text.strip()
        lead_ws = len(ln.text) - len(ln.text.lstrip())
        trail = ln.text[lead_ws + len(body) :]
        if lead_ws:
            removals.append(Removal(ln.start, ln.start + lead_ws, "whitespace"))
        if trail:
            removals.append(Removal(ln.start + lead_ws + len(body), ln.start + len(ln.text), "whitespace"))
        norm, piece_runs = nfc_runs(body, pos, ln.start + lead_ws)
        segments.append(Segment(f"{doc_id}:seg{n + 1}", kind, pos, pos + len(norm)))
        text_parts.append(norm)
        runs.extend(piece_runs)
        pos += len(norm)
        previous = ln
    removals.extend(_uncovered(raw, runs, removals))
    removals.sort(key=lambda r: r.raw_start)
    return "".join(text_parts), segments, runs, removals


def _uncovered(raw: str, runs: list[OffsetRun], removals: list[Removal]) -> list[Removal]:
    """Raw line breaks neither mapped nor inside removed debris: recorded so every raw character is accounted for."""
    covered = bytearray(len(raw))
    for _, _, r0, rlen in runs:
        covered[r0 : r0 + rlen] = b"\x01" * rlen
    for rem in removals:
        covered[rem.raw_start : rem.raw_end] = b"\x01" * (rem.raw_end - rem.raw_start)
    out, i = [], 0
    while i < len(raw):
        if covered[i]:
            i += 1
            continue
        j = i
        while j < len(raw) and not covered[j]:
            j += 1
        out.append(Removal(i, j, "line-break" if raw[i:j].strip() == "" else "unclassified"))
        i = j
    return out


def clean_to_raw(offset_map: tuple[OffsetRun, ...] | list[OffsetRun], clean_offset: int) -> int:
    """Raw code-point offset of a clean offset (a start; for an end, map ``end - 1`` and add one)."""
    for c0, clen, r0, rlen in offset_map:
        if c0 <= clean_offset < c0 + clen:
            return r0 + (clean_offset - c0 if clen == rlen else 0)
    raise IndexError(f"clean offset {clean_offset} is not in the offset map")


def text_record(
    raw_path: Path,
    data: bytes,
    doc_id: str,
    source: str,
    lang: str = "ar",
    license: str = "unknown",
    attribution: str | None = None,
) -> Record:
    """The clean, unannotated record of a raw file's bytes (its sentences from the rule-based splitter). Writes
    nothing: ``aces.corpus.intake.ingest_text`` keeps the raw file and queues the record."""
    from aces.corpus.sentences import split

    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise IngestError(f"{raw_path}: not UTF-8 at byte {err.start}; convert it first") from err
    if raw.startswith("\ufeff"):
        raise IngestError(f"{raw_path}: starts with a byte-order mark; ACES offsets assume none")
    text, segments, runs, removals = clean(raw, doc_id)
    provenance = Provenance(
        source=source,
        raw_path=f"raw/{raw_path.name}",
        raw_sha256=hashlib.sha256(data).hexdigest(),
        offset_map=tuple(runs),
        removed=tuple(removals),
        license=license,
        **({"attribution": attribution} if attribution else {}),
    )
    return Record(
        schema_version=CURRENT_VERSION,
        id=doc_id,
        lang=lang,
        split=assign_split(doc_id),
        text=text,
        provenance=provenance,
        segments=tuple(segments),
        sentences=split(text, segments, doc_id),
        annotation_status="unannotated",
    )
