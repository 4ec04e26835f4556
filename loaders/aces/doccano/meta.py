"""The meta a push puts on each doccano row, read back strictly: what the pull cannot do without.

``aces_map`` is the only record of which span was which ACES id, which mentions form which cluster (with its id and
name), which relations stood for a cluster, and which events spelled out the default polarity. A row whose map is
missing, of the wrong shape, or inconsistent would be converted as if every span were new: clusters dissolved into
singletons, every id renumbered. So a pull reads the map into a typed struct (``AcesMap``; msgspec says where a value
has the wrong type), checks that it hangs together, and refuses the row otherwise (``MapUnusable``); only an explicit
``rebuild_clusters`` converts it without a map, and says what that loses (``rebuild_losses``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import msgspec

from aces.json_input import loads
from aces.record import Record

_SHA256 = re.compile(r"[0-9a-f]{64}")


class AcesMap(msgspec.Struct, forbid_unknown_fields=True):
    """meta ``aces_map`` exactly as ``record_to_row`` writes it (lists, in this key order)."""

    schema: str
    spans: list[tuple[int, int, str, str]]
    """``[utf16_start, utf16_end, label, ACES id]`` of each pushed span."""
    clusters: list[tuple[str, str, list[str]]]
    """``[id, name, [mention ids]]`` of each cluster."""
    refs: list[tuple[str, str, str, list[str]]]
    """``[owner id, relation type, span id, [what each such relation stood for, in order]]``."""
    explicit_polarity: list[str]
    """Events whose record spelled out the default polarity."""


def empty_map(version: str) -> AcesMap:
    """The map of a row converted without one: every span is new."""
    return AcesMap(version, [], [], [], [])


class MapUnusable(ValueError):
    """The row's meta cannot say what the push recorded; the message says what is wrong with it."""


def read_map(row: Mapping) -> AcesMap:
    """The row's ``aces_map`` (an object, or the same as a JSON string), typed; ``MapUnusable`` if it cannot be."""
    if "aces_map" not in row:
        raise MapUnusable("meta aces_map is missing")
    raw = row["aces_map"]
    if isinstance(raw, str):
        try:
            raw = loads(raw)
        except json.JSONDecodeError as err:
            raise MapUnusable(f"meta aces_map is a string but not JSON ({err.msg})") from None
    try:
        return msgspec.convert(raw, AcesMap)
    except msgspec.ValidationError as err:
        raise MapUnusable(f"meta aces_map is malformed: {str(err).replace('`$', '`aces_map')}") from None


def check_consistent(amap: AcesMap, labels: Mapping[str, object], mention_labels: set[str]) -> None:
    """``MapUnusable`` unless every id the map names is defined once and every reference points at one of them:
    spans with ids used once and labels of the project, clusters of pushed mentions (each in one cluster at
    most), references owned by pushed spans, explicit polarities of pushed spans."""
    span_ids: dict[str, str] = {}
    for k, (start, end, label, aces_id) in enumerate(amap.spans):
        where = f"aces_map.spans[{k}]"
        if aces_id in span_ids:
            raise MapUnusable(f"{where}: the id {aces_id} is given twice")
        if label not in labels:
            raise MapUnusable(f"{where}: {label!r} is no label of the project")
        if not 0 <= start < end:
            raise MapUnusable(f"{where}: offsets {start}-{end} are no span")
        span_ids[aces_id] = label
    cluster_ids: set[str] = set()
    clustered: set[str] = set()
    for k, (cid, _, members) in enumerate(amap.clusters):
        where = f"aces_map.clusters[{k}]"
        if cid in cluster_ids or cid in span_ids:
            raise MapUnusable(f"{where}: the id {cid} is given twice")
        cluster_ids.add(cid)
        for m in members:
            if span_ids.get(m) not in mention_labels:
                raise MapUnusable(f"{where}: {m} is no mention of aces_map.spans")
            if m in clustered:
                raise MapUnusable(f"{where}: mention {m} is in two clusters")
            clustered.add(m)
    for k, (owner, _, span_id, seq) in enumerate(amap.refs):
        where = f"aces_map.refs[{k}]"
        if owner not in span_ids or span_id not in span_ids:
            raise MapUnusable(f"{where}: {owner if owner not in span_ids else span_id} is no span of aces_map.spans")
        stray = [r for r in seq if r != span_id and r not in cluster_ids]
        if stray:
            raise MapUnusable(f"{where}: {stray[0]} is neither the span nor a cluster of aces_map.clusters")
    stray = [e for e in amap.explicit_polarity if e not in span_ids]
    if stray:
        raise MapUnusable(f"aces_map.explicit_polarity: {stray[0]} is no span of aces_map.spans")


def pushed_sha(row: Mapping) -> str:
    """The row's ``aces_base`` (sha256 of the record as pushed); ``MapUnusable`` if it is missing or no sha256."""
    sha = row.get("aces_base")
    if not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        raise MapUnusable(f"meta aces_base is {'missing' if sha is None else 'not a sha256'}")
    return sha


def first_difference(found: AcesMap, pushed: AcesMap) -> str:
    """Where ``found`` first differs from ``pushed`` (they differ), as ``aces_map.<field>[<index>]``."""
    for name in AcesMap.__struct_fields__:
        a, b = getattr(found, name), getattr(pushed, name)
        if a == b:
            continue
        if isinstance(a, list):
            at = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return f"aces_map.{name}[{at}] ({len(a)} entries, the push wrote {len(b)})"
        return f"aces_map.{name}"
    return "aces_map"


def rebuild_losses(base: Record, reason: str) -> str:
    """What converting a row without its map loses, for the report of ``rebuild_clusters``."""
    return (
        f"{reason}; converted without it (--rebuild-clusters): the {len(base.clusters)} cluster(s) of gold are "
        "unknown here, so each mention is its own cluster unless a «coref» relation joins it (cluster ids and names "
        "are new); every mention, event and stance gets a new id, numbered after gold's; a relation drawn for a "
        "cluster now points at its mention; a default event polarity spelled out in gold is dropped"
    )
