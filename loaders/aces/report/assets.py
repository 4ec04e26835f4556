"""The report's only CSS and script, and the page shell that inlines them: every page opens from disk, nothing fetched.

The CSS says ``start``/``inline-end`` rather than left/right, as document pages are right-to-left and the index is not.
"""

from __future__ import annotations

import html

CSS = """
:root { --ink: #1b1b1b; --muted: #5f6368; --line: #d0d4d9; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink); margin: 1.5em auto;
       max-width: 72em; padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.6em; margin: .2em 0; } h2 { font-size: 1.25em; margin: 1.4em 0 .5em; }
a { color: #1a5fb4; } code, .id { font-family: "DejaVu Sans Mono", monospace; direction: ltr; unicode-bidi: embed; }
.meta { color: var(--muted); }
html[dir="rtl"] p[dir="ltr"] { text-align: right; }  /* English lines of a right-to-left page */
nav a { margin-inline-end: 1em; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: .92em; }
th, td { border: 1px solid var(--line); padding: .25em .55em; vertical-align: top; }
th { background: #f4f5f7; text-align: start; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; padding: .15em .7em; border-radius: 4px; font-weight: bold; color: #fff; }
.status.passed { background: #2e7d32; } .status.failed { background: #c62828; } .status.none { background: #757575; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); gap: .5em 2em; }
.chart .lbl { font-size: 12px; fill: var(--ink); } .chart .num { font-size: 12px; fill: var(--muted); }
.legend .key { margin-inline-end: 1.2em; white-space: nowrap; }
.swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; margin-inline-end: .35em;
          vertical-align: -.1em; }
ul.findings { font-family: "DejaVu Sans Mono", monospace; font-size: .85em; }
#filters { display: flex; flex-wrap: wrap; gap: .4em 1em; margin: .6em 0; }
#filters fieldset { border: 1px solid var(--line); border-radius: 4px; padding: .2em .6em .4em; }
#filters legend { font-weight: bold; }
#filters label { margin-inline-end: .7em; white-space: nowrap; font-size: .9em; }
#shown { color: var(--muted); }
#doc { font-family: "Noto Naskh Arabic", "Amiri", "DejaVu Sans", sans-serif; font-size: 1.3em; line-height: 3;
       border: 1px solid var(--line); border-radius: 6px; padding: .6em 1.1em; text-align: start; }
.seg { margin: 0 0 .5em; } .seg-title { font-size: 1.35em; font-weight: bold; }
.seg-heading { font-size: 1.15em; font-weight: bold; } .seg-lead { font-style: italic; }
.a.k-mention { border-bottom: 3px solid var(--c); }
.a.k-trigger { font-weight: bold; border: 1.5px solid var(--c); border-radius: 3px; cursor: pointer; }
.a.k-evidence { background: var(--c); cursor: pointer; }
.a.k-target { text-decoration: overline dashed 2px; text-decoration-color: var(--c); }
.a.off { border-color: transparent !important; background: none !important; font-weight: inherit;
         text-decoration: none; cursor: auto; }
.a.lit { outline: 2px solid #c0392b; outline-offset: 1px; }
.tag { font-family: "DejaVu Sans", sans-serif; font-size: .5em; font-weight: bold; vertical-align: super;
       margin: 0 .15em; padding: 0 .3em; border-radius: 3px; background: var(--c); line-height: 1;
       white-space: nowrap; unicode-bidi: isolate; color: var(--ink); text-decoration: none; }
.tag.k-trigger { background: #fff; border: 1px solid var(--c); }
.tag.off { display: none; }
bdi { unicode-bidi: isolate; }
"""

FILTER_JS = """
"use strict";
(() => {
  const doc = document.getElementById("doc");
  const form = document.getElementById("filters");
  const marks = Array.from(doc.querySelectorAll("[data-layer]"));
  function apply() {
    const off = new Set();
    for (const box of form.querySelectorAll("input[type=checkbox]")) {
      if (!box.checked) off.add(box.dataset.layer + "|" + (box.dataset.label ?? "*"));
    }
    const shown = { mention: new Set(), event: new Set(), stance: new Set() };
    for (const el of marks) {
      const layer = el.dataset.layer;
      const hidden = off.has(layer + "|*") || off.has(layer + "|" + el.dataset.label);
      el.classList.toggle("off", hidden);
      if (!hidden && el.classList.contains("a")) shown[layer].add(el.dataset.id);
    }
    for (const [layer, ids] of Object.entries(shown)) {
      const out = document.querySelector(`#shown [data-count="${layer}"]`);
      if (out) out.textContent = String(ids.size);
    }
  }
  form.addEventListener("change", apply);
  doc.addEventListener("click", (event) => {
    for (const lit of doc.querySelectorAll(".lit")) lit.classList.remove("lit");
    const source = event.target.closest(".a[data-args]:not(.off)");
    if (!source) return;
    const ids = new Set(source.dataset.args.split(" "));
    for (const el of marks) {
      if (el.classList.contains("a") && ids.has(el.dataset.id)) el.classList.add("lit");
    }
  });
  apply();
})();
"""


def page(title: str, body: list[str], script: str = "", lang: str = "en", direction: str = "ltr") -> str:
    """A whole HTML page with the CSS (and ``script``, if any) inline."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(lang, quote=True)}" dir="{direction}">',
            '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{CSS}</style></head>",
            "<body>",
            *body,
            f"<script>{script}</script>" if script else "",
            "</body></html>",
        ]
    )
