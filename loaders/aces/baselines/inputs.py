"""What a baseline is given: the documents of a split without their annotations, and the tokens of a text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
