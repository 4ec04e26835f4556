"""The ``num_bytes`` a dataset card declares, computed the way ``datasets`` computes them when it prepares a split.

``datasets-cli test --save_info`` (and every ``load_dataset``) reads each parquet file in batches of its first row
group, casts each batch to the features and adds up ``Table.nbytes``; a table read back from parquet carries
validity bitmaps that the in-memory tables of the build lack, so counting what was written declares fewer bytes
than ``datasets`` finds. Reading the files back as ``datasets`` does makes the card's sizes the ones it would write.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datasets


def num_bytes(path: Path, features: datasets.Features) -> int:
    """``SplitInfo.num_bytes`` of one parquet file as ``datasets``' parquet builder and ``ArrowWriter`` count it."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    from datasets.table import table_cast

    schema = features.arrow_schema
    total = 0
    with open(path, "rb") as handle:  # as the builder opens it
        fragment = ds.ParquetFileFormat().make_fragment(handle)
        if not fragment.row_groups:
            return 0
        batch_size = fragment.row_groups[0].num_rows
        for batch in fragment.to_batches(batch_size=batch_size, batch_readahead=0, fragment_readahead=0):
            table = table_cast(pa.Table.from_batches([batch]), schema)  # the builder's cast to the features
            total += table_cast(table.combine_chunks(), schema).nbytes  # the writer's: what it adds to num_bytes
    return total
