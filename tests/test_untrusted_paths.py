"""Ids and paths that come from records or files never lead out of the corpus or the output folder (issue 19.1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.paths import UnsafePath, corpus_dir, doc_file, raw_file, read_raw
from aces.validate import validate

SEED = "aces-000-9f1bd322"


def seed_corpus(tmp_path: Path, doc_id: str | None = None, raw_path: str | None = None) -> Path:
    """A copy of the seed corpus whose record may carry another id or raw_path (written as raw JSON: a schema-
    invalid id must still reach the exporters, as it would from a hand-edited file)."""
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    shutil.copytree(corpus_dir() / "raw", corpus / "raw", ignore=shutil.ignore_patterns("ar_padt-ud-test"))
    data = json.loads((corpus_dir() / "gold" / f"{SEED}.jsonl").read_text(encoding="utf-8"))
    if doc_id is not None:
        data = json.loads(json.dumps(data, ensure_ascii=False).replace(f'"{SEED}', f'"{doc_id}'))
    if raw_path is not None:
        data["provenance"]["raw_path"] = raw_path
    (corpus / "gold" / "x.jsonl").write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    return corpus


def aces(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aces.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("doc_id", ["../../../tmp/x", "a/b", "", ".hidden", "A-upper"])
def test_ingest_refuses_an_id_that_cannot_name_a_file_and_writes_nothing(tmp_path: Path, doc_id: str) -> None:
    raw = tmp_path / "a.txt"
    raw.write_text("عنوان\nنص الخبر هنا.\n", encoding="utf-8")
    corpus = tmp_path / "c"
    done = aces("ingest", str(raw), "--id", doc_id, "--source", "s", "--corpus", str(corpus))
    assert done.returncode in (1, 2) and "document id" in done.stderr and "Traceback" not in done.stderr
    assert not any(corpus.rglob("*.jsonl")) and not (tmp_path / "x.jsonl").exists()


def test_a_gold_id_with_dot_dot_is_refused_by_the_exporters_before_anything_is_written(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path, doc_id="../../escaped")
    out = tmp_path / "deep" / "er" / "out"
    brat = aces("export", "brat", "--out", str(out), "--corpus", str(corpus))
    assert brat.returncode == 1 and "is not of the form" in brat.stderr and "Traceback" not in brat.stderr
    report = aces("report", "--out", str(out), "--corpus", str(corpus), "--no-validate")
    assert report.returncode == 1 and "is not of the form" in report.stderr and "Traceback" not in report.stderr
    assert not list(tmp_path.rglob("escaped*"))


@pytest.mark.parametrize(
    "raw_path", ["../../../../../../etc/passwd", "/etc/passwd", "raw/../../../../etc/hostname", "raw/a\\..\\b"]
)
def test_the_validator_does_not_read_a_raw_path_outside_raw(tmp_path: Path, raw_path: str) -> None:
    report = validate(seed_corpus(tmp_path, raw_path=raw_path))
    assert [f.code for f in report.findings if f.is_error] == ["raw-path-unsafe"]


def test_a_symlink_to_a_device_or_outside_is_refused_at_once(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path, raw_path="raw/zero")
    os.symlink("/dev/zero", corpus / "raw" / "zero")
    started = time.monotonic()
    report = validate(corpus)
    assert time.monotonic() - started < 30
    assert [f.code for f in report.findings if f.is_error] == ["raw-path-unsafe"]
    os.symlink(tmp_path, corpus / "raw" / "out")
    with pytest.raises(UnsafePath, match="leads out"):
        raw_file(corpus, "raw/out/corpus/gold/x.jsonl")


def test_a_fifo_and_an_oversized_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    os.mkfifo(tmp_path / "raw" / "pipe")
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_raw(tmp_path, "raw/pipe")  # opened without blocking, refused by its type
    (tmp_path / "raw" / "big.txt").write_bytes(b"x" * 2048)
    with pytest.raises(UnsafePath, match="over the 1024-byte limit"):
        read_raw(tmp_path, "raw/big.txt", limit=1024)
    assert read_raw(tmp_path, "raw/big.txt") == b"x" * 2048


@pytest.mark.parametrize("doc_id", ["ok-1", "a.b_c"])
def test_doc_file_keeps_a_good_id_inside_its_folder(tmp_path: Path, doc_id: str) -> None:
    assert doc_file(tmp_path, doc_id, ".ann").parent == tmp_path


def test_sheet_apply_names_files_only_after_valid_ids(tmp_path: Path) -> None:
    sheet = tmp_path / "s.json"
    sheet.write_text(json.dumps({"doc": "../../etc/x"}), encoding="utf-8")
    done = CliRunner().invoke(main, ["sheet", "apply", str(sheet), "--out", str(tmp_path / "out")])
    assert done.exit_code == 1 and "document id" in done.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["in-a-corpus", "given-directly"])
def test_validate_names_a_broken_symbolic_link_as_one(tmp_path: Path, where: str) -> None:
    """Issue 19.12d: a dangling ``.jsonl`` link was reported as "cannot be read (permission denied)"."""
    corpus = seed_corpus(tmp_path)
    link = corpus / "gold" / "y.jsonl"
    os.symlink(tmp_path / "gone.jsonl", link)
    done = aces("validate", str(corpus if where == "in-a-corpus" else link))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"{link} is a broken symbolic link (to {tmp_path / 'gone.jsonl'}, which does not exist)" in done.stderr
    assert "permission denied" not in done.stderr and "does not exist." not in done.stderr


def test_validate_names_a_symbolic_link_loop_and_a_missing_file(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b.jsonl", tmp_path / "a.jsonl")
    os.symlink(tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    done = aces("validate", str(tmp_path))
    assert done.returncode == 2 and f"{tmp_path / 'a.jsonl'} is a symbolic link loop" in done.stderr
    done = aces("validate", str(tmp_path / "nope.jsonl"))
    assert done.returncode == 2 and f"{tmp_path / 'nope.jsonl'} does not exist" in done.stderr


def test_a_raw_file_that_is_a_broken_link_is_reported_as_one(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path, raw_path="raw/dangling.txt")
    os.symlink("missing.txt", corpus / "raw" / "dangling.txt")  # stays inside raw/, leads nowhere
    report = validate(corpus)
    (finding,) = [f for f in report.findings if f.code == "raw-file-missing"]
    assert "is a broken symbolic link (to missing.txt, which does not exist)" in finding.message
