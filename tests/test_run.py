"""``aces run``, README's main job: validates, builds, loads back — and stops at a corpus with errors."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from aces.paths import corpus_dir


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aces.cli", "run", *args], capture_output=True, text=True)


def test_run_validates_builds_and_loads_every_config(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    done = _run("--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "PASSED" in done.stdout and "OK:" in done.stdout
    assert "%|" not in done.stderr and "Generating" not in done.stderr  # no progress bar into a redirected stderr
    gold = [json.loads(line) for f in sorted((corpus_dir() / "gold").glob("*.jsonl")) for line in f.open()]
    events = {s: sum(len(r["events"]) for r in gold if r["split"] == s) for s in ("train", "validation", "test")}
    assert f"events: train {events['train']}, validation {events['validation']}, test {events['test']}" in done.stdout
    assert (out / "README.md").is_file() and (out / "croissant.json").is_file()


def test_run_refuses_to_build_a_corpus_with_errors(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir(), corpus)
    gold = next((corpus / "gold").glob("*.jsonl"))
    record = json.loads(gold.read_text(encoding="utf-8"))
    record["entities"][0]["start"] += 1  # the stored span text no longer matches the offsets
    gold.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "hf"
    done = _run("--corpus", str(corpus), "--out", str(out))
    assert done.returncode == 1
    assert "span-text-mismatch" in done.stderr and "validation errors" in done.stderr
    assert not out.exists()
