"""``aces run``: the main job in one command — validate the corpus, build the dataset, load it back, summarise.

It is README's first command, so it must say plainly what passed and stop at the first step that fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command("run")
@click.option("--corpus", "corpus", type=_DIR, help="Corpus directory (default: $ACES_CORPUS or the default corpus).")
@click.option("--out", "out_dir", type=_DIR, help="Dataset folder to build (default: build/hf/, or the user cache).")
def run_cmd(corpus: Path | None, out_dir: Path | None) -> None:
    """Validate the corpus, build the Hugging Face dataset, load every config back, print a summary."""
    from aces.corpus.version import CorpusVersionError
    from aces.hf.build import BuildError, build
    from aces.hf.dataset import load_back
    from aces.paths import corpus_dir, require_gold
    from aces.validate import validate

    corpus = corpus or corpus_dir()
    require_gold(corpus)  # no corpus: one line and exit status 2 (the ``aces`` group), before anything runs
    click.echo(f"1/3 validate {corpus}")
    report = validate([corpus])
    for finding in report.findings:
        click.echo(f"  {finding.human()}", err=True)
    click.echo("  " + report.summary().replace("\n", "\n  "))
    if not report.ok:
        raise click.ClickException("the corpus has validation errors; fix them (aces validate corpus/) and rerun")

    click.echo("2/3 build")
    try:
        summary = build(corpus, out_dir, progress=True)
    except (BuildError, CorpusVersionError) as err:
        raise click.ClickException(str(err)) from None
    click.echo("  " + summary.format().replace("\n", "\n  "))

    click.echo(f"3/3 load back {summary.out_dir} with datasets.load_dataset")
    if not sys.stderr.isatty():  # datasets draws its own progress bars: like ours, only on a terminal
        import datasets

        datasets.disable_progress_bars()
    try:
        loaded = load_back(summary.out_dir)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    for config, per_split in loaded.items():
        parts = ", ".join(f"{split} {rows}" for split, rows in per_split.items()) or "no rows"
        click.echo(f"  {config}: {parts}")
    click.echo(f"OK: {report.records} documents valid, dataset at {summary.out_dir}")
