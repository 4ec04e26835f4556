"""Importers and `aces adjudicate` check provenance against the raw/ of the corpus the records belong to, not a raw/
beside wherever their output is written (which gave a false raw-file-missing warning at `….ann:0`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.paths import corpus_dir
from aces.record import from_json, read_jsonl, write_jsonl

SEED = "aces-000-9f1bd322"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-document corpus (the seed's record and raw file) that is also the default corpus (ACES_CORPUS)."""
    root = tmp_path / "corpus"
    (record,) = read_jsonl(corpus_dir() / "gold" / f"{SEED}.jsonl")
    (root / "gold").mkdir(parents=True)
    write_jsonl([record], root / "gold" / f"{SEED}.jsonl")
    raw = root / record.provenance.raw_path
    raw.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus_dir() / record.provenance.raw_path, raw)
    monkeypatch.setenv("ACES_CORPUS", str(root))
    return root


def test_brat_import_finds_the_raw_files_of_its_corpus(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["export", "brat", "--out", str(tmp_path / "brat")]).exit_code == 0
    result = runner.invoke(main, ["import", "brat", str(tmp_path / "brat"), "--out", str(tmp_path / "elsewhere.jsonl")])
    assert result.exit_code == 0, result.output
    assert "raw-file-missing" not in result.output and "(0 warnings)" in result.output


def test_brat_import_checks_provenance_against_that_corpus(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["export", "brat", "--out", str(tmp_path / "brat")]).exit_code == 0
    raw = next((corpus / "raw").rglob("*.txt"))
    raw.write_bytes(raw.read_bytes() + b"\n")  # the corpus's raw file no longer matches the record's sha256
    out = tmp_path / "elsewhere.jsonl"
    result = runner.invoke(main, ["import", "brat", str(tmp_path / "brat"), "--out", str(out), "--corpus", str(corpus)])
    assert result.exit_code == 1 and "raw-sha256-mismatch" in result.output and not out.exists()


def test_adjudicate_checks_the_gold_against_the_raw_files_of_its_corpus(corpus: Path, tmp_path: Path) -> None:
    record = from_json((corpus / "gold" / f"{SEED}.jsonl").read_text(encoding="utf-8"))
    wrong = msgspec.structs.replace(record.provenance, raw_sha256="0" * 64)
    passes = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path in passes:
        write_jsonl([msgspec.structs.replace(record, provenance=wrong)], path)
    out = tmp_path / "review" / "gold.jsonl"  # not in the corpus: the corpus is the default one
    result = CliRunner().invoke(main, ["adjudicate", *map(str, passes), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "raw-sha256-mismatch" in result.output and not out.exists()
    fine = tmp_path / "fine.jsonl"
    write_jsonl([record], fine)
    result = CliRunner().invoke(main, ["adjudicate", str(fine), str(fine), "--out", str(out), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
