"""One document as a right-to-left page: its text with every annotation highlighted and filterable, then tables.

The one renderer of a record: ``aces report`` writes it for every document (``document_page`` with the corpus-wide
inventory and colours) and ``aces show`` writes it for one (``document_page(record)``: the same page, standalone).
Every annotation is its own element carrying ``data-layer`` (``mention``, ``event``, ``stance``), ``data-label``
(entity type, event type, polarity), ``data-id`` (the ACES id) and, for a stance's spans, ``data-part`` (``ev0``,
``ev1``, …, ``target``). The text is cut at every annotation edge and each piece is wrapped once per annotation
covering it, so nested mentions (stacked underlines), triggers (framed) and stance evidence (shaded by polarity)
overlap freely, even when they cross; the piece's tooltip names every annotation covering it. A trigger lists its
arguments in ``data-args`` and evidence its holder and target, which the page highlights on click; their labels
link to their rows in the tables. CSS and script are inline: the page opens from disk with nothing fetched.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import msgspec

from aces.record import AuthorHolder, EntityHolder, EntityTarget, EventTarget, PropositionTarget, Record, Stance
from aces.report.assets import FILTER_JS, page
from aces.schema import CURRENT_VERSION, Labels, known_versions, labels

MENTION, EVENT, STANCE = "mention", "event", "stance"
LAYERS = (MENTION, EVENT, STANCE)
LAYER_NAMES = {MENTION: "Entities", EVENT: "Events", STANCE: "Stances"}
# Colour-blind-friendly light tones; types and polarities take them in inventory order (labels.json).
ENTITY_COLOURS = [
    *("#7fb3d5", "#f5b041", "#82e0aa", "#f1948a", "#bb8fce", "#f7dc6f", "#76d7c4", "#d7bde2"),
    *("#f0b27a", "#aeb6bf"),
]
POLARITY_COLOURS = ["#abebc6", "#f5b7b1", "#d5d8dc", "#fad7a0", "#aed6f1"]
TRIGGER_COLOUR = "#333"
"""A trigger whose type has no colour (never for a type of the inventory)."""
_LEVEL_PX = 4  # vertical step between stacked mention underlines


def labels_for(record: Record) -> Labels:
    return labels(record.schema_version if record.schema_version in known_versions() else CURRENT_VERSION)


def palette(names: list[str], colours: list[str]) -> dict[str, str]:
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def distinct_colours(count: int) -> list[str]:
    """``count`` dark tones of hues spread evenly round the colour wheel: one per event type (there are more event
    types than a fixed palette has colours), dark enough to frame bold trigger text on white."""
    import colorsys

    out = []
    for i in range(count):
        red, green, blue = colorsys.hls_to_rgb(i / max(count, 1), 0.4, 0.75)
        out.append(f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}")
    return out


def inventory(records: Sequence[Record]) -> dict[str, list[str]]:
    """Layer → labels to offer in the filter: the schema's inventory in order, then any label the data adds."""
    lab = labels_for(records[0]) if records else labels(CURRENT_VERSION)
    found = {
        MENTION: {m.type for r in records for m in r.entities},
        EVENT: {e.type for r in records for e in r.events},
        STANCE: {s.polarity for r in records for s in r.stances},
    }
    base = {MENTION: list(lab.entity_types), EVENT: list(lab.event_types), STANCE: list(lab.stance_polarities)}
    return {layer: base[layer] + sorted(found[layer] - set(base[layer])) for layer in LAYERS}


def colours_for(records: Sequence[Record]) -> dict[str, dict[str, str]]:
    """Layer → label → colour, from the inventory of ``records``: the same label has one colour on every page."""
    inv = inventory(records)
    return {
        MENTION: palette(inv[MENTION], ENTITY_COLOURS),
        EVENT: dict(zip(inv[EVENT], distinct_colours(len(inv[EVENT])), strict=True)),
        STANCE: palette(inv[STANCE], POLARITY_COLOURS),
    }


@dataclass
class _Ann:
    layer: str
    kind: str  # mention | trigger | evidence | target
    ann_id: str
    label: str
    start: int
    end: int
    colour: str
    tip: str
    args: list[str] = field(default_factory=list)
    level: int = 0
    tag: str = ""
    part: str = ""  # a stance's span: ev0, ev1, … or target


class _Refs:
    """Ids → what a reader recognises, and ids → the mention ids to highlight for them."""

    def __init__(self, record: Record) -> None:
        self.text = {m.id: f"«{m.text}»" for m in record.entities}
        self.text |= {c.id: f"{c.name} ({c.type})" for c in record.clusters}
        self.text |= {e.id: f"{e.type} «{e.trigger.text}»" for e in record.events}
        self.cluster_of = {mid: c for c in record.clusters for mid in c.mentions}
        self.members = {c.id: list(c.mentions) for c in record.clusters}

    def __call__(self, ref: str | None) -> str:
        return "—" if ref is None else self.text.get(ref, f"{ref} (unknown id)")

    def marks(self, ref: str) -> list[str]:
        """Elements to highlight for a reference: a cluster's mentions, or the mention/event itself."""
        return self.members.get(ref, [ref])


def short(ann_id: str) -> str:
    return ann_id.rsplit(":", 1)[-1]


def holder_text(stance: Stance, refs: _Refs) -> str:
    return "the author" if isinstance(stance.holder, AuthorHolder) else refs(stance.holder.ref)


def target_text(stance: Stance, refs: _Refs) -> str:
    t = stance.target
    return f"«{t.text}»" if isinstance(t, PropositionTarget) else refs(t.ref)


def polarity_of(event) -> str:
    """Schema 1.1.0 event polarity (``negative``: the text says it did not happen); empty when unset."""
    polarity = getattr(event, "polarity", msgspec.UNSET)
    return "" if polarity is msgspec.UNSET else str(polarity)


def _annotations(record: Record, refs: _Refs, colours: dict[str, dict[str, str]]) -> list[_Ann]:
    anns: list[_Ann] = []
    for m in record.entities:
        cluster = refs.cluster_of.get(m.id)
        where = f"cluster {short(cluster.id)}: {cluster.name}" if cluster else "no cluster"
        tip = f"{short(m.id)} {m.type} {m.form} «{m.text}» — {where}"
        colour = colours[MENTION].get(m.type, "#ccc")
        anns.append(_Ann(MENTION, "mention", m.id, m.type, m.start, m.end, colour, tip, tag=m.type))
    for e in record.events:
        args = "; ".join(f"{a.role}: {refs(a.ref)}" for a in e.arguments) or "no arguments"
        source = f", source {refs(e.epistemic.source)}" if e.epistemic.source else ""
        negative = f", {polarity_of(e)}" if polarity_of(e) else ""
        tip = f"{short(e.id)} {e.type} «{e.trigger.text}» ({e.epistemic.status}{source}{negative}): {args}"
        marks = [x for a in e.arguments for x in refs.marks(a.ref)]
        tag = f"{e.type}·{short(e.id)}"
        colour = colours[EVENT].get(e.type, TRIGGER_COLOUR)
        anns.append(_Ann(EVENT, "trigger", e.id, e.type, e.trigger.start, e.trigger.end, colour, tip, marks, tag=tag))
    for s in record.stances:
        summary = f"{short(s.id)}: {holder_text(s, refs)} → {s.polarity} → {target_text(s, refs)}"
        marks = refs.marks(s.holder.ref) if isinstance(s.holder, EntityHolder) else []
        if isinstance(s.target, EntityTarget | EventTarget):
            marks = marks + refs.marks(s.target.ref)
        colour = colours[STANCE].get(s.polarity, "#ddd")
        for i, ev in enumerate(s.evidence):
            ann = _Ann(STANCE, "evidence", s.id, s.polarity, ev.start, ev.end, colour, f"evidence of {summary}", marks)
            ann.tag, ann.part = (f"{short(s.id)} {s.polarity}" if i == 0 else ""), f"ev{i}"
            anns.append(ann)
        if isinstance(s.target, PropositionTarget):
            t = s.target
            tip = f"target of {summary}"
            anns.append(_Ann(STANCE, "target", s.id, s.polarity, t.start, t.end, colour, tip, marks, part="target"))
    _levels([a for a in anns if a.kind == "mention"])
    return anns


def _levels(mentions: list[_Ann]) -> None:
    """Outer mentions take the lowest underline level; each overlapping inner one the next free level."""
    placed: list[_Ann] = []
    for ann in sorted(mentions, key=lambda a: (a.start, -(a.end - a.start))):
        used = {p.level for p in placed if p.start < ann.end and ann.start < p.end}
        ann.level = next(i for i in range(len(used) + 1) if i not in used)
        placed.append(ann)


_WRAP_ORDER = {"evidence": 0, "target": 1, "trigger": 2, "mention": 3}


def _attrs(ann: _Ann) -> str:
    data = {"layer": ann.layer, "label": ann.label, "id": ann.ann_id}
    if ann.part:
        data["part"] = ann.part
    if ann.args:
        data["args"] = " ".join(dict.fromkeys(ann.args))
    return " ".join(f'data-{k}="{html.escape(v, quote=True)}"' for k, v in data.items())


def _piece(text: str, covering: list[_Ann]) -> str:
    """One cut of the text inside one element per covering annotation; the tooltip names all of them."""
    out = html.escape(text)
    if not covering:
        return out
    for ann in sorted(covering, key=lambda a: (_WRAP_ORDER[a.kind], a.level), reverse=True):
        style = f"--c:{ann.colour}"
        if ann.kind == "mention":
            style += f";padding-bottom:{1 + _LEVEL_PX * ann.level}px"
        out = f'<span class="a k-{ann.kind}" style="{style}" {_attrs(ann)}>{out}</span>'
    tip = "\n".join(a.tip for a in sorted(covering, key=lambda a: (_WRAP_ORDER[a.kind], a.level)))
    return f'<span class="p" title="{html.escape(tip, quote=True)}">{out}</span>'


def _tag(ann: _Ann) -> str:
    """The label of an annotation; a trigger's and a stance's link to their row in the tables."""
    if not ann.tag:
        return ""
    attrs = (
        f'class="tag k-{ann.kind}" style="--c:{ann.colour}" {_attrs(ann)} title="{html.escape(ann.tip, quote=True)}"'
    )
    if ann.kind == "mention":
        return f"<sup {attrs}>{html.escape(ann.tag)}</sup>"
    return f'<a href="#row-{html.escape(short(ann.ann_id), quote=True)}" {attrs}>{html.escape(ann.tag)}</a>'


def _block(text: str, start: int, end: int, anns: list[_Ann]) -> str:
    """Text ``[start, end)`` cut at every annotation edge; labels open evidence and close mentions/triggers."""
    inside = [a for a in anns if a.start < end and start < a.end]
    cuts = sorted({start, end} | {x for a in inside for x in (a.start, a.end) if start < x < end})
    out: list[str] = []
    for a, b in pairwise(cuts):
        out += [_tag(x) for x in inside if x.start == a and x.kind == "evidence"]
        out.append(_piece(text[a:b], [x for x in inside if x.start <= a and b <= x.end]))
        closing = sorted((x for x in inside if x.end == b and x.kind in ("mention", "trigger")), key=lambda x: -x.start)
        out += [_tag(x) for x in closing]
    return "".join(out)


def document_html(record: Record, colours: dict[str, dict[str, str]]) -> str:
    """``<article id="doc" dir="rtl">`` with one block per segment (text outside segments in its own block)."""
    refs = _Refs(record)
    anns = _annotations(record, refs, colours)
    spans = sorted((s.start, s.end, s.type, s.id) for s in record.segments)
    pos, blocks = 0, []
    for start, end, kind, sid in [*spans, (len(record.text), len(record.text), "", "")]:
        if record.text[pos:start].strip():
            blocks.append(f'<div class="seg seg-outside">{_block(record.text, pos, start, anns)}</div>')
        if sid:
            cls = html.escape(kind, quote=True)
            blocks.append(f'<div class="seg seg-{cls}" id="{html.escape(short(sid), quote=True)}">')
            blocks.append(f"{_block(record.text, start, end, anns)}</div>")
        pos = max(pos, end)
    lang = html.escape(record.lang, quote=True)
    return f'<article id="doc" dir="rtl" lang="{lang}">{"".join(blocks)}</article>'


def _bdi(text: str) -> str:
    """Isolated direction, so Arabic text next to Latin role names is not reordered by the bidi algorithm."""
    return f"<bdi>{html.escape(text)}</bdi>"


def _table(table_id: str, head: list[str], rows: list[list[str]], row_ids: list[str]) -> str:
    if not rows:
        return f'<p id="{table_id}" class="none">none</p>'
    ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        f'<tr id="{html.escape(rid, quote=True)}">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for rid, row in zip(row_ids, rows, strict=True)
    )
    return f'<table id="{table_id}" class="list"><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>'


def tables_html(record: Record) -> str:
    """Events (trigger and arguments as ``role: text``), stances and clusters of the record, under the text.

    Arguments read ``role: text`` because an arrow would point the wrong way in a right-to-left row.
    """
    refs = _Refs(record)
    events = [
        [
            html.escape(short(e.id)),
            html.escape(e.type),
            _bdi(f"«{e.trigger.text}»"),
            html.escape(e.epistemic.status)
            + (f", source {_bdi(refs(e.epistemic.source))}" if e.epistemic.source else "")
            + (f", {html.escape(polarity_of(e))}" if polarity_of(e) else ""),
            "<br>".join(f"{_bdi(a.role)}: {_bdi(refs(a.ref))}" for a in e.arguments) or "—",
        ]
        for e in record.events
    ]
    stances = [
        [
            html.escape(short(s.id)),
            _bdi(holder_text(s, refs)),
            html.escape(s.polarity),
            _bdi(target_text(s, refs)),
            "<br>".join(_bdi(f"«{ev.text}»") for ev in s.evidence),
        ]
        for s in record.stances
    ]
    clusters = [
        [html.escape(short(c.id)), html.escape(c.type), _bdi(c.name), " · ".join(_bdi(refs(m)) for m in c.mentions)]
        for c in record.clusters
    ]
    ids = {
        kind: [f"row-{short(x.id)}" for x in items]
        for kind, items in (("events", record.events), ("stances", record.stances), ("clusters", record.clusters))
    }
    return "\n".join(
        [
            "<h2>الأحداث · Events</h2>",
            _table("events", ["id", "type", "trigger", "epistemic", "arguments"], events, ids["events"]),
            "<h2>المواقف · Stances</h2>",
            _table("stances", ["id", "holder", "polarity", "target", "evidence"], stances, ids["stances"]),
            "<h2>الكيانات · Clusters</h2>",
            _table("clusters", ["id", "type", "name", "mentions"], clusters, ids["clusters"]),
        ]
    )


def filters_html(record: Record, inv: dict[str, list[str]], colours: dict[str, dict[str, str]]) -> str:
    """One checkbox per layer and per label the record uses, with its colour: the filter is also the legend."""
    counts = {
        MENTION: Counter(m.type for m in record.entities),
        EVENT: Counter(e.type for e in record.events),
        STANCE: Counter(s.polarity for s in record.stances),
    }
    sets = []
    for layer in LAYERS:
        boxes = [
            f'<label><input type="checkbox" data-layer="{layer}" data-label="{html.escape(label, quote=True)}" '
            f'checked><span class="swatch" style="background:{colours[layer].get(label, "#ccc")}"></span>'
            f"<bdi>{html.escape(label)} <small>({counts[layer][label]})</small></bdi></label>"
            for label in inv[layer]
            if counts[layer][label]
        ]
        head = f'<label><input type="checkbox" class="layer" data-layer="{layer}" checked> {LAYER_NAMES[layer]}</label>'
        sets.append(f'<fieldset data-layer="{layer}"><legend>{head}</legend>{"".join(boxes) or "none"}</fieldset>')
    return f'<form id="filters" autocomplete="off">{"".join(sets)}</form>'


def document_page(
    record: Record,
    inv: dict[str, list[str]] | None = None,
    colours: dict[str, dict[str, str]] | None = None,
    validation: str = "",
    index_href: str = "",
) -> str:
    """The whole page of one record (UTF-8; write it with ``encoding="utf-8"``), right-to-left in its language.

    ``aces show`` passes the record alone (labels and colours from it); ``aces report`` passes the corpus's
    inventory and colours, the record's validation summary and the link back to its index.
    """
    inv = inv if inv is not None else inventory([record])
    colours = colours if colours is not None else colours_for([record])
    shown = " · ".join(
        f'<span data-count="{layer}">{n}</span> {name}'
        for layer, n, name in (
            (MENTION, len(record.entities), "mentions"),
            (EVENT, len(record.events), "events"),
            (STANCE, len(record.stances), "stances"),
        )
    )
    meta = f"split {html.escape(record.split)} · schema {html.escape(record.schema_version)} · "
    meta += f"{len(record.text)} characters · {len(record.clusters)} clusters"
    meta += f" · validation: {html.escape(validation)}" if validation else ""
    body = [
        f'<p dir="ltr"><a href="{html.escape(index_href, quote=True)}">← corpus report</a></p>' if index_href else "",
        f'<h1><code class="id">{html.escape(record.id)}</code></h1>',
        f'<p class="meta" dir="ltr">{meta}</p>',
        filters_html(record, inv, colours),
        f'<p id="shown" dir="ltr">Highlighted: {shown}. Click a trigger or evidence to outline its arguments, holder '
        "and target.</p>",
        document_html(record, colours),
        tables_html(record),
    ]  # fmt: skip
    return page(f"{record.id} · ACES", body, FILTER_JS, lang=record.lang, direction="rtl")
