"""``aces baselines``: train, run and score every baseline; keep the results with the corpus and in the docs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from aces.atomic import replace_bytes
from aces.baselines.run import BASELINES, RESULTS, differences, dumps, run
from aces.baselines.table import markdown
from aces.cli.options import CORPUS, corpus_records
from aces.paths import corpus_dir, repo_root

EVALUATION = Path("docs") / "EVALUATION.md"


@click.command("baselines")
@CORPUS
@click.option(
    "--only",
    multiple=True,
    type=click.Choice([b.name for b in BASELINES]),
    help="Run only this baseline (repeatable); the others' results are kept as they are.",
)
@click.option(
    "--predictions",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each baseline's predictions as ACES records: DIR/NAME/SPLIT.jsonl (score them with aces score).",
)
@click.option(
    "--check",
    is_flag=True,
    help=f"Write nothing: run, then exit 1 if a figure differs from the corpus's {RESULTS} (beyond the "
    "baseline's stated tolerance: 0, or 0.02 for spaCy, whose floating point depends on the CPU).",
)
def baselines_cmd(corpus: Path | None, only: tuple[str, ...], predictions: Path | None, check: bool) -> None:
    """Train every baseline on train (choices on validation), score validation and test with the official scorer.

    The results go to CORPUS/baselines.json and the table of docs/EVALUATION.md (the dataset card shows it when
    the dataset is built). CPU only, seeded: a run takes a few minutes.
    """
    root = corpus or corpus_dir()
    records = list(corpus_records(corpus))
    fresh = run(records, only or None, predictions)
    path = root / RESULTS
    try:
        kept = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"baselines": {}}
    except (OSError, ValueError) as err:
        raise click.ClickException(f"{path}: cannot read it as JSON ({err}); delete it and run aces baselines") from err
    if check:
        differ = differences(kept, fresh)
        if differ:
            for line in differ:
                click.echo(line, err=True)
            raise click.exceptions.Exit(1)
        click.echo(f"{', '.join(fresh['baselines'])}: every figure as in {path}")
        return
    merged = {**fresh, "baselines": {**kept.get("baselines", {}), **fresh["baselines"]}}
    merged["baselines"] = {b.name: merged["baselines"][b.name] for b in BASELINES if b.name in merged["baselines"]}
    docs = repo_root() / EVALUATION
    table = None
    if docs.is_file() and root.resolve() == (repo_root() / "corpus").resolve():
        from aces.corpus.datasheet import DatasheetError, fill

        try:
            table = fill(docs.read_text(encoding="utf-8"), {"baselines": markdown(merged)})
        except DatasheetError as err:
            raise click.ClickException(f"{docs}: {err}") from err
    replace_bytes(path, dumps(merged).encode("utf-8"))
    click.echo(f"wrote {path}")
    if table is not None:
        replace_bytes(docs, table.encode("utf-8"))
        click.echo(f"updated the baselines table of {docs}")
