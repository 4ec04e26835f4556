"""The ``documents`` config's rows for the build, parsed by Arrow's JSON reader instead of built from dicts.

A ``documents`` row is the record itself (``hf.document_row`` is ``to_dict``), nested five levels deep. Turning
a record into dicts and the dicts into Arrow cost twice what msgspec's encoding of the record plus Arrow's
parse of that JSON against the config's schema cost: the same table (tests/test_hf_columns.py checks it).
Encoding the decoded record again, rather than reusing the input line, gives what ``to_dict`` gives: defaults
filled in (a record without ``entities`` has ``[]``), unknown keys dropped, unset fields absent (null). The
``text`` column, half the bytes, skips JSON: it is encoded with an empty text and the column made from the
strings directly (escaping and parsing it back cost more).

One difference is mended after the parse: under a null struct (``provenance.source_file`` of a record without
one, schema 1.2.0) Arrow's JSON reader makes every field null, where the builders behind ``hf.to_arrow`` append
empty values (``""``, ``0``). The tables are equal either way, but the null fields carry validity bitmaps, so
their ``nbytes``, which the card declares, would differ (``_empty_under_null_structs``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from aces.hf import rows as hf
from aces.record import Record

if TYPE_CHECKING:
    import pyarrow as pa

_encoder = msgspec.json.Encoder()


class DocumentColumns:
    """Records waiting as JSON lines; ``take`` parses the oldest ``count`` into one table."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.lines: list[bytes] = []
        self.texts: list[str] = []
        self.ids: list[str] = []
        self.pending = 0

    def add(self, record: Record) -> None:
        self.lines.append(_encoder.encode(msgspec.structs.replace(record, text="")))
        self.texts.append(record.text)
        self.ids.append(record.id)
        self.pending += 1

    def take(self, count: int) -> pa.Table:
        import pyarrow as pa

        schema = hf.arrow_schema("documents", self.version)
        try:
            table = _parse(self.lines[:count], schema)
        except pa.ArrowInvalid:  # a value Arrow cannot hold (an offset past int32): name the record
            for line, doc_id in zip(self.lines[:count], self.ids, strict=False):
                try:
                    _parse([line], schema)
                except pa.ArrowInvalid as err:
                    message = f"{doc_id}: cannot be a documents row ({err}); run `aces validate`"
                    raise hf.ConversionError(message) from None
            raise
        columns = [_empty_under_null_structs(column) for column in table.columns]
        columns[schema.get_field_index("text")] = pa.chunked_array([pa.array(self.texts[:count], pa.string())])
        del self.lines[:count], self.texts[:count], self.ids[:count]
        self.pending -= count
        return pa.Table.from_arrays(columns, schema=schema)  # with the schema's HF metadata


def _parse(lines: list[bytes], schema: pa.Schema) -> pa.Table:
    """One table of ``lines``, on this thread only (the build runs on one core), in a single block."""
    import pyarrow as pa
    import pyarrow.json as pj

    data = b"\n".join(lines) + b"\n"
    read = pj.ReadOptions(use_threads=False, block_size=min(len(data) + 1, 2**31 - 1))
    parse = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    return pj.read_json(pa.BufferReader(data), read_options=read, parse_options=parse)


def _empty_under_null_structs(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column`` with the fields of its null struct values empty instead of null, as ``pa.Table.from_pydict``
    builds them (see the module docstring). Walks struct fields only: no nullable struct lies inside a list in
    ``aces.record`` (tests/test_hf_columns.py compares the bytes with ``hf.to_arrow``, so one added there shows)."""
    import pyarrow as pa

    parsed = column.chunks
    chunks = [_mend(chunk) for chunk in parsed]
    if all(new is old for new, old in zip(chunks, parsed, strict=True)):
        return column
    return pa.chunked_array(chunks, column.type)


def _mend(array: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_struct(array.type):
        return array
    fields = [array.type.field(i) for i in range(array.type.num_fields)]
    parsed = [array.field(i) for i in range(len(fields))]
    children = [_mend(child) for child in parsed]
    if array.null_count:
        valid = array.is_valid()
        children = [_emptied(child, valid) for child in children]
    if all(new is old for new, old in zip(children, parsed, strict=True)):
        return array
    mask = pc.invert(array.is_valid()) if array.null_count else None
    return pa.StructArray.from_arrays(children, fields=fields, mask=mask)


def _emptied(child: pa.Array, valid: pa.Array) -> pa.Array:
    """``child`` with an empty value (a builder's: ``""``, ``0``, an empty struct) where ``valid`` is false, and no
    validity bitmap left when that leaves no null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = child.type
    if pa.types.is_struct(kind):
        fields = [kind.field(i) for i in range(kind.num_fields)]
        inner = [_emptied(child.field(i), valid) for i in range(len(fields))]
        keep = pc.or_(pc.invert(valid), child.is_valid())  # empty under a null parent; else null stays null
        mask = None if pc.all(keep).as_py() else pc.invert(keep)
        return pa.StructArray.from_arrays(inner, fields=fields, mask=mask)
    if not (pa.types.is_string(kind) or pa.types.is_integer(kind)):
        return child  # no such field under a nullable struct today; the nbytes test would show one
    empty = pa.scalar("" if pa.types.is_string(kind) else 0, kind)
    filled = pc.if_else(valid, child, empty)
    if filled.null_count == 0 and filled.buffers()[0] is not None:
        filled = pa.Array.from_buffers(kind, len(filled), [None, *filled.buffers()[1:]], null_count=0)
    return filled
