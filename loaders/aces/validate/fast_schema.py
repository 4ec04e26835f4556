"""msgspec Structs compiled from ``record.schema.json``: level 2 checked inside the JSON decoder.

The JSON Schema stays the one definition of a record. This module translates the part of JSON Schema it uses
(objects with ``additionalProperties: false``, arrays, ``prefixItems`` tuples, strings with ``minLength`` and
``pattern``, integers with ``minimum``, ``const``, ``enum``, ``oneOf`` of ``kind``-tagged objects or of a value
and null, local ``$ref``) into msgspec types with the same constraints, so a typed decode of a line accepts it
only if the schema does. Anything it does not understand makes it give up on that version (``None``): the
validator then uses jsonschema_rs for every record of it. Where the two could differ the translation errs on
the strict side (no float for an integer, ASCII-only ``\\d``, ``$`` only at the very end), because a record the
fast decoder rejects simply goes to jsonschema_rs, which reports exactly what is wrong.

The top-level ``schema_version`` const becomes a msgspec tag, so one decoder reads every known version.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

import msgspec

from aces.schema import json_schema, known_versions

_IGNORED = frozenset({"description", "title", "$schema", "$id", "$defs", "$comment"})
_SAFE_ESCAPES = frozenset(".-+/\\^$()[]{}|*?:")


class Unsupported(Exception):
    """The schema uses a construct this translation does not handle; the version gets no fast decoder."""


def _python_pattern(pattern: str) -> str:
    """An ECMA-262 ``pattern`` as a Python regex that matches no more strings than the original.

    Only literal characters, character classes, groups, alternation and quantifiers are accepted: ``.`` and
    class escapes (``\\d``, ``\\w``, ``\\s``, ``\\p``) differ between the two dialects, so they are refused. A
    final ``$`` becomes ``\\Z`` (Python's ``$`` also matches before a trailing newline).
    """
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt not in _SAFE_ESCAPES or not nxt:
                raise Unsupported(f"escape \\{nxt} in pattern {pattern!r}")
            out.append(ch + nxt)
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == ".":
            raise Unsupported(f"'.' in pattern {pattern!r}")
        elif ch == "$" and i != len(pattern) - 1:
            raise Unsupported(f"'$' inside pattern {pattern!r}")
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


class _Compiler:
    def __init__(self, root: dict, version: str, unchecked: frozenset[str] = frozenset()) -> None:
        self.root, self.version = root, version
        self.unchecked = unchecked
        self.unchecked_at: set[str] = set()
        self.defs: dict[str, Any] = {}

    def _ref(self, ref: str, at: str) -> Any:
        if not ref.startswith("#/$defs/"):
            raise Unsupported(f"$ref {ref}")
        name = ref.removeprefix("#/$defs/")
        if name in self.unchecked:
            self.unchecked_at.add(at)
            node = self.root["$defs"][name]
            if set(node) - _IGNORED != {"type", "pattern"} or node["type"] != "string":
                raise Unsupported(f"{name} is not a plain string pattern")
            return str
        if name not in self.defs:
            self.defs[name] = self.type_of(self.root["$defs"][name], name)
        return self.defs[name]

    def type_of(self, node: dict, name: str) -> Any:
        keys = set(node) - _IGNORED
        if "$ref" in node:
            if keys != {"$ref"}:
                raise Unsupported(f"$ref with siblings at {name}")
            return self._ref(node["$ref"], name)
        if "const" in node:
            if keys != {"const"} or not isinstance(node["const"], str):
                raise Unsupported(f"const at {name}")
            return Literal[node["const"]]  # type: ignore[valid-type]
        if "enum" in node:
            if keys != {"enum"} or not all(isinstance(v, str) for v in node["enum"]):
                raise Unsupported(f"enum at {name}")
            return Literal[tuple(node["enum"])]  # type: ignore[valid-type]
        if "oneOf" in node:
            if keys != {"oneOf"}:
                raise Unsupported(f"oneOf with siblings at {name}")
            return self._one_of(node["oneOf"], name)
        kind = node.get("type")
        if kind == "object":
            return self._object(node, name)
        if kind == "array":
            return self._array(node, name)
        if kind == "string":
            if keys - {"type", "minLength", "pattern"}:
                raise Unsupported(f"string keywords {sorted(keys)} at {name}")
            meta = {}
            if "minLength" in node:
                meta["min_length"] = node["minLength"]
            if "pattern" in node:
                meta["pattern"] = "(?a)" + _python_pattern(node["pattern"])
            return Annotated[str, msgspec.Meta(**meta)] if meta else str
        if kind == "integer":
            if keys - {"type", "minimum"}:
                raise Unsupported(f"integer keywords {sorted(keys)} at {name}")
            return Annotated[int, msgspec.Meta(ge=node["minimum"])] if "minimum" in node else int
        if kind == "null" and keys == {"type"}:
            return None
        raise Unsupported(f"{node!r} at {name}")

    def _one_of(self, alternatives: list, name: str) -> Any:
        nulls = [a for a in alternatives if a == {"type": "null"}]
        if len(alternatives) == 2 and len(nulls) == 1:
            other = next(a for a in alternatives if a is not nulls[0])
            value = self.type_of(other, name)
            if value is None:
                raise Unsupported(f"oneOf of two nulls at {name}")
            return value | None
        tags = []
        classes = []
        for i, alt in enumerate(alternatives):
            alt = self.root["$defs"][alt["$ref"].removeprefix("#/$defs/")] if "$ref" in alt else alt
            kind = alt.get("properties", {}).get("kind", {})
            if alt.get("type") != "object" or set(kind) != {"const"} or "kind" not in alt.get("required", []):
                raise Unsupported(f"oneOf alternative {i} at {name} is not a kind-tagged object")
            tags.append(kind["const"])
            classes.append(self._object(alt, f"{name}_{kind['const']}", tag=("kind", kind["const"])))
        if len(set(tags)) != len(tags):
            raise Unsupported(f"oneOf at {name} repeats a kind")
        return classes[0] if len(classes) == 1 else _union(classes)

    def _object(self, node: dict, name: str, tag: tuple[str, str] | None = None) -> type:
        keys = set(node) - _IGNORED
        if (
            keys - {"type", "properties", "required", "additionalProperties"}
            or node.get("additionalProperties") is not False
        ):
            raise Unsupported(f"object {name} is not closed (additionalProperties: false) or has other keywords")
        required = set(node.get("required", []))
        props = node.get("properties", {})
        if required - set(props):
            raise Unsupported(f"object {name} requires an undeclared property")
        fields: list[tuple] = []
        for prop, sub in props.items():
            if tag is not None and prop == tag[0]:
                continue
            value = self.type_of(sub, f"{name}.{prop}")
            if prop in required:
                fields.append((prop, value))
            else:
                fields.append((prop, value | msgspec.UnsetType, msgspec.UNSET))
        options: dict[str, Any] = {"forbid_unknown_fields": True, "kw_only": True, "gc": False}
        if tag is not None:
            options.update(tag_field=tag[0], tag=tag[1])
        return msgspec.defstruct(f"{name}_v{self.version.replace('.', '_')}", fields, **options)

    def _array(self, node: dict, name: str) -> Any:
        keys = set(node) - _IGNORED
        if "prefixItems" in node:
            size = len(node["prefixItems"])
            if (
                keys != {"type", "prefixItems", "minItems", "maxItems"}
                or node["minItems"] != size
                or node["maxItems"] != size
            ):
                raise Unsupported(f"prefixItems array at {name} is not of fixed length")
            return tuple[tuple(self.type_of(p, f"{name}[{i}]") for i, p in enumerate(node["prefixItems"]))]  # type: ignore[misc]
        if keys - {"type", "items", "minItems"} or "items" not in node:
            raise Unsupported(f"array keywords {sorted(keys)} at {name}")
        item = self.type_of(node["items"], f"{name}[]")
        return Annotated[list[item], msgspec.Meta(min_length=node["minItems"])] if "minItems" in node else list[item]

    def record(self) -> type:
        version = self.root.get("properties", {}).get("schema_version", {})
        if set(version) != {"const"} or version["const"] != self.version:
            raise Unsupported("schema_version is not a const naming this version")
        return self._object(self.root, "Record", tag=("schema_version", self.version))


def _union(classes: list[type]) -> Any:
    union = classes[0]
    for cls in classes[1:]:
        union = union | cls
    return union


@cache
def record_type(version: str) -> type | None:
    """The Struct of one version's records, or None when its schema uses something not translated here."""
    try:
        return _Compiler(json_schema(version), version).record()
    except (Unsupported, KeyError, TypeError):
        return None


@cache
def decoder() -> msgspec.json.Decoder | None:
    """One decoder for the records of every known version that translates (tagged by ``schema_version``)."""
    types = [t for v in known_versions() if (t := record_type(v)) is not None]
    if not types:
        return None
    return msgspec.json.Decoder(_union(types))


@cache
def loose_record_type(version: str, unchecked: frozenset[str]) -> tuple[type, frozenset[str]] | None:
    """Like ``record_type``, but strings of the ``$defs`` named in ``unchecked`` are plain ``str``: the caller
    checks their pattern itself (faster in one batch than one regex call per string inside the decoder).
    Returns the Struct and the places (``def.field``) where such strings occur, for the caller to confirm it
    checks every one of them."""
    try:
        compiler = _Compiler(json_schema(version), version, unchecked)
        return compiler.record(), frozenset(compiler.unchecked_at)
    except (Unsupported, KeyError, TypeError):
        return None


def pattern_of(version: str, name: str) -> str:
    """The Python form of the pattern of ``$defs/<name>`` (anchors included)."""
    return "(?a)" + _python_pattern(json_schema(version)["$defs"][name]["pattern"])
