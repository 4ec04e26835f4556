"""``aces ingest``: raw text into the corpus's queue (raw kept byte for byte, a clean unannotated record written)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aces.corpus.ingest import IngestError


@click.command("ingest")
@click.argument("raw", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--conllu", "conllu", is_flag=True, help="RAW is CoNLL-U (a treebank file, or its comment lines): "
              "one document per '# newdoc id', ids, sentences and paragraphs from the file.")  # fmt: skip
@click.option("--id", "doc_id", help="Document id, e.g. aces-000-9f1bd322 (plain text; CoNLL-U names its own).")
@click.option("--source", required=True, help="Where the text comes from (publisher, URL, or how it reached us).")
@click.option("--license", "license_", default="unknown", show_default=True,
              help="SPDX id of the text's licence, one of labels.json `licenses` (e.g. CC-BY-NC-SA-3.0).")  # fmt: skip
@click.option("--attribution", help="The credit the licence asks for (required by licences that ask for one).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("corpus"))
@click.option("--force", is_flag=True, help="Replace a record already waiting in CORPUS/queue/ (never one in gold/).")
def ingest_cmd(
    raw: Path,
    conllu: bool,
    doc_id: str | None,
    source: str,
    license_: str,
    attribution: str | None,
    corpus_dir: Path,
    force: bool,
) -> None:
    """Keep RAW byte for byte under CORPUS/raw/ and queue its clean, unannotated record(s) in CORPUS/queue/ID.jsonl
    (annotated documents move to CORPUS/gold/)."""
    from aces.corpus.conllu_to_records import ingest_conllu
    from aces.corpus.intake import AlreadyThere, ingest_text, queue_path, write_queued

    if conllu == (doc_id is not None):
        raise click.UsageError("give --id for a plain-text RAW, or --conllu (the file names its documents), not both")
    try:
        if conllu:
            done = ingest_conllu(
                raw, corpus_dir, source=source, license=license_, attribution=attribution, force=force,
                progress=sys.stderr.isatty(),
            )  # fmt: skip
        else:
            assert doc_id is not None
            target = queue_path(corpus_dir, doc_id, force)
            record, written = ingest_text(raw, doc_id, source, corpus_dir, license=license_, attribution=attribution)
            write_queued(corpus_dir, record, target, written)
            done = [(target, record)]
    except AlreadyThere as err:
        raise click.UsageError(str(err)) from err
    except IngestError as err:
        raise click.ClickException(str(err)) from err
    for target, record in done:
        removed = ", ".join(sorted({r.reason for r in record.provenance.removed})) or "nothing"
        size = f"{len(record.text)} characters, {len(record.segments)} segments, {len(record.sentences)} sentences"
        click.echo(f"{target}: {size}, split {record.split}; removed {removed}")
    if len(done) > 1:
        per_split = {s: sum(1 for _, r in done if r.split == s) for s in ("train", "validation", "test")}
        click.echo(f"{len(done)} documents queued: " + ", ".join(f"{n} {s}" for s, n in per_split.items()))
