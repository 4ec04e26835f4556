"""The checks table of ``docs/CHECKS.md``, generated from the registry (``python -m aces.validate.table``)."""

from __future__ import annotations

import sys

from aces.validate.checks import LEVELS, checks_at

HEADER = """\
<!-- Generated from loaders/aces/validate/checks.py by `aces checks --markdown`; do not edit by hand. -->
# Validator checks

`aces validate PATH...` (Python: `aces.validate(paths)`) checks ACES JSONL records at five levels; `--level N`
runs levels 1 to N. Every finding names the file, the line, the document and annotation ids, the level, one of
the test ids below, its severity and a message that says what is wrong and what to fix. Errors fail the run
(exit 1); warnings are reported but pass. A line that is not a JSON object is checked no further; a record that
fails level 2 is not checked at levels 3 to 5, but its id still counts for uniqueness.
Labels, roles and proclitics come from `schema/<version>/labels.json` of the record's own version; the rules
behind level 4 are in [corpus/GUIDELINES.md](../corpus/GUIDELINES.md).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The full text of ``docs/CHECKS.md``."""
    lines = [HEADER, "| Level | What it checks |", "|---|---|"]
    lines += [f"| {level} | {_cell(what)} |" for level, what in LEVELS.items()]
    lines += ["", "| Code | Level | Severity | Meaning | How to fix |", "|---|---|---|---|---|"]
    for level in LEVELS:
        for check in checks_at(level):
            lines.append(
                f"| `{check.code}` | {check.level} | {check.severity} | {_cell(check.meaning)} | {_cell(check.fix)} |"
            )
    return "\n".join(lines) + "\n"


def plain() -> str:
    """One line per check, for the terminal."""
    return "\n".join(
        f"L{c.level} {c.severity:<7} {c.code:<28} {c.meaning}" for level in LEVELS for c in checks_at(level)
    )


if __name__ == "__main__":
    sys.stdout.write(markdown())
