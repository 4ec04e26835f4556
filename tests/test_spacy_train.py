"""A real `python -m spacy train` on the exported corpus with the shipped config, and `spacy debug data` on it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

import aces
from aces.convert.spacy_docbin import to_spacy
from aces.offsets import flat_mentions
from aces.paths import gold_files, repo_root
from aces.record import read_jsonl
from spacy_samples import clitic_record

CONFIG = repo_root() / "configs" / "ner.cfg"
CODE = Path(__file__).with_name("spacy_code.py")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def spacy_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m spacy ARGS`` with this interpreter and this checkout's ``aces`` first on the path (not whichever
    one is installed); output with colours stripped, stdout and stderr joined."""
    loaders = str(Path(aces.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (loaders, os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run(
        [sys.executable, "-m", "spacy", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    done.stdout = ANSI.sub("", done.stdout + done.stderr)
    return done


def paths(train: Path, dev: Path | None = None) -> list[str]:
    """The config's paths, and ``--code`` so that spaCy's process knows the tokenizer the config names."""
    return ["--paths.train", str(train), "--paths.dev", str(dev or train), "--code", str(CODE)]


@pytest.fixture(scope="module")
def gold():
    return [r for path in gold_files() for r in read_jsonl(path)]


@pytest.fixture(scope="module")
def exports(gold, tmp_path_factory) -> dict[str, Path]:
    written = to_spacy(gold, tmp_path_factory.mktemp("spacy"))
    assert "train" in written and "validation" in written, "the gold corpus lacks a train or validation split"
    return written


@pytest.fixture(scope="module")
def export(exports) -> Path:
    return exports["train"]


@pytest.fixture(scope="module")
def trained(exports, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("ner")
    done = spacy_cli(
        "train", str(CONFIG), "--output", str(out), *paths(exports["train"], exports["validation"]), cwd=out
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return out / "model-last", done


def test_training_runs_without_dropped_spans(trained) -> None:
    _, done = trained
    assert "W030" not in done.stdout
    assert "Saved pipeline" in done.stdout


def test_trained_pipeline_loads_and_runs_on_the_article(trained, gold) -> None:
    model, _ = trained
    nlp = spacy.load(model)
    record = gold[0]
    paragraph = next(s for s in record.segments if s.type == "paragraph")
    sentence = record.text[paragraph.start : paragraph.end]
    doc = nlp(sentence)
    assert doc.text == sentence
    assert "ner" in nlp.pipe_names
    trained_types = {m.type for r in gold if r.split == "train" for m in flat_mentions(r.entities)}
    assert set(nlp.get_pipe("ner").labels) == trained_types
    assert all(ent.label_ in trained_types for ent in doc.ents)


def debug_data(train: Path, cwd: Path, *extra: str, dev: Path | None = None) -> str:
    done = spacy_cli("debug", "data", str(CONFIG), *paths(train, dev), *extra, cwd=cwd)
    assert "Corpus is loadable" in done.stdout, done.stdout[-3000:]
    return done.stdout


def assert_aligned(report: str) -> None:
    assert "misaligned" not in report, report
    assert "W030" not in report
    assert re.search(r"^0 missing value\(s\)", report, re.M), report
    assert "No entities consisting of or starting/ending with whitespace" in report
    assert "No entities crossing sentence boundaries" in report


def test_debug_data_reports_no_misaligned_spans_on_the_gold_export(exports, tmp_path) -> None:
    assert_aligned(debug_data(exports["train"], tmp_path, dev=exports["validation"]))


def test_debug_data_reports_no_misaligned_spans_on_clitics(tmp_path) -> None:
    """On a bounded export (a directory of .spacy files, one doc each): spaCy reads every file of it."""
    record = clitic_record()
    (train,) = to_spacy([record, record], tmp_path / "spacy", docs_per_file=1).values()
    assert sorted(p.name for p in train.iterdir()) == ["train-00000.spacy", "train-00001.spacy"]
    report = debug_data(train, tmp_path)
    assert_aligned(report)
    # gold_preproc is off: one example per document, re-tokenized by the config's tokenizer; both files were read
    assert re.search(r"^2 training docs", report, re.M), report


def test_debug_data_check_would_see_misalignment(tmp_path) -> None:
    """Control: re-tokenizing with spaCy's own Arabic tokenizer instead of the config's misaligns the clitic spans,
    and the report says so; so the clean reports above are not an artefact of parsing."""
    (train,) = to_spacy([clitic_record()], tmp_path / "spacy").values()
    report = debug_data(train, tmp_path, "--nlp.tokenizer", '{"@tokenizers": "spacy.Tokenizer.v1"}')
    assert re.search(r"\d+ misaligned tokens in the training data", report), report


def test_the_package_declares_the_tokenizer_as_a_spacy_entry_point() -> None:
    """What lets another process (``spacy train``, ``spacy.load``) find the tokenizer of an installed aces-corpus:
    the entry-point group spaCy's registry reads, naming the registered function."""
    import importlib
    import tomllib

    from aces.text.clitics import REGISTRY_NAME

    project = tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    group = project["entry-points"][spacy.registry.tokenizers.entry_point_namespace]
    module, _, name = group[REGISTRY_NAME].partition(":")
    assert getattr(importlib.import_module(module), name) is spacy.registry.tokenizers.get(REGISTRY_NAME)


def test_training_on_annotated_clitics_learns_every_entity_type(tmp_path) -> None:
    """The same run on a hand-annotated sample (the gold corpus may still be unannotated): its entity types,
    all inside proclitic-glued words or quotes, reach the trained NER. Trained on a directory of two .spacy files
    (`--docs-per-file 1`), as a large corpus is; the gold run above trains on one file."""
    record = clitic_record()
    (train,) = to_spacy([record, record], tmp_path / "spacy", docs_per_file=1).values()
    assert train.is_dir() and len(list(train.glob("*.spacy"))) == 2
    done = spacy_cli("train", str(CONFIG), "--output", str(tmp_path / "ner"), *paths(train), cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "W030" not in done.stdout
    nlp = spacy.load(tmp_path / "ner" / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {m.type for m in flat_mentions(record.entities)}
    assert nlp(record.text).text == record.text
