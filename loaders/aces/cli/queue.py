"""``aces queue promote``: an annotated document leaves the queue for gold (one file moved, nothing else)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("queue")
def queue_group() -> None:
    """The documents waiting for annotation in CORPUS/queue/."""


@queue_group.command("promote")
@click.argument("records", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpus"), show_default=True)
def promote_cmd(records: tuple[Path, ...], corpus: Path) -> None:
    """Put the annotated RECORDS (JSONL) in CORPUS/gold/ in place of their queued documents: each must be its queued
    document with annotations and a status added, and valid as gold."""
    from aces import record as rec
    from aces.corpus.ingest import IngestError
    from aces.corpus.intake import promote

    for path in records:
        for record in rec.read_jsonl(path):
            try:
                target = promote(record, corpus)
            except IngestError as err:
                raise click.ClickException(str(err)) from err
            click.echo(f"{target}: {record.annotation_status}")
