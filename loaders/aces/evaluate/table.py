"""The scorer's result as a plain-text table, for reading; ``--format json`` is the stable form."""

from __future__ import annotations

from collections.abc import Mapping


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def _row(label: str, block: Mapping) -> str:
    counts = f"{block['gold']:>6} {block['pred']:>6} {block['matched']:>7} " if "gold" in block else " " * 22
    return f"  {label:<26} {counts}{_num(block['precision']):>7} {_num(block['recall']):>7} {_num(block['f1']):>7}"


def score_text(result: Mapping, gold_path: str = "GOLD", pred_path: str = "PRED") -> str:
    """Every number of ``result`` (``aces.evaluate.score``), one block per layer; an unpredicted layer says so."""
    lines = [
        f"{pred_path} scored against {gold_path}: {result['documents']} documents "
        "(precision = matched/pred, recall = matched/gold, micro-averaged)",
    ]
    header = f"  {'':<26} {'gold':>6} {'pred':>6} {'matched':>7} {'P':>7} {'R':>7} {'F1':>7}"
    for layer in ("entities", "coreference", "events", "stances"):
        block = result[layer]
        lines += ["", layer.capitalize()]
        if block is None:
            lines.append("  not predicted (no predicted record has an item in this layer)")
            continue
        lines.append(header)
        if layer == "entities":
            lines += [_row("exact (span + type)", block), _row("span (type ignored)", block["span"])]
            lines += [_row(f"  {t}", b) for t, b in block["per_type"].items()]
        elif layer == "coreference":
            lines += [_row(name, block[name]) for name in ("muc", "b_cubed", "ceaf_e")]
            lines.append(f"  {'conll_f1':<26} {'':>36} {_num(block['conll_f1']):>7}")
        else:
            lines += [_row(name, sub) for name, sub in block.items()]
    return "\n".join(lines) + "\n"
