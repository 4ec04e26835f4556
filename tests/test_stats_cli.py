"""``aces stats``: the three output formats, the default corpus, and readable errors on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aces import record as rec
from aces.cli import main
from aces.corpus.stats import compute
from aces.paths import repo_root
from test_stats import annotated

GOLD = repo_root() / "corpus" / "gold"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus directory holding the annotated test record as its only gold file."""
    (tmp_path / "gold").mkdir()
    rec.write_jsonl([annotated()], tmp_path / "gold" / "t.jsonl")
    return tmp_path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["stats", *args], env=env)


def test_json_is_exactly_compute(corpus: Path) -> None:
    result = run(str(corpus / "gold" / "t.jsonl"), "--format", "json")
    assert result.exit_code == 0, result.output
    expected = {**compute([annotated()]), "queue": compute([])}  # a file is gold; a corpus dir adds its queue/
    assert json.loads(result.output) == json.loads(json.dumps(expected))


def test_default_is_the_gold_corpus_of_aces_corpus(corpus: Path) -> None:
    result = run("--format", "json", env={"ACES_CORPUS": str(corpus)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"]["by_split"]["test"] == 1


def test_a_corpus_directory_means_its_gold_files(corpus: Path) -> None:
    shutil.copy(GOLD / "aces-000-9f1bd322.jsonl", corpus / "gold")
    result = run(str(corpus), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"]["total"] == 2


def test_human_and_markdown_say_which_token_count_is_which(corpus: Path) -> None:
    human = run(str(corpus))
    assert human.exit_code == 0, human.output
    assert "whitespace tokens" in human.output and "record tokens" in human.output
    assert "len(text.split())" in human.output and "`" not in human.output
    md = run(str(corpus), "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert "| `Conflict.Attack` | 1 |" in md.output
    assert "| `FAVOR` | 0 |" in md.output  # an unused label is a zero row, not a missing one


def test_a_malformed_line_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(rec.to_json(annotated()) + "\n" + '{"id": "x"}\n', encoding="utf-8")
    result = run(str(bad))
    assert result.exit_code == 1
    assert f"{bad}:2: not an ACES record" in result.output and "aces validate" in result.output
    assert "Traceback" not in result.output


def test_a_document_read_twice_is_refused(corpus: Path) -> None:
    path = corpus / "gold" / "t.jsonl"
    result = run(str(path), str(corpus))
    assert result.exit_code == 1
    assert "already read" in result.output and "counted twice" in result.output


def test_a_directory_without_jsonl_is_refused(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert "no *.jsonl files" in result.output
