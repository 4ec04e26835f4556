"""Plain-text renderings of ``agree`` and ``diff`` results for a person at a terminal.

The JSON results are the interface; these only lay them out (3 decimals, ``—`` for undefined), with the
span text beside every offset so a reviewer can read a change without opening the files.
"""

from __future__ import annotations

from collections.abc import Mapping


def rounded(value: object, places: int = 4) -> object:
    """``value`` with every float rounded to ``places`` (JSON output), structure and key order kept."""
    if isinstance(value, float):
        return round(value, places)
    if isinstance(value, Mapping):
        return {k: rounded(v, places) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, places) for v in value]
    return value


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


# ---------------------------------------------------------------- agree


def _prf_row(label: str, prf: Mapping) -> str:
    return (
        f"  {label:<28} {prf['a']:>5} {prf['b']:>5} {prf['matched']:>7} "
        f"{_num(prf['precision']):>7} {_num(prf['recall']):>7} {_num(prf['f1']):>7}"
    )


def _labels_row(label: str, block: Mapping) -> str:
    extra = f", alpha {_num(block['alpha'])}" if "alpha" in block else ""
    return (
        f"  {label}: {block['pairs']} pairs, observed agreement {_num(block['observed'])}, "
        f"kappa {_num(block['kappa'])}{extra}"
    )


def agree_text(result: Mapping, a_path: str = "A", b_path: str = "B") -> str:
    docs = result["documents"]
    lines = [
        f"B = {b_path}",
        f"  scored against A = {a_path}  (precision = matched/B, recall = matched/A, micro-averaged)",
        f"Documents: A {docs['a']}, B {docs['b']}, compared {docs['compared']}",
    ]
    for key, label in (
        ("only_a", "only in A (not scored)"),
        ("only_b", "only in B (not scored)"),
        ("not_comparable", "same id, different text (not scored)"),
    ):
        if docs[key]:
            lines.append(f"  {label}: {', '.join(docs[key])}")
    header = f"  {'':<28} {'A':>5} {'B':>5} {'matched':>7} {'P':>7} {'R':>7} {'F1':>7}"

    m = result["mentions"]
    lines += ["", "Mentions", header]
    lines += [
        _prf_row("exact (span + type)", m["exact"]),
        _prf_row("overlap (same type)", m["overlap"]),
        _prf_row("span (type ignored)", m["span"]),
    ]
    used = [t for t, v in m["per_type"].items() if v["exact"]["a"] or v["exact"]["b"]]
    if used:
        lines.append(f"  {'per type':<28} {'A':>5} {'B':>5} {'exact':>7} {'F1':>7} {'overlap':>7} {'F1':>7}")
        for t in used:
            ex, ov = m["per_type"][t]["exact"], m["per_type"][t]["overlap"]
            lines.append(
                f"    {t:<26} {ex['a']:>5} {ex['b']:>5} {ex['matched']:>7} {_num(ex['f1']):>7} "
                f"{ov['matched']:>7} {_num(ov['f1']):>7}"
            )
    lines.append(_labels_row("type on span matches", m["type_agreement"]))
    confusion = m["type_confusion"]
    if confusion:
        order = list(m["per_type"])  # labels.json order
        cols = [t for t in order if any(t in row for row in confusion.values())]
        lines.append("  type confusion on span matches (rows A, columns B):")
        lines.append("    " + f"{'':<6}" + "".join(f"{c:>6}" for c in cols))
        for a_type, row in confusion.items():
            lines.append("    " + f"{a_type:<6}" + "".join(f"{row.get(c, 0) or '.':>6}" for c in cols))

    c = result["clusters"]
    lines += ["", f"Clusters (on the {c['mentions']} mentions matched by span)"]
    lines.append(f"  {'':<28} {'P':>7} {'R':>7} {'F1':>7}")
    for key, label in (("muc", "MUC"), ("b3", "B³"), ("ceafe", "CEAF-e")):
        s = c[key]
        lines.append(f"  {label:<28} {_num(s['precision']):>7} {_num(s['recall']):>7} {_num(s['f1']):>7}")
    lines.append(f"  {'CoNLL F1 (mean)':<28} {'':>7} {'':>7} {_num(c['conll_f1']):>7}")

    e = result["events"]
    lines += ["", "Events", header]
    lines += [
        _prf_row("trigger (span + type)", e["trigger"]),
        _prf_row("trigger span (type ignored)", e["trigger_span"]),
        _prf_row("arguments", e["arguments"]),
        _labels_row("epistemic status on matched events", e["epistemic"]),
    ]

    s = result["stances"]
    lines += ["", "Stances", header, _prf_row("holder + target", s["detection"])]
    lines.append(_labels_row("polarity on matched stances", s["polarity"]))

    if len(result["per_document"]) > 1:
        lines += [
            "",
            "Per document (F1)",
            f"  {'id':<28} {'ment.':>7} {'CoNLL':>7} {'trig.':>7} {'args':>7} {'stance':>7}",
        ]
        for d in result["per_document"]:
            values = (d["mentions_f1"], d["conll_f1"], d["trigger_f1"], d["argument_f1"], d["stance_f1"])
            lines.append(f"  {d['id']:<28} " + " ".join(f"{_num(v):>7}" for v in values))
    if result["warnings"]:
        lines += ["", "Warnings"] + [f"  {w}" for w in result["warnings"]]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- diff


def _ref(view: Mapping | None) -> str:
    if view is None:
        return "none"
    kind = view["kind"]
    if kind in ("mention", "proposition"):
        return f"«{view['text']}» [{view['start']}:{view['end']}]"
    if kind == "cluster":
        return f"cluster «{view['name']}»"
    if kind == "event":
        return f"{view['type']} «{view['trigger']['text']}»"
    if kind == "author":
        return "author"
    return f"unknown {view['id']}"


def _mention(v: Mapping) -> str:
    return f"«{v['text']}» [{v['start']}:{v['end']}] {v['type']} {v['form']}"


def _cluster(v: Mapping) -> str:
    members = ", ".join(f"«{m['text']}»" for m in v["mentions"])
    return f"{v['type']} «{v['name']}»: {members}"


def _event(v: Mapping) -> str:
    t = v["trigger"]
    source = v["epistemic"]["source"]
    by = f" (source {_ref(source)})" if source else ""
    return f"{v['type']} «{t['text']}» [{t['start']}:{t['end']}] {v['epistemic']['status']}{by}"


def _argument(v: Mapping) -> str:
    ev = v["event"]
    return f"{ev['type']} «{ev['trigger']['text']}» [{ev['trigger']['start']}]: {v['role']} = {_ref(v['ref'])}"


def _stance(v: Mapping) -> str:
    evidence = ", ".join(f"«{e['text']}»" for e in v["evidence"])
    return f"{_ref(v['holder'])} → {_ref(v['target'])}: {v['polarity']} (evidence {evidence})"


def _field(layer: str, field: str, a: Mapping, b: Mapping, change: Mapping) -> str:
    if layer == "clusters" and field == "members":
        plus = " ".join(f"+«{m['text']}» [{m['start']}:{m['end']}]" for m in change["members_added"])
        minus = " ".join(f"−«{m['text']}» [{m['start']}:{m['end']}]" for m in change["members_removed"])
        return "members " + " ".join(x for x in (plus, minus) if x)
    if field == "epistemic.status":
        return f"status {a['epistemic']['status']} → {b['epistemic']['status']}"
    if field == "epistemic.source":
        return f"source {_ref(a['epistemic']['source'])} → {_ref(b['epistemic']['source'])}"
    if field in ("ref", "holder", "target"):
        return f"{field} {_ref(a[field])} → {_ref(b[field])}"
    if field == "evidence":
        return "evidence " + " → ".join(", ".join(f"«{e['text']}»" for e in v["evidence"]) for v in (a, b))
    if layer == "events" and field == "polarity":  # schema 1.1.0: no polarity = positive
        return f"polarity {a.get('polarity', 'positive')} → {b.get('polarity', 'positive')}"
    return f"{field} {a[field]} → {b[field]}"


_SHOW = {"mentions": _mention, "clusters": _cluster, "events": _event, "arguments": _argument, "stances": _stance}


def diff_text(result: Mapping, a_path: str = "A", b_path: str = "B") -> str:
    docs = result["documents"]
    lines = [f"A = {a_path}", f"B = {b_path}"]
    lines.append(
        f"Documents: compared {docs['compared']}, changed {docs['changed']}, added {len(docs['added'])}, "
        f"removed {len(docs['removed'])}, not comparable {len(docs['not_comparable'])}"
    )

    def counts(d: Mapping) -> str:
        return ", ".join(f"{d[k]} {k}" for k in ("mentions", "clusters", "events", "arguments", "stances"))

    lines += [f"  + {d['id']} (only in B: {counts(d)})" for d in docs["added"]]
    lines += [f"  - {d['id']} (only in A: {counts(d)})" for d in docs["removed"]]
    lines += [
        f"  ≠ {d['id']}: texts differ from code point {d['first_difference']} "
        f"(A {d['a_length']}, B {d['b_length']} code points); annotations not compared"
        for d in docs["not_comparable"]
    ]
    for doc in result["changes"]:
        lines += ["", f"== {doc['id']} =="]
        for layer, show in _SHOW.items():
            block = doc[layer]
            if not any(block.values()):
                continue
            lines.append(f"{layer}")
            lines += [f"  + {show(v)}" for v in block["added"]]
            lines += [f"  - {show(v)}" for v in block["removed"]]
            for change in block["changed"]:
                a, b = change["a"], change["b"]
                what = "; ".join(_field(layer, f, a, b, change) for f in change["fields"])
                lines.append(f"  ~ {show(a)}\n      {what}")
    lines.append("")
    if not result["changes"] and not (docs["added"] or docs["removed"] or docs["not_comparable"]):
        lines.append("No differences.")
    else:
        summary = "; ".join(
            f"{layer} +{s['added']} −{s['removed']} ~{s['changed']}" for layer, s in result["summary"].items()
        )
        lines.append(f"Summary: {summary}")
    return "\n".join(lines) + "\n"
