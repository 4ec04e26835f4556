"""``aces export brat`` and ``aces import brat``: thin wrappers over ``aces.convert.brat``.

Import is all or nothing: the records are written only when the BRAT files read cleanly and the result passes
``aces validate`` (warnings allowed), so a half-edited collection can never overwrite a good JSONL file. Validator
findings are printed at the ``.ann`` line of the annotation they concern, where the annotator fixes them.
"""

from __future__ import annotations

from pathlib import Path

import click

from aces import record as rec
from aces.cli.options import CORPUS, corpus_records
from aces.convert.brat import ConversionError, WouldOverwrite, to_brat
from aces.convert.brat_import import BratImport, read_brat


@click.command("brat")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory.")
@CORPUS
@click.option("--force", is_flag=True, help="Overwrite .txt/.ann files that differ from the export (BRAT edits).")
def export_brat(out_dir: Path, corpus: Path | None, force: bool) -> None:
    """A BRAT collection: ID.txt + ID.ann (+ ID.aces.json) per document, annotation.conf and visual.conf.

    Exit 2, writing nothing, when OUT holds a .txt or .ann the export would change (work done in BRAT) and no
    --force was given, as `aces import brat` refuses to overwrite its output."""
    records = list(corpus_records(corpus))
    try:
        written = to_brat(records, out_dir, force=force)
    except WouldOverwrite as err:
        click.echo(f"Error: {out_dir}: {err}", err=True)
        raise SystemExit(2) from err
    except ConversionError as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:
        click.echo(f"Error: cannot write {err.filename or out_dir}: {err.strerror}", err=True)
        raise SystemExit(2) from err
    mentions = sum(len(r.entities) for r in records)
    events = sum(len(r.events) for r in records)
    stances = sum(len(r.stances) for r in records)
    click.echo(f"{out_dir}: {len(written)} documents, {mentions} mentions, {events} events, {stances} stances")


def _located(result: BratImport, finding) -> str:
    """A validator finding at the ``.ann`` line that defines its annotation (or its document's ``.ann``)."""
    file, line = result.where.get(finding.ann_id or "", (None, 0))
    if file is None:
        file = next((f for aid, (f, _) in result.where.items() if aid.startswith(f"{finding.doc_id}:")), finding.file)
        line = 0 if file != finding.file else finding.line
    who = f" [{finding.ann_id or finding.doc_id}]" if finding.ann_id or finding.doc_id else ""
    return f"{file}:{line}{who} L{finding.level} {finding.severity.upper()} {finding.code}: {finding.message}"


@click.command("brat")
@click.argument("in_dir", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="JSONL file to write.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The corpus the collection was exported from (default: $ACES_CORPUS or the repository's corpus/): the "
    "records' raw files are looked up in its raw/, wherever OUT is written.",
)
def import_brat(in_dir: Path, out: Path, force: bool, corpus: Path | None) -> None:
    """Read a BRAT collection written by `aces export brat` (edited or not) back into one JSONL file."""
    from aces.paths import corpus_dir
    from aces.validate.runner import Report, Validation

    if out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to overwrite it")
    result = read_brat(in_dir)
    for problem in result.problems:
        click.echo(problem.human(), err=True)
    if result.errors:
        raise click.ClickException(f"{result.errors} errors in {in_dir}; nothing written (fix them and re-run)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".import.tmp")
    rec.write_jsonl(result.records, tmp)
    try:
        report, run = Report(), Validation()
        with open(tmp, "rb") as handle:  # checked as records of CORPUS: its raw/ holds their raw files
            for number, line in enumerate(handle, 1):
                for finding in run.check_line(line, str(tmp), number, corpus or corpus_dir()):
                    report.add(finding)
        for finding in report.findings:
            click.echo(_located(result, finding), err=True)
        if not report.ok:
            raise click.ClickException(f"{report.errors} validation errors; nothing written (fix them in BRAT)")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    warnings = sum(not p.is_error for p in result.problems) + report.warnings
    click.echo(f"{out}: {len(result.records)} records ({warnings} warnings)")
