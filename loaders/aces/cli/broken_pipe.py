"""A reader that stops early (``aces validate … | head -1``) ends the command quietly, as Unix tools do.

Python ignores SIGPIPE, so a write to a closed pipe raises ``BrokenPipeError``; left alone it became an error
message and a misleading exit status (``cannot read None: Broken pipe``, exit 2). The command instead exits with
141, the status a shell reports for a tool that SIGPIPE ended: not 0, because a truncated ``aces validate`` has not
shown that the corpus is valid, and ``set -o pipefail`` scripts should see that the writer did not finish.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from typing import Any, NoReturn

import click

EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def _silence(stream: Any) -> None:
    """Point the file descriptor under ``stream`` at /dev/null, so the interpreter's last flush cannot fail loudly
    (streams without a descriptor, such as a test runner's buffers, are left alone)."""
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def exit_quietly() -> NoReturn:
    """End the command after its output pipe closed: no message, exit ``EXIT_BROKEN_PIPE``."""
    _silence(sys.stdout)
    _silence(sys.stderr)
    raise SystemExit(EXIT_BROKEN_PIPE)


class QuietPipeGroup(click.Group):
    """A command group whose subcommands end quietly when their output pipe closes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                if sys.stdout is not None:  # (None when the command was started with stdout closed)
                    sys.stdout.flush()  # what is still buffered fails here, not in the interpreter's exit
        except BrokenPipeError:
            exit_quietly()
