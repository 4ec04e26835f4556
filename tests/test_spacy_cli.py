"""`aces export spacy` and `aces import spacy`: the corpus comes back line for line; bad input gets a message."""

from __future__ import annotations

from pathlib import Path

import msgspec
from click.testing import CliRunner

import aces
from aces.cli import main
from aces.paths import gold_files
from aces.record import Record, to_json
from spacy_samples import clitic_record


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def renamed(record: Record, doc_id: str, split: str) -> Record:
    data = msgspec.json.encode(record).replace(record.id.encode(), doc_id.encode())
    return msgspec.structs.replace(msgspec.json.decode(data, type=Record), split=split)


def corpus_with(root: Path, records: list[Record]) -> Path:
    (root / "gold").mkdir(parents=True)
    for r in records:
        (root / "gold" / f"{r.id}.jsonl").write_text(to_json(r) + "\n", encoding="utf-8")
    return root


def test_export_then_import_gives_the_corpus_back_line_for_line(tmp_path: Path) -> None:
    records = [clitic_record(), renamed(clitic_record(), "t-spacy-002", "test")]
    corpus = corpus_with(tmp_path / "corpus", records)
    out = tmp_path / "spacy"
    result = run("export", "spacy", "--out", str(out), "--corpus", str(corpus))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["test.spacy", "train.spacy"]
    assert "15 mentions, 3 triggers, 4 evidence spans" in result.output
    back = tmp_path / "back.jsonl"
    result = run("import", "spacy", str(out), "--out", str(back))
    assert result.exit_code == 0, result.output
    original = sorted(line for f in gold_files(corpus) for line in f.read_text(encoding="utf-8").splitlines())
    assert sorted(back.read_text(encoding="utf-8").splitlines()) == original


def test_export_of_the_gold_corpus_imports_back_unchanged(tmp_path: Path) -> None:
    result = run("export", "spacy", "--out", str(tmp_path / "spacy"))
    assert result.exit_code == 0, result.output
    result = run("import", "spacy", str(tmp_path / "spacy"), "--out", str(tmp_path / "back.jsonl"))
    assert result.exit_code == 0, result.output
    original = sorted(line for f in gold_files() for line in f.read_text(encoding="utf-8").splitlines() if line.strip())
    assert sorted((tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines()) == original


def test_python_api_is_exported_at_the_top(tmp_path: Path) -> None:
    written = aces.to_spacy([clitic_record()], tmp_path)
    assert aces.from_spacy(written["train"]) == [clitic_record()]


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path / "corpus", [clitic_record()])
    assert run("export", "spacy", "--out", str(tmp_path / "spacy"), "--corpus", str(corpus)).exit_code == 0
    target = tmp_path / "back.jsonl"
    target.write_text("keep me", encoding="utf-8")
    result = run("import", "spacy", str(tmp_path / "spacy"), "--out", str(target))
    assert result.exit_code == 2 and "--force" in result.output
    assert target.read_text(encoding="utf-8") == "keep me"
    assert run("import", "spacy", str(tmp_path / "spacy"), "--out", str(target), "--force").exit_code == 0


def test_import_of_a_directory_without_docbins_says_what_to_run(tmp_path: Path) -> None:
    result = run("import", "spacy", str(tmp_path), "--out", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 1
    assert "aces export spacy" in result.output and "Traceback" not in result.output


def test_export_of_a_broken_record_names_file_and_line(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path / "corpus", [clitic_record()])
    (corpus / "gold" / "zz.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    result = run("export", "spacy", "--out", str(tmp_path / "spacy"), "--corpus", str(corpus))
    assert result.exit_code == 1
    assert "zz.jsonl:1" in result.output and "aces validate" in result.output


def test_export_of_an_empty_corpus_says_so(tmp_path: Path) -> None:
    result = run("export", "spacy", "--out", str(tmp_path / "spacy"), "--corpus", str(tmp_path))
    assert result.exit_code == 2 and "no gold/*.jsonl" in result.output


def test_export_of_a_span_whose_text_disagrees_names_the_mention(tmp_path: Path) -> None:
    record = clitic_record()
    bad = msgspec.structs.replace(record.entities[2], text="غلط")
    record = msgspec.structs.replace(record, entities=(*record.entities[:2], bad, *record.entities[3:]))
    corpus = corpus_with(tmp_path / "corpus", [record])
    result = run("export", "spacy", "--out", str(tmp_path / "spacy"), "--corpus", str(corpus))
    assert result.exit_code == 1 and "t-spacy-001:m3" in result.output
