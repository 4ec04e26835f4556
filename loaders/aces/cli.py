"""The ``aces`` command: thin wrappers that parse arguments and call the modules that do the work."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aces import record as rec
from aces.ingest import IngestError, ingest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ACES: Arabic Corpus of Entities, Events and Stance."""


@main.command("ingest")
@click.argument("raw", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "doc_id", required=True, help="Document id, e.g. aces-000-9f1bd322.")
@click.option("--source", required=True, help="Where the text comes from (publisher, URL, or how it reached us).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("corpus"))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: CORPUS/gold/ID.jsonl.")
@click.option("--force", is_flag=True, help="Overwrite an existing record (its annotations are lost).")
def ingest_cmd(raw: Path, doc_id: str, source: str, corpus_dir: Path, out: Path | None, force: bool) -> None:
    """Keep RAW byte for byte under CORPUS/raw/ and write its clean, unannotated record."""
    out = out or corpus_dir / "gold" / f"{doc_id}.jsonl"
    if out.exists() and not force:
        raise click.UsageError(f"{out} exists (it may hold annotations); pass --force to overwrite it")
    try:
        record = ingest(raw, doc_id, source, corpus_dir)
    except IngestError as err:
        raise click.ClickException(str(err)) from err
    out.parent.mkdir(parents=True, exist_ok=True)
    rec.write_jsonl([record], out)
    removed = ", ".join(sorted({r.reason for r in record.provenance.removed})) or "nothing"
    size = f"{len(record.text)} characters, {len(record.segments)} segments"
    click.echo(f"{out}: {size}, split {record.split}; removed {removed}")


from aces.cli_stats import stats_cmd  # noqa: E402

main.add_command(stats_cmd)

from aces.cli_versions import agree_cmd, diff_cmd  # noqa: E402

main.add_command(agree_cmd)
main.add_command(diff_cmd)

from aces.cli_validate import checks_cmd, validate_cmd  # noqa: E402

main.add_command(validate_cmd)
main.add_command(checks_cmd)

from aces.cli_formats import export_group, import_group  # noqa: E402
from aces.cli_spacy import export_spacy, import_spacy, show_cmd  # noqa: E402

export_group.add_command(export_spacy)
import_group.add_command(import_spacy)
main.add_command(export_group)
main.add_command(import_group)
main.add_command(show_cmd)

from aces.cli_build import build_cmd, publish_cmd  # noqa: E402

main.add_command(build_cmd)
main.add_command(publish_cmd)

from aces.cli_doccano import doccano_group, export_doccano, import_doccano  # noqa: E402

main.add_command(doccano_group)
export_group.add_command(export_doccano)
import_group.add_command(import_doccano)

from aces.cli_brat import export_brat, import_brat  # noqa: E402

export_group.add_command(export_brat)
import_group.add_command(import_brat)

from aces.cli_conll import export_conll  # noqa: E402

export_group.add_command(export_conll)

from aces.cli_report import report_cmd  # noqa: E402

main.add_command(report_cmd)

from aces.cli_migrate import migrate_cmd  # noqa: E402

main.add_command(migrate_cmd)

from aces.cli_adjudicate import adjudicate_cmd  # noqa: E402

main.add_command(adjudicate_cmd)

from aces.cli_release import release_cmd  # noqa: E402

main.add_command(release_cmd)

from aces.cli_run import run_cmd  # noqa: E402

main.add_command(run_cmd)


if __name__ == "__main__":
    sys.exit(main())
