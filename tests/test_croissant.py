"""croissant.json is valid for mlcroissant (the reference implementation), and its records are the built rows."""

from __future__ import annotations

import hashlib
import json

import datasets
import mlcroissant as mlc
import pytest

from aces.hf import croissant
from aces.hf import rows as hf
from aces.hf.build import build
from hf_samples import sample_records, write_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("croissant")
    summary = build(write_corpus(root, sample_records()), root / "out")
    return summary, json.loads((summary.out_dir / croissant.FILENAME).read_text(encoding="utf-8"))


def test_mlcroissant_loads_it_without_errors_or_warnings(built):
    summary, _ = built
    assert croissant.check(summary.out_dir / croissant.FILENAME) == []


def test_creator_url_date_and_citation_come_from_the_corpus_citation_file(built):
    _, meta = built
    assert meta["creator"] == {"@type": "sc:Organization", "name": "The ACES maintainers"}
    assert meta["url"].startswith("https://") and meta["datePublished"] == "2026-12-05"
    assert "version = {0.3.0}" in meta["citeAs"] and f"url = {{{meta['url']}}}" in meta["citeAs"]


def test_without_a_citation_file_mlcroissant_says_what_is_missing(tmp_path):
    summary = build(write_corpus(tmp_path, sample_records()[:1], citation=False), tmp_path / "out")
    warnings = " ".join(croissant.check(summary.out_dir / croissant.FILENAME))
    assert "datePublished" in warnings and "citeAs" in warnings


def test_every_data_file_is_listed_with_its_sha256_and_size(built):
    summary, meta = built
    objects = {d["contentUrl"]: d for d in meta["distribution"] if d["@type"] == "cr:FileObject"}
    parquet = sorted(p.relative_to(summary.out_dir).as_posix() for p in summary.out_dir.rglob("*.parquet"))
    assert sorted(objects) == parquet
    for rel, obj in objects.items():
        data = (summary.out_dir / rel).read_bytes()
        assert obj["sha256"] == hashlib.sha256(data).hexdigest()
        assert obj["contentSize"] == f"{len(data)} B"


def test_metadata_declares_croissant_and_rai_conformance_and_rai_fields(built):
    summary, meta = built
    assert meta["conformsTo"] == ["http://mlcommons.org/croissant/1.0", "http://mlcommons.org/croissant/RAI/1.0"]
    assert meta["version"] == summary.corpus_version == "0.3.0"
    for key in ("rai:dataCollection", "rai:dataAnnotationProtocol", "rai:dataLimitations", "rai:dataBiases"):
        assert meta[key]


def test_each_record_set_reads_the_built_rows(built, tmp_path):
    summary, _ = built

    def records(config: str) -> list[dict]:  # a fresh reader each time: mlcroissant's record iterators run once
        return list(mlc.Dataset(jsonld=summary.out_dir / croissant.FILENAME).records(config))

    for config in hf.CONFIGS:
        assert len(records(config)) == sum(summary.rows[config].values()), config
    ner = datasets.load_dataset(str(summary.out_dir), "ner", split="train", cache_dir=str(tmp_path))
    by_sentence = {row["sentence_id"]: row for row in ner}
    read = [r for r in records("ner") if r["ner/split"] == b"train"]
    assert len(read) == len(by_sentence)
    for record in read:
        row = by_sentence[record["ner/sentence_id"].decode()]
        assert [t.decode() for t in record["ner/tokens"]] == row["tokens"]
        assert list(record["ner/ner_tags"]) == row["ner_tags"]
        assert list(record["ner/token_starts"]) == row["token_starts"]
    stance = next(r for r in records("stance") if r["stance/stance_id"] == b"t-hf-001:st2")
    assert stance["stance/target"]["stance/target/text"].decode() == "جهود الحكومة"


def test_two_builds_write_the_same_croissant_json(built, tmp_path):
    summary, _ = built
    again = build(write_corpus(tmp_path, sample_records()), tmp_path / "out")
    assert (again.out_dir / croissant.FILENAME).read_bytes() == (summary.out_dir / croissant.FILENAME).read_bytes()
