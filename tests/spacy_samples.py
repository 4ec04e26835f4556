"""Annotated records for the spaCy and rendering tests: one written by hand, and a hypothesis strategy.

Both are full of what breaks span-to-token alignment in Arabic: proclitics glued to spans («لأفغانستان»,
«و"داعش», «بكابول», «ورحبت»), quotes, emoji (astral code points), nested mentions, double spaces, no-break
spaces and newlines between segments, and spans shared by two layers.

They are stamped ``CURRENT_VERSION`` (1.2.0), so they carry what it requires: sentences tiling each segment (never
cutting a mention or trigger), a licence, and an annotation status. ``licensed_record()`` is the hand-written one
with the optional 1.2.0 fields filled in too (several sentences in a segment, an attribution, a source file).
"""

from __future__ import annotations

import msgspec
from hypothesis import strategies as st

from aces.record import (
    Argument,
    AuthorHolder,
    Cluster,
    EntityHolder,
    EntityTarget,
    Epistemic,
    Event,
    EventTarget,
    Mention,
    PropositionTarget,
    Provenance,
    Record,
    Segment,
    Sentence,
    SourceFile,
    Span,
    Stance,
)
from aces.schema import CURRENT_VERSION, labels

LABELS = labels()


def _provenance(text: str) -> Provenance:
    return Provenance("tests", "raw/none.txt", "0" * 64, ((0, len(text), 0, len(text)),), (), license="unknown")


def sentences_of(doc_id: str, text: str, segments, cuts=()) -> tuple[Sentence, ...]:
    """Sentences tiling each segment: one per segment, cut at each whitespace run that starts at an offset of
    ``cuts`` (the end of a sentence) inside it."""
    out: list[Sentence] = []
    for seg in segments:
        start = seg.start
        for cut in sorted(c for c in cuts if seg.start < c < seg.end):
            out.append(Sentence(f"{doc_id}:s{len(out) + 1}", start, cut))
            start = cut
            while text[start].isspace():
                start += 1
        out.append(Sentence(f"{doc_id}:s{len(out) + 1}", start, seg.end))
    return tuple(out)


def _record(
    doc_id: str,
    text: str,
    segments,
    entities=(),
    clusters=(),
    events=(),
    stances=(),
    sentences=None,
    status: str | msgspec.UnsetType = "adjudicated",
) -> Record:
    sentences = sentences_of(doc_id, text, segments) if sentences is None else sentences
    return Record(
        CURRENT_VERSION, doc_id, "ar", "train", text, _provenance(text), tuple(segments), tuple(entities),
        tuple(clusters), tuple(events), tuple(stances), sentences, status,
    )  # fmt: skip


def clitic_record() -> Record:
    """A short article in the seed's style, annotated on all three layers by hand."""
    doc = "t-spacy-001"
    parts = [
        ("title", '"طالبان" و"داعش خراسان".. معركة  وجود 😀'),
        ("paragraph", "زعمت مخابرات طالبان أن قواتها قتلت 3 أعضاء لداعش في ولاية بلخ بشمال أفغانستان الإثنين\xa0."),
        ("paragraph", 'ورحبت واشنطن بـ"جهود الحكومة" 🇦🇫 لأفغانستان، وقالت إنها "خطوة مهمة" بكابول.'),
    ]
    text = "\n".join(p for _, p in parts)
    segments, pos = [], 0
    for i, (kind, part) in enumerate(parts, 1):
        segments.append(Segment(f"{doc}:seg{i}", kind, pos, pos + len(part)))
        pos += len(part) + 1

    def at(needle: str, after: str = "") -> tuple[int, int]:
        start = text.index(needle, text.index(after) if after else 0)
        return start, start + len(needle)

    def mention(n: int, needle: str, etype: str, form: str = "NAM", after: str = "") -> Mention:
        a, b = at(needle, after)
        return Mention(f"{doc}:m{n}", a, b, needle, etype, form)

    def span(needle: str, after: str = "") -> Span:
        a, b = at(needle, after)
        return Span(a, b, needle)

    ms = [
        mention(1, "طالبان", "ORG"),
        mention(2, "داعش خراسان", "ORG"),
        mention(3, "مخابرات طالبان", "ORG"),
        mention(4, "طالبان", "ORG", after="مخابرات"),
        mention(5, "3 أعضاء", "PER", "NOM"),
        mention(6, "داعش", "ORG", after="أعضاء"),
        mention(7, "ولاية بلخ", "GPE"),
        mention(8, "بلخ", "GPE"),
        mention(9, "شمال أفغانستان", "LOC"),
        mention(10, "أفغانستان", "GPE", after="شمال"),
        mention(11, "الإثنين", "DATE"),
        mention(12, "واشنطن", "GPE"),
        mention(13, "الحكومة", "ORG", "NOM"),
        mention(14, "أفغانستان", "GPE", after="🇦🇫"),
        mention(15, "كابول", "GPE"),
    ]
    groups = [
        ("Taliban", "ORG", [1, 4, 13]),
        ("ISIS-K", "ORG", [2, 6]),
        ("Taliban intelligence", "ORG", [3]),
        ("3 members", "PER", [5]),
        ("Balkh", "GPE", [7, 8]),
        ("North Afghanistan", "LOC", [9]),
        ("Afghanistan", "GPE", [10, 14]),
        ("Monday", "DATE", [11]),
        ("United States", "GPE", [12]),
        ("Kabul", "GPE", [15]),
    ]
    clusters = [
        Cluster(f"{doc}:c{i}", name, etype, tuple(f"{doc}:m{n}" for n in mids))
        for i, (name, etype, mids) in enumerate(groups, 1)
    ]
    m = {i: f"{doc}:m{i}" for i in range(1, 16)}
    events = [
        Event(
            f"{doc}:e1",
            "Life.Die",
            span("قتلت"),
            (
                Argument("Agent", f"{doc}:c3"),
                Argument("Victim", m[5]),
                Argument("Place", m[7]),
                Argument("Time", m[11]),
            ),
            Epistemic("claimed", m[3]),
        ),
        Event(
            f"{doc}:e2",
            "Contact.Statement",
            span("زعمت"),
            (Argument("Speaker", m[3]), Argument("Content", f"{doc}:e1")),
            Epistemic("asserted"),
        ),
        Event(f"{doc}:e3", "Contact.Statement", span("قالت"), (Argument("Speaker", m[12]),), Epistemic("asserted")),
    ]
    jahud = at("جهود الحكومة")
    stances = [
        Stance(f"{doc}:st1", EntityHolder(m[12]), EntityTarget(f"{doc}:c1"), "FAVOR", (span("رحبت"),)),
        Stance(
            f"{doc}:st2",
            EntityHolder(m[12]),
            PropositionTarget(*jahud, "جهود الحكومة"),
            "FAVOR",
            (span("خطوة مهمة"), span("رحبت")),
        ),
        Stance(f"{doc}:st3", AuthorHolder(), EventTarget(f"{doc}:e1"), "NEUTRAL", (span("زعمت"),)),
    ]
    return _record(doc, text, segments, ms, clusters, events, stances)


def licensed_record() -> Record:
    """``clitic_record`` with every optional 1.2.0 field set: its last segment is two sentences (cut after
    «لأفغانستان،»; a stance's evidence spans both), the status is ``reviewed``, the licence asks for the
    attribution it has, and the raw file is a cut of a larger source file."""
    record = clitic_record()
    cut = record.text.index("لأفغانستان،") + len("لأفغانستان،")
    provenance = msgspec.structs.replace(
        record.provenance,
        license="CC-BY-NC-SA-3.0",
        attribution="© ACES test suite, «نص» عربي (CC BY-NC-SA 3.0)",
        source_file=SourceFile("source.xml", "a" * 64, 12, 40),
    )
    return msgspec.structs.replace(
        record,
        provenance=provenance,
        sentences=sentences_of(record.id, record.text, record.segments, cuts=(cut,)),
        annotation_status="reviewed",
    )


# --- random records -------------------------------------------------------------------------------------------

_CORES = [
    "داعش",
    "طالبان",
    "أفغانستان",
    "كابول",
    "الحركة",
    "خراسان",
    "مُحمّد",
    "99%",
    "3",
    "😀",
    "داعش😀",
    "🇦🇫",
    "e-mail",
]
_OPEN = ["", "", '"', "«", "(", "بـ"]
_CLOSE = ["", "", '"', "»", "،", ".", "..", ")", "!", "😀"]
_SEPS = [" ", " ", " ", "  ", "\xa0", " \t"]
_PROCLITICS = sorted(LABELS.proclitics)


@st.composite
def _word(draw) -> tuple[str, int, int]:
    """A word and where its core (the part a span may cover) starts and ends inside it."""
    pro = "".join(draw(st.lists(st.sampled_from(_PROCLITICS), max_size=LABELS.proclitics_max)))
    head = pro + draw(st.sampled_from(_OPEN))
    core = draw(st.sampled_from(_CORES))
    return head + core + draw(st.sampled_from(_CLOSE)), len(head), len(head) + len(core)


def _crosses(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] < a[1] < b[1] or b[0] < a[0] < b[1] < a[1]


@st.composite
def random_records(draw, doc_id: str = "t-rand") -> Record:
    """A record of 1–3 segments with random mentions (nested, never crossing), events and stances; sentences cut
    at some of the gaps between words (never inside a mention or trigger; the gap may be a no-break space or a tab),
    any annotation status or none, any licence (an attribution when it asks for one, or by chance), sometimes a
    source file."""
    text, cores, lines = draw(st.sampled_from(["", "", " ", "\n"])), [], []
    gaps: list[list[tuple[int, int]]] = []  # per segment, (end of a word, start of the next)
    for li in range(draw(st.integers(1, 3))):
        if li:
            text += draw(st.sampled_from(["\n", "\n\n", " \n"]))
        start, line_cores = len(text), []
        gaps.append([])
        for wi in range(draw(st.integers(1, 6))):
            if wi:
                gap = len(text)
                text += draw(st.sampled_from(_SEPS))
                gaps[-1].append((gap, len(text)))
            word, a, b = draw(_word())
            line_cores.append((len(text) + a, len(text) + b))
            text += word
        lines.append((start, len(text)))
        cores.append(line_cores)
    text += draw(st.sampled_from(["", "", " ", "\n"]))
    every = [c for line in cores for c in line]

    def word_range(in_line: list[tuple[int, int]] | None = None) -> tuple[int, int]:
        pool = in_line if in_line is not None else every
        i = draw(st.integers(0, len(pool) - 1))
        j = draw(st.integers(i, min(i + 3, len(pool) - 1)))
        return pool[i][0], pool[j][1]

    segments = [
        Segment(f"{doc_id}:seg{i}", draw(st.sampled_from(list(LABELS.segment_types))), a, b)
        for i, (a, b) in enumerate(lines, 1)
    ]
    bounds: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(0, 8))):
        span = word_range(draw(st.sampled_from(cores)))
        if span not in bounds and not any(_crosses(span, other) for other in bounds):
            bounds.append(span)
    mentions = [
        Mention(
            f"{doc_id}:m{i}",
            a,
            b,
            text[a:b],
            draw(st.sampled_from(list(LABELS.entity_types))),
            draw(st.sampled_from(list(LABELS.mention_forms))),
        )
        for i, (a, b) in enumerate(bounds, 1)
    ]
    clusters = [Cluster(f"{doc_id}:c{m.id.rsplit(':m', 1)[1]}", m.text, m.type, (m.id,)) for m in mentions]
    refs = [m.id for m in mentions] + [c.id for c in clusters]

    events = []
    for i in range(1, draw(st.integers(0, 3)) + 1):
        etype = draw(st.sampled_from(list(LABELS.event_types)))
        a, b = draw(st.sampled_from(every))
        roles = list(LABELS.roles(etype))
        args = tuple(
            Argument(draw(st.sampled_from(roles)), draw(st.sampled_from(refs))) for _ in range(draw(st.integers(0, 3)))
        ) if refs else ()  # fmt: skip
        source = draw(st.sampled_from([m.id for m in mentions])) if mentions and draw(st.booleans()) else None
        status = "claimed" if source else draw(st.sampled_from(["asserted", "hypothetical"]))
        events.append(Event(f"{doc_id}:e{i}", etype, Span(a, b, text[a:b]), args, Epistemic(status, source)))

    stances = []
    for i in range(1, draw(st.integers(0, 3)) + 1):
        holder = EntityHolder(draw(st.sampled_from(refs))) if refs and draw(st.booleans()) else AuthorHolder()
        kinds = ["proposition"] + (["entity"] if refs else []) + (["event"] if events else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "entity":
            target = EntityTarget(draw(st.sampled_from(refs)))
        elif kind == "event":
            target = EventTarget(draw(st.sampled_from([e.id for e in events])))
        else:
            a, b = word_range()
            target = PropositionTarget(a, b, text[a:b])
        evidence = tuple(Span(a, b, text[a:b]) for a, b in (word_range() for _ in range(draw(st.integers(1, 3)))))
        polarity = draw(st.sampled_from(list(LABELS.stance_polarities)))
        stances.append(Stance(f"{doc_id}:st{i}", holder, target, polarity, evidence))

    bound = [(m.start, m.end) for m in mentions] + [(e.trigger.start, e.trigger.end) for e in events]
    free = [g for line in gaps for g, after in line if not any(a < after and g < b for a, b in bound)]
    cuts = draw(st.lists(st.sampled_from(free), unique=True)) if free else []
    status = draw(st.sampled_from([msgspec.UNSET, *LABELS.annotation_statuses]))
    record = _record(
        doc_id, text, segments, mentions, clusters, events, stances, sentences_of(doc_id, text, segments, cuts), status
    )
    licence = draw(st.sampled_from(sorted(LABELS.licenses)))
    wants_credit = LABELS.licenses[licence]["attribution"] or draw(st.booleans())
    source = SourceFile("treebank.conllu", "b" * 64, 1, draw(st.integers(1, 9))) if draw(st.booleans()) else None
    provenance = msgspec.structs.replace(
        record.provenance,
        license=licence,
        attribution="Drawn by tests/spacy_samples.py" if wants_credit else msgspec.UNSET,
        source_file=source or msgspec.UNSET,
    )
    return msgspec.structs.replace(record, provenance=provenance)
