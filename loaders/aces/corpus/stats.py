"""Corpus statistics with stable keys: what the datasheet, the dataset card and ``aces stats`` print.

Every label of the schema inventory is present with its count, zero included, so that a label added to
``labels.json`` shows up as 0 rather than missing, and a table rendered from these counts never changes shape
just because the annotators have not used a label yet. A label found in the data but absent from the
inventory is counted too (after the inventory labels), never dropped: the validator reports it, stats show it.

Two token counts are given because they answer different questions:

- ``whitespace``: ``len(text.split())``, words as a reader counts them (proclitics stay attached);
- ``record``: ``aces.offsets.record_tokens``, spaCy's blank Arabic tokenizer with tokens split at every gold
  span and segment edge, i.e. the token sequence of the BIO/spaCy views. It changes as annotations land.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import msgspec

from aces.corpus.conllu_to_records import outlet as treebank_outlet
from aces.offsets import record_tokens
from aces.record import AuthorHolder, EntityHolder, EntityTarget, EventTarget, PropositionTarget, Record
from aces.schema import CURRENT_VERSION, Labels, json_schema, labels

_HOLDER_KINDS = {AuthorHolder: "author", EntityHolder: "entity"}
_TARGET_KINDS = {EntityTarget: "entity", EventTarget: "event", PropositionTarget: "proposition"}


def _kinds(schema: dict, definition: str) -> list[str]:
    """The ``kind`` constants of a ``oneOf`` definition (holder, target) in the JSON Schema, in schema order."""
    return [alt["properties"]["kind"]["const"] for alt in schema["$defs"][definition]["oneOf"]]


def _filled(inventory: Iterable[str], counts: Counter) -> dict[str, int]:
    """Inventory labels in inventory order (zero when unused), then labels outside the inventory, sorted."""
    keys = list(dict.fromkeys(inventory))
    out = {key: counts.get(key, 0) for key in keys}
    out.update({key: counts[key] for key in sorted(set(counts) - set(keys))})
    return out


def _role_inventory(lab: Labels) -> list[str]:
    """Every role name of every event type, first appearance order (``Place`` is one role across types)."""
    return lab.role_names


def compute(records: Iterable[Record], inventory: Labels | None = None) -> dict:
    """Counts over ``records``, zero-filled against ``inventory`` (default: the current schema's labels).

    Keys are stable: the same nested keys come back for an empty corpus and a full one (label keys grow only
    when the data uses a label the inventory lacks). Means are ``None`` when there is nothing to average.
    """
    lab = inventory or labels(CURRENT_VERSION)
    schema = json_schema(lab.version)
    splits = schema["properties"]["split"]["enum"]
    per_split: dict[str, Counter] = {s: Counter() for s in splits}
    c: dict[str, Counter] = {
        name: Counter()
        for name in (
            "split", "segment_type", "entity_type", "form", "cluster_type", "event_type", "role", "status",
            "polarity", "event_polarity", "holder", "target", "removal", "removal_chars", "source", "doc_status",
            "license", "license_chars",
        )
    }  # fmt: skip
    type_form: dict[str, Counter] = {}
    type_role: dict[str, Counter] = {}
    outlets: dict[str, Counter] = {}
    totals = Counter()
    raw_files: set[str] = set()

    for rec in records:
        split = per_split.setdefault(rec.split, Counter())
        c["split"][rec.split] += 1
        words = len(rec.text.split())
        toks = len(record_tokens(rec))
        sentences = len(rec.sentences) if isinstance(rec.sentences, tuple) else 0
        for counter in (totals, split):
            counter["documents"] += 1
            counter["sentences"] += sentences
            counter["characters"] += len(rec.text)
            counter["whitespace_tokens"] += words
            counter["record_tokens"] += toks
            counter["mentions"] += len(rec.entities)
            counter["clusters"] += len(rec.clusters)
            counter["events"] += len(rec.events)
            counter["stances"] += len(rec.stances)
        if rec.entities or rec.events or rec.stances:
            totals["annotated_documents"] += 1
        c["segment_type"].update(seg.type for seg in rec.segments)
        for m in rec.entities:
            c["entity_type"][m.type] += 1
            c["form"][m.form] += 1
            type_form.setdefault(m.type, Counter())[m.form] += 1
        for cl in rec.clusters:
            c["cluster_type"][cl.type] += 1
            totals["clustered_mentions"] += len(cl.mentions)
            totals["singletons"] += len(cl.mentions) == 1
        for ev in rec.events:
            c["event_type"][ev.type] += 1
            c["status"][ev.epistemic.status] += 1
            if lab.event_polarities:  # schema 1.1.0+: an event without polarity is the inventory's first (default)
                c["event_polarity"][
                    ev.polarity if isinstance(ev.polarity, str) else next(iter(lab.event_polarities))
                ] += 1
            for arg in ev.arguments:
                c["role"][arg.role] += 1
                type_role.setdefault(ev.type, Counter())[arg.role] += 1
        for st in rec.stances:
            c["polarity"][st.polarity] += 1
            c["holder"][_HOLDER_KINDS[type(st.holder)]] += 1
            c["target"][_TARGET_KINDS[type(st.target)]] += 1
        c["source"][rec.provenance.source] += 1
        status = rec.annotation_status if isinstance(rec.annotation_status, str) else NOT_RECORDED
        licence = rec.provenance.license if isinstance(rec.provenance.license, str) else NOT_RECORDED
        c["doc_status"][status] += 1
        c["license"][licence] += 1
        c["license_chars"][licence] += len(rec.text)
        outlets.setdefault(outlet(rec), Counter())[rec.split] += 1
        raw_files.add(rec.provenance.raw_sha256)
        for rem in rec.provenance.removed:
            c["removal"][rem.reason] += 1
            c["removal_chars"][rem.reason] += rem.raw_end - rem.raw_start

    forms = list(lab.mention_forms)
    return {
        "schema_version": lab.version,
        "documents": {
            "total": totals["documents"],
            "annotated": totals["annotated_documents"],
            "by_split": _filled(splits, c["split"]),
            "by_annotation_status": _filled([*lab.annotation_statuses, NOT_RECORDED], c["doc_status"]),
            "by_license": _filled([*lab.licenses, NOT_RECORDED], c["license"]),
            "characters_by_license": _filled([*lab.licenses, NOT_RECORDED], c["license_chars"]),
            "by_outlet_and_split": {name: _filled(splits, outlets[name]) for name in sorted(outlets)},
        },
        "by_split": {s: {k: per_split[s][k] for k in _SPLIT_KEYS} for s in _filled(splits, c["split"])},
        "segments": {"total": c["segment_type"].total(), "by_type": _filled(lab.segment_types, c["segment_type"])},
        "sentences": {"total": totals["sentences"]},
        "characters": {"total": totals["characters"]},
        "tokens": {"whitespace": totals["whitespace_tokens"], "record": totals["record_tokens"]},
        "mentions": {
            "total": totals["mentions"],
            "by_type": _filled(lab.entity_types, c["entity_type"]),
            "by_form": _filled(forms, c["form"]),
            "by_type_and_form": {
                etype: _filled(forms, type_form.get(etype, Counter()))
                for etype in _filled(lab.entity_types, c["entity_type"])
            },
        },
        "clusters": {
            "total": totals["clusters"],
            "by_type": _filled(lab.entity_types, c["cluster_type"]),
            "singletons": totals["singletons"],
            "mentions_in_clusters": totals["clustered_mentions"],
            "mean_mentions_per_cluster": (
                totals["clustered_mentions"] / totals["clusters"] if totals["clusters"] else None
            ),
        },
        "events": {
            "total": totals["events"],
            "by_type": _filled(lab.event_types, c["event_type"]),
            "by_epistemic_status": _filled(lab.epistemic_statuses, c["status"]),
            "by_polarity": _filled(lab.event_polarities, c["event_polarity"]),
        },
        "arguments": {
            "total": c["role"].total(),
            "by_role": _filled(_role_inventory(lab), c["role"]),
            "by_event_type_and_role": {
                etype: _filled(lab.roles(etype) if etype in lab.event_types else (), type_role.get(etype, Counter()))
                for etype in _filled(lab.event_types, c["event_type"])
            },
        },
        "stances": {
            "total": totals["stances"],
            "by_polarity": _filled(lab.stance_polarities, c["polarity"]),
            "by_holder_kind": _filled(_kinds(schema, "holder"), c["holder"]),
            "by_target_kind": _filled(_kinds(schema, "target"), c["target"]),
        },
        "provenance": {"raw_files": len(raw_files), "by_source": _filled((), c["source"])},
        "removals": {
            "total": c["removal"].total(),
            "by_reason": _filled((), c["removal"]),
            "characters_by_reason": _filled((), c["removal_chars"]),
        },
    }


_SPLIT_KEYS = ("documents", "sentences", "characters", "whitespace_tokens", "record_tokens", "mentions", "clusters",
               "events", "stances")  # fmt: skip
NOT_RECORDED = "(not recorded)"
"""The status or licence of a record whose schema version has no such field (before 1.2.0)."""


def outlet(record: Record) -> str:
    """Where a document was published, for the splits table: the outlet a treebank document's id begins with
    (``alhayat.20010107.0120`` → ``alhayat``), else the document id itself (a document on its own)."""
    if isinstance(record.provenance.source_file, msgspec.Struct):
        return treebank_outlet(record.id)
    return record.id


def flatten(stats: Mapping, prefix: str = "") -> dict[str, object]:
    """``{"mentions.by_type.PER": 3, ...}``: one dotted key per leaf, for diffs and spreadsheets."""
    out: dict[str, object] = {}
    for key, value in stats.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


PER_DOCUMENT_RATES = ("mentions", "clusters", "events", "stances")
OUTLIER_Z = 2.0
"""A document whose rate of a layer lies more than this many standard deviations from the corpus mean is an
outlier to look at (``per_document``)."""


def per_document(records: Iterable[Record]) -> list[dict]:
    """One row per document: its size, each layer per hundred whitespace words, the share of names among its
    mentions, and the layers whose rate is an outlier (``OUTLIER_Z`` standard deviations from the mean)."""
    rows = []
    for rec in records:
        words = len(rec.text.split())
        counts = {"mentions": len(rec.entities), "clusters": len(rec.clusters), "events": len(rec.events),
                  "stances": len(rec.stances)}  # fmt: skip
        names = sum(m.form == "NAM" for m in rec.entities)
        rows.append(
            {
                "id": rec.id,
                "split": rec.split,
                "status": rec.annotation_status if isinstance(rec.annotation_status, str) else NOT_RECORDED,
                "words": words,
                **{f"{k}_per_100_words": (100 * n / words if words else None) for k, n in counts.items()},
                "name_share": names / len(rec.entities) if rec.entities else None,
                "outliers": [],
            }
        )
    for layer in PER_DOCUMENT_RATES:
        key = f"{layer}_per_100_words"
        values = [r[key] for r in rows if r[key] is not None]
        if len(values) < 3:
            continue
        mean = sum(values) / len(values)
        sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
        for row in rows:
            if sd and row[key] is not None and abs(row[key] - mean) > OUTLIER_Z * sd:
                row["outliers"].append(f"{layer} {'high' if row[key] > mean else 'low'}")
    return rows
