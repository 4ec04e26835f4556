"""Deterministic split assignment, stored in each record at ingest so a document never moves as the corpus grows.

A single document (``aces ingest RAW``) gets its split from the sha256 of its id (``assign_split``). A batch of
documents from one source (a treebank's documents, ``aces ingest --conllu``) is split by ``stratified``: within
each stratum (the outlet), documents in sha256 order each go to the split furthest below its target share of the
stratum's characters, so every outlet is spread over train, validation and test at about 70 / 15 / 15 of its
text, as far as whole documents allow (an outlet of one or two documents stays in train).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

SPLITS = ("train", "validation", "test")
# Buckets of sha256(id) mod 100: [0, 80) train, [80, 90) validation, [90, 100) test.
_BOUNDS = ((80, "train"), (90, "validation"), (100, "test"))


def assign_split(doc_id: str) -> str:
    """The split a new document joins; stored in the record at ingest and changed only by a migration."""
    bucket = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") % 100
    return next(name for bound, name in _BOUNDS if bucket < bound)


TARGETS: dict[str, float] = {"train": 0.70, "validation": 0.15, "test": 0.15}
"""Target share of each split's characters within a stratum (``stratified``)."""


def _order(doc_id: str) -> bytes:
    return hashlib.sha256(doc_id.encode("utf-8")).digest()


def stratified(documents: Iterable[tuple[str, str, int]], targets: Mapping[str, float] = TARGETS) -> dict[str, str]:
    """Document id → split for ``(id, stratum, size)`` triples: per stratum, in sha256(id) order, each document
    goes to the split whose characters are furthest below ``target × (stratum so far + this document)``; ties go
    to the split listed first. Depends only on the triples, never on their order."""
    by_stratum: dict[str, list[tuple[str, int]]] = {}
    for doc_id, stratum, size in documents:
        by_stratum.setdefault(stratum, []).append((doc_id, size))
    out: dict[str, str] = {}
    for stratum in sorted(by_stratum):
        given = dict.fromkeys(targets, 0)
        total = 0
        for doc_id, size in sorted(by_stratum[stratum], key=lambda d: _order(d[0])):
            total += size
            split = max(targets, key=lambda s: targets[s] * total - given[s])
            given[split] += size
            out[doc_id] = split
    return out
