"""``aces validate`` as a user meets it: output formats, exit codes, path expansion, caps and streaming."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aces.cli import main

DATA = Path(__file__).parent / "data"
FIELDS = ["file", "line", "doc_id", "ann_id", "level", "code", "severity", "message"]


def invoke(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def corpus_with(tmp_path: Path, *fixtures: str) -> Path:
    """A corpus directory (gold/ + raw/) holding copies of the named invalid fixtures."""
    (tmp_path / "gold").mkdir()
    shutil.copytree(DATA / "invalid" / "raw", tmp_path / "raw")
    for name in fixtures:
        shutil.copy(DATA / "invalid" / f"{name}.jsonl", tmp_path / "gold" / f"{name}.jsonl")
    return tmp_path


def test_human_output_one_line_per_finding_explanation_once_then_summary(tmp_path: Path) -> None:
    gold = tmp_path / "x.jsonl"
    gold.write_bytes(b"[1]\n[2]\n")
    result = invoke(str(gold))
    lines = result.stdout.splitlines()
    assert lines[0] == f"{gold}:1 L1 ERROR not-an-object: the line is an array, not a JSON object; " + (
        "each line must be one record {...}"
    )
    assert lines[1].startswith("    (not-an-object) ")  # the explanation, once
    assert lines[2].startswith(f"{gold}:2 L1 ERROR not-an-object")
    assert not lines[3].startswith("    ")
    assert lines[3] == "FAILED: 2 errors, 0 warnings"
    assert "not-an-object" in lines[4] and lines[4].endswith("2")
    assert result.exit_code == 1


def test_human_output_names_the_annotation(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path, "span-text-mismatch")
    result = invoke("--quiet", str(corpus))
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"{corpus}/gold/span-text-mismatch.jsonl:1 [fx-span-text-mismatch:m2] L3 ERROR span-text-mismatch: "
    )
    assert "(" not in result.stdout.splitlines()[1][:6]  # --quiet: no explanation line


def test_json_output_has_exactly_the_documented_keys_and_summary_on_stderr() -> None:
    result = invoke("--format", "json", str(DATA / "invalid" / "duplicate-mention.jsonl"))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 1
    assert list(records[0]) == [*FIELDS, "refs"]
    assert records[0]["refs"] == [
        {"file": str(DATA / "invalid" / "duplicate-mention.jsonl"), "line": 1, "doc_id": "fx-duplicate-mention",
         "ann_id": "fx-duplicate-mention:m2"}
    ]  # fmt: skip
    assert result.stderr.startswith("FAILED: 1 errors, 0 warnings")
    assert result.exit_code == 1


def test_warnings_only_exit_zero() -> None:
    result = invoke(str(DATA / "invalid" / "duplicate-event.jsonl"))
    assert result.exit_code == 0
    assert "PASSED: 0 errors, 1 warnings" in result.stdout


def test_nonexistent_path_and_empty_directory_are_usage_errors(tmp_path: Path) -> None:
    assert invoke(str(tmp_path / "nope.jsonl")).exit_code == 2
    empty = invoke(str(tmp_path))
    assert empty.exit_code == 2
    assert "no *.jsonl files" in empty.stderr
    assert invoke().exit_code == 2
    assert invoke("--level", "6", str(DATA / "valid")).exit_code == 2


def test_directory_with_gold_means_gold_jsonl_only(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path, "pii-email")
    (tmp_path / "rounds").mkdir()
    (tmp_path / "rounds" / "broken.jsonl").write_text("{not json\n")
    result = invoke("--format", "json", str(corpus))
    assert {json.loads(line)["code"] for line in result.stdout.splitlines()} == {"pii-email"}


def test_other_directories_mean_every_jsonl_under_them_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.jsonl").write_bytes(b"[1]\n")
    (tmp_path / "a.jsonl").write_bytes(b"[1]\n")
    result = invoke("--format", "json", str(tmp_path))
    files = [json.loads(line)["file"] for line in result.stdout.splitlines()]
    assert files == [str(tmp_path / "a.jsonl"), str(tmp_path / "b" / "z.jsonl")]


def test_a_malformed_line_is_a_finding_and_checking_goes_on(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path)
    good = (DATA / "invalid" / "pii-email.jsonl").read_bytes()
    (corpus / "gold" / "mixed.jsonl").write_bytes(b'{"broken": \n' + b"\xff\xfe\n" + b"\n" + good)
    result = invoke("--format", "json", str(corpus))
    found = [(f["line"], f["code"]) for f in map(json.loads, result.stdout.splitlines())]
    assert found == [(1, "invalid-json"), (2, "bad-utf8"), (3, "blank-line"), (4, "pii-email")]


def test_level_option_stops_at_that_level() -> None:
    fixture = str(DATA / "invalid" / "pii-email.jsonl")
    assert invoke("--level", "4", fixture).exit_code == 0
    assert invoke("--level", "5", fixture).exit_code == 1
    assert invoke("--level", "2", str(DATA / "invalid" / "span-text-mismatch.jsonl")).exit_code == 0
    assert invoke("--level", "1", str(DATA / "invalid" / "schema-required.jsonl")).exit_code == 0


def test_max_err_caps_findings_per_code_but_counts_all(tmp_path: Path) -> None:
    gold = tmp_path / "x.jsonl"
    gold.write_bytes(b"[1]\n" * 5 + b"\n" * 3)
    result = invoke("--format", "json", "--max-err", "2", str(gold))
    codes = [json.loads(line)["code"] for line in result.stdout.splitlines()]
    assert codes == ["not-an-object", "not-an-object", "blank-line", "blank-line"]
    assert result.stderr.startswith("FAILED: 8 errors, 0 warnings")
    assert "(4 findings over --max-err 2 per code not shown)" in result.stderr


def test_duplicate_ids_across_files_point_at_the_first_place(tmp_path: Path) -> None:
    record = (DATA / "invalid" / "pii-email.jsonl").read_bytes()
    (tmp_path / "one.jsonl").write_bytes(record)
    (tmp_path / "two.jsonl").write_bytes(record)
    result = invoke("--format", "json", "--level", "3", str(tmp_path / "one.jsonl"), str(tmp_path / "two.jsonl"))
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    dup = [f for f in findings if f["code"] == "duplicate-id"]
    assert len(dup) == 1  # one for the document, not one per annotation id
    assert dup[0]["file"] == str(tmp_path / "two.jsonl")
    assert dup[0]["refs"][0]["file"] == str(tmp_path / "one.jsonl") and dup[0]["refs"][0]["line"] == 1
    assert f"{tmp_path / 'one.jsonl'}:1" in dup[0]["message"]


def test_console_script_runs_and_exits_with_the_documented_codes(tmp_path: Path) -> None:
    aces = Path(sys.executable).with_name("aces")
    ok = subprocess.run([aces, "validate", str(DATA / "valid")], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("PASSED")
    bad = subprocess.run([aces, "validate", "--format", "json", str(DATA / "invalid" / "dangling-ref.jsonl")],
                         capture_output=True, text=True)  # fmt: skip
    assert bad.returncode == 1 and json.loads(bad.stdout.splitlines()[0])["code"] == "dangling-ref"
    missing = subprocess.run([aces, "validate", str(tmp_path / "missing")], capture_output=True, text=True)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_the_corpus_validates() -> None:
    from aces.paths import corpus_dir

    result = invoke(str(corpus_dir()))
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize("fmt", ["human", "json"])
def test_a_reader_that_closes_the_pipe_ends_validate_quietly_with_141(tmp_path: Path, fmt: str) -> None:
    """Issue 19.12c: ``aces validate … | head -1`` said "cannot read None: Broken pipe" and exited 2 (a path
    problem). Now it ends as a tool that SIGPIPE stopped: no message, status 141 (128 + SIGPIPE)."""
    gold = tmp_path / "x.jsonl"
    gold.write_text("".join(f"not json {i}\n" for i in range(20_000)), encoding="utf-8")  # megabytes of findings
    proc = subprocess.Popen(
        [sys.executable, "-m", "aces.cli", "validate", "--format", fmt, str(gold)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does after its line; the writer still has far more than a pipe holds
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141, stderr
    assert stderr == b"" and b"invalid-json" in first


def test_validate_started_with_stdout_closed_still_reports_by_exit_code(tmp_path: Path) -> None:
    """Closing stdout before the start (``aces validate x >&-``) leaves Python no stdout at all: still no traceback."""
    gold = tmp_path / "x.jsonl"
    gold.write_bytes(b"[1]\n")
    done = subprocess.run(
        [sys.executable, "-m", "aces.cli", "validate", str(gold)], stdout=None, stderr=subprocess.PIPE, text=True,
        pass_fds=(), close_fds=True, preexec_fn=lambda: os.close(1), timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
