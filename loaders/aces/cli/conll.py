"""``aces export conll``: the flat NER layer as CoNLL/BIO (a thin wrapper over ``aces.convert.conll``)."""

from __future__ import annotations

from pathlib import Path

import click

from aces.cli.options import CORPUS, corpus_records
from aces.convert.conll import ConllError, write_conll
from aces.corpus.splits import SPLITS
from aces.offsets import flat_mentions


@click.command("conll")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--split", type=click.Choice(SPLITS), default=None, help="Only the documents of this split.")
@click.option("--plain", is_flag=True, help="TOKEN TAG columns only (no offsets, no comments), for CoNLL-2003 tools.")
@CORPUS
def export_conll(out: Path, split: str | None, plain: bool, corpus: Path | None) -> None:
    """One token per line with its BIO tag (outermost mention wins), tokens as in the spaCy export."""
    records = [r for r in corpus_records(corpus) if split is None or r.split == split]
    if split is not None and not records:
        raise click.ClickException(f"the {split} split has no documents; nothing written to {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_conll(records, out, "plain" if plain else "full")
    except ConllError as err:
        raise click.ClickException(str(err)) from err
    mentions = sum(len(r.entities) for r in records)
    flat = sum(len(flat_mentions(r.entities)) for r in records)
    click.echo(f"{out}: {len(records)} documents, {flat} of {mentions} mentions tagged (outermost mention wins)")
