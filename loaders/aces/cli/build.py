"""``aces build`` and ``aces publish``: the Hugging Face dataset folder and its upload."""

from __future__ import annotations

from pathlib import Path

import click

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command("build")
@click.option("--out", "out_dir", type=_DIR, help="Folder to write (default: build/hf/ in a clone, or the user cache).")
@click.option("--corpus", "corpus", type=_DIR, help="Corpus directory (default: $ACES_CORPUS or the default corpus).")
@click.option(
    "--no-validate",
    "skip_validation",
    is_flag=True,
    help="Build even if the corpus does not validate (the folder is marked, and `aces publish` refuses it).",
)
def build_cmd(out_dir: Path | None, corpus: Path | None, skip_validation: bool) -> None:
    """Write the Hub-ready dataset from a corpus that validates: parquet per config and split, README.md card,
    croissant.json."""
    from aces.corpus.version import CorpusVersionError
    from aces.hf.build import BuildError, build

    try:
        summary = build(corpus, out_dir, progress=True, validate=not skip_validation)
    except (BuildError, CorpusVersionError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(summary.format())


@click.command("publish")
@click.option("--repo-id", required=True, help="Hub dataset repository, ORG/NAME.")
@click.option("--revision", "tag", help="Tag to create on the uploaded commit (default: v<corpus version>).")
@click.option("--dir", "folder", type=_DIR, help="Built folder to upload (default: build/hf/, rebuilt if stale).")
@click.option("--dry-run", is_flag=True, help="List what would be uploaded and where; no network, no token.")
@click.option("--private", is_flag=True, help="Create the repository as private if it does not exist.")
@click.option(
    "--accept-licence-risk",
    is_flag=True,
    help="Publish even though some documents are not cleared for redistribution. A document is cleared when its "
    "licence in the schema's labels.json is marked redistributable: CC-BY-NC-SA-3.0 is (the card carries the "
    "attribution; non-commercial use, share-alike); 'unknown' terms and records without a licence are not. Without "
    "this flag such a folder is refused (the dry run warns).",
)
def publish_cmd(
    repo_id: str, tag: str | None, folder: Path | None, dry_run: bool, private: bool, accept_licence_risk: bool
) -> None:
    """Upload the built dataset folder to the Hugging Face Hub and tag the corpus version."""
    from aces.hf.build import BuildError
    from aces.hf.dataset import ensure_built
    from aces.hf.publish import PublishError, plan, publish

    try:
        folder = ensure_built(folder)
        the_plan = plan(folder, repo_id, tag)
    except (BuildError, PublishError) as err:
        raise click.ClickException(str(err)) from None
    if dry_run:
        click.echo("dry run: nothing is uploaded")
        click.echo(the_plan.format())
        if the_plan.licence_warning:
            click.echo(
                f"warning: {the_plan.licence_warning}; `aces publish` refuses this folder without "
                "--accept-licence-risk",
                err=True,
            )
        return
    try:
        url = publish(the_plan, private=private, accept_licence_risk=accept_licence_risk)
    except PublishError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"published {the_plan.repo_id} at {url}, tagged {the_plan.tag}")
