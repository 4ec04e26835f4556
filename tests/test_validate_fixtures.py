"""The fixture suite behind every check: one invalid file per registered code, valid files with no finding, and a
generated checks table that matches the registry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.paths import repo_root
from aces.validate import CHECKS
from aces.validate.checks import ERROR, LEVELS, WARNING
from aces.validate.table import markdown

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
VALID = DATA / "valid"


def run_json(*paths: Path) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", *map(str, paths)])
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, findings, result.stderr


def test_codes_are_kebab_case_and_no_code_is_a_prefix_of_another() -> None:
    codes = sorted(CHECKS)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c) for c in codes)
    clashes = [(a, b) for a in codes for b in codes if a != b and b.startswith(a)]
    assert clashes == []


def test_every_check_has_a_level_severity_meaning_and_fix() -> None:
    for check in CHECKS.values():
        assert check.level in LEVELS
        assert check.severity in (ERROR, WARNING)
        assert check.meaning.endswith(".") and check.fix.endswith("."), check.code
    assert {c.level for c in CHECKS.values()} == set(LEVELS)


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_invalid_fixture_triggers_exactly_its_code(code: str) -> None:
    matches = sorted(INVALID.rglob(f"{code}*.jsonl"))  # (placement codes sit in invalid/gold/, invalid/queue/)
    assert [m.name for m in matches] == [f"{code}.jsonl"]
    exit_code, findings, _ = run_json(matches[0])
    codes = {f["code"] for f in findings}
    other_errors = {f["code"] for f in findings if f["severity"] == ERROR} - {code}
    assert code in codes
    assert other_errors == set()
    assert exit_code == (1 if CHECKS[code].severity == ERROR else 0)
    for f in findings:
        assert f["level"] == CHECKS[f["code"]].level and f["severity"] == CHECKS[f["code"]].severity


def test_no_stale_invalid_fixture() -> None:
    assert sorted(p.stem for p in INVALID.rglob("*.jsonl")) == sorted(CHECKS)


def test_valid_fixtures_pass_with_no_finding() -> None:
    exit_code, findings, stderr = run_json(VALID)
    assert findings == []
    assert exit_code == 0
    assert stderr.startswith("PASSED")
    assert "checked 5 records in 4 files" in stderr


def test_committed_fixtures_are_what_the_generator_writes(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(DATA))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(DATA))
    written = make_fixtures.generate(tmp_path)
    for path in written:
        committed = DATA / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale: run tests/data/make_fixtures.py"
    committed_files = {p.relative_to(DATA) for p in (*INVALID.rglob("*.*"), *VALID.rglob("*.*"))}
    assert committed_files == {p.relative_to(tmp_path) for p in written}


def test_checks_table_in_docs_is_generated_from_the_registry() -> None:
    doc = repo_root() / "docs" / "CHECKS.md"
    assert doc.read_text(encoding="utf-8") == markdown(), "docs/CHECKS.md is stale: run `aces checks --markdown`"
    for code in CHECKS:
        assert f"| `{code}` |" in markdown()


def test_checks_command_prints_the_table() -> None:
    result = CliRunner().invoke(main, ["checks", "--markdown"])
    assert result.exit_code == 0
    assert result.stdout == markdown()
    plain = CliRunner().invoke(main, ["checks"])
    assert len(plain.stdout.splitlines()) == len(CHECKS)
