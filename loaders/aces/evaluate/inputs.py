"""What the scorer accepts: both sides valid at levels 1–3, and the same documents with the same texts.

Validation is the validator's own (``aces.validate``): files through ``iter_findings`` as ``aces validate
--level 3`` runs them, records in memory line by line through the same ``Validation`` checker. Only errors
refuse a side; warnings (a raw file not found beside a prediction file, say) do not. Level 3 is enough for
offsets and references to mean something; levels 4–5 are guideline and corpus rules a system need not meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from aces import record as rec
from aces.validate import Finding, iter_findings
from aces.validate.runner import Validation
from aces.versions.match import pair_documents

LEVEL = 3
"""Validation levels the scorer runs (1 file, 2 schema, 3 references)."""
SHOWN_IDS = 5


class ScoreError(ValueError):
    """The inputs cannot be scored; ``str()`` is one line, ``findings`` the validator's errors, if any."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


def _refuse(side: str, errors: list[Finding]) -> None:
    if errors:
        raise ScoreError(
            f"{side} is not valid at levels 1-{LEVEL} ({len(errors)} error(s), first: {errors[0].human()}); "
            f"run `aces validate --level {LEVEL}` on it, nothing was scored",
            errors,
        )


def check_files(side: str, files: Iterable[Path]) -> None:
    """Raise ``ScoreError`` with every level 1–3 error of ``files`` (located: file, line, id)."""
    _refuse(side, [f for f in iter_findings(files, LEVEL) if f.is_error])


def check_records(side: str, records: Iterable[rec.Record]) -> None:
    """Raise ``ScoreError`` with every level 1–3 error of in-memory records (located as ``<side>:N``, N from 1)."""
    checker = Validation(LEVEL)
    errors = []
    for number, record in enumerate(records, 1):
        line = rec.to_json(record).encode("utf-8")
        errors += [f for f in checker.check_line(line, f"<{side}>", number, None) if f.is_error]
    _refuse(side, errors)


def _ids(ids: list[str]) -> str:
    more = f", … ({len(ids)} in all)" if len(ids) > SHOWN_IDS else ""
    return ", ".join(ids[:SHOWN_IDS]) + more


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def document_pairs(gold: Sequence[rec.Record], pred: Sequence[rec.Record]) -> list[tuple[rec.Record, rec.Record]]:
    """Gold and predicted records paired by id, sorted by id.

    Every gold document must have a prediction (an empty one is a record with empty layers) and every
    prediction a gold document with the very same text; otherwise ``ScoreError`` says which.
    """
    pairing = pair_documents(gold, pred)
    if pairing.only_a:
        raise ScoreError(
            f"{len(pairing.only_a)} gold document(s) have no prediction: {_ids(pairing.only_a)}; predict every "
            "gold document (a record with empty layers predicts nothing) or score against just the gold "
            "documents you predicted"
        )
    if pairing.only_b:
        raise ScoreError(f"{len(pairing.only_b)} predicted document(s) are not in gold: {_ids(pairing.only_b)}")
    if pairing.not_comparable:
        doc_id = pairing.not_comparable[0]
        g = next(r for r in gold if r.id == doc_id)
        p = next(r for r in pred if r.id == doc_id)
        raise ScoreError(
            f"document {doc_id}: the predicted text differs from gold's at offset {_first_difference(g.text, p.text)} "
            f"({len(pairing.not_comparable)} document(s) differ); predictions must keep the gold text unchanged"
        )
    return pairing.pairs
