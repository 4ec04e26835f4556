"""CoNLL/BIO export: the spaCy export's tokens, exact spans back from BIO, and a real scorer (seqeval) agrees."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from aces import record as rec
from aces.cli import main
from aces.convert.conll import ConllError, doc_spans, flat_spans, read_conll, write_conll
from aces.convert.spacy_docbin import record_to_doc
from aces.offsets import flat_mentions
from corpus_files import annotated_files
from spacy_samples import clitic_record, random_records
from strategies import records as valid_records


def _corpus_records() -> list[rec.Record]:
    files = annotated_files()
    return [r for f in files for r in rec.read_jsonl(f)]


def _written(records: list[rec.Record], tmp: Path, columns: str = "full") -> Path:
    path = tmp / "ner.conll"
    write_conll(records, path, columns)
    return path


def test_gold_round_trip_gives_the_flat_layer_exactly(tmp_path: Path) -> None:
    records = _corpus_records()
    spans = doc_spans(read_conll(_written(records[:1], tmp_path)))
    record = records[0]
    assert spans[record.id] == flat_spans(record)
    # Outermost wins: the flat layer is smaller than the nested one, and every flat span is a real mention.
    assert len(spans[record.id]) < len(record.entities)
    assert set(spans[record.id]) <= {(m.start, m.end, m.type) for m in record.entities}


@pytest.mark.parametrize("record", [*_corpus_records(), clitic_record()], ids=lambda r: r.id)
def test_tokens_and_tags_are_those_of_the_spacy_export(record: rec.Record, tmp_path: Path) -> None:
    blocks = read_conll(_written([record], tmp_path))
    doc = record_to_doc(record)
    words = [t for t in doc if not t.is_space]
    assert [tok for b in blocks for tok in b.tokens] == [(t.idx, t.idx + len(t.text)) for t in words]
    assert [w for b in blocks for w in b.words] == [t.text for t in words]
    spacy_tags = [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ != "O" else "O" for t in words]
    assert [tag for b in blocks for tag in b.tags] == spacy_tags
    assert {b.segment_id for b in blocks} == {s.id for s in record.segments}
    assert all(b.doc_id == record.id for b in blocks)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_records(min_mentions=2))
def test_random_valid_records_round_trip(tmp_path_factory, data: dict) -> None:
    record = rec.from_dict(data)
    blocks = read_conll(_written([record], tmp_path_factory.mktemp("conll")))
    assert doc_spans(blocks).get(record.id, []) == flat_spans(record)
    for block in blocks:  # offsets are code points of the text: the token column is the slice
        assert block.words == [record.text[a:b] for a, b in block.tokens]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(random_records())
def test_random_records_with_emoji_clitics_and_odd_spaces_round_trip(tmp_path_factory, record: rec.Record) -> None:
    blocks = read_conll(_written([record], tmp_path_factory.mktemp("conll")))
    assert doc_spans(blocks).get(record.id, []) == flat_spans(record)


def _sequences(blocks) -> list[list[str]]:
    return [b.tags for b in blocks]


def test_seqeval_scores_gold_against_itself_at_one_and_a_perturbed_copy_below(tmp_path: Path) -> None:
    records = _corpus_records()
    gold = _sequences(read_conll(_written(records, tmp_path)))
    assert f1_score(gold, gold, mode="strict", scheme=IOB2) == 1.0
    assert f1_score(gold, gold) == 1.0

    # Retype exactly one gold mention (its B and I tags): one false positive and one false negative.
    flat = sum(len(flat_mentions(r.entities)) for r in records)
    pred = [list(seq) for seq in gold]
    i, j = next((i, j) for i, seq in enumerate(pred) for j, tag in enumerate(seq) if tag == "B-ORG")
    pred[i][j] = "B-PER"
    k = j + 1
    while k < len(pred[i]) and pred[i][k] == "I-ORG":
        pred[i][k] = "I-PER"
        k += 1
    expected = (flat - 1) / flat
    assert precision_score(gold, pred, mode="strict", scheme=IOB2) == pytest.approx(expected)
    assert recall_score(gold, pred, mode="strict", scheme=IOB2) == pytest.approx(expected)
    assert f1_score(gold, pred, mode="strict", scheme=IOB2) == pytest.approx(expected)
    assert expected < 1.0

    # Drop a tenth of the mentions at random: recall falls, precision stays 1, F1 = 2R/(1+R).
    rng = random.Random(13)
    dropped = [list(seq) for seq in gold]
    removed = 0
    for seq in dropped:
        for j, tag in enumerate(seq):
            if tag.startswith("B-") and rng.random() < 0.1:
                removed += 1
                seq[j] = "O"
                k = j + 1
                while k < len(seq) and seq[k].startswith("I-"):
                    seq[k] = "O"
                    k += 1
    assert removed > 0
    recall = (flat - removed) / flat
    assert precision_score(gold, dropped, mode="strict", scheme=IOB2) == 1.0
    assert f1_score(gold, dropped, mode="strict", scheme=IOB2) == pytest.approx(2 * recall / (1 + recall))


def test_our_spans_and_seqeval_agree_on_what_a_mention_is(tmp_path: Path) -> None:
    """seqeval's strict IOB2 entities are exactly the (start, end, type) spans bio_to_spans reads."""
    from seqeval.metrics.sequence_labeling import get_entities

    for block in read_conll(_written(_corpus_records(), tmp_path)):
        ours = [(t, block.tokens[a][0], block.tokens[b][1]) for t, a, b in get_entities(block.tags)]
        assert [(t, a, b) for a, b, t in block.spans()] == ours


def test_plain_columns_are_token_and_tag(tmp_path: Path) -> None:
    record = clitic_record()
    lines = _written([record], tmp_path, "plain").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "-DOCSTART-\tO" and not any(line.startswith("# ") for line in lines)
    rows = [line.split("\t") for line in lines[2:] if line]
    full = read_conll(_written([record], tmp_path / ".."))
    assert rows == [[w, t] for b in full for w, t in zip(b.words, b.tags, strict=True)]


def test_token_lines_may_start_with_hash(tmp_path: Path) -> None:
    text = "#طالبان في كابول"
    record = rec.from_dict(
        {
            **rec.to_dict(clitic_record()),
            "id": "t-hash",
            "text": text,
            "segments": [{"id": "t-hash:seg1", "type": "paragraph", "start": 0, "end": len(text)}],
            "entities": [{"id": "t-hash:m1", "start": 1, "end": 7, "text": "طالبان", "type": "ORG", "form": "NAM"}],
            "clusters": [{"id": "t-hash:c1", "name": "طالبان", "type": "ORG", "mentions": ["t-hash:m1"]}],
            "events": [],
            "stances": [],
        }
    )
    blocks = read_conll(_written([record], tmp_path))
    assert blocks[0].words[0] == "#" and doc_spans(blocks)["t-hash"] == [(1, 7, "ORG")]


@pytest.mark.parametrize(
    ("line", "message"),
    [("طالبان\t1\tx\tB-ORG", "integers"), ("طالبان\t1\t7\tORG", "not O, B-TYPE"), ("طالبان B-ORG", "expected TOKEN")],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.conll"
    path.write_text(f"# doc_id = d\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ConllError, match=rf"bad\.conll:3: .*{message}"):
        read_conll(path)


def test_cli_export(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    rec.write_jsonl([clitic_record()], corpus / "gold" / "t.jsonl")
    out = tmp_path / "out" / "ner.conll"
    done = CliRunner().invoke(main, ["export", "conll", "--out", str(out), "--corpus", str(corpus)])
    assert done.exit_code == 0, done.output
    assert "1 documents, 12 of 15 mentions tagged" in done.output  # m4, m8, m10 are nested
    assert doc_spans(read_conll(out)) == {"t-spacy-001": flat_spans(clitic_record())}


def test_an_empty_split_is_an_error_not_an_empty_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    rec.write_jsonl([clitic_record()], corpus / "gold" / "one.jsonl")  # a train document only
    out = tmp_path / "test.conll"
    result = CliRunner().invoke(
        main, ["export", "conll", "--split", "test", "--corpus", str(corpus), "--out", str(out)]
    )
    assert result.exit_code == 1 and "the test split has no documents" in result.output and not out.exists()
