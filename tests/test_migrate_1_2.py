"""Schema 1.1.0 ⇄ 1.2.0: the upgrade derives sentences (the splitter, mentions and triggers kept whole) and the
licence ``unknown``; the downgrade drops them freely when that is all there is, and refuses anything more."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings

from aces import record as rec
from aces.corpus.sentences import sentences_of, split
from aces.paths import repo_root
from aces.schema import CURRENT_VERSION
from aces.validate import validate
from aces.versions import migrate
from aces.versions.migrate import LossRefused, migrate_record, plan_file
from strategies import records, write_corpus


def seed_copy(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_root() / "corpus" / "gold", corpus / "gold")
    shutil.copytree(repo_root() / "corpus" / "raw", corpus / "raw")
    return corpus


def test_the_seed_has_the_splitters_sentences_and_round_trips_through_1_1_0(tmp_path: Path) -> None:
    corpus = seed_copy(tmp_path)
    gold = corpus / "gold" / "aces-000-9f1bd322.jsonl"
    seed = rec.from_json(gold.read_bytes())
    assert seed.schema_version == CURRENT_VERSION
    assert seed.sentences == sentences_of(seed) and len(seed.sentences) >= len(seed.segments)
    assert seed.provenance.license == "unknown"
    assert validate(corpus).errors == 0
    original = gold.read_bytes()

    down = plan_file(gold, "1.1.0", allow_loss=True)
    assert [(x.field, x.value) for x in down.losses] == [("annotation_status", "adjudicated")]
    migrate.write_plan(down)
    assert validate(corpus).errors == 0
    old = rec.from_json(gold.read_bytes())
    assert old.sentences is msgspec.UNSET and old.provenance.license is msgspec.UNSET

    up = plan_file(gold, CURRENT_VERSION)
    assert up.losses == []
    migrate.write_plan(up)
    back = rec.from_json(gold.read_bytes())
    assert back == msgspec.structs.replace(rec.from_json(original), annotation_status=msgspec.UNSET)
    report = validate(corpus)
    assert report.errors == 0 and {f.code for f in report.findings} == {"annotation-status-missing"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records(version="1.1.0", min_events=2))
def test_any_valid_1_1_0_record_goes_up_validly_and_back_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, data: dict
) -> None:
    corpus = tmp_path_factory.mktemp("drawn")
    gold = write_corpus(corpus, [data])
    gold.write_text(rec.to_json(rec.from_dict(data)) + "\n", encoding="utf-8")
    original = gold.read_bytes()
    up = plan_file(gold, "1.2.0")
    assert up.losses == [] and up.migrated == 1
    migrate.write_plan(up)
    upgraded = rec.from_json(gold.read_bytes())
    assert upgraded.sentences and upgraded.provenance.license == "unknown"
    assert {f.code for f in validate(gold).findings} == {"annotation-status-missing"}  # errors: none
    down = plan_file(gold, "1.1.0")
    assert down.losses == []
    assert down.data == original


def _treebank_record(tmp_path: Path) -> Path:
    """A valid 1.2.0 record with what 1.1.0 cannot hold: UD sentence ids, a licence with attribution, a source
    file, a dateline, a status."""
    text = "اشتباكات فى غزة\nغزة اول مايو\nقالت مصادر ان الامن اعتقل خمسة . واكد شهود ذلك ."
    lines = text.split("\n")
    segments, pos = [], 0
    for n, (kind, line) in enumerate(zip(("title", "dateline", "paragraph"), lines, strict=True), 1):
        segments.append({"id": f"ud.1:p{n}", "type": kind, "start": pos, "end": pos + len(line)})
        pos += len(line) + 1
    body = segments[2]["start"]
    cut = text.index(" واكد")
    sentences = [
        {"id": "ud.1:p1u1", "start": 0, "end": segments[0]["end"]},
        {"id": "ud.1:p2u1", "start": segments[1]["start"], "end": segments[1]["end"]},
        {"id": "ud.1:p3u1", "start": body, "end": cut},
        {"id": "ud.1:p3u2", "start": cut + 1, "end": len(text)},
    ]
    gaza = text.index("غزة")
    record = {
        "schema_version": "1.2.0",
        "id": "ud.1",
        "lang": "ar",
        "split": "test",
        "text": text,
        "provenance": {
            "source": "test",
            "raw_path": "raw/ud.1.txt",
            "raw_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "offset_map": [[0, len(text), 0, len(text)]],
            "removed": [],
            "license": "CC-BY-NC-SA-3.0",
            "attribution": "PADT",
            "source_file": {"name": "x.conllu", "sha256": "0" * 64, "first_line": 1, "last_line": 9},
        },
        "segments": segments,
        "entities": [{"id": "ud.1:m1", "start": gaza, "end": gaza + 3, "text": "غزة", "type": "GPE", "form": "NAM"}],
        "clusters": [{"id": "ud.1:c1", "name": "غزة", "type": "GPE", "mentions": ["ud.1:m1"]}],
        "events": [],
        "stances": [],
        "sentences": sentences,
        "annotation_status": "one-pass",
    }
    (tmp_path / "gold").mkdir()
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "ud.1.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "gold" / "ud.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert validate(path).findings == []
    return path


def test_a_downgrade_that_would_drop_treebank_data_is_refused_and_lists_every_value(tmp_path: Path) -> None:
    path = _treebank_record(tmp_path)
    before = path.read_bytes()
    with pytest.raises(LossRefused) as refused:
        plan_file(path, "1.1.0")
    assert sorted(x.field for x in refused.value.losses) == sorted(
        [
            "sentences",
            "annotation_status",
            "provenance.license",
            "provenance.attribution",
            "provenance.source_file",
            "type",
        ]
    )
    assert path.read_bytes() == before
    allowed = plan_file(path, "1.1.0", allow_loss=True)
    migrate.write_plan(allowed)
    down = rec.from_json(path.read_bytes())
    assert [s.type for s in down.segments] == ["title", "paragraph", "paragraph"]
    assert validate(path).errors == 0


def test_the_splitter_never_cuts_a_span_it_must_keep_whole() -> None:
    text = "قال الرئيس ج. بوش ان الوضع صعب. وغادر امس."
    segments = (rec.Segment("d:seg1", "paragraph", 0, len(text)),)
    free = [(s.start, s.end) for s in split(text, segments, "d")]
    assert len(free) >= 2 and [text[a:b] for a, b in free][-1] == "وغادر امس."
    name = (text.index("ج. بوش"), text.index("ج. بوش") + len("ج. بوش"))
    kept = split(text, segments, "d", [name])
    assert all(not (s.start < name[0] < s.end < name[1]) and not (name[0] < s.start < name[1]) for s in kept)
    assert [s.id for s in kept] == [f"d:s{n}" for n in range(1, len(kept) + 1)]
    # the sentences tile the segment: only whitespace between them, no whitespace at their edges
    assert kept[0].start == 0 and kept[-1].end == len(text)
    for a, b in itertools.pairwise(kept):
        assert text[a.end : b.start].isspace()


# ---------------------------------------------------------------- 1.2.0 ⇄ 1.3.0: new labels only


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records(version="1.2.0", min_events=2))
def test_any_valid_1_2_0_record_goes_to_1_3_0_by_restamping_and_back_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, data: dict
) -> None:
    corpus = tmp_path_factory.mktemp("drawn")
    gold = write_corpus(corpus, [data])
    gold.write_text(rec.to_json(rec.from_dict(data)) + "\n", encoding="utf-8")
    original = gold.read_bytes()
    up = plan_file(gold, "1.3.0")
    assert up.losses == [] and up.data == original.replace(b'"schema_version":"1.2.0"', b'"schema_version":"1.3.0"')
    migrate.write_plan(up)
    assert validate(gold).errors == 0
    down = plan_file(gold, "1.2.0")
    assert down.losses == [] and down.data == original


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records(version="1.3.0", min_events=3))
def test_a_downgrade_from_1_3_0_drops_the_new_labels_and_every_reference_validly(
    tmp_path_factory: pytest.TempPathFactory, data: dict
) -> None:
    from aces.schema import labels

    corpus = tmp_path_factory.mktemp("drawn")
    gold = write_corpus(corpus, [data])
    record = rec.from_dict(data)
    old = labels("1.2.0")
    new_mentions = [m.id for m in record.entities if m.type not in old.entity_types]
    new_events = [e.id for e in record.events if e.type not in old.event_types]
    if not (new_mentions or new_events):
        assert plan_file(gold, "1.2.0").losses == []
        return
    with pytest.raises(LossRefused) as refused:
        plan_file(gold, "1.2.0")
    assert {x.where for x in refused.value.losses if x.field == "type"} == {*new_mentions, *new_events}
    # a record whose every annotation uses 1.3.0 would come down empty: gold refuses that, as it should
    down_record, _ = migrate_record(record, "1.2.0")
    assume(down_record.entities or down_record.events or down_record.stances)
    migrate.write_plan(plan_file(gold, "1.2.0", allow_loss=True))
    down = rec.from_json(gold.read_bytes())
    assert {m.type for m in down.entities} <= set(old.entity_types)
    assert {e.type for e in down.events} <= set(old.event_types)
    assert validate(gold).errors == 0
