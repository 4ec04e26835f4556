"""The baselines: trained on train only, blind to the annotations of what they predict, valid predictions, and a
results table that ``aces baselines --check`` reproduces (the slow part: it trains every baseline again)."""

from __future__ import annotations

import json
import shutil

import msgspec
import pytest
from click.testing import CliRunner

from aces.baselines.gazetteer import Gazetteer
from aces.baselines.inputs import spans_from_bio, split_records, unannotated
from aces.baselines.lexicon import learn
from aces.baselines.polarity import MajorityPolarity
from aces.baselines.run import BASELINES, RESULTS
from aces.baselines.table import markdown
from aces.baselines.triggers import TriggerLexicon
from aces.cli import main
from aces.hf.dataset import read_corpus
from aces.paths import corpus_dir, repo_root
from aces.record import Mention, write_jsonl
from aces.validate import validate


@pytest.fixture(scope="module")
def gold():
    return list(read_corpus())


@pytest.fixture(scope="module")
def trained(gold):
    train = split_records(gold, "train")
    return {"gazetteer": Gazetteer(train), "trigger_lexicon": TriggerLexicon(train)}


def test_unannotated_keeps_text_and_structure_only(gold) -> None:
    for record in gold:
        blank = unannotated(record)
        assert (blank.entities, blank.clusters, blank.events, blank.stances) == ((), (), (), ())
        assert (blank.text, blank.segments, blank.sentences, blank.provenance) == (
            record.text, record.segments, record.sentences, record.provenance,
        )  # fmt: skip


@pytest.mark.parametrize("name", ["gazetteer", "trigger_lexicon"])
def test_predictions_do_not_see_the_annotations(gold, trained, name) -> None:
    """Handing a baseline the gold record instead of the blank one changes nothing: it cannot read the answer."""
    model = trained[name]
    for record in split_records(gold, "test"):
        assert model.predict(record) == model.predict(unannotated(record))


@pytest.mark.parametrize("name", ["gazetteer", "trigger_lexicon"])
def test_predictions_validate(gold, trained, name, tmp_path) -> None:
    """Predictions are records the validator accepts at levels 1-3 (what ``aces score`` requires)."""
    preds = [trained[name].predict(unannotated(r)) for r in split_records(gold, "test")]
    assert any(p.entities or p.events for p in preds)
    (tmp_path / "gold").mkdir()
    write_jsonl(preds, tmp_path / "gold" / "pred.jsonl")
    (tmp_path / "raw").symlink_to(corpus_dir() / "raw")
    report = validate([tmp_path / "gold" / "pred.jsonl"], level=3)
    assert report.ok, [f for f in report.findings if f.severity == "error"][:3]


def test_gazetteer_clusters_by_string_match(gold, trained) -> None:
    for pred in (trained["gazetteer"].predict(unannotated(r)) for r in split_records(gold, "test")):
        by_id = {m.id: m for m in pred.entities}
        for cluster in pred.clusters:
            assert len({(by_id[m].text, by_id[m].type) for m in cluster.mentions}) == 1
        assert len(pred.clusters) == len({(m.text, m.type) for m in pred.entities})


def test_lexicon_keeps_only_strings_mostly_annotated(gold) -> None:
    """A string annotated in fewer than half of its train occurrences is left out; one always annotated is kept."""
    record = split_records(gold, "train")[0]
    word = "ثم"
    text = f"{word} قال {word} ذهب {word}"
    rec = msgspec.structs.replace(record, text=text, entities=(Mention("x:m1", 0, 2, word, "PER", "NAM"),))
    spans = lambda r: ((m.start, m.end, m.type) for m in r.entities)  # noqa: E731
    assert learn([rec], spans, ["PER"]) == {}
    rec2 = msgspec.structs.replace(rec, text=f"{word} قال")
    assert learn([rec2], spans, ["PER"]) == {word: "PER"}


def test_majority_polarity_changes_only_polarity(gold) -> None:
    model = MajorityPolarity(split_records(gold, "train"))
    for record in split_records(gold, "test"):
        pred = model.predict(record)
        assert {st.polarity for st in pred.stances} <= {model.polarity}
        assert [(s.holder, s.target, s.evidence) for s in pred.stances] == [
            (s.holder, s.target, s.evidence) for s in record.stances
        ]


def test_bio_decoding() -> None:
    starts, ends = [0, 3, 6, 9, 12], [2, 5, 8, 11, 14]
    tags = ["B-PER", "I-PER", "I-ORG", "O", "I-GPE"]
    expected = [(0, 5, "PER", "NAM"), (6, 8, "ORG", "NOM"), (12, 14, "GPE", "NAM")]
    assert spans_from_bio(starts, ends, tags, {"ORG": "NOM"}) == expected


def test_results_table_is_in_the_docs() -> None:
    """docs/EVALUATION.md shows exactly the committed results (``aces baselines`` writes both)."""
    results = json.loads((corpus_dir() / RESULTS).read_text(encoding="utf-8"))
    assert [b.name for b in BASELINES] == list(results["baselines"])
    assert markdown(results) in (repo_root() / "docs" / "EVALUATION.md").read_text(encoding="utf-8")


def test_baselines_reproduce() -> None:
    """Training every baseline again gives every figure of corpus/baselines.json (seeded, CPU only)."""
    done = CliRunner().invoke(main, ["baselines", "--check"])
    assert done.exit_code == 0, done.output


def test_the_card_shows_the_baselines_and_a_train_eval_index(tmp_path) -> None:
    """A corpus with baselines.json gets the same table in its dataset card, and the Hub's train-eval-index."""
    from huggingface_hub import DatasetCard

    from aces.hf.build import build
    from hf_samples import sample_records, write_corpus

    corpus = write_corpus(tmp_path / "with", sample_records())
    shutil.copyfile(corpus_dir() / RESULTS, corpus / RESULTS)
    card = DatasetCard.load(build(corpus, tmp_path / "with" / "out").out_dir / "README.md")
    results = json.loads((corpus / RESULTS).read_text(encoding="utf-8"))
    assert "## Baselines" in card.text and markdown(results) in card.text
    (index,) = card.data.train_eval_index
    assert index["config"] == "ner" and index["splits"] == {"train_split": "train", "eval_split": "test"}

    bare = write_corpus(tmp_path / "without", sample_records())
    assert "## Baselines" not in (build(bare, tmp_path / "without" / "out").out_dir / "README.md").read_text("utf-8")
