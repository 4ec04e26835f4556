"""A small valid article for the doccano tests: emoji before spans, Arabic proclitics, all three layers.

😀 (one astral code point) opens the text and 🇦🇫 (two) stands before «الإثنين», so doccano's UTF-16 offsets run
one, then three units ahead of ours; «لداعش» and «بكابول» carry proclitics outside their spans; an argument and
a stance target point at a cluster, a Content argument at another event, and one stance has a proposition target
and two evidence spans. Schema 1.2.0: one sentence per line, status ``adjudicated``, licence ``unknown``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from aces.corpus.splits import assign_split
from aces.record import (
    Argument,
    AuthorHolder,
    Cluster,
    EntityHolder,
    EntityTarget,
    Epistemic,
    Event,
    Mention,
    PropositionTarget,
    Provenance,
    Record,
    Segment,
    Sentence,
    SourceFile,
    Span,
    Stance,
    write_jsonl,
)
from aces.schema import CURRENT_VERSION

DOC = "t-doccano-001"
TEXT = (
    "😀 قال المتحدث باسم طالبان إن الحركة قتلت 3 عناصر لداعش في بكابول 🇦🇫 الإثنين.\n"
    "ورحبت واشنطن بـ«جهود الحكومة» ووصفتها بأنها خطوة مهمة."
)


def _at(needle: str, after: str = "") -> tuple[int, int]:
    start = TEXT.index(needle, TEXT.index(after) if after else 0)
    return start, start + len(needle)


def _span(needle: str, after: str = "") -> Span:
    return Span(*_at(needle, after), needle)


def sample_record() -> Record:
    ids = {}

    def mention(n: int, needle: str, etype: str, form: str, after: str = "") -> Mention:
        ids[n] = f"{DOC}:m{n}"
        return Mention(ids[n], *_at(needle, after), needle, etype, form)

    mentions = (
        mention(1, "المتحدث باسم طالبان", "PER", "NOM"),
        mention(2, "طالبان", "ORG", "NAM"),
        mention(3, "الحركة", "ORG", "NOM"),
        mention(4, "3 عناصر", "PER", "NOM"),
        mention(5, "داعش", "ORG", "NAM"),
        mention(6, "كابول", "GPE", "NAM"),
        mention(7, "الإثنين", "DATE", "NAM"),
        mention(8, "واشنطن", "GPE", "NAM"),
        mention(9, "الحكومة", "ORG", "NOM"),
    )
    clusters = (
        Cluster(f"{DOC}:c1", "المتحدث باسم طالبان", "PER", (ids[1],)),
        Cluster(f"{DOC}:c2", "طالبان", "ORG", (ids[2], ids[3], ids[9])),
        Cluster(f"{DOC}:c3", "3 عناصر", "PER", (ids[4],)),
        Cluster(f"{DOC}:c4", "داعش", "ORG", (ids[5],)),
        Cluster(f"{DOC}:c5", "كابول", "GPE", (ids[6],)),
        Cluster(f"{DOC}:c6", "الإثنين", "DATE", (ids[7],)),
        Cluster(f"{DOC}:c7", "واشنطن", "GPE", (ids[8],)),
    )
    events = (
        Event(
            f"{DOC}:e1",
            "Life.Die",
            _span("قتلت"),
            (
                Argument("Agent", f"{DOC}:c2"),
                Argument("Victim", ids[4]),
                Argument("Place", ids[6]),
                Argument("Time", ids[7]),
            ),
            Epistemic("claimed", ids[1]),
        ),
        Event(
            f"{DOC}:e2",
            "Contact.Statement",
            _span("قال"),
            (Argument("Speaker", ids[1]), Argument("Content", f"{DOC}:e1")),
            Epistemic("asserted"),
        ),
    )
    stances = (
        Stance(
            f"{DOC}:st1",
            EntityHolder(ids[8]),
            PropositionTarget(*_at("جهود الحكومة"), "جهود الحكومة"),
            "FAVOR",
            (_span("رحبت"), _span("خطوة مهمة")),
        ),
        Stance(f"{DOC}:st2", AuthorHolder(), EntityTarget(f"{DOC}:c4"), "NEUTRAL", (_span("لداعش"),)),
    )
    first_line = TEXT.index("\n")
    segments = (
        Segment(f"{DOC}:seg1", "paragraph", 0, first_line),
        Segment(f"{DOC}:seg2", "paragraph", first_line + 1, len(TEXT)),
    )
    raw = TEXT.encode("utf-8")
    provenance = Provenance(
        "tests/doccano_samples.py",
        f"raw/{DOC}.txt",
        hashlib.sha256(raw).hexdigest(),
        ((0, len(TEXT), 0, len(TEXT)),),
        (),
        license="unknown",
    )
    sentences = tuple(Sentence(f"{DOC}:s{i}", seg.start, seg.end) for i, seg in enumerate(segments, 1))
    return Record(
        CURRENT_VERSION, DOC, "ar", assign_split(DOC), TEXT, provenance, segments, mentions, clusters, events, stances,
        sentences, "adjudicated",
    )  # fmt: skip


def licensed_record() -> Record:
    """The sample with every optional 1.2.0 field set: its first line is two sentences (cut after «لداعش»), the
    status is ``reviewed``, the licence asks for the attribution it has, the raw file is a cut of a larger one."""
    record = sample_record()
    cut = TEXT.index("لداعش") + len("لداعش")
    first, second = record.sentences
    sentences = (
        Sentence(f"{DOC}:s1", first.start, cut),
        Sentence(f"{DOC}:s2", cut + 1, first.end),
        Sentence(f"{DOC}:s3", second.start, second.end),
    )
    provenance = msgspec.structs.replace(
        record.provenance,
        license="CC-BY-NC-SA-3.0",
        attribution="© ACES test suite, «نص» (CC BY-NC-SA 3.0)",
        source_file=SourceFile("source.xml", "c" * 64, 3, 4),
    )
    return msgspec.structs.replace(record, provenance=provenance, sentences=sentences, annotation_status="reviewed")


def write_sample_corpus(corpus: Path, extra: list[Record] = ()) -> list[Record]:
    """``corpus/gold/<id>.jsonl`` and ``corpus/raw/<id>.txt`` for the sample and ``extra`` records."""
    (corpus / "gold").mkdir(parents=True, exist_ok=True)
    (corpus / "raw").mkdir(parents=True, exist_ok=True)
    records = [sample_record(), *extra]
    for record in records:
        write_jsonl([record], corpus / "gold" / f"{record.id}.jsonl")
        if not (corpus / record.provenance.raw_path).exists():
            (corpus / record.provenance.raw_path).write_bytes(record.text.encode("utf-8"))
    return records
