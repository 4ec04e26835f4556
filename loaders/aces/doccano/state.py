"""``server.json``: what ``aces doccano serve`` leaves in the server home, and the check that lets ``stop`` signal
only the server it started.

A pid alone names whatever process holds that number now: after a reboot or a crash the pid in a stale file
belongs to some other program, and a hand-edited 0 or 1 would signal the caller's own process group or init's.
So the file records the server's identity as psutil saw it once the server answered (pid, command line, start
time; the pid leads its own process group, as ``start_new_session`` made it), and ``identify`` compares a live
process against all of it before anything is signalled. The URL is not trusted from the file either: it is
always ``http://127.0.0.1:<port>``, so a tampered file cannot send the admin's password elsewhere.
"""

from __future__ import annotations

import enum
import json
import os
import shlex
from pathlib import Path
from typing import Annotated

import msgspec
import psutil

from aces.atomic import replace_bytes

STATE_FILE = "server.json"
HOST = "127.0.0.1"
START_TOLERANCE = 1.0
"""Seconds the recorded and the live start time may differ: psutil gives start times on the wall clock, which a
clock step moves; a larger step makes ``stop`` refuse, which is the safe side."""


class StateError(ValueError):
    """No ``server.json``, or one ``aces doccano serve`` did not write; the message says what to do."""


class ServerState(msgspec.Struct, frozen=True):
    """One started server: enough to find it again and to tell it from any other process."""

    pid: Annotated[int, msgspec.Meta(gt=1)]  # never 0 (the caller's group), 1 (init's) or negative
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)]
    cmdline: tuple[str, ...]
    started: float  # psutil's create_time(): seconds since the epoch

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def state_path(home: Path) -> Path:
    return Path(home) / STATE_FILE


def observe(pid: int, port: int) -> ServerState:
    """The identity of the live process ``pid`` (the server just started), to be written with ``write_state``."""
    proc = psutil.Process(pid)
    with proc.oneshot():
        return ServerState(pid=pid, port=port, cmdline=tuple(proc.cmdline()), started=proc.create_time())


def write_state(home: Path, state: ServerState) -> None:
    data = {**msgspec.to_builtins(state), "url": state.url}  # url only for people reading the file
    replace_bytes(state_path(home), (json.dumps(data, indent=1) + "\n").encode("utf-8"))


def read_state(home: Path) -> ServerState:
    """The server ``home`` records; ``StateError`` when there is no such file or it is not one ``serve`` wrote."""
    path = state_path(home)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StateError(f"no server started from {home} (no {path})") from None
    except OSError as err:
        raise StateError(f"cannot read {path}: {err.strerror}") from None
    try:
        return msgspec.json.decode(data, type=ServerState)
    except (msgspec.DecodeError, msgspec.ValidationError) as err:
        raise StateError(
            f"{path} is not a server record written by `aces doccano serve` ({err}); nothing was signalled: "
            "look for a running doccano by hand, then delete the file"
        ) from None


class Verdict(enum.Enum):
    OURS = "the recorded server"
    GONE = "no longer running"
    OTHER = "another process"


def identify(state: ServerState) -> tuple[Verdict, str]:
    """Whether the live process at ``state.pid`` is the recorded server, and if not, why (for the message)."""
    try:
        proc = psutil.Process(state.pid)
        with proc.oneshot():
            if proc.status() == psutil.STATUS_ZOMBIE:
                return Verdict.GONE, f"pid {state.pid} has exited"
            cmdline, started = tuple(proc.cmdline()), proc.create_time()
        group = os.getpgid(state.pid)
    except (psutil.NoSuchProcess, ProcessLookupError):
        return Verdict.GONE, f"no process has pid {state.pid}"
    except psutil.AccessDenied:
        return Verdict.OTHER, f"pid {state.pid} is another user's process"
    if group != state.pid:
        return Verdict.OTHER, f"pid {state.pid} does not lead its own process group, as the server did"
    if cmdline != state.cmdline:
        shown = shlex.join(cmdline)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return Verdict.OTHER, f"pid {state.pid} runs {shown!r}, not the recorded server command"
    if abs(started - state.started) > START_TOLERANCE:
        return Verdict.OTHER, f"pid {state.pid} started at another time than the recorded server (a reused pid)"
    return Verdict.OURS, f"pid {state.pid} is the recorded server"
