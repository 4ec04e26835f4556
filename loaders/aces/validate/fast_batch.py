"""The fast path's conditions on characters, for a whole batch of records at once: level 1 (NFC, invisible
characters), level 4 (stored span texts, span edges and proclitic runs, spans inside one segment, mentions
neither repeated nor crossing) and level 5 (PII hints), over the batch's texts joined into one array of code
points and class bits (``fast_chars``). Each condition mirrors a check of the reporting levels (see ``fast``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from aces.text.ascii_fold import fold, fold_code_points
from aces.validate import fast_chars, level5_corpus
from aces.validate.fast_record import Pending
from aces.validate.level4_guidelines import edge_ok

# One necessary condition for every PII finder, in a single scan: the pattern starts with a class (so the regex
# engine skips ahead fast) holding the first character of each alternative, and each alternative is implied by
# its finder's match. A text with no match cannot have a PII finding, and the finders are not run.
# All of it runs on the text with digits and widths folded to ASCII, as the finders do.
_PII_HINT = re.compile(
    r"[+\d@A-Za-z/:_-]"
    r"(?:(?<=[0-9])\.[0-9]"  # IPv4: digit, dot, digit
    r"|(?<=:)[0-9A-Fa-f]{0,4}:"  # IPv6: two colons with at most four hex digits between
    r"|(?<=@)"  # e-mail: an @
    r"|(?<=[+\d])[\d ().-]{6,}\d"  # phone: the finder's own candidate pattern
    r"|(?<=[A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{11})"  # base64: twelve characters of its alphabets in a row
)


@dataclass(frozen=True, slots=True)
class Joined:
    """A batch's records and their texts joined (``join_texts``): code points, class bits, where each starts."""

    pending: Sequence[Pending]
    cps: np.ndarray
    cls: np.ndarray
    bases: np.ndarray


def check_batch(pending: list[Pending], digests: bool = False) -> tuple[np.ndarray, list[bytes] | None]:
    """Which records pass the conditions on characters: level 1 (NFC, invisible characters), level 4 (span edges,
    spans inside one segment, mentions neither repeated nor crossing), level 5 (PII), all records at once.

    The texts are joined with a newline before, between and after them: a newline is no word character, space
    is no problem at an edge it cannot reach, and it composes with nothing, so a condition on the joined text
    is the condition on each text."""
    texts = [item.text for item in pending]
    joined, bases = join_texts(texts)
    cps = fast_chars.code_points(joined)
    cls = fast_chars.classes(cps)
    ok = np.ones(len(texts), dtype=bool)

    def fail_at(positions: np.ndarray) -> None:
        ok[np.searchsorted(bases, positions, side="right") - 1] = False

    # -- level 1: NFC, no invisible character but a zero-width joiner between two emoji
    if not unicodedata.is_normalized("NFC", joined):
        ok &= [unicodedata.is_normalized("NFC", t) for t in texts]
    invisible = np.flatnonzero((cls & fast_chars.INVISIBLE) != 0)
    if invisible.size:
        joiner = (
            (cps[invisible] == 0x200D)
            & ((cls[invisible - 1] & fast_chars.EMOJI) != 0)
            & ((cls[invisible + 1] & fast_chars.EMOJI) != 0)
        )
        fail_at(invisible[~joiner])

    # -- level 5: personal data, where a necessary condition of some PII finder holds
    _personal_data(texts, cps, cls, bases, ok)

    # -- level 4: span edges, each span inside one segment, stored texts in NFC
    counts = np.fromiter((len(item.starts) for item in pending), dtype=np.int64, count=len(pending))
    owner = np.repeat(np.arange(len(pending)), counts)
    starts = np.fromiter(chain.from_iterable(item.starts for item in pending), np.int64, int(counts.sum()))
    ends = np.fromiter(chain.from_iterable(item.ends for item in pending), np.int64, int(counts.sum()))
    starts += bases[owner]
    ends += bases[owner]
    pieces = list(chain.from_iterable(item.pieces for item in pending))
    joined_pieces = "\n".join(pieces)
    bad = _stored_texts_differ(starts, ends, pieces, fast_chars.code_points(joined_pieces), cps)
    ok[owner[bad]] = False
    bad |= ~edges_ok(Joined(pending, cps, cls, bases), starts, ends, owner)
    seg_counts = np.fromiter((len(item.seg_starts) for item in pending), dtype=np.int64, count=len(pending))
    seg_base = np.repeat(bases, seg_counts)
    seg_starts = np.fromiter(chain.from_iterable(item.seg_starts for item in pending), np.int64) + seg_base
    seg_ends = np.fromiter(chain.from_iterable(item.seg_ends for item in pending), np.int64) + seg_base
    seg = np.searchsorted(seg_starts, starts, side="right") - 1
    bad |= seg < 0
    bad |= ends > seg_ends[np.maximum(seg, 0)] if seg_ends.size else True
    ok[owner[bad]] = False
    if not unicodedata.is_normalized("NFC", joined_pieces):  # "\n" composes with nothing: a safe separator
        ok &= [unicodedata.is_normalized("NFC", "\n".join(item.pieces)) for item in pending]

    # -- level 4: mentions neither repeat a span nor cross
    is_mention = np.arange(len(starts)) - np.repeat(np.cumsum(counts) - counts, counts) < np.repeat(
        np.fromiter((item.mentions for item in pending), np.int64, len(pending)), counts
    )
    ok[_repeated_or_crossing(starts[is_mention], ends[is_mention], owner[is_mention])] = False
    return ok, (text_digests(cps, cls, bases, np.fromiter(map(len, texts), np.int64, len(texts))) if digests else None)


def text_digests(cps: np.ndarray, cls: np.ndarray, bases: np.ndarray, lengths: np.ndarray) -> list[bytes]:
    """``level5_corpus.text_digest`` of every text of the batch, from its code points: each text's whitespace
    runs collapse to one space and it loses those at its ends. A text's first run of whitespace follows the
    newline before the text, so it is never a run's first character and is dropped; only a trailing run leaves
    one kept space, dropped here."""
    space = (cls & fast_chars.SPACE) != 0
    keep = ~space
    keep[1:] |= space[1:] & ~space[:-1]  # the first character of every run of whitespace
    kept = np.flatnonzero(keep)
    collapsed = np.where(space, np.uint32(0x20), cps)[kept]  # (a space stands for its run)
    lo = np.searchsorted(kept, bases)
    hi = np.searchsorted(kept, bases + lengths)
    if kept.size:
        hi -= (hi > lo) & (collapsed[np.maximum(hi - 1, 0)] == 0x20)
    return [level5_corpus.digest_of(collapsed[a:b]) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]


def join_texts(texts: list[str]) -> tuple[str, np.ndarray]:
    """The texts joined with a newline before, between and after them, and where each text starts."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bases = np.empty(len(texts), dtype=np.int64)
    bases[0] = 1
    np.cumsum(lengths[:-1] + 1, out=bases[1:])
    bases[1:] += 1
    return "\n".join(["", *texts, ""]), bases  # one join: the batch's text is copied once


def _personal_data(texts: list[str], cps: np.ndarray, cls: np.ndarray, bases: np.ndarray, ok: np.ndarray) -> None:
    """Fail the texts with a PII finding. ``_PII_HINT`` and the finders run only on texts where one of its
    alternatives can match, found over the joined text with digits and widths folded (one code point for one, so
    the bases stay): an @, a digit-dot-digit, two colons with at most four hex digits between, a run of eight
    characters a phone candidate is made of, a run of twelve base64 characters."""
    folded = fold_code_points(cps)
    if folded is not None:
        cps, cls = folded, fast_chars.classes(folded)
    where = [np.flatnonzero(cps == 0x40)]
    dots = np.flatnonzero(cps == 0x2E)  # a newline before and after every text: dots - 1 and dots + 1 exist
    digit = fast_chars.ASCII_DIGIT
    where.append(dots[((cls[dots - 1] & digit) != 0) & ((cls[dots + 1] & digit) != 0)])
    colons = np.flatnonzero(cps == 0x3A)
    if colons.size > 1:
        hex_before = np.concatenate(([0], np.cumsum((cls & fast_chars.HEX) != 0)))  # hex digits before each place
        gap = np.diff(colons) - 1
        between = hex_before[colons[1:]] - hex_before[colons[:-1] + 1]
        where.append(colons[:-1][(gap <= 4) & (between == gap)])
    where.append(_runs_at_least((cls & fast_chars.PHONE) != 0, 8))
    where.append(_runs_at_least((cls & fast_chars.BASE64) != 0, 12))
    hits = np.concatenate(where)
    if not hits.size:
        return
    for k in np.unique(np.searchsorted(bases, hits, side="right") - 1).tolist():
        text = fold(texts[k])
        if _PII_HINT.search(text) is not None and any(find(text) for _, find, _ in level5_corpus._PII):
            ok[k] = False


def _runs_at_least(mask: np.ndarray, length: int) -> np.ndarray:
    """Where the runs of set entries at least ``length`` long start (the mask starts and ends unset)."""
    change = np.flatnonzero(mask[1:] != mask[:-1]) + 1  # alternately a run's start and its end
    starts, ends = change[0::2], change[1::2]
    return starts[ends - starts >= length]


def _stored_texts_differ(
    starts: np.ndarray, ends: np.ndarray, pieces: list[str], piece_cps: np.ndarray, cps: np.ndarray
) -> np.ndarray:
    """Which spans store a text other than the characters they cover: ``piece_cps`` are the code points of
    ``pieces`` joined with one separator, ``starts``/``ends`` in the joined texts' offsets (inside them)."""
    lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))
    placed = np.cumsum(lengths + 1) - (lengths + 1)  # where each piece starts in the joined pieces
    differ = lengths != ends - starts
    compared = np.where(differ, 0, lengths)  # (an owner that fails here fails whatever its characters)
    span = np.repeat(np.arange(len(pieces)), compared)
    within = np.arange(len(span)) - np.repeat(np.cumsum(compared) - compared, compared)
    unequal = cps[np.repeat(starts, compared) + within] != piece_cps[np.repeat(placed, compared) + within]
    differ[span[unequal]] = True
    return differ


def edges_ok(batch: Joined, starts: np.ndarray, ends: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """``level4_guidelines.edge_ok`` of every span (batch-wide offsets), from the class bits around its edges."""
    word, cls = fast_chars.WORD, batch.cls
    first, last, before, after = cls[starts], cls[ends - 1], cls[starts - 1], cls[ends]
    first_w, last_w = (first & word) != 0, (last & word) != 0
    before_w, after_w = (before & word) != 0, (after & word) != 0
    good = first_w & last_w & ~before_w & ~after_w  # the usual case: whole words on both edges
    rest = ~good
    bad = rest & ((((first | last) & (fast_chars.SPACE | fast_chars.PUNCT)) != 0) | (after_w & last_w))
    proclitic = rest & ~bad & before_w & first_w  # a start inside a word: only after a short proclitic run
    good |= rest & ~bad & ~proclitic
    # A span ending on punctuation may close a quote it opened (rare): the Python check decides those.
    closing = bad & ((last & fast_chars.PUNCT) != 0) & (((first | last) & fast_chars.SPACE) == 0)
    closing &= (first & fast_chars.PUNCT) == 0
    for i in np.flatnonzero(closing).tolist():
        item = batch.pending[owner[i]]
        base = int(batch.bases[owner[i]])
        good[i] = edge_ok(
            item.text, int(starts[i]) - base, int(ends[i]) - base, item.inv.proclitics, item.inv.proclitics_max
        )
    if proclitic.any():
        at = np.flatnonzero(proclitic)
        good[at] = _proclitic_runs_ok(batch, starts[at], ends[at], owner[at])
    return good


def _proclitic_runs_ok(batch: Joined, starts: np.ndarray, ends: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """``level4_guidelines._proclitic_run`` for spans starting right after a word character: walk back over at
    most ``proclitics_max + 1`` characters; a span with a combining mark on its way is left to that function."""
    word, mark = fast_chars.WORD, fast_chars.MARK
    pending, cps, cls, bases = batch.pending, batch.cps, batch.cls, batch.bases
    invs = {id(item.inv): item.inv for item in pending}
    which = np.fromiter((id(item.inv) for item in pending), np.int64, len(pending))[owner]
    limit = np.fromiter((item.inv.proclitics_max for item in pending), np.int64, len(pending))[owner]
    groups = [(which == key, inv.proclitic_code_points) for key, inv in invs.items()]
    walking = (cls[starts] & mark) == 0  # a span may not start on a mark
    ok = np.zeros(len(owner), dtype=bool)
    letters = np.zeros(len(owner), dtype=np.int64)
    by_python = np.zeros(len(owner), dtype=bool)
    for back in range(1, int(limit.max()) + 2):
        at = np.maximum(starts - back, 0)
        here = cls[at]
        in_word = walking & ((here & word) != 0)
        ok |= walking & ~in_word & (letters > 0)
        by_python |= in_word & ((here & mark) != 0)
        walking = in_word & ~by_python
        if not walking.any():
            break
        letters += walking
        allowed = np.zeros(len(owner), dtype=bool)
        for mine, letters_of in groups:
            allowed[mine] = np.isin(cps[at[mine]], letters_of)
        walking &= allowed & (letters <= limit)
    for i in np.flatnonzero(by_python).tolist():
        item = pending[owner[i]]
        base = int(bases[owner[i]])
        ok[i] = edge_ok(
            item.text, int(starts[i]) - base, int(ends[i]) - base, item.inv.proclitics, item.inv.proclitics_max
        )
    return ok


def _repeated_or_crossing(starts: np.ndarray, ends: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Owners of mentions that repeat another's span or cross one (``[a, b)`` and ``[c, d)`` with a < c < b < d).

    Spans are given in batch-wide offsets, so texts never overlap. Opening and closing brackets sorted by
    position (closes before opens at the same place, outer opens first, inner closes first) nest properly
    exactly when no two spans cross; then, and only then, each span sees as many brackets open right after its
    own open as right before its own close (if some span crosses, the crossing span that closes first sees more
    open before its close)."""
    if not starts.size:
        return owner[:0]
    order = np.lexsort((-ends, starts))
    s, e = starts[order], ends[order]
    same = np.flatnonzero((s[1:] == s[:-1]) & (e[1:] == e[:-1]))
    repeated = owner[order][same]
    n = len(starts)
    position = np.concatenate((starts, ends))
    kind = np.concatenate((np.ones(n, np.int64), np.zeros(n, np.int64)))  # closes (0) before opens (1)
    tie = np.concatenate((-ends, -starts))
    events = np.lexsort((tie, kind, position))
    depth = np.empty(2 * n, dtype=np.int64)
    depth[events] = np.cumsum(np.where(events < n, 1, -1))
    crossing = np.flatnonzero(depth[:n] != depth[n:] + 1)
    return np.concatenate((repeated, owner[crossing]))
