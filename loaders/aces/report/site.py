"""The pages of the corpus report: ``index.html`` (statistics, charts, validation, document list) and one page per
document under ``docs/``. Pages link to each other with relative paths and inline their CSS, script and charts, so
the folder opens from disk (``file://``) with no server and nothing fetched.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aces.corpus import stats
from aces.corpus.splits import SPLITS
from aces.paths import doc_file
from aces.record import Record
from aces.report.assets import page
from aces.report.charts import legend, stacked_bars
from aces.report.document import colours_for, document_page, inventory, labels_for

MAX_FINDINGS = 200


@dataclass
class Site:
    """What was written: the index, the document pages, and the counts the pages show."""

    index: Path
    documents: dict[str, Path] = field(default_factory=dict)
    mentions: int = 0
    events: int = 0
    stances: int = 0


def _e(text: object) -> str:
    return html.escape(str(text))


# --- validation -------------------------------------------------------------------------------------------------


def validation_html(report, files: Sequence[Path] = ()) -> str:
    """The validation summary: status, one row per finding code, then the findings themselves (capped).

    ``report`` is an ``aces.validate.Report`` (or ``None`` when validation was not run); this is the one place the
    report reads it, so a change of the validator's report shape is fixed here.
    """
    if report is None:
        return '<p><span class="status none">NOT RUN</span> validation was skipped (--no-validate).</p>'
    from aces.validate import CHECKS

    status = "failed" if report.errors else "passed"
    out = [
        f'<p><span class="status {status}" id="validation-status">{status.upper()}</span> '
        f"{report.errors} errors, {report.warnings} warnings in {report.records} records of {report.files} files "
        "(<code>aces validate</code>, all five levels).</p>"
    ]
    if report.counts:
        rows = []
        for code in sorted(report.counts, key=lambda c: (CHECKS[c].level if c in CHECKS else 9, c)):
            check = CHECKS.get(code)
            level = f"L{check.level}" if check else "?"
            severity = check.severity if check else "?"
            meaning = check.meaning if check else ""
            rows.append(
                f"<tr><td>{level}</td><td>{_e(severity)}</td><td><code>{_e(code)}</code></td>"
                f'<td class="n">{report.counts[code]}</td><td>{_e(meaning)}</td></tr>'
            )
        out.append(
            '<table id="validation-codes"><thead><tr><th>level</th><th>severity</th><th>code</th><th>count</th>'
            f"<th>meaning</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        shown = report.findings[:MAX_FINDINGS]
        items = "".join(f"<li>{_e(f.human())}</li>" for f in shown)
        more = len(report.findings) - len(shown) + report.suppressed
        out.append(f'<ul class="findings">{items}</ul>' + (f"<p>… and {more} more.</p>" if more else ""))
    return "\n".join(out)


# --- statistics -------------------------------------------------------------------------------------------------


def _per_split(records: Sequence[Record]) -> tuple[list[str], dict[str, dict]]:
    """Split names (schema order, then any other) and ``aces.corpus.stats.compute`` for each split's records."""
    inv = labels_for(records[0]) if records else None
    names = [*SPLITS, *sorted({r.split for r in records} - set(SPLITS))]
    return names, {s: stats.compute([r for r in records if r.split == s], inv) for s in names}


def _rows(per: dict[str, dict], section: str, key: str) -> dict[str, dict[str, int]]:
    """Label → split → count for one ``stats`` table (e.g. mentions by_type), labels in inventory order."""
    labels_: dict[str, dict[str, int]] = {}
    for split, computed in per.items():
        for label, count in computed[section][key].items():
            labels_.setdefault(label, {})[split] = count
    return labels_


def statistics_html(records: Sequence[Record]) -> str:
    names, per = _per_split(records)
    keys = ["documents", "characters", "record_tokens", "mentions", "clusters", "events", "stances"]
    head = "".join(f"<th>{_e(s)}</th>" for s in names)
    body = []
    for key in keys:
        cells = "".join(f'<td class="n">{per[s]["by_split"][s][key]}</td>' for s in names)
        total = sum(per[s]["by_split"][s][key] for s in names)
        name = "tokens (aces.tokenize)" if key == "record_tokens" else key.replace("_", " ")
        body.append(f'<tr><th>{_e(name)}</th>{cells}<td class="n">{total}</td></tr>')
    table = f'<table id="totals"><thead><tr><th></th>{head}<th>total</th></tr></thead><tbody>{"".join(body)}'
    table += "</tbody></table>"
    layers = {
        key: {s: per[s]["by_split"][s][key] for s in names} for key in ("documents", "mentions", "events", "stances")
    }
    charts = [
        stacked_bars("chart-splits", "Documents and annotations per split", layers, names),
        stacked_bars("chart-mentions", "Mentions per entity type", _rows(per, "mentions", "by_type"), names),
        stacked_bars("chart-events", "Events per type", _rows(per, "events", "by_type"), names),
        stacked_bars("chart-stances", "Stances per polarity", _rows(per, "stances", "by_polarity"), names),
        stacked_bars("chart-forms", "Mentions per form", _rows(per, "mentions", "by_form"), names),
        stacked_bars(
            "chart-epistemic", "Events per epistemic status", _rows(per, "events", "by_epistemic_status"), names
        ),
    ]
    titled = "".join(
        f"<figure><figcaption>{_e(title)}</figcaption>{svg}</figure>"
        for title, svg in zip(
            ["Per split", "Mentions per entity type", "Events per type", "Stances per polarity",
             "Mentions per form", "Events per epistemic status"],
            charts,
            strict=True,
        )
    )  # fmt: skip
    return "\n".join([table, legend(names), f'<div class="charts">{titled}</div>'])


# --- pages ------------------------------------------------------------------------------------------------------


def _documents_table(records: Sequence[Record], findings: dict[str, Counter]) -> str:
    rows = []
    for r in records:
        f = findings.get(r.id, Counter())
        rows.append(
            f'<tr><td><a class="id" href="docs/{_e(r.id)}.html">{_e(r.id)}</a></td><td>{_e(r.split)}</td>'
            f'<td class="n">{len(r.text)}</td><td class="n">{len(r.entities)}</td><td class="n">{len(r.events)}</td>'
            f'<td class="n">{len(r.stances)}</td><td class="n">{f["error"]}</td><td class="n">{f["warning"]}</td></tr>'
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("document", "split", "characters", "mentions", "events", "stances", "errors", "warnings")
    )
    return f'<table id="documents-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def build_site(records: Sequence[Record], out_dir: str | Path, validation=None, corpus_version: str = "") -> Site:
    """Write ``out_dir/index.html`` and ``out_dir/docs/<id>.html``; ``validation`` is an ``aces.validate.Report``.
    Raises ``aces.paths.UnsafePath`` before writing anything if a document id cannot name a file."""
    out = Path(out_dir)
    records = list(records)
    pages = {record.id: doc_file(out / "docs", record.id, ".html") for record in records}  # refused before writing
    (out / "docs").mkdir(parents=True, exist_ok=True)
    findings: dict[str, Counter] = {}
    for f in getattr(validation, "findings", []):
        findings.setdefault(f.doc_id or "", Counter())[f.severity] += 1
    inv = inventory(records)
    colours = colours_for(records)
    site = Site(out / "index.html")
    for record in records:
        f = findings.get(record.id, Counter())
        summary = "not run" if validation is None else f"{f['error']} errors, {f['warning']} warnings"
        path = pages[record.id]
        path.write_text(document_page(record, inv, colours, summary, "../index.html"), encoding="utf-8")
        site.documents[record.id] = path
    site.mentions = sum(len(r.entities) for r in records)
    site.events = sum(len(r.events) for r in records)
    site.stances = sum(len(r.stances) for r in records)
    versions = ", ".join(sorted({r.schema_version for r in records})) or "none"
    meta = f"corpus {_e(corpus_version)} · " if corpus_version else ""
    body = [
        "<h1>ACES corpus report</h1>",
        f'<p class="meta">{meta}schema {_e(versions)} · {len(records)} documents · {site.mentions} mentions · '
        f"{site.events} events · {site.stances} stances · written by <code>aces report</code></p>",
        '<nav><a href="#validation">Validation</a><a href="#statistics">Statistics</a>'
        '<a href="#documents">Documents</a></nav>',
        '<section id="validation"><h2>Validation</h2>',
        validation_html(validation),
        "</section>",
        '<section id="statistics"><h2>Statistics</h2>',
        statistics_html(records),
        "</section>",
        '<section id="documents"><h2>Documents</h2>',
        _documents_table(records, findings),
        "</section>",
    ]
    site.index.write_text(page("ACES corpus report", body), encoding="utf-8")
    return site
