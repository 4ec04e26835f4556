"""``aces.versions.diff`` on the two fixture passes (described in ``tests/test_agree.py``): every kind of change."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from aces import record as rec
from aces.versions.diff import LAYERS, diff, is_empty
from aces.versions.load import read_side

DATA = Path(__file__).parent / "data" / "versions"


@pytest.fixture(scope="module")
def passes() -> tuple[list[rec.Record], list[rec.Record]]:
    return read_side(DATA / "pass-a").records, read_side(DATA / "pass-b").records


@pytest.fixture(scope="module")
def changes(passes: tuple[list[rec.Record], list[rec.Record]]) -> dict:
    result = diff(*passes)
    assert [c["id"] for c in result["changes"]] == ["vtest-001"]
    return result["changes"][0]


def texts(items: list[dict]) -> list[str]:
    return [i["text"] for i in items]


def test_identical_inputs_have_no_differences(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    for side in passes:
        result = diff(side, side)
        assert is_empty(result)
        assert result["changes"] == [] and result["documents"]["changed"] == 0
        assert all(v == 0 for layer in result["summary"].values() for v in layer.values())


def test_documents_added_removed_not_comparable(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    docs = diff(*passes)["documents"]
    assert [d["id"] for d in docs["added"]] == ["vtest-003"]
    assert [d["id"] for d in docs["removed"]] == ["vtest-002"]
    assert docs["removed"][0]["mentions"] == 1 and docs["removed"][0]["events"] == 0
    # «قالت الحكومة إن الهجوم فشل.» → «… الهجوم قد فشل.»: the texts part at code point 23 (after «الهجوم »)
    assert docs["not_comparable"] == [{"id": "vtest-004", "a_length": 27, "b_length": 30, "first_difference": 23}]
    assert (docs["compared"], docs["changed"]) == (1, 1)


def test_mentions(changes: dict) -> None:
    m = changes["mentions"]
    assert texts(m["added"]) == ["طالبان", "الإثنين", "داعش"]
    assert texts(m["removed"]) == ["6 عناصر", "تنظيم داعش"]
    [changed] = m["changed"]
    assert changed["a"]["text"] == changed["b"]["text"] == "المنطقة"
    assert (changed["a"]["type"], changed["b"]["type"], changed["fields"]) == ("LOC", "GPE", ["type"])
    assert changed["a"]["id"] == "vtest-001:m9" and changed["b"]["id"] == "vtest-001:m10"  # ids differ, span same


def test_clusters(changes: dict) -> None:
    c = changes["clusters"]
    assert sorted(x["name"] for x in c["added"]) == ["إسلام آباد", "الإثنين"]  # Islamabad split off Pakistan
    assert [x["name"] for x in c["removed"]] == ["6 عناصر"]
    by_name = {x["a"]["name"]: x for x in c["changed"]}
    assert by_name["حركة طالبان"]["fields"] == ["members"]
    assert texts(by_name["حركة طالبان"]["members_added"]) == ["طالبان"]
    isis = by_name["تنظيم داعش"]
    assert isis["fields"] == ["name", "members"] and isis["b"]["name"] == "داعش"
    assert texts(isis["members_added"]) == ["داعش"] and texts(isis["members_removed"]) == ["تنظيم داعش"]
    assert texts(by_name["باكستان"]["members_removed"]) == ["إسلام آباد"]
    assert by_name["المنطقة"]["fields"] == ["type"]


def test_events(changes: dict) -> None:
    e = changes["events"]
    assert [x["trigger"]["text"] for x in e["added"]] == ["العملية"] and e["removed"] == []
    by_trigger = {x["a"]["trigger"]["text"]: x for x in e["changed"]}
    die = by_trigger["قتلت"]
    assert die["fields"] == ["epistemic.status", "epistemic.source"]
    assert die["a"]["epistemic"]["source"]["text"] == "حركة طالبان" and die["b"]["epistemic"]["source"] is None
    assert by_trigger["قالت"]["fields"] == ["type"]
    assert by_trigger["قالت"]["b"]["type"] == "Contact.Request"


def test_arguments(changes: dict) -> None:
    a = changes["arguments"]
    assert a["added"] == []
    [removed] = a["removed"]
    assert (removed["event"]["trigger"]["text"], removed["role"], removed["ref"]["text"]) == (
        "قتلت",
        "Victim",
        "6 عناصر",
    )
    by_role = {(x["a"]["event"]["trigger"]["text"], x["a"]["role"]): x for x in a["changed"]}
    # same referent written as a mention on one side and as its cluster on the other
    speaker = by_role["أعلنت", "Speaker"]
    assert speaker["fields"] == ["ref"]
    assert (speaker["a"]["ref"]["kind"], speaker["b"]["ref"]["kind"]) == ("mention", "cluster")
    assert by_role["قتلت", "Agent"]["fields"] == ["ref"]
    # the event was retyped Statement → Request, so its argument's role changed with it
    requester = by_role["قالت", "Speaker"]
    assert requester["fields"] == ["role"] and requester["b"]["role"] == "Requester"


def test_stances(changes: dict) -> None:
    s = changes["stances"]
    [added] = s["added"]
    assert added["holder"] == {"kind": "author"} and added["polarity"] == "NEUTRAL"
    [removed] = s["removed"]
    assert removed["holder"]["text"] == "حركة طالبان" and removed["target"]["kind"] == "event"
    by_holder = {x["a"]["holder"].get("text", "author"): x for x in s["changed"]}
    assert by_holder["author"]["fields"] == ["target"]  # ISIS cluster → mention «داعش»: same entity, new ref
    islamabad = by_holder["إسلام آباد"]
    assert islamabad["fields"] == ["polarity", "target"]
    assert (islamabad["a"]["polarity"], islamabad["b"]["polarity"]) == ("FAVOR", "AGAINST")
    assert islamabad["b"]["target"]["text"] == "يهدد المنطقة"


def test_form_and_evidence_changes(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    a = next(r for r in passes[0] if r.id == "vtest-001")
    m1 = msgspec.structs.replace(a.entities[0], form="NOM")
    st2 = a.stances[1]
    start = a.text.index("بالعملية")
    st2b = msgspec.structs.replace(st2, evidence=(*st2.evidence, rec.Span(start, start + 8, "بالعملية")))
    b = msgspec.structs.replace(a, entities=(m1, *a.entities[1:]), stances=(a.stances[0], st2b, *a.stances[2:]))
    [doc] = diff([a], [b])["changes"]
    assert doc["mentions"]["changed"][0]["fields"] == ["form"]
    assert doc["stances"]["changed"][0]["fields"] == ["evidence"]
    assert all(not doc[layer][k] for layer in ("clusters", "events", "arguments") for k in ("added", "removed"))


def test_removed_event_takes_its_arguments_with_it(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    # Read backwards (B → A), B's «العملية» event is removed; A→B's arguments removal becomes an addition.
    [doc] = diff(passes[1], passes[0])["changes"]
    assert [x["trigger"]["text"] for x in doc["events"]["removed"]] == ["العملية"]
    assert [x["role"] for x in doc["arguments"]["added"]] == ["Victim"]


def test_json_shape_is_stable(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    result = diff(*passes)
    assert list(result) == ["format", "documents", "summary", "changes"]
    assert result["format"] == "aces-diff/1"
    assert list(result["summary"]) == list(LAYERS)
    for doc in result["changes"]:
        assert list(doc) == ["id", *LAYERS]
        assert all(list(doc[layer]) == ["added", "removed", "changed"] for layer in LAYERS)
    assert result["summary"]["mentions"] == {"added": 3, "removed": 2, "changed": 1}
    assert result["summary"]["stances"] == {"added": 1, "removed": 1, "changed": 2}
