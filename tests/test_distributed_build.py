"""The build past one process: JSONL shards built on a Dask LocalCluster (and inside ``datasets.Dataset.map``)
assemble into a folder that ``datasets.load_dataset`` reads, holding exactly the rows of the single-process build."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from aces.hf import rows as hf
from aces.hf.build import BuildError, build
from aces.hf.build_shards import assemble, build_shard, build_sharded
from aces.hf.croissant import FILENAME, check
from aces.hf.dataset import load_arrow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three JSONL shards of a synthetic corpus (every split has documents in several shards)."""
    root = tmp_path_factory.mktemp("shards") / "corpus"
    write_corpus(root, 48, seed=5, shards=3)
    return root


@pytest.fixture(scope="module")
def single(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "hf"
    build(corpus, out)
    return out


def _shards(corpus: Path) -> list[str]:
    return [str(p) for p in sorted((corpus / "gold").glob("*.jsonl"))]


def _rows(folder: Path, cache: Path) -> dict[tuple[str, str], list[str]]:
    """Every row of every declared config and split, loaded by ``datasets`` from the folder's card, as sorted JSON."""
    import datasets

    datasets.disable_progress_bars()
    out = {}
    for config in hf.CONFIGS:
        try:
            loaded = datasets.load_dataset(str(folder), config, cache_dir=str(cache))
        except ValueError:  # a config with no rows is not declared (see BuildSummary.declared)
            continue
        for split, part in loaded.items():
            out[config, split] = sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in part)
    return out


def _assert_same_dataset(sharded: Path, single: Path, tmp_path: Path) -> None:
    expected = _rows(single, tmp_path / "cache-single")
    assert {c for c, _ in expected} == set(hf.CONFIGS) and sum(map(len, expected.values())) > 48
    assert _rows(sharded, tmp_path / "cache-sharded") == expected
    marker, single_marker = (json.loads((d / "aces_build.json").read_text()) for d in (sharded, single))
    assert (marker["rows"], marker["inputs_sha256"]) == (single_marker["rows"], single_marker["inputs_sha256"])
    for config in hf.CONFIGS:  # aces.load_arrow reads the parts straight from parquet, as it reads the one file
        got, want = (sorted(map(repr, load_arrow(config, data_dir=d).to_pylist())) for d in (sharded, single))
        assert got == want


def test_dask_local_cluster_builds_the_single_process_dataset(corpus: Path, single: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    shards = _shards(corpus)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        futures = client.map(build_shard, shards, [str(tmp_path / "parts" / str(i)) for i in range(len(shards))])
        parts = client.gather(futures)
    summary = assemble(parts, tmp_path / "hf", corpus)
    # each split of the documents config is one parquet part per shard, named as the Hub names shards
    assert summary.data_files["documents"]["train"] == tuple(
        f"documents/train-0000{i}-of-00003.parquet" for i in range(3)
    )
    _assert_same_dataset(tmp_path / "hf", single, tmp_path)
    croissant = json.loads((tmp_path / "hf" / FILENAME).read_text())
    listed = {d["contentUrl"] for d in croissant["distribution"] if d["@type"] == "cr:FileObject"}
    assert listed == {p.relative_to(tmp_path / "hf").as_posix() for p in (tmp_path / "hf").rglob("*.parquet")}
    check(tmp_path / "hf" / FILENAME)  # mlcroissant accepts it (raises on an invalid file)


def test_datasets_map_with_two_processes_builds_the_same_dataset(corpus: Path, single: Path, tmp_path: Path) -> None:
    import datasets

    shards = datasets.Dataset.from_dict(
        {"path": _shards(corpus), "part_dir": [str(tmp_path / "parts" / str(i)) for i in range(3)]}
    )
    built = shards.map(
        lambda row: {"result": pickle.dumps(build_shard(row["path"], row["part_dir"]))},
        num_proc=2,
        load_from_cache_file=False,
    )
    assemble([pickle.loads(blob) for blob in built["result"]], tmp_path / "hf", corpus)
    _assert_same_dataset(tmp_path / "hf", single, tmp_path)


def test_build_sharded_with_plain_map_builds_the_same_dataset(corpus: Path, single: Path, tmp_path: Path) -> None:
    summary = build_sharded(corpus, tmp_path / "hf")
    assert summary.rows == build_summary_rows(single)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]  # scratch parts and staging are gone
    _assert_same_dataset(tmp_path / "hf", single, tmp_path)


def build_summary_rows(folder: Path) -> dict:
    return json.loads((folder / "aces_build.json").read_text())["rows"]


def test_a_document_in_two_shards_is_refused_with_both_files(corpus: Path, tmp_path: Path) -> None:
    first, second, _ = _shards(corpus)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(Path(second).read_bytes() + Path(first).read_bytes().splitlines(keepends=True)[0])
    parts = [build_shard(first, tmp_path / "a"), build_shard(copy, tmp_path / "b")]
    kept = _files(tmp_path / "a") | _files(tmp_path / "b")
    with pytest.raises(BuildError, match=f"in {first} and in {copy}"):
        assemble(parts, tmp_path / "hf", corpus)
    assert not (tmp_path / "hf").exists()
    assert _files(tmp_path / "a") | _files(tmp_path / "b") == kept  # every part is still there


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _previous_build_and_parts(corpus: Path, tmp_path: Path) -> tuple[Path, list, dict, dict]:
    """A built folder at ``tmp_path/hf`` and the three shards built into parts: both snapshotted."""
    out = tmp_path / "hf"
    build(corpus, out)
    parts = [build_shard(shard, tmp_path / "parts" / str(i)) for i, shard in enumerate(_shards(corpus))]
    return out, parts, _files(out), _files(tmp_path / "parts")


def test_an_assemble_failing_midway_leaves_the_previous_folder_and_every_part(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aces.hf.croissant

    out, parts, previous, before = _previous_build_and_parts(corpus, tmp_path)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(aces.hf.croissant, "write_croissant", broken)  # fails after every part is linked in place
    with pytest.raises(OSError, match="disk full"):
        assemble(parts, out, corpus)
    assert _files(out) == previous and _files(tmp_path / "parts") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]  # the staging folder is gone
    monkeypatch.undo()
    summary = assemble(parts, out, corpus)  # the same parts assemble once the cause is fixed
    assert json.loads((out / "aces_build.json").read_text())["shards"] == 3 and summary.out_dir == out
    assert not list((tmp_path / "parts").iterdir())  # and are deleted once the new folder is in place


def test_a_failed_rename_into_place_puts_the_previous_folder_back(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aces import atomic

    out, parts, previous, before = _previous_build_and_parts(corpus, tmp_path)
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)  # the two-rename path (no renameat2)
    rename = Path.replace

    def refuse_new_folder(self: Path, target):
        if self.name.startswith(".hf.assembling-"):
            raise OSError("rename refused")
        return rename(self, target)

    monkeypatch.setattr(Path, "replace", refuse_new_folder)
    with pytest.raises(OSError, match="rename refused"):
        assemble(parts, out, corpus)
    assert _files(out) == previous and _files(tmp_path / "parts") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]  # neither staging nor the set-aside folder


def test_one_shard_writes_the_parquet_bytes_of_the_single_process_build(tmp_path: Path, monkeypatch) -> None:
    """Both builds write through one writer: same columns, compression and row groups (sized small here, so a file
    has several groups), hence the same bytes when the whole corpus is one shard."""
    from aces.hf import build as build_module

    monkeypatch.setattr(build_module, "ROW_GROUP_BYTES", 100_000)
    monkeypatch.setattr(build_module, "ROW_GROUP_ROWS", {"documents": 4, "ner": 16, "events": 8, "stance": 8})
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40, seed=11)
    single, sharded = build(corpus, tmp_path / "single"), build_sharded(corpus, tmp_path / "sharded")
    names = [f for f in single.files if f.endswith(".parquet")]
    assert names == [f for f in sharded.files if f.endswith(".parquet")] and names
    assert max(pq.ParquetFile(tmp_path / "single" / f).metadata.num_row_groups for f in names) > 1
    for name in names:
        assert (tmp_path / "sharded" / name).read_bytes() == (tmp_path / "single" / name).read_bytes(), name
        assert pq.read_table(tmp_path / "sharded" / name).equals(pq.read_table(tmp_path / "single" / name))
