"""Ingestion of the seed article: raw kept byte for byte, debris gone and recorded, every offset mapped back."""

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from aces.corpus.ingest import IngestError, clean, clean_to_raw
from aces.corpus.intake import ingest_text
from aces.paths import corpus_dir, repo_root
from aces.record import read_jsonl

SEED_NAME = "000_9f1bd322d43f8d92.txt"
DOC_ID = "aces-000-9f1bd322"


@pytest.fixture(scope="module")
def gold():
    return next(read_jsonl(corpus_dir() / "gold" / f"{DOC_ID}.jsonl"))


@pytest.fixture(scope="module")
def raw_bytes() -> bytes:
    return (corpus_dir() / "raw" / SEED_NAME).read_bytes()


def test_raw_file_is_kept_byte_for_byte(gold, raw_bytes) -> None:
    assert hashlib.sha256(raw_bytes).hexdigest() == gold.provenance.raw_sha256
    shared = repo_root().parent / "shared" / "seeds" / SEED_NAME
    if shared.exists():  # beside a checkout in this workplace; the sha256 above holds everywhere
        assert shared.read_bytes() == raw_bytes


def test_debris_is_not_in_the_clean_text(gold, raw_bytes) -> None:
    raw = raw_bytes.decode("utf-8")
    last_line = raw.rstrip("\n").splitlines()[-1]
    token = last_line.split()[0]
    ip = base64.b64decode(token).decode("ascii").split(":", 1)[1].strip()
    watermark = last_line[len(token) :].strip()
    links = [line for line in raw.splitlines() if line.startswith("- ")]
    assert len(links) == 2 and watermark and ip.count(".") == 3
    for debris in [token, ip, watermark, *links, *(link[2:] for link in links)]:
        assert debris not in gold.text
    reasons = [r.reason for r in gold.provenance.removed]
    assert reasons.count("related-link") == 2
    assert reasons.count("scraper-token") == 1 and reasons.count("watermark") == 1


def test_every_raw_character_is_mapped_or_removed(gold, raw_bytes) -> None:
    raw = raw_bytes.decode("utf-8")
    seen = [0] * len(raw)
    for c0, clen, r0, rlen in gold.provenance.offset_map:
        assert clen == rlen  # the seed is already NFC: every run maps character by character
        assert gold.text[c0 : c0 + clen] == raw[r0 : r0 + rlen]
        for i in range(r0, r0 + rlen):
            seen[i] += 1
    for rem in gold.provenance.removed:
        for i in range(rem.raw_start, rem.raw_end):
            seen[i] += 1
    assert set(seen) == {1}
    assert "unclassified" not in {r.reason for r in gold.provenance.removed}


def test_every_clean_offset_and_gold_span_maps_back_to_the_same_raw_characters(gold, raw_bytes) -> None:
    raw = raw_bytes.decode("utf-8")
    for i, ch in enumerate(gold.text):
        assert raw[clean_to_raw(gold.provenance.offset_map, i)] == ch
    spans = [(m.start, m.end, m.text) for m in gold.entities]
    spans += [(e.trigger.start, e.trigger.end, e.trigger.text) for e in gold.events]
    spans += [(s.start, s.end, s.text) for st in gold.stances for s in st.evidence]
    for start, end, text in spans:
        r0 = clean_to_raw(gold.provenance.offset_map, start)
        r1 = clean_to_raw(gold.provenance.offset_map, end - 1) + 1
        assert raw[r0:r1] == text


def test_segments_are_typed_as_published(gold) -> None:
    types = [s.type for s in gold.segments]
    assert types[:2] == ["title", "lead"]
    headings = [gold.text[s.start : s.end] for s in gold.segments if s.type == "heading"]
    assert headings == ["هجمات تفند الجهود", "ضربات للتنظيم", '"الممكن والمطلوب"']
    assert "\n".join(gold.text[s.start : s.end] for s in gold.segments) == gold.text


def test_the_text_keeps_its_typos(gold) -> None:
    assert "فرغ خراسان" in gold.text and "فرياب" in gold.text and "فارياب" in gold.text


def test_reingesting_the_raw_file_gives_the_gold_text(gold, tmp_path) -> None:
    again, written = ingest_text(corpus_dir() / "raw" / SEED_NAME, DOC_ID, gold.provenance.source, tmp_path)
    assert written
    assert again.text == gold.text and again.segments == gold.segments and again.sentences == gold.sentences
    released = msgspec.structs.replace(gold.provenance, corpus_version=msgspec.UNSET)  # stamped by `aces release`
    assert again.provenance == released and again.split == gold.split
    assert again.annotation_status == "unannotated"
    assert (tmp_path / "raw" / SEED_NAME).read_bytes() == (corpus_dir() / "raw" / SEED_NAME).read_bytes()


def test_nfc_is_applied_and_mapped() -> None:
    decomposed = "title\nقال ا\u0653لمتحدث\n"  # alef + combining madda -> آ under NFC
    text, _, runs, _ = clean(decomposed, "d")
    assert "آلمتحدث" in text
    changed = [r for r in runs if r[1] != r[3]]
    assert changed and changed[0][1] == 1 and changed[0][3] == 2


LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "NEL": "\x85", "LS": "\u2028", "PS": "\u2029", "FF": "\x0c"}


def _article(ends: list[str]) -> str:
    """A raw article with Arabic clitics, emoji, a decomposed hamza, debris and stray whitespace; line k ends in
    ``ends[k % len(ends)]``."""
    lines = [
        "هجوم جديد في كابول 😀",
        "  قال المتحدث باسم طالبان لأفغانستان وبكابول إن الحركة ستفاوض 👍🏽 للولايات المتحدة.  ",
        "   ",
        "- رابط ذو صلة",
        "ضربات للتنظيم",
        "وأعلنت الشرطة الا\u0654فغانية اعتقال 3 عناصر 🇦🇫 بولاية بلخ.",
    ]
    return "".join(line + ends[k % len(ends)] for k, line in enumerate(lines))


@pytest.mark.parametrize(
    "ends", [[e] for e in LINE_ENDS.values()] + [list(LINE_ENDS.values())], ids=[*LINE_ENDS, "mixed"]
)
def test_every_line_end_ingests_into_a_record_that_validates_and_maps_back(tmp_path: Path, ends: list[str]) -> None:
    import aces
    from aces.corpus.intake import queue_path, write_queued

    raw_text = _article(ends)
    source = tmp_path / "article.txt"
    source.write_bytes(raw_text.encode("utf-8"))
    corpus = tmp_path / "corpus"
    record, written = ingest_text(source, "t-1", "test", corpus)
    write_queued(corpus, record, queue_path(corpus, "t-1", False), written)  # refuses a record that does not validate
    report = aces.validate(corpus)
    assert (report.records, [f.human() for f in report.findings]) == (1, [])

    assert (corpus / "raw" / "article.txt").read_bytes() == raw_text.encode("utf-8")  # byte for byte
    text, prov = record.text, record.provenance
    assert len(text.splitlines()) == 4 and "\r" not in text and text.count("\n") == 3  # "\n" is the only line end
    assert "الأفغانية" in text and "لأفغانستان" in text and "👍🏽" in text and "🇦🇫" in text
    seen = [0] * len(raw_text)  # every raw character mapped or removed, once
    for c0, clen, r0, rlen in prov.offset_map:
        assert clen == rlen or text[c0 : c0 + clen] in ("\n", "أ")  # a line end, the NFC-composed hamza
        for i in range(r0, r0 + rlen):
            seen[i] += 1
    for rem in prov.removed:
        for i in range(rem.raw_start, rem.raw_end):
            seen[i] += 1
    assert set(seen) == {1}
    for i, ch in enumerate(text):
        at = clean_to_raw(prov.offset_map, i)
        if ch == "\n":  # the clean line end sits at (or, for a CRLF, is the LF of) the raw line end
            assert raw_text[at] in "".join(LINE_ENDS.values())
        elif "\u0654" not in raw_text[at : at + 2]:
            assert raw_text[at] == ch
    for needle in ("أفغانستان", "كابول", "👍🏽", "بلخ"):
        start = text.index(needle)
        r0, r1 = clean_to_raw(prov.offset_map, start), clean_to_raw(prov.offset_map, start + len(needle) - 1) + 1
        assert raw_text[r0:r1] == needle


def test_bad_input_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(IngestError, match="not UTF-8"):
        ingest_text(bad, "d", "s", tmp_path)
    stamp = tmp_path / "stamp.txt"
    stamp.write_text("title\nbody aXA6IDMuMjEuMjQ3Ljc4IA== more\nlast line\n", encoding="utf-8")
    with pytest.raises(IngestError, match="base64 token"):
        ingest_text(stamp, "d", "s", tmp_path)


def test_cli_refuses_to_overwrite_annotations(tmp_path: Path) -> None:
    aces = [sys.executable, "-m", "aces.cli"]
    raw = corpus_dir() / "raw" / SEED_NAME
    args = [*aces, "ingest", str(raw), "--id", "x-1", "--source", "s", "--corpus", str(tmp_path)]
    first = subprocess.run(args, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "queue" / "x-1.jsonl").exists() and not (tmp_path / "gold").exists()
    second = subprocess.run(args, capture_output=True, text=True)
    assert second.returncode == 2 and "--force" in second.stderr
    assert subprocess.run([*args, "--force"], capture_output=True, text=True).returncode == 0
    (tmp_path / "gold").mkdir()
    (tmp_path / "queue" / "x-1.jsonl").rename(tmp_path / "gold" / "x-1.jsonl")  # annotated, say
    forced = subprocess.run([*args, "--force"], capture_output=True, text=True)
    assert forced.returncode == 2 and "would lose its annotations" in forced.stderr
    assert not (tmp_path / "queue" / "x-1.jsonl").exists()
