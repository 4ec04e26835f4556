"""What several commands share: the ``--corpus`` option of the exporters and the reading of that corpus's gold
records, so every command reports a missing corpus or a broken line the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import msgspec

from aces import record as rec
from aces.paths import corpus_dir, gold_files

CORPUS = click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Corpus directory (default: $ACES_CORPUS or the repository's corpus/); its gold/*.jsonl are read.",
)


def corpus_records(corpus: Path | None) -> Iterator[rec.Record]:
    """Every gold record of ``corpus``; a line that is not a record stops with its file and line number."""
    root = corpus or corpus_dir()
    files = gold_files(root)
    if not files:
        raise click.ClickException(f"{root}: no gold/*.jsonl files; pass --corpus with the corpus directory")
    for file in files:
        with open(file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield rec.from_json(line)
                except (msgspec.ValidationError, msgspec.DecodeError) as err:
                    raise click.ClickException(
                        f"{file}:{number}: not an ACES record ({err}); run `aces validate {file}` to see every problem"
                    ) from err
