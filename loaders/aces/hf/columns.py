"""Rows of a config gathered for the build, one Arrow table per row group, equal to ``hf.to_arrow`` of ``hf.rows``.

The ``ner`` config holds a token string, two offsets and a tag per token (hundreds per document, tens of millions
per corpus): as row dicts of Python lists that was most of the build's time. ``NerColumns`` keeps each document's
tokens as arrays instead (offsets and tags from ``aces.offsets``, token texts cut from the UTF-8 bytes of the text)
and makes Arrow arrays from their buffers. The other configs are gathered without row dicts too: ``documents``
as JSON parsed by Arrow (``hf_documents``), ``events`` and ``stance`` as one list per leaf field (``hf_tasks``).
``RowColumns`` (``hf.rows`` + ``hf.to_arrow``) is the reference they are checked against (tests/test_hf_columns.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from aces.hf import rows as hf
from aces.offsets import TaggingError, run_indices, tag_records, utf8_offsets
from aces.record import Record
from aces.schema import labels

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


class Columns(Protocol):
    """Rows of one config waiting to be written; ``take`` hands out the oldest ones as a table."""

    pending: int

    def add(self, record: Record) -> None: ...

    def take(self, count: int) -> pa.Table: ...


def columns(config: str, version: str) -> Columns:
    """The accumulator the build uses for ``config``."""
    from aces.hf.documents import DocumentColumns
    from aces.hf.tasks import EventColumns, StanceColumns

    gatherers = {"documents": DocumentColumns, "ner": NerColumns, "events": EventColumns, "stance": StanceColumns}
    if config not in gatherers:
        raise KeyError(f"unknown config {config!r}; configs are {', '.join(hf.CONFIGS)}")
    return gatherers[config](version)


class RowColumns:
    """Row dicts from ``hf.rows``, converted by ``hf.to_arrow``: the reference the build's gatherers are checked
    against (and a way to build any config without them)."""

    def __init__(self, config: str, version: str) -> None:
        self.config, self.version = config, version
        self.rows: list[dict] = []
        self.pending = 0

    def add(self, record: Record) -> None:
        self.rows.extend(hf.rows(self.config, record))
        self.pending = len(self.rows)

    def take(self, count: int) -> pa.Table:
        table = hf.to_arrow(self.config, self.version, self.rows[:count])
        del self.rows[:count]
        self.pending = len(self.rows)
        return table


class NerColumns:
    """The ``ner`` rows of ``hf.ner_rows`` as flat arrays: per row its ids and token count, per token its
    offsets, tag and UTF-8 size, and the tokens' bytes back to back.

    Records wait until a row group is taken, then are tokenized and tagged together (``tag_records``): array
    steps cost the same for a hundred records as for one.
    """

    _INTS = ("counts", "starts", "ends", "tags", "sizes")

    def __init__(self, version: str) -> None:
        self.version = version
        self.tag_ids = {name: i for i, name in enumerate(labels(version).bio_labels)}
        self.waiting: list[Record] = []
        self.texts: dict[str, list[str | None]] = {
            "doc_id": [],
            "sentence_id": [],
            "segment_id": [],
            "segment_type": [],
        }
        self.parts: dict[str, list[np.ndarray]] = {name: [] for name in (*self._INTS, "data")}
        self.pending = 0

    def add(self, record: Record) -> None:
        units = hf.ner_units(record)
        self.waiting.append((record, units))
        if not units:  # no rows, but a record that cannot be tagged still stops the build
            self._tag()
        self.pending += len(units)

    def _tag(self) -> None:
        """Tokens and tags of the waiting records, cut into their rows (``hf.ner_units``)."""
        import numpy as np

        waiting, self.waiting = self.waiting, []
        records = [record for record, _ in waiting]
        try:
            tokens = tag_records(records, self.tag_ids)
        except TaggingError as err:
            raise hf.ConversionError(
                f"{records[err.index].id}: cannot tag tokens ({err}); run `aces validate`"
            ) from err
        units = [units for _, units in waiting]
        owner = np.repeat(np.arange(len(records)), [len(u) for u in units])
        if not len(owner):
            return
        lengths = np.array([len(r.text) for r in records], np.int64)[owner]
        unit_starts = np.array([u.start for per in units for u in per], np.int64)
        unit_stops = np.array([u.stop for per in units for u in per], np.int64)
        base = tokens.bases[owner]
        # A row's tokens (those starting in [start, stop)) are one contiguous run (tokens are sorted and do not
        # overlap): two searches. Its edges are kept inside its own text first, so a wrong offset cannot reach
        # into the next record's.
        lo = np.searchsorted(tokens.starts, np.clip(unit_starts, 0, lengths) + base, side="left")
        hi = np.searchsorted(tokens.starts, np.clip(unit_stops, 0, lengths) + base, side="left")
        counts = np.maximum(hi - lo, 0)
        picked = run_indices(lo, counts)
        starts, ends = tokens.starts[picked], tokens.ends[picked]
        data, edges = utf8_offsets(tokens.text, np.concatenate([starts, ends]))
        token_bytes, sizes = _pieces(data, edges[: len(starts)], edges[len(starts) :])
        shift = np.repeat(base, counts)
        for name, values in zip(
            self._INTS, (counts, starts - shift, ends - shift, tokens.tags[picked], sizes), strict=True
        ):
            self.parts[name].append(values)
        self.parts["data"].append(token_bytes)
        for record, per in zip(records, units, strict=True):
            self.texts["doc_id"].extend([record.id] * len(per))
            self.texts["sentence_id"].extend(u.sentence_id for u in per)
            self.texts["segment_id"].extend(u.segment_id for u in per)
            self.texts["segment_type"].extend(u.segment_type for u in per)

    def take(self, count: int) -> pa.Table:
        import numpy as np
        import pyarrow as pa

        if self.waiting:
            self._tag()
        flat = {name: np.concatenate(parts) if len(parts) != 1 else parts[0] for name, parts in self.parts.items()}
        counts = flat["counts"]
        tokens = int(counts[:count].sum())
        nbytes = int(flat["sizes"][:tokens].sum())
        list_offsets = pa.array(_offsets(counts[:count]))
        string_offsets = pa.py_buffer(_offsets(flat["sizes"][:tokens]))
        texts = pa.StringArray.from_buffers(tokens, string_offsets, pa.py_buffer(flat["data"][:nbytes].copy()))
        schema = hf.arrow_schema("ner", self.version)
        arrays = [
            *(
                pa.array(self.texts[name][:count], pa.string())
                for name in ("doc_id", "sentence_id", "segment_id", "segment_type")
            ),
            pa.ListArray.from_arrays(list_offsets, texts),
            pa.ListArray.from_arrays(list_offsets, pa.array(flat["starts"][:tokens].astype(np.int32))),
            pa.ListArray.from_arrays(list_offsets, pa.array(flat["ends"][:tokens].astype(np.int32))),
            pa.ListArray.from_arrays(list_offsets, pa.array(flat["tags"][:tokens].astype(np.int64))),
        ]
        cut = {"counts": count, "data": nbytes}
        self.parts = {name: [values[cut.get(name, tokens) :]] for name, values in flat.items()}
        for values in self.texts.values():
            del values[:count]
        self.pending -= count
        return pa.Table.from_arrays(arrays, schema=schema)


def _pieces(data: bytes, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes ``data[starts[k]:ends[k]]`` back to back, and their sizes.

    Tokens in text order (segments that do not overlap) are every other piece of ``data`` cut at all their
    edges: Arrow's ``take`` of those pieces copies the bytes in one pass. Otherwise the byte indices are built.
    """
    import numpy as np
    import pyarrow as pa

    sizes = ends - starts
    edges = np.empty(2 * len(starts) + 2, np.int64)
    edges[0], edges[-1] = 0, len(data)
    edges[1:-1:2], edges[2:-1:2] = starts, ends
    if len(data) < 2**31 and bool((edges[1:] >= edges[:-1]).all()):
        pieces = pa.StringArray.from_buffers(len(edges) - 1, pa.py_buffer(edges.astype(np.int32)), pa.py_buffer(data))
        tokens = pieces.take(pa.array(np.arange(1, len(edges) - 1, 2)))
        return np.frombuffer(tokens.buffers()[2] or b"", np.uint8)[: int(sizes.sum())], sizes
    return np.frombuffer(data, np.uint8)[run_indices(starts, sizes)], sizes


def _offsets(lengths: np.ndarray) -> np.ndarray:
    """Arrow int32 offsets for items of these lengths (``0`` then the running total)."""
    import numpy as np

    out = np.zeros(len(lengths) + 1, np.int32)
    np.cumsum(lengths, out=out[1:])
    return out
