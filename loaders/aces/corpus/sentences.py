"""Sentences for a text whose source gives none: spaCy's rule-based ``sentencizer``, run segment by segment.

A raw article (the seed) or a record upgraded to schema 1.2.0 gets its sentences here; a treebank document keeps
the source's own (UD ``sent_id``, ``aces.corpus.conllu``). The sentencizer ends a sentence after ``.``, ``!``,
``?``, ``؟`` and the like (its default list); it is deterministic and needs no model. A boundary that would cut a
span that must lie inside one sentence (labels.json ``sentence_bound``: mentions and triggers) is dropped, so the
two sentences around it become one. The result tiles every segment as the validator requires: a sentence starts
at a token and ends on its last non-whitespace character, and only whitespace lies between two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from aces.record import Record, Segment, Sentence
from aces.schema import labels


@cache
def _nlp():  # a spaCy Language; spaCy is imported only when sentences are needed
    import spacy

    nlp = spacy.blank("ar")
    nlp.add_pipe("sentencizer")
    return nlp


def split(
    text: str, segments: Sequence[Segment], doc_id: str, keep_whole: Iterable[tuple[int, int]] = ()
) -> tuple[Sentence, ...]:
    """Sentences of ``text`` inside each segment, numbered ``<doc_id>:s1``, ``s2``, … in text order; no boundary
    falls strictly inside a ``[start, end)`` of ``keep_whole``."""
    whole = sorted(keep_whole)
    out: list[Sentence] = []
    for seg in sorted(segments, key=lambda s: s.start):
        body = text[seg.start : seg.end]
        starts = [seg.start + s.start_char for s in _nlp()(body).sents]
        cuts = [c for c in starts[1:] if not any(a < c < b for a, b in whole)]
        begins = [_first_visible(text, seg.start, seg.end), *cuts]
        for begin, nxt in zip(begins, [*cuts, seg.end], strict=True):
            end = nxt
            while end > begin and text[end - 1].isspace():
                end -= 1
            if end > begin:
                out.append(Sentence(f"{doc_id}:s{len(out) + 1}", begin, end))
    return tuple(out)


def _first_visible(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def bound_spans(record: Record) -> list[tuple[int, int]]:
    """The spans of ``record`` that must lie inside one sentence under its schema version (labels.json
    ``sentence_bound``; mentions and triggers when the version has none, as 1.2.0 says)."""
    layers = labels(record.schema_version).sentence_bound or frozenset({"mentions", "triggers"})
    spans: list[tuple[int, int]] = []
    if "mentions" in layers:
        spans += [(m.start, m.end) for m in record.entities]
    if "triggers" in layers:
        spans += [(e.trigger.start, e.trigger.end) for e in record.events]
    return spans


def sentences_of(record: Record) -> tuple[Sentence, ...]:
    """What ``split`` gives for ``record``: its segments, keeping its mentions and triggers whole."""
    return split(record.text, record.segments, record.id, bound_spans(record))
