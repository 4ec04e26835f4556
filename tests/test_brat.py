"""BRAT export: the files say what BRAT expects, and records → BRAT → records is the identity on every layer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aces import record as rec
from aces.convert.brat import HANDLED_FIELDS, ConversionError, check_fields, from_brat, to_brat
from aces.convert.brat_conf import names, storage_form
from aces.schema import CURRENT_VERSION, known_versions, labels
from corpus_files import annotated_files
from spacy_samples import clitic_record, licensed_record, random_records
from strategies import records as valid_records


def _corpus_records() -> list[rec.Record]:
    """Gold and every annotation round: the real, richly annotated documents."""
    files = annotated_files()
    return [r for f in files for r in rec.read_jsonl(f)]


def _round_trip(records: list[rec.Record], tmp: Path) -> list[rec.Record]:
    to_brat(records, tmp)
    result = from_brat(tmp)
    assert [p.human() for p in result.problems] == []
    return result.records


def _ann_lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n") if line]


@pytest.mark.parametrize("record", _corpus_records(), ids=lambda r: r.id)
def test_corpus_round_trip_is_identity(record: rec.Record, tmp_path: Path) -> None:
    assert record.entities, "the corpus files used here are annotated"
    (back,) = _round_trip([record], tmp_path)
    assert rec.to_json(back) == rec.to_json(record)


def test_hand_sample_with_cluster_refs_emoji_and_clitics(tmp_path: Path) -> None:
    record = clitic_record()
    (back,) = _round_trip([record], tmp_path)
    assert back == record
    side = json.loads((tmp_path / f"{record.id}.aces.json").read_text(encoding="utf-8"))
    # e1's Agent and st1's target point at clusters: BRAT draws the arc to a mention, the side file keeps the cluster.
    assert {(r["owner"].rsplit(":", 1)[1], r["slot"]) for r in side["cluster_refs"]} == {
        ("e1", "arg:0"),
        ("st1", "target"),
    }


@pytest.mark.parametrize("version", known_versions())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_valid_records_round_trip(tmp_path_factory, version: str, data: st.DataObject) -> None:
    """The shared strategy (tests/strategies.py): valid records of every schema version, all layers."""
    record = rec.from_dict(data.draw(valid_records(version=version, min_mentions=2)))
    (back,) = _round_trip([record], tmp_path_factory.mktemp("brat"))
    assert back == record


def test_schema_1_1_event_polarity_survives_and_unset_stays_unset(tmp_path: Path) -> None:
    record = clitic_record()
    events = list(record.events)
    events[0] = msgspec.structs.replace(events[0], polarity="negative")
    events[1] = msgspec.structs.replace(events[1], polarity="positive")
    record = msgspec.structs.replace(record, schema_version="1.1.0", events=tuple(events))
    (back,) = _round_trip([record], tmp_path)
    assert [e.polarity for e in back.events] == ["negative", "positive", msgspec.UNSET]
    assert "EventPolarity\tArg:" in (tmp_path / "annotation.conf").read_text(encoding="utf-8")


def test_schema_1_2_fields_survive_in_the_side_file(tmp_path: Path) -> None:
    """Several sentences in a segment, a status, a licence with its attribution and a source file come back."""
    record = licensed_record()
    (back,) = _round_trip([record], tmp_path)
    assert back == record and rec.to_json(back) == rec.to_json(record)
    assert len(back.sentences) == len(back.segments) + 1 and back.annotation_status == "reviewed"
    side = json.loads((tmp_path / f"{record.id}.aces.json").read_text(encoding="utf-8"))
    assert side["layout"] == 2 and side["annotation_status"] == "reviewed"
    assert side["sentences"] == json.loads(rec.to_json(record))["sentences"]
    assert side["provenance"]["license"] == "CC-BY-NC-SA-3.0" and side["provenance"]["attribution"]
    assert side["provenance"]["source_file"] == {
        "name": "source.xml",
        "sha256": "a" * 64,
        "first_line": 12,
        "last_line": 40,
    }


def test_unset_1_2_fields_stay_unset_for_a_1_1_record(tmp_path: Path) -> None:
    record = msgspec.structs.replace(
        clitic_record(),
        schema_version="1.1.0",
        sentences=msgspec.UNSET,
        annotation_status=msgspec.UNSET,
        provenance=msgspec.structs.replace(clitic_record().provenance, license=msgspec.UNSET),
    )
    (back,) = _round_trip([record], tmp_path)
    assert back == record and rec.to_json(back) == rec.to_json(record)
    assert (back.sentences, back.annotation_status, back.provenance.license) == (msgspec.UNSET,) * 3
    side = json.loads((tmp_path / f"{record.id}.aces.json").read_text(encoding="utf-8"))
    assert not {"sentences", "annotation_status"} & set(side) and "license" not in side["provenance"]


def test_a_side_file_of_the_old_layout_is_refused_clearly(tmp_path: Path) -> None:
    to_brat([clitic_record()], tmp_path)
    side_path = tmp_path / f"{clitic_record().id}.aces.json"
    side = json.loads(side_path.read_text(encoding="utf-8"))
    side["layout"] = 1
    side_path.write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")
    result = from_brat(tmp_path)
    assert result.records == []
    (problem,) = result.problems
    assert problem.file == str(side_path) and "layout 1 is not 2" in problem.message and problem.is_error


def test_every_record_field_is_carried() -> None:
    """A field added to the record structs must be added to the BRAT layout (or export refuses to drop it)."""
    check_fields()
    for struct, known in HANDLED_FIELDS.items():
        assert set(struct.__struct_fields__) == known, struct.__name__


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(random_records())
def test_random_spans_across_lines_tabs_and_emoji_round_trip(tmp_path_factory, record: rec.Record) -> None:
    """Evidence spans here cross newlines and contain tabs: BRAT fragments must join back exactly."""
    (back,) = _round_trip([record], tmp_path_factory.mktemp("brat"))
    assert back == record


def test_txt_is_the_text_and_every_t_line_quotes_its_slice(tmp_path: Path) -> None:
    records = [*_corpus_records()[:1], clitic_record()]
    for record in records:  # one export each: the seed corpus may be at another schema version than the sample
        out = tmp_path / record.id
        to_brat([record], out)
        assert (out / f"{record.id}.txt").read_bytes() == record.text.encode("utf-8")
        count = 0
        for fields in _ann_lines(out / f"{record.id}.ann"):
            if fields[0].startswith("T"):
                offsets = fields[1].split(" ", 1)[1]
                pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
                # Code points, as BRAT's server slices the decoded text: the quoted text is exactly the slice.
                assert fields[2] == " ".join(record.text[a:b] for a, b in pieces)
                count += 1
        evidence = sum(len(s.evidence) for s in record.stances)
        props = sum(1 for s in record.stances if isinstance(s.target, rec.PropositionTarget))
        assert count == len(record.entities) + len(record.events) + evidence + props


def test_offsets_are_code_points_after_emoji(tmp_path: Path) -> None:
    """«أفغانستان» after 🇦🇫 (two astral code points, four UTF-16 units) keeps its code-point offset."""
    record = clitic_record()
    to_brat([record], tmp_path)
    mention = next(m for m in record.entities if m.id.endswith(":m14"))
    assert record.text.index("🇦🇫") < mention.start
    utf16_start = len(record.text[: mention.start].encode("utf-16-le")) // 2
    assert utf16_start > mention.start  # so a UTF-16 count would differ
    lines = [f for f in _ann_lines(tmp_path / f"{record.id}.ann") if f[0].startswith("T") and f[2] == mention.text]
    assert f"GPE {mention.start} {mention.end}" in [f[1] for f in lines]


def test_annotation_conf_declares_the_inventory(tmp_path: Path) -> None:
    to_brat([clitic_record()], tmp_path)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^\[(\w+)\]\n(.*?)(?=^\[|\Z)", conf, flags=re.M | re.S))
    lab = labels(CURRENT_VERSION)
    declared = {line.split("\t")[0] for line in sections["entities"].splitlines() if line and line[0] != "#"}
    assert set(lab.entity_types) <= declared
    events = {line.split("\t")[0]: line.split("\t")[1] for line in sections["events"].splitlines() if "\t" in line}
    for etype in lab.event_types:
        roles = events[storage_form(etype)]
        for role in lab.roles(etype):
            assert f"{storage_form(role)}*:" in roles
    attrs = sections["attributes"]
    assert "Value:" + "|".join(lab.mention_forms) in attrs
    assert "Value:" + "|".join(lab.stance_polarities) in attrs
    assert "Value:" + "|".join(lab.epistemic_statuses) in attrs
    # BRAT only stores [A-Za-z0-9_-]: every declared name is a storage form, and labels show the real names.
    for name in declared | set(events):
        assert re.fullmatch(r"[A-Za-z0-9_-]+", name), name
    visual = (tmp_path / "visual.conf").read_text(encoding="utf-8")
    assert "Conflict_Attack | Conflict.Attack" in visual


def test_names_are_one_to_one() -> None:
    n = names(CURRENT_VERSION)
    for table, kind in ((n.entity, "entity"), (n.event, "event"), (n.role, "role")):
        assert len(set(table.values())) == len(table)
        assert all(n.back(brat, kind) == aces for aces, brat in table.items())


def test_refuses_what_brat_would_change(tmp_path: Path) -> None:
    record = clitic_record()
    m = record.entities[0]
    bad_text = rec.from_dict({**rec.to_dict(record), "text": record.text.replace("\n", "\r\n", 1)})
    with pytest.raises(ConversionError, match="carriage return"):
        to_brat([bad_text], tmp_path)
    wrong = rec.from_dict(
        {**rec.to_dict(record), "entities": [{**rec.to_dict(record)["entities"][0], "text": m.text + "x"}]}
    )
    with pytest.raises(ConversionError, match="stores"):
        to_brat([wrong], tmp_path / "x")
    assert not (tmp_path / "x").exists(), "nothing is written when a record cannot be converted"
    with pytest.raises(ConversionError, match="twice"):
        to_brat([record, record], tmp_path / "y")
