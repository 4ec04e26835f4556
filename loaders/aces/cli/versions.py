"""``aces agree`` and ``aces diff``: compare two annotations (passes or corpus versions) of the same documents.

Exit status: 0 when both sides were read in full (for ``diff`` whether or not anything changed); 2 on a
usage error, an unreadable side, or a malformed line — in that last case the report is still written,
computed over the lines that could be read, and every skipped line is listed on stderr and in the JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from aces.versions.load import Side, SideError, read_side
from aces.versions.render import agree_text, diff_text, rounded

SIDES_HELP = (
    "A and B are each a JSONL file or a directory: a directory with gold/ means gold/*.jsonl, any other "
    "directory all *.jsonl below it. Documents are paired by id."
)


def _read_sides(command: str, a: Path, b: Path) -> tuple[Side, Side]:
    try:
        return read_side(a), read_side(b)
    except SideError as err:
        click.echo(f"aces {command}: {err}", err=True)
        raise SystemExit(2) from err


def _emit(command: str, text: str, out: Path | None, sides: tuple[Side, Side]) -> None:
    """Write the report, then list what could not be read and exit 2 if anything was skipped."""
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            click.echo(f"aces {command}: cannot write {out} ({err})", err=True)
            raise SystemExit(2) from err
        click.echo(f"aces {command}: report written to {out}", err=True)
    problems = [(name, p) for name, side in zip("AB", sides, strict=True) for p in side.problems]
    for name, problem in problems:
        click.echo(f"aces {command}: {name}: {problem}", err=True)
    if problems:
        click.echo(f"aces {command}: {len(problems)} input problem(s); the report leaves those lines out", err=True)
        raise SystemExit(2)


def _json(command: str, result: dict, sides: tuple[Side, Side]) -> str:
    a, b = sides
    report = {
        "format": result["format"],
        "inputs": {"a": a.path, "b": b.path},
        **{k: v for k, v in result.items() if k != "format"},
        "problems": [{"side": name, **p.as_dict()} for name, side in (("a", a), ("b", b)) for p in side.problems],
    }
    return json.dumps(rounded(report), ensure_ascii=False, indent=2) + "\n"


def _run(command: str, compute: Callable, render: Callable, a: Path, b: Path, fmt: str, out: Path | None) -> None:
    sides = _read_sides(command, a, b)
    result = compute(sides[0].records, sides[1].records)
    text = _json(command, result, sides) if fmt == "json" else render(result, sides[0].path, sides[1].path)
    _emit(command, text, out, sides)


_format = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="table: for reading; json: one object, stable keys, numbers rounded to 4 places.",
)  # fmt: skip
_out = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
_paths = (click.argument("a", type=click.Path(path_type=Path)), click.argument("b", type=click.Path(path_type=Path)))


@click.command("agree", epilog=SIDES_HELP)
@_paths[0]
@_paths[1]
@_format
@_out
def agree_cmd(a: Path, b: Path, fmt: str, out: Path | None) -> None:
    """Inter-annotator agreement of B against A: mentions, clusters, events, stances."""
    from aces.versions.agree import agree

    _run("agree", agree, agree_text, a, b, fmt, out)


@click.command("diff", epilog=SIDES_HELP)
@_paths[0]
@_paths[1]
@_format
@_out
def diff_cmd(a: Path, b: Path, fmt: str, out: Path | None) -> None:
    """What changed from A to B, per document and layer (added, removed, changed)."""
    from aces.versions.diff import diff

    _run("diff", diff, diff_text, a, b, fmt, out)
