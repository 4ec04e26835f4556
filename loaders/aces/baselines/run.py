"""Run every baseline on the gold corpus, score it with the official scorer, and keep the results as data.

The results (``corpus/baselines.json``) are what docs/EVALUATION.md and the dataset card show; ``aces baselines
--check`` runs everything again and fails when a figure differs, which is how the table is known to reproduce.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aces.baselines.inputs import split_records, unannotated
from aces.record import Record

RESULTS = "baselines.json"
"""File name of the results, in the corpus folder (they belong to a corpus release)."""
DIGITS = 4
SPLITS = ("validation", "test")


@dataclass(frozen=True)
class Baseline:
    name: str
    description: str
    metrics: tuple[str, ...]
    """Scorer keys (``layer.metric``) that describe this baseline; other keys are not its business."""
    tolerance: float = 0.0
    """How far a re-run's figure may be from the kept one and still count as reproduced: 0 for the baselines
    whose arithmetic is exact or single-threaded C; spaCy's floating point depends on the CPU's BLAS kernels."""


BASELINES: tuple[Baseline, ...] = (
    Baseline(
        "gazetteer",
        "train-set mention strings (kept where annotated ≥ half the time), leftmost-longest on tokens; "
        "string-match coreference",
        ("entities", "coreference.conll_f1"),
    ),
    Baseline(
        "crf",
        "sklearn-crfsuite CRF on the ner config's tokens, character n-gram features, c1/c2 chosen on validation; "
        "string-match coreference",
        ("entities", "coreference.conll_f1"),
    ),
    Baseline(
        "spacy_ner",
        "spaCy NER (configs/ner.cfg, longer run), trained on train, best step on validation, run on raw text; "
        "string-match coreference",
        ("entities", "coreference.conll_f1"),
        tolerance=0.02,
    ),
    Baseline(
        "trigger_lexicon",
        "train-set trigger strings (kept where annotated ≥ half the time) typed as they mostly were; no arguments",
        ("events.trigger_identification", "events.trigger_classification"),
    ),
    Baseline(
        "majority_polarity",
        "the most frequent train polarity for every gold (holder, target) pair",
        ("stances.polarity",),
    ),
)


def _make(
    name: str, train: Sequence[Record], validation: Sequence[Record], workdir: Path
) -> Callable[[Record], Record]:
    """The trained baseline's ``predict``: unannotated record → prediction (majority polarity takes the gold)."""
    if name == "gazetteer":
        from aces.baselines.gazetteer import Gazetteer

        return Gazetteer(train).predict
    if name == "crf":
        from aces.baselines.crf import CRFTagger

        return CRFTagger(train, validation).predict
    if name == "spacy_ner":
        from aces.baselines.spacy_ner import SpacyNER

        return SpacyNER(train, validation, workdir).predict
    if name == "trigger_lexicon":
        from aces.baselines.triggers import TriggerLexicon

        return TriggerLexicon(train).predict
    if name == "majority_polarity":
        from aces.baselines.polarity import MajorityPolarity

        return MajorityPolarity(train).predict
    raise KeyError(f"unknown baseline {name!r}; baselines are {', '.join(b.name for b in BASELINES)}")


def run(
    records: Sequence[Record],
    names: Sequence[str] | None = None,
    predictions_out: Path | None = None,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> dict[str, Any]:
    """Train each baseline, predict ``validation`` and ``test``, score them; returns the results document."""
    from aces.evaluate import score

    chosen = [b for b in BASELINES if names is None or b.name in names]
    train = split_records(records, "train")
    out: dict[str, Any] = {"splits": list(SPLITS), "baselines": {}}
    for baseline in chosen:
        began = time.monotonic()
        log(f"baseline {baseline.name}: training on {len(train)} documents")
        with tempfile.TemporaryDirectory(prefix=f"aces-{baseline.name}-") as tmp:
            validation = split_records(records, "validation")
            predict = _make(baseline.name, train, validation, Path(tmp))
            scores: dict[str, Any] = {}
            for split in SPLITS:
                gold = split_records(records, split)
                inputs = gold if baseline.name == "majority_polarity" else [unannotated(r) for r in gold]
                preds = [predict(r) for r in inputs]
                if predictions_out is not None:
                    _write(preds, predictions_out / baseline.name / f"{split}.jsonl")
                scores[split] = pick(score(gold, preds), baseline.metrics)
        out["baselines"][baseline.name] = {"description": baseline.description, "scores": scores}
        log(f"baseline {baseline.name}: done in {time.monotonic() - began:.0f} s; test {_brief(scores['test'])}")
    return out


def pick(result: dict[str, Any], metrics: Sequence[str]) -> dict[str, Any]:
    """The named blocks of a scorer result, rounded: ``{"entities": {"precision": …, "recall": …, "f1": …}}``."""
    out: dict[str, Any] = {}
    for key in metrics:
        node: Any = result
        for part in key.split("."):
            node = node[part]
        out[key] = _rounded(node)
    return out


def differences(kept: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Where a fresh run's figures depart from the kept results by more than the baseline's tolerance."""
    out: list[str] = []
    for baseline in BASELINES:
        if baseline.name not in fresh.get("baselines", {}):
            continue
        now = fresh["baselines"][baseline.name]
        was = kept.get("baselines", {}).get(baseline.name)
        if was is None:
            out.append(f"{baseline.name}: no kept result")
            continue
        if was.get("description") != now["description"]:
            out.append(f"{baseline.name}: description changed")
        for split, metrics in now["scores"].items():
            for metric, block in metrics.items():
                old = was.get("scores", {}).get(split, {}).get(metric)
                for key, value in block.items() if isinstance(block, dict) else [("value", block)]:
                    before = old.get(key) if isinstance(old, dict) else old
                    same = before == value or (
                        isinstance(before, float)
                        and isinstance(value, float)
                        and abs(before - value) <= baseline.tolerance
                    )
                    if not same:
                        out.append(f"{baseline.name} {split} {metric} {key}: kept {before}, now {value}")
    return out


def _rounded(node: Any) -> Any:
    if isinstance(node, float):
        return round(node, DIGITS)
    if isinstance(node, dict):
        return {k: _rounded(v) for k, v in node.items() if k in ("precision", "recall", "f1", "accuracy")}
    return node


def _brief(scores: dict[str, Any]) -> str:
    return ", ".join(f"{k} F1 {v['f1']}" if isinstance(v, dict) else f"{k} {v}" for k, v in scores.items())


def _write(records: Sequence[Record], path: Path) -> None:
    from aces.record import write_jsonl

    path.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(records, path)


def read_results(corpus: Path) -> dict[str, Any] | None:
    """The kept results of ``corpus`` (``corpus/baselines.json``), None when it has none; raises on a broken file."""
    path = Path(corpus) / RESULTS
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
