"""Validation past one process: shards checked on a Dask LocalCluster and inside ``datasets.Dataset.map(num_proc=2)``
merge into exactly the single-process report (findings, order, counts)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

import aces
from aces.validate import collect_files
from aces.validate.shards import check_shard, merge_shards

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_corpus


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six shards of a synthetic corpus with corruptions and one document repeated across shards."""
    root = tmp_path_factory.mktemp("sharded")
    corpus = write_corpus(root, 90, seed=11, corrupt_rate=0.15, shards=6)
    lines = corpus.files[0].read_bytes().splitlines(keepends=True)
    valid = next(n for n in range(1, len(lines) + 1) if (str(corpus.files[0]), n) not in corpus.expected)
    with open(corpus.files[4], "ab") as handle:
        handle.write(lines[valid - 1])  # a duplicate id and text four shards later
    return collect_files([root])


def _dicts(report) -> list[dict]:
    return [f.to_dict() for f in report.findings]


def test_dask_local_cluster_gives_the_single_process_findings(sharded: list[Path]) -> None:
    distributed = pytest.importorskip("distributed")
    expected = aces.validate(sharded)
    assert {"duplicate-id", "duplicate-text"} <= set(expected.counts) and len(expected.counts) > 3
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        futures = client.map(check_shard, [str(f) for f in sharded])
        merged = merge_shards(client.gather(futures))
    assert _dicts(merged) == _dicts(expected)
    assert (merged.records, merged.files, merged.errors) == (expected.records, expected.files, expected.errors)


def test_datasets_map_with_two_processes_gives_the_single_process_findings(sharded: list[Path]) -> None:
    import datasets

    expected = aces.validate(sharded)
    shards = datasets.Dataset.from_dict({"path": [str(f) for f in sharded]})
    checked = shards.map(
        lambda row: {"result": pickle.dumps(check_shard(row["path"]))}, num_proc=2, load_from_cache_file=False
    )
    merged = merge_shards(pickle.loads(blob) for blob in checked["result"])
    assert _dicts(merged) == _dicts(expected)
