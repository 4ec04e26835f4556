"""``aces agree`` and ``aces diff`` as a user runs them: the installed console script, in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "versions"
ACES = Path(sys.executable).parent / "aces"
PASS_A, PASS_B = str(DATA / "pass-a"), str(DATA / "pass-b")


def aces(*args: str) -> subprocess.CompletedProcess:
    assert ACES.exists(), f"console script not installed at {ACES}"
    return subprocess.run([str(ACES), *args], capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_agree_table() -> None:
    run = aces("agree", PASS_A, PASS_B)
    assert run.returncode == 0, run.stderr
    assert "exact (span + type)              9    10       6   0.600   0.667   0.632" in run.stdout
    assert "CoNLL F1 (mean)" in run.stdout and "0.813" in run.stdout
    assert "only in A (not scored): vtest-002" in run.stdout
    assert "kappa 0.400, alpha 0.444" in run.stdout
    assert run.stderr == ""


def test_agree_json_rounded_with_stable_keys() -> None:
    run = aces("agree", PASS_A, PASS_B, "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert list(report) == [
        "format",
        "inputs",
        "documents",
        "mentions",
        "clusters",
        "events",
        "stances",
        "per_document",
        "warnings",
        "problems",
    ]
    assert report["format"] == "aces-agree/1" and report["problems"] == []
    assert report["mentions"]["exact"]["f1"] == 0.6316  # 12/19 to 4 places
    assert report["clusters"]["conll_f1"] == 0.8127
    assert report["stances"]["polarity"]["alpha"] == 0.4444


def test_agree_out_file(tmp_path: Path) -> None:
    out = tmp_path / "agree.json"
    run = aces("agree", PASS_A, PASS_B, "--format", "json", "--out", str(out))
    assert run.returncode == 0 and run.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["events"]["trigger"]["f1"] == 0.6667


def test_single_files_and_gold_directories(tmp_path: Path) -> None:
    # a directory holding gold/ means gold/*.jsonl only: other JSONL files beside it are not read
    for side, src in (("v1", PASS_A), ("v2", PASS_B)):
        (tmp_path / side / "gold").mkdir(parents=True)
        shutil.copy(Path(src) / "doc-001.jsonl", tmp_path / side / "gold" / "doc-001.jsonl")
        shutil.copy(Path(src) / "more.jsonl", tmp_path / side / "drafts.jsonl")
    run = aces("agree", str(tmp_path / "v1"), str(tmp_path / "v2"), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["documents"]["compared"] == 1
    assert json.loads(run.stdout)["documents"]["only_a"] == []
    run = aces("agree", f"{PASS_A}/doc-001.jsonl", f"{PASS_A}/doc-001.jsonl", "--format", "json")
    assert json.loads(run.stdout)["mentions"]["exact"]["f1"] == 1.0


@pytest.mark.parametrize("command", ["agree", "diff"])
def test_missing_or_empty_input_is_a_usage_error(command: str, tmp_path: Path) -> None:
    run = aces(command, str(tmp_path / "nope"), PASS_B)
    assert run.returncode == 2
    assert "no such file or directory" in run.stderr and "Traceback" not in run.stderr
    run = aces(command, str(tmp_path), PASS_B)
    assert run.returncode == 2 and "no JSONL files" in run.stderr
    run = aces(command, PASS_A, PASS_B, "--format", "xml")
    assert run.returncode == 2 and "Traceback" not in run.stderr


@pytest.mark.parametrize("command", ["agree", "diff"])
def test_malformed_lines_are_reported_and_the_rest_compared(command: str) -> None:
    run = aces(command, PASS_A, str(DATA / "malformed"), "--format", "json")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "malformed/pass-b.jsonl:2" in run.stderr and "malformed/pass-b.jsonl:3" in run.stderr
    report = json.loads(run.stdout)  # the report is still written, over the readable lines
    assert [(p["side"], p["line"]) for p in report["problems"]] == [("b", 2), ("b", 3)]
    assert report["documents"]["compared"] == 1


def test_diff_identical_is_empty_and_exits_zero() -> None:
    run = aces("diff", PASS_A, PASS_A)
    assert run.returncode == 0, run.stderr
    assert "No differences." in run.stdout
    report = json.loads(aces("diff", PASS_A, PASS_A, "--format", "json").stdout)
    assert report["changes"] == [] and report["documents"]["added"] == []


def test_diff_human_output_shows_span_text() -> None:
    run = aces("diff", PASS_A, PASS_B)
    assert run.returncode == 0, run.stderr  # differences are not an error: this is a review tool
    out = run.stdout
    assert "== vtest-001 ==" in out
    assert "  - «6 عناصر» [57:64] PER NOM" in out
    assert "type LOC → GPE" in out
    assert "status claimed → asserted" in out
    assert "role Speaker → Requester" in out
    assert "polarity FAVOR → AGAINST" in out
    assert "  ≠ vtest-004: texts differ from code point 23" in out
    assert "Summary: mentions +3 −2 ~1" in out


def test_diff_json_out(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    run = aces("diff", PASS_A, PASS_B, "--format", "json", "--out", str(out))
    assert run.returncode == 0 and run.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["format"] == "aces-diff/1" and report["inputs"] == {"a": PASS_A, "b": PASS_B}
    assert report["summary"]["clusters"] == {"added": 2, "removed": 1, "changed": 4}
