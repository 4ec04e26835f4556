"""Where ingested documents go: the raw file under ``CORPUS/raw/`` byte for byte, the unannotated record under
``CORPUS/queue/<id>.jsonl`` (one file per document, so annotating one means moving one file to ``gold/``).

Every name comes from data (a document id, a source file name) and is checked before a path is made: ids against
the schema's pattern, raw paths confined to ``raw/``. Each record is validated as a queued record before it is
written (the raw file must already be in place for its provenance to be checked), files are replaced atomically,
and nothing overwrites an annotated document: an id already in ``gold/`` is refused.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from aces import record as rec
from aces.atomic import replace_bytes
from aces.corpus.ingest import IngestError
from aces.schema import CURRENT_VERSION, json_schema

QUEUE = "queue"
GOLD = "gold"


class AlreadyThere(IngestError):
    """The document is already in the corpus (queued, or annotated in gold); the message says what would be lost."""


def check_doc_id(doc_id: str) -> None:
    pattern = json_schema(CURRENT_VERSION)["$defs"]["doc_id"]["pattern"]
    if not re.fullmatch(pattern, doc_id):
        raise IngestError(f"document id {doc_id!r} is not of the form ACES ids take ({pattern})")


def raw_target(corpus: Path, relative: str) -> Path:
    """``corpus / relative`` for a ``raw/...`` path made from data, refused if it could leave ``raw/``."""
    parts = PurePosixPath(relative).parts
    if len(parts) < 2 or parts[0] != "raw" or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise IngestError(f"raw path {relative!r} must be raw/<name>... with no '..' or absolute part")
    return corpus.joinpath(*parts)


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` or what it held before (``aces.atomic.replace_bytes``), its folder made if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_bytes(path, data)


def keep_raw(corpus: Path, relative: str, data: bytes) -> bool:
    """Put ``data`` at ``corpus/relative`` unless it is already there; refuse other bytes under that name. Returns
    True when the file was written now."""
    target = raw_target(corpus, relative)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise IngestError(f"{target} exists and is not a regular file; remove it or pick another name")
    if target.exists():
        if target.read_bytes() != data:
            raise IngestError(f"{target} exists with other content; raw files never change: pick another name")
        return False
    write_atomic(target, data)
    return True


def queue_path(corpus: Path, doc_id: str, force: bool) -> Path:
    """``corpus/queue/<id>.jsonl`` for a new document: refused when the id is annotated in ``gold/``, or already
    queued (unless ``force``)."""
    check_doc_id(doc_id)
    gold = corpus / GOLD / f"{doc_id}.jsonl"
    if gold.exists():
        raise AlreadyThere(f"{gold} exists: {doc_id} is annotated; ingesting it again would lose its annotations")
    target = corpus / QUEUE / f"{doc_id}.jsonl"
    if target.exists() and not force:
        raise AlreadyThere(f"{target} exists; pass --force to replace the queued record")
    return target


def ingest_text(
    raw_path: str | Path,
    doc_id: str,
    source: str,
    corpus: str | Path = "corpus",
    lang: str = "ar",
    license: str = "unknown",
    attribution: str | None = None,
) -> tuple[rec.Record, bool]:
    """Keep a raw article under ``corpus/raw/`` (byte for byte) and return its clean, unannotated record and
    whether the raw file was written now (``write_queued`` queues the record)."""
    from aces.corpus.ingest import text_record

    check_doc_id(doc_id)
    raw_path = Path(raw_path)
    data = raw_path.read_bytes()
    record = text_record(raw_path, data, doc_id, source, lang, license, attribution)
    return record, keep_raw(Path(corpus), record.provenance.raw_path, data)


def write_queued(corpus: Path, record: rec.Record, target: Path, raw_written: bool) -> None:
    """Validate ``record`` as a queued record of ``corpus`` (every level but the corpus-wide search), then write
    it; on an error nothing is written and a raw file written for it is removed again."""
    from aces.validate.runner import Validation

    line = rec.to_json(record).encode("utf-8") + b"\n"
    findings = Validation(cross_document=False).check_line(line, str(target), 1, corpus)
    errors = [f for f in findings if f.is_error]
    if errors:
        if raw_written:
            raw_target(corpus, record.provenance.raw_path).unlink(missing_ok=True)
        listed = "; ".join(f"{f.code}: {f.message}" for f in errors[:5])
        raise IngestError(f"{record.id}: the ingested record would not validate ({len(errors)} errors): {listed}")
    write_atomic(target, line)


SOURCE_FIELDS = ("text", "lang", "split", "provenance", "segments", "sentences")
"""What annotation never changes: the document as ingested."""


def promote(record: rec.Record, corpus: Path) -> Path:
    """Move an annotated document from ``corpus/queue/`` to ``corpus/gold/``: ``record`` must be the queued
    document (same id and the same text, split, provenance, segments and sentences) with its annotations and a
    status, and must validate as gold. The gold file is written atomically, then the queued file removed."""
    from aces.validate.runner import Validation

    check_doc_id(record.id)
    queued = corpus / QUEUE / f"{record.id}.jsonl"
    gold = corpus / GOLD / f"{record.id}.jsonl"
    if not queued.is_file():
        where = "is already in gold/" if gold.exists() else "is not in queue/"
        raise IngestError(f"{record.id} {where}; only a queued document can be promoted")
    base = next(rec.read_jsonl(queued))
    changed = [name for name in SOURCE_FIELDS if getattr(base, name) != getattr(record, name)]
    if changed or base.schema_version != record.schema_version:
        what = ", ".join(changed) or "schema_version"
        raise IngestError(
            f"{record.id}: the annotated record changes the document ({what}); annotation only adds layers"
        )
    line = rec.to_json(record).encode("utf-8") + b"\n"
    findings = Validation(cross_document=False).check_line(line, str(gold), 1, corpus)
    problems = [f for f in findings if f.is_error or f.code == "annotation-status-missing"]
    if problems:
        listed = "; ".join(f"{f.code}: {f.message}" for f in problems[:5])
        raise IngestError(f"{record.id}: not valid as gold ({len(problems)} problems): {listed}")
    write_atomic(gold, line)
    queued.unlink()
    return gold
