"""``aces.text.clitics``: proclitics split without looking at annotations, close to UD Arabic-PADT's segmentation, the
same tokens in every view and in a spaCy pipeline that names the registered tokenizer."""

from __future__ import annotations

from pathlib import Path

import msgspec
import spacy
from spacy.tokens import DocBin

import aces.text.clitics
from aces.convert.conll import record_blocks
from aces.convert.spacy_docbin import from_spacy, records_to_docs, to_spacy
from aces.hf.rows import ner_rows
from aces.offsets import tokenize
from aces.paths import gold_files
from aces.record import Record, read_jsonl
from aces.text.clitics import REGISTRY_NAME, clitic_cuts

PADT = Path(__file__).parent / "data" / "ud" / "padt_clitics.tsv"
MEASURED_PRECISION, MEASURED_RECALL = 30 / 34, 30 / 30  # measured when the lexicon was made
MARGIN = 0.03


def gold() -> list[Record]:
    return [r for path in gold_files() for r in read_jsonl(path)]


def padt_boundaries() -> tuple[int, int, int]:
    """(agreed, predicted only, PADT only) proclitic boundaries over the PADT words."""
    agreed = extra = missed = 0
    for line in PADT.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        _, word, cuts = line.split("\t")
        expected = {int(c) for c in cuts.split(",") if c}
        found = set(clitic_cuts(word))
        agreed, extra, missed = (
            agreed + len(expected & found),
            extra + len(found - expected),
            missed + len(expected - found),
        )
    return agreed, extra, missed


def test_clitic_boundaries_agree_with_padt_at_least_as_measured() -> None:
    agreed, extra, missed = padt_boundaries()
    assert agreed + missed >= 30, "the PADT sample lost words"
    assert agreed / (agreed + extra) >= MEASURED_PRECISION - MARGIN
    assert agreed / (agreed + missed) >= MEASURED_RECALL - MARGIN


def test_proclitics_emoji_and_punctuation() -> None:
    text = 'و"داعش» يعلن وتحييد ولبنان بالدولار للحكومة 😀👍🏽 وزير بغداد 2002. لـ»الحياة«'
    words = [text[a:b] for a, b in tokenize(text)]
    assert words == [
        "و",
        '"',
        "داعش",
        "»",
        "يعلن",
        "و",
        "تحييد",
        "و",
        "لبنان",
        "ب",
        "الدولار",
        "ل",
        "لحكومة",
        "😀",
        "👍",
        "🏽",
        "وزير",
        "بغداد",
        "2002",
        ".",
        "لـ",
        "»",
        "الحياة",
        "«",
    ]  # fmt: skip  (the emoji and its skin tone are two tokens as spaCy's own tokenizer makes them)


def test_removing_every_annotation_changes_no_token_in_any_view(tmp_path: Path) -> None:
    records = gold()
    bare = [msgspec.structs.replace(r, entities=(), clusters=(), events=(), stances=()) for r in records]

    def views(rs: list[Record]) -> tuple:
        ner = [(row["doc_id"], row["tokens"], row["token_starts"]) for r in rs for row in ner_rows(r)]
        conll = [(b.doc_id, b.words, b.tokens) for r in rs for b in record_blocks(r)]
        docbin = [[(t.idx, t.text) for t in doc] for doc in records_to_docs(rs)]
        return ner, conll, docbin

    assert views(records) == views(bare)


def test_a_pipeline_naming_the_registered_tokenizer_gives_the_same_tokens(tmp_path: Path) -> None:
    nlp = spacy.blank("ar", config={"nlp": {"tokenizer": {"@tokenizers": REGISTRY_NAME}}})
    record = gold()[0]
    doc = nlp(record.text)
    assert doc.text == record.text
    assert [(t.idx, t.idx + len(t)) for t in doc if not t.is_space] == tokenize(record.text)
    nlp.to_disk(tmp_path / "model")
    again = spacy.load(tmp_path / "model")
    assert isinstance(again.tokenizer, aces.text.clitics.CliticTokenizer)
    assert [t.text for t in again(record.text)] == [t.text for t in doc]
    # the exported training Docs have the tokens the pipeline makes at inference (whitespace aside)
    exported = next(
        iter(DocBin(store_user_data=True).from_disk(to_spacy([record], tmp_path / "x")["train"]).get_docs(nlp.vocab))
    )
    assert [t.text for t in exported if not t.is_space] == [t.text for t in doc if not t.is_space]
    assert from_spacy(tmp_path / "x") == [record]
