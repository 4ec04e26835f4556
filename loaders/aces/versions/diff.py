"""What changed between two annotations (A = before or first pass, B = after or second pass) of a corpus.

``diff(a_records, b_records)`` returns one plain JSON-ready dict, the review tool's and release notes' source:

.. code-block:: text

    {
      "format": "aces-diff/1",
      "documents": {
        "compared": int,          # same id on both sides, same text
        "changed": int,           # compared documents with at least one change
        "added":   [{"id", "mentions", "clusters", "events", "arguments", "stances"}],  # B only; counts
        "removed": [{"id", ...same counts...}],                                        # A only
        "not_comparable": [{"id", "a_length", "b_length", "first_difference"}]         # same id, texts differ
      },
      "summary": {layer: {"added": int, "removed": int, "changed": int}},   # over compared documents
      "changes": [{"id": doc id, layer: {"added": [view], "removed": [view], "changed": [change]}}]
    }

Layers are ``mentions``, ``clusters``, ``events``, ``arguments``, ``stances``; ``changes`` lists only documents
with a change, sorted by id, and every layer key is always present. A ``change`` is
``{"a": view, "b": view, "fields": [names of what differs]}`` (clusters add ``members_added`` and
``members_removed``, lists of spans). Views carry ids, spans and their text, so a reader needs no other file.

Identity (what makes an A item and a B item "the same item", so that a difference is a change rather than
a removal plus an addition), since ids are not comparable across passes:

- mention: its span; fields ``type``, ``form``.
- cluster: its members, compared by span; clusters are paired one-to-one by most shared members (same name
  breaks ties); fields ``name``, ``type``, ``members``.
- event: its trigger span; fields ``type``, ``epistemic.status``, ``epistemic.source``, ``polarity`` (schema
  1.1.0; an event without one is positive, and its view has no ``polarity`` key).
- argument: its event (paired by trigger span) and its referent (see ``DocAlignment.refs_match``); fields
  ``role``, ``ref`` (same referent written differently, e.g. a mention instead of its cluster).
- stance: its holder and target, matched as in ``aces agree`` (proposition targets by span overlap);
  fields ``polarity``, ``holder``, ``target`` (same referent written differently, or a moved proposition
  span), ``evidence`` (the evidence spans differ).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from aces import record as rec
from aces.versions.match import (
    DocAlignment,
    Index,
    best_pairs,
    clusters_by_membership,
    mentions_by_span,
    pair_documents,
)

FORMAT = "aces-diff/1"
LAYERS = ("mentions", "clusters", "events", "arguments", "stances")


# ---------------------------------------------------------------- views (what a reader sees of an item)


def _span(start: int, end: int, text: str) -> dict:
    return {"start": start, "end": end, "text": text}


def mention_view(m: rec.Mention) -> dict:
    return {"id": m.id, "start": m.start, "end": m.end, "text": m.text, "type": m.type, "form": m.form}


def ref_view(index: Index, ref: str) -> dict:
    """A reference as its kind and what it points at (the id alone means nothing across passes)."""
    if ref in index.mentions:
        m = index.mentions[ref]
        return {"kind": "mention", "id": ref, **_span(m.start, m.end, m.text)}
    if ref in index.clusters:
        c = index.clusters[ref]
        return {"kind": "cluster", "id": ref, "name": c.name}
    if ref in index.events:
        e = index.events[ref]
        return {
            "kind": "event",
            "id": ref,
            "type": e.type,
            "trigger": _span(e.trigger.start, e.trigger.end, e.trigger.text),
        }
    return {"kind": "unknown", "id": ref}


def cluster_members(index: Index, c: rec.Cluster) -> list[dict]:
    spans = sorted({(m.start, m.end, m.text) for mid in c.mentions if (m := index.mentions.get(mid))})
    return [_span(*s) for s in spans]


def cluster_view(index: Index, c: rec.Cluster) -> dict:
    return {"id": c.id, "name": c.name, "type": c.type, "mentions": cluster_members(index, c)}


def event_view(index: Index, e: rec.Event) -> dict:
    source = e.epistemic.source
    view = {
        "id": e.id,
        "type": e.type,
        "trigger": _span(e.trigger.start, e.trigger.end, e.trigger.text),
        "epistemic": {"status": e.epistemic.status, "source": None if source is None else ref_view(index, source)},
    }
    if e.polarity is not msgspec.UNSET:  # schema 1.1.0
        view["polarity"] = e.polarity
    return view


def event_polarity(e: rec.Event) -> str:
    """Schema 1.1.0 polarity; an event without one (every 1.0.0 event) is positive."""
    return "positive" if e.polarity is msgspec.UNSET else str(e.polarity)


def argument_view(index: Index, e: rec.Event, arg: rec.Argument) -> dict:
    trigger = _span(e.trigger.start, e.trigger.end, e.trigger.text)
    return {
        "event": {"id": e.id, "type": e.type, "trigger": trigger},
        "role": arg.role,
        "ref": ref_view(index, arg.ref),
    }


def _holder_view(index: Index, holder: rec.Holder) -> dict:
    return {"kind": "author"} if isinstance(holder, rec.AuthorHolder) else ref_view(index, holder.ref)


def _target_view(index: Index, target: rec.Target) -> dict:
    if isinstance(target, rec.PropositionTarget):
        return {"kind": "proposition", **_span(target.start, target.end, target.text)}
    return ref_view(index, target.ref)


def stance_view(index: Index, s: rec.Stance) -> dict:
    return {
        "id": s.id,
        "holder": _holder_view(index, s.holder),
        "target": _target_view(index, s.target),
        "polarity": s.polarity,
        "evidence": [_span(ev.start, ev.end, ev.text) for ev in s.evidence],
    }


# ---------------------------------------------------------------- one document


def _layer() -> dict:
    return {"added": [], "removed": [], "changed": []}


def _kind(index: Index, ref: str) -> str:
    return ref_view(index, ref)["kind"]


def _same_ref(al: DocAlignment, a_ref: str, b_ref: str) -> bool:
    """Same referent written the same way (both mentions, both clusters or both events, and matching)."""
    return _kind(al.a_index, a_ref) == _kind(al.b_index, b_ref) and al.refs_match(a_ref, b_ref)


def _diff_mentions(a: rec.Record, b: rec.Record) -> dict:
    out = _layer()
    pairs = mentions_by_span(a.entities, b.entities)
    paired_a = {x.id for x, _ in pairs}
    paired_b = {y.id for _, y in pairs}
    out["removed"] = [mention_view(m) for m in a.entities if m.id not in paired_a]
    out["added"] = [mention_view(m) for m in b.entities if m.id not in paired_b]
    for x, y in pairs:
        fields = [f for f in ("type", "form") if getattr(x, f) != getattr(y, f)]
        if fields:
            out["changed"].append({"a": mention_view(x), "b": mention_view(y), "fields": fields})
    return out


def _diff_clusters(al: DocAlignment) -> dict:
    out = _layer()

    def keyed(index: Index, clusters: tuple[rec.Cluster, ...]) -> list[tuple[str, frozenset]]:
        return [
            (c.name, frozenset((m.start, m.end) for mid in c.mentions if (m := index.mentions.get(mid))))
            for c in clusters
        ]

    a_keyed, b_keyed = keyed(al.a_index, al.a.clusters), keyed(al.b_index, al.b.clusters)
    pairs = clusters_by_membership(a_keyed, b_keyed)
    paired_a = {i for i, _ in pairs}
    paired_b = {j for _, j in pairs}
    out["removed"] = [cluster_view(al.a_index, c) for i, c in enumerate(al.a.clusters) if i not in paired_a]
    out["added"] = [cluster_view(al.b_index, c) for j, c in enumerate(al.b.clusters) if j not in paired_b]
    for i, j in pairs:
        x, y = al.a.clusters[i], al.b.clusters[j]
        fields = [f for f in ("name", "type") if getattr(x, f) != getattr(y, f)]
        a_view, b_view = cluster_view(al.a_index, x), cluster_view(al.b_index, y)
        added = [s for s in b_view["mentions"] if (s["start"], s["end"]) not in a_keyed[i][1]]
        removed = [s for s in a_view["mentions"] if (s["start"], s["end"]) not in b_keyed[j][1]]
        if added or removed:
            fields.append("members")
        if fields:
            change = {"a": a_view, "b": b_view, "fields": fields, "members_added": added, "members_removed": removed}
            out["changed"].append(change)
    return out


def _diff_events(al: DocAlignment) -> tuple[dict, dict]:
    events, arguments = _layer(), _layer()
    ai, bi = al.a_index, al.b_index
    for e in al.a.events:
        if e.id not in al.event:
            events["removed"].append(event_view(ai, e))
            arguments["removed"] += [argument_view(ai, e, arg) for arg in e.arguments]
    paired_b = set(al.event.values())
    for e in al.b.events:
        if e.id not in paired_b:
            events["added"].append(event_view(bi, e))
            arguments["added"] += [argument_view(bi, e, arg) for arg in e.arguments]
    for a_id, b_id in al.event.items():
        x, y = ai.events[a_id], bi.events[b_id]
        fields = []
        if x.type != y.type:
            fields.append("type")
        if x.epistemic.status != y.epistemic.status:
            fields.append("epistemic.status")
        xs, ys = x.epistemic.source, y.epistemic.source
        if (xs is None) != (ys is None) or (xs is not None and ys is not None and not _same_ref(al, xs, ys)):
            fields.append("epistemic.source")
        if event_polarity(x) != event_polarity(y):
            fields.append("polarity")
        if fields:
            events["changed"].append({"a": event_view(ai, x), "b": event_view(bi, y), "fields": fields})

        def fit(p: rec.Argument, q: rec.Argument) -> float | None:
            if not al.refs_match(p.ref, q.ref):
                return None
            return 0.5 * (p.role == q.role) + 0.5 * _same_ref(al, p.ref, q.ref)

        pairs = best_pairs(x.arguments, y.arguments, fit)
        paired_args_a = {id(p) for p, _ in pairs}
        paired_args_b = {id(q) for _, q in pairs}
        arguments["removed"] += [argument_view(ai, x, p) for p in x.arguments if id(p) not in paired_args_a]
        arguments["added"] += [argument_view(bi, y, q) for q in y.arguments if id(q) not in paired_args_b]
        for p, q in pairs:
            arg_fields = (["role"] if p.role != q.role else []) + ([] if _same_ref(al, p.ref, q.ref) else ["ref"])
            if arg_fields:
                change = {"a": argument_view(ai, x, p), "b": argument_view(bi, y, q), "fields": arg_fields}
                arguments["changed"].append(change)
    return events, arguments


def _diff_stances(al: DocAlignment) -> dict:
    out = _layer()
    ai, bi = al.a_index, al.b_index
    pairs = al.stances()
    paired_a = {x.id for x, _ in pairs}
    paired_b = {y.id for _, y in pairs}
    out["removed"] = [stance_view(ai, s) for s in al.a.stances if s.id not in paired_a]
    out["added"] = [stance_view(bi, s) for s in al.b.stances if s.id not in paired_b]
    for x, y in pairs:
        fields = []
        if x.polarity != y.polarity:
            fields.append("polarity")
        if isinstance(x.holder, rec.EntityHolder) and not _same_ref(al, x.holder.ref, y.holder.ref):  # type: ignore[union-attr]
            fields.append("holder")
        if isinstance(x.target, rec.PropositionTarget):
            if (x.target.start, x.target.end) != (y.target.start, y.target.end):  # type: ignore[union-attr]
                fields.append("target")
        elif not _same_ref(al, x.target.ref, y.target.ref):  # type: ignore[union-attr]
            fields.append("target")
        if sorted((e.start, e.end) for e in x.evidence) != sorted((e.start, e.end) for e in y.evidence):
            fields.append("evidence")
        if fields:
            out["changed"].append({"a": stance_view(ai, x), "b": stance_view(bi, y), "fields": fields})
    return out


def diff_document(a: rec.Record, b: rec.Record) -> dict:
    """Changes from ``a`` to ``b``, two records of one document with the same text: ``{layer: {...}}``."""
    al = DocAlignment.of(a, b, events_by="span")
    events, arguments = _diff_events(al)
    return {
        "mentions": _diff_mentions(a, b),
        "clusters": _diff_clusters(al),
        "events": events,
        "arguments": arguments,
        "stances": _diff_stances(al),
    }


# ---------------------------------------------------------------- corpus


def _counts(r: rec.Record) -> dict:
    return {
        "id": r.id,
        "mentions": len(r.entities),
        "clusters": len(r.clusters),
        "events": len(r.events),
        "arguments": sum(len(e.arguments) for e in r.events),
        "stances": len(r.stances),
    }


def _first_difference(x: str, y: str) -> int:
    for i, (p, q) in enumerate(zip(x, y, strict=False)):
        if p != q:
            return i
    return min(len(x), len(y))


def is_empty(result: dict) -> bool:
    """No document added, removed or not comparable, and no change in any compared document."""
    docs = result["documents"]
    return not (docs["added"] or docs["removed"] or docs["not_comparable"] or result["changes"])


def diff(a_records: Iterable[rec.Record], b_records: Iterable[rec.Record]) -> dict:
    """All changes from A to B (module docstring describes the result)."""
    a_records, b_records = list(a_records), list(b_records)
    pairing = pair_documents(a_records, b_records)
    a_by_id = {r.id: r for r in reversed(a_records)}
    b_by_id = {r.id: r for r in reversed(b_records)}
    summary = {layer: {"added": 0, "removed": 0, "changed": 0} for layer in LAYERS}
    changes = []
    for a, b in pairing.pairs:
        layers = diff_document(a, b)
        if any(items for layer in layers.values() for items in layer.values()):
            changes.append({"id": a.id, **layers})
            for name, layer in layers.items():
                for what, items in layer.items():
                    summary[name][what] += len(items)
    not_comparable = []
    for doc_id in pairing.not_comparable:
        x, y = a_by_id[doc_id].text, b_by_id[doc_id].text
        not_comparable.append(
            {"id": doc_id, "a_length": len(x), "b_length": len(y), "first_difference": _first_difference(x, y)}
        )
    return {
        "format": FORMAT,
        "documents": {
            "compared": len(pairing.pairs),
            "changed": len(changes),
            "added": [_counts(b_by_id[i]) for i in pairing.only_b],
            "removed": [_counts(a_by_id[i]) for i in pairing.only_a],
            "not_comparable": not_comparable,
        },
        "summary": summary,
        "changes": changes,
    }
