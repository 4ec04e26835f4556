"""The repository's annotated records for round-trip tests: gold plus every annotation pass of every round.

An adjudication folder holds records (``DOC.jsonl``) beside its conflict lists (``DOC.review.jsonl``), which are
not records and are left out.
"""

from __future__ import annotations

from pathlib import Path

from aces.paths import corpus_dir, gold_files


def round_files() -> list[Path]:
    """Every record file under ``corpus/rounds/`` (passes, reviews, adjudicated merges)."""
    return sorted(p for p in (corpus_dir() / "rounds").rglob("*.jsonl") if not p.name.endswith(".review.jsonl"))


def annotated_files() -> list[Path]:
    return gold_files() + round_files()
