"""``aces score`` and ``aces.score`` on the real gold corpus and on predictions made from it by known edits."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from aces import record as rec
from aces import score
from aces.cli import main
from aces.evaluate import ScoreError
from aces.paths import repo_root
from aces.schema import labels
from aces.versions.load import read_side

GOLD = repo_root() / "corpus" / "gold"
DOCS = repo_root() / "docs" / "EVALUATION.md"

PRF = ["gold", "pred", "matched", "precision", "recall", "f1"]
RATIOS = ["precision", "recall", "f1"]
TOP = ["format", "inputs", "documents", "layers", "entities", "coreference", "events", "stances"]
ENTITIES = [*PRF, "span", "per_type"]
COREFERENCE = ["muc", "b_cubed", "ceaf_e", "conll_f1"]
EVENTS = ["trigger_identification", "trigger_classification", "argument_identification", "argument_classification",
          "epistemic"]  # fmt: skip
STANCES = ["holder", "target", "polarity", "full"]


@pytest.fixture(scope="module")
def gold() -> list[rec.Record]:
    return read_side(GOLD).records


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["score", *args])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, records: list[rec.Record]) -> Path:
    path.write_text("".join(rec.to_json(r) + "\n" for r in records), encoding="utf-8")
    return path


def scores_in(block: object) -> list[float | None]:
    """Every precision, recall, F1 and CoNLL F1 anywhere in ``block``."""
    if isinstance(block, dict):
        found = [v for k, v in block.items() if k in ("precision", "recall", "f1", "conll_f1")]
        return found + [s for v in block.values() for s in scores_in(v)]
    return []


def test_gold_against_itself_is_perfect_on_every_key() -> None:
    code, out, err = run(str(GOLD), str(GOLD), "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["layers"] == ["entities", "coreference", "events", "stances"]
    found = scores_in(result)
    assert len(found) > 60 and all(s == 1.0 for s in found)


def test_json_keys_are_exactly_the_documented_ones() -> None:
    code, out, _ = run(str(GOLD), str(GOLD), "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert list(result) == TOP
    assert list(result["entities"]) == ENTITIES and list(result["entities"]["span"]) == PRF
    assert all(list(block) == PRF for block in result["entities"]["per_type"].values())
    assert list(result["coreference"]) == COREFERENCE
    assert all(list(result["coreference"][m]) == RATIOS for m in COREFERENCE[:3])
    assert list(result["events"]) == EVENTS and all(list(b) == PRF for b in result["events"].values())
    assert list(result["stances"]) == STANCES and all(list(b) == PRF for b in result["stances"].values())
    documented = DOCS.read_text(encoding="utf-8")
    for key in {*TOP, *ENTITIES, *COREFERENCE, *EVENTS, *STANCES}:
        assert f"`{key}`" in documented, key


def _retyped(records: list[rec.Record], share: int) -> tuple[list[rec.Record], int]:
    """Every ``share``-th mention (and the clusters it is alone in) given the next entity type of labels.json."""
    types = list(labels(records[0].schema_version).entity_types)
    out, changed, seen = [], 0, 0
    for r in records:
        entities = []
        for m in r.entities:
            seen += 1
            if seen % share == 0:
                m = msgspec.structs.replace(m, type=types[(types.index(m.type) + 1) % len(types)])
                changed += 1
            entities.append(m)
        out.append(msgspec.structs.replace(r, entities=tuple(entities)))
    return out, changed


def test_retyping_a_quarter_of_the_mentions_costs_exactly_that_quarter(gold: list[rec.Record]) -> None:
    pred, changed = _retyped(gold, 4)
    n = sum(len(r.entities) for r in gold)
    assert changed == n // 4
    result = score(gold, pred, check=False)
    # each retyped mention is one false positive and one false negative: P = R = F1 = (n - changed) / n
    expected = (n - changed) / n
    entities = result["entities"]
    assert entities["matched"] == n - changed
    assert entities["precision"] == entities["recall"] == entities["f1"] == pytest.approx(expected)
    assert entities["span"]["f1"] == 1.0  # the spans are all right
    assert result["coreference"]["conll_f1"] == 1.0  # coreference ignores types


def test_a_prediction_of_entities_only_is_not_punished_on_the_other_layers(gold: list[rec.Record]) -> None:
    """What such a system writes: mentions, one singleton cluster each (level 3 wants it), no events, no stances."""

    def singletons(r: rec.Record) -> tuple[rec.Cluster, ...]:
        return tuple(rec.Cluster(f"{r.id}:c{i}", m.text, m.type, (m.id,)) for i, m in enumerate(r.entities, 1))

    pred = [msgspec.structs.replace(r, clusters=singletons(r), events=(), stances=()) for r in gold]
    result = score(gold, pred)
    assert result["layers"] == ["entities"]
    assert result["coreference"] is result["events"] is result["stances"] is None
    assert result["entities"]["f1"] == 1.0


def test_a_layer_empty_in_some_documents_only_is_scored(gold: list[rec.Record]) -> None:
    pred = [msgspec.structs.replace(r, stances=()) if i else r for i, r in enumerate(gold)]
    result = score(gold, pred, check=False)
    stances = result["stances"]
    assert stances["full"]["precision"] == 1.0 and stances["full"]["recall"] == len(gold[0].stances) / sum(
        len(r.stances) for r in gold
    )


def test_an_argument_may_name_its_entity_by_cluster(gold: list[rec.Record]) -> None:
    """A predicted argument pointing at the cluster of the gold argument's mention is the same argument; one
    pointing at a mention of another entity is a miss."""
    doc, event, arg, cluster = next(
        (r, e, a, c)
        for r in gold
        for e in r.events
        for a in e.arguments
        for c in r.clusters
        if a.ref in c.mentions and len(c.mentions) > 1
    )

    def with_ref(ref: str) -> rec.Record:
        args = tuple(msgspec.structs.replace(a, ref=ref) if a is arg else a for a in event.arguments)
        events = tuple(msgspec.structs.replace(e, arguments=args) if e is event else e for e in doc.events)
        return msgspec.structs.replace(doc, events=events)

    assert score([doc], [with_ref(cluster.id)])["events"]["argument_classification"]["f1"] == 1.0
    other = next(m.id for m in doc.entities if m.id not in cluster.mentions)
    missed = score([doc], [with_ref(other)], check=False)["events"]["argument_identification"]
    assert missed["matched"] == missed["gold"] - 1


def _untouched_letter(r: rec.Record) -> int:
    covered = set()
    for item in (*r.entities, *(e.trigger for e in r.events), *(s for st in r.stances for s in st.evidence)):
        covered.update(range(item.start, item.end))
    for st in r.stances:
        if isinstance(st.target, rec.PropositionTarget):
            covered.update(range(st.target.start, st.target.end))
    return next(i for i, ch in enumerate(r.text) if i not in covered and ch == "ا")


def test_a_changed_text_is_one_clear_line_and_exit_1(gold: list[rec.Record], tmp_path: Path) -> None:
    doc = gold[0]
    at = _untouched_letter(doc)
    changed = msgspec.structs.replace(doc, text=doc.text[:at] + "ب" + doc.text[at + 1 :])
    code, out, err = run(str(write(tmp_path / "gold.jsonl", [doc])), str(write(tmp_path / "pred.jsonl", [changed])))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"aces score: document {doc.id}: the predicted text differs from gold's at offset {at} (1 document(s) "
        "differ); predictions must keep the gold text unchanged"
    ]


def test_a_missing_prediction_is_refused(gold: list[rec.Record], tmp_path: Path) -> None:
    code, _, err = run(str(write(tmp_path / "gold.jsonl", gold[:2])), str(write(tmp_path / "pred.jsonl", gold[:1])))
    assert code == 1
    assert err.splitlines() == [
        f"aces score: 1 gold document(s) have no prediction: {gold[1].id}; predict every gold document (a record "
        "with empty layers predicts nothing) or score against just the gold documents you predicted"
    ]


def test_an_invalid_prediction_is_refused_with_the_validators_located_findings(
    gold: list[rec.Record], tmp_path: Path
) -> None:
    doc = gold[0]
    bad = msgspec.structs.replace(doc, entities=(msgspec.structs.replace(doc.entities[0], type="NOT-A-TYPE"),))
    pred = write(tmp_path / "pred.jsonl", [bad])
    code, out, err = run(str(write(tmp_path / "gold.jsonl", [doc])), str(pred))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith(f"{pred}:1 [{doc.entities[0].id}] L3 ERROR ")
    assert lines[-1].startswith(f"aces score: PRED {pred} is not valid at levels 1-3 (")
    with pytest.raises(ScoreError, match=r"^pred is not valid at levels 1-3 .*<pred>:1 "):
        score([doc], [bad])


@pytest.mark.parametrize("content", [None, "", "not json\n", "\xff\xfe", '{"id": 3}\n'])
def test_bad_input_is_a_message_and_an_exit_status_never_a_traceback(content: str | None, tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    if content is not None:
        pred.write_bytes(content.encode("latin-1"))
    code, out, err = run(str(GOLD), str(pred))
    assert out == ""
    assert code == (2 if content is None else 1), err  # an empty file predicts no document
    assert err.splitlines()[-1].startswith("aces score: ")


def test_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(str(GOLD), str(tmp_path))
    assert code == 2 and err.startswith(f"aces score: {tmp_path}: no JSONL files")


def test_out_writes_the_table(tmp_path: Path) -> None:
    code, out, err = run(str(GOLD), str(GOLD), "--out", str(tmp_path / "score.txt"))
    assert code == 0 and out == "" and err == f"aces score: result written to {tmp_path / 'score.txt'}\n"
    assert "trigger_classification" in (tmp_path / "score.txt").read_text(encoding="utf-8")
