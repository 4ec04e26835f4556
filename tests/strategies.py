"""Hypothesis strategies that draw *valid* ACES records, for any test that needs realistic input.

``records()`` draws one record as a plain dict in the on-disk JSON shape (``aces.record.from_dict`` turns it into
a ``Record``). Every record it draws passes ``aces validate`` at all five levels with no finding at all, once its
raw file is written beside it (``write_corpus`` does that). Labels, roles, admitted types, proclitics and segment
types are read from ``labels.json`` of the requested version, never listed here.

What the drawn records contain, so tests built on them exercise the hard cases:

- Arabic words with a run of 0..``proclitics_max`` proclitic letters attached before a span (the span starts
  after them, as GUIDELINES 1.2 says), including ل+ال contractions such as «للولايات» → «لولايات».
- Astral emoji (flags, skin tones, ZWJ family sequences) as tokens and glued to span edges («🔥طالبان»), so
  code-point offsets differ from UTF-16 and UTF-8 offsets; numbers such as «99%», «2023», «1,500».
- Mentions of one to three words, sometimes with a nested one-word mention inside; guillemets and commas around
  them; every mention in exactly one cluster of its type (clusters of one to several mentions).
- Events of every type with arguments whose referenced types the role admits (roles admitting ``EVENT`` point at
  other events), every epistemic status with a source where ``labels.json`` ``epistemic_source`` requires or
  allows one (claimed always; hypothetical sometimes, since 1.1.0), and, for versions with
  ``event_polarities``, sometimes an explicit event polarity.
- Stances with author or entity (mention or cluster) holders and entity, event or proposition targets, and one or
  two evidence spans.
- Since 1.2.0: sentences tiling each segment, cut at some of the spaces between its tokens (so no mention or
  trigger is cut; a proposition target or evidence may span two), an annotation status other than
  ``unannotated``, and a licence from ``labels.json`` with an attribution where it asks for one.

Usage::

    from strategies import records, write_corpus

    @given(records())
    def test_something(record): ...

``records(min_mentions=.., min_events=..)`` guarantees a minimum of mentions and events (each event needs a
trigger word; each is placed in the text). Texts are short (one to four segments of a few units).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from aces.corpus.splits import assign_split
from aces.schema import CURRENT_VERSION, Labels, labels

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
EMOJI = ("🔥", "👍🏽", "🇦🇫", "👨\u200d👩\u200d👧", "😀", "🕊️", "📢")
NUMBERS = ("99%", "2023", "12", "3", "1,500", "٪50")
LATIN = ("ISIS", "Taliban", "BBC", "Kabul")
OPEN_CLOSE = (("«", "»"), ('"', '"'), ("(", ")"))
TAIL_PUNCT = ("", "", "", "،", ".", ":", "؟")


@dataclass
class _Unit:
    """A run of words the annotation may point at: ``core`` is the span (proclitics excluded)."""

    role: str  # "mention", "trigger" or "word"
    prefix: str  # proclitics attached before the core
    words: list[str]
    etype: str | None = None
    form: str | None = None
    nested: tuple[int, str, str, str] | None = None  # (word index, inner prefix, type, form)
    start: int = 0
    end: int = 0
    inner: tuple[int, int] | None = None
    segment: int = 0


@dataclass
class _Text:
    parts: list[str] = field(default_factory=list)
    pos: int = 0

    def add(self, piece: str) -> int:
        at = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return at


words = st.text(alphabet=ARABIC_LETTERS, min_size=2, max_size=7)


def _proclitics(inv: Labels) -> st.SearchStrategy[str]:
    return st.text(alphabet="".join(sorted(inv.proclitics)), min_size=0, max_size=inv.proclitics_max)


@st.composite
def _unit(draw: st.DrawFn, inv: Labels, role: str) -> _Unit:
    prefix = draw(st.one_of(st.just(""), _proclitics(inv)))
    if role != "mention":
        return _Unit(role, prefix, [draw(words)])
    count = draw(st.integers(1, 3))
    unit = _Unit(role, prefix, [draw(words) for _ in range(count)])
    unit.etype = draw(st.sampled_from(sorted(inv.entity_types)))
    unit.form = draw(st.sampled_from(sorted(inv.mention_forms)))
    if count > 1 and draw(st.booleans()):
        index = draw(st.integers(1, count - 1))
        inner_prefix = draw(st.one_of(st.just(""), _proclitics(inv)))
        unit.nested = (
            index,
            inner_prefix,
            draw(st.sampled_from(sorted(inv.entity_types))),
            draw(st.sampled_from(sorted(inv.mention_forms))),
        )
    return unit


def _render(draw: st.DrawFn, text: _Text, unit: _Unit) -> None:
    """Write one unit with its surroundings, recording where its core and nested core land."""
    glue_emoji = draw(st.booleans()) and draw(st.booleans())
    quote = draw(st.sampled_from((None, None, *OPEN_CLOSE)))
    if quote:
        text.add(quote[0])
    if glue_emoji:
        text.add(draw(st.sampled_from(EMOJI)))
    text.add(unit.prefix)
    for i, word in enumerate(unit.words):
        if i:
            text.add(" ")
        nested_here = unit.nested is not None and unit.nested[0] == i  # never the first word
        if nested_here:
            text.add(unit.nested[1])  # type: ignore[index]
        at = text.add(word)
        if nested_here:
            unit.inner = (at, at + len(word))
        if i == 0:
            unit.start = at
    unit.end = text.pos
    if quote:
        text.add(quote[1])
    text.add(draw(st.sampled_from(TAIL_PUNCT)))


@st.composite
def records(
    draw: st.DrawFn,
    version: str = CURRENT_VERSION,
    doc_id: str | None = None,
    min_mentions: int = 1,
    min_events: int = 1,
) -> dict:
    """One valid record (a dict in the JSON shape of ``schema/<version>/record.schema.json``)."""
    inv = labels(version)
    doc_id = doc_id or "doc-" + draw(st.text(alphabet="0123456789abcdef", min_size=6, max_size=10))
    kinds = st.sampled_from(("mention", "mention", "trigger", "word", "filler"))
    per_segment: list[list[str]] = draw(st.lists(st.lists(kinds, max_size=6), min_size=1, max_size=4))
    # Guarantee the minimum numbers of mentions and triggers by adding them to the first segment.
    flat = [r for seg in per_segment for r in seg]
    extra = ["mention"] * max(0, min_mentions - flat.count("mention"))
    extra += ["trigger"] * max(0, min_events - flat.count("trigger"))
    per_segment[0] = extra + per_segment[0]

    text, units, segments = _Text(), [], []
    breaks: list[list[int]] = []  # per segment, the spaces between its tokens (where a sentence may end)
    for s, roles in enumerate(per_segment):
        if s:
            text.add("\n")
        seg_start = text.pos
        tokens = roles or ["word"]
        breaks.append([])
        for t, role in enumerate(tokens):
            if t:
                breaks[-1].append(text.add(" "))
            if role == "filler":
                text.add(draw(st.sampled_from((*EMOJI, *NUMBERS, *LATIN))))
                continue
            unit = draw(_unit(inv, role))
            unit.segment = s
            _render(draw, text, unit)
            units.append(unit)
        seg_type = draw(st.sampled_from(sorted(inv.segment_types)))
        segments.append({"id": f"{doc_id}:seg{s + 1}", "type": seg_type, "start": seg_start, "end": text.pos})
    body = "".join(text.parts)

    def span(start: int, end: int) -> dict:
        return {"start": start, "end": end, "text": body[start:end]}

    entities: list[dict] = []
    for unit in units:
        if unit.role != "mention":
            continue
        entities.append({"id": "", **span(unit.start, unit.end), "type": unit.etype, "form": unit.form})
        if unit.inner is not None and unit.nested is not None:
            entities.append({"id": "", **span(*unit.inner), "type": unit.nested[2], "form": unit.nested[3]})
    for n, m in enumerate(entities, start=1):
        m["id"] = f"{doc_id}:m{n}"

    clusters: list[dict] = []
    by_slot: dict[tuple[str, int], dict] = {}
    for m in entities:
        slot = (m["type"], draw(st.integers(0, 2)))
        if slot not in by_slot:
            by_slot[slot] = {"id": "", "name": m["text"], "type": m["type"], "mentions": []}
            clusters.append(by_slot[slot])
        by_slot[slot]["mentions"].append(m["id"])
    for n, c in enumerate(clusters, start=1):
        c["id"] = f"{doc_id}:c{n}"

    typed_refs = [(m["id"], m["type"]) for m in entities] + [(c["id"], c["type"]) for c in clusters]
    triggers = [u for u in units if u.role == "trigger"]
    event_ids = [f"{doc_id}:e{n}" for n in range(1, len(triggers) + 1)]
    events: list[dict] = []
    for eid, unit in zip(event_ids, triggers, strict=True):
        etype = draw(st.sampled_from(sorted(inv.event_types)))
        arguments, pairs = [], set()
        for role, admitted in inv.roles(etype).items():
            pool = [ref for ref, t in typed_refs if t in admitted]
            if inv.event_ref_type in admitted:  # later events only: no event-content-cycle
                pool += event_ids[event_ids.index(eid) + 1 :]
            for ref in draw(st.lists(st.sampled_from(pool), max_size=2)) if pool else []:
                if (role, ref) not in pairs:
                    pairs.add((role, ref))
                    arguments.append({"role": role, "ref": ref})
        # Which statuses take a source is data (labels.json `epistemic_source`): required, optional or forbidden.
        statuses = sorted(inv.epistemic_statuses)
        if not typed_refs:
            statuses = [s for s in statuses if inv.epistemic_source.get(s) != "required"]
        status = draw(st.sampled_from(statuses))
        rule = inv.epistemic_source.get(status, "forbidden")
        wants_source = rule == "required" or (rule == "optional" and typed_refs and draw(st.booleans()))
        source = draw(st.sampled_from([r for r, _ in typed_refs])) if wants_source else None
        event = {
            "id": eid,
            "type": etype,
            "trigger": span(unit.start, unit.end),
            "arguments": arguments,
            "epistemic": {"status": status, "source": source},
        }
        if inv.event_polarities and draw(st.booleans()):  # optional since 1.1.0; absent means the default
            event["polarity"] = draw(st.sampled_from(sorted(inv.event_polarities)))
        events.append(event)

    stances: list[dict] = []
    for n in range(1, draw(st.integers(0, 3)) + 1):
        holder = draw(
            st.one_of(
                st.just({"kind": "author"}),
                *([st.sampled_from([{"kind": "entity", "ref": r} for r, _ in typed_refs])] if typed_refs else []),
            )
        )
        targets = [st.builds(lambda u: {"kind": "proposition", **span(u[0].start, u[1].end)}, _ordered_pair(units))]
        if typed_refs:
            targets.append(st.sampled_from([{"kind": "entity", "ref": r} for r, _ in typed_refs]))
        if event_ids:
            targets.append(st.sampled_from([{"kind": "event", "ref": e} for e in event_ids]))
        evidence = draw(st.lists(st.sampled_from(units), min_size=1, max_size=2, unique_by=id))
        stances.append(
            {
                "id": f"{doc_id}:st{n}",
                "holder": holder,
                "target": draw(st.one_of(*targets)),
                "polarity": draw(st.sampled_from(sorted(inv.stance_polarities))),
                "evidence": [span(u.start, u.end) for u in evidence],
            }
        )

    record = {
        "schema_version": version,
        "id": doc_id,
        "lang": "ar",
        "split": assign_split(doc_id),
        "text": body,
        "provenance": {
            "source": "hypothesis (tests/strategies.py)",
            "raw_path": f"raw/{doc_id}.txt",
            "raw_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            "offset_map": [[0, len(body), 0, len(body)]],
            "removed": [],
        },
        "segments": segments,
        "entities": entities,
        "clusters": clusters,
        "events": events,
        "stances": stances,
    }
    if inv.annotation_statuses:  # since 1.2.0: sentences tiling each segment, a status, a licence
        sentences: list[dict] = []
        for seg, spaces in zip(segments, breaks, strict=True):
            cuts = sorted(draw(st.lists(st.sampled_from(spaces), unique=True))) if spaces else []
            start = seg["start"]
            for space in [*cuts, seg["end"]]:
                sentences.append({"id": f"{doc_id}:s{len(sentences) + 1}", "start": start, "end": space})
                start = space + 1
        record["sentences"] = sentences
        record["annotation_status"] = draw(
            st.sampled_from([s for s in sorted(inv.annotation_statuses) if s != "unannotated"])
        )
        licence = draw(st.sampled_from(sorted(inv.licenses)))
        record["provenance"]["license"] = licence
        if inv.licenses[licence].get("attribution") or draw(st.booleans()):
            record["provenance"]["attribution"] = "Drawn by hypothesis (tests/strategies.py)"
    return record


def _ordered_pair(units: list[_Unit]) -> st.SearchStrategy[tuple[_Unit, _Unit]]:
    """Two units of one segment, the first not after the second: the ends of a proposition span."""
    pairs = [(a, b) for a in units for b in units if a.segment == b.segment and a.start <= b.start]
    return st.sampled_from(pairs)


def raw_text(record: dict) -> str:
    """The raw file a drawn record was 'ingested' from: its own text (one equal-length offset run)."""
    return record["text"]


def write_corpus(directory: str | Path, records_: Iterable[dict], name: str = "drawn.jsonl") -> Path:
    """Write ``directory/gold/<name>`` and every record's raw file under ``directory/raw/``; returns the gold file."""
    directory = Path(directory)
    (directory / "gold").mkdir(parents=True, exist_ok=True)
    (directory / "raw").mkdir(parents=True, exist_ok=True)
    gold = directory / "gold" / name
    with open(gold, "w", encoding="utf-8", newline="\n") as handle:
        for record in records_:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            (directory / record["provenance"]["raw_path"]).write_bytes(raw_text(record).encode("utf-8"))
    return gold
