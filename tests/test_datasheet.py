"""DATASHEET.md: every corpus number is generated, and the file fails the suite as soon as it drifts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.corpus import datasheet
from aces.corpus.datasheet_agreement import NOT_MEASURED
from aces.paths import repo_root

ROOT = repo_root()
SHEET = ROOT / "DATASHEET.md"
CORPUS = ROOT / "corpus"
_BLOCK = re.compile(r"<!-- stats:(?P<name>[a-z][a-z0-9-]*):start -->.*?<!-- stats:(?P=name):end -->", re.S)
# Digits that are not corpus figures: ordered-list markers, versions, encodings, standards, names.
_ALLOWED = re.compile(
    r"^\s*\d+\.\s|\d+\.\d+\.\d+|UTF-(?:8|16)|BCP-47|sha256|base64|Apache-2\.0|CC-BY(?:-[A-Z]+)*-\d\.\d|\bF1\b|ACE 2005"
)


def test_datasheet_numbers_match_the_corpus() -> None:
    current = SHEET.read_text(encoding="utf-8")
    expected = datasheet.regenerate(current, CORPUS)
    if current != expected:
        pytest.fail(
            "DATASHEET.md disagrees with the corpus; run `.venv/bin/aces stats --update-datasheet DATASHEET.md`.\n"
            + datasheet.diff(current, expected),
            pytrace=False,
        )


def prose_with_digits(text: str) -> list[str]:
    """Lines of ``text`` outside generated blocks that hold a digit not in ``_ALLOWED`` (numbered as in the file)."""
    prose = _BLOCK.sub(lambda m: "\n" * m.group().count("\n"), text)  # blanked line for line
    return [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(prose.splitlines(), 1)
        if re.search(r"\d", _ALLOWED.sub("", line))
    ]


def test_no_number_in_the_prose_outside_generated_blocks() -> None:
    offending = prose_with_digits(SHEET.read_text(encoding="utf-8"))
    assert not offending, "corpus figures belong in a generated block:\n" + "\n".join(offending)


def test_the_prose_check_catches_a_typed_in_count() -> None:
    block = "<!-- stats:a:start -->\n| total | 7 |\n<!-- stats:a:end -->\n"
    text = f"Schema 1.0.0, UTF-8.\n{block}The corpus has 7 documents.\n"
    assert prose_with_digits(text) == ["line 5: The corpus has 7 documents."]


def test_every_block_is_present_once() -> None:
    names = [m["name"] for m in _BLOCK.finditer(SHEET.read_text(encoding="utf-8"))]
    assert sorted(names) == sorted(datasheet.BLOCKS)


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    """A copy of the datasheet with the document total in the composition block changed."""
    text = SHEET.read_text(encoding="utf-8")
    block = re.search(r"<!-- stats:composition:start -->.*?<!-- stats:composition:end -->", text, re.S)
    assert block
    total = re.search(r"\| total \| (\d+) \|", block.group())
    assert total, "the composition block should have a total row with the document count"
    wrong = str(int(total.group(1)) + 1)
    changed = block.group().replace(total.group(), f"| total | {wrong} |", 1)
    copy = tmp_path / "DATASHEET.md"
    copy.write_text(text.replace(block.group(), changed), encoding="utf-8")
    return copy


def test_the_check_catches_a_changed_number(stale: Path) -> None:
    current = stale.read_text(encoding="utf-8")
    expected = datasheet.regenerate(current, CORPUS)
    assert current != expected
    report = datasheet.diff(current, expected)
    assert re.search(r"^-\| total \| \d+ \|", report, re.M) and re.search(r"^\+\| total \| \d+ \|", report, re.M)


def test_cli_check_fails_with_a_diff_and_update_repairs_the_file(stale: Path) -> None:
    runner = CliRunner()
    env = {"ACES_CORPUS": str(CORPUS)}
    checked = runner.invoke(main, ["stats", "--check-datasheet", str(stale)], env=env)
    assert checked.exit_code == 1
    assert "out of date" in checked.output and "--update-datasheet" in checked.output
    assert "+| total |" in checked.output
    updated = runner.invoke(main, ["stats", "--update-datasheet", str(stale)], env=env)
    assert updated.exit_code == 0, updated.output
    assert stale.read_text(encoding="utf-8") == datasheet.regenerate(SHEET.read_text(encoding="utf-8"), CORPUS)
    again = runner.invoke(main, ["stats", "--check-datasheet", str(stale)], env=env)
    assert again.exit_code == 0 and "up to date" in again.output


def test_prose_outside_the_blocks_is_kept_byte_for_byte() -> None:
    text = "# Title with prose\n\n<!-- stats:a:start -->\nold\n<!-- stats:a:end -->\nTail «نص» 😀\n"
    out = datasheet.fill(text, {"a": "new table"})
    assert out == "# Title with prose\n\n<!-- stats:a:start -->\nnew table\n<!-- stats:a:end -->\nTail «نص» 😀\n"
    assert datasheet.fill(out, {"a": "new table"}) == out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- stats:a:start -->\n", "no end marker"),
        ("<!-- stats:a:end -->\n", "without its start marker"),
        ("<!-- stats:a:start --><!-- stats:a:end --><!-- stats:a:start --><!-- stats:a:end -->", "appears twice"),
        ("<!-- stats:b:start --><!-- stats:b:end --><!-- stats:a:start --><!-- stats:a:end -->", "unknown block"),
        ("no markers at all", "lacks block(s) a"),
    ],
)
def test_malformed_markers_say_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(datasheet.DatasheetError, match=re.escape(message)):
        datasheet.fill(text, {"a": "x"})


def test_cli_reports_a_missing_block_without_a_traceback(tmp_path: Path) -> None:
    sheet = tmp_path / "DATASHEET.md"
    sheet.write_text("# nothing generated here\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["stats", "--update-datasheet", str(sheet)], env={"ACES_CORPUS": str(CORPUS)})
    assert result.exit_code == 1
    assert "lacks block(s)" in result.output and "Traceback" not in result.output


def test_zero_corpus_renders_every_block(tmp_path: Path) -> None:
    """With no documents at all every block still renders (zeros, n/a), and agreement says not yet measured."""
    (tmp_path / "gold").mkdir()
    out = datasheet.regenerate(SHEET.read_text(encoding="utf-8"), tmp_path)
    assert "| total | 0 | 0 | 0 | 0 |" in out
    assert "| `PER` | 0 | 0 | 0 | 0 |" in out
    assert "| 0 | 0 | 0 | n/a |" in out  # clusters, singletons, mentions, mean: undefined, not 0
    assert NOT_MEASURED in out


def test_copy_of_corpus_regenerates_identically(tmp_path: Path) -> None:
    """Regeneration depends on the corpus contents only, not on where the corpus lives."""
    shutil.copytree(CORPUS / "gold", tmp_path / "gold")
    for optional in ("queue", "rounds"):
        if (CORPUS / optional).is_dir():
            shutil.copytree(CORPUS / optional, tmp_path / optional)
    text = SHEET.read_text(encoding="utf-8")
    assert datasheet.regenerate(text, tmp_path) == datasheet.regenerate(text, CORPUS)
