"""``aces stats``: corpus counts as text, JSON or Markdown, and the generated blocks of DATASHEET.md."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import click
import msgspec

from aces import record as rec
from aces.corpus.stats import compute
from aces.corpus.stats_tables import all_tables, queue_tables, to_markdown, to_text
from aces.paths import MissingData, corpus_dir, queue_files, require_gold


class StatsInputError(click.ClickException):
    """An input file cannot be counted; the message names the file and line and what to do."""


def input_files(paths: Iterable[Path]) -> list[Path]:
    """A file as given; a directory with ``gold/`` → ``gold/*.jsonl``; any other directory → its ``*.jsonl`` below."""
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
            continue
        found = sorted((path / "gold").glob("*.jsonl")) if (path / "gold").is_dir() else sorted(path.rglob("*.jsonl"))
        if not found:
            raise StatsInputError(f"{path}: no *.jsonl files found; pass a JSONL file or a corpus directory")
        files += found
    return files


def read_records(files: Iterable[Path]) -> list[rec.Record]:
    """Every record of ``files``; stops at the first line that is not a record, or at a document read twice."""
    records: list[rec.Record] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise StatsInputError(f"{file}: cannot read it as UTF-8 text ({err})") from err
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = rec.from_json(line)
            except (msgspec.ValidationError, msgspec.DecodeError) as err:
                raise StatsInputError(
                    f"{file}:{number}: not an ACES record ({err}); run `aces validate {file}` to see every problem"
                ) from err
            if record.id in seen:
                raise StatsInputError(
                    f"{file}:{number}: document {record.id} was already read at {seen[record.id]}; "
                    "pass each file once so no document is counted twice"
                )
            seen[record.id] = f"{file}:{number}"
            records.append(record)
    return records


@click.command("stats")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["human", "json", "markdown"]),
    default="human",
    show_default=True,
    help="human: aligned tables; json: the dict of aces.corpus.stats.compute; markdown: the datasheet's tables.",
)
@click.option(
    "--update-datasheet",
    "update",
    is_flag=False,
    flag_value="DATASHEET.md",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="[DATASHEET.md]",
    help="Rewrite the generated blocks of the datasheet (default ./DATASHEET.md) from these records.",
)
@click.option(
    "--check-datasheet",
    "check",
    is_flag=False,
    flag_value="DATASHEET.md",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="[DATASHEET.md]",
    help="Exit 1 with a diff when the datasheet's generated blocks disagree with these records.",
)
@click.option(
    "--per-document",
    is_flag=True,
    help="One row per document: each layer per hundred words, share of names, and the outliers to look at.",
)
@click.option(
    "--rounds",
    "rounds_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Annotation rounds for the agreement block (default: CORPUS/rounds).",
)
def stats_cmd(
    paths: tuple[Path, ...],
    fmt: str,
    update: Path | None,
    check: Path | None,
    per_document: bool,
    rounds_dir: Path | None,
) -> None:
    """Count documents, tokens and annotations of PATH... (JSONL files or corpus dirs; default: the gold corpus),
    then the documents waiting in a corpus's queue/."""
    files = input_files(paths) if paths else require_gold(corpus_dir())
    waiting = [f for p in paths if p.is_dir() for f in queue_files(p)] if paths else queue_files()
    if per_document:
        from aces.corpus.stats import per_document as rows_of
        from aces.corpus.stats_tables import per_document_table

        rows = rows_of(read_records(files))
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            click.echo((to_markdown if fmt == "markdown" else to_text)([per_document_table(rows)]))
        return
    stats = compute(read_records(files))
    queue = compute(read_records(waiting))
    if update or check:
        _datasheet(update, check, stats, queue, rounds_dir or corpus_dir() / "rounds")
        return
    if fmt == "json":
        click.echo(json.dumps({**stats, "queue": queue}, ensure_ascii=False, indent=2))
        return
    render = to_markdown if fmt == "markdown" else to_text
    click.echo(render(all_tables(stats)))
    if waiting:
        click.echo("")
        click.echo(f"Queue: {queue['documents']['total']} documents waiting for annotation (corpus/queue/)")
        click.echo("")
        click.echo(render(queue_tables(queue)))


def _datasheet(update: Path | None, check: Path | None, stats: dict, queue: dict, rounds_dir: Path) -> None:
    from aces.corpus import datasheet  # imported here: plain ``aces stats`` does not need the agreement machinery

    try:
        blocks = datasheet.render_blocks(stats, rounds_dir, queue)
        for path, write in ((update, True), (check, False)):
            if path is None:
                continue
            if not path.is_file():
                raise MissingData(f"{path}: no such file; pass the datasheet's path")
            current = path.read_text(encoding="utf-8")
            expected = datasheet.fill(current, blocks)
            if write:
                if expected != current:
                    path.write_text(expected, encoding="utf-8")
                click.echo(f"{path}: {'updated' if expected != current else 'already up to date'}")
            elif expected != current:
                click.echo(datasheet.diff(current, expected, str(path)))
                raise click.ClickException(f"{path} is out of date; run `aces stats --update-datasheet {path}`")
            else:
                click.echo(f"{path}: up to date")
    except datasheet.DatasheetError as err:
        raise click.ClickException(str(err)) from err
