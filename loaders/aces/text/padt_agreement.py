"""How close ``aces.text.clitics`` comes to UD Arabic-PADT's proclitic segmentation, on the sample the tests keep.

The sample (``tests/data/ud/padt_clitics.tsv``: word, and the offsets where PADT ends a proclitic in it) is
treebank data under CC BY-NC-SA, so it stays with the tests rather than in the package; the datasheet's
``tokens`` block and ``tests/test_clitics.py`` both read it through ``measure``, so the figure printed is the
figure tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aces.paths import repo_root
from aces.text.clitics import clitic_cuts

SAMPLE = Path("tests") / "data" / "ud" / "padt_clitics.tsv"
"""The sample's path inside the repository."""


@dataclass(frozen=True)
class Agreement:
    words: int
    sentences: int
    agreed: int
    extra: int
    """Boundaries the tokenizer makes where PADT has none."""
    missed: int
    """PADT's boundaries the tokenizer does not make."""

    @property
    def precision(self) -> float | None:
        return self.agreed / (self.agreed + self.extra) if self.agreed + self.extra else None

    @property
    def recall(self) -> float | None:
        return self.agreed / (self.agreed + self.missed) if self.agreed + self.missed else None


def measure(path: Path | None = None) -> Agreement:
    """Proclitic boundaries of ``clitic_cuts`` against PADT's over every word of the sample."""
    path = path or repo_root() / SAMPLE
    words = agreed = extra = missed = 0
    sentences: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        sent_id, word, cuts = line.split("\t")
        expected = {int(c) for c in cuts.split(",") if c}
        found = set(clitic_cuts(word))
        words += 1
        sentences.add(sent_id)
        agreed += len(expected & found)
        extra += len(found - expected)
        missed += len(expected - found)
    return Agreement(words, len(sentences), agreed, extra, missed)


def render(path: Path | None = None) -> str:
    """Markdown for the datasheet: the comparison, or why it is missing (the sample is not in a wheel)."""
    path = path or repo_root() / SAMPLE
    if not path.is_file():
        return f"Comparison with UD Arabic-PADT: not measured here (`{SAMPLE.as_posix()}` is not present)."
    a = measure(path)
    p = "n/a" if a.precision is None else f"{a.precision:.2f}"
    r = "n/a" if a.recall is None else f"{a.recall:.2f}"
    return (
        "**Proclitic boundaries against UD Arabic-PADT**\n\n"
        "| words | sentences | boundaries agreed | tokenizer only | PADT only | precision | recall |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {a.words} | {a.sentences} | {a.agreed} | {a.extra} | {a.missed} | {p} | {r} |\n\n"
        f"Whole sentences of the PADT test file (`{SAMPLE.as_posix()}`, CC BY-NC-SA 3.0): where `aces.tokenize` ends a "
        "proclitic inside a word (`و`/`ف`, then `ب`/`ل`/`ك`) against where PADT's syntactic words do."
    )
