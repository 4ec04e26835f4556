"""records → DocBin → records: no gold span is lost to Arabic tokenization, and the round trip is the identity."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgspec
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst
from spacy.tokens import DocBin
from spacy.training import Corpus

from aces.convert.conll import flat_spans
from aces.convert.spacy_docbin import (
    EVENTS,
    MENTIONS,
    SEGMENTS,
    STANCE,
    STANCE_TARGETS,
    ConversionError,
    _chars,
    doc_to_record,
    docs_to_records,
    from_spacy,
    record_to_doc,
    records_to_docs,
    to_spacy,
)
from aces.offsets import flat_mentions
from aces.paths import corpus_dir, gold_files
from aces.record import Cluster, Mention, PropositionTarget, Record, Segment, from_dict, read_jsonl, to_dict, to_json
from aces.schema import known_versions, validator
from corpus_files import round_files
from spacy_samples import clitic_record, licensed_record, random_records
from strategies import records as valid_records

NLP = spacy.blank("ar")


def gold_records() -> list[Record]:
    return [r for path in gold_files() for r in read_jsonl(path)]


def through_docbin(records: list[Record]) -> list:
    """Docs after a real DocBin serialisation (what a training run reads)."""
    docbin = DocBin(store_user_data=True, docs=records_to_docs(records))
    return list(DocBin(store_user_data=True).from_bytes(docbin.to_bytes()).get_docs(NLP.vocab))


def corpus_spans(records: list[Record]) -> Counter:
    """Every gold span of every layer, as (doc, layer, id, start, end, label, text)."""
    out: Counter = Counter()
    for r in records:
        for s in r.segments:
            out[(r.id, SEGMENTS, s.id, s.start, s.end, s.type, r.text[s.start : s.end])] += 1
        for m in r.entities:
            out[(r.id, MENTIONS, m.id, m.start, m.end, m.type, m.text)] += 1
        for a, b, label in flat_spans(r):  # the token view: each flat mention on the tokens that cover it
            out[(r.id, "ents", a, b, label)] += 1
        for e in r.events:
            out[(r.id, EVENTS, e.id, e.trigger.start, e.trigger.end, e.type, e.trigger.text)] += 1
        for st in r.stances:
            for ev in st.evidence:
                out[(r.id, STANCE, st.id, ev.start, ev.end, st.polarity, ev.text)] += 1
            if isinstance(st.target, PropositionTarget):
                t = st.target
                out[(r.id, STANCE_TARGETS, st.id, t.start, t.end, "proposition", t.text)] += 1
    return out


def docbin_spans(docs: list) -> Counter:
    """The same inventory read from the Docs' span groups and ``doc.ents`` only."""
    out: Counter = Counter()
    for doc in docs:
        rid = doc.user_data["aces"]["record"]["id"]
        for key in (SEGMENTS, MENTIONS, EVENTS, STANCE, STANCE_TARGETS):
            for s in doc.spans[key]:  # exact offsets: the tokens', or kb_id_'s for an expanded span
                a, b = _chars(s)
                out[(rid, key, s.id_, a, b, s.label_, doc.text[a:b])] += 1
        for s in doc.ents:
            out[(rid, "ents", s.start_char, s.end_char, s.label_)] += 1
    return out


def assert_no_span_lost(records: list[Record]) -> None:
    docs = through_docbin(records)
    expected, found = corpus_spans(records), docbin_spans(docs)
    assert found == expected, {"lost": expected - found, "invented": found - expected}
    for doc, record in zip(docs, records, strict=True):
        assert doc.text == record.text


def assert_round_trip(records: list[Record]) -> None:
    assert list(docs_to_records(through_docbin(records))) == records


# --- the gold corpus ------------------------------------------------------------------------------------------


def test_gold_corpus_exists() -> None:
    assert gold_records(), "no gold records found: the tests below would pass vacuously"


def test_every_gold_span_survives_the_docbin() -> None:
    assert_no_span_lost(gold_records())


def test_gold_round_trip_is_the_identity() -> None:
    assert_round_trip(gold_records())


@pytest.mark.parametrize("path", round_files(), ids=lambda p: str(p.relative_to(corpus_dir())))
def test_every_span_of_each_annotation_pass_survives_the_docbin(path: Path) -> None:
    records = list(read_jsonl(path))
    assert_no_span_lost(records)
    assert_round_trip(records)


# --- hand-annotated clitics, quotes and emoji -----------------------------------------------------------------


def test_sample_is_a_schema_valid_record() -> None:
    assert validator().is_valid(to_dict(clitic_record()))


def test_blank_arabic_tokenizer_alone_would_drop_clitic_spans() -> None:
    """Why the converter splits tokens: with spaCy's own tokens these spans have no char_span (W030)."""
    record = clitic_record()
    blank = NLP(record.text)
    lost = [m.text for m in record.entities if blank.char_span(m.start, m.end) is None]
    assert {"داعش خراسان", "أفغانستان", "كابول", "شمال أفغانستان"} <= set(lost)


def test_every_sample_span_survives_the_docbin() -> None:
    assert_no_span_lost([clitic_record()])


def test_sample_round_trip_is_the_identity() -> None:
    assert_round_trip([clitic_record()])


def test_segments_are_the_sentences() -> None:
    record = clitic_record()
    (doc,) = through_docbin([record])
    assert [s.start_char for s in doc.sents] == [seg.start for seg in record.segments]


def test_event_arguments_and_stance_holders_are_in_user_data() -> None:
    (doc,) = through_docbin([clitic_record()])
    meta = doc.user_data["aces"]
    trigger = next(s for s in doc.spans[EVENTS] if s.text == "قتلت")
    (event,) = (e for e in meta["events"] if e["id"] == trigger.id_)
    args = {a["role"]: a["ref"] for a in event["arguments"]}
    victim = next(s for s in doc.spans[MENTIONS] if s.id_ == args["Victim"])
    assert (trigger.label_, victim.text) == ("Life.Die", "3 أعضاء")
    assert event["epistemic"] == {"status": "claimed", "source": "t-spacy-001:m3"}
    holders = {s["id"]: s["holder"] for s in meta["stances"]}
    assert holders["t-spacy-001:st3"] == {"kind": "author"}


def test_training_examples_see_every_flat_mention() -> None:
    """spaCy's own reader (gold_preproc, as configs/ner.cfg sets it) yields the gold entities, none missing."""
    record = clitic_record()
    examples = list(Corpus(_write([record]), gold_preproc=True)(NLP))
    ents = [(e.text, e.label_) for eg in examples for e in eg.reference.ents]
    assert sorted(ents) == sorted((m.text, m.type) for m in flat_mentions(record.entities))
    for eg in examples:
        assert "-" not in eg.get_aligned_ner()


def test_whitespace_edges_and_odd_gaps_are_kept_exactly() -> None:
    """Spans that begin or end on whitespace (invalid by the guidelines, but a converter must not move them),
    leading and doubled whitespace, no-break spaces and tabs: the text and every span come back exactly."""
    text = " \tو\xa0داعش  لأفغانستان \n\nبكابول "
    a = text.index("داعش")
    spans = [(a - 1, a + 4), (a, a + 5), (text.index("أفغانستان"), text.index("أفغانستان") + 10), (1, 3)]
    mentions = tuple(Mention(f"t-ws:m{i}", s, e, text[s:e], "ORG", "NAM") for i, (s, e) in enumerate(spans, 1))
    record = msgspec.structs.replace(
        clitic_record(),
        id="t-ws",
        text=text,
        provenance=msgspec.structs.replace(clitic_record().provenance, offset_map=((0, len(text), 0, len(text)),)),
        segments=(Segment("t-ws:seg1", "paragraph", 2, 20), Segment("t-ws:seg2", "paragraph", 22, 28)),
        entities=mentions,
        clusters=tuple(Cluster(f"t-ws:c{i}", m.text, m.type, (m.id,)) for i, m in enumerate(mentions, 1)),
        events=(),
        stances=(),
    )
    assert_no_span_lost([record])
    assert_round_trip([record])


# --- random documents ---------------------------------------------------------------------------------------------

RANDOM = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(random_records())
def test_every_random_span_survives_the_docbin(record: Record) -> None:
    assert_no_span_lost([record])


@RANDOM
@given(random_records())
def test_random_round_trip_is_the_identity(record: Record) -> None:
    assert_round_trip([record])


@RANDOM
@pytest.mark.parametrize("version", known_versions())
@given(data=hst.data())
def test_every_span_of_valid_random_records_survives(version: str, data: hst.DataObject) -> None:
    """The shared strategy (tests/strategies.py): records that pass `aces validate`, of every schema version."""
    record = from_dict(data.draw(valid_records(version=version, doc_id="t-spacy-valid")))
    assert_no_span_lost([record])
    assert_round_trip([record])


def test_fields_added_by_schema_1_1_survive() -> None:
    """Optional fields of a later version (event polarity, provenance.corpus_version) are carried, not dropped."""
    record = clitic_record()
    negative = msgspec.structs.replace(record.events[0], polarity="negative")
    record = msgspec.structs.replace(
        record,
        schema_version="1.1.0",
        events=(negative, *record.events[1:]),
        provenance=msgspec.structs.replace(record.provenance, corpus_version="1.0.0"),
    )
    (back,) = docs_to_records(through_docbin([record]))
    assert back == record
    assert (back.events[0].polarity, back.events[1].polarity) == ("negative", msgspec.UNSET)
    assert to_json(back) == to_json(record)


def test_fields_added_by_schema_1_2_survive() -> None:
    """Several sentences in a segment, a status, a licence with attribution and a source file: all in user_data."""
    record = licensed_record()
    (doc,) = through_docbin([record])
    (back,) = docs_to_records([doc])
    assert back == record and to_json(back) == to_json(record)
    meta = doc.user_data["aces"]["record"]
    assert meta["annotation_status"] == "reviewed" and len(meta["sentences"]) == len(record.segments) + 1
    assert {"license", "attribution", "source_file"} <= set(meta["provenance"])
    # the layout does not change: sentence starts are still the segments' (sentences stay in user_data)
    assert [s.start_char for s in doc.sents] == [seg.start for seg in record.segments]
    without = msgspec.structs.replace(record, sentences=msgspec.UNSET)
    assert [t.text for t in record_to_doc(without)] == [t.text for t in doc]


def test_fields_of_schema_1_2_stay_unset_on_an_older_record() -> None:
    record = msgspec.structs.replace(
        clitic_record(),
        schema_version="1.1.0",
        sentences=msgspec.UNSET,
        annotation_status=msgspec.UNSET,
        provenance=msgspec.structs.replace(clitic_record().provenance, license=msgspec.UNSET),
    )
    (doc,) = through_docbin([record])
    assert not {"sentences", "annotation_status"} & set(doc.user_data["aces"]["record"])
    (back,) = docs_to_records([doc])
    assert (back.sentences, back.annotation_status, back.provenance.license) == (msgspec.UNSET,) * 3
    assert back == record and to_json(back) == to_json(record)


# --- the check is sharp -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [MENTIONS, EVENTS, STANCE, STANCE_TARGETS, SEGMENTS])
def test_one_dropped_span_is_caught(key: str) -> None:
    """Remove a single span from one layer: the inventory differs, and the import refuses instead of guessing."""
    record = clitic_record()
    (doc,) = through_docbin([record])
    doc.spans[key] = list(doc.spans[key])[:-1]
    assert sum((corpus_spans([record]) - docbin_spans([doc])).values()) == 1
    with pytest.raises(ConversionError, match=f"no span in doc.spans\\['{key}'\\]"):
        doc_to_record(doc)


def test_a_span_without_metadata_is_refused() -> None:
    record = clitic_record()
    (doc,) = through_docbin([record])
    doc.spans[EVENTS] = [*doc.spans[EVENTS], doc.char_span(0, 1, label="Conflict.Attack", span_id="t-spacy-001:e9")]
    with pytest.raises(ConversionError, match="e9"):
        doc_to_record(doc)


def test_one_dropped_entity_is_caught() -> None:
    record = clitic_record()
    (doc,) = through_docbin([record])
    doc.ents = list(doc.ents)[1:]
    assert sum((corpus_spans([record]) - docbin_spans([doc])).values()) == 1


# --- files and errors -------------------------------------------------------------------------------------------


def _write(records: list[Record]) -> Path:
    import tempfile

    out = Path(tempfile.mkdtemp()) / "spacy"
    (path,) = to_spacy(records, out).values()
    return path


def test_to_spacy_writes_one_docbin_per_split(tmp_path: Path) -> None:
    base = clitic_record()
    records = [base, _renamed(base, "t-spacy-002", "test"), _renamed(base, "t-spacy-003", "validation")]
    written = to_spacy(records, tmp_path)
    assert {k: p.name for k, p in written.items()} == {
        "train": "train.spacy",
        "validation": "validation.spacy",
        "test": "test.spacy",
    }
    assert sorted(from_spacy(tmp_path), key=lambda r: r.id) == sorted(records, key=lambda r: r.id)
    assert from_spacy(written["test"]) == [records[1]]


def _renamed(record: Record, doc_id: str, split: str) -> Record:
    """The record under another document id (every annotation id renamed to match) and split."""
    data = msgspec.json.encode(record).replace(record.id.encode(), doc_id.encode())
    return msgspec.structs.replace(msgspec.json.decode(data, type=Record), split=split)


def test_text_mismatch_is_refused_with_the_id() -> None:
    record = clitic_record()
    bad = msgspec.structs.replace(record.entities[0], text="داعش")
    with pytest.raises(ConversionError, match="t-spacy-001:m1"):
        record_to_doc(msgspec.structs.replace(record, entities=(bad, *record.entities[1:])))


def test_foreign_docbin_is_refused(tmp_path: Path) -> None:
    DocBin(docs=[NLP("نص بلا تعليقات")]).to_disk(tmp_path / "train.spacy")
    with pytest.raises(ConversionError, match="aces export spacy"):
        from_spacy(tmp_path)


def test_missing_or_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="does not exist"):
        from_spacy(tmp_path / "nowhere")
    with pytest.raises(ConversionError, match=r"no \*\.spacy"):
        from_spacy(tmp_path)


def test_not_a_docbin_is_refused(tmp_path: Path) -> None:
    (tmp_path / "train.spacy").write_text("not a docbin")
    with pytest.raises(ConversionError, match="not a readable"):
        from_spacy(tmp_path)
