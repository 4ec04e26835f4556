"""Train spaCy's NER on ACES DocBins (``aces.to_spacy``), run it on the raw test texts, score it with ``aces score``.

The DocBins carry the corpus's tokens (which never depend on the annotations) and every span; ``spacy train``
reads them with the shipped ``configs/ner.cfg``; at prediction the pipeline sees only the text.

    .venv/bin/python examples/spacy_ner.py                     # minutes: 1,000 training steps
    .venv/bin/python examples/spacy_ner.py --max-steps 20      # seconds (what the test suite runs)
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import spacy
from spacy.cli.train import train

import aces
import aces.text.clitics
from aces.baselines.inputs import with_mentions

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "ner.cfg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-steps", type=int, default=1000, help="training steps (the best on validation is kept)")
    args = parser.parse_args()

    records = list(aces.read_corpus())
    test = [r for r in records if r.split == "test"]
    with tempfile.TemporaryDirectory() as tmp:
        bins = aces.to_spacy([r for r in records if r.split != "test"], Path(tmp) / "docbins")
        overrides = {
            "paths.train": str(bins["train"]),
            "paths.dev": str(bins["validation"]),
            "training.max_steps": args.max_steps,
            "training.eval_frequency": max(args.max_steps // 10, 1),
        }
        train(CONFIG, Path(tmp) / "model", overrides=overrides)
        nlp = spacy.load(Path(tmp) / "model" / "model-best")
        predictions = [
            with_mentions(r, [(e.start_char, e.end_char, e.label_, "NAM") for e in nlp(r.text).ents]) for r in test
        ]
    result = aces.score(test, predictions)
    print(json.dumps({"entities": {k: result["entities"][k] for k in ("precision", "recall", "f1")}}))


if __name__ == "__main__":
    main()
