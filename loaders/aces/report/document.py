"""One document of the report: its text right-to-left, every annotation highlighted and filterable in the page.

``aces.render`` draws a record for reading; the report also needs to switch single labels off, so here every
annotation is its own element carrying ``data-layer`` (``mention``, ``event``, ``stance``), ``data-label`` (entity
type, event type, polarity) and ``data-id`` (the ACES id). The text is cut at every annotation edge and each piece is
wrapped once per annotation covering it, so nested mentions (stacked underlines), triggers (framed) and stance
evidence (shaded by polarity) overlap freely, even when they cross. A trigger lists its arguments in ``data-args``
and evidence its holder and target, which the page highlights on click.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from itertools import pairwise

import msgspec

from aces.record import AuthorHolder, EntityHolder, EntityTarget, EventTarget, PropositionTarget, Record, Stance
from aces.schema import CURRENT_VERSION, Labels, known_versions, labels

MENTION, EVENT, STANCE = "mention", "event", "stance"
LAYERS = (MENTION, EVENT, STANCE)
ENTITY_COLOURS = ["#7fb3d5", "#f5b041", "#82e0aa", "#f1948a", "#bb8fce", "#f7dc6f", "#76d7c4", "#d7bde2"]
POLARITY_COLOURS = ["#abebc6", "#f5b7b1", "#d5d8dc", "#fad7a0", "#aed6f1"]
_LEVEL_PX = 4


def labels_for(record: Record) -> Labels:
    return labels(record.schema_version if record.schema_version in known_versions() else CURRENT_VERSION)


def palette(names: list[str], colours: list[str]) -> dict[str, str]:
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def inventory(records: list[Record]) -> dict[str, list[str]]:
    """Layer → labels to offer in the filter: the schema's inventory in order, then any label the data adds."""
    lab = labels_for(records[0]) if records else labels(CURRENT_VERSION)
    found = {
        MENTION: {m.type for r in records for m in r.entities},
        EVENT: {e.type for r in records for e in r.events},
        STANCE: {s.polarity for r in records for s in r.stances},
    }
    base = {MENTION: list(lab.entity_types), EVENT: list(lab.event_types), STANCE: list(lab.stance_polarities)}
    return {layer: base[layer] + sorted(found[layer] - set(base[layer])) for layer in LAYERS}


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
    polarity = getattr(event, "polarity", msgspec.UNSET)
    return "" if polarity is msgspec.UNSET else str(polarity)


def _annotations(record: Record, refs: _Refs, colours: dict[str, dict[str, str]]) -> list[_Ann]:
    anns: list[_Ann] = []
    for m in record.entities:
        cluster = refs.cluster_of.get(m.id)
        where = f"cluster {short(cluster.id)}: {cluster.name}" if cluster else "no cluster"
        tip = f"{short(m.id)} {m.type} {m.form} «{m.text}» — {where}"
        anns.append(_Ann(MENTION, "mention", m.id, m.type, m.start, m.end, colours[MENTION].get(m.type, "#ccc"), tip))
        anns[-1].tag = m.type
    for e in record.events:
        args = "; ".join(f"{a.role}: {refs(a.ref)}" for a in e.arguments) or "no arguments"
        source = f", source {refs(e.epistemic.source)}" if e.epistemic.source else ""
        negative = f", {polarity_of(e)}" if polarity_of(e) else ""
        tip = f"{short(e.id)} {e.type} «{e.trigger.text}» ({e.epistemic.status}{source}{negative}): {args}"
        marks = [x for a in e.arguments for x in refs.marks(a.ref)]
        ann = _Ann(EVENT, "trigger", e.id, e.type, e.trigger.start, e.trigger.end, "#333", tip, marks)
        ann.tag = f"{e.type}·{short(e.id)}"
        anns.append(ann)
    for s in record.stances:
        summary = f"{short(s.id)}: {holder_text(s, refs)} → {s.polarity} → {target_text(s, refs)}"
        marks = refs.marks(s.holder.ref) if isinstance(s.holder, EntityHolder) else []
        if isinstance(s.target, EntityTarget | EventTarget):
            marks = marks + refs.marks(s.target.ref)
        colour = colours[STANCE].get(s.polarity, "#ddd")
        for i, ev in enumerate(s.evidence):
            ann = _Ann(STANCE, "evidence", s.id, s.polarity, ev.start, ev.end, colour, f"evidence of {summary}", marks)
            ann.tag = f"{short(s.id)} {s.polarity}" if i == 0 else ""
            anns.append(ann)
        if isinstance(s.target, PropositionTarget):
            t = s.target
            anns.append(_Ann(STANCE, "target", s.id, s.polarity, t.start, t.end, colour, f"target of {summary}", marks))
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
    if ann.args:
        data["args"] = " ".join(dict.fromkeys(ann.args))
    out = " ".join(f'data-{k}="{html.escape(v, quote=True)}"' for k, v in data.items())
    return f'{out} title="{html.escape(ann.tip, quote=True)}"'


def _piece(text: str, covering: list[_Ann]) -> str:
    out = html.escape(text)
    for ann in sorted(covering, key=lambda a: (_WRAP_ORDER[a.kind], a.level), reverse=True):
        style = f"--c:{ann.colour}"
        if ann.kind == "mention":
            style += f";padding-bottom:{1 + _LEVEL_PX * ann.level}px"
        out = f'<span class="a k-{ann.kind}" style="{style}" {_attrs(ann)}>{out}</span>'
    return out


def _tag(ann: _Ann) -> str:
    if not ann.tag:
        return ""
    label = html.escape(ann.tag)
    return f'<sup class="tag k-{ann.kind}" style="--c:{ann.colour}" {_attrs(ann)}>{label}</sup>'


def _block(text: str, start: int, end: int, anns: list[_Ann]) -> str:
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
    """Events (trigger and arguments), stances and clusters of the record, as tables under the text."""
    refs = _Refs(record)
    events = [
        [
            html.escape(short(e.id)),
            html.escape(e.type),
            _bdi(f"«{e.trigger.text}»"),
            html.escape(e.epistemic.status)
            + (f", source {_bdi(refs(e.epistemic.source))}" if e.epistemic.source else "")
            + (f", {html.escape(polarity_of(e))}" if polarity_of(e) else ""),
            "<br>".join(f"{html.escape(a.role)}: {_bdi(refs(a.ref))}" for a in e.arguments) or "—",
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
            "<h2>Events</h2>",
            _table("events", ["id", "type", "trigger", "epistemic", "arguments"], events, ids["events"]),
            "<h2>Stances</h2>",
            _table("stances", ["id", "holder", "polarity", "target", "evidence"], stances, ids["stances"]),
            "<h2>Clusters</h2>",
            _table("clusters", ["id", "type", "name", "mentions"], clusters, ids["clusters"]),
        ]
    )
