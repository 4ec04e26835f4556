"""``aces release --version X.Y.Z``: validate, stamp, build, write the changelog, commit and tag a corpus release.

The work is in ``aces.versions.release``. Exit status: 0 released (or a dry run that found nothing wrong); 1 when
the release is refused (the message says why; nothing was changed); 2 for a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command("release")
@click.option("--version", "version", required=True, metavar="X.Y.Z", help="The corpus version to release.")
@click.option("--dry-run", is_flag=True, help="Check everything and show what would be written; change nothing.")
@click.option("--corpus", type=_DIR, help="Corpus directory (default: corpus/, or $ACES_CORPUS).")
@click.option("--out", "out_dir", type=_DIR, help="Where to build the dataset (default: build/hf/ in the repository).")
@click.option("--date", help="Release date for the changelog (default: today, YYYY-MM-DD).")
def release_cmd(version: str, dry_run: bool, corpus: Path | None, out_dir: Path | None, date: str | None) -> None:
    """Release the corpus as VERSION: validate it, stamp provenance.corpus_version, build the dataset, put the
    diff from the previous release into CHANGELOG.md, bump corpus/VERSION, commit and tag corpus-vVERSION."""
    from aces.corpus.version import CorpusVersionError
    from aces.paths import corpus_dir
    from aces.versions.release import ReleaseError, plan_release, repo_of, run_release

    try:
        if corpus is None:  # a release commits and tags: never in a repository the user is not working in
            here = Path.cwd()
            repo = repo_of(corpus_dir())
            if not here.resolve().is_relative_to(repo):
                raise ReleaseError(
                    f"the default corpus ({corpus_dir()}) is in the repository {repo}, and you are in {here}; "
                    "run aces release from inside that repository, or pass --corpus"
                )
        plan = plan_release(version, corpus, out_dir, date)
    except (ReleaseError, CorpusVersionError) as err:
        click.echo(f"aces release: refused: {err}", err=True)
        sys.exit(1)
    click.echo(plan.describe())
    if dry_run:
        click.echo("dry run: nothing was written, built, committed or tagged")
        return
    try:
        commit = run_release(plan)
    except (ReleaseError, OSError) as err:
        click.echo(f"aces release: failed, files restored: {err}", err=True)
        sys.exit(1)
    click.echo(f"released {plan.tag} at {commit[:12]}; push it with: git push origin {plan.tag}")
