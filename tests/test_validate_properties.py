"""Property tests: every drawn valid record passes with no finding; one random corruption is caught by its code."""

from __future__ import annotations

import copy
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import aces
from aces.record import from_dict
from aces.schema import known_versions, labels
from strategies import records, write_corpus

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def findings_of(*recs: dict) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        return aces.validate(write_corpus(tmp, recs)).findings


@pytest.mark.parametrize("version", known_versions())
@SETTINGS
@given(data=st.data())
def test_drawn_records_of_every_version_pass_every_level_with_no_finding(version: str, data: st.DataObject) -> None:
    record = data.draw(records(version=version))
    assert [f.human() for f in findings_of(record)] == []
    from_dict(record)  # and the typed reader accepts what the validator accepts


@SETTINGS
@given(st.lists(records(), min_size=2, max_size=4, unique_by=lambda r: (r["id"], r["text"])))
def test_several_drawn_records_in_one_file_pass(recs: list[dict]) -> None:
    assume(len({r["id"] for r in recs}) == len(recs) and len({" ".join(r["text"].split()) for r in recs}) == len(recs))
    assert [f.human() for f in findings_of(*recs)] == []


def _shift_offsets(record: dict, data: st.DataObject) -> str:
    mention = data.draw(st.sampled_from(record["entities"]))
    delta = data.draw(st.sampled_from((-1, 1)))
    mention["start"] += delta
    mention["end"] += delta
    if mention["start"] < 0:
        return "schema-value"
    if mention["end"] > len(record["text"]):
        return "span-out-of-range"
    assume(record["text"][mention["start"] : mention["end"]] != mention["text"])
    return "span-text-mismatch"


def _unknown_label(record: dict, data: st.DataObject) -> str:
    where = data.draw(st.sampled_from(["entity", "event"] + (["stance"] if record["stances"] else [])))
    if where == "entity":
        data.draw(st.sampled_from(record["entities"]))["type"] = "NOT-A-TYPE"
        return "unknown-entity-type"
    if where == "event":
        data.draw(st.sampled_from(record["events"]))["type"] = "Not.AType"
        return "unknown-event-type"
    data.draw(st.sampled_from(record["stances"]))["polarity"] = "NOT-A-POLARITY"
    return "unknown-polarity"


def _dangling_ref(record: dict, data: st.DataObject) -> str:
    missing = f"{record['id']}:zz999"
    holders = [("cluster", c) for c in record["clusters"]] + [("event", e) for e in record["events"] if e["arguments"]]
    kind, item = data.draw(st.sampled_from(holders))
    if kind == "cluster":
        item["mentions"].append(missing)
    else:
        data.draw(st.sampled_from(item["arguments"]))["ref"] = missing
    return "dangling-ref"


def _duplicate_id(record: dict, data: st.DataObject) -> str:
    annotations = [a for key in ("segments", "entities", "clusters", "events", "stances") for a in record[key]]
    first, second = data.draw(st.lists(st.sampled_from(annotations), min_size=2, max_size=2, unique_by=id))
    second["id"] = first["id"]
    return "duplicate-id"


def _disallowed_role(record: dict, data: st.DataObject) -> str:
    inv = labels(record["schema_version"])
    event = data.draw(st.sampled_from(record["events"]))
    allowed = inv.roles(event["type"])
    others = sorted({r for t in inv.event_types for r in inv.roles(t)} - set(allowed))
    role = data.draw(st.sampled_from(others))
    if event["arguments"]:
        data.draw(st.sampled_from(event["arguments"]))["role"] = role
    else:
        event["arguments"].append({"role": role, "ref": record["entities"][0]["id"]})
    return "role-not-allowed"


CORRUPTIONS = {
    "offset shift": _shift_offsets,
    "unknown label": _unknown_label,
    "dangling ref": _dangling_ref,
    "duplicate id": _duplicate_id,
    "disallowed role": _disallowed_role,
}


@SETTINGS
@given(records(min_mentions=1, min_events=1), st.sampled_from(sorted(CORRUPTIONS)), st.data())
def test_a_single_corruption_is_caught_with_its_code(record: dict, name: str, data: st.DataObject) -> None:
    corrupted = copy.deepcopy(record)
    expected = CORRUPTIONS[name](corrupted, data)
    found = findings_of(corrupted)
    assert expected in {f.code for f in found}, [f.human() for f in found]
    assert all(f.line == 1 and f.doc_id == record["id"] for f in found)
