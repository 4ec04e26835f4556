"""Corpus statistics as named tables, printed as aligned text or Markdown.

One set of tables serves ``aces stats`` (human and markdown output) and the generated blocks of DATASHEET.md,
so the two can never disagree about what a number means. Tables are grouped by the datasheet block they fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[object, ...]]
    notes: list[str] = field(default_factory=list)


def fmt(value: object) -> str:
    """Integers as they are, means with two decimals, an undefined value as ``n/a`` (never a made-up 0)."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _counts(title: str, column: str, counts: Mapping[str, int], unit: str) -> Table:
    rows = [(f"`{key}`", n) for key, n in counts.items()]
    return Table(title, (column, unit), [*rows, ("total", sum(counts.values()))])


def composition(stats: Mapping) -> list[Table]:
    by_split = stats["by_split"]
    keys = ("documents", "sentences", "characters", "whitespace_tokens", "record_tokens")
    size_rows = [(f"`{s}`", *(v[k] for k in keys)) for s, v in by_split.items()]
    size_rows.append(("total", stats["documents"]["total"], stats["sentences"]["total"], stats["characters"]["total"],
                      stats["tokens"]["whitespace"], stats["tokens"]["record"]))  # fmt: skip
    ann_keys = ("mentions", "clusters", "events", "stances")
    ann_rows = [(f"`{s}`", *(v[k] for k in ann_keys)) for s, v in by_split.items()]
    ann_rows.append(("total", *(stats[k]["total"] for k in ann_keys)))
    docs = stats["documents"]
    return [
        Table(
            "Documents, sentences, characters and tokens by split",
            ("split", "documents", "sentences", "characters", "whitespace tokens", "record tokens"),
            size_rows,
            [
                "Characters are Unicode code points of the clean NFC `text`. Whitespace tokens: `len(text.split())`."
                " Record tokens: `aces.tokenize` (spaCy's blank Arabic tokenizer with proclitics split off, from the"
                " text alone; the token sequence of every token view).",
            ],
        ),
        Table(
            "Annotations by split",
            ("split", "mentions", "clusters", "events", "stances"),
            ann_rows,
            [f"Documents with at least one mention, event or stance: {docs['annotated']} of {docs['total']}."],
        ),
        _counts("Segments by type", "segment type", stats["segments"]["by_type"], "segments"),
    ]


def entities(stats: Mapping) -> list[Table]:
    mentions, clusters = stats["mentions"], stats["clusters"]
    forms = list(mentions["by_form"])
    rows = [
        (f"`{etype}`", *(by_form.get(f, 0) for f in forms), mentions["by_type"][etype])
        for etype, by_form in mentions["by_type_and_form"].items()
    ]
    rows.append(("total", *(mentions["by_form"][f] for f in forms), mentions["total"]))
    return [
        Table("Mentions by entity type and form", ("entity type", *(f"`{f}`" for f in forms), "total"), rows),
        _counts("Clusters by entity type", "entity type", clusters["by_type"], "clusters"),
        Table(
            "Clusters",
            ("clusters", "singletons", "mentions in clusters", "mean mentions per cluster"),
            [tuple(clusters[k] for k in ("total", "singletons", "mentions_in_clusters", "mean_mentions_per_cluster"))],
        ),
    ]


def events(stats: Mapping) -> list[Table]:
    return [
        _counts("Events by type", "event type", stats["events"]["by_type"], "events"),
        _counts("Events by epistemic status", "status", stats["events"]["by_epistemic_status"], "events"),
        *(
            [_counts("Events by polarity (schema 1.1.0+)", "polarity", stats["events"]["by_polarity"], "events")]
            if stats["events"]["by_polarity"]
            else []
        ),
        _counts("Arguments by role (all event types)", "role", stats["arguments"]["by_role"], "arguments"),
    ]


def stances(stats: Mapping) -> list[Table]:
    st = stats["stances"]
    return [
        _counts("Stances by polarity", "polarity", st["by_polarity"], "stances"),
        _counts("Stance holders by kind", "holder kind", st["by_holder_kind"], "stances"),
        _counts("Stance targets by kind", "target kind", st["by_target_kind"], "stances"),
    ]


def provenance(stats: Mapping) -> list[Table]:
    prov = stats["provenance"]
    return [
        Table(
            "Documents by recorded source (`provenance.source`, verbatim)",
            ("source", "documents"),
            [(source, n) for source, n in prov["by_source"].items()],
            [f"Distinct raw files (by sha256): {prov['raw_files']}."],
        )
    ]


def splits(stats: Mapping) -> list[Table]:
    docs = stats["documents"]
    names = list(docs["by_split"])
    per_outlet = docs["by_outlet_and_split"].items()
    rows = [(f"`{outlet}`", *(n[s] for s in names), sum(n.values())) for outlet, n in per_outlet]
    rows.append(("total", *(docs["by_split"][s] for s in names), docs["total"]))
    return [
        Table(
            "Documents by outlet and split",
            ("outlet", *names, "total"),
            rows,
            ["Outlet: the source a treebank document's id begins with; a document ingested on its own is its own row."],
        )
    ]


def licensing(stats: Mapping) -> list[Table]:
    docs = stats["documents"]
    rows = [(f"`{name}`", n, docs["characters_by_license"][name]) for name, n in docs["by_license"].items()]
    rows.append(("total", docs["total"], sum(docs["characters_by_license"].values())))
    return [
        Table("Documents by licence of the text (`provenance.license`)", ("licence", "documents", "characters"), rows),
        _counts("Documents by annotation status", "status", docs["by_annotation_status"], "documents"),
    ]


def cleaning(stats: Mapping) -> list[Table]:
    rem = stats["removals"]
    rows = [(f"`{reason}`", n, rem["characters_by_reason"][reason]) for reason, n in rem["by_reason"].items()]
    rows.append(("total", rem["total"], sum(rem["characters_by_reason"].values())))
    return [Table("Raw ranges removed at ingest, by reason", ("reason", "ranges", "raw characters"), rows)]


def tokens(stats: Mapping) -> list[Table]:
    align = stats["alignment"]
    names = {
        "mentions": "mentions (all, nested)",
        "flat_mentions": "flat mentions (BIO tags, `doc.ents`)",
        "triggers": "event triggers",
        "evidence": "stance evidence spans",
    }
    rows = [
        (
            names[kind],
            c["total"],
            c["on_tokens"],
            f"{100 * c['on_tokens'] / c['total']:.2f}%" if c["total"] else "n/a",
            c["widened"],
            c.get("untagged", 0),
        )
        for kind, c in align.items()
    ]
    return [
        Table(
            "Gold spans on token boundaries",
            ("spans", "total", "both edges on token edges", "share", "widened", "left untagged"),
            rows,
            [
                "Tokens: `aces.tokenize`, made from the text alone. A span with an edge inside a token is widened to "
                "the tokens it touches wherever tokens carry it (span groups, BIO tags, `doc.ents`); the record keeps "
                "its exact offsets, and so does the spaCy span (`kb_id_` = `start:end`). Left untagged: a flat mention "
                "that, once widened, would share a token with an earlier one has no BIO tags and no `doc.ents` entry "
                '(it stays in `doc.spans["mentions"]` and in the `entities` rows).',
            ],
        )
    ]


SECTIONS = {
    "composition": composition,
    "splits": splits,
    "licensing": licensing,
    "entities": entities,
    "events": events,
    "stances": stances,
    "provenance": provenance,
    "cleaning": cleaning,
    "tokens": tokens,
}
"""Datasheet block name → the tables that fill it, in print order."""


QUEUE_SECTIONS = {"composition": composition, "splits": splits, "licensing": licensing}
"""The tables of the documents waiting in ``corpus/queue/`` (no annotation to count yet)."""


def all_tables(stats: Mapping) -> list[Table]:
    return [table for build in SECTIONS.values() for table in build(stats)]


def queue_tables(stats: Mapping) -> list[Table]:
    tables = [table for build in QUEUE_SECTIONS.values() for table in build(stats)]
    return [t for t in tables if t.title != "Annotations by split"]


def _is_number(cell: object) -> bool:
    return isinstance(cell, int | float) or cell is None


def to_markdown(tables: list[Table]) -> str:
    """GitHub-flavoured Markdown: a bold title, a table (numbers right-aligned), then its notes."""
    parts = []
    for table in tables:
        numeric = [all(_is_number(row[i]) for row in table.rows) for i in range(len(table.header))]
        lines = [f"**{table.title}**", ""]
        lines.append("| " + " | ".join(table.header) + " |")
        lines.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
        lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in table.rows]
        lines += ["", *table.notes] if table.notes else []
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def to_text(tables: list[Table]) -> str:
    """Aligned plain text for a terminal: numbers right-aligned, labels left-aligned, backticks dropped."""
    parts = []
    for table in tables:
        cells = [[str(h).replace("`", "") for h in table.header]] + [
            [fmt(c).replace("`", "") for c in row] for row in table.rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(table.header))]
        numeric = [all(_is_number(row[i]) for row in table.rows) for i in range(len(table.header))]
        title = table.title.replace("`", "")
        lines = [title, "-" * len(title)]
        for row in cells:
            lines.append(
                "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric, strict=True))
            )
        lines += [note.replace("`", "") for note in table.notes]
        parts.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(parts)


def per_document_table(rows: list[Mapping]) -> Table:
    """``aces.corpus.stats.per_document`` as a table: rates per hundred words, share of names, outliers."""
    body = [
        (f"`{r['id']}`", r["split"], r["status"], r["words"],
         *(r[f"{layer}_per_100_words"] for layer in ("mentions", "clusters", "events", "stances")),
         r["name_share"], ", ".join(r["outliers"]) or "")
        for r in rows
    ]  # fmt: skip
    return Table(
        "Annotation density per document",
        (
            "document",
            "split",
            "status",
            "words",
            "mentions /100w",
            "clusters /100w",
            "events /100w",
            "stances /100w",
            "names share",
            "outlier",
        ),
        body,
        [
            "Rates per hundred whitespace words; names share: NAM mentions among all mentions. Outlier: a rate more "
            "than two standard deviations from the mean of the documents listed.",
        ],
    )
