"""Train a token classifier on the ACES ``ner`` config (Hugging Face ``datasets``) and score it with ``aces score``.

The ``ner`` rows are a token classifier's inputs as they stand: ``tokens`` (which never depend on the
annotations), their document offsets ``token_starts``/``token_ends``, and ``ner_tags`` (BIO, a ClassLabel). This
script fits scikit-learn's logistic regression (SGD) on hashed character features of each token, tags the test
rows, turns the tags back into mentions at their document offsets, and scores them against gold.

    .venv/bin/python examples/token_classifier.py                # a few minutes: the full budget
    .venv/bin/python examples/token_classifier.py --epochs 1     # seconds (what the test suite runs)
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import SGDClassifier

import aces
from aces.baselines.crf import token_features
from aces.baselines.inputs import spans_from_bio, with_mentions


def features(rows) -> list[dict]:
    return [token_features(row["tokens"], i) for row in rows for i in range(len(row["tokens"]))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training tokens")
    parser.add_argument("--data-dir", default=None, help="a built dataset folder (default: build it as aces.load does)")
    args = parser.parse_args()

    ner = aces.load("ner", data_dir=args.data_dir)  # DatasetDict: train, validation, test
    names = ner["train"].features["ner_tags"].feature.names  # "O", "B-PER", "I-PER", ...
    hasher = FeatureHasher(n_features=2**18)
    train = ner["train"]
    model = SGDClassifier(loss="log_loss", max_iter=args.epochs, tol=None, random_state=0)
    model.fit(hasher.transform(features(train)), [tag for row in train for tag in row["ner_tags"]])

    test = ner["test"]
    tags = iter(model.predict(hasher.transform(features(test))))
    spans = defaultdict(list)
    for row in test:
        row_tags = [names[next(tags)] for _ in row["tokens"]]
        spans[row["doc_id"]] += spans_from_bio(row["token_starts"], row["token_ends"], row_tags)

    gold = [r for r in aces.read_corpus() if r.split == "test"]
    predictions = [with_mentions(r, spans[r.id]) for r in gold]
    result = aces.score(gold, predictions)
    print(json.dumps({"entities": {k: result["entities"][k] for k in ("precision", "recall", "f1")}}))


if __name__ == "__main__":
    main()
