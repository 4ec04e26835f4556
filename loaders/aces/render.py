"""One record as a self-contained right-to-left HTML page, so a curator can look at annotations instead of JSON.

The text is cut at every span edge into pieces; each piece is wrapped once per annotation covering it, so
nested mentions (stacked underlines), triggers (framed, bold) and stance evidence (shaded by polarity) can all
overlap, even when they cross. Every piece carries ``data-ann`` (the ids covering it) and a tooltip; tables
below the text list clusters, events with their arguments (``role: text``, as an arrow would point the wrong
way in a right-to-left row) and stances (holder, target, polarity, evidence). No script, no external
resource: the file opens offline.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import msgspec

from aces.record import AuthorHolder, EntityHolder, EntityTarget, Event, EventTarget, PropositionTarget, Record
from aces.schema import CURRENT_VERSION, Labels, known_versions, labels

# Colour-blind-friendly light tones; types and polarities take them in inventory order (labels.json).
_ENTITY_COLOURS = ["#7fb3d5", "#f5b041", "#82e0aa", "#f1948a", "#bb8fce", "#f7dc6f", "#76d7c4", "#d7bde2"]
_POLARITY_COLOURS = ["#abebc6", "#f5b7b1", "#d5d8dc", "#fad7a0", "#aed6f1"]
_LEVEL_PX = 4  # vertical step between stacked mention underlines

_CSS = """
body { font-family: "Noto Naskh Arabic", "Amiri", "Geeza Pro", "Arial", sans-serif; margin: 2em auto; max-width: 60em;
       padding: 0 1em; color: #1b1b1b; }
#text { font-size: 1.25em; line-height: 2.9; }
.seg { margin: 0 0 .6em 0; }
.seg-title { font-size: 1.5em; font-weight: bold; }
.seg-heading { font-size: 1.2em; font-weight: bold; }
.seg-lead { font-style: italic; }
.m { border-bottom: 3px solid; }
.trig { font-weight: bold; border: 1.5px solid #333; border-radius: 3px; }
.prop { text-decoration: overline dashed 2px; }
.lbl { font-size: .55em; font-weight: bold; vertical-align: super; margin: 0 .15em; padding: 0 .25em;
       border-radius: 3px; white-space: nowrap; line-height: 1; text-decoration: none; color: #1b1b1b; }
a.lbl { border: 1px solid #555; background: #fff; }
table { border-collapse: collapse; margin: .5em 0 1.5em 0; font-size: .95em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; vertical-align: top; text-align: right; }
.legend span { display: inline-block; margin: 0 .3em .3em 0; padding: 0 .4em; border-radius: 3px; }
code { direction: ltr; unicode-bidi: embed; }
"""


@dataclass
class _Ann:
    key: str  # unique within the page: mention id, event id, "<stance id>/ev<i>", "<stance id>/target"
    start: int
    end: int
    kind: str  # mention | trigger | evidence | prop
    colour: str
    tooltip: str
    label: str = ""
    href: str = ""
    level: int = 0


def _labels_for(record: Record) -> Labels:
    return labels(record.schema_version if record.schema_version in known_versions() else CURRENT_VERSION)


def _palette(names: Iterable[str], colours: list[str]) -> dict[str, str]:
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


class _Refs:
    """Turns an annotation id into something a reader recognises (the mention text, the cluster name, …)."""

    def __init__(self, record: Record) -> None:
        self.text = {m.id: f"«{m.text}»" for m in record.entities}
        self.text |= {c.id: f"{c.name} ({c.type})" for c in record.clusters}
        self.text |= {e.id: f"{e.type} «{e.trigger.text}»" for e in record.events}
        self.cluster_of = {mid: c for c in record.clusters for mid in c.mentions}

    def __call__(self, ref: str | None) -> str:
        if ref is None:
            return "—"
        return self.text.get(ref, f"{ref} (unknown id)")


def _short(ann_id: str) -> str:
    return ann_id.rsplit(":", 1)[-1]


def _colours(record: Record, lab: Labels) -> tuple[dict[str, str], dict[str, str]]:
    """Entity type → colour and polarity → colour: the inventory's labels first, then any the record adds."""
    types = [*lab.entity_types, *sorted({m.type for m in record.entities} - set(lab.entity_types))]
    polarities = [*lab.stance_polarities, *sorted({s.polarity for s in record.stances} - set(lab.stance_polarities))]
    return _palette(types, _ENTITY_COLOURS), _palette(polarities, _POLARITY_COLOURS)


def _annotations(record: Record, refs: _Refs, ent_colour: dict[str, str], pol_colour: dict[str, str]) -> list[_Ann]:
    anns: list[_Ann] = []
    for m in record.entities:
        cluster = refs.cluster_of.get(m.id)
        where = f"cluster {_short(cluster.id)}: {cluster.name}" if cluster else "no cluster"
        anns.append(
            _Ann(
                m.id,
                m.start,
                m.end,
                "mention",
                ent_colour[m.type],
                f"{_short(m.id)} {m.type} {m.form} «{m.text}» — {where}",
                m.type,
            )
        )
    for e in record.events:
        args = "; ".join(f"{a.role}: {refs(a.ref)}" for a in e.arguments) or "no arguments"
        source = f", source {refs(e.epistemic.source)}" if e.epistemic.source else ""
        tip = f"{_short(e.id)} {e.type} «{e.trigger.text}» ({e.epistemic.status}{source}{_polarity(e)}): {args}"
        anns.append(
            _Ann(
                e.id,
                e.trigger.start,
                e.trigger.end,
                "trigger",
                "#333",
                tip,
                f"{e.type}·{_short(e.id)}",
                f"#{_short(e.id)}",
            )
        )
    for s in record.stances:
        summary = f"{_short(s.id)} {_holder(s, refs)} → {s.polarity} → {_target(s, refs)}"
        for i, ev in enumerate(s.evidence):
            label = f"{_short(s.id)} {s.polarity}" if i == 0 else ""
            anns.append(
                _Ann(
                    f"{s.id}/ev{i}",
                    ev.start,
                    ev.end,
                    "evidence",
                    pol_colour[s.polarity],
                    f"evidence of {summary}",
                    label,
                    f"#{_short(s.id)}",
                )
            )
        if isinstance(s.target, PropositionTarget):
            t = s.target
            anns.append(_Ann(f"{s.id}/target", t.start, t.end, "prop", pol_colour[s.polarity], f"target of {summary}"))
    _assign_levels([a for a in anns if a.kind == "mention"])
    return anns


def _assign_levels(mentions: list[_Ann]) -> None:
    """Outer mentions take the lowest underline level; each overlapping inner one the next free level."""
    placed: list[_Ann] = []
    for ann in sorted(mentions, key=lambda a: (a.start, -(a.end - a.start))):
        used = {p.level for p in placed if p.start < ann.end and ann.start < p.end}
        ann.level = next(i for i in range(len(used) + 1) if i not in used)
        placed.append(ann)


def _polarity(event: Event) -> str:
    """Schema 1.1.0 event polarity (``negative``: the text says it did not happen); nothing when unset."""
    polarity = getattr(event, "polarity", msgspec.UNSET)
    return "" if polarity is msgspec.UNSET else f", {polarity}"


def _holder(stance, refs: _Refs) -> str:
    if isinstance(stance.holder, AuthorHolder):
        return "the author"
    return refs(stance.holder.ref) if isinstance(stance.holder, EntityHolder) else str(stance.holder)


def _target(stance, refs: _Refs) -> str:
    t = stance.target
    if isinstance(t, EntityTarget | EventTarget):
        return refs(t.ref)
    return f"«{t.text}»" if isinstance(t, PropositionTarget) else str(t)


def _piece(text: str, covering: list[_Ann]) -> str:
    out = html.escape(text)
    for ann in sorted((a for a in covering if a.kind == "mention"), key=lambda a: -a.level):
        pad = 1 + _LEVEL_PX * ann.level
        out = f'<span class="m" style="border-color:{ann.colour};padding-bottom:{pad}px">{out}</span>'
    for ann in covering:
        if ann.kind == "trigger":
            out = f'<span class="trig">{out}</span>'
        elif ann.kind == "prop":
            out = f'<span class="prop" style="text-decoration-color:{ann.colour}">{out}</span>'
    shade = next((a.colour for a in covering if a.kind == "evidence"), None)
    style = f' style="background:{shade}"' if shade else ""
    ids = " ".join(a.key for a in covering)
    tip = html.escape("\n".join(a.tooltip for a in covering), quote=True)
    return f'<span class="p" data-ann="{html.escape(ids, quote=True)}" title="{tip}"{style}>{out}</span>'


def _tag(ann: _Ann) -> str:
    if not ann.label:
        return ""
    if ann.href:
        return f'<a class="lbl" href="{ann.href}">{html.escape(ann.label)}</a>'
    return f'<span class="lbl" style="background:{ann.colour}">{html.escape(ann.label)}</span>'


def _block(text: str, start: int, end: int, anns: list[_Ann]) -> str:
    """Text ``[start, end)`` cut at every annotation edge; labels open evidence and close mentions/triggers."""
    inside = [a for a in anns if a.start < end and start < a.end]
    cuts = sorted({start, end} | {x for a in inside for x in (a.start, a.end) if start < x < end})
    out: list[str] = []
    for a, b in pairwise(cuts):
        out += [_tag(x) for x in inside if x.start == a and x.kind == "evidence"]
        out.append(_piece(text[a:b], [x for x in inside if x.start <= a and b <= x.end]))
        out += [
            _tag(x)
            for x in sorted(inside, key=lambda x: x.start, reverse=True)
            if x.end == b and x.kind in ("mention", "trigger")
        ]
    return "".join(out)


def _blocks(record: Record, anns: list[_Ann]) -> list[str]:
    """One block per segment, plus any non-blank text outside every segment (so nothing is hidden)."""
    spans = sorted((s.start, s.end, s.type, s.id) for s in record.segments)
    pos, out = 0, []
    for start, end, kind, sid in [*spans, (len(record.text), len(record.text), "", "")]:
        if record.text[pos:start].strip():
            out.append(f'<div class="seg seg-outside">{_block(record.text, pos, start, anns)}</div>')
        if sid:
            cls = html.escape(kind, quote=True)
            out.append(f'<div class="seg seg-{cls}" id="{_short(sid)}">{_block(record.text, start, end, anns)}</div>')
        pos = max(pos, end)
    return out


def _table(table_id: str, head: list[str], rows: list[list[str]], row_ids: list[str] | None = None) -> str:
    if not rows:
        return f'<p id="{table_id}">none</p>'
    ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = []
    for i, row in enumerate(rows):
        rid = f' id="{html.escape(row_ids[i], quote=True)}"' if row_ids else ""
        body.append(f"<tr{rid}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return f'<table id="{table_id}">' + f"<thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _e(text: str) -> str:
    return html.escape(text)


def _b(text: str) -> str:
    """Isolated direction, so Arabic text next to Latin role names is not reordered by the bidi algorithm."""
    return f"<bdi>{html.escape(text)}</bdi>"


def render_html(record: Record) -> str:
    """The whole page for one record (UTF-8 text; write it with ``encoding="utf-8"``)."""
    lab = _labels_for(record)
    refs = _Refs(record)
    ent_colour, pol_colour = _colours(record, lab)
    anns = _annotations(record, refs, ent_colour, pol_colour)
    legend = "".join(f'<span style="background:{c}">{_e(t)}</span>' for t, c in ent_colour.items())
    legend += "".join(f'<span style="background:{c}">{_e(p)}</span>' for p, c in pol_colour.items())
    clusters = [
        [_e(_short(c.id)), _e(c.type), _b(c.name), " · ".join(_b(refs(m)) for m in c.mentions)] for c in record.clusters
    ]
    events = [
        [
            _e(_short(e.id)),
            _e(e.type),
            _b(f"«{e.trigger.text}»"),
            _e(e.epistemic.status)
            + (f", source {_b(refs(e.epistemic.source))}" if e.epistemic.source else "")
            + _e(_polarity(e)),
            "<br>".join(f"{_b(a.role)}: {_b(refs(a.ref))}" for a in e.arguments) or "—",
        ]
        for e in record.events
    ]
    stances = [
        [
            _e(_short(s.id)),
            _b(_holder(s, refs)),
            _e(s.polarity),
            _b(_target(s, refs)),
            "<br>".join(_b(f"«{ev.text}»") for ev in s.evidence),
        ]
        for s in record.stances
    ]
    counts = (
        f"{len(record.entities)} mentions, {len(record.clusters)} clusters, {len(record.events)} events, "
        f"{len(record.stances)} stances"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_e(record.lang)}" dir="rtl">',
            '<head><meta charset="utf-8">',
            f"<title>{_e(record.id)}</title>",
            f"<style>{_CSS}</style></head>",
            "<body>",
            f'<p><code dir="ltr">{_e(record.id)}</code> · split {_e(record.split)} · schema '
            f"{_e(record.schema_version)} · {counts}</p>",
            f'<p class="legend">{legend}</p>',
            f'<div id="text">{"".join(_blocks(record, anns))}</div>',
            "<h2>الكيانات · Clusters</h2>",
            _table("clusters", ["id", "type", "name", "mentions"], clusters),
            "<h2>الأحداث · Events</h2>",
            _table(
                "events",
                ["id", "type", "trigger", "epistemic", "arguments"],
                events,
                [_short(e.id) for e in record.events],
            ),
            "<h2>المواقف · Stances</h2>",
            _table(
                "stances",
                ["id", "holder", "polarity", "target", "evidence"],
                stances,
                [_short(s.id) for s in record.stances],
            ),
            "</body></html>",
        ]
    )
