"""Annotation sheets: spans named by text and sentence become exact offsets; a record's sheet gives it back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from aces import record as rec
from aces.cli import main
from aces.corpus.sheets import SheetError, apply, extract
from aces.paths import corpus_dir
from strategies import records

DOC = "assabah.20041005.0017"


def queued() -> rec.Record:
    """The document as it waited in the queue before round 2: its gold record without annotations."""
    gold = next(rec.read_jsonl(corpus_dir() / "gold" / f"{DOC}.jsonl"))
    return msgspec.structs.replace(
        gold, entities=(), clusters=(), events=(), stances=(), annotation_status="unannotated"
    )


def small_sheet() -> dict:
    return {
        "doc": DOC,
        "status": "one-pass",
        "entities": {
            "syria": {"name": "سوريا", "type": "GPE"},
            "assad": {"name": "بشار الاسد", "type": "PER"},
            "kanaan": {"name": "غازي كنعان", "type": "PER"},
        },
        "mentions": [
            {"id": "syria1", "text": "سوريا", "in": "p1", "type": "GPE", "form": "NAM", "entity": "syria"},
            {"text": "الرئيس السوري بشار الاسد", "in": "p2u1", "type": "PER", "form": "NOM", "entity": "assad"},
            {"text": "غازي كنعان", "in": "p3", "type": "PER", "form": "NAM", "entity": "kanaan"},
            {"text": "كنعان", "in": "p5", "type": "PER", "form": "NAM", "entity": "kanaan"},
        ],
        "events": [
            {
                "id": "appoint",
                "type": "Personnel.Start-Position",
                "trigger": {"text": "وعين", "in": "p5"},
                "args": [["Person", "kanaan"]],
                "status": "asserted",
                "source": None,
            },
        ],
        "stances": [],
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "queue").mkdir()
    rec.write_jsonl([queued()], tmp_path / "queue" / f"{DOC}.jsonl")
    shutil.copytree(corpus_dir() / "raw", tmp_path / "raw")
    return tmp_path


def test_spans_get_exact_offsets_and_ids_follow_the_guidelines_order() -> None:
    base = queued()
    sheet = small_sheet()
    sheet["mentions"].reverse()  # the sheet's order does not matter
    record = apply(sheet, base)
    assert [m.text for m in record.entities] == ["سوريا", "الرئيس السوري بشار الاسد", "غازي كنعان", "كنعان"]
    assert [m.id for m in record.entities] == [f"{DOC}:m{n}" for n in range(1, 5)]
    assert all(record.text[m.start : m.end] == m.text for m in record.entities)
    assert [c.name for c in record.clusters] == ["سوريا", "بشار الاسد", "غازي كنعان"]
    assert record.clusters[2].mentions == (f"{DOC}:m3", f"{DOC}:m4")
    assert record.events[0].arguments == (rec.Argument("Person", f"{DOC}:c3"),)
    assert record.text[record.events[0].trigger.start : record.events[0].trigger.end] == "وعين"
    assert record.annotation_status == "one-pass" and record.text == base.text and record.sentences == base.sentences


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["mentions"][3].update({"text": "منصب", "in": "p3"}), 'occurs 2 times in p3; add "nth"'),
        (lambda s: s["mentions"][0].update({"text": "مصر"}), "is not in p1"),
        (lambda s: s["mentions"][0].update({"in": "p99"}), "no sentence or paragraph"),
        (lambda s: s["mentions"][0].update({"entity": "egypt"}), 'is not a key of "entities"'),
        (lambda s: s["events"][0]["args"].append(["Person", "nobody"]), "'nobody' names no entity"),
        (lambda s: s["entities"].update({"unused": {"name": "x", "type": "GPE"}}), "entities without a mention"),
        (lambda s: s.update({"doc": "other"}), "must be"),
        (lambda s: s["mentions"][3].update({"text": "منصب", "in": "p3", "nth": 3}), "occurs 2 time(s)"),
    ],
)
def test_what_cannot_be_placed_is_an_error_naming_the_item(change, message: str) -> None:
    sheet = small_sheet()
    change(sheet)
    with pytest.raises(SheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        apply(sheet, queued())


def test_the_seed_gold_record_comes_back_byte_for_byte_from_its_sheet() -> None:
    gold = next(rec.read_jsonl(corpus_dir() / "gold" / "aces-000-9f1bd322.jsonl"))
    sheet = json.loads(json.dumps(extract(gold), ensure_ascii=False))  # through JSON, as a file would
    assert rec.to_json(apply(sheet, gold)) == rec.to_json(gold)


def content(record: rec.Record) -> tuple:
    """The annotations with every id replaced by what it names (a mention's span, a cluster's spans, an event's
    trigger), as sorted tuples: equal for two records that say the same whatever their ids and order."""
    spans = {m.id: (m.start, m.end) for m in record.entities}
    names = {**spans, **{c.id: tuple(sorted(spans[m] for m in c.mentions)) for c in record.clusters}}
    names.update({e.id: (e.trigger.start, e.trigger.end, e.type) for e in record.events})

    def target(t: object) -> object:
        return (t.start, t.end) if isinstance(t, rec.PropositionTarget) else names[t.ref]  # type: ignore[union-attr]

    return (
        sorted((m.start, m.end, m.type, m.form) for m in record.entities),
        sorted((c.name, c.type, names[c.id]) for c in record.clusters),
        sorted(
            (e.trigger.start, e.trigger.end, e.type, e.epistemic.status, str(e.polarity),
             names.get(e.epistemic.source or ""), tuple(sorted((a.role, str(names[a.ref])) for a in e.arguments)))
            for e in record.events
        ),
        sorted(
            (str(s.holder.ref and names[s.holder.ref]) if isinstance(s.holder, rec.EntityHolder) else "author",
             str(target(s.target)), s.polarity, tuple((x.start, x.end) for x in s.evidence))
            for s in record.stances
        ),
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_any_valid_record_comes_back_from_its_sheet(data: dict) -> None:
    """The same annotations come back, numbered as the guidelines say; a numbered record is a fixed point."""
    record = rec.from_dict(data)
    once = apply(extract(record), record)
    assert content(once) == content(record)
    assert apply(extract(once), record) == once


def test_cli_writes_a_validated_record_and_refuses_an_invalid_one(corpus: Path, tmp_path: Path) -> None:
    sheet_file = tmp_path / "s.sheet.json"
    sheet_file.write_text(json.dumps(small_sheet(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "pass-a"
    done = CliRunner().invoke(main, ["sheet", "apply", str(sheet_file), "--corpus", str(corpus), "--out", str(out)])
    assert done.exit_code == 0, done.output
    written = next(rec.read_jsonl(out / f"{DOC}.jsonl"))
    assert len(written.entities) == 4 and len(written.events) == 1
    bad = small_sheet()
    bad["mentions"][0]["type"] = "ORG"  # its entity is a GPE: cluster-type-mismatch
    sheet_file.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    refused = CliRunner().invoke(main, ["sheet", "apply", str(sheet_file), "--corpus", str(corpus), "--out", str(out)])
    assert refused.exit_code == 1 and "cluster-type-mismatch" in refused.output
    assert next(rec.read_jsonl(out / f"{DOC}.jsonl")) == written  # the earlier record is left as it was
    back = CliRunner().invoke(main, ["sheet", "extract", str(out / f"{DOC}.jsonl"), "--out", str(tmp_path)])
    assert back.exit_code == 0 and apply(json.loads((tmp_path / f"{DOC}.sheet.json").read_text()), queued()) == written


def test_cli_text_prints_the_ids_a_sheet_names(corpus: Path) -> None:
    shown = CliRunner().invoke(main, ["sheet", "text", DOC, "--corpus", str(corpus)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "[p1 title]" and lines[1] == "  p1u1: سوريا: تعديل وزاري واسع يشمل 8 حقائب"
    record = queued()
    assert sum(line.startswith("  p") for line in lines) == len(record.sentences)
    missing = CliRunner().invoke(main, ["sheet", "text", "no-such-doc", "--corpus", str(corpus)])
    assert missing.exit_code == 1 and "no record" in missing.output


def test_promote_moves_an_annotated_document_from_the_queue_to_gold(corpus: Path, tmp_path: Path) -> None:
    record = apply(small_sheet(), queued())
    annotated = tmp_path / "annotated.jsonl"
    rec.write_jsonl([record], annotated)
    run = CliRunner().invoke(main, ["queue", "promote", str(annotated), "--corpus", str(corpus)])
    assert run.exit_code == 0, run.output
    assert not (corpus / "queue" / f"{DOC}.jsonl").exists()
    assert next(rec.read_jsonl(corpus / "gold" / f"{DOC}.jsonl")) == record
    again = CliRunner().invoke(main, ["queue", "promote", str(annotated), "--corpus", str(corpus)])
    assert again.exit_code == 1 and "already in gold/" in again.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: msgspec.structs.replace(r, text=r.text.replace("سوريا", "سورية", 1)), "changes the document (text"),
        (lambda r: msgspec.structs.replace(r, split="test"), "changes the document (split"),
        (lambda r: msgspec.structs.replace(r, annotation_status=msgspec.UNSET), "annotation-status-missing"),
        (lambda r: msgspec.structs.replace(r, entities=(), clusters=(), events=()), "gold-unannotated"),
    ],
)
def test_promote_refuses_what_is_not_the_document_annotated(corpus: Path, tmp_path: Path, change, message) -> None:
    record = change(apply(small_sheet(), queued()))
    annotated = tmp_path / "annotated.jsonl"
    rec.write_jsonl([record], annotated)
    run = CliRunner().invoke(main, ["queue", "promote", str(annotated), "--corpus", str(corpus)])
    assert run.exit_code == 1 and message in run.output, run.output
    assert (corpus / "queue" / f"{DOC}.jsonl").exists() and not (corpus / "gold").exists()


def test_two_passes_adjudicated_give_an_adjudicated_gold_that_promotes(corpus: Path, tmp_path: Path) -> None:
    """The round-2 path: two sheets → two pass records → `aces adjudicate` → `aces queue promote`."""
    first = small_sheet()
    second = small_sheet()
    second["mentions"].pop()  # pass B missed «كنعان» in p5
    second["status"] = "one-pass"
    for name, sheet in (("pass-a", first), ("pass-b", second)):
        (tmp_path / name).mkdir()
        rec.write_jsonl([apply(sheet, queued())], tmp_path / name / f"{DOC}.jsonl")
    out = tmp_path / "adjudicated" / f"{DOC}.jsonl"
    out.parent.mkdir()
    args = ["adjudicate", str(tmp_path / "pass-a"), str(tmp_path / "pass-b"), "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 1  # conflicts to decide
    review = out.with_name(f"{out.stem}.review.jsonl")
    entries = [json.loads(line) for line in review.read_text(encoding="utf-8").splitlines()]
    assert [e["kind"] for e in entries] == ["mention", "cluster"]  # the mention, and its cluster's members
    for entry in entries:
        entry["decision"] = "a"
    review.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    done = CliRunner().invoke(main, [*args, "--decisions", str(review)])
    assert done.exit_code == 0, done.output
    gold = next(rec.read_jsonl(out))
    assert gold.annotation_status == "adjudicated" and len(gold.entities) == 4
    promoted = CliRunner().invoke(main, ["queue", "promote", str(out), "--corpus", str(corpus)])
    assert promoted.exit_code == 0, promoted.output
