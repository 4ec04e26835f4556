"""Level 4, the annotation guidelines (corpus/GUIDELINES.md) where they can be checked mechanically.

Span boundaries (§1.2): no whitespace or punctuation at an edge, no end inside a word, no start inside a word
except after a short run of proclitic letters (the letters and the maximum come from ``labels.json``);
mentions nest but never cross; mentions and triggers inside one sentence (schema 1.2.0, labels.json
``sentence_bound``); no duplicate mentions, events or arguments. Spans that failed level 3 are skipped,
so one wrong offset is reported once.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import cache

from aces.schema import labels
from aces.validate.findings import Sink
from aces.validate.walk import offsets, sound_span, text_spans

# Punctuation that belongs to the token it ends ("99%"), so it may close a span.
_EDGE_PUNCT_OK = frozenset("%٪‰؉")


# Quote marks (the treebank's » « are often reversed): a span may end on one that closes a quote it opened.
_QUOTES = frozenset('"«»“”„‟')


def closes_quote(text: str, start: int, end: int) -> bool:
    """The span ends on a quote mark that pairs one inside it («12 من »الاخوان«»): the quoted name ends the
    phrase, and stopping before the mark would leave a lone quote inside the span (GUIDELINES §5.11)."""
    if text[end - 1] not in _QUOTES:
        return False
    return sum(ch in _QUOTES for ch in text[start:end]) % 2 == 0


# Marks that belong to emoji, not words: variation selectors (🕊️ ends in U+FE0F) and the keycap (1️⃣).
_EMOJI_MARKS = frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), 0x20E3])


@cache  # a text uses few distinct characters; unicodedata lookups add up over thousands of spans
def _is_word(ch: str) -> bool:
    """Letters, digits and combining marks (Arabic harakat) make up words; emoji presentation marks do not."""
    return unicodedata.category(ch)[0] in "LNM" and ch not in _EMOJI_MARKS and not 0xE0100 <= ord(ch) <= 0xE01EF


_TATWEEL = "\u0640"
"""The kashida stretches the letter before it and belongs to it, as a mark does: «لـ22» is the proclitic ل, its
tatweel, then the span; a span never starts on one."""


@cache  # a text uses few distinct characters; unicodedata lookups add up over thousands of spans
def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ch == _TATWEEL


@cache  # a text uses few distinct characters; unicodedata lookups add up over thousands of spans
def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P" and ch not in _EDGE_PUNCT_OK


def _word_around(text: str, start: int) -> tuple[int, int]:
    a = start
    while a > 0 and _is_word(text[a - 1]):
        a -= 1
    b = start
    while b < len(text) and _is_word(text[b]):
        b += 1
    return a, b


def _segment_bounds(record: dict) -> tuple[list[int], list[int]] | None:
    """Starts and ends of the segments, or None when they are not in order (level 3 reports that)."""
    starts, ends = [], []
    for seg in record["segments"]:
        start, end = offsets(seg)
        if start >= end or (ends and start < ends[-1]):
            return None
        starts.append(start)
        ends.append(end)
    return starts, ends


def sentence_bounds(record: dict) -> tuple[list[int], list[int]] | None:
    """Starts and ends of the sentences (schema 1.2.0), or None when there are none or they are not in order
    inside the text (level 3 reports that)."""
    sentences = record.get("sentences")
    if not sentences:
        return None
    starts, ends = [], []
    for sent in sentences:
        start, end = offsets(sent)
        if start >= end or end > len(record["text"]) or (ends and start < ends[-1]):
            return None
        starts.append(start)
        ends.append(end)
    return starts, ends


_SENTENCE_LAYER = {"mention": "mentions", "trigger": "triggers"}
"""What ``text_spans`` calls a span → its layer in labels.json ``sentence_bound``."""


def edge_ok(text: str, start: int, end: int, proclitics: frozenset[str], proclitics_max: int) -> bool:
    """True when ``_Guidelines.edges`` reports nothing for the span (shared by the validator's fast path)."""
    first, last = text[start], text[end - 1]
    before = start > 0 and _is_word(text[start - 1])
    if _is_word(first) and _is_word(last) and not ((end < len(text) and _is_word(text[end])) or before):
        return True  # the usual case: whole words on both edges
    if first.isspace() or last.isspace() or _is_punct(first):
        return False
    if _is_punct(last) and not closes_quote(text, start, end):
        return False
    if end < len(text) and _is_word(last) and _is_word(text[end]):
        return False
    if before and _is_word(first):
        return _proclitic_run(text, start, first, proclitics, proclitics_max)
    return True


def _proclitic_run(text: str, start: int, first: str, proclitics: frozenset[str], proclitics_max: int) -> bool:
    """The word part before ``start`` is a short run of proclitic letters (marks aside) and the span does not
    start on a mark. Walks back from ``start`` and stops at the first letter that rules it out."""
    if _is_mark(first):
        return False
    letters, at = 0, start - 1
    while at >= 0 and _is_word(text[at]):
        ch = text[at]
        if not _is_mark(ch):
            letters += 1
            if letters > proclitics_max or ch not in proclitics:
                return False
        at -= 1
    return letters > 0


class _Guidelines:
    def __init__(self, record: dict, sink: Sink, version: str) -> None:
        self.record = record
        self.sink = sink
        self.text: str = record["text"]
        inventory = labels(version)
        self.sentence_bound = inventory.sentence_bound
        self.proclitics = inventory.proclitics
        self.proclitics_max = inventory.proclitics_max

    def edges(self, start: int, end: int, owner: str | None, what: str) -> None:
        text = self.text
        if edge_ok(text, start, end, self.proclitics, self.proclitics_max):
            return
        first, last = text[start], text[end - 1]
        shown = f"{what} {text[start:end]!r} [{start}, {end})"
        if first.isspace() or last.isspace():
            self.sink.add(
                "span-edge-whitespace",
                f"{shown} starts or ends on whitespace; trim it to its first and last visible character",
                ann_id=owner,
            )
            return
        if _is_punct(first) or (_is_punct(last) and not closes_quote(text, start, end)):
            mark = first if _is_punct(first) else last
            self.sink.add(
                "span-edge-punctuation",
                f"{shown} starts or ends on {mark!r}; quotes and punctuation stay outside the span (a span may end "
                "on a quote mark only when it closes one opened inside the span)",
                ann_id=owner,
            )
            return
        if end < len(text) and _is_word(last) and _is_word(text[end]):
            a, b = _word_around(text, end)
            self.sink.add(
                "span-ends-inside-word",
                f"{shown} ends inside the word {text[a:b]!r}; end it at the end of the word (enclitics stay inside)",
                ann_id=owner,
            )
        if start > 0 and _is_word(first) and _is_word(text[start - 1]):
            a, b = _word_around(text, start)
            before = text[a:start]
            if not _proclitic_run(text, start, first, self.proclitics, self.proclitics_max):
                allowed = "".join(sorted(self.proclitics))
                self.sink.add(
                    "span-starts-inside-word",
                    f"{shown} starts inside the word {text[a:b]!r} after {before!r}, which is not a run of at most "
                    f"{self.proclitics_max} proclitic letters ({allowed}); start at the word start or right after "
                    "the proclitics",
                    ann_id=owner,
                )

    def spans(self) -> None:
        bounds = _segment_bounds(self.record)
        sentences = sentence_bounds(self.record)
        for owner, what, span in text_spans(self.record):
            sound = sound_span(span, self.text)
            if sound is None:
                continue
            start, end = sound
            self.edges(start, end, owner, what)
            if bounds is not None:
                i = bisect_right(bounds[0], start) - 1
                if i < 0 or end > bounds[1][i]:
                    self.sink.add(
                        "span-crosses-segment",
                        f"{what} [{start}, {end}) is not inside one segment; keep it within its line or paragraph",
                        ann_id=owner,
                    )
            if sentences is not None and _SENTENCE_LAYER.get(what) in self.sentence_bound:
                i = bisect_right(sentences[0], start) - 1
                if i < 0 or end > sentences[1][i]:
                    self.sink.add(
                        "span-crosses-sentence",
                        f"{what} [{start}, {end}) is not inside one sentence; fix its offsets, or the sentence "
                        "boundary if the splitter cut a name",
                        ann_id=owner,
                    )

    def mentions(self) -> None:
        same: dict[tuple[int, int, str], str] = {}
        by_span: dict[tuple[int, int], tuple[str, str]] = {}
        placed: list[tuple[int, int, str]] = []
        for m in self.record["entities"]:
            sound = sound_span(m, self.text)
            if sound is None:
                continue
            start, end = sound
            mid, mtype = m["id"], m["type"]
            first = same.setdefault((start, end, mtype), mid)
            if first != mid:
                self.sink.add(
                    "duplicate-mention",
                    f"mention [{start}, {end}) {mtype} duplicates {first}; delete one and point its references at "
                    "the other",
                    ann_id=mid,
                    refs=(self.sink.here(first),),
                )
                continue
            other = by_span.setdefault((start, end), (mtype, mid))
            if other[0] != mtype:
                self.sink.add(
                    "mention-type-conflict",
                    f"mention [{start}, {end}) is {mtype} but {other[1]} on the same span is {other[0]}; a mention has "
                    "one type: keep the right one",
                    ann_id=mid,
                    refs=(self.sink.here(other[1]),),
                )
            placed.append((start, end, mid))
        placed.sort(key=lambda t: (t[0], -t[1]))
        open_spans: list[tuple[int, int, str]] = []  # a chain of nested spans, outermost first
        for start, end, mid in placed:
            while open_spans and open_spans[-1][1] <= start:
                open_spans.pop()
            if open_spans and end > open_spans[-1][1]:
                o_start, o_end, oid = open_spans[-1]
                self.sink.add(
                    "crossing-mentions",
                    f"mention [{start}, {end}) crosses {oid} [{o_start}, {o_end}); mentions may nest but not "
                    "partially overlap: fix the boundaries of one",
                    ann_id=mid,
                    refs=(self.sink.here(oid),),
                )
                continue
            open_spans.append((start, end, mid))

    def events(self) -> None:
        seen: dict[tuple[int, int, str], str] = {}
        for ev in self.record["events"]:
            eid = ev["id"]
            sound = sound_span(ev["trigger"], self.text)
            if sound is not None:
                first = seen.setdefault((*sound, ev["type"]), eid)
                if first != eid:
                    self.sink.add(
                        "duplicate-event",
                        f"event {ev['type']} on trigger [{sound[0]}, {sound[1]}) duplicates {first}; merge their "
                        "arguments into one event and delete the other",
                        ann_id=eid,
                        refs=(self.sink.here(first),),
                    )
            pairs: set[tuple[str, str]] = set()
            for arg in ev["arguments"]:
                pair = (arg["role"], arg["ref"])
                if pair in pairs:
                    self.sink.add(
                        "duplicate-argument",
                        f"argument {pair[0]} → {pair[1]} is listed twice; delete the repeat",
                        ann_id=eid,
                    )
                pairs.add(pair)


def check_record(record: dict, sink: Sink, version: str) -> None:
    """All level-4 checks of one schema-valid record."""
    guide = _Guidelines(record, sink, version)
    guide.spans()
    guide.mentions()
    guide.events()
