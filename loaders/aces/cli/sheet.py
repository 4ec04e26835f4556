"""``aces sheet``: annotation sheets (spans by text and sentence) to validated records, and records to sheets."""

from __future__ import annotations

import json
from pathlib import Path

import click

from aces.paths import doc_file

_DIR = click.Path(file_okay=False, path_type=Path)


@click.group("sheet")
def sheet_group() -> None:
    """Annotate with sheets: write spans by their text and sentence, get records with exact offsets."""


def _base(corpus: Path, doc_id: str) -> Path:
    from aces.corpus.intake import check_doc_id

    check_doc_id(doc_id)
    for folder in ("queue", "gold"):
        path = corpus / folder / f"{doc_id}.jsonl"
        if path.is_file():
            return path
    raise click.ClickException(f"{doc_id}: no record in {corpus}/queue/ or {corpus}/gold/ to annotate")


@sheet_group.command("apply")
@click.argument("sheets", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=_DIR, default=Path("corpus"), show_default=True, help="Where the queued records are.")
@click.option("--out", "out_dir", type=_DIR, required=True, help="Directory for the records (<id>.jsonl).")
def apply_cmd(sheets: tuple[Path, ...], corpus: Path, out_dir: Path) -> None:
    """Turn SHEETS into records of the queued documents they name; each is written only if it validates."""
    from aces import record as rec
    from aces.corpus.intake import write_atomic
    from aces.corpus.sheets import SheetError, apply
    from aces.validate.runner import Validation

    failed = 0
    for path in sheets:
        try:
            sheet = json.loads(path.read_text(encoding="utf-8"))
            base = next(rec.read_jsonl(_base(corpus, str(sheet.get("doc")))))
            record = apply(sheet, base)
        except (SheetError, ValueError) as err:
            click.echo(f"{path}: {err}", err=True)
            failed += 1
            continue
        target = doc_file(out_dir, record.id, ".jsonl")
        line = rec.to_json(record).encode("utf-8") + b"\n"
        findings = Validation(cross_document=False).check_line(line, str(target), 1, corpus)
        if not (record.entities or record.events or record.stances):
            click.echo(f"{path}: the sheet annotates nothing", err=True)
            failed += 1
            continue
        for f in findings:
            click.echo(f"{path}: {f.severity} {f.code} [{f.ann_id or record.id}] {f.message}", err=True)
        if any(f.is_error for f in findings):
            failed += 1
            continue
        write_atomic(target, line)
        click.echo(
            f"{target}: {len(record.entities)} mentions, {len(record.clusters)} clusters, {len(record.events)} "
            f"events, {len(record.stances)} stances"
        )
    if failed:
        raise click.ClickException(f"{failed} of {len(sheets)} sheet(s) not written; fix what is listed above")


@sheet_group.command("extract")
@click.argument("records", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=_DIR, required=True, help="Directory for the sheets (<id>.sheet.json).")
def extract_cmd(records: tuple[Path, ...], out_dir: Path) -> None:
    """Write the sheet of every record in RECORDS (JSONL files), to review and apply again."""
    from aces import record as rec
    from aces.corpus.intake import check_doc_id, write_atomic
    from aces.corpus.sheets import SheetError, extract

    for path in records:
        for record in rec.read_jsonl(path):
            check_doc_id(record.id)
            try:
                sheet = extract(record)
            except SheetError as err:
                raise click.ClickException(f"{path}: {err}") from err
            target = doc_file(out_dir, record.id, ".sheet.json")
            write_atomic(target, (json.dumps(sheet, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
            click.echo(str(target))


@sheet_group.command("text")
@click.argument("doc_id")
@click.option("--corpus", type=_DIR, default=Path("corpus"), show_default=True, help="Where the record is.")
def text_cmd(doc_id: str, corpus: Path) -> None:
    """Print DOC_ID's sentences with the ids a sheet's "in" names (paragraph type in brackets)."""
    from aces import record as rec

    record = next(rec.read_jsonl(_base(corpus, doc_id)))
    prefix = record.id + ":"
    sentences = record.sentences if isinstance(record.sentences, tuple) else ()
    for seg in record.segments:
        click.echo(f"[{seg.id.removeprefix(prefix)} {seg.type}]")
        inside = [s for s in sentences if seg.start <= s.start < seg.end] or [seg]
        for s in inside:
            click.echo(f"  {s.id.removeprefix(prefix)}: {record.text[s.start : s.end]}")
