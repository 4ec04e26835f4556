"""``score(gold, pred)``: the official ACES metrics of predicted records against gold, as one JSON-ready dict.

The shape is a public format (``FORMAT``; ``docs/EVALUATION.md`` documents every key): ``entities``,
``coreference``, ``events`` and ``stances``, each a block of P/R/F1 blocks, or ``None`` when the prediction
does not contain that layer at all. Counts are summed over documents before dividing (micro-average).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aces import record as rec
from aces.evaluate.coreference import CorefCounts, count_coreference
from aces.evaluate.entities import EntityCounts, count_entities, type_order
from aces.evaluate.events import EventCounts, count_events
from aces.evaluate.inputs import check_records, document_pairs
from aces.evaluate.stances import StanceCounts, count_stances
from aces.versions.match import DocAlignment
from aces.versions.scores import PRF

FORMAT = "aces-score/1"

PRESENT: dict[str, Callable[[rec.Record], bool]] = {
    "entities": lambda r: bool(r.entities),
    "coreference": lambda r: any(len(c.mentions) > 1 for c in r.clusters),
    "events": lambda r: bool(r.events),
    "stances": lambda r: bool(r.stances),
}
"""A layer is predicted when at least one predicted record has an item in it; an empty list in every record
is how a system that does not predict a layer writes it, so that layer is reported as ``None``, not as 0.
Coreference needs a cluster of two mentions or more: level 3 puts every mention in a cluster, so a system that
predicts mentions alone writes one singleton cluster per mention."""


def predicted_layers(pred: Iterable[rec.Record]) -> list[str]:
    """The layers (``PRESENT`` order) some predicted record has an item in."""
    pred = list(pred)
    return [layer for layer, has in PRESENT.items() if any(has(r) for r in pred)]


def prf(counts: PRF) -> dict:
    """A P/R/F1 block: gold and predicted item counts, matched items, precision, recall, F1 (None if 0/0)."""
    return {"gold": counts.a, "pred": counts.b, "matched": counts.tp, "precision": counts.precision,
            "recall": counts.recall, "f1": counts.f1}  # fmt: skip


def _ratios(block: dict) -> dict:
    return {key: prf(value) for key, value in block.items()}


def score(gold: Iterable[rec.Record], pred: Iterable[rec.Record], *, check: bool = True) -> dict:
    """Score ``pred`` against ``gold`` (``docs/EVALUATION.md``); raises ``ScoreError`` on inputs it cannot score.

    ``check=False`` skips validating the records (the caller has validated the files they came from).
    """
    gold, pred = list(gold), list(pred)
    if check:
        check_records("gold", gold)
        check_records("pred", pred)
    pairs = document_pairs(gold, pred)
    entities, coref, events, stances = EntityCounts(), CorefCounts(), EventCounts(), StanceCounts()
    for g, p in pairs:
        al = DocAlignment.of(g, p)
        entities += count_entities(al)
        coref += count_coreference(al, twinless=True)
        events += count_events(al)
        stances += count_stances(al)
    layers = predicted_layers(pred)
    types = type_order(gold, entities.gold.keys() | entities.pred.keys())
    blocks = {
        "entities": {
            **prf(entities.total),
            "span": prf(entities.span),
            "per_type": {t: prf(entities.of_type(t)) for t in types},
        },
        "coreference": coref.as_dict(),
        "events": _ratios(events.as_dict()),
        "stances": _ratios(stances.as_dict()),
    }
    return {
        "format": FORMAT,
        "documents": len(pairs),
        "layers": layers,
        **{layer: block if layer in layers else None for layer, block in blocks.items()},
    }
