"""``aces ingest``: a raw article into the corpus (raw kept byte for byte, clean record written)."""

from __future__ import annotations

from pathlib import Path

import click

from aces import record as rec
from aces.corpus.ingest import IngestError, ingest


@click.command("ingest")
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
