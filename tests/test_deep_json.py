"""JSON nested 100,000 deep, at every entry point that reads JSON from a user: a located message, never a crash.

Before ``aces.json_input`` these raised ``RecursionError`` (a traceback) from the doccano import, BRAT side files,
``aces diff``, ``aces agree`` and ``aces adjudicate``; ``aces validate`` and ``aces migrate`` already coped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aces import record as rec
from aces.cli import main
from aces.convert.brat import to_brat
from aces.doccano.convert import dumps_jsonl, record_to_row
from doccano_samples import DOC, sample_record, write_sample_corpus
from spacy_samples import clitic_record

DEEP = '{"a": ' + "[" * 100_000
"""An object whose first value opens 100,000 arrays: deep for a typed decoder (records) and an untyped one."""


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clean_failure(result: Result, code: int, *needles: str) -> None:
    """Exit ``code`` with a message, and no exception escaped (CliRunner keeps it in ``result.exception``)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


def test_doccano_import_line_nested_too_deeply(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_sample_corpus(corpus)
    export = tmp_path / "export.jsonl"
    export.write_text(dumps_jsonl([record_to_row(sample_record())]) + DEEP + "\n", encoding="utf-8")
    result = invoke("import", "doccano", export, "--corpus", corpus, "--out", tmp_path / "out")
    assert_clean_failure(result, 1, f"{export}:2", "nested too deeply")
    assert not (tmp_path / "out").exists()


def test_doccano_import_aces_map_string_nested_too_deeply(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_sample_corpus(corpus)
    row = record_to_row(sample_record())
    row["aces_map"] = "[" * 100_000  # a map kept as a JSON string is decoded too
    export = tmp_path / "export.jsonl"
    export.write_text(dumps_jsonl([row]), encoding="utf-8")
    result = invoke("import", "doccano", export, "--corpus", corpus, "--out", tmp_path / "out")
    assert_clean_failure(result, 1, f"{export}:1", DOC, "aces_map")


def test_brat_side_file_nested_too_deeply(tmp_path: Path) -> None:
    to_brat([clitic_record()], tmp_path / "brat")
    side = tmp_path / "brat" / "t-spacy-001.aces.json"
    side.write_text(DEEP, encoding="utf-8")
    result = invoke("import", "brat", tmp_path / "brat", "--out", tmp_path / "out.jsonl")
    assert_clean_failure(result, 1, str(side), "nested too deeply")
    assert not (tmp_path / "out.jsonl").exists()


def _passes(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    rec.write_jsonl([clitic_record()], a)
    b.write_text(rec.to_json(clitic_record()) + "\n" + DEEP + "\n", encoding="utf-8")
    return a, b


@pytest.mark.parametrize("command", ["diff", "agree"])
def test_compare_side_with_a_line_nested_too_deeply(command: str, tmp_path: Path) -> None:
    a, b = _passes(tmp_path)
    assert_clean_failure(invoke(command, a, b), 2, f"{b}:2", "nested too deeply")


def test_adjudicate_side_with_a_line_nested_too_deeply(tmp_path: Path) -> None:
    a, b = _passes(tmp_path)
    result = invoke("adjudicate", a, b, "--out", tmp_path / "gold.jsonl")
    assert_clean_failure(result, 2, f"{b}:2", "nested too deeply")


def _conflicting(tmp_path: Path) -> tuple[Path, Path]:
    """Two passes that disagree on one mention's form, so adjudication has a conflict to decide."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    rec.write_jsonl([clitic_record()], a)
    data = rec.to_dict(clitic_record())
    data["entities"][0]["form"] = "NOM" if data["entities"][0]["form"] != "NOM" else "NAM"
    rec.write_jsonl([rec.from_dict(data)], b)
    return a, b


def test_adjudicate_decisions_nested_too_deeply(tmp_path: Path) -> None:
    a, b = _conflicting(tmp_path)
    decisions = tmp_path / "decided.jsonl"
    decisions.write_text(DEEP + "\n", encoding="utf-8")
    result = invoke("adjudicate", a, b, "--out", tmp_path / "gold.jsonl", "--decisions", decisions)
    assert_clean_failure(result, 2, f"{decisions}:1", "nested too deeply")


def test_review_file_nested_too_deeply_is_not_overwritten(tmp_path: Path) -> None:
    a, b = _conflicting(tmp_path)
    review = tmp_path / "gold.review.jsonl"
    review.write_text(DEEP + "\n", encoding="utf-8")
    result = invoke("adjudicate", a, b, "--out", tmp_path / "gold.jsonl")
    assert_clean_failure(result, 2, "already holds decisions")
    assert review.read_text(encoding="utf-8") == DEEP + "\n"


def test_validate_still_reports_it_as_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(DEEP + "\n", encoding="utf-8")
    result = invoke("validate", path)
    assert_clean_failure(result, 1, "invalid-json", "nested too deeply")


def test_the_too_deep_error_is_both_kinds_of_decode_error() -> None:
    import msgspec

    from aces.json_input import TooDeep, decode, loads

    for read in (decode, loads):
        with pytest.raises(TooDeep) as err:
            read(DEEP)
        assert isinstance(err.value, msgspec.DecodeError) and isinstance(err.value, json.JSONDecodeError)
        assert str(err.value) == "JSON nested too deeply to read"
    with pytest.raises(msgspec.DecodeError, match="nested too deeply"):
        rec.from_json(DEEP)
