"""`aces build` and `aces publish` refuse a corpus that does not validate (issue 19, case 7): an IP address in
the text is a `pii-ip-address` error, and before the gate it built with exit 0 and landed in the parquet files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.hf.build import MARKER
from aces.record import from_dict
from hf_samples import sample_records, write_corpus

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
assert _spec and _spec.loader
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

ADDRESS = "10.0.0.1"


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    """The sample corpus plus one document whose text holds an IP address."""
    doc = fixtures.Doc("t-gate-ip", [("paragraph", f"العنوان {ADDRESS} في كابول اليوم")], version="1.3.0")
    doc.singleton("كابول", "GPE")
    return write_corpus(tmp_path, [*sample_records(), from_dict(doc.record())])


def test_build_refuses_a_corpus_that_does_not_validate_and_says_why(leaky: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--corpus", str(leaky), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "sample.jsonl:4: pii-ip-address" in result.output and "aces validate" in result.output
    assert not out.exists()


def test_no_validate_builds_but_publish_refuses_the_folder(leaky: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", "--corpus", str(leaky), "--out", str(out), "--no-validate"])
    assert built.exit_code == 0, built.output
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["validated"] is False
    texts = [t for f in out.glob("documents/*.parquet") for t in pq.read_table(f, columns=["text"])["text"].to_pylist()]
    assert any(ADDRESS in t for t in texts)  # what --no-validate means, and why publish must refuse it
    result = CliRunner().invoke(main, ["publish", "--repo-id", "aces-org/aces", "--dir", str(out), "--dry-run"])
    assert result.exit_code == 1 and "without validating" in result.output and "Traceback" not in result.output


def test_a_corpus_that_validates_is_marked_validated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", "--corpus", str(write_corpus(tmp_path, sample_records())), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["validated"] is True
