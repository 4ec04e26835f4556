"""records ↔ doccano JSONL without a server: identity, UTF-16 offsets, edits as doccano would export them, errors."""

from __future__ import annotations

import copy
import json

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aces.cli import main
from aces.doccano.convert import (
    DoccanoFormatError,
    doccano_to_records,
    dumps_jsonl,
    record_to_row,
    records_to_doccano,
    relation_types,
    span_labels,
)
from aces.record import from_dict, read_jsonl, to_json, write_jsonl
from aces.schema import known_versions, labels
from doccano_samples import DOC, TEXT, licensed_record, sample_record, write_sample_corpus
from strategies import records


def js_utf16(text: str, offset: int) -> int:
    """What JavaScript's ``String.length`` says for ``text[:offset]`` (computed independently of aces.offsets)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def roundtrip(row: dict, base=None):
    base = base or sample_record()
    return doccano_to_records(dumps_jsonl([row]), {base.id: base})[0]


def span_of(row: dict, label: str, text: str) -> dict:
    """The row's span with ``label`` whose UTF-16 range covers ``text`` (first occurrence)."""
    start = TEXT.index(text)
    s16, e16 = js_utf16(TEXT, start), js_utf16(TEXT, start + len(text))
    return next(e for e in row["entities"] if (e["start_offset"], e["end_offset"], e["label"]) == (s16, e16, label))


def test_sample_round_trip_is_the_identity_on_all_layers() -> None:
    record = sample_record()
    assert roundtrip(record_to_row(record)) == record


@pytest.mark.parametrize("version", known_versions())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_valid_records_round_trip(version: str, data: st.DataObject) -> None:
    record = from_dict(data.draw(records(version=version, doc_id="t-doccano-rand")))
    assert doccano_to_records(dumps_jsonl(records_to_doccano([record])), {record.id: record}) == [record]


def test_offsets_are_utf16_units_like_the_browser() -> None:
    record = sample_record()
    row = record_to_row(record)
    spans = {(e["label"], e["start_offset"], e["end_offset"]) for e in row["entities"]}
    for m in record.entities:
        assert (f"{m.type}/{m.form}", js_utf16(TEXT, m.start), js_utf16(TEXT, m.end)) in spans
    monday = next(m for m in record.entities if m.text == "الإثنين")
    assert js_utf16(TEXT, monday.start) == monday.start + 3  # 😀 and the two code points of 🇦🇫 before it


def test_every_label_and_relation_type_comes_from_the_schema() -> None:
    for version in known_versions():
        lab = labels(version)
        kinds = [m.kind for m in span_labels(version).values()]
        assert kinds.count("mention") == len(lab.entity_types) * len(lab.mention_forms)
        polarities = max(1, len(lab.event_polarities))
        assert kinds.count("trigger") == len(lab.event_types) * len(lab.epistemic_statuses) * polarities
        roles = {r for spec in lab.event_types.values() for r in spec["roles"]}
        assert roles <= set(relation_types(version))


def test_meta_keys_are_the_same_on_every_row() -> None:
    bare = msgspec.structs.replace(sample_record(), id="t-bare", entities=(), clusters=(), events=(), stances=())
    rows = records_to_doccano([sample_record(), bare])
    assert [sorted(k for k in r if k not in ("text", "entities", "relations")) for r in rows] == [
        ["aces_base", "aces_id", "aces_map"]
    ] * 2


def test_label_change_keeps_the_id_and_new_span_gets_a_fresh_one_in_its_own_cluster() -> None:
    row = record_to_row(sample_record())
    span_of(row, "ORG/NAM", "داعش")["label"] = "ORG/NOM"  # the annotator changes the form
    start = TEXT.index("باسم")
    row["entities"].append(
        {"id": 999, "start_offset": js_utf16(TEXT, start), "end_offset": js_utf16(TEXT, start + 4), "label": "LOC/NOM"}
    )
    out = roundtrip(row)
    daesh = next(m for m in out.entities if m.text == "داعش")
    assert (daesh.id, daesh.form) == (f"{DOC}:m5", "NOM")
    new = next(m for m in out.entities if m.type == "LOC")
    assert (new.id, new.start, new.end, new.text) == (f"{DOC}:m10", start, start + 4, "باسم")
    assert next(c for c in out.clusters if new.id in c.mentions).mentions == (new.id,)
    base = sample_record()
    assert [m for m in out.entities if m.id not in (daesh.id, new.id)] == [m for m in base.entities if m.id != daesh.id]


def test_deleted_relation_removes_the_argument_and_coref_joins_clusters() -> None:
    row = record_to_row(sample_record())
    victim = span_of(row, "PER/NOM", "3 عناصر")
    row["relations"] = [r for r in row["relations"] if not (r["to_id"] == victim["id"] and r["type"] == "Victim")]
    kabul, taliban = span_of(row, "GPE/NAM", "كابول"), span_of(row, "GPE/NAM", "واشنطن")
    row["relations"].append({"id": 500, "from_id": kabul["id"], "to_id": taliban["id"], "type": "coref"})
    out = roundtrip(row)
    e1 = next(e for e in out.events if e.id == f"{DOC}:e1")
    assert [a.role for a in e1.arguments] == ["Agent", "Place", "Time"]
    assert e1.arguments[0].ref == f"{DOC}:c2"  # still the Taliban cluster, not its first mention
    joined = next(c for c in out.clusters if f"{DOC}:m6" in c.mentions)
    assert set(joined.mentions) == {f"{DOC}:m6", f"{DOC}:m8"}


def test_type_change_moves_the_mention_out_of_its_cluster() -> None:
    row = record_to_row(sample_record())
    span_of(row, "ORG/NOM", "الحكومة")["label"] = "GPE/NOM"
    out = roundtrip(row)
    taliban = next(c for c in out.clusters if c.id == f"{DOC}:c2")
    assert taliban.mentions == (f"{DOC}:m2", f"{DOC}:m3")
    alone = next(c for c in out.clusters if f"{DOC}:m9" in c.mentions)
    assert (alone.type, alone.mentions) == ("GPE", (f"{DOC}:m9",))


def broken(mutate) -> list[str]:
    row = record_to_row(sample_record())
    mutate(row)
    with pytest.raises(DoccanoFormatError) as err:
        roundtrip(row)
    return [p.human() for p in err.value.problems]


def test_span_off_the_text_is_reported_with_its_location() -> None:
    (msg,) = broken(
        lambda r: r["entities"].append({"id": 77, "start_offset": 5, "end_offset": 400, "label": "PER/NAM"})
    )
    assert "line 1" in msg and DOC in msg and "span 77" in msg and "off the text" in msg


def test_span_edge_inside_an_emoji_is_reported() -> None:
    (msg,) = broken(lambda r: r["entities"].append({"id": 78, "start_offset": 1, "end_offset": 6, "label": "PER/NAM"}))
    assert "surrogate pair" in msg and "span 78" in msg


def test_relation_to_a_missing_span_and_unknown_label_are_both_reported() -> None:
    def mutate(row: dict) -> None:
        row["relations"].append({"id": 90, "from_id": row["entities"][1]["id"], "to_id": 4242, "type": "Victim"})
        row["entities"][0]["label"] = "PERSON"

    messages = broken(mutate)
    assert any("relation 90" in m and "4242" in m for m in messages)
    assert any("unknown label 'PERSON'" in m for m in messages)


def test_stance_without_target_and_orphan_evidence_are_reported() -> None:
    def mutate(row: dict) -> None:
        row["relations"] = [r for r in row["relations"] if r["type"] not in ("stance:target", "stance:evidence")]

    messages = broken(mutate)
    assert any("no «stance:target»" in m for m in messages)
    assert any("belongs to no stance" in m for m in messages)


def test_truncated_file_is_reported_by_line() -> None:
    record = sample_record()
    text = dumps_jsonl([record_to_row(record)])
    with pytest.raises(DoccanoFormatError) as err:
        doccano_to_records(text + text[:50], {record.id: record}, "x.jsonl")
    assert [p.line for p in err.value.problems] == [2]
    assert "x.jsonl:2" in str(err.value)


def test_text_edited_elsewhere_is_refused() -> None:
    row = copy.deepcopy(record_to_row(sample_record()))
    row["text"] = row["text"].replace("قال", "قالت")
    with pytest.raises(DoccanoFormatError, match="text differs"):
        roundtrip(row)


def test_import_cli_writes_nothing_on_error_and_applies_a_valid_edit(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    write_sample_corpus(corpus)
    gold = corpus / "gold" / f"{DOC}.jsonl"
    before = gold.read_bytes()
    row = record_to_row(sample_record())
    bad = copy.deepcopy(row)
    bad["entities"].append({"id": 77, "start_offset": 5, "end_offset": 400, "label": "PER/NAM"})
    (tmp_path / "bad.jsonl").write_text(dumps_jsonl([bad]), encoding="utf-8")
    runner = CliRunner()
    args = ["import", "doccano", str(tmp_path / "bad.jsonl"), "--corpus", str(corpus), "--out", str(tmp_path / "o")]
    result = runner.invoke(main, [*args, "--apply"])
    assert result.exit_code == 1 and "off the text" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists() and gold.read_bytes() == before

    span_of(row, "ORG/NAM", "داعش")["label"] = "ORG/NOM"
    (tmp_path / "good.jsonl").write_text(dumps_jsonl([row]), encoding="utf-8")
    args[2] = str(tmp_path / "good.jsonl")
    result = runner.invoke(main, [*args, "--apply"])
    assert result.exit_code == 0, result.output
    (pulled,) = read_jsonl(gold)
    assert next(m for m in pulled.entities if m.id == f"{DOC}:m5").form == "NOM"
    assert "changed" in (tmp_path / "o" / "diff.txt").read_text(encoding="utf-8")


def test_schema_1_2_fields_come_back_from_the_base_through_an_edit() -> None:
    """Sentences (two in a line), status, licence with attribution, source file: the pull keeps the base's."""
    record = licensed_record()
    assert roundtrip(record_to_row(record), record) == record
    row = record_to_row(record)
    span_of(row, "ORG/NAM", "داعش")["label"] = "ORG/NOM"
    out = roundtrip(row, record)
    assert (out.sentences, out.annotation_status, out.provenance) == (
        record.sentences,
        "reviewed",
        record.provenance,
    )
    assert next(m for m in out.entities if m.id == f"{DOC}:m5").form == "NOM"


def test_schema_1_2_fields_stay_unset_for_a_1_1_record() -> None:
    base = msgspec.structs.replace(
        sample_record(),
        schema_version="1.1.0",
        sentences=msgspec.UNSET,
        annotation_status=msgspec.UNSET,
        provenance=msgspec.structs.replace(sample_record().provenance, license=msgspec.UNSET),
    )
    row = record_to_row(base)
    assert row["aces_map"]["schema"] == "1.1.0"
    out = roundtrip(row, base)
    assert out == base and to_json(out) == to_json(base)
    assert (out.sentences, out.annotation_status, out.provenance.license) == (msgspec.UNSET,) * 3


def test_import_cli_refuses_a_mention_drawn_across_a_sentence_boundary(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    write_sample_corpus(corpus)
    gold = corpus / "gold" / f"{DOC}.jsonl"
    write_jsonl([licensed_record()], gold)
    before = gold.read_bytes()
    row = record_to_row(licensed_record())
    start = TEXT.index("داعش في")  # «لداعش» ends sentence s1, «في» starts s2
    row["entities"].append(
        {"id": 999, "start_offset": js_utf16(TEXT, start), "end_offset": js_utf16(TEXT, start + 7), "label": "ORG/NAM"}
    )
    (tmp_path / "x.jsonl").write_text(dumps_jsonl([row]), encoding="utf-8")
    args = ["import", "doccano", str(tmp_path / "x.jsonl"), "--corpus", str(corpus), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, [*args, "--apply"])
    assert result.exit_code == 1 and "span-crosses-sentence" in result.output, result.output
    assert gold.read_bytes() == before


def test_export_takes_out_like_the_other_exports_and_creates_its_folder(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    write_sample_corpus(corpus)
    for flag in ("--out", "-o"):
        out = tmp_path / flag.strip("-") / "new" / "import.jsonl"  # a folder that does not exist yet
        result = CliRunner().invoke(main, ["export", "doccano", "--corpus", str(corpus), flag, str(out)])
        assert result.exit_code == 0, result.output
        assert [row["text"] for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())] == [TEXT]


@pytest.mark.parametrize("command", [["doccano", "push"], ["doccano", "pull"]])
def test_url_help_says_what_the_url_is(command: list[str]) -> None:
    out = " ".join(CliRunner().invoke(main, [*command, "--help"]).output.split())
    assert "Base URL of the doccano web server" in out and "ACES_DOCCANO_URL" in out and "127.0.0.1:8000" in out
