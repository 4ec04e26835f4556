"""``aces ingest --conllu``: the 69 documents of UD Arabic-PADT's test section, and a treebank file with token lines.

The source file (``shared/sources/ud-arabic-padt/ar_padt-ud-test.text-lines.txt``) lives beside the repository, not
in it; but the corpus keeps each document's lines byte for byte under ``corpus/raw/ar_padt-ud-test/``, so the file
is rebuilt here from them and checked against the sha256 the records carry (and against the file itself where it
is present), then ingested again from scratch.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import msgspec
import pytest

from aces import record as rec
from aces.corpus.conllu_to_records import ingest_conllu, read_documents, segment_type
from aces.corpus.ingest import IngestError
from aces.corpus.splits import stratified
from aces.paths import corpus_dir, repo_root
from aces.validate import validate

SOURCE_NAME = "ar_padt-ud-test.text-lines.txt"
SOURCE_SHA256 = "f443fa15b8cb95da023ea1aab235c5319331b201942dc68428d5324dcc860800"
LICENCE = "CC-BY-NC-SA-3.0"
EXCERPT = Path(__file__).parent / "data" / "ud" / "ar_padt-ud-test.excerpt.conllu"


def queued() -> list[rec.Record]:
    records = [r for path in sorted((corpus_dir() / "queue").glob("*.jsonl")) for r in rec.read_jsonl(path)]
    gold = [r for path in sorted((corpus_dir() / "gold").glob("*.jsonl")) for r in rec.read_jsonl(path)]
    return [r for r in records + gold if r.provenance.source_file and r.provenance.source_file.name == SOURCE_NAME]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared source file, rebuilt from the corpus's raw files in line order."""
    records = sorted(queued(), key=lambda r: r.provenance.source_file.first_line)
    data = b"".join((corpus_dir() / r.provenance.raw_path).read_bytes() for r in records)
    assert hashlib.sha256(data).hexdigest() == SOURCE_SHA256
    shared = repo_root().parent / "shared" / "sources" / "ud-arabic-padt" / SOURCE_NAME
    if shared.exists():  # beside a checkout in this workplace; the sha256 above holds everywhere
        assert shared.read_bytes() == data
    path = tmp_path_factory.mktemp("shared") / SOURCE_NAME
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def ingested(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[rec.Record]]:
    """The source ingested into an empty corpus, with the words the corpus's own ingest used."""
    corpus = tmp_path_factory.mktemp("corpus")
    prov = queued()[0].provenance
    done = ingest_conllu(source, corpus, source=prov.source, license=LICENCE, attribution=prov.attribution)
    return corpus, [r for _, r in done]


def text_lines(source: Path) -> list[str]:
    """The ``# text`` values of the file in order, read without the code under test."""
    prefix = "# text = "
    return [line[len(prefix) :] for line in source.read_text(encoding="utf-8").splitlines() if line.startswith(prefix)]


def test_69_documents_680_sentences_with_their_ud_ids_and_texts(source: Path, ingested) -> None:
    _, records = ingested
    assert len(records) == 69 and len({r.id for r in records}) == 69
    sentences = [(r, s) for r in records for s in r.sentences]
    assert len(sentences) == 680
    assert [r.text[s.start : s.end] for r, s in sentences] == [
        unicodedata.normalize("NFC", t) for t in text_lines(source)
    ]
    for r in records:
        for seg in r.segments:  # the comment-only file has no sent_id: <newpar id>u<k>, as UD numbers them
            inside = [s.id for s in r.sentences if seg.start <= s.start < seg.end]
            assert inside == [f"{seg.id}u{k}" for k in range(1, len(inside) + 1)]
    assert sum(len(r.text) for r in records) == 131_832  # SOURCE.md: sentence text plus one joiner between two


def test_raw_files_are_the_sources_lines_byte_for_byte(source: Path, ingested) -> None:
    corpus, records = ingested
    lines = source.read_bytes().splitlines(keepends=True)
    for r in records:
        prov = r.provenance
        raw = (corpus / prov.raw_path).read_bytes()
        assert raw == b"".join(lines[prov.source_file.first_line - 1 : prov.source_file.last_line])
        assert hashlib.sha256(raw).hexdigest() == prov.raw_sha256
        assert prov.source_file.name == SOURCE_NAME and prov.source_file.sha256 == SOURCE_SHA256
        assert prov.license == LICENCE and prov.attribution
        assert r.annotation_status == "unannotated" and not (r.entities or r.events or r.stances)


def test_every_clean_character_maps_to_its_raw_character(ingested) -> None:
    corpus, records = ingested
    for r in records:
        raw = (corpus / r.provenance.raw_path).read_bytes().decode("utf-8")
        for c0, clen, r0, rlen in r.provenance.offset_map:
            if clen == rlen:
                assert r.text[c0 : c0 + clen] == raw[r0 : r0 + rlen]
            else:  # a joiner standing for the markup between two sentence texts
                assert clen == 1 and r.text[c0] in " \n" and "# text = " in raw[r0 : r0 + rlen]
        mapped = sum(rlen for *_, rlen in r.provenance.offset_map)
        removed = sum(x.raw_end - x.raw_start for x in r.provenance.removed)
        assert mapped + removed == len(raw)  # every raw character is mapped or recorded as removed


def test_the_queue_validates_at_every_level_and_stays_out_of_gold(ingested) -> None:
    corpus, _ = ingested
    assert not (corpus / "gold").exists()
    report = validate(corpus)
    assert report.findings == [] and report.records == 69


def test_the_corpus_holds_exactly_this_ingest(ingested) -> None:
    """The committed queue (and any document since annotated into gold) is what ingesting the file gives."""
    _, records = ingested
    committed = {r.id: r for r in queued()}
    for r in records:
        c = committed[r.id]
        released = msgspec.structs.replace(c.provenance, corpus_version=msgspec.UNSET)  # stamped by `aces release`
        assert (c.text, c.sentences, c.segments, c.split, released) == (
            r.text,
            r.sentences,
            r.segments,
            r.split,
            r.provenance,
        )


def test_splits_are_stratified_by_outlet_about_70_15_15_of_the_characters(ingested) -> None:
    _, records = ingested
    total = sum(len(r.text) for r in records)
    share = {s: sum(len(r.text) for r in records if r.split == s) / total for s in ("train", "validation", "test")}
    assert 0.65 <= share["train"] <= 0.75 and 0.10 <= share["validation"] <= 0.20 and 0.10 <= share["test"] <= 0.20
    for outlet in ("alhayat", "ummah", "xinhua"):  # every outlet large enough is in every split
        assert {r.split for r in records if r.id.startswith(outlet + ".")} == {"train", "validation", "test"}
    again = stratified(reversed([(r.id, r.id.split(".")[0], len(r.text)) for r in records]))
    assert again == {r.id: r.split for r in records}  # independent of order


def test_segments_are_typed_by_what_they_are(ingested) -> None:
    _, records = ingested
    by_text = {r.text[s.start : s.end]: s.type for r in records for s in r.segments}
    assert by_text["غزة اول مايو"] == by_text["واشنطن 30 ابريل 09:35"] == by_text["غزة 3مايو"] == "dateline"
    assert by_text["محمد صلاح"] == by_text["محمد صلاح - حازم محمد"] == "byline"
    assert all(r.segments[0].type == "title" for r in records)
    for r in records:  # a segment is its paragraph's text, no line break or space at either edge
        for s in r.segments:
            assert r.text[s.start : s.end] == r.text[s.start : s.end].strip()
            assert s.start == 0 or r.text[s.start - 1] == "\n"
    assert segment_type(1, "هل تتعمق الأزمة السياسية والاقتصادية في لبنان؟") == "paragraph"
    assert segment_type(3, "محمد صلاح") == "paragraph"  # a name is a byline only right after the title
    assert segment_type(2, "دمشق (وكالات الانباء) - اجرى الرئيس السوري تعديلا حكومياً واسعا.") == "paragraph"


def test_a_treebank_file_with_token_lines(tmp_path: Path) -> None:
    """Two sentence blocks of ar_padt-ud-test.conllu (token lines, sent_id, blank lines): ids from sent_id, text
    from # text, the whole block kept as raw."""
    corpus = tmp_path / "corpus"
    done = ingest_conllu(EXCERPT, corpus, source="UD Arabic-PADT", license=LICENCE, attribution="PADT; UD")
    [(path, record)] = done
    assert path == corpus / "queue" / "assabah.20041005.0017.jsonl"
    assert [s.id for s in record.sentences] == ["assabah.20041005.0017:p1u1", "assabah.20041005.0017:p4u1"]
    assert [s.id for s in record.segments] == ["assabah.20041005.0017:p1", "assabah.20041005.0017:p4"]
    assert record.text.split("\n")[0] == "سوريا: تعديل وزاري واسع يشمل 8 حقائب"
    assert (corpus / record.provenance.raw_path).read_bytes() == EXCERPT.read_bytes()
    assert validate(corpus).findings == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# newpar id = d:p1\n# text = x\n", "before any # newdoc"),
        ("# newdoc id = ../../etc\n# text = x\n", "not of the form"),
        ("# newdoc id = d\n# newpar id = other:p1\n# text = x\n", "does not start with its document id"),
        ("# newdoc id = d\n# text = x\n# newdoc id = d\n# text = y\n", "appears twice"),
        ("# newdoc id = d\n# newpar id = d:p1\n", "has no # text"),
        ("# newdoc id = d\n1\tonly-two-fields\n", "not a CoNLL-U token line"),
        ("no documents here\n", "token line before any"),
    ],
)
def test_what_cannot_be_ingested_is_refused_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.conllu"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=message):
        read_documents(path)


def test_cli_queues_refuses_a_second_run_and_never_touches_gold(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    args = [sys.executable, "-m", "aces.cli", "ingest", str(EXCERPT), "--conllu", "--source", "UD", "--corpus",
            str(corpus), "--license", LICENCE, "--attribution", "PADT"]  # fmt: skip
    first = subprocess.run(args, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "2 sentences" in first.stdout
    again = subprocess.run(args, capture_output=True, text=True)
    assert again.returncode == 2 and "--force" in again.stderr
    no_attribution = subprocess.run([*args[:-2], "--force"], capture_output=True, text=True)
    assert no_attribution.returncode == 1 and "attribution-missing" in no_attribution.stderr
    queued_file = corpus / "queue" / "assabah.20041005.0017.jsonl"
    assert json.loads(queued_file.read_text(encoding="utf-8"))["provenance"]["attribution"] == "PADT"
    both = subprocess.run([*args, "--id", "x"], capture_output=True, text=True)
    assert both.returncode == 2 and "not both" in both.stderr
    shutil.rmtree(corpus / "queue")
