"""Small corpora for the Hugging Face build, load, Croissant and publish tests.

``sample_records()`` is the hand-annotated record of ``spacy_samples`` (proclitics glued to spans, emoji,
nested mentions, all three layers) under three ids, one per split, so every split, config and column has rows.
The three differ in one emoji (same length, outside every span): the validator, and so the build, refuses the same
text in two splits.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec

from aces.paths import repo_root
from aces.record import Record, from_json, to_json, write_jsonl
from spacy_samples import clitic_record

SPLIT_OF = {"t-hf-001": "train", "t-hf-002": "validation", "t-hf-003": "test"}
EMOJI = "😀😃😄😁😆😅😂🙂😉😊"
EMOJI_OF = {"t-hf-001": "😀", "t-hf-002": "😃", "t-hf-003": "😄"}


def renamed(record: Record, doc_id: str, split: str) -> Record:
    """``record`` under another document id (every annotation id follows) and split."""
    data = to_json(record).replace(f'"{record.id}:', f'"{doc_id}:').replace(f'"{record.id}"', f'"{doc_id}"')
    return msgspec.structs.replace(from_json(data), split=split)


def with_emoji(record: Record, emoji: str) -> Record:
    """``record`` with its one emoji (one code point, outside every span) replaced: another text, same offsets."""
    (at,) = [i for i, ch in enumerate(record.text) if ch in EMOJI]
    return msgspec.structs.replace(record, text=record.text[:at] + emoji + record.text[at + 1 :])


def sample_records() -> list[Record]:
    base = clitic_record()
    return [with_emoji(renamed(base, doc_id, split), EMOJI_OF[doc_id]) for doc_id, split in SPLIT_OF.items()]


def write_corpus(
    root: Path,
    records: list[Record],
    version: str | None = "0.3.0",
    datasheet: str | None = None,
    citation: bool = True,
) -> Path:
    """A corpus directory ``root/corpus`` (gold JSONL + VERSION, and the repository's CITATION.cff unless
    ``citation=False``), with ``root/DATASHEET.md`` if given."""
    corpus = Path(root) / "corpus"
    (corpus / "gold").mkdir(parents=True, exist_ok=True)
    write_jsonl(records, corpus / "gold" / "sample.jsonl")
    if citation:
        shutil.copyfile(repo_root() / "corpus" / "CITATION.cff", corpus / "CITATION.cff")
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
