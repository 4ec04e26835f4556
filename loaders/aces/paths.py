"""Where the corpus lives: the repository's ``corpus/`` unless ``ACES_CORPUS`` says otherwise."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def corpus_dir() -> Path:
    return Path(os.environ.get("ACES_CORPUS", repo_root() / "corpus"))


def gold_files(corpus: Path | None = None) -> list[Path]:
    return sorted((corpus or corpus_dir()).glob("gold/*.jsonl"))


def queue_files(corpus: Path | None = None) -> list[Path]:
    """The records waiting for annotation: ``CORPUS/queue/*.jsonl``."""
    return sorted((corpus or corpus_dir()).glob("queue/*.jsonl"))
