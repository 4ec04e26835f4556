"""The build's parquet writer settings (per-column zstd levels, dictionary-encoded contexts, delta-encoded token
offsets) change how columns are stored, never what a file holds: every file reads back as the rows ``hf.rows``
makes of its records."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from aces.hf import rows as hf
from aces.hf.build import COLUMN_ENCODING, REPEATED_TEXT, build, leaf_paths, writer_options
from aces.record import read_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("writer")
    write_corpus(root / "corpus", 40, seed=11)
    build(root / "corpus", root / "out")
    return root / "corpus", root / "out"


def test_every_file_reads_back_as_the_reference_rows_of_its_records(built: tuple[Path, Path]) -> None:
    corpus, out = built
    records = sorted((r for p in sorted((corpus / "gold").glob("*.jsonl")) for r in read_jsonl(p)), key=lambda r: r.id)
    version = records[0].schema_version
    compared = 0
    for config in hf.CONFIGS:
        for path in sorted((out / config).glob("*.parquet")):
            split = path.name.split("-")[0]
            rows = [row for r in records if r.split == split for row in hf.rows(config, r)]
            table, expected = pq.read_table(path), hf.to_arrow(config, version, rows)
            assert table.equals(expected), path  # (parquet names a list's item "element": not compared)
            assert table.schema.metadata == expected.schema.metadata  # the features datasets reads
            compared += 1
    assert compared >= len(hf.CONFIGS)


def test_per_column_settings_name_real_columns_and_contexts_are_stored_once_per_row_group(
    built: tuple[Path, Path],
) -> None:
    _, out = built
    repeated = 0
    for config in hf.CONFIGS:
        for path in sorted((out / config).glob("*.parquet")):
            handle = pq.ParquetFile(path)
            meta, schema = handle.metadata, handle.schema_arrow
            written = [meta.schema.column(i).path for i in range(meta.num_columns)]
            # pyarrow ignores a setting for a column path it does not know: ours must be the file's own
            assert leaf_paths(schema) == written, path
            assert list(writer_options(config, schema)["compression_level"]) == written
            for group in range(meta.num_row_groups):
                chunks = {
                    meta.row_group(group).column(i).path_in_schema: meta.row_group(group).column(i)
                    for i in range(meta.num_columns)
                }
                for (owner, column), encoding in COLUMN_ENCODING.items():
                    if owner == config:
                        assert encoding in chunks[column].encodings, (path, column)
                for column in REPEATED_TEXT.get(config, ()):
                    values = handle.read_row_group(group, columns=[column]).column(0).to_pylist()
                    distinct = sum(len(v.encode()) + 4 for v in set(values))
                    repeated += len(set(values)) < len(values)
                    assert chunks[column].has_dictionary_page, (path, column)
                    # every distinct context once in the dictionary, then an index per row: no plain fallback (the
                    # data page header also holds the page's min and max value: its statistics)
                    stats = 2 * max(len(v.encode()) for v in values)
                    assert chunks[column].total_uncompressed_size <= distinct + 4 * len(values) + stats + 4096, path
    assert repeated  # the synthetic corpus repeats contexts: the bound above was tested
