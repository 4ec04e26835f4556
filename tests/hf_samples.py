"""Small corpora for the Hugging Face build, load, Croissant and publish tests.

``sample_records()`` is the hand-annotated record of ``spacy_samples`` (proclitics glued to spans, emoji,
nested mentions, all three layers) under three ids, one per split, so every split, config and column has rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec

from aces.paths import repo_root
from aces.record import Record, from_json, to_json, write_jsonl
from spacy_samples import clitic_record

SPLIT_OF = {"t-hf-001": "train", "t-hf-002": "validation", "t-hf-003": "test"}


def renamed(record: Record, doc_id: str, split: str) -> Record:
    """``record`` under another document id (every annotation id follows) and split."""
    data = to_json(record).replace(f'"{record.id}:', f'"{doc_id}:').replace(f'"{record.id}"', f'"{doc_id}"')
    return msgspec.structs.replace(from_json(data), split=split)


def sample_records() -> list[Record]:
    base = clitic_record()
    return [renamed(base, doc_id, split) for doc_id, split in SPLIT_OF.items()]


def write_corpus(
    root: Path, records: list[Record], version: str | None = "0.3.0", datasheet: str | None = None
) -> Path:
    """A corpus directory ``root/corpus`` (gold JSONL + VERSION), with ``root/DATASHEET.md`` if given."""
    corpus = Path(root) / "corpus"
    (corpus / "gold").mkdir(parents=True, exist_ok=True)
    write_jsonl(records, corpus / "gold" / "sample.jsonl")
    if version:
        (corpus / "VERSION").write_text(version + "\n", encoding="utf-8")
    if datasheet is not None:
        (Path(root) / "DATASHEET.md").write_text(datasheet, encoding="utf-8")
    return corpus


def copy_repo_corpus(root: Path) -> Path:
    """A copy of the repository's gold corpus (records and VERSION) under ``root/corpus``."""
    corpus = Path(root) / "corpus"
    shutil.copytree(repo_root() / "corpus" / "gold", corpus / "gold")
    if (repo_root() / "corpus" / "VERSION").is_file():
        shutil.copy(repo_root() / "corpus" / "VERSION", corpus / "VERSION")
    return corpus
