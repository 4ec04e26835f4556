"""Row groups sized by bytes: every group but a split's last reaches ``ROW_GROUP_BYTES``, and the layout never
changes what a parquet file holds."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from aces.hf import build as build_module
from aces.hf.build import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("row-groups") / "corpus"
    write_corpus(root, 60, seed=7)
    return root


def test_small_row_groups_hold_the_rows_of_one_large_group(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(corpus, tmp_path / "large")
    bound = 200_000
    monkeypatch.setattr(build_module, "ROW_GROUP_BYTES", bound)
    monkeypatch.setattr(build_module, "ROW_GROUP_ROWS", {"documents": 4, "ner": 16, "events": 8, "stance": 8})
    build(corpus, tmp_path / "small")
    files = sorted(p.relative_to(tmp_path / "large") for p in (tmp_path / "large").rglob("*.parquet"))
    assert files == sorted(p.relative_to(tmp_path / "small") for p in (tmp_path / "small").rglob("*.parquet"))
    split_many = 0
    for name in files:
        large, small = pq.ParquetFile(tmp_path / "large" / name), pq.ParquetFile(tmp_path / "small" / name)
        assert large.metadata.num_row_groups == 1  # 60 documents are far below 32 MB a group
        assert small.read().equals(large.read(), check_metadata=True)
        groups = [small.read_row_group(i) for i in range(small.metadata.num_row_groups)]
        assert all(group.nbytes >= bound for group in groups[:-1]), name
        split_many += len(groups) > 1
    assert split_many  # the small bound did cut some files into several groups


def test_a_build_is_byte_for_byte_reproducible_with_byte_sized_row_groups(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "ROW_GROUP_BYTES", 100_000)
    first, second = build(corpus, tmp_path / "a"), build(corpus, tmp_path / "b")
    assert first.files == second.files
    for name in first.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
