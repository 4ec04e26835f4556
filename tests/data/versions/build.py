"""Writes the ``aces agree`` / ``aces diff`` fixtures of this folder (run: ``.venv/bin/python build.py``).

Two annotation passes of the same short Arabic texts: ``pass-a/`` and ``pass-b/``. Offsets are found from
the words themselves (``span(word, nth)``) so the files cannot drift from the text; every record is checked
against the JSON Schema before it is written. The differences between the passes are listed in
``tests/test_agree.py`` and ``tests/test_diff.py`` with the scores they must give.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from aces.schema import validator

HERE = Path(__file__).parent

TITLE = "🔴 هجوم في كابول"
BODY = (
    "أعلنت حركة طالبان الإثنين أن قواتها قتلت 6 عناصر من تنظيم داعش الإرهابي في كابول. "
    "ورحبت باكستان بالعملية، وقالت إسلام آباد إن التنظيم يهدد المنطقة."
)
TEXT_001 = TITLE + "\n" + BODY


def span(text: str, word: str, nth: int = 1) -> dict:
    """``{"start", "end", "text"}`` of the nth occurrence of ``word`` in ``text`` (code points)."""
    start = -1
    for _ in range(nth):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "text": word}


def record(doc_id: str, text: str, title_end: int | None = None, **layers: list) -> dict:
    segments = [{"id": f"{doc_id}:seg1", "type": "paragraph", "start": 0, "end": len(text)}]
    if title_end is not None:
        segments = [
            {"id": f"{doc_id}:seg1", "type": "title", "start": 0, "end": title_end},
            {"id": f"{doc_id}:seg2", "type": "paragraph", "start": title_end + 1, "end": len(text)},
        ]
    return {
        "schema_version": "1.0.0",
        "id": doc_id,
        "lang": "ar",
        "split": "train",
        "text": text,
        "provenance": {
            "source": "ACES test fixture (written for the agree/diff tests)",
            "raw_path": f"raw/{doc_id}.txt",
            "raw_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "offset_map": [[0, len(text), 0, len(text)]],
            "removed": [],
        },
        "segments": segments,
        "entities": layers.get("entities", []),
        "clusters": layers.get("clusters", []),
        "events": layers.get("events", []),
        "stances": layers.get("stances", []),
    }


def mention(doc: str, local: str, text: str, word: str, etype: str, form: str, nth: int = 1) -> dict:
    return {"id": f"{doc}:{local}", **span(text, word, nth), "type": etype, "form": form}


def cluster(doc: str, local: str, name: str, etype: str, *members: str) -> dict:
    return {"id": f"{doc}:{local}", "name": name, "type": etype, "mentions": [f"{doc}:{m}" for m in members]}


def event(doc: str, local: str, etype: str, trigger: dict, args: list, status: str, source: str | None = None):
    return {
        "id": f"{doc}:{local}",
        "type": etype,
        "trigger": trigger,
        "arguments": [{"role": role, "ref": f"{doc}:{ref}"} for role, ref in args],
        "epistemic": {"status": status, "source": f"{doc}:{source}" if source else None},
    }


def stance(doc: str, local: str, holder: str | None, target: dict, polarity: str, *evidence: dict) -> dict:
    return {
        "id": f"{doc}:{local}",
        "holder": {"kind": "author"} if holder is None else {"kind": "entity", "ref": f"{doc}:{holder}"},
        "target": target,
        "polarity": polarity,
        "evidence": list(evidence),
    }


def doc_001_a() -> dict:
    d, t = "vtest-001", TEXT_001
    return record(
        d,
        t,
        title_end=len(TITLE),
        entities=[
            mention(d, "m1", t, "كابول", "GPE", "NAM", 1),
            mention(d, "m2", t, "حركة طالبان", "ORG", "NAM"),
            mention(d, "m3", t, "6 عناصر", "PER", "NOM"),
            mention(d, "m4", t, "تنظيم داعش", "ORG", "NAM"),
            mention(d, "m5", t, "كابول", "GPE", "NAM", 2),
            mention(d, "m6", t, "باكستان", "GPE", "NAM"),
            mention(d, "m7", t, "إسلام آباد", "GPE", "NAM"),
            mention(d, "m8", t, "التنظيم", "ORG", "NOM"),
            mention(d, "m9", t, "المنطقة", "LOC", "NOM"),
        ],
        clusters=[
            cluster(d, "c1", "كابول", "GPE", "m1", "m5"),
            cluster(d, "c2", "حركة طالبان", "ORG", "m2"),
            cluster(d, "c3", "6 عناصر", "PER", "m3"),
            cluster(d, "c4", "تنظيم داعش", "ORG", "m4", "m8"),
            cluster(d, "c5", "باكستان", "GPE", "m6", "m7"),
            cluster(d, "c6", "المنطقة", "LOC", "m9"),
        ],
        events=[
            event(d, "e1", "Contact.Statement", span(t, "أعلنت"), [("Speaker", "m2"), ("Content", "e2")], "asserted"),
            event(
                d,
                "e2",
                "Life.Die",
                span(t, "قتلت"),
                [("Agent", "c2"), ("Victim", "m3"), ("Place", "m5")],
                "claimed",
                "m2",
            ),
            event(d, "e3", "Conflict.Attack", span(t, "هجوم"), [("Place", "m1")], "asserted"),
            event(d, "e4", "Contact.Statement", span(t, "قالت"), [("Speaker", "m7")], "asserted"),
        ],
        stances=[
            stance(d, "st1", None, {"kind": "entity", "ref": f"{d}:c4"}, "AGAINST", span(t, "الإرهابي")),
            stance(d, "st2", "m6", {"kind": "event", "ref": f"{d}:e2"}, "FAVOR", span(t, "رحبت")),
            stance(
                d, "st3", "m7", {"kind": "proposition", **span(t, "التنظيم يهدد المنطقة")}, "FAVOR", span(t, "قالت")
            ),
            stance(d, "st4", "m2", {"kind": "event", "ref": f"{d}:e2"}, "FAVOR", span(t, "أعلنت")),
        ],
    )


def doc_001_b() -> dict:
    d, t = "vtest-001", TEXT_001
    return record(
        d,
        t,
        title_end=len(TITLE),
        entities=[
            mention(d, "m1", t, "كابول", "GPE", "NAM", 1),
            mention(d, "m2", t, "حركة طالبان", "ORG", "NAM"),
            mention(d, "m3", t, "طالبان", "ORG", "NAM"),
            mention(d, "m4", t, "الإثنين", "DATE", "NOM"),
            mention(d, "m5", t, "داعش", "ORG", "NAM"),
            mention(d, "m6", t, "كابول", "GPE", "NAM", 2),
            mention(d, "m7", t, "باكستان", "GPE", "NAM"),
            mention(d, "m8", t, "إسلام آباد", "GPE", "NAM"),
            mention(d, "m9", t, "التنظيم", "ORG", "NOM"),
            mention(d, "m10", t, "المنطقة", "GPE", "NOM"),
        ],
        clusters=[
            cluster(d, "c1", "كابول", "GPE", "m1", "m6"),
            cluster(d, "c2", "حركة طالبان", "ORG", "m2", "m3"),
            cluster(d, "c3", "الإثنين", "DATE", "m4"),
            cluster(d, "c4", "داعش", "ORG", "m5", "m9"),
            cluster(d, "c5", "باكستان", "GPE", "m7"),
            cluster(d, "c6", "إسلام آباد", "GPE", "m8"),
            cluster(d, "c7", "المنطقة", "GPE", "m10"),
        ],
        events=[
            event(d, "e1", "Contact.Statement", span(t, "أعلنت"), [("Speaker", "c2"), ("Content", "e2")], "asserted"),
            event(d, "e2", "Life.Die", span(t, "قتلت"), [("Agent", "m2"), ("Place", "m6")], "asserted"),
            event(d, "e3", "Conflict.Attack", span(t, "هجوم"), [("Place", "m1")], "asserted"),
            event(d, "e4", "Contact.Request", span(t, "قالت"), [("Requester", "m8")], "asserted"),
            event(d, "e5", "Conflict.Attack", span(t, "العملية"), [], "asserted"),
        ],
        stances=[
            stance(d, "st1", None, {"kind": "entity", "ref": f"{d}:m5"}, "AGAINST", span(t, "الإرهابي")),
            stance(d, "st2", "m7", {"kind": "event", "ref": f"{d}:e2"}, "FAVOR", span(t, "رحبت")),
            stance(d, "st3", "m8", {"kind": "proposition", **span(t, "يهدد المنطقة")}, "AGAINST", span(t, "قالت")),
            stance(d, "st4", None, {"kind": "entity", "ref": f"{d}:c2"}, "NEUTRAL", span(t, "أعلنت")),
        ],
    )


def small(doc_id: str, text: str, word: str, etype: str) -> dict:
    return record(
        doc_id,
        text,
        entities=[mention(doc_id, "m1", text, word, etype, "NAM")],
        clusters=[cluster(doc_id, "c1", word, etype, "m1")],
    )


def main() -> None:
    check = validator("1.0.0")
    a = [doc_001_a()]
    b = [doc_001_b()]
    more_a = [small("vtest-002", "وصل الوفد إلى الدوحة الأحد.", "الدوحة", "GPE"),
              small("vtest-004", "قالت الحكومة إن الهجوم فشل.", "الحكومة", "ORG")]  # fmt: skip
    more_b = [small("vtest-003", "التقى الوزير نظيره في عمان.", "عمان", "GPE"),
              small("vtest-004", "قالت الحكومة إن الهجوم قد فشل.", "الحكومة", "ORG")]  # fmt: skip
    for doc in a + b + more_a + more_b:
        errors = [e.message for e in check.iter_errors(doc)]
        assert not errors, (doc["id"], errors)
        for m in doc["entities"]:
            assert doc["text"][m["start"] : m["end"]] == m["text"], m
    for folder, files in (("pass-a", {"doc-001": a, "more": more_a}), ("pass-b", {"doc-001": b, "more": more_b})):
        (HERE / folder).mkdir(exist_ok=True)
        for name, docs in files.items():
            lines = "".join(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n" for doc in docs)
            (HERE / folder / f"{name}.jsonl").write_text(lines, encoding="utf-8")
    (HERE / "malformed").mkdir(exist_ok=True)
    good = json.dumps(b[0], ensure_ascii=False, separators=(",", ":"))
    (HERE / "malformed" / "pass-b.jsonl").write_text(
        good + "\n" + '{"id": "vtest-002", "text": \n' + '{"schema_version": "1.0.0", "id": "vtest-009"}\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
