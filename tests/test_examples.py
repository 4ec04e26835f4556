"""The training examples run end to end on a tiny budget and end with the official scorer's entity figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aces.paths import repo_root


def run_example(script: str, *args: str, tmp_path) -> dict:
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "PYTHONPATH": str(repo_root() / "loaders")}
    done = subprocess.run(
        [sys.executable, str(repo_root() / "examples" / script), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_token_classifier_over_datasets(tmp_path) -> None:
    out = run_example(
        "token_classifier.py", "--epochs", "2", "--data-dir", str(tmp_path / "hf-built"), tmp_path=tmp_path
    )
    entities = out["entities"]
    # Two epochs of a linear model on character features already find a good share of the test mentions.
    assert entities["f1"] is not None and 0.1 < entities["f1"] <= 1
    assert 0 < entities["precision"] <= 1 and 0 < entities["recall"] <= 1


def test_spacy_ner_example(tmp_path) -> None:
    out = run_example("spacy_ner.py", "--max-steps", "20", tmp_path=tmp_path)
    entities = out["entities"]
    assert set(entities) == {"precision", "recall", "f1"}
    assert entities["recall"] is not None and 0 <= entities["recall"] <= 1  # gold has test mentions: recall is defined
