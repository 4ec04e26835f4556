"""A build or a DocBin export killed at any moment leaves the previous output whole; the next run cleans up what the
killed one left and two runs at once do not race (issue 19.2, 19.10)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aces import atomic

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_corpus

COMMANDS = {
    "build": ["build"],
    "export-spacy": ["export", "spacy"],
    "export-spacy-bounded": ["export", "spacy", "--docs-per-file", "40"],
}
DELAYS = (0.5, 1.5, 2.5, 3.5)
"""Seconds before the kill: from the imports to the last renames of a run of a few seconds."""


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def argv(command: str, corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "aces.cli", *COMMANDS[command], "--corpus", str(corpus), "--out", str(out)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kill") / "corpus"
    write_corpus(root, 200, seed=1)
    return root


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_kill_at_any_moment_leaves_the_previous_output_whole(corpus: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    first = subprocess.run(argv(command, corpus, out), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert before
    for delay in DELAYS:
        proc = subprocess.Popen(argv(command, corpus, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert snapshot(out) == before, f"killed after {delay}s"  # same inputs: the previous output or the same bytes
    again = subprocess.run(argv(command, corpus, out), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the killed runs' staging folders are gone


def test_two_runs_at_once_both_finish(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [subprocess.Popen(argv("build", corpus, out), stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert "Traceback" not in "".join(err for _, err in results)
    assert (out / "aces_build.json").is_file() and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_an_old_folder_set_aside_by_a_kill_between_two_renames_is_put_back(tmp_path: Path) -> None:
    """Where the system cannot exchange two folders in one step, a kill between the renames leaves the old folder
    aside as .NAME.old-*: the next run puts it back before anything else."""
    out = tmp_path / "out"
    (tmp_path / ".out.old-x1").mkdir()
    (tmp_path / ".out.old-x1" / "kept.txt").write_text("previous", encoding="utf-8")
    (tmp_path / ".out.building-y2").mkdir()  # a killed run's staging folder
    (tmp_path / ".out.parts-z3").mkdir()  # someone's work (a sharded build's parts): not a leftover
    with atomic.staging_folder(out, "building") as staging:
        assert (out / "kept.txt").read_text(encoding="utf-8") == "previous"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".out.parts-z3", "out", staging.name])
        (staging / "new.txt").write_text("new", encoding="utf-8")
        atomic.replace_folder(staging, out)
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.parts-z3", "out"]


def test_the_swap_is_one_step_on_linux(tmp_path: Path) -> None:
    """renameat2(RENAME_EXCHANGE): the two folders trade places at once, so OUT is never missing."""
    out, staging = tmp_path / "out", tmp_path / ".out.building-1"
    for folder, text in ((out, "old"), (staging, "new")):
        folder.mkdir()
        (folder / "a").write_text(text, encoding="utf-8")
    assert atomic.exchange(staging, out)
    assert (out / "a").read_text(encoding="utf-8") == "new" and (staging / "a").read_text(encoding="utf-8") == "old"
