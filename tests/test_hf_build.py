"""`aces build`: the folder `datasets` loads offline, config by config, with the features and rows users rely on."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import datasets
import msgspec
import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.hf import rows as hf
from aces.hf.build import MARKER, BuildError, build, data_file
from aces.offsets import bio_to_spans, flat_mentions
from aces.schema import CURRENT_VERSION, labels
from hf_samples import EMOJI, SPLIT_OF, copy_repo_corpus, renamed, sample_records, with_emoji, write_corpus

LABELS = labels()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("hf")
    records = sample_records()
    corpus = write_corpus(root, records, datasheet="# Datasheet\n\nA test datasheet.\n")
    summary = build(corpus, root / "out")
    return {"root": root, "corpus": corpus, "records": {r.id: r for r in records}, "summary": summary}


def _load(folder: Path, config: str, tmp: Path) -> datasets.DatasetDict:
    return datasets.load_dataset(str(folder), config, cache_dir=str(tmp / "cache"))


def test_every_config_loads_with_declared_features_and_row_counts(sample, tmp_path):
    summary = sample["summary"]
    for config in hf.CONFIGS:
        loaded = _load(summary.out_dir, config, tmp_path)
        assert list(loaded) == ["train", "validation", "test"]
        for split, part in loaded.items():
            assert part.features == hf.features(config, CURRENT_VERSION)
            assert part.num_rows == summary.rows[config][split] > 0


def test_label_columns_are_classlabels_named_by_the_schema(sample, tmp_path):
    out = sample["summary"].out_dir
    assert _load(out, "ner", tmp_path)["train"].features["ner_tags"].feature.names == LABELS.bio_labels
    stance = _load(out, "stance", tmp_path)["train"].features
    assert stance["polarity"].names == list(LABELS.stance_polarities)
    events = _load(out, "events", tmp_path)["train"].features
    assert events["event_type"].names == list(LABELS.event_types)
    assert events["epistemic_status"].names == list(LABELS.epistemic_statuses)


def test_ner_rows_are_sentences_whose_tags_give_back_the_flat_mentions(sample, tmp_path):
    ner = _load(sample["summary"].out_dir, "ner", tmp_path)["train"]
    record = sample["records"]["t-hf-001"]
    names = ner.features["ner_tags"].feature.names
    assert [row["sentence_id"] for row in ner] == [s.id for s in record.sentences]
    for row, sentence in zip(ner, record.sentences, strict=True):
        segment = next(s for s in record.segments if s.start <= sentence.start < s.end)
        assert (row["segment_id"], row["segment_type"]) == (segment.id, segment.type)
        spans = list(zip(row["token_starts"], row["token_ends"], strict=True))
        assert row["tokens"] == [record.text[a:b] for a, b in spans]
        inside = [m for m in flat_mentions(record.entities) if sentence.start <= m.start and m.end <= sentence.end]
        tags = [names[i] for i in row["ner_tags"]]
        assert bio_to_spans(spans, tags) == [(m.start, m.end, m.type) for m in inside]
    # «لأفغانستان»: the proclitic is its own token, outside the GPE mention
    tokens = [t for row in ner for t in zip(row["tokens"], (names[i] for i in row["ner_tags"]), strict=True)]
    assert [("ل", "O"), ("أفغانستان", "B-GPE")] in [tokens[i : i + 2] for i in range(len(tokens))]


def test_event_rows_resolve_arguments_and_keep_document_offsets(sample, tmp_path):
    events = _load(sample["summary"].out_dir, "events", tmp_path)["train"]
    record = sample["records"]["t-hf-001"]
    names = events.features["event_type"].names
    by_id = {row["event_id"]: row for row in events}
    die = by_id["t-hf-001:e1"]
    assert names[die["event_type"]] == "Life.Die"
    assert record.text[die["trigger"]["start"] : die["trigger"]["end"]] == die["trigger"]["text"] == "قتلت"
    argument = events.features["arguments"].feature
    roles, types = argument["role"], argument["entity_type"]  # ClassLabels over labels.json's closed inventories
    assert roles.names == labels().role_names and types.names == list(labels().entity_types)
    assert events.features["epistemic_source"]["entity_type"] == types
    args = {roles.int2str(a["role"]): a for a in die["arguments"]}
    assert args["Agent"] == {
        "role": roles.str2int("Agent"),
        "kind": "cluster",
        "ref": "t-hf-001:c3",
        "entity_type": types.str2int("ORG"),
        "start": None,
        "end": None,
        "text": "Taliban intelligence",
    }
    assert (args["Victim"]["kind"], args["Victim"]["text"]) == ("mention", "3 أعضاء")
    assert events.features["epistemic_status"].names[die["epistemic_status"]] == "claimed"
    assert die["epistemic_source"]["text"] == "مخابرات طالبان"
    content = {roles.int2str(a["role"]): a for a in by_id["t-hf-001:e2"]["arguments"]}["Content"]
    assert (content["kind"], content["ref"], content["text"]) == ("event", "t-hf-001:e1", "قتلت")
    start = die["context_start"]
    assert record.text[start : start + len(die["context"])] == die["context"]
    assert die["trigger"]["start"] - start == die["context"].index("قتلت")


def test_stance_rows_have_holder_target_polarity_evidence_and_context(sample, tmp_path):
    stance = _load(sample["summary"].out_dir, "stance", tmp_path)["test"]
    names = stance.features["polarity"].names
    by_id = {row["stance_id"]: row for row in stance}
    st2 = by_id["t-hf-003:st2"]
    assert (st2["holder"]["kind"], st2["holder"]["text"]) == ("mention", "واشنطن")
    assert stance.features["holder"]["entity_type"].int2str(st2["holder"]["entity_type"]) == "GPE"
    assert (st2["target"]["kind"], st2["target"]["text"]) == ("proposition", "جهود الحكومة")
    assert names[st2["polarity"]] == "FAVOR"
    assert [e["text"] for e in st2["evidence"]] == ["خطوة مهمة", "رحبت"]
    for evidence in st2["evidence"]:
        assert st2["context"][evidence["start"] - st2["context_start"] :].startswith(evidence["text"])
    st3 = by_id["t-hf-003:st3"]
    assert st3["holder"] == {
        "kind": "author",
        "ref": None,
        "entity_type": None,
        "start": None,
        "end": None,
        "text": None,
    }
    assert (st3["target"]["kind"], names[st3["polarity"]]) == ("event", "NEUTRAL")


def test_documents_rows_keep_the_split_stored_in_each_record(sample, tmp_path):
    documents = _load(sample["summary"].out_dir, "documents", tmp_path)
    for split, part in documents.items():
        assert [(row["id"], row["split"]) for row in part] == [(i, s) for i, s in SPLIT_OF.items() if s == split]


def test_two_builds_are_byte_identical(sample, tmp_path):
    first, second = sample["summary"].out_dir, tmp_path / "again"
    build(sample["corpus"], second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) == 4 * 3 + 3
    for rel in files:
        assert filecmp.cmp(first / rel, second / rel, shallow=False), rel


def test_documents_keep_their_split_as_the_corpus_grows(sample, tmp_path):
    records = list(sample["records"].values())
    more = [
        with_emoji(renamed(records[0], f"t-hf-1{i:02d}", split), EMOJI[5 + i])
        for i, split in enumerate(["test", "train", "test"])
    ]
    corpus = write_corpus(tmp_path, records + more)
    summary = build(corpus, tmp_path / "out")
    documents = _load(summary.out_dir, "documents", tmp_path)
    placed = {row["id"]: split for split, part in documents.items() for row in part}
    assert {i: placed[i] for i in SPLIT_OF} == SPLIT_OF
    assert summary.documents == {"train": 2, "validation": 1, "test": 3}


def test_a_one_document_corpus_declares_only_its_split_and_loads(tmp_path):
    record = renamed(sample_records()[0], "t-hf-solo", "test")
    unannotated = msgspec.structs.replace(record, events=(), stances=())
    summary = build(write_corpus(tmp_path, [unannotated]), tmp_path / "out")
    assert summary.documents == {"test": 1}
    assert summary.declared_configs == ["documents", "ner"]  # no event, no stance: nothing `datasets` could load
    assert sorted(p.parent.name for p in summary.out_dir.rglob("*.parquet")) == ["documents", "ner"]
    for config in summary.declared_configs:
        loaded = _load(summary.out_dir, config, tmp_path)
        assert list(loaded) == ["test"] and loaded["test"].num_rows == summary.rows[config]["test"]


def test_build_errors_name_the_file_and_what_to_fix(tmp_path):
    corpus = write_corpus(tmp_path, sample_records())
    gold = corpus / "gold" / "sample.jsonl"
    gold.write_text(gold.read_text(encoding="utf-8") + '{"id": "broken"}\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"(?s)sample\.jsonl:4: missing-schema-version: .*aces validate"):
        build(corpus, tmp_path / "out")  # the validation gate names file, line, check and fix
    with pytest.raises(BuildError, match=r"sample\.jsonl:4: not an ACES record"):
        build(corpus, tmp_path / "out", validate=False)  # without it, the scan still refuses what it cannot read
    gold.write_text(gold.read_text(encoding="utf-8").splitlines(keepends=True)[0] * 2, encoding="utf-8")
    with pytest.raises(BuildError, match=r"sample\.jsonl:2: duplicate-id"):
        build(corpus, tmp_path / "out")
    with pytest.raises(BuildError, match=r"t-hf-001 also at .*sample\.jsonl:1"):
        build(corpus, tmp_path / "out", validate=False)
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    write_corpus(tmp_path, sample_records())
    with pytest.raises(BuildError, match="not an ACES build folder"):
        build(corpus, tmp_path / "precious")
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"


def test_a_failed_build_leaves_the_previous_folder_intact(tmp_path):
    corpus = write_corpus(tmp_path, sample_records())
    out = tmp_path / "out"
    build(corpus, out)
    before = (out / MARKER).read_bytes()
    (corpus / "gold" / "sample.jsonl").write_text("not json\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build(corpus, out)
    assert (out / MARKER).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]  # no staging folder left behind


def test_cli_build_prints_rows_per_config_and_split(tmp_path):
    corpus = write_corpus(tmp_path, sample_records())
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("config"))
    assert header.split() == ["config", "train", "validation", "test"]
    assert next(line for line in lines if line.startswith("ner ")).split() == ["ner", "3", "3", "3"]
    bad = CliRunner().invoke(main, ["build", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "nowhere: the corpus folder does not exist" in bad.output
    assert "Traceback" not in bad.output


def test_the_repository_corpus_loads_offline_with_plain_datasets(tmp_path):
    """README's promise: `datasets.load_dataset(<built dir>, config)` with no network, in a fresh process."""
    summary = build(copy_repo_corpus(tmp_path), tmp_path / "out")
    assert {"documents", "ner"} <= set(summary.declared_configs)
    script = (
        "import sys, datasets\n"
        "for config in sys.argv[2:]:\n"
        "    print(config, {k: v.num_rows for k, v in datasets.load_dataset(sys.argv[1], config).items()})\n"
    )
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    run = subprocess.run(
        [sys.executable, "-c", script, str(summary.out_dir), *summary.declared_configs],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    for config in summary.declared_configs:
        expected = {s: n for s, n in summary.rows[config].items() if n}
        assert f"{config} {expected}" in run.stdout.splitlines()


def test_marker_records_rows_and_the_inputs_fingerprint(sample):
    marker = json.loads((sample["summary"].out_dir / MARKER).read_text(encoding="utf-8"))
    assert marker["rows"] == sample["summary"].rows
    assert marker["corpus_version"] == "0.3.0" and len(marker["inputs_sha256"]) == 64
    assert (sample["summary"].out_dir / data_file("ner", "train")).is_file()


def test_schema_1_1_0_event_polarity_is_a_classlabel_and_unset_means_the_default(tmp_path):
    v11 = labels("1.1.0")
    assert "default" in v11.event_polarities[next(iter(v11.event_polarities))].lower()  # the first label is it
    record = sample_records()[0]
    negative = msgspec.structs.replace(record.events[0], polarity="negative")
    record = msgspec.structs.replace(
        record,
        schema_version="1.1.0",
        events=(negative, *record.events[1:]),
        sentences=msgspec.UNSET,  # 1.2.0 fields
        annotation_status=msgspec.UNSET,
        provenance=msgspec.structs.replace(record.provenance, license=msgspec.UNSET, attribution=msgspec.UNSET),
    )
    summary = build(write_corpus(tmp_path, [record]), tmp_path / "out")
    events = _load(summary.out_dir, "events", tmp_path)["train"]
    names = events.features["event_polarity"].names
    assert names == list(v11.event_polarities)
    polarity = {row["event_id"]: names[row["event_polarity"]] for row in events}
    assert polarity == {"t-hf-001:e1": "negative", "t-hf-001:e2": "positive", "t-hf-001:e3": "positive"}
    documents = _load(summary.out_dir, "documents", tmp_path)["train"]
    assert [e["polarity"] for e in documents[0]["events"]] == ["negative", None, None]
    assert "event_polarity" not in hf.features("events", "1.0.0")


def test_no_progress_bar_when_stderr_is_a_file(tmp_path):
    corpus = write_corpus(tmp_path, sample_records())
    log = tmp_path / "stderr.txt"
    with open(log, "w", encoding="utf-8") as stderr:  # a real file, not a terminal
        run = subprocess.run(
            [sys.executable, "-m", "aces.cli", "build", "--corpus", str(corpus), "--out", str(tmp_path / "out")],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            check=False,
        )
    assert run.returncode == 0, log.read_text(encoding="utf-8")
    assert "build:" not in log.read_text(encoding="utf-8") and "it/s" not in log.read_text(encoding="utf-8")
