"""The datasheet's agreement block: inter-annotator agreement of each round's two passes, or "not yet measured".

Kept apart from the other blocks because it depends on ``aces.versions.agree`` and on ``corpus/rounds/``,
both produced by other hands. Everything that knows their shape is in this module:

- ``find_rounds`` says which rounds have two passes to compare (``<round>/pass-a`` and ``<round>/pass-b``,
  each with at least one ``*.jsonl``);
- ``measure`` reads both passes and calls ``aces.versions.agree.agree(a_records, b_records)``;
- ``FIGURES`` says where each reported figure sits in that function's result (a key path);
- ``render`` turns the results into Markdown.

If ``agree``'s result changes shape, only ``FIGURES`` needs an edit; a missing key raises ``DatasheetError``
naming the path, so the datasheet is never silently filled with blanks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PASSES = ("pass-a", "pass-b")


class DatasheetError(Exception):
    """The datasheet cannot be generated; the message says what to fix."""


# (layer, measure as printed, key path of the value, key path of the item counts A/B or of the pair count)
FIGURES: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("Mentions", "exact F1 (same span and type)", ("mentions", "exact", "f1"), ("mentions", "exact")),
    ("Mentions", "overlap F1 (same type, spans overlap)", ("mentions", "overlap", "f1"), ("mentions", "overlap")),
    ("Mentions", "type Cohen's kappa (on span matches)", ("mentions", "type_agreement", "kappa"),
     ("mentions", "type_agreement")),
    ("Clusters", "CoNLL F1 (mean of MUC, B³, CEAF-e)", ("clusters", "conll_f1"), ("clusters",)),
    ("Events", "trigger F1 (same span and type)", ("events", "trigger", "f1"), ("events", "trigger")),
    ("Events", "argument F1 (in matched events)", ("events", "arguments", "f1"), ("events", "arguments")),
    ("Events", "epistemic status Cohen's kappa", ("events", "epistemic", "kappa"), ("events", "epistemic")),
    ("Stances", "stance F1 (same holder and target)", ("stances", "detection", "f1"), ("stances", "detection")),
    ("Stances", "polarity Cohen's kappa", ("stances", "polarity", "kappa"), ("stances", "polarity")),
    ("Stances", "polarity Krippendorff's alpha (nominal)", ("stances", "polarity", "alpha"), ("stances", "polarity")),
]  # fmt: skip


@dataclass
class RoundResult:
    name: str
    report: dict
    problems: list[str] = field(default_factory=list)


def find_rounds(rounds_dir: Path) -> list[Path]:
    """Rounds whose two passes both hold records; a round still being annotated on one side is left out."""
    if not rounds_dir.is_dir():
        return []
    rounds = sorted(p for p in rounds_dir.iterdir() if p.is_dir())
    return [r for r in rounds if all((r / side).is_dir() and any((r / side).rglob("*.jsonl")) for side in PASSES)]


def measure(rounds_dir: Path) -> list[RoundResult]:
    """Agreement of pass-b against pass-a for every complete round (none yet → empty list)."""
    rounds = find_rounds(rounds_dir)
    if not rounds:
        return []
    try:
        from aces.versions.agree import agree
        from aces.versions.load import SideError, read_side
    except ImportError as err:
        raise DatasheetError(
            f"{rounds_dir} has annotation passes but aces.versions.agree cannot be imported ({err}); "
            "finish it or wire another agreement function in aces/corpus/datasheet_agreement.py"
        ) from err
    results = []
    for rnd in rounds:
        try:
            a, b = (read_side(rnd / side) for side in PASSES)
        except SideError as err:
            raise DatasheetError(f"{rnd}: {err}") from err
        problems = [str(p) for p in a.problems + b.problems]
        results.append(RoundResult(rnd.name, agree(a.records, b.records), problems))
    return results


def _get(report: Mapping, path: tuple[str, ...]) -> object:
    node: object = report
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise DatasheetError(
                f"the agreement report has no {'.'.join(path)!r}; update FIGURES in aces/corpus/datasheet_agreement.py "
                "to the shape aces.versions.agree returns"
            )
        node = node[key]
    return node


def _items(node: object) -> str:
    """``A / B`` item counts of a precision/recall entry, the pair count of a label agreement, or blank."""
    if isinstance(node, Mapping):
        if "a" in node and "b" in node:
            return f"{node['a']} / {node['b']}"
        if "pairs" in node:
            return f"{node['pairs']} pairs"
        if "mentions" in node:
            return f"{node['mentions']} matched mentions"
    return ""


def _value(value: object) -> str:
    if value is None:
        return "undefined (nothing to compare)"
    if isinstance(value, int | float):
        return f"{value:.3f}"
    raise DatasheetError(
        f"agreement figure {value!r} is not a number; check FIGURES in aces/corpus/datasheet_agreement.py"
    )


NOT_MEASURED = (
    "Inter-annotator agreement: **not yet measured.** No round under `corpus/rounds/` has both `pass-a` and "
    "`pass-b` with records yet; `aces stats --update-datasheet` fills this block from `aces.versions.agree` once "
    "they exist."
)


def render(results: list[RoundResult]) -> str:
    """Markdown for the agreement block: one table per round, or the "not yet measured" line."""
    if not results:
        return NOT_MEASURED
    parts = []
    for res in results:
        docs = _get(res.report, ("documents",))
        head = (
            f"**Round `{res.name}`**: `pass-b` scored against `pass-a` over {_get(docs, ('compared',))} "  # type: ignore[arg-type]
            f"document(s) present in both with the same text (pass-a: {_get(docs, ('a',))}, "  # type: ignore[arg-type]
            f"pass-b: {_get(docs, ('b',))}); micro-averaged."  # type: ignore[arg-type]
        )
        rows = ["| layer | measure | value | items compared (A / B) |", "|---|---|---:|---:|"]
        for layer, label, path, count_path in FIGURES:
            value, items = _value(_get(res.report, path)), _items(_get(res.report, count_path))
            rows.append(f"| {layer} | {label} | {value} | {items} |")
        notes = []
        if res.problems:
            skipped = len(res.problems)
            notes.append(f"Lines skipped as unreadable: {skipped} (`aces.versions.load.read_side` lists them).")
        parts.append("\n".join([head, "", *rows, *(["", *notes] if notes else [])]))
    return "\n\n".join(parts)
