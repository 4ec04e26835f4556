"""``aces adjudicate``: agreed items kept, every difference a conflict with both readings, decisions → a validated
gold file (fixtures: ``tests/data/adjudicate/build.py``; the expected counts are worked out below by hand)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from aces import record as rec
from aces.cli import main
from aces.paths import repo_root
from aces.validate import validate
from aces.versions.adjudicate import review
from aces.versions.adjudicate_merge import Decision, MergeError, check_gold, gold_bytes, merge
from aces.versions.diff import diff
from aces.versions.load import read_side

DATA = Path(__file__).parent / "data" / "adjudicate"

# adj-001, pass A vs pass B (build.py), item by item:
#   mentions  كابول(1) =, تنظيم داعش =, كابول(2) =                                       → 3 agreed
#             «حركة طالبان» vs «طالبان» (span), «قواتها» B only, «3 عناصر» NOM vs NAM (form),
#             «المخابرات الأفغانية» A only                                                → 4 conflicts
#   clusters  Kabul =, ISIS-K =                                                          → 2 agreed
#             Taliban (B adds «قواتها»: members), 3 members / 3 ISIS-K members (name),
#             Afghan intelligence A only (its one mention is A only)                     → 3 conflicts
#   events    «هجوم» =; «أعلنت» = (Speaker: A the Taliban cluster, B the mention «طالبان» in it;
#             Content: the «قتلت» event on both sides)                                   → 2 agreed
#             «قتلت» (Agent: A «حركة طالبان», B «قواتها»: arguments; its source A m2, B the Taliban
#             cluster, agrees), «الهجمات» (claimed by m6 + negative vs hypothetical: status,
#             source, polarity), «قالت» B only                                           → 3 conflicts
#   stances   author AGAINST ISIS-K «الإرهابي» =                                         → 1 agreed
#             author → «هجوم» AGAINST vs NEUTRAL (polarity), intelligence → «الهجمات» A only → 2 conflicts
# adj-002 only in A, adj-003 only in B                                                   → 2 document conflicts
COUNTS = {
    "document": {"agreed": 0, "conflicts": 2},
    "mention": {"agreed": 3, "conflicts": 4},
    "cluster": {"agreed": 2, "conflicts": 3},
    "event": {"agreed": 2, "conflicts": 3},
    "stance": {"agreed": 1, "conflicts": 2},
}
CONFLICTS = [
    ("adj-001/mention/1", ["span"]),
    ("adj-001/mention/2", ["only in B"]),
    ("adj-001/mention/3", ["form"]),
    ("adj-001/mention/4", ["only in A"]),
    ("adj-001/cluster/1", ["members"]),
    ("adj-001/cluster/2", ["name"]),
    ("adj-001/cluster/3", ["only in A"]),
    ("adj-001/event/1", ["arguments"]),
    ("adj-001/event/2", ["only in B"]),
    ("adj-001/event/3", ["epistemic.status", "epistemic.source", "polarity"]),
    ("adj-001/stance/1", ["polarity"]),
    ("adj-001/stance/2", ["only in A"]),
    ("adj-002/document/1", ["only in A"]),
    ("adj-003/document/1", ["only in B"]),
]
DECISIONS = {
    "adj-001/mention/1": "b",  # «طالبان» without «حركة»
    "adj-001/mention/2": "b",  # keep «قواتها»
    "adj-001/mention/3": "a",  # NOM
    "adj-001/mention/4": "a",  # keep «المخابرات الأفغانية»
    "adj-001/cluster/1": "b",  # Taliban = {طالبان, قواتها}
    "adj-001/cluster/2": {  # edited: A's cluster under a new name
        "from": "a",
        "item": {"name": "3 ISIS-K fighters", "type": "PER", "mentions": ["adj-001:m3"]},
    },
    "adj-001/cluster/3": "a",
    "adj-001/event/1": "a",  # Agent = A's «حركة طالبان», which now stands as «طالبان»
    "adj-001/event/2": "neither",
    "adj-001/event/3": "a",  # claimed by the intelligence service, negative
    "adj-001/stance/1": "b",  # NEUTRAL
    "adj-001/stance/2": "a",
    "adj-002/document/1": "a",
    "adj-003/document/1": "neither",
}


@pytest.fixture
def passes(tmp_path: Path) -> tuple[Path, Path, Path]:
    """pass-a/, pass-b/ and an output corpus (gold/ beside raw/) in ``tmp_path``."""
    for name in ("pass-a", "pass-b"):
        shutil.copytree(DATA / name, tmp_path / name)
    shutil.copytree(DATA / "raw", tmp_path / "corpus" / "raw")
    return tmp_path / "pass-a", tmp_path / "pass-b", tmp_path / "corpus" / "gold" / "adj.jsonl"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["adjudicate", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def review_file(out: Path) -> Path:
    return out.parent.parent / "review" / "adj.review.jsonl"


def fill(path: Path, decisions: dict, skip: tuple[str, ...] = ()) -> Path:
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for entry in entries:
        if entry["id"] not in skip:
            entry["decision"] = decisions[entry["id"]]
    filled = path.with_name("decided.jsonl")
    filled.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    return filled


def test_counts_and_conflicts_are_the_ones_worked_out_by_hand() -> None:
    rv = review(read_side(DATA / "pass-a").records, read_side(DATA / "pass-b").records)
    assert rv.counts() == COUNTS
    assert [(u.conflict_id, u.why) for u in rv.conflicts] == CONFLICTS


def test_every_item_of_both_passes_is_in_exactly_one_unit() -> None:
    """Nothing is dropped silently: each pass's items, kind by kind, are exactly those the units hold."""
    a_side, b_side = read_side(DATA / "pass-a").records, read_side(DATA / "pass-b").records
    rv = review(a_side, b_side)
    for side, records in (("a", a_side), ("b", b_side)):
        held = sorted(getattr(u, side).id for u in rv.units if getattr(u, side) is not None and u.kind != "document")
        docs = [u for u in rv.units if u.kind == "document" and getattr(u, side) is not None]
        whole = [r for r in records if r.id not in {getattr(u, side).id for u in docs}]
        items = [x.id for r in whole for x in (*r.entities, *r.clusters, *r.events, *r.stances)]
        assert held == sorted(items)


def test_first_run_writes_the_review_file_and_exits_1(passes: tuple[Path, Path, Path]) -> None:
    a, b, out = passes
    code, stdout, _ = run(a, b, "--out", out)
    assert code == 1
    assert "mention 3/4, cluster 2/3, event 2/3, stance 1/2" in stdout and "14 conflict(s) to decide" in stdout
    assert not out.exists()
    entries = [json.loads(line) for line in review_file(out).read_text(encoding="utf-8").splitlines()]
    assert [(e["id"], e["why"]) for e in entries] == CONFLICTS
    assert all(e["decision"] is None and len(e["fingerprint"]) == 16 for e in entries)
    span = entries[0]
    assert span["a"]["text"] == "حركة طالبان" and span["b"]["text"] == "طالبان"
    before, rest = span["context"][0].split("⟦")
    inside, after = rest.split("⟧")
    assert (before, inside) == ("🔴 هجوم في كابول\nأعلنت ", "حركة طالبان")  # the emoji is one code point
    assert after.startswith(" أن قواتها قتلت") and after.endswith("…") and len(after) == 80 + 1
    only_b = entries[8]
    assert only_b["a"] is None and only_b["b"]["trigger"]["text"] == "قالت"
    polar = entries[9]
    assert (polar["a"]["polarity"], "polarity" in polar["b"]) == ("negative", False)
    assert polar["a"]["epistemic"]["source"]["text"] == "المخابرات الأفغانية"


def test_filled_decisions_give_the_validated_gold(passes: tuple[Path, Path, Path]) -> None:
    a, b, out = passes
    run(a, b, "--out", out)
    decided = fill(review_file(out), DECISIONS)
    code, stdout, stderr = run(a, b, "--out", out, "--decisions", decided)
    assert code == 0, stderr
    assert validate(out).errors == 0
    gold = {r.id: r for r in rec.read_jsonl(out)}
    assert sorted(gold) == ["adj-001", "adj-002"]  # adj-003: "neither"
    doc = gold["adj-001"]
    texts = [m.text for m in doc.entities]
    assert texts == ["كابول", "طالبان", "قواتها", "3 عناصر", "تنظيم داعش", "كابول", "المخابرات الأفغانية"]
    assert [m.id for m in doc.entities] == [f"adj-001:m{n}" for n in range(1, 8)]
    assert doc.entities[3].form == "NOM"
    by_name = {c.name: [doc.entities[int(m.split(":m")[1]) - 1].text for m in c.mentions] for c in doc.clusters}
    assert by_name == {
        "Kabul": ["كابول", "كابول"],
        "Taliban": ["طالبان", "قواتها"],
        "3 ISIS-K fighters": ["3 عناصر"],
        "ISIS-K": ["تنظيم داعش"],
        "Afghan intelligence": ["المخابرات الأفغانية"],
    }
    mention = {m.id: m.text for m in doc.entities}
    killed = next(e for e in doc.events if e.trigger.text == "قتلت")
    assert [(arg.role, mention[arg.ref]) for arg in killed.arguments] == [
        ("Agent", "طالبان"),  # A's «حركة طالبان» now stands as the kept «طالبان»
        ("Victim", "3 عناصر"),
        ("Place", "كابول"),
    ]
    assert mention[killed.epistemic.source] == "طالبان"
    foiled = next(e for e in doc.events if e.trigger.text == "الهجمات")
    assert (foiled.epistemic.status, mention[foiled.epistemic.source], foiled.polarity) == (
        "claimed",
        "المخابرات الأفغانية",
        "negative",
    )
    assert [e.trigger.text for e in doc.events] == ["هجوم", "أعلنت", "قتلت", "الهجمات"]  # «قالت»: "neither"
    assert sorted(s.polarity for s in doc.stances) == ["AGAINST", "AGAINST", "NEUTRAL"]
    assert "2 document(s), 8 mentions, 4 events; validated" in stdout


def test_agreed_only_passes_need_no_decision(passes: tuple[Path, Path, Path]) -> None:
    a, _, out = passes
    code, stdout, _ = run(a, a, "--out", out)
    assert code == 0 and "0 conflict" not in stdout
    assert diff(read_side(a).records, read_side(out).records)["changes"] == []


def test_undecided_conflicts_exit_1_with_a_count(passes: tuple[Path, Path, Path]) -> None:
    a, b, out = passes
    run(a, b, "--out", out)
    decided = fill(review_file(out), DECISIONS, skip=("adj-001/mention/2", "adj-001/event/3", "adj-003/document/1"))
    code, _, stderr = run(a, b, "--out", out, "--decisions", decided)
    assert code == 1
    assert "3 conflict(s) undecided" in stderr and "adj-001/mention/2, adj-001/event/3, adj-003/document/1" in stderr
    assert not out.exists()


def test_dropping_a_referent_others_need_is_refused_naming_the_conflicts(passes: tuple[Path, Path, Path]) -> None:
    """«المخابرات الأفغانية» dropped: the claimed event's source and the stance's holder would point at nothing."""
    a, b, out = passes
    run(a, b, "--out", out)
    decided = fill(review_file(out), {**DECISIONS, "adj-001/mention/4": "neither"})
    code, _, stderr = run(a, b, "--out", out, "--decisions", decided)
    assert code == 1 and not out.exists()
    assert "conflict adj-001/event/3: its epistemic source adj-001:m6 (pass A) is not kept" in stderr
    assert "conflict adj-001/stance/2: its holder adj-001:m6 (pass A) is not kept" in stderr


def test_consequences_of_decisions_are_listed_not_silent(passes: tuple[Path, Path, Path]) -> None:
    """Dropping «قواتها»: the kept Taliban cluster loses that member, and B's «قتلت» (if kept) its Agent."""
    a, b, out = passes
    run(a, b, "--out", out)
    decided = fill(review_file(out), {**DECISIONS, "adj-001/mention/2": "neither", "adj-001/event/1": "b"})
    code, stdout, stderr = run(a, b, "--out", out, "--decisions", decided)
    assert code == 0, stderr
    assert "note: conflict adj-001/cluster/1: cluster 'Taliban' loses member adj-001:m6 (pass B)" in stdout
    assert "note: conflict adj-001/event/1: event 'قتلت' loses argument Agent -> adj-001:m6 (pass B)" in stdout


def test_a_decision_that_makes_the_gold_invalid_is_refused(passes: tuple[Path, Path, Path]) -> None:
    """ "both" on «3 عناصر» keeps two PER mentions on one span: the validator says so, nothing is written."""
    a, b, out = passes
    run(a, b, "--out", out)
    decided = fill(review_file(out), {**DECISIONS, "adj-001/mention/3": "both"})
    code, _, stderr = run(a, b, "--out", out, "--decisions", decided)
    assert code == 1 and not out.exists()
    assert "duplicate-mention" in stderr and "(from adj-001/mention/3)" in stderr


def test_malformed_and_stale_decisions_are_usage_errors(passes: tuple[Path, Path, Path]) -> None:
    a, b, out = passes
    run(a, b, "--out", out)
    wrong_side = fill(review_file(out), {**DECISIONS, "adj-001/mention/2": "a"})  # only B has «قواتها»
    code, _, stderr = run(a, b, "--out", out, "--decisions", wrong_side)
    assert code == 2 and "adj-001/mention/2: decision 'a' but only pass B has this item" in stderr
    unknown = fill(review_file(out), {**DECISIONS, "adj-001/event/2": "maybe"})
    code, _, stderr = run(a, b, "--out", out, "--decisions", unknown)
    assert code == 2 and "'maybe' is not one of a, b, both, neither" in stderr
    decided = fill(review_file(out), DECISIONS)
    line = (b / "adj.jsonl").read_text(encoding="utf-8").splitlines()
    changed = json.loads(line[0])
    changed["entities"][2]["form"] = "NOM"  # pass B changed after the review: «3 عناصر» now agrees
    (b / "adj.jsonl").write_text(json.dumps(changed, ensure_ascii=False) + "\n" + line[1] + "\n", encoding="utf-8")
    code, _, stderr = run(a, b, "--out", out, "--decisions", decided)
    assert code == 2 and "no longer the passes'" in stderr


def test_a_review_file_holding_decisions_is_not_overwritten(passes: tuple[Path, Path, Path]) -> None:
    a, b, out = passes
    run(a, b, "--out", out)
    decided = fill(review_file(out), DECISIONS)
    decided.replace(review_file(out))
    before = review_file(out).read_bytes()
    code, _, stderr = run(a, b, "--out", out)
    assert code == 2 and "already holds decisions" in stderr
    assert review_file(out).read_bytes() == before


def test_round_1_passes_rebuilt_from_all_a_decisions_equal_pass_a(tmp_path: Path) -> None:
    """On the real seed article: deciding every conflict for A (or dropping B-only items) gives back pass A."""
    rounds = repo_root() / "corpus" / "rounds" / "round-1"
    if not (rounds / "pass-a").is_dir():
        pytest.skip("round 1 is not in this checkout")
    out = tmp_path / "gold.jsonl"
    code, _, _ = run(rounds / "pass-a", rounds / "pass-b", "--out", out)
    assert code == 1
    review_path = tmp_path / "gold.review.jsonl"
    entries = [json.loads(line) for line in review_path.read_text(encoding="utf-8").splitlines()]
    decisions = {e["id"]: "a" if e["a"] is not None else "neither" for e in entries}
    code, _, stderr = run(
        rounds / "pass-a", rounds / "pass-b", "--out", out, "--decisions", fill(review_path, decisions)
    )
    assert code == 0, stderr
    result = diff(read_side(rounds / "pass-a").records, read_side(out).records)
    assert result["changes"] == [] and result["documents"]["compared"] == 1


REVIEW = review(read_side(DATA / "pass-a").records, read_side(DATA / "pass-b").records)


def _choices(unit) -> list[str]:
    sides = [s for s in ("a", "b") if getattr(unit, s) is not None]
    return ["neither", *sides] + (["both"] if len(sides) == 2 and unit.kind != "document" else [])


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_any_decisions_give_a_valid_gold_or_say_why(data: st.DataObject) -> None:
    """Whatever the reviewer decides, the result is a gold that validates, or a refusal naming conflicts."""
    decisions = {u.conflict_id: Decision(data.draw(st.sampled_from(_choices(u)))) for u in REVIEW.conflicts}
    try:
        merged = merge(REVIEW, decisions)
    except MergeError as err:
        assert err.problems and all("conflict" in p or "mention" in p for p in err.problems)
        return
    kept_docs = {r.id for r in merged.records}
    assert "adj-001" in kept_docs
    assert all(origin for origin in merged.origins.values())
    problems = check_gold(gold_bytes(merged.records), Path("gold.jsonl"), merged.origins)
    assert all("(from " in p for p in problems)  # every error is traced to what produced it


def test_a_review_entry_whose_id_is_not_a_string_is_a_usage_error(passes: tuple[Path, Path, Path]) -> None:
    a, b, out = passes
    run(a, b, "--out", out)
    odd = review_file(out).with_name("odd.jsonl")
    odd.write_text('{"id": ["adj-001/mention/1"], "decision": "a"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["adjudicate", str(a), str(b), "--out", str(out), "--decisions", str(odd)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"{odd}:1: not a review entry" in result.stderr and "not a string" in result.stderr
