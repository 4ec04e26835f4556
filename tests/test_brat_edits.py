"""BRAT import of hand-edited files: edits come back as records, problems come back as file:line, nothing crashes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aces import record as rec
from aces.cli import main
from aces.convert.brat import from_brat, to_brat
from spacy_samples import clitic_record

DOC = "t-spacy-001"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brat-src")
    to_brat([clitic_record()], out)
    return out


@pytest.fixture
def work(exported: Path, tmp_path: Path) -> Path:
    shutil.copytree(exported, tmp_path / "brat")
    return tmp_path / "brat"


def _ann(work: Path) -> Path:
    return work / f"{DOC}.ann"


def _edit(work: Path, drop: tuple[str, ...] = (), add: tuple[str, ...] = (), replace: dict | None = None) -> None:
    """Delete lines starting with any of ``drop`` (an id plus tab), replace whole lines, append ``add``."""
    lines = _ann(work).read_text(encoding="utf-8").splitlines()
    lines = [(replace or {}).get(line, line) for line in lines if not line.startswith(drop)]
    _ann(work).write_text("\n".join([*lines, *add]) + "\n", encoding="utf-8")


def _line_of(work: Path, prefix: str) -> int:
    return next(
        i for i, line in enumerate(_ann(work).read_text(encoding="utf-8").split("\n"), 1) if line.startswith(prefix)
    )


def _only(work: Path) -> rec.Record:
    result = from_brat(work)
    assert [p.human() for p in result.problems if p.is_error] == []
    (record,) = result.records
    return record


def _cluster_of(record: rec.Record, local: str) -> rec.Cluster:
    return next(c for c in record.clusters if f"{DOC}:{local}" in c.mentions)


def test_new_mention_gets_a_fresh_id_and_its_own_cluster(work: Path) -> None:
    # Kabul deleted and drawn again in BRAT: BRAT drops the note with the annotation, so the new T has none.
    _edit(work, drop=("T15\t", "A15\t", "#15\t"), add=("T30\tLOC 197 202\tكابول", "A30\tForm T30 NAM"))
    record = _only(work)
    new = record.entities[-1]
    assert (new.id, new.type, new.text) == (f"{DOC}:m16", "LOC", "كابول"), "a deleted id is never reused"
    cluster = _cluster_of(record, "m16")
    assert cluster.mentions == (new.id,) and cluster.type == "LOC" and cluster.name == "كابول"
    assert cluster.id == f"{DOC}:c11"
    assert f"{DOC}:c10" not in {c.id for c in record.clusters}, "Kabul's old cluster went with its only mention"


def test_coreference_edits_regroup_clusters_keeping_ids_and_names(work: Path) -> None:
    # Take «الحكومة» (T13) out of the Taliban chain, and link Kabul (T15) to Balkh (T7, T8).
    _edit(
        work,
        replace={
            "*\tCoreference T1 T4 T13": "*\tCoreference T1 T4",
            "*\tCoreference T7 T8": "*\tCoreference T7 T15 T8",
        },
    )
    record = _only(work)
    taliban = _cluster_of(record, "m1")
    assert (taliban.id, taliban.name, taliban.mentions) == (f"{DOC}:c1", "Taliban", (f"{DOC}:m1", f"{DOC}:m4"))
    government = _cluster_of(record, "m13")
    assert government.mentions == (f"{DOC}:m13",) and government.name == "الحكومة"
    balkh = _cluster_of(record, "m15")
    assert (balkh.id, balkh.name) == (f"{DOC}:c5", "Balkh")
    assert balkh.mentions == (f"{DOC}:m7", f"{DOC}:m8", f"{DOC}:m15"), "kept order first, then the new mention"
    # st1's target was the Taliban cluster, drawn to T1: still a member, so still the cluster.
    st1 = next(s for s in record.stances if s.id.endswith(":st1"))
    assert st1.target == rec.EntityTarget(f"{DOC}:c1")


def test_retyped_and_reformed_mention_and_changed_labels(work: Path) -> None:
    _edit(
        work,
        replace={
            "T15\tGPE 197 202\tكابول": "T15\tLOC 197 202\tكابول",
            "A13\tForm T13 NOM": "A13\tForm T13 NAM",
            "A19\tPolarity E4 FAVOR": "A19\tPolarity E4 AGAINST",
            "A17\tEpistemic E2 asserted": "A17\tEpistemic E2 hypothetical",
        },
    )
    record = _only(work)
    by_local = {m.id.rsplit(":", 1)[1]: m for m in record.entities}
    assert by_local["m15"].type == "LOC" and _cluster_of(record, "m15").type == "LOC"
    assert by_local["m13"].form == "NAM"
    assert next(s for s in record.stances if s.id.endswith(":st1")).polarity == "AGAINST"
    assert next(e for e in record.events if e.id.endswith(":e2")).epistemic.status == "hypothetical"


def test_new_argument_and_new_event(work: Path) -> None:
    _edit(
        work,
        replace={"E3\tContact_Statement:T18 Speaker:T12": "E3\tContact_Statement:T18 Speaker:T12 Place:T15"},
        add=(
            "T40\tConflict_Attack 70 74\tقتلت",
            "E20\tConflict_Attack:T40 Attacker:T3 Victim:T5",
            "A40\tEpistemic E20 asserted",
        ),
    )
    record = _only(work)
    e3 = next(e for e in record.events if e.id.endswith(":e3"))
    assert e3.arguments[-1] == rec.Argument("Place", f"{DOC}:m15")
    new = record.events[-1]
    assert new.id == f"{DOC}:e4" and new.type == "Conflict.Attack"
    assert [a.role for a in new.arguments] == ["Attacker", "Victim"]


@pytest.mark.parametrize(
    ("edit", "line_prefix", "message"),
    [
        ({"replace": {"T1\tORG 1 7\tطالبان": "T1\tORG 2 7\tطالبان"}}, "T1\t", "differs from the .txt"),
        ({"replace": {"T1\tORG 1 7\tطالبان": "T1\tORG 1 9999\tطالبان"}}, "T1\t", "not a non-empty span"),
        ({"replace": {"T1\tORG 1 7\tطالبان": "T1\tORG 1 3;4 7\tطا بان"}}, "T1\t", "contiguous"),
        ({"drop": ("A5\t",)}, "T5\t", "no Form attribute"),
        ({"add": ('T2\tPER 0 1\t"',)}, "T2\tPER", "already defined"),
        ({"add": ("R1\tLocated Arg1:T1 Arg2:T7",)}, "R1\t", "not part of the ACES export"),
        ({"add": ("this line has no tab",)}, "this line", "not a BRAT line"),
        ({"drop": ("T3\t", "A3\t", "#3\t")}, "E1\t", "does not point at a mention"),
        (
            {"replace": {"E3\tContact_Statement:T18 Speaker:T12": "E3\tContact_Statement:T18 Speaker"}},
            "E3\t",
            "expected",
        ),
        ({"replace": {"E6\tStance:T23 Target:E1": "E6\tStance:T23"}}, "E6\t", f"without a {'Target'}"),
    ],
)
def test_problems_point_at_the_line(work: Path, edit: dict, line_prefix: str, message: str) -> None:
    _edit(work, **edit)
    result = from_brat(work)
    line = _line_of(work, line_prefix)
    hits = [p for p in result.problems if p.file == str(_ann(work)) and p.line == line and message in p.message]
    assert hits, [p.human() for p in result.problems]


def test_changed_text_and_missing_side_file_are_reported(work: Path) -> None:
    txt = work / f"{DOC}.txt"
    txt.write_text(txt.read_text(encoding="utf-8") + "x", encoding="utf-8")
    assert any("never the text" in p.message and p.file == str(txt) for p in from_brat(work).problems)
    (work / f"{DOC}.aces.json").unlink()
    result = from_brat(work)
    assert result.records == [] and any("aces export brat" in p.message for p in result.problems)


_MUTATIONS = st.sampled_from(["drop", "dup", "cut", "swap_tabs", "digit", "garbage", "blank", "crlf"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_MUTATIONS, st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=6))
def test_random_hand_edits_never_crash(exported: Path, tmp_path_factory, edits) -> None:
    work = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(exported, work, dirs_exist_ok=True)
    lines = _ann(work).read_text(encoding="utf-8").split("\n")
    for kind, i, j in edits:
        k = i % len(lines)
        line = lines[k]
        if kind == "drop":
            del lines[k]
        elif kind == "dup":
            lines.insert(k, line)
        elif kind == "cut":
            lines[k] = line[: j % (len(line) + 1)]
        elif kind == "swap_tabs":
            lines[k] = line.replace("\t", " ", 1)
        elif kind == "digit":
            lines[k] = "".join(str(j % 10) if ch.isdigit() and n == j % 5 else ch for n, ch in enumerate(line))
        elif kind == "garbage":
            lines[k] = line + "\t\x00:" + chr(0x600 + j % 200)
        elif kind == "blank":
            lines[k] = ""
        elif kind == "crlf":
            lines[k] = line + "\r"
        if not lines:
            lines = [""]
    _ann(work).write_text("\n".join(lines), encoding="utf-8")
    result = from_brat(work)
    for p in result.problems:
        assert p.file and p.line >= 0 and p.message
    for record in result.records:
        rec.from_json(rec.to_json(record))


# --- CLI ----------------------------------------------------------------------------------------------------------


def test_cli_round_trip_is_byte_identical(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    rec.write_jsonl([clitic_record()], corpus / "gold" / "t.jsonl")
    runner = CliRunner()
    done = runner.invoke(main, ["export", "brat", "--out", str(tmp_path / "b"), "--corpus", str(corpus)])
    assert done.exit_code == 0, done.output
    assert "1 documents, 15 mentions, 3 events, 3 stances" in done.output
    out = corpus / "gold" / "back.jsonl"
    done = runner.invoke(main, ["import", "brat", str(tmp_path / "b"), "--out", str(out)])
    assert out.read_bytes() == (corpus / "gold" / "t.jsonl").read_bytes(), done.output
    done = runner.invoke(main, ["import", "brat", str(tmp_path / "b"), "--out", str(out)])
    assert done.exit_code == 2 and "--force" in done.output


def test_cli_import_errors_write_nothing_and_say_where(work: Path, tmp_path: Path) -> None:
    _edit(work, replace={"T1\tORG 1 7\tطالبان": "T1\tORG 2 7\tطالبان"})
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(main, ["import", "brat", str(work), "--out", str(out)])
    assert done.exit_code == 1 and not out.exists()
    assert f"{_ann(work)}:{_line_of(work, 'T1')} ERROR" in done.output
    assert "Traceback" not in done.output


def test_cli_validation_findings_point_at_the_ann_line(work: Path, tmp_path: Path) -> None:
    # A label BRAT's dialog would not offer, typed by hand: the import reads it, the validator rejects it.
    _edit(work, replace={"A12\tForm T12 NAM": "A12\tForm T12 XYZ"})
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(main, ["import", "brat", str(work), "--out", str(out)])
    assert done.exit_code == 1 and not out.exists()
    assert not list(tmp_path.glob("*.tmp")), "the temporary file is removed"
    expected = f"{_ann(work)}:{_line_of(work, 'T12')} [{DOC}:m12] L3 ERROR unknown-mention-form"
    assert expected in done.output, done.output


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(
        ["id", "lang", "split", "provenance", "segments", "clusters", "cluster_refs", "layout", "sentences",
         "annotation_status"]
    ),
    _JSON,
)  # fmt: skip
def test_random_side_file_values_never_crash(exported: Path, tmp_path_factory, key: str, value) -> None:
    work = tmp_path_factory.mktemp("side")
    shutil.copytree(exported, work, dirs_exist_ok=True)
    side_path = work / f"{DOC}.aces.json"
    side = json.loads(side_path.read_text(encoding="utf-8"))
    side[key] = value
    side_path.write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")
    result = from_brat(work)
    assert all(p.file and p.message for p in result.problems)


def test_cli_export_refuses_to_overwrite_files_edited_in_brat(tmp_path: Path) -> None:
    """Issue 19.12a: a second export over a collection annotated in BRAT since would have erased that work."""
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    rec.write_jsonl([clitic_record()], corpus / "gold" / "t.jsonl")
    out = tmp_path / "b"
    export = ["export", "brat", "--out", str(out), "--corpus", str(corpus)]
    runner = CliRunner()
    assert runner.invoke(main, export).exit_code == 0
    assert runner.invoke(main, export).exit_code == 0, "an unchanged collection is exported over without --force"
    exported = _ann(out).read_bytes()
    _edit(out, drop=("T1\t",))
    txt = out / f"{DOC}.txt"
    txt.write_bytes(txt.read_bytes() + b" ")
    edited = _ann(out).read_bytes()
    side = out / f"{DOC}.aces.json"
    side.unlink()

    done = runner.invoke(main, export)
    assert done.exit_code == 2 and done.stdout == "", done.output
    assert len(done.stderr.splitlines()) == 1 and "--force" in done.stderr and "Traceback" not in done.stderr
    assert "2 files would be overwritten" in done.stderr and str(txt) in done.stderr and str(_ann(out)) in done.stderr
    assert _ann(out).read_bytes() == edited and not side.exists(), "nothing is written when the export refuses"

    done = runner.invoke(main, [*export, "--force"])
    assert done.exit_code == 0, done.output
    assert _ann(out).read_bytes() == exported and side.exists()
    assert not list(out.glob(".*")), "no temporary file is left behind"


def test_export_refusal_lists_a_bounded_number_of_files(tmp_path: Path) -> None:
    from aces.convert.brat import MAX_LISTED, WouldOverwrite

    records = [msgspec.structs.replace(clitic_record(), id=f"doc-{i:03d}") for i in range(MAX_LISTED + 5)]
    to_brat(records, tmp_path)
    for path in tmp_path.glob("*.ann"):
        path.write_text("", encoding="utf-8")
    with pytest.raises(WouldOverwrite) as caught:
        to_brat(records, tmp_path)
    assert len(caught.value.files) == MAX_LISTED + 5 and str(caught.value).count(".ann") == MAX_LISTED
    assert "and 5 more" in str(caught.value) and "\n" not in str(caught.value)
