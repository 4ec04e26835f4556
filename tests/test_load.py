"""`aces.load` and friends: datasets objects, streaming, Arrow/pandas, typed records, and when the folder is rebuilt."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib

import datasets
import msgspec
import pandas as pd
import pyarrow as pa
import pytest

import aces
import aces.hf.build
from aces.hf import rows as hf
from aces.hf.build import MARKER, build, is_current
from aces.paths import repo_root
from aces.record import read_jsonl
from aces.schema import CURRENT_VERSION, labels
from hf_samples import renamed, sample_records, write_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("load")
    corpus = write_corpus(root, sample_records())
    return corpus, build(corpus, root / "out")


def test_load_gives_a_dataset_dict_or_one_split(built, tmp_path):
    _, summary = built
    whole = aces.load("ner", data_dir=summary.out_dir, cache_dir=tmp_path)
    assert isinstance(whole, datasets.DatasetDict) and list(whole) == ["train", "validation", "test"]
    one = aces.load("ner", "validation", data_dir=summary.out_dir, cache_dir=tmp_path)
    assert isinstance(one, datasets.Dataset) and one.num_rows == summary.rows["ner"]["validation"]
    assert one.features == hf.features("ner", CURRENT_VERSION)


def test_streaming_reads_the_same_rows_lazily(built, tmp_path):
    _, summary = built
    for config in hf.CONFIGS:
        stream = aces.load(config, "train", streaming=True, data_dir=summary.out_dir)
        assert isinstance(stream, datasets.IterableDataset)
        eager = aces.load(config, "train", data_dir=summary.out_dir, cache_dir=tmp_path)
        assert list(stream) == list(eager)


def test_unknown_config_or_split_is_a_clear_error(built):
    _, summary = built
    with pytest.raises(ValueError, match="configs are documents, ner, events, stance"):
        aces.load("coref", data_dir=summary.out_dir)
    with pytest.raises(ValueError, match="split 'dev' has no documents"):
        aces.load("ner", "dev", data_dir=summary.out_dir)


def test_configs_without_rows_load_empty_with_their_features(tmp_path):
    record = msgspec.structs.replace(sample_records()[0], events=(), stances=())
    summary = build(write_corpus(tmp_path, [record]), tmp_path / "out")
    for config in ("events", "stance"):
        empty = aces.load(config, data_dir=summary.out_dir, cache_dir=tmp_path / "cache")
        assert list(empty) == ["train"] and empty["train"].num_rows == 0
        assert empty["train"].features == hf.features(config, CURRENT_VERSION)
        assert list(aces.load(config, "train", streaming=True, data_dir=summary.out_dir)) == []
        assert aces.load_arrow(config, data_dir=summary.out_dir).num_rows == 0


def test_arrow_and_pandas_views_for_analysis(built):
    _, summary = built
    table = aces.load_arrow("events", data_dir=summary.out_dir)
    assert table.num_rows == sum(summary.rows["events"].values())
    assert set(table.column("split").to_pylist()) == {"train", "validation", "test"}
    frame = aces.load_pandas("events", data_dir=summary.out_dir)
    assert set(frame["event_type"]) == {"Life.Die", "Contact.Statement"}
    assert set(frame["epistemic_status"]) <= set(labels().epistemic_statuses)
    tags = aces.load_pandas("ner", "train", data_dir=summary.out_dir)["ner_tags"]
    assert all(tag in labels().bio_labels for row in tags for tag in row)
    raw = aces.load_pandas("stance", data_dir=summary.out_dir, labels=False)
    assert set(raw["polarity"]) <= {0, 1, 2}


def test_arrow_and_pandas_keep_label_names_and_the_whole_inventory(built):
    _, summary = built
    table = aces.load_arrow("events", "train", data_dir=summary.out_dir)
    event_type = table.schema.field("event_type").type
    assert pa.types.is_dictionary(event_type) and table.column("event_type").chunk(0).dictionary.to_pylist() == list(
        labels().event_types
    )
    args = table.column("arguments").combine_chunks().flatten()
    assert set(args.field("role").to_pylist()) <= set(labels().role_names) and "Agent" in args.field("role").to_pylist()
    assert set(args.field("entity_type").to_pylist()) <= {*labels().entity_types, None}
    frame = aces.load_pandas("events", data_dir=summary.out_dir)
    assert isinstance(frame["event_type"].dtype, pd.CategoricalDtype)
    assert list(frame["event_type"].cat.categories) == list(labels().event_types)  # unused labels too
    assert list(frame["split"].cat.categories) == ["train", "validation", "test"]
    tags = aces.load_pandas("ner", "train", data_dir=summary.out_dir)["ner_tags"]
    assert {tag for row in tags for tag in row} <= set(labels().bio_labels)


def test_arrow_columns_are_the_hugging_face_columns(built, tmp_path):
    _, summary = built
    for config in hf.CONFIGS:
        loaded = aces.load(config, "train", data_dir=summary.out_dir, cache_dir=tmp_path / "cache")
        assert aces.load_arrow(config, "train", data_dir=summary.out_dir).column_names == loaded.column_names
        assert aces.load_arrow(config, "train", data_dir=summary.out_dir, labels=False).to_pylist() == loaded.to_list()


def test_version_is_the_distributions(built):
    project = tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert aces.__version__ == project["version"]


def test_read_corpus_and_records_give_typed_records(built):
    corpus, summary = built
    expected = list(read_jsonl(corpus / "gold" / "sample.jsonl"))
    assert list(aces.read_corpus(corpus)) == expected
    from aces.hf.dataset import records

    assert sorted(records(data_dir=summary.out_dir), key=lambda r: r.id) == sorted(expected, key=lambda r: r.id)


def test_the_default_folder_is_built_when_missing_and_rebuilt_only_when_inputs_change(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path, sample_records()[:1])
    folder = tmp_path / "build" / "hf"
    monkeypatch.setattr(aces.hf.build, "default_out_dir", lambda corpus=None: folder)
    first = aces.load("documents", "train", corpus=corpus, cache_dir=tmp_path / "c1")
    assert first.num_rows == 1 and (folder / MARKER).is_file()
    stamp = (folder / MARKER).stat().st_mtime_ns
    (corpus / "gold" / "sample.jsonl").touch()  # same content: not stale
    aces.load("documents", "train", corpus=corpus, cache_dir=tmp_path / "c1")
    assert (folder / MARKER).stat().st_mtime_ns == stamp
    more = renamed(sample_records()[0], "t-hf-004", "train")
    with open(corpus / "gold" / "sample.jsonl", "a", encoding="utf-8") as handle:
        handle.write(msgspec.json.encode(more).decode() + "\n")
    assert not is_current(folder, corpus)
    again = aces.load("documents", "train", corpus=corpus, cache_dir=tmp_path / "c2")
    assert again.num_rows == 2 and is_current(folder, corpus)


def test_an_explicit_folder_is_not_rebuilt_unless_asked(built, tmp_path):
    _, summary = built
    other = write_corpus(tmp_path, [renamed(r, r.id + "x", "train") for r in sample_records()])  # 3 train docs
    loaded = aces.load("documents", data_dir=summary.out_dir, corpus=other, cache_dir=tmp_path)
    assert {split: part.num_rows for split, part in loaded.items()} == {"train": 1, "validation": 1, "test": 1}
    with pytest.raises(FileNotFoundError, match="aces build --out"):
        aces.load("documents", data_dir=tmp_path / "absent", rebuild=False)


def test_importing_aces_does_not_import_datasets_or_spacy():
    code = "import sys, aces; print(sorted(m for m in ('datasets', 'spacy', 'pyarrow') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_load_back_checks_every_config_against_what_the_build_wrote(built, tmp_path):
    from aces.hf.dataset import load_back

    _, summary = built
    assert load_back(summary.out_dir, cache_dir=tmp_path) == summary.rows
    copy = tmp_path / "copy"
    shutil.copytree(summary.out_dir, copy)
    marker = json.loads((copy / MARKER).read_text(encoding="utf-8"))
    marker["rows"]["ner"]["test"] += 1
    (copy / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    with pytest.raises(ValueError, match="ner/test loads 3 rows, the build wrote 4"):
        load_back(copy, cache_dir=tmp_path)
