"""The baselines table (Markdown) of docs/EVALUATION.md and the dataset card, made from the results as data."""

from __future__ import annotations

from typing import Any

from aces.baselines.run import BASELINES


def markdown(results: dict[str, Any], split: str = "test") -> str:
    """One row per (baseline, metric): precision, recall and F1 on ``split``, as percentages with one decimal."""
    lines = [
        f"| Baseline | Metric ({split}) | P | R | F1 |",
        "|---|---|---:|---:|---:|",
    ]
    for baseline in BASELINES:
        entry = results.get("baselines", {}).get(baseline.name)
        if entry is None:
            continue
        for metric, block in entry["scores"][split].items():
            # A block of counts has P/R/F1; a single figure (the CoNLL F1, a mean of three F1s) is an F1 alone.
            cells = [_pct(block.get(k)) for k in ("precision", "recall", "f1")] if isinstance(block, dict) else [
                "–", "–", _pct(block)
            ]  # fmt: skip
            lines.append(f"| {baseline.name} | {metric} | {' | '.join(cells)} |")
    notes = [
        f"- **{b.name}**: {results['baselines'][b.name]['description']}."
        for b in BASELINES
        if b.name in results.get("baselines", {})
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f}"
