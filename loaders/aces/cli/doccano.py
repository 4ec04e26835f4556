"""``aces doccano serve|stop|push|pull`` and ``aces export doccano`` / ``aces import doccano``.

Credentials come from the environment (``ACES_DOCCANO_USER``, default ``admin``; ``ACES_DOCCANO_PASSWORD``), never
from options, files or logs. The server URL: ``--url``, else ``ACES_DOCCANO_URL``, else the server that
``aces doccano serve`` started, else http://127.0.0.1:8000.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from aces.paths import corpus_dir, require_gold

_CORPUS = click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Corpus directory (default: ACES_CORPUS or the repository's corpus/).",
)
_HOME = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Server home: database, uploads, log (default: ACES_DOCCANO_HOME or ~/.cache/aces/doccano-home).",
)
_URL = click.option(
    "--url",
    default=None,
    help="Base URL of the doccano web server to talk to, as `aces doccano serve` prints it (e.g. "
    "http://127.0.0.1:8000; no /projects path). Default: $ACES_DOCCANO_URL, else the server `aces doccano serve` "
    "started, else http://127.0.0.1:8000.",
)
_PROJECT = click.option("--project", required=True, help="doccano project name.")


def _user() -> str:
    return os.environ.get("ACES_DOCCANO_USER") or "admin"


def _password() -> str:
    password = os.environ.get("ACES_DOCCANO_PASSWORD", "")
    if not password:
        raise click.ClickException("set ACES_DOCCANO_PASSWORD (and ACES_DOCCANO_USER if the admin is not 'admin')")
    return password


def _url(url: str | None) -> str:
    from aces.doccano.server import running

    if url:
        return url
    if os.environ.get("ACES_DOCCANO_URL"):
        return os.environ["ACES_DOCCANO_URL"]
    info = running()
    return info["url"] if info else "http://127.0.0.1:8000"


def _client(url: str | None):
    from aces.doccano.sync import SyncError, connect

    try:
        return connect(_url(url), _user(), _password())
    except SyncError as err:
        raise click.ClickException(str(err)) from err


def _select(corpus: Path, doc_ids: tuple[str, ...]) -> list:
    from aces.doccano.land import read_gold

    require_gold(corpus)  # a missing corpus is a path problem, not an empty selection
    gold = read_gold(corpus)
    missing = [d for d in doc_ids if d not in gold]
    if missing:
        raise click.ClickException(f"not in {corpus}/gold: {', '.join(missing)}")
    return [gold[d][0] for d in doc_ids] if doc_ids else [rec for rec, _ in gold.values()]


_REBUILD = click.option(
    "--rebuild-clusters",
    is_flag=True,
    help="Convert rows whose meta (aces_map, aces_base) is missing or damaged anyway: their clusters are rebuilt "
    "from coref relations only and every id is new (each such document is listed). Not with --apply.",
)


def _no_rebuild_with_apply(apply: bool, rebuild: bool) -> None:
    if rebuild and apply:
        raise click.UsageError(
            "--rebuild-clusters loses clusters and ids, so it cannot go with --apply: pull without --apply and "
            "adjudicate the result against gold"
        )


def _land(text: str, corpus: Path, out: Path, apply: bool, source: str, rebuild: bool) -> None:
    from aces.doccano.land import LandError, land

    try:
        result = land(text, corpus, out, apply=apply, source=source, rebuild_clusters=rebuild)
    except LandError as err:
        click.echo(str(err), err=True)
        raise SystemExit(1) from err
    for warning in result.warnings:
        click.echo(warning, err=True)
    click.echo(
        f"{len(result.records)} document(s) converted and valid, {len(result.changed)} changed; "
        f"written to {out} (diff: {out / 'diff.txt'}"
        + (f"; decisions to make: {out / 'adjudication.jsonl'})" if result.changed else ")")
    )
    if result.rebuilt:
        click.echo(f"{len(result.rebuilt)} document(s) rebuilt without their map, with the losses listed above")
    for doc in result.moved:
        click.echo(f"{doc}: gold changed after the push; adjudicate it ({out / 'adjudication.jsonl'})")
    for path in result.applied:
        click.echo(f"updated {path}")


@click.group("doccano")
def doccano_group() -> None:
    """Annotate in a local doccano server: serve it, push documents, pull the annotations back."""


@doccano_group.command("serve")
@_HOME
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--foreground", is_flag=True, help="Stay attached; Ctrl-C stops the server.")
def serve_cmd(home: Path | None, port: int, foreground: bool) -> None:
    """Start doccano on 127.0.0.1 (its venv is built on first use, about a minute) and print its URL."""
    from aces.doccano.server import DoccanoServer, ServerError, default_home, running

    home = home or default_home()
    info = running(home)
    if info:
        click.echo(f"doccano already runs at {info['url']} (home {home}); stop it with `aces doccano stop`")
        return
    server = DoccanoServer(home, _user(), _password(), port=port)
    try:
        server.start()
    except ServerError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"doccano runs at {server.url} (user {_user()}; home {home}; log {server.log_path})")
    if not foreground:
        click.echo("stop it with `aces doccano stop`")
        return
    try:
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@doccano_group.command("stop")
@_HOME
def stop_cmd(home: Path | None) -> None:
    """Stop the server that `aces doccano serve` started in HOME (only that server: see aces.doccano.state).

    Exit 2 when HOME has no server record or one serve did not write; 1 when the recorded pid now belongs to
    another process (left alone; the stale record is removed).
    """
    from aces.doccano.server import NotOurServer, default_home, stop_recorded
    from aces.doccano.state import StateError

    try:
        message = stop_recorded(home or default_home())
    except StateError as err:
        click.echo(f"Error: {err}", err=True)
        raise SystemExit(2) from err
    except NotOurServer as err:
        raise click.ClickException(str(err)) from err
    click.echo(message)


@doccano_group.command("push")
@_PROJECT
@click.argument("doc_ids", nargs=-1)
@_CORPUS
@_URL
def push_cmd(project: str, doc_ids: tuple[str, ...], corpus: Path | None, url: str | None) -> None:
    """Upload gold documents (all, or DOC_IDS) with their annotations as pre-annotation; creates the project."""
    from aces.doccano.sync import SyncError, push

    records = _select(corpus or corpus_dir(), doc_ids)
    client = _client(url)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(records), unit="doc", desc="uploading", file=sys.stderr, leave=False)
    try:
        result = push(client, project, records, progress=bar.update if bar else None)
    except SyncError as err:
        raise click.ClickException(str(err)) from err
    finally:
        if bar is not None:
            bar.close()
    skipped = f", {result.skipped} already there" if result.skipped else ""
    click.echo(f"project {project!r} (id {result.project_id}): uploaded {result.uploaded} document(s){skipped}")


@doccano_group.command("pull")
@_PROJECT
@_CORPUS
@_URL
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: doccano-PROJECT")
@click.option(
    "--apply", is_flag=True, help="Also replace the gold records (only if all are valid and gold is unmoved)."
)
@_REBUILD
def pull_cmd(
    project: str, corpus: Path | None, url: str | None, out: Path | None, apply: bool, rebuild_clusters: bool
) -> None:
    """Export the project, convert and validate it; write records and a diff against gold (gold only with --apply)."""
    from aces.doccano.sync import SyncError, export_jsonl

    _no_rebuild_with_apply(apply, rebuild_clusters)
    client = _client(url)
    try:
        text = export_jsonl(client, project)
    except SyncError as err:
        raise click.ClickException(str(err)) from err
    out = out or Path(f"doccano-{project}")
    _land(text, corpus or corpus_dir(), out, apply, f"doccano project {project!r}", rebuild_clusters)


@click.command("doccano")
@click.argument("doc_ids", nargs=-1)
@_CORPUS
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: stdout.")
def export_doccano(doc_ids: tuple[str, ...], corpus: Path | None, out: Path | None) -> None:
    """doccano import JSONL (RelationExtraction format, UTF-16 offsets) of gold documents (all, or DOC_IDS)."""
    from aces.atomic import replace_bytes
    from aces.doccano.convert import dumps_jsonl, records_to_doccano

    text = dumps_jsonl(records_to_doccano(_select(corpus or corpus_dir(), doc_ids)))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        replace_bytes(out, text.encode("utf-8"))
        click.echo(f"{out}: {text.count(chr(10))} document(s); upload it with encoding utf_8")


@click.command("doccano")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@_CORPUS
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory for records.")
@click.option(
    "--apply", is_flag=True, help="Also replace the gold records (only if all are valid and gold is unmoved)."
)
@_REBUILD
def import_doccano(file: Path, corpus: Path | None, out: Path, apply: bool, rebuild_clusters: bool) -> None:
    """Convert a doccano JSONL export (or import file) back to records, validated, onto the gold records."""
    _no_rebuild_with_apply(apply, rebuild_clusters)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise click.ClickException(f"{file} is not UTF-8 (byte {err.start}); export it again from doccano") from err
    _land(text, corpus or corpus_dir(), out, apply, str(file), rebuild_clusters)
