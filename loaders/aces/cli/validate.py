"""``aces validate`` and ``aces checks``: print findings and the checks table; the work is in ``aces.validate``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from aces.validate.checks import CHECKS
from aces.validate.findings import Finding
from aces.validate.runner import MAX_LEVEL, PathProblem, Report, Validation, collect_files
from aces.validate.table import markdown, plain

_PROGRESS_MIN_BYTES = 2_000_000  # about a thousand annotated articles: below that a bar only flickers
EXIT_USAGE = 2


def _progress_bar(files: list[Path], quiet: bool):
    """A tqdm bar over bytes on stderr, only for an interactive terminal and a large input."""
    if quiet or not sys.stderr.isatty():
        return None
    total = sum(f.stat().st_size for f in files)
    if total < _PROGRESS_MIN_BYTES:
        return None
    from tqdm import tqdm  # imported only when a bar is shown

    return tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, leave=False, desc="validating")


def _printer(fmt: str, quiet: bool, bar) -> Callable[[Finding], None]:
    explained: set[str] = set()

    def out(line: str) -> None:
        if bar is not None:
            bar.write(line, file=sys.stdout)
        else:
            click.echo(line)

    def show(finding: Finding) -> None:
        if fmt == "json":
            out(json.dumps(finding.to_dict(), ensure_ascii=False))
            return
        out(finding.human())
        if not quiet and finding.code not in explained:
            explained.add(finding.code)
            check = CHECKS[finding.code]
            out(f"    ({finding.code}) {check.meaning} Fix: {check.fix}")

    return show


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))  # checked by collect_files
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="human: one line per finding; json: one JSON object per finding (summary on stderr).",
)
@click.option(
    "--level",
    type=click.IntRange(1, MAX_LEVEL),
    default=MAX_LEVEL,
    show_default=True,
    help="Run levels 1..LEVEL (1 file, 2 schema, 3 references, 4 guidelines, 5 corpus).",
)
@click.option(
    "--max-err",
    type=click.IntRange(min=1),
    default=None,
    help="Show at most N findings per code (all are still counted).",
)
@click.option("--quiet", is_flag=True, help="No explanations and no progress bar; findings and summary only.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Check in N processes (byte ranges of the files); findings and their order are the same.",
)
@click.option(
    "--cross-doc/--no-cross-doc",
    "cross_document",
    default=True,
    show_default=True,
    help="Look for ids and texts repeated across documents; --no-cross-doc checks each record on its own "
    "(memory stays flat on any corpus size).",
)
def validate_cmd(
    paths: tuple[Path, ...], fmt: str, level: int, max_err: int | None, quiet: bool, jobs: int, cross_document: bool
) -> None:
    """Check ACES JSONL files; exit 0 if there is no error, 1 if there is, 2 for a usage or path problem (141,
    silently, when the reader of the output stops early, as `| head` does).

    A PATH that is a directory with gold/ means gold/*.jsonl; another directory means every *.jsonl under it.
    """
    try:
        files = collect_files(paths)
    except PathProblem as err:
        raise click.UsageError(str(err)) from err
    report = Report(max_err=max_err, keep=False)
    bar = _progress_bar(files, quiet)
    show = _printer(fmt, quiet, bar)
    run = Validation(level, cross_document)
    try:
        for finding in run.check_files(files, bar.update if bar is not None else None, jobs):
            if report.add(finding):
                show(finding)
    except BrokenPipeError:
        raise  # stdout closed by its reader, not an input problem: see aces.cli.broken_pipe
    except OSError as err:
        click.echo(f"Error: cannot read {err.filename}: {err.strerror}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        if bar is not None:
            bar.close()
    report.files, report.records = len(files), run.records
    click.echo(report.summary(), err=fmt == "json")
    sys.exit(0 if report.ok else 1)


@click.command("checks")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print docs/CHECKS.md (the generated checks table).")
def checks_cmd(as_markdown: bool) -> None:
    """List every check the validator can report: code, level, severity and meaning."""
    click.echo(markdown() if as_markdown else plain(), nl=not as_markdown)
