"""aces.corpus.stats.compute: counts a user can trust, zero-filled against the schema so no label goes missing."""

from __future__ import annotations

import dataclasses

import msgspec

from aces import record as rec
from aces.corpus.stats import compute, flatten
from aces.offsets import record_tokens
from aces.paths import repo_root
from aces.schema import labels

DOC = "t-stats"
# An emoji (one code point, two UTF-16 units), a proclitic ل glued to a name, a quoted name after و.
TEXT = 'قال المتحدث 😀 إن و"داعش" هاجم كابول لأفغانستان.\nفقرة ثانية'
OPEN_ENDED = (
    "removals.by_reason.",
    "removals.characters_by_reason.",
    "provenance.by_source.",
    "documents.by_outlet_and_split.",
)


def _span(text: str, start: int) -> dict:
    return {"start": start, "end": start + len(text), "text": text}


def _mention(n: int, text: str, etype: str, form: str = "NAM", after: str = "") -> dict:
    start = TEXT.index(after + text) + len(after)
    return {"id": f"{DOC}:m{n}", **_span(text, start), "type": etype, "form": form}


def annotated(**overrides: object) -> rec.Record:
    """A small record using several labels of every layer; ``overrides`` replace whole fields."""
    m = [
        _mention(1, "المتحدث", "PER", "NOM"),
        _mention(2, "داعش", "ORG"),
        _mention(3, "كابول", "GPE"),
        _mention(4, "أفغانستان", "GPE", after="ل"),
    ]
    attack = TEXT.index("هاجم")
    data = {
        "schema_version": "1.0.0",
        "id": DOC,
        "lang": "ar",
        "split": "test",
        "text": TEXT,
        "provenance": {
            "source": "test fixture",
            "raw_path": "raw/t.txt",
            "raw_sha256": "0" * 64,
            "offset_map": [],
            "removed": [
                {"raw_start": 0, "raw_end": 10, "reason": "related-link"},
                {"raw_start": 10, "raw_end": 11, "reason": "line-break"},
                {"raw_start": 20, "raw_end": 24, "reason": "related-link"},
            ],
        },
        "segments": [
            {"id": f"{DOC}:seg1", "type": "title", "start": 0, "end": TEXT.index("\n")},
            {"id": f"{DOC}:seg2", "type": "paragraph", "start": TEXT.index("\n") + 1, "end": len(TEXT)},
        ],
        "entities": m,
        "clusters": [
            {"id": f"{DOC}:c1", "name": "المتحدث", "type": "PER", "mentions": [f"{DOC}:m1"]},
            {"id": f"{DOC}:c2", "name": "داعش", "type": "ORG", "mentions": [f"{DOC}:m2"]},
            {"id": f"{DOC}:c3", "name": "أفغانستان", "type": "GPE", "mentions": [f"{DOC}:m3", f"{DOC}:m4"]},
        ],
        "events": [
            {
                "id": f"{DOC}:e1",
                "type": "Conflict.Attack",
                "trigger": _span("هاجم", attack),
                "arguments": [{"role": "Attacker", "ref": f"{DOC}:m2"}, {"role": "Place", "ref": f"{DOC}:m3"}],
                "epistemic": {"status": "claimed", "source": f"{DOC}:m1"},
            },
            {
                "id": f"{DOC}:e2",
                "type": "Contact.Statement",
                "trigger": _span("قال", 0),
                "arguments": [{"role": "Speaker", "ref": f"{DOC}:m1"}, {"role": "Content", "ref": f"{DOC}:e1"}],
                "epistemic": {"status": "asserted", "source": None},
            },
        ],
        "stances": [
            {
                "id": f"{DOC}:st1",
                "holder": {"kind": "entity", "ref": f"{DOC}:m1"},
                "target": {"kind": "entity", "ref": f"{DOC}:c2"},
                "polarity": "AGAINST",
                "evidence": [_span("هاجم", attack)],
            },
            {
                "id": f"{DOC}:st2",
                "holder": {"kind": "author"},
                "target": {"kind": "proposition", **_span("هاجم كابول", attack)},
                "polarity": "NEUTRAL",
                "evidence": [_span("هاجم كابول", attack)],
            },
        ],
    }
    data.update(overrides)
    return rec.from_dict(data)


def gold() -> list[rec.Record]:
    return [r for path in sorted((repo_root() / "corpus" / "gold").glob("*.jsonl")) for r in rec.read_jsonl(path)]


def test_counts_every_layer_of_an_annotated_record() -> None:
    s = compute([annotated()])
    docs = s["documents"]
    assert {k: docs[k] for k in ("total", "annotated", "by_split")} == {
        "total": 1,
        "annotated": 1,
        "by_split": {"train": 0, "validation": 0, "test": 1},
    }
    status = "(not recorded)" if annotated().annotation_status is msgspec.UNSET else annotated().annotation_status
    assert {k: n for k, n in docs["by_annotation_status"].items() if n} == {status: 1}
    assert sum(docs["by_license"].values()) == 1 and sum(docs["characters_by_license"].values()) == len(
        annotated().text
    )
    assert docs["by_outlet_and_split"] == {annotated().id: {"train": 0, "validation": 0, "test": 1}}
    assert s["segments"]["by_type"] == {
        "title": 1,
        "lead": 0,
        "heading": 0,
        "dateline": 0,
        "byline": 0,
        "paragraph": 1,
    }
    assert s["mentions"]["by_type"]["GPE"] == 2 and s["mentions"]["by_type"]["PER"] == 1
    assert s["mentions"]["by_form"] == {"NAM": 3, "NOM": 1, "ADJ": 0}
    assert s["mentions"]["by_type_and_form"]["PER"] == {"NAM": 0, "NOM": 1, "ADJ": 0}
    assert s["clusters"]["total"] == 3 and s["clusters"]["singletons"] == 2
    assert s["clusters"]["by_type"]["GPE"] == 1
    assert s["clusters"]["mean_mentions_per_cluster"] == 4 / 3
    assert s["events"]["by_type"]["Conflict.Attack"] == 1 and s["events"]["by_type"]["Contact.Statement"] == 1
    assert s["events"]["by_epistemic_status"] == {"asserted": 1, "claimed": 1, "hypothetical": 0}
    assert s["arguments"]["total"] == 4
    assert s["arguments"]["by_role"]["Content"] == 1 and s["arguments"]["by_role"]["Victim"] == 0
    assert s["arguments"]["by_event_type_and_role"]["Conflict.Attack"]["Place"] == 1
    assert s["stances"]["by_polarity"] == {"FAVOR": 0, "AGAINST": 1, "NEUTRAL": 1}
    assert s["stances"]["by_holder_kind"] == {"author": 1, "entity": 1}
    assert s["stances"]["by_target_kind"] == {"entity": 1, "event": 0, "proposition": 1}
    assert s["removals"]["by_reason"] == {"line-break": 1, "related-link": 2}
    assert s["removals"]["characters_by_reason"] == {"line-break": 1, "related-link": 14}
    assert s["provenance"] == {"raw_files": 1, "by_source": {"test fixture": 1}}
    assert s["by_split"]["test"]["mentions"] == 4 and s["by_split"]["train"]["mentions"] == 0


def test_characters_are_code_points_and_the_two_token_counts_differ_as_documented() -> None:
    plain = annotated(entities=[], clusters=[], events=[], stances=[])
    s_plain, s_ann = compute([plain]), compute([annotated()])
    assert s_plain["characters"]["total"] == len(TEXT)  # the emoji counts once, not as two UTF-16 units
    assert len(TEXT.encode("utf-16-le")) // 2 == len(TEXT) + 1
    assert s_plain["tokens"]["whitespace"] == len(TEXT.split()) == s_ann["tokens"]["whitespace"]
    # Record tokens never look at the annotations: «لأفغانستان» is split after its proclitic with or without the
    # mention «أفغانستان», so both counts are the same (before aces.text.clitics the annotated one was larger).
    assert s_plain["tokens"]["record"] == len(record_tokens(plain)) > s_plain["tokens"]["whitespace"]
    assert s_ann["tokens"]["record"] == s_plain["tokens"]["record"]
    assert s_plain["documents"]["annotated"] == 0


def test_empty_corpus_has_every_inventory_label_at_zero() -> None:
    s = compute([])
    lab = labels()
    assert s["documents"]["by_split"] == {"train": 0, "validation": 0, "test": 0}
    assert list(s["mentions"]["by_type"]) == list(lab.entity_types)
    assert list(s["mentions"]["by_form"]) == list(lab.mention_forms)
    assert list(s["events"]["by_type"]) == list(lab.event_types)
    assert list(s["events"]["by_epistemic_status"]) == list(lab.epistemic_statuses)
    assert list(s["stances"]["by_polarity"]) == list(lab.stance_polarities)
    assert list(s["segments"]["by_type"]) == list(lab.segment_types)
    every_role = {role for etype in lab.event_types for role in lab.roles(etype)}
    assert set(s["arguments"]["by_role"]) == every_role
    assert all(v == 0 for k, v in flatten(s).items() if isinstance(v, int) and k != "provenance.raw_files")
    assert s["clusters"]["mean_mentions_per_cluster"] is None


def test_keys_are_the_same_for_an_empty_an_unannotated_and_an_annotated_corpus() -> None:
    def keys(stats: dict) -> set[str]:
        return {k for k in flatten(stats) if not k.startswith(OPEN_ENDED)}

    assert keys(compute([])) == keys(compute(gold())) == keys(compute([annotated(), *gold()]))


def test_a_label_added_to_the_inventory_shows_as_zero() -> None:
    lab = labels()
    grown = dataclasses.replace(lab, entity_types={**lab.entity_types, "VEH": "A vehicle."})
    s = compute([annotated()], grown)
    assert s["mentions"]["by_type"]["VEH"] == 0
    assert s["clusters"]["by_type"]["VEH"] == 0
    assert s["mentions"]["by_type_and_form"]["VEH"] == {"NAM": 0, "NOM": 0, "ADJ": 0}


def test_a_label_outside_the_inventory_is_counted_not_dropped() -> None:
    odd = _mention(1, "المتحدث", "XYZ", "NOM")
    s = compute([annotated(entities=[odd], clusters=[], events=[], stances=[])])
    assert list(s["mentions"]["by_type"])[-1] == "XYZ" and s["mentions"]["by_type"]["XYZ"] == 1
    assert set(labels().entity_types) < set(s["mentions"]["by_type"])


def test_the_seed_document_counts() -> None:
    s = compute(gold())
    assert s["documents"]["total"] >= 1
    assert s["characters"]["total"] == sum(len(r.text) for r in gold())
    # The seed's closing line (scraper stamp + site watermark) is removed, and the stats say so.
    assert s["removals"]["by_reason"]["scraper-token"] >= 1
    assert s["removals"]["by_reason"]["watermark"] >= 1


def test_per_document_rates_and_outliers() -> None:
    from aces.corpus.stats import per_document

    base = annotated()
    quiet = [msgspec.structs.replace(base, id=f"q{n}", events=base.events[:1], stances=()) for n in range(6)]
    busy = msgspec.structs.replace(base, id="busy")
    rows = {r["id"]: r for r in per_document([*quiet, busy])}
    words = len(base.text.split())
    assert (len(base.events), len(base.stances)) == (2, 2)  # the busy document doubles the quiet ones' events
    assert rows["busy"]["events_per_100_words"] == 100 * 2 / words
    assert rows["busy"]["name_share"] == sum(m.form == "NAM" for m in base.entities) / len(base.entities)
    assert rows["busy"]["outliers"] == ["events high", "stances high"] and rows["q0"]["outliers"] == []
    empty = per_document([msgspec.structs.replace(base, id="e", entities=(), clusters=(), events=(), stances=())])
    assert empty[0]["name_share"] is None and empty[0]["mentions_per_100_words"] == 0
