"""What a baseline is given: the documents of a split without their annotations, and the tokens of a text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from aces.offsets import TokenSpan
from aces.record import Cluster, Mention, Record


def unannotated(record: Record) -> Record:
    """``record`` as a system sees it: the text and its structure, no entity, cluster, event or stance."""
    return msgspec.structs.replace(
        record, entities=(), clusters=(), events=(), stances=(), annotation_status=_status(record, "unannotated")
    )


def predicted(record: Record, **layers: object) -> Record:
    """A prediction record: ``record`` without its annotations, plus the given layers, stamped as one machine pass."""
    return msgspec.structs.replace(unannotated(record), **layers, annotation_status=_status(record, "one-pass"))


def _status(record: Record, status: str) -> object:
    # annotation_status exists since schema 1.2.0: a record without one stays without (valid as it is stamped).
    return msgspec.UNSET if record.annotation_status is msgspec.UNSET else status


def tokens(record: Record) -> list[TokenSpan]:
    """The tokens every baseline sees: the ``ner`` config's tokenizer, never looking at annotations."""
    from aces.hf.rows import ner_rows

    out: list[TokenSpan] = []
    for row in ner_rows(unannotated(record)):
        out += zip(row["token_starts"], row["token_ends"], strict=True)
    return out


def with_mentions(record: Record, spans: Iterable[tuple[int, int, str, str]]) -> Record:
    """A prediction record with a mention per ``(start, end, type, form)`` span, clustered by string match."""
    entities, clusters = mentions_with_clusters(record, spans)
    return predicted(record, entities=entities, clusters=clusters)


def spans_from_bio(
    starts: Sequence[int], ends: Sequence[int], tags: Sequence[str], forms: dict[str, str] | None = None
) -> list[tuple[int, int, str, str]]:
    """Token offsets and BIO tags back to ``(start, end, type, form)`` character spans (form: ``forms[type]``,
    default NAM). An I- tag that does not continue a span of its type starts a new one (the usual lenient reading)."""
    forms = forms or {}
    out: list[tuple[int, int, str, str]] = []
    current: list[Any] | None = None
    for start, end, tag in zip(starts, ends, tags, strict=True):
        kind, _, etype = tag.partition("-")
        if kind == "I" and current is not None and current[2] == etype:
            current[1] = end
            continue
        if current is not None:
            out.append((current[0], current[1], current[2], forms.get(current[2], "NAM")))
            current = None
        if kind in ("B", "I"):
            current = [start, end, etype]
    if current is not None:
        out.append((current[0], current[1], current[2], forms.get(current[2], "NAM")))
    return out


def mentions_with_clusters(
    record: Record, spans: Iterable[tuple[int, int, str, str]]
) -> tuple[tuple[Mention, ...], tuple[Cluster, ...]]:
    """Mentions for ``(start, end, type, form)`` spans, clustered by exact string match (the classic coreference
    baseline: two mentions with the same text and type are the same entity)."""
    mentions = [
        Mention(f"{record.id}:m{n}", start, end, record.text[start:end], etype, form)
        for n, (start, end, etype, form) in enumerate(sorted(set(spans)), start=1)
    ]
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        groups.setdefault((m.text, m.type), []).append(m)
    clusters = tuple(
        Cluster(f"{record.id}:c{n}", text, etype, tuple(m.id for m in members))
        for n, ((text, etype), members) in enumerate(groups.items(), start=1)
    )
    return tuple(mentions), clusters


def split_records(records: Sequence[Record], split: str) -> list[Record]:
    return [r for r in records if r.split == split]
