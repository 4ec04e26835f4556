"""``aces report``: the static corpus browser (a thin wrapper over ``aces.report``)."""

from __future__ import annotations

from pathlib import Path

import click

from aces.cli.options import CORPUS, corpus_records
from aces.paths import UnsafePath, corpus_dir, gold_files


@click.command("report")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory.")
@CORPUS
@click.option("--no-validate", is_flag=True, help="Skip `aces validate` (the page then says it was not run).")
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the first document's page to this PNG with headless Chromium (for the docs).",
)
def report_cmd(out_dir: Path, corpus: Path | None, no_validate: bool, screenshot: Path | None) -> None:
    """Write a static site (open OUT/index.html from disk): statistics, charts, validation, every document RTL."""
    from aces.corpus.version import CorpusVersionError, corpus_version
    from aces.report import build_site

    root = corpus or corpus_dir()
    records = list(corpus_records(corpus))
    validation = None
    if not no_validate:
        from aces.validate import validate

        validation = validate(gold_files(root))
    try:
        version = corpus_version(root)
    except CorpusVersionError:
        version = ""
    try:
        site = build_site(records, out_dir, validation, version)
    except UnsafePath as err:
        raise click.ClickException(f"{err}; run `aces validate` on the corpus") from err
    status = "not validated" if validation is None else ("PASSED" if validation.ok else "FAILED")
    click.echo(
        f"{site.index}: {len(site.documents)} documents, {site.mentions} mentions, {site.events} events, "
        f"{site.stances} stances; validation {status}"
    )
    if screenshot is not None:
        from aces.report.screenshot import ScreenshotError
        from aces.report.screenshot import screenshot as draw

        if not site.documents:
            raise click.ClickException("no document to draw")
        try:
            draw(next(iter(site.documents.values())), screenshot)
        except ScreenshotError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"{screenshot}: screenshot of {next(iter(site.documents))}")
