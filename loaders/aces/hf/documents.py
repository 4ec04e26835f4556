"""The ``documents`` config's rows for the build, parsed by Arrow's JSON reader instead of built from dicts.

A ``documents`` row is the record itself (``hf.document_row`` is ``to_dict``), nested five levels deep. Turning
a record into dicts and the dicts into Arrow cost twice what msgspec's encoding of the record plus Arrow's
parse of that JSON against the config's schema cost: the same table (tests/test_hf_columns.py checks it).
Encoding the decoded record again, rather than reusing the input line, gives what ``to_dict`` gives: defaults
filled in (a record without ``entities`` has ``[]``), unknown keys dropped, unset fields absent (null). The
``text`` column, half the bytes, skips JSON: it is encoded with an empty text and the column made from the
strings directly (escaping and parsing it back cost more).
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
        columns = table.columns
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
