"""Writes the ``aces adjudicate`` fixtures of this folder (run: ``.venv/bin/python tests/data/adjudicate/build.py``).

Two passes (schema 1.1.0) over the same short article ``adj-001``, plus ``adj-002`` only in pass A and ``adj-003``
only in pass B. Offsets are found from the words; raw files go to ``raw/``. What agrees and what conflicts is
set up on purpose and counted by hand in ``tests/test_adjudicate.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aces import record as rec

HERE = Path(__file__).parent
VERSION = "1.1.0"
TEXT = (
    "🔴 هجوم في كابول\n"
    "أعلنت حركة طالبان أن قواتها قتلت 3 عناصر من تنظيم داعش الإرهابي في كابول. "
    "وقالت المخابرات الأفغانية إنه تم إحباط ما يصل إلى 99% من الهجمات."
)


def span(text: str, word: str, nth: int = 1) -> dict:
    start = -1
    for _ in range(nth):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "text": word}


def base(doc_id: str, text: str) -> dict:
    lines = text.split("\n")
    segments, pos = [], 0
    for n, line in enumerate(lines, 1):
        kind = "title" if n == 1 and len(lines) > 1 else "paragraph"
        segments.append({"id": f"{doc_id}:seg{n}", "type": kind, "start": pos, "end": pos + len(line)})
        pos += len(line) + 1
    return {
        "schema_version": VERSION,
        "id": doc_id,
        "lang": "ar",
        "split": "train",
        "text": text,
        "provenance": {
            "source": "ACES test fixture (aces adjudicate)",
            "raw_path": f"raw/{doc_id}.txt",
            "raw_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "offset_map": [[0, len(text), 0, len(text)]],
            "removed": [],
        },
        "segments": segments,
        "entities": [],
        "clusters": [],
        "events": [],
        "stances": [],
    }


class Pass:
    """One annotator's record of a document; local ids get the document prefix."""

    def __init__(self, doc_id: str, text: str) -> None:
        self.doc, self.text, self.data = doc_id, text, base(doc_id, text)

    def r(self, local: str) -> str:
        return f"{self.doc}:{local}"

    def m(self, local: str, word: str, etype: str, form: str, nth: int = 1) -> None:
        self.data["entities"].append({"id": self.r(local), **span(self.text, word, nth), "type": etype, "form": form})

    def c(self, local: str, name: str, etype: str, *members: str) -> None:
        mentions = [self.r(m) for m in members]
        self.data["clusters"].append({"id": self.r(local), "name": name, "type": etype, "mentions": mentions})

    def e(self, local: str, etype: str, word: str, args: list, status: str, source: str | None = None, **extra) -> None:
        self.data["events"].append(
            {
                "id": self.r(local),
                "type": etype,
                "trigger": span(self.text, word),
                "arguments": [{"role": role, "ref": self.r(ref)} for role, ref in args],
                "epistemic": {"status": status, "source": self.r(source) if source else None},
                **extra,
            }
        )

    def s(self, local: str, holder: str | None, target: tuple[str, str], polarity: str, evidence: str) -> None:
        self.data["stances"].append(
            {
                "id": self.r(local),
                "holder": {"kind": "author"} if holder is None else {"kind": "entity", "ref": self.r(holder)},
                "target": {"kind": target[0], "ref": self.r(target[1])},
                "polarity": polarity,
                "evidence": [span(self.text, evidence)],
            }
        )


def pass_a() -> list[dict]:
    a = Pass("adj-001", TEXT)
    a.m("m1", "كابول", "GPE", "NAM")
    a.m("m2", "حركة طالبان", "ORG", "NAM")
    a.m("m3", "3 عناصر", "PER", "NOM")
    a.m("m4", "تنظيم داعش", "ORG", "NAM")
    a.m("m5", "كابول", "GPE", "NAM", nth=2)
    a.m("m6", "المخابرات الأفغانية", "ORG", "NAM")
    a.c("c1", "Kabul", "GPE", "m1", "m5")
    a.c("c2", "Taliban", "ORG", "m2")
    a.c("c3", "3 members", "PER", "m3")
    a.c("c4", "ISIS-K", "ORG", "m4")
    a.c("c5", "Afghan intelligence", "ORG", "m6")
    a.e("e1", "Conflict.Attack", "هجوم", [("Place", "m1")], "asserted")
    a.e("e2", "Life.Die", "قتلت", [("Agent", "m2"), ("Victim", "m3"), ("Place", "m5")], "claimed", "m2")
    a.e("e3", "Contact.Statement", "أعلنت", [("Speaker", "c2"), ("Content", "e2")], "asserted")
    a.e("e4", "Conflict.Attack", "الهجمات", [], "claimed", "m6", polarity="negative")
    a.s("st1", None, ("entity", "c4"), "AGAINST", "الإرهابي")
    a.s("st2", "m6", ("event", "e4"), "AGAINST", "إحباط")
    a.s("st3", None, ("event", "e1"), "AGAINST", "هجوم")
    only_a = Pass("adj-002", "غادر الوفد كابول أمس.")
    only_a.m("m1", "كابول", "GPE", "NAM")
    only_a.c("c1", "Kabul", "GPE", "m1")
    return [a.data, only_a.data]


def pass_b() -> list[dict]:
    b = Pass("adj-001", TEXT)
    b.m("m1", "كابول", "GPE", "NAM")
    b.m("m2", "طالبان", "ORG", "NAM")
    b.m("m3", "3 عناصر", "PER", "NAM")
    b.m("m4", "تنظيم داعش", "ORG", "NAM")
    b.m("m5", "كابول", "GPE", "NAM", nth=2)
    b.m("m6", "قواتها", "ORG", "NOM")
    b.c("c1", "Kabul", "GPE", "m1", "m5")
    b.c("c2", "Taliban", "ORG", "m2", "m6")
    b.c("c3", "3 ISIS-K members", "PER", "m3")
    b.c("c4", "ISIS-K", "ORG", "m4")
    b.e("e1", "Conflict.Attack", "هجوم", [("Place", "m1")], "asserted")
    b.e("e2", "Life.Die", "قتلت", [("Agent", "m6"), ("Victim", "m3"), ("Place", "m5")], "claimed", "c2")
    b.e("e3", "Contact.Statement", "أعلنت", [("Speaker", "m2"), ("Content", "e2")], "asserted")
    b.e("e4", "Conflict.Attack", "الهجمات", [], "hypothetical")
    b.e("e5", "Contact.Statement", "قالت", [], "asserted")
    b.s("st1", None, ("entity", "c4"), "AGAINST", "الإرهابي")
    b.s("st2", None, ("event", "e1"), "NEUTRAL", "هجوم")
    only_b = Pass("adj-003", "وصل الوفد إلى كابول.")
    only_b.m("m1", "كابول", "GPE", "NAM")
    only_b.c("c1", "Kabul", "GPE", "m1")
    return [b.data, only_b.data]


def main() -> None:
    for name, docs in (("pass-a", pass_a()), ("pass-b", pass_b())):
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        lines = "".join(rec.to_json(rec.from_dict(d)) + "\n" for d in docs)
        (folder / "adj.jsonl").write_text(lines, encoding="utf-8", newline="\n")
        (HERE / "raw").mkdir(exist_ok=True)
        for d in docs:
            (HERE / d["provenance"]["raw_path"]).write_bytes(d["text"].encode("utf-8"))


if __name__ == "__main__":
    main()
