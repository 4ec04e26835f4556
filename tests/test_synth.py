"""The benchmark corpus generator: valid records are clean at every level, corruptions fire their code, seeds repeat."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

import aces
from aces.record import from_dict
from aces.schema import known_versions, labels

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import CORRUPTIONS, Generator, corrupt, line_of, raw_text, write_corpus


@pytest.mark.parametrize("version", known_versions())
def test_generated_records_pass_every_level_with_no_finding(tmp_path: Path, version: str) -> None:
    corpus = write_corpus(tmp_path, 40, seed=3, version=version)
    report = aces.validate(tmp_path)
    assert [f.human() for f in report.findings] == []
    assert report.records == 40
    for line in corpus.files[0].read_text(encoding="utf-8").splitlines():
        from_dict(json.loads(line))  # the typed reader accepts them too


def test_records_have_the_shape_the_benchmarks_claim() -> None:
    gen = Generator(seed=1)
    recs = [gen.record(i) for i in range(50)]
    inv = labels(recs[0]["schema_version"])
    lengths = [len(r["text"]) for r in recs]
    assert 1000 <= min(lengths) and max(lengths) <= 6600
    assert 20 <= sum(len(r["entities"]) for r in recs) / len(recs) <= 45
    assert 3 <= sum(len(r["events"]) for r in recs) / len(recs) <= 7
    assert 1 <= sum(len(r["stances"]) for r in recs) / len(recs) <= 5
    text = "".join(r["text"] for r in recs)
    assert "🔥" in text and "\u200d" in text and "«" in text  # emoji, ZWJ sequences and quotes
    starts_after_proclitic = sum(
        1 for r in recs for m in r["entities"] if m["start"] > 0 and r["text"][m["start"] - 1] in inv.proclitics
    )
    assert starts_after_proclitic > 100  # spans start after proclitic letters glued to the word
    assert all(any(ev["arguments"] for ev in r["events"]) for r in recs)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a", 20, seed=7).files[0].read_bytes()
    b = write_corpus(tmp_path / "b", 20, seed=7).files[0].read_bytes()
    c = write_corpus(tmp_path / "c", 20, seed=8).files[0].read_bytes()
    assert a == b and a != c


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_each_corruption_fires_exactly_its_code(tmp_path: Path, kind: str) -> None:
    gen = Generator(seed=5)
    rng = random.Random(kind)
    for i in range(5):
        broken, code = corrupt(gen.record(i), kind, rng)
        corpus_dir = tmp_path / f"{kind}-{i}"
        (corpus_dir / "raw").mkdir(parents=True)
        (corpus_dir / "gold").mkdir()
        (corpus_dir / "gold" / "one.jsonl").write_bytes(line_of(broken))
        (corpus_dir / "raw" / f"{broken['id']}.txt").write_text(raw_text(gen.record(i)), encoding="utf-8")
        codes = {f.code for f in aces.validate(corpus_dir).findings}
        assert codes == {code}, (kind, i)


def test_sharded_corpus_lists_its_corruptions(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, 60, seed=2, corrupt_rate=0.3, shards=3)
    assert len(corpus.files) == 3 and corpus.expected
    report = aces.validate(tmp_path)
    found = {(f.file, f.line): f.code for f in report.findings}
    assert found == corpus.expected
