"""ClassLabel ids as their names for analysis: Arrow dictionary arrays (pandas categoricals), nested ones too.

A parquet file stores a ``ClassLabel`` column as integers, the way ``datasets`` wants it; someone reading the table
with pyarrow or pandas wants ``"Life.Die"``, not ``1``, without losing the closed inventory. A dictionary array
keeps both: the ids are its indices and the label names (all of them, in ``labels.json`` order) its dictionary, so
pandas makes it a ``Categorical`` whose categories are every label, used or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa


def with_label_names(table: pa.Table, features: datasets.Features) -> pa.Table:
    """``table`` with every ClassLabel column (top-level, in lists, in structs) dictionary-encoded by its names."""
    import pyarrow as pa

    arrays, fields = [], []
    for field in table.schema:
        column = table.column(field.name)
        if field.name in features and _has_label(features[field.name]):
            array = _named(column.combine_chunks(), features[field.name])
            arrays.append(array)
            fields.append(pa.field(field.name, array.type, field.nullable))
        else:
            arrays.append(column)
            fields.append(field)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _has_label(feature: Any) -> bool:
    from datasets import ClassLabel, List

    if isinstance(feature, ClassLabel):
        return True
    if isinstance(feature, List):
        return _has_label(feature.feature)
    return isinstance(feature, dict) and any(_has_label(sub) for sub in feature.values())


def _named(array: pa.Array, feature: Any) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc
    from datasets import ClassLabel, List

    if not _has_label(feature):
        return array
    if isinstance(feature, ClassLabel):
        return pa.DictionaryArray.from_arrays(array, pa.array(feature.names, pa.string()))
    mask = array.is_null() if array.null_count else None
    if isinstance(feature, List):
        values = array.values[array.offsets[0].as_py() : array.offsets[-1].as_py()] if len(array) else array.values
        offsets = pc.subtract(array.offsets, array.offsets[0]) if len(array) else array.offsets
        return pa.ListArray.from_arrays(offsets, _named(values, feature.feature), mask=mask)
    children = array.flatten()  # the children of this slice of the struct
    named = [_named(child, feature[field.name]) for child, field in zip(children, array.type, strict=True)]
    return pa.StructArray.from_arrays(named, names=[field.name for field in array.type], mask=mask)
