"""The local doccano server's bookkeeping, without a server (issue 19.9, 19.12e): ``aces doccano stop`` signals only
the process ``server.json`` proves to be the server it recorded; the secret key is owner-only from birth.

A stand-in ``sleep`` plays the server. Every ``stop`` runs in a subprocess in a session of its own, so a stop that
signalled process group 0 would end only itself. Pid 1 and ``true`` (which ``int()`` makes 1) are checked without
running ``stop``: before this fix they reached ``killpg(1, …)``, which is ``kill(-1, …)``, every process the user
may signal.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import msgspec
import pytest

from aces.doccano.server import _secret_key, running
from aces.doccano.state import STATE_FILE, StateError, observe, read_state, write_state


def stand_in(new_session: bool = True) -> subprocess.Popen:
    """A process to play the server (its own process group, as ``serve`` starts gunicorn), reaped when it ends."""
    proc = subprocess.Popen(["sleep", "300"], start_new_session=new_session)
    threading.Thread(target=proc.wait, daemon=True).start()
    return proc


@pytest.fixture
def sleeper():
    procs: list[subprocess.Popen] = []

    def start(new_session: bool = True) -> subprocess.Popen:
        procs.append(stand_in(new_session))
        return procs[-1]

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()


def stop(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aces.cli", "doccano", "stop", "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )


def test_stop_ends_the_recorded_server_and_forgets_it(tmp_path: Path, sleeper) -> None:
    proc = sleeper()
    write_state(tmp_path, observe(proc.pid, 8123))
    done = stop(tmp_path)
    assert done.returncode == 0 and done.stdout == "stopped doccano at http://127.0.0.1:8123\n", done.stderr
    assert proc.wait(timeout=60) == -signal.SIGTERM
    assert not (tmp_path / STATE_FILE).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"cmdline": ("/venv/bin/python", "/venv/bin/gunicorn", "config.wsgi")},
        {"started": -3600.0},  # relative: an hour before the process really started (a reused pid)
    ],
    ids=["another-command", "another-start-time"],
)
def test_stop_leaves_a_process_that_is_not_the_recorded_server_alone(tmp_path: Path, sleeper, change: dict) -> None:
    proc = sleeper()
    state = observe(proc.pid, 8123)
    if "started" in change:
        change = {"started": state.started + change["started"]}
    write_state(tmp_path, msgspec.structs.replace(state, **change))
    done = stop(tmp_path)
    assert done.returncode == 1 and done.stdout == "", done.stderr
    assert len(done.stderr.splitlines()) == 1 and f"not stopping pid {proc.pid}" in done.stderr
    assert proc.poll() is None, "an unrelated process was signalled"
    assert not (tmp_path / STATE_FILE).exists(), "the stale record is removed"


def test_stop_refuses_a_pid_that_does_not_lead_its_own_group(tmp_path: Path, sleeper) -> None:
    proc = sleeper(new_session=False)  # in this test's process group
    write_state(tmp_path, observe(proc.pid, 8123))
    done = stop(tmp_path)
    assert done.returncode == 1 and "does not lead its own process group" in done.stderr
    assert proc.poll() is None


def test_stop_of_a_server_that_is_gone_removes_the_record(tmp_path: Path, sleeper) -> None:
    proc = sleeper()
    write_state(tmp_path, observe(proc.pid, 8123))
    proc.kill()
    proc.wait(timeout=60)
    done = stop(tmp_path)
    assert done.returncode == 0 and "was not running" in done.stdout
    assert not (tmp_path / STATE_FILE).exists()


@pytest.mark.parametrize(
    "content",
    [
        '{"pid": 0, "port": 8000, "cmdline": ["sleep"], "started": 0}',
        '{"pid": -7, "port": 8000, "cmdline": ["sleep"], "started": 0}',
        '{"port": 8000, "url": "http://127.0.0.1:8000"}',
        '{"pid": "abc", "port": 8000, "cmdline": [], "started": 0}',
        "[1, 2]",
        "not json",
    ],
    ids=["pid-0", "negative-pid", "no-pid", "pid-not-a-number", "not-an-object", "not-json"],
)
def test_a_malformed_record_is_one_line_and_exit_2_and_nothing_is_signalled(tmp_path: Path, content: str) -> None:
    (tmp_path / STATE_FILE).write_text(content, encoding="utf-8")
    done = stop(tmp_path)
    assert done.returncode == 2, (done.returncode, done.stderr)  # (pid 0 used to end stop's own process group)
    assert len(done.stderr.splitlines()) == 1 and "is not a server record" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert (tmp_path / STATE_FILE).exists(), "a record that cannot be read is left for a person to look at"


def test_no_record_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = stop(tmp_path / "never-served")
    assert done.returncode == 2 and done.stderr.startswith("Error: no server started from")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("pid", [1, 0, -1, True, 1.5, None])
def test_the_record_never_names_pid_0_1_or_negative(tmp_path: Path, pid: object) -> None:
    (tmp_path / STATE_FILE).write_text(
        json.dumps({"pid": pid, "port": 8000, "cmdline": ["sleep", "300"], "started": 0.0}), encoding="utf-8"
    )
    with pytest.raises(StateError, match="is not a server record"):
        read_state(tmp_path)
    assert running(tmp_path) is None


@pytest.mark.parametrize("pid", [0, -3])
def test_stop_group_refuses_pids_below_2(pid: int) -> None:
    code = "import sys\nfrom aces.doccano.server import stop_group\ntry:\n    stop_group(int(sys.argv[1]))\n"
    code += "except ValueError as err:\n    print(err)\n"
    done = subprocess.run(
        [sys.executable, "-c", code, str(pid)], capture_output=True, text=True, timeout=60, start_new_session=True
    )
    assert done.returncode == 0 and done.stdout == f"refusing to signal process group {pid}\n", done.stderr


def test_running_reads_a_malformed_record_as_no_server(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text('{"pid": 4242}', encoding="utf-8")
    assert running(tmp_path) is None


def test_the_secret_key_is_created_owner_only_not_chmoded_afterwards(tmp_path: Path, monkeypatch) -> None:
    def no_chmod(*args, **kwargs):
        raise AssertionError("the key was written first and its mode changed afterwards")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    old = os.umask(0o022)
    try:
        key = _secret_key(tmp_path)
    finally:
        os.umask(old)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 40 and _secret_key(tmp_path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
