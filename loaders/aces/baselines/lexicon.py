"""Lexicon baselines: strings seen as annotations in ``train`` are found again, whole tokens, in new text.

Shared by the entity gazetteer and the event-trigger lexicon. A string enters the lexicon only if, in the training
texts, it was annotated at least ``MIN_RATE`` of the times it occurs on token boundaries (so «الحكومة» is kept
only if it is usually a mention), with the label it carried most often (ties: the label listed first in
labels.json, so the result does not depend on dictionary order).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from aces.baselines.inputs import tokens
from aces.offsets import TokenSpan
from aces.record import Record

MAX_TOKENS = 8
"""The longest entry, in tokens, that is looked for."""
MIN_RATE = 0.5
"""An entry is kept when at least this share of its occurrences (on token boundaries) in train is annotated."""

Spans = Callable[[Record], Iterable[tuple[int, int, str]]]


def find(text: str, toks: Sequence[TokenSpan], entries: dict[str, str]) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping matches of ``entries`` over whole tokens: ``(start, end, label)``."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        for j in range(min(len(toks), i + MAX_TOKENS) - 1, i - 1, -1):
            label = entries.get(text[toks[i][0] : toks[j][1]])
            if label is not None:
                out.append((toks[i][0], toks[j][1], label))
                i = j + 1
                break
        else:
            i += 1
    return out


def learn(records: Sequence[Record], spans: Spans, order: Sequence[str]) -> dict[str, str]:
    """The lexicon of ``records``: annotated string → its most frequent label (see the module docstring)."""
    rank = {label: k for k, label in enumerate(order)}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        for start, end, label in spans(record):
            labels[record.text[start:end]][label] += 1
    best = {s: min(c, key=lambda lab: (-c[lab], rank.get(lab, len(rank)))) for s, c in labels.items()}
    seen: Counter[str] = Counter()  # occurrences of each candidate on token boundaries, annotated or not
    for record in records:
        seen.update(s for _, _, s in find(record.text, tokens(record), {s: s for s in best}))
    annotated = {s: sum(c.values()) for s, c in labels.items()}
    return {s: best[s] for s in best if seen[s] and annotated[s] >= MIN_RATE * seen[s]}
