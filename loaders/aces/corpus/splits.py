"""Deterministic split assignment: a document's split depends on its id alone, so it never moves as the corpus grows."""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "test")
# Buckets of sha256(id) mod 100: [0, 80) train, [80, 90) validation, [90, 100) test.
_BOUNDS = ((80, "train"), (90, "validation"), (100, "test"))


def assign_split(doc_id: str) -> str:
    """The split a new document joins; stored in the record at ingest and changed only by a migration."""
    bucket = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") % 100
    return next(name for bound, name in _BOUNDS if bucket < bound)
