"""Records are validated against the version they are stamped with, so 1.0.0 and 1.1.0 files check side by side,
and the three 1.1.0 additions are valid in 1.1.0 only (fixtures: ``tests/data/migrate/build.py``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings

from aces.cli import main
from aces.schema import json_schema, labels, schema_root, validator
from aces.validate import validate
from strategies import records

DATA = Path(__file__).parent / "data" / "migrate"


def codes(path: Path) -> list[str]:
    return sorted(f.code for f in validate(path).findings)


def restamped(tmp_path: Path, name: str, version: str) -> Path:
    """The fixture ``name`` with every record stamped ``version`` (nothing else changed), raw files beside it."""
    source = DATA / name
    target = tmp_path / f"{source.stem}-as-{version}.jsonl"
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    target.write_text("".join(json.dumps({**r, "schema_version": version}, ensure_ascii=False) + "\n" for r in lines))
    shutil.copytree(source.parent / "raw", tmp_path / "raw", dirs_exist_ok=True)
    return target


def test_a_1_0_0_file_and_a_1_1_0_file_validate_side_by_side() -> None:
    result = CliRunner().invoke(main, ["validate", str(DATA / "v1_0_0.jsonl"), str(DATA / "v1_1_0_lossy.jsonl")])
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output and "checked 4 records in 2 files" in result.output


def test_a_1_0_0_record_using_polarity_fails_as_1_0_0_and_passes_as_1_1_0(tmp_path: Path) -> None:
    bad = DATA / "bad" / "v1_0_0_polarity.jsonl"
    report = validate(bad)
    assert [(f.code, f.level, f.ann_id) for f in report.findings] == [("schema-additional", 2, "mtest-031:e2")]
    assert "'polarity' was unexpected" in report.findings[0].message
    assert codes(restamped(tmp_path, "bad/v1_0_0_polarity.jsonl", "1.1.0")) == []


def test_a_source_on_a_hypothetical_event_is_1_1_0_only(tmp_path: Path) -> None:
    """Khalilzad's «إذا تأكد مقتل» with its source: an error as 1.0.0, valid as 1.1.0; asserted+source fails in both."""
    assert codes(DATA / "bad" / "v1_0_0_hypothetical_source.jsonl") == ["source-without-claim"]
    as_110 = restamped(tmp_path, "bad/v1_0_0_hypothetical_source.jsonl", "1.1.0")
    assert codes(as_110) == []
    record = json.loads(as_110.read_text(encoding="utf-8"))
    record["events"][1]["epistemic"]["status"] = "asserted"
    as_110.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    findings = validate(as_110).findings
    assert [f.code for f in findings] == ["source-without-claim"]
    assert "'claimed' or 'hypothetical'" in findings[0].message  # read from labels.json epistemic_source


def test_event_polarity_values_come_from_labels_and_are_checked_at_level_3() -> None:
    assert list(labels("1.1.0").event_polarities) == ["positive", "negative"]
    assert labels("1.0.0").event_polarities == {}
    report = validate(DATA / "bad" / "v1_1_0_unknown_polarity.jsonl")
    assert [(f.code, f.level, f.ann_id) for f in report.findings] == [("unknown-polarity", 3, "mtest-041:e2")]
    assert "event polarity 'foiled' is not in schema 1.1.0; use one of positive, negative" in report.findings[0].message


def test_1_1_0_is_a_minor_change_of_1_0_0() -> None:
    """Nothing of 1.0.0 is removed or narrowed (schema/VERSIONING.md): labels, roles and admitted types only grow,
    and the JSON Schema differs only by new optional properties and the version stamp."""
    old, new = labels("1.0.0"), labels("1.1.0")
    for name in ("entity_types", "mention_forms", "epistemic_statuses", "stance_polarities", "segment_types"):
        assert getattr(old, name).keys() <= getattr(new, name).keys(), name
    for etype in old.event_types:
        for role, admitted in old.roles(etype).items():
            assert set(admitted) <= set(new.roles(etype)[role]), (etype, role)
    assert (old.proclitics, old.proclitics_max) == (new.proclitics, new.proclitics_max)
    for status, rule in old.epistemic_source.items():  # a source is never newly required or forbidden
        assert new.epistemic_source[status] == rule or new.epistemic_source[status] == "optional", status
    a, b = json_schema("1.0.0"), json_schema("1.1.0")
    assert a["required"] == b["required"]
    for name, definition in a["$defs"].items():
        assert definition.get("required") == b["$defs"][name].get("required"), name
        assert definition.get("properties", {}).keys() <= b["$defs"][name].get("properties", {}).keys(), name


@settings(max_examples=60, deadline=None)
@given(records(version="1.0.0"))
def test_every_valid_1_0_0_record_restamped_is_valid_1_1_0(data: dict) -> None:
    assert validator("1.0.0").is_valid(data)
    assert validator("1.1.0").is_valid({**data, "schema_version": "1.1.0"})


def test_1_1_0_labels_are_1_0_0_labels_plus_the_documented_additions() -> None:
    """1.1.0 was copied from 1.0.0; if 1.0.0's definitions are reworded again, 1.1.0 must follow (drift alarm)."""
    root = schema_root()
    old = json.loads((root / "1.0.0" / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((root / "1.1.0" / "labels.json").read_text(encoding="utf-8"))
    added = {"epistemic_source", "event_polarities"}
    assert set(new) - set(old) == added and set(old) <= set(new)
    for key in set(old) - {"schema_version", "epistemic_statuses"}:
        assert new[key] == old[key], f"schema/1.1.0/labels.json {key!r} differs from 1.0.0: copy the 1.0.0 wording over"
    statuses_old, statuses_new = old["epistemic_statuses"], new["epistemic_statuses"]
    assert {k: v for k, v in statuses_new.items() if k != "hypothetical"} == {
        k: v for k, v in statuses_old.items() if k != "hypothetical"
    }
    assert statuses_new["hypothetical"].startswith(statuses_old["hypothetical"].removesuffix(" No source in 1.0.0."))
