"""A linear-chain CRF tagger (sklearn-crfsuite) over the ``ner`` config's tokens and BIO tags.

Features are the token, its character prefixes, suffixes and inner n-grams (Arabic attaches clitics and the
article at the edges of a word, so edges carry most of the signal), simple shape flags, and the same for the
neighbouring tokens. The L1/L2 weights are chosen on ``validation`` from ``GRID``; training is deterministic
(L-BFGS), so the result depends on nothing but the data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from aces.baselines.inputs import spans_from_bio, unannotated, with_mentions
from aces.hf.rows import ner_rows
from aces.record import Record
from aces.schema import labels

GRID = ((0.05, 0.01), (0.1, 0.1), (0.25, 0.05))
"""(c1, c2) pairs tried; the one with the best validation F1 (exact span and type) is kept."""
MAX_ITERATIONS = 100
NGRAMS = (2, 3)


def token_features(words: Sequence[str], i: int) -> dict[str, Any]:
    feats: dict[str, Any] = {"bias": 1.0}
    for offset in (-2, -1, 0, 1, 2):
        k = i + offset
        if not 0 <= k < len(words):
            feats[f"{offset}:edge"] = True
            continue
        w = words[k]
        feats[f"{offset}:w"] = w
        for n in (1, 2, 3):
            feats[f"{offset}:p{n}"] = w[:n]
            feats[f"{offset}:s{n}"] = w[-n:]
        if offset == 0:
            feats["len"] = min(len(w), 10)
            feats["digit"] = any(c.isdigit() for c in w)
            feats["latin"] = any("a" <= c.lower() <= "z" for c in w)
            feats["punct"] = not any(c.isalnum() for c in w)
            for n in NGRAMS:
                for j in range(len(w) - n + 1):
                    feats[f"g{n}:{w[j : j + n]}"] = 1.0
    return feats


def _rows(records: Sequence[Record], with_tags: bool) -> list[dict[str, Any]]:
    return [row for r in records for row in ner_rows(r if with_tags else unannotated(r)) if row["tokens"]]


def _xs(rows: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [[token_features(row["tokens"], i) for i in range(len(row["tokens"]))] for row in rows]


class CRFTagger:
    def __init__(self, train: Sequence[Record], validation: Sequence[Record]) -> None:
        import sklearn_crfsuite

        from aces.evaluate import score

        lab = labels(train[0].schema_version)
        self.names = list(lab.bio_labels)
        forms = Counter((m.type, m.form) for r in train for m in r.entities)
        self.form = {t: max((n, f) for (tt, f), n in forms.items() if tt == t)[1] for t in {t for t, _ in forms}}
        rows = _rows(train, with_tags=True)
        xs, ys = _xs(rows), [[self.names[t] for t in row["ner_tags"]] for row in rows]
        best: tuple[float, Any] | None = None
        for c1, c2 in GRID:
            model = sklearn_crfsuite.CRF(
                algorithm="lbfgs", c1=c1, c2=c2, max_iterations=MAX_ITERATIONS, all_possible_transitions=True
            )
            model.fit(xs, ys)
            self.model = model
            f1 = score(validation, [self.predict(r) for r in validation])["entities"]["f1"] or 0.0
            if best is None or f1 > best[0]:
                best = (f1, model)
        assert best is not None
        self.model = best[1]

    def predict(self, record: Record) -> Record:
        rows = _rows([record], with_tags=False)
        spans: list[tuple[int, int, str, str]] = []
        for row, tags in zip(rows, self.model.predict(_xs(rows)), strict=True):
            spans += spans_from_bio(row["token_starts"], row["token_ends"], tags, self.form)
        return with_mentions(record, spans)
