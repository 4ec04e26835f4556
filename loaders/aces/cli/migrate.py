"""``aces migrate``: move JSONL files to another schema version (the work is in ``aces.versions.migrate``).

Exit status: 0 when every file was migrated (or already at the target, or a dry run found nothing wrong); 1 when
a file was refused (invalid input, data that would be lost, an invalid result): then no file is written at all;
2 for a usage error or a path with nothing to migrate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aces.schema import known_versions


def _list_migrations() -> None:
    from aces.versions.migrations import MIGRATIONS

    click.echo(f"schema versions: {', '.join(known_versions())}")
    for (source, target), migration in sorted(MIGRATIONS.items()):
        click.echo(f"  {source} -> {target}: {migration.summary}")


@click.command("migrate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))  # checked by collect_files
@click.option("--to", "target", metavar="X.Y.Z", help="Schema version to migrate every record to.")
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@click.option("--allow-loss", is_flag=True, help="Let a downgrade drop what the target cannot hold (each is listed).")
@click.option("--list", "list_only", is_flag=True, help="List schema versions and registered migrations, then exit.")
def migrate_cmd(paths: tuple[Path, ...], target: str | None, dry_run: bool, allow_loss: bool, list_only: bool) -> None:
    """Rewrite PATHS (JSONL files; a directory with gold/ means gold/*.jsonl) as schema version --to.

    Every record moves from the version it is stamped with, through intermediate versions if needed, and is
    restamped. Files are checked first (valid input, nothing lost, valid result), then replaced atomically; if
    any file is refused, none is written.
    """
    if list_only:
        _list_migrations()
        return
    if not paths or target is None:
        raise click.UsageError("give one or more PATHs and --to X.Y.Z (or --list to see the migrations)")
    from aces.validate.runner import PathProblem
    from aces.versions.migrate import MigrationError, migrate_paths

    try:
        outcome = migrate_paths(paths, target, dry_run=dry_run, allow_loss=allow_loss)
    except PathProblem as err:
        raise click.UsageError(str(err)) from err
    except MigrationError as err:
        raise click.UsageError(str(err)) from err
    for plan in outcome.plans:
        prefix = "would migrate " if dry_run and plan.changed else ""
        click.echo(prefix + plan.describe())
        for loss in plan.losses:
            click.echo(f"  {'would drop' if dry_run else 'dropped'} (--allow-loss): {loss}")
    for err in outcome.refused:
        click.echo(f"refused: {err}", err=True)
    if not outcome.ok:
        written = ", ".join(map(str, outcome.written)) if outcome.written else "no file was written"
        if outcome.written:
            written = f"written before the failure: {written}"
        click.echo(f"aces migrate: {len(outcome.refused)} file(s) refused; {written}", err=True)
        sys.exit(1)
    changed = sum(plan.changed for plan in outcome.plans)
    if dry_run:
        click.echo(f"dry run: {changed} file(s) would change, nothing written")
    else:
        click.echo(f"{len(outcome.written)} file(s) written, {len(outcome.plans) - changed} already at {target}")
