"""Level 2, the schema: the record matches the JSON Schema of the version it is stamped with.

The schema is data (``schema/<version>/record.schema.json``) compiled once per version by ``aces.schema``.
Errors are turned into findings with a JSON path, a short message and what to do; a ``oneOf`` failure (stance
holder and target, epistemic source) is explained through the alternative the value was evidently meant to be,
which reads far better than "not valid under any of the schemas listed".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache

import jsonschema_rs

from aces.schema import json_schema, known_versions, validator
from aces.validate.findings import Sink
from aces.validate.walk import COLLECTION_KIND, str_or_none

_CODE_OF_KIND = {
    "Required": "schema-required",
    "AdditionalProperties": "schema-additional",
    "Type": "schema-type",
    "Pattern": "schema-pattern",
    "Enum": "schema-enum",
    "Constant": "schema-enum",
    "OneOfNotValid": "schema-variant",
    "AnyOf": "schema-variant",
}
_MAX_MESSAGE = 240
_JSON_TYPE = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number"}


@cache
def _versions() -> frozenset[str]:
    return frozenset(known_versions())


def json_path(path: tuple) -> str:
    """``$.entities[0].start`` for ``("entities", 0, "start")``."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def enclosing_ann(record: dict, path: tuple) -> str | None:
    """The id of the annotation a JSON path points into (``entities[3]...`` → that mention's id)."""
    if len(path) >= 2 and path[0] in COLLECTION_KIND and isinstance(path[1], int):
        value = record.get(path[0])
        if isinstance(value, list) and path[1] < len(value) and isinstance(value[path[1]], dict):
            return str_or_none(value[path[1]].get("id"))
    return None


def _at(schema: dict, path: list) -> object:
    node: object = schema
    for key in path:
        node = node[key]  # type: ignore[index]
    return node


def _resolve(schema: dict, node: dict) -> dict:
    """Follow a local ``$ref`` (``#/$defs/name``) once."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        return _at(schema, ref[2:].split("/"))  # type: ignore[return-value]
    return node


def _json_type(value: object) -> str:
    return "null" if value is None else _JSON_TYPE.get(type(value), type(value).__name__)


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


@cache
def _alternative_validator(version: str, schema_path: tuple, index: int) -> jsonschema_rs.Draft202012Validator:
    root = json_schema(version)
    alt = _at(root, [*schema_path, index])
    return jsonschema_rs.Draft202012Validator({"$defs": root.get("$defs", {}), **alt})  # type: ignore[dict-item]


def _describe_alternative(root: dict, alt: dict) -> str:
    alt = _resolve(root, alt)
    props = alt.get("properties", {})
    kind = props.get("kind", {}).get("const")
    if kind is not None:
        others = ", ".join(f'"{k}": …' for k in alt.get("required", []) if k != "kind")
        return f'{{"kind": "{kind}"' + (f", {others}" if others else "") + "}"
    return str(alt.get("type", "a value"))


def _chosen_alternative(root: dict, alts: list, instance: object) -> int | None:
    """The alternative a value was meant to be: the one whose ``kind`` it names, else the one of its JSON type."""
    if isinstance(instance, dict):
        for i, alt in enumerate(alts):
            if _resolve(root, alt).get("properties", {}).get("kind", {}).get("const") == instance.get("kind"):
                return i
        return None
    matching = [i for i, alt in enumerate(alts) if _resolve(root, alt).get("type") == _json_type(instance)]
    return matching[0] if len(matching) == 1 else None


def _hint(kind: str, err: jsonschema_rs.ValidationError, root: dict) -> str:
    schema_path = list(err.schema_path)
    try:
        parent = _at(root, schema_path[:-1])
    except (KeyError, IndexError, TypeError):
        parent = {}
    if kind == "Required":
        return "add it"
    if kind == "AdditionalProperties":
        allowed = ", ".join(parent.get("properties", {})) if isinstance(parent, dict) else ""
        return "remove it or fix its spelling" + (f" (allowed here: {allowed})" if allowed else "")
    if kind == "Type":
        return "change the value to that type"
    if kind == "Pattern":
        description = parent.get("description") if isinstance(parent, dict) else None
        return "write it in that form" + (f": {description}" if description else "")
    if kind in ("Enum", "Constant"):
        return "use one of the allowed values"
    return "change the value to meet the constraint"


def _report(
    err: jsonschema_rs.ValidationError, record: dict, sink: Sink, version: str, prefix: tuple = (), nested: bool = False
) -> None:
    root = json_schema(version)
    path = prefix + tuple(err.instance_path)
    kind = type(err.kind).__name__
    where = json_path(path)
    ann_id = enclosing_ann(record, path)
    if kind == "OneOfNotValid" and not nested:
        schema_path = tuple(err.schema_path)
        alts = _at(root, list(schema_path))
        assert isinstance(alts, list)
        chosen = _chosen_alternative(root, alts, err.instance)
        if chosen is not None:
            inner = list(_alternative_validator(version, schema_path, chosen).iter_errors(err.instance))
            for sub in inner:
                _report(sub, record, sink, version, prefix=path, nested=True)
            if inner:
                return
        shapes = " or ".join(_describe_alternative(root, a) for a in alts)
        sink.add(
            "schema-variant",
            _shorten(f"{where}: {json.dumps(err.instance, ensure_ascii=False)} matches none of the allowed shapes")
            + f"; use {shapes}",
            ann_id=ann_id,
        )
        return
    code = _CODE_OF_KIND.get(kind, "schema-value")
    sink.add(code, f"{where}: {_shorten(err.message)}; {_hint(kind, err, root)}", ann_id=ann_id)


def check_schema(record: dict, sink: Sink) -> str | None:
    """The record's schema version if it passes level 2, else None (after reporting why)."""
    if "schema_version" not in record:
        sink.add(
            "missing-schema-version",
            f'no "schema_version"; add it (known versions: {", ".join(sorted(_versions()))})',
        )
        return None
    version = record["schema_version"]
    if not isinstance(version, str) or version not in _versions():
        sink.add(
            "unknown-schema-version",
            f"schema_version {version!r} is not a known version ({', '.join(sorted(_versions()))}); "
            "use one of them or migrate the record",
        )
        return None
    check = validator(version)
    if check.is_valid(record):
        return _integers_are_ints(record, sink)
    for err in check.iter_errors(record):
        _report(err, record, sink, version)
    return None


def _offset_paths(record: dict) -> Iterator[tuple[tuple, object]]:
    """Paths of every offset in a schema-valid record (spans, segments, offset-map runs, removals)."""
    for key in ("segments", "entities"):
        for i, item in enumerate(record[key]):
            yield (key, i, "start"), item["start"]
            yield (key, i, "end"), item["end"]
    for i, ev in enumerate(record["events"]):
        yield ("events", i, "trigger", "start"), ev["trigger"]["start"]
        yield ("events", i, "trigger", "end"), ev["trigger"]["end"]
    for i, st in enumerate(record["stances"]):
        for j, span in enumerate(st["evidence"]):
            yield ("stances", i, "evidence", j, "start"), span["start"]
            yield ("stances", i, "evidence", j, "end"), span["end"]
        if "start" in st["target"]:
            yield ("stances", i, "target", "start"), st["target"]["start"]
            yield ("stances", i, "target", "end"), st["target"]["end"]
    for i, run in enumerate(record["provenance"]["offset_map"]):
        for j, value in enumerate(run):
            yield ("provenance", "offset_map", i, j), value
    for i, rem in enumerate(record["provenance"]["removed"]):
        yield ("provenance", "removed", i, "raw_start"), rem["raw_start"]
        yield ("provenance", "removed", i, "raw_end"), rem["raw_end"]


def _all_ints(record: dict) -> bool:
    """The fast path of ``_integers_are_ints``: no path bookkeeping unless something is wrong."""
    for key in ("segments", "entities"):
        for item in record[key]:
            if type(item["start"]) is not int or type(item["end"]) is not int:
                return False
    spans = [ev["trigger"] for ev in record["events"]]
    for st in record["stances"]:
        spans += st["evidence"]
        if "start" in st["target"]:
            spans.append(st["target"])
    prov = record["provenance"]
    return (
        all(type(s["start"]) is int and type(s["end"]) is int for s in spans)
        and all(type(x) is int for run in prov["offset_map"] for x in run)
        and all(type(r["raw_start"]) is int and type(r["raw_end"]) is int for r in prov["removed"])
    )


def _integers_are_ints(record: dict, sink: Sink) -> str | None:
    """JSON Schema counts 27.0 as an integer; ACES readers (msgspec) do not, so offsets must be written 27."""
    if _all_ints(record):
        return record["schema_version"]
    bad = [(path, value) for path, value in _offset_paths(record) if type(value) is not int]
    for path, value in bad:
        sink.add(
            "schema-type",
            f"{json_path(path)}: {value!r} is a float; write offsets as integers ({int(value)})",
            ann_id=enclosing_ann(record, path),
        )
    return None if bad else record["schema_version"]
