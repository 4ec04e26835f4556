"""The ``events`` and ``stance`` configs' rows for the build, gathered column by column.

``hf.event_rows`` and ``hf.stance_rows`` make a dict per row and per resolved reference, which ``hf.to_arrow``
then takes apart again. Here every leaf field of a config (``trigger.start``, ``arguments.role``, ...) is a
Python list appended to as the record is read, and ``take`` makes each list one Arrow array and puts the
structs and lists together from them. Rows, their order, resolution and error messages are those of ``hf``
(tests/test_hf_columns.py checks the tables are equal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from aces.hf import rows as hf
from aces.record import AuthorHolder, PropositionTarget, Record, Span
from aces.schema import labels

if TYPE_CHECKING:
    import pyarrow as pa

Ref = tuple[str, str | None, int | None, int | None, int | None, str | None]
"""``(kind, ref, entity_type, start, end, text)``: a resolved reference, the fields of ``hf``'s ref struct (the
entity type as its ClassLabel id)."""
_NO_REF: Ref = ("", "", 0, 0, 0, "")
"""Under a null struct, what Arrow's converter puts there: empty values, not nulls (so ``nbytes`` is the same)."""


def resolver(record: Record) -> Callable[[str, str], Ref]:
    """``hf._Index.resolve`` as a tuple: a mention, cluster or event id → its ``Ref``.

    The last record's resolver is kept: the build gives each record to ``events`` and then to ``stance``.
    """
    if _last[0] is record:
        return _last[1]
    _last[:] = [record, _resolver(record)]
    return _last[1]


_last: list[Any] = [None, None]


def _resolver(record: Record) -> Callable[[str, str], Ref]:
    mentions = {m.id: m for m in record.entities}
    clusters = {c.id: c for c in record.clusters}
    events = {e.id: e for e in record.events}
    inventory = labels(record.schema_version).entity_types
    types = {name: i for i, name in enumerate(inventory)}

    def type_id(name: str, ref: str) -> int:
        found = types.get(name)
        return hf._label_id(inventory, name, record.id, ref, "entity type") if found is None else found

    def resolve(ref: str, owner: str) -> Ref:
        if (m := mentions.get(ref)) is not None:
            return ("mention", ref, type_id(m.type, ref), m.start, m.end, m.text)
        if (c := clusters.get(ref)) is not None:
            return ("cluster", ref, type_id(c.type, ref), None, None, c.name)
        if (e := events.get(ref)) is not None:
            return ("event", ref, None, e.trigger.start, e.trigger.end, e.trigger.text)
        raise hf.ConversionError(f"{record.id}: {owner} refers to {ref!r}, which is no mention, cluster or event")

    return resolve


class _Leaves:
    """One list per leaf field of a table; list columns keep their items' fields in item lists of their own.

    ``rows`` names the per-row lists, ``items`` maps a list column to the lists of its items' leaves (their
    row's item count is ``<column>#``); ``cut`` drops the first rows with their items.
    """

    def __init__(self, rows: list[str], items: dict[str, list[str]]) -> None:
        self.rows: dict[str, list[Any]] = {name: [] for name in rows}
        for column in items:
            self.rows[f"{column}#"] = []
        self.items = {column: {name: [] for name in leaves} for column, leaves in items.items()}
        self.pending = 0

    def cut(self, count: int) -> None:
        for column, leaves in self.items.items():
            n = sum(self.rows[f"{column}#"][:count])
            for values in leaves.values():
                del values[:n]
        for values in self.rows.values():
            del values[:count]
        self.pending -= count


def _struct(kind: pa.DataType, values: dict[str, list[Any]], prefix: str, valid: list[bool] | None = None):
    """A struct array of type ``kind`` from the lists ``values[prefix + field]`` (``valid``: False = null)."""
    import pyarrow as pa

    children = [_array(field.type, values, f"{prefix}{field.name}") for field in kind]
    mask = None if valid is None or all(valid) else pa.array([not v for v in valid], pa.bool_())
    return pa.StructArray.from_arrays(children, fields=list(kind), mask=mask)


def _array(kind: pa.DataType, values: dict[str, list[Any]], name: str):
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return _struct(kind, values, f"{name}.", values.get(f"{name}?"))
    return pa.array(values[name], kind)


def _list(kind: pa.ListType, counts: list[int], items: dict[str, list[Any]]):
    """A list array of ``kind`` whose row k holds the next ``counts[k]`` items (leaf lists in ``items``)."""
    import numpy as np
    import pyarrow as pa

    offsets = np.zeros(len(counts) + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), _struct(kind.value_type, items, ""))


def _table(config: str, version: str, leaves: _Leaves, count: int) -> pa.Table:
    """The first ``count`` rows gathered in ``leaves``, as ``hf.to_arrow`` makes them."""
    import pyarrow as pa

    schema = hf.arrow_schema(config, version)
    rows = {name: values[:count] for name, values in leaves.rows.items()}
    arrays = []
    for field in schema:
        if pa.types.is_list(field.type):
            counts = rows[f"{field.name}#"]
            items = {name: values[: sum(counts)] for name, values in leaves.items[field.name].items()}
            arrays.append(_list(field.type, counts, items))
        else:
            arrays.append(_array(field.type, rows, field.name))
    return pa.Table.from_arrays(arrays, schema=schema)


_REF_FIELDS = ("kind", "ref", "entity_type", "start", "end", "text")


def _ref_leaves(prefix: str) -> list[str]:
    return [prefix + name for name in _REF_FIELDS]


def _ref_lists(values: dict[str, list[Any]], prefix: str) -> list[list[Any]]:
    """The six lists a ``Ref`` under ``prefix`` is appended to, in ``Ref`` order (looked up once, not per row)."""
    return [values[prefix + name] for name in _REF_FIELDS]


def _put(lists: list[list[Any]], values: tuple) -> None:
    for target, value in zip(lists, values, strict=True):
        target.append(value)


class EventColumns:
    """``hf.event_rows`` of every record added, as leaf lists (see ``_Leaves``)."""

    def __init__(self, version: str) -> None:
        self.version = version
        lab = labels(version)
        self.types = {name: i for i, name in enumerate(lab.event_types)}
        self.statuses = {name: i for i, name in enumerate(lab.epistemic_statuses)}
        self.polarities = {name: i for i, name in enumerate(lab.event_polarities)} if lab.event_polarities else None
        self.roles = {name: i for i, name in enumerate(lab.role_names)}
        self.leaves = _Leaves(
            [
                "doc_id",
                "event_id",
                "event_type",
                "trigger.start",
                "trigger.end",
                "trigger.text",
                "epistemic_status",
                "epistemic_source?",
                *_ref_leaves("epistemic_source."),
                "event_polarity",
                "context",
                "context_start",
            ],
            {"arguments": ["role", *_REF_FIELDS]},
        )
        self.source = _ref_lists(self.leaves.rows, "epistemic_source.")
        self.arguments = _ref_lists(self.leaves.items["arguments"], "")

    @property
    def pending(self) -> int:
        return self.leaves.pending

    def add(self, record: Record) -> None:
        if not record.events:
            return
        lab = labels(record.schema_version)
        resolve = resolver(record)
        rows, args = self.leaves.rows, self.leaves.items["arguments"]
        for ev in sorted(record.events, key=lambda e: (e.trigger.start, e.trigger.end, e.id)):
            event_type = self.types.get(ev.type)
            if event_type is None:
                hf._label_id(lab.event_types, ev.type, record.id, ev.id, "event type")
            resolved = [(self._role(lab, arg.role, record.id, ev.id), resolve(arg.ref, ev.id)) for arg in ev.arguments]
            status = self.statuses.get(ev.epistemic.status)
            if status is None:
                hf._label_id(lab.epistemic_statuses, ev.epistemic.status, record.id, ev.id, "epistemic status")
            source = resolve(ev.epistemic.source, ev.id) if ev.epistemic.source else None
            polarity = self._polarity(lab, ev, record.id)
            context, context_start = hf._context(record, [ev.trigger])
            rows["doc_id"].append(record.id)
            rows["event_id"].append(ev.id)
            rows["event_type"].append(event_type)
            rows["trigger.start"].append(ev.trigger.start)
            rows["trigger.end"].append(ev.trigger.end)
            rows["trigger.text"].append(ev.trigger.text)
            rows["arguments#"].append(len(resolved))
            for role, ref in resolved:
                args["role"].append(role)
                _put(self.arguments, ref)
            rows["epistemic_status"].append(status)
            rows["epistemic_source?"].append(source is not None)
            _put(self.source, source or _NO_REF)
            rows["event_polarity"].append(polarity)
            rows["context"].append(context)
            rows["context_start"].append(context_start)
            self.leaves.pending += 1

    def _role(self, lab: Any, role: str, doc_id: str, event_id: str) -> int:
        found = self.roles.get(role)
        return hf._label_id(dict.fromkeys(lab.role_names), role, doc_id, event_id, "role") if found is None else found

    def _polarity(self, lab: Any, event: Any, doc_id: str) -> int | None:
        if self.polarities is None:
            return None
        if event.polarity is msgspec.UNSET:
            return 0
        found = self.polarities.get(event.polarity)
        if found is None:
            return hf._label_id(lab.event_polarities, event.polarity, doc_id, event.id, "event polarity")
        return found

    def take(self, count: int) -> pa.Table:
        table = _table("events", self.version, self.leaves, count)
        self.leaves.cut(count)
        return table


class StanceColumns:
    """``hf.stance_rows`` of every record added, as leaf lists (see ``_Leaves``)."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.polarities = {name: i for i, name in enumerate(labels(version).stance_polarities)}
        self.leaves = _Leaves(
            [
                "doc_id",
                "stance_id",
                *_ref_leaves("holder."),
                *_ref_leaves("target."),
                "polarity",
                "context",
                "context_start",
            ],
            {"evidence": ["start", "end", "text"]},
        )
        self.holder = _ref_lists(self.leaves.rows, "holder.")
        self.target = _ref_lists(self.leaves.rows, "target.")

    @property
    def pending(self) -> int:
        return self.leaves.pending

    def add(self, record: Record) -> None:
        if not record.stances:
            return
        lab = labels(record.schema_version)
        resolve = resolver(record)
        rows, evidence = self.leaves.rows, self.leaves.items["evidence"]
        for st in sorted(record.stances, key=lambda s: (min((e.start for e in s.evidence), default=0), s.id)):
            target = st.target
            spans: list[Any] = list(st.evidence)
            if isinstance(target, PropositionTarget):
                spans.append(Span(target.start, target.end, target.text))
                target_ref: Ref = ("proposition", None, None, target.start, target.end, target.text)
            else:
                target_ref = resolve(target.ref, st.id)
            holder = st.holder
            if isinstance(holder, AuthorHolder):
                holder_ref: Ref = ("author", None, None, None, None, None)
            else:
                holder_ref = resolve(holder.ref, st.id)
            context, context_start = hf._context(record, spans)
            polarity = self.polarities.get(st.polarity)
            if polarity is None:
                hf._label_id(lab.stance_polarities, st.polarity, record.id, st.id, "stance polarity")
            rows["doc_id"].append(record.id)
            rows["stance_id"].append(st.id)
            _put(self.holder, holder_ref)
            _put(self.target, target_ref)
            rows["polarity"].append(polarity)
            rows["evidence#"].append(len(st.evidence))
            for span in st.evidence:
                evidence["start"].append(span.start)
                evidence["end"].append(span.end)
                evidence["text"].append(span.text)
            rows["context"].append(context)
            rows["context_start"].append(context_start)
            self.leaves.pending += 1

    def take(self, count: int) -> pa.Table:
        table = _table("stance", self.version, self.leaves, count)
        self.leaves.cut(count)
        return table
