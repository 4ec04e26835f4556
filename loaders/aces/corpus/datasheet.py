"""Generated blocks of DATASHEET.md: every corpus number there is rendered here, from ``aces.corpus.stats.compute``.

A block is the text between ``<!-- stats:NAME:start -->`` and ``<!-- stats:NAME:end -->``. ``fill`` replaces
each block's content and leaves the prose around it untouched, so the prose can be edited by hand while the
numbers cannot drift: ``tests/test_datasheet.py`` regenerates the blocks from the corpus and fails on any
difference. The agreement block comes from ``aces.corpus.datasheet_agreement`` (kept apart: it depends on the
annotation rounds and on ``aces.versions.agree``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

from aces import record as rec
from aces.corpus import datasheet_agreement as agreement
from aces.corpus import ingest
from aces.corpus.datasheet_agreement import DatasheetError
from aces.corpus.stats import compute
from aces.corpus.stats_tables import SECTIONS, queue_tables, to_markdown
from aces.paths import gold_files, queue_files
from aces.text import padt_agreement

__all__ = ["BLOCKS", "DatasheetError", "diff", "fill", "regenerate", "render_blocks"]

BLOCKS = (*SECTIONS, "queue", "agreement")
"""Every block DATASHEET.md must contain, each exactly once."""

_MARKER = re.compile(r"<!-- stats:(?P<name>[a-z][a-z0-9-]*):(?P<edge>start|end) -->")


def ingest_rules() -> str:
    """The parameters of ``aces.corpus.ingest`` the datasheet's cleaning prose refers to, read from the code itself."""
    return (
        "Rule parameters, read from `aces.corpus.ingest`: after the title and the lead, a kept line is a `heading` "
        f"when it has at most {ingest._HEADING_MAX_WORDS} whitespace-separated words and does not end in `.`, `؟`, `!` "
        f"or `،`; a scraper token is a match of `{ingest._BASE64_TOKEN.pattern}` that base64-decodes to printable "
        "ASCII."
    )


def render_blocks(stats: Mapping, rounds_dir: Path, queue: Mapping) -> dict[str, str]:
    """Block name → Markdown content, for the counts of the gold corpus (``stats``) and of the queue, and the
    rounds under ``rounds_dir``."""
    blocks = {name: to_markdown(build(stats)) for name, build in SECTIONS.items()}
    blocks["queue"] = to_markdown(queue_tables(queue))
    blocks["cleaning"] += "\n\n" + ingest_rules()
    blocks["tokens"] += "\n\n" + padt_agreement.render()
    blocks["agreement"] = agreement.render(agreement.measure(rounds_dir))
    return blocks


def _spans(text: str) -> dict[str, tuple[int, int]]:
    """Block name → (content start, content end) in ``text``; malformed markers raise ``DatasheetError``."""
    spans: dict[str, tuple[int, int]] = {}
    open_name, open_end = None, 0
    for match in _MARKER.finditer(text):
        name, edge = match["name"], match["edge"]
        line = text.count("\n", 0, match.start()) + 1
        if edge == "start":
            if open_name is not None:
                raise DatasheetError(f"line {line}: block {name!r} starts inside block {open_name!r}; close it first")
            if name in spans:
                raise DatasheetError(f"line {line}: block {name!r} appears twice; keep one")
            open_name, open_end = name, match.end()
        else:
            if open_name != name:
                raise DatasheetError(f"line {line}: end marker of {name!r} without its start marker")
            spans[name] = (open_end, match.start())
            open_name = None
    if open_name is not None:
        raise DatasheetError(f"block {open_name!r} has no end marker <!-- stats:{open_name}:end -->")
    return spans


def fill(text: str, blocks: Mapping[str, str]) -> str:
    """``text`` with the content of every block replaced by ``blocks[name]``; the prose is kept byte for byte."""
    spans = _spans(text)
    unknown = sorted(set(spans) - set(blocks))
    if unknown:
        raise DatasheetError(f"unknown block(s) {', '.join(unknown)}; known blocks are {', '.join(blocks)}")
    missing = [name for name in blocks if name not in spans]
    if missing:
        add = " ".join(f"<!-- stats:{n}:start --> <!-- stats:{n}:end -->" for n in missing)
        raise DatasheetError(f"the datasheet lacks block(s) {', '.join(missing)}; add the markers: {add}")
    out, pos = [], 0
    for name, (start, end) in sorted(spans.items(), key=lambda item: item[1]):
        out += [text[pos:start], "\n", blocks[name].strip("\n"), "\n"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def regenerate(text: str, corpus: Path) -> str:
    """The datasheet ``text`` with its blocks recomputed from ``corpus/gold``, ``corpus/queue``, ``corpus/rounds``."""
    records = [r for path in gold_files(corpus) for r in rec.read_jsonl(path)]
    waiting = [r for path in queue_files(corpus) for r in rec.read_jsonl(path)]
    return fill(text, render_blocks(compute(records), corpus / "rounds", compute(waiting)))


def diff(current: str, expected: str, name: str = "DATASHEET.md") -> str:
    """A unified diff from the file as it is to the file as the corpus says it should be."""
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{name} (as written)",
            tofile=f"{name} (from the corpus)",
        )
    )
