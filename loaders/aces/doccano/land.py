"""Bring doccano JSONL back into the corpus: convert, validate, then write everything or nothing.

The pulled records always go to an output directory with a diff against gold and, for documents that
changed, an adjudication file (``aces adjudicate`` review format: gold is reading A, doccano reading B). Gold
itself is replaced only on request (``apply``), only when every record is valid, and never for a document whose
gold changed after it was pushed (its ``aces_base`` fingerprint no longer matches): that needs adjudication,
not an overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aces.doccano.convert import DoccanoFormatError, Problem, doccano_to_records, parse_jsonl, record_sha
from aces.paths import doc_file, gold_files
from aces.record import Record, read_jsonl, to_json, write_jsonl
from aces.validate.runner import Validation
from aces.versions.adjudicate import review, review_jsonl
from aces.versions.diff import diff
from aces.versions.render import diff_text


class LandError(RuntimeError):
    """Nothing was written; ``lines`` are the reasons, each with its location."""

    def __init__(self, headline: str, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join([headline, *lines]))


@dataclass
class LandResult:
    records: list[Record]
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # gold changed since the push
    applied: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)  # converted without their map (rebuild_clusters)


def read_gold(corpus: Path) -> dict[str, tuple[Record, Path]]:
    """Document id → (gold record, its file) for every record under ``corpus/gold``."""
    out: dict[str, tuple[Record, Path]] = {}
    for path in gold_files(corpus):
        for record in read_jsonl(path):
            out[record.id] = (record, path)
    return out


def _validate(records: list[Record], corpus: Path, source: str) -> tuple[list[str], list[str]]:
    """Errors and warnings of ``aces validate`` for the converted records, located in the doccano data."""
    run = Validation()
    errors: list[str] = []
    warnings: list[str] = []
    for number, record in enumerate(records, start=1):
        for finding in run.check_line(to_json(record).encode("utf-8"), f"{source} (converted)", number, corpus):
            (errors if finding.is_error else warnings).append(finding.human())
    return errors, warnings


def land(
    text: str,
    corpus: Path,
    out: Path,
    apply: bool = False,
    source: str = "doccano",
    rebuild_clusters: bool = False,
) -> LandResult:
    """Convert ``text`` (doccano JSONL) onto the gold of ``corpus``; write to ``out`` and, if ``apply``, to gold.

    ``rebuild_clusters`` converts rows whose meta is damaged without it (losing clusters and ids, each such loss
    listed in the result's warnings); it never goes with ``apply``: such a pull is for adjudication, not gold.
    """
    if rebuild_clusters and apply:
        raise ValueError("rebuild_clusters loses clusters and ids: it cannot replace gold (apply)")
    gold = read_gold(corpus)
    losses: list[Problem] = []
    try:
        records = doccano_to_records(
            text,
            {doc: rec for doc, (rec, _) in gold.items()},
            source,
            rebuild_clusters=rebuild_clusters,
            losses=losses,
        )
    except DoccanoFormatError as err:
        raise LandError(
            f"{source}: {len(err.problems)} problem(s); nothing was written", [p.human(source) for p in err.problems]
        ) from err
    if not records:  # an empty export (or one cut before its first row) would "succeed" with nothing in it
        raise LandError(f"{source}: no example in the export; nothing was written", ["export the project again"])
    errors, warnings = _validate(records, corpus, source)
    if errors:
        raise LandError(f"{source}: the converted records do not validate; nothing was written", errors)
    rows, _ = parse_jsonl(text)
    pushed_sha = {str(row.get("aces_id")): row.get("aces_base") for _, row in rows}
    result = LandResult(records, warnings=[p.human(source) for p in losses] + warnings)
    result.rebuilt = [p.doc_id for p in losses if p.doc_id]
    for record in records:
        base, _ = gold[record.id]
        if record != base:
            result.changed.append(record.id)
        if pushed_sha.get(record.id) not in (None, record_sha(base)):
            result.moved.append(record.id)
    if apply and result.moved:
        raise LandError(
            "gold changed after the push for some documents; nothing was written",
            [f"{doc}: pull without --apply and adjudicate with `aces diff`" for doc in result.moved],
        )
    out.mkdir(parents=True, exist_ok=True)
    for record in records:
        path = doc_file(out, record.id, ".jsonl")
        write_jsonl([record], path)
        result.written.append(path)
    report = diff([gold[r.id][0] for r in records], records)
    (out / "diff.txt").write_text(diff_text(report, "gold", source) + "\n", encoding="utf-8")
    result.written.append(out / "diff.txt")
    changed = [r for r in records if r.id in result.changed]
    if changed:  # gold (A) vs the annotators' work (B), one conflict per difference, for `aces adjudicate`
        (out / "adjudication.jsonl").write_text(
            review_jsonl(review([gold[r.id][0] for r in changed], changed)), encoding="utf-8"
        )
        result.written.append(out / "adjudication.jsonl")
    if apply:
        result.applied = _replace_gold(records, result.changed, gold)
    return result


def _replace_gold(records: list[Record], changed: list[str], gold: dict[str, tuple[Record, Path]]) -> list[Path]:
    """Rewrite the gold files of changed documents: every new file is written before any is renamed into place."""
    by_file: dict[Path, list[Record]] = {}
    pulled = {r.id: r for r in records}
    for doc in changed:
        path = gold[doc][1]
        by_file[path] = [pulled.get(r.id, r) for r in read_jsonl(path)]
    staged: list[tuple[Path, Path]] = []
    for path, recs in by_file.items():
        tmp = path.with_name(path.name + ".doccano-new")
        write_jsonl(recs, tmp)
        staged.append((tmp, path))
    for tmp, path in staged:
        tmp.replace(path)
    return [path for _, path in staged]
