"""What several commands share: the ``--corpus`` option of the exporters and the reading of that corpus's gold
records, so every command reports a missing corpus or a broken line the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import msgspec

from aces import record as rec
from aces.cli.broken_pipe import QuietPipeGroup
from aces.paths import MissingData, corpus_dir, require_gold
from aces.validate.runner import PathProblem


class PathError(click.ClickException):
    """A path or input a command needs is not there: one line, exit status 2 (a usage problem, not bad data)."""

    exit_code = 2


class Group(QuietPipeGroup):
    """The ``aces`` group: a subcommand that cannot find what it reads (``MissingData``, the validator's
    ``PathProblem``) ends in one line and exit status 2, never a traceback; one whose reader closed the pipe ends
    quietly (``QuietPipeGroup``)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (MissingData, PathProblem) as err:
            raise PathError(str(err)) from None


CORPUS = click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Corpus directory (default: $ACES_CORPUS, else the clone's or the installed corpus); gold/*.jsonl is read.",
)


def corpus_records(corpus: Path | None) -> Iterator[rec.Record]:
    """Every gold record of ``corpus``; a line that is not a record stops with its file and line number."""
    for file in require_gold(corpus or corpus_dir()):
        with open(file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield rec.from_json(line)
                except (msgspec.ValidationError, msgspec.DecodeError) as err:
                    raise click.ClickException(
                        f"{file}:{number}: not an ACES record ({err}); run `aces validate {file}` to see every problem"
                    ) from err
