"""Writes the ``aces migrate`` fixtures of this folder (run: ``.venv/bin/python tests/data/migrate/build.py``).

Short Arabic texts taken from the seed article's sentences that motivated schema 1.1.0 (a foiled attack, an
unanswered request, Khalilzad's conditional). Offsets are found from the words (``span``), raw files are
written beside (``raw/``) so provenance is checked, and lines are written by ``aces.record`` (canonical form,
which is what a byte-identical round trip is measured against).

- ``v1_0_0.jsonl``: two valid 1.0.0 records (claimed with source, hypothetical without, a stance, an emoji).
- ``v1_1_0_lossy.jsonl``: valid 1.1.0 records using all three additions: negative polarity (twice), a source
  on a hypothetical event, ``provenance.corpus_version``: four values 1.0.0 cannot hold.
- ``v1_1_0_default.jsonl``: valid 1.1.0 whose only addition is an explicit ``polarity: positive`` (the default).
- ``bad/v1_0_0_polarity.jsonl``: a 1.0.0 record with a polarity (invalid as 1.0.0, schema-additional).
- ``bad/v1_1_0_unknown_polarity.jsonl``: a 1.1.0 record whose polarity is not in labels.json.
- ``bad/v1_0_0_hypothetical_source.jsonl``: a 1.0.0 hypothetical event with a source (fine in 1.1.0 only).
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from aces import record as rec

HERE = Path(__file__).parent


def span(text: str, word: str, nth: int = 1) -> dict:
    start = -1
    for _ in range(nth):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "text": word}


class Doc:
    """A record under construction (a plain dict in the on-disk shape)."""

    def __init__(self, doc_id: str, version: str, lines: list[str]) -> None:
        self.id = doc_id
        self.text = "\n".join(lines)
        segments, pos = [], 0
        for n, line in enumerate(lines, start=1):
            kind = "title" if n == 1 and len(lines) > 1 else "paragraph"
            segments.append({"id": f"{doc_id}:seg{n}", "type": kind, "start": pos, "end": pos + len(line)})
            pos += len(line) + 1
        self.data: dict = {
            "schema_version": version,
            "id": doc_id,
            "lang": "ar",
            "split": "train",
            "text": self.text,
            "provenance": {
                "source": "ACES test fixture (aces migrate)",
                "raw_path": f"raw/{doc_id}.txt",
                "raw_sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
                "offset_map": [[0, len(self.text), 0, len(self.text)]],
                "removed": [],
            },
            "segments": segments,
            "entities": [],
            "clusters": [],
            "events": [],
            "stances": [],
        }

    def ref(self, local: str) -> str:
        return f"{self.id}:{local}"

    def mention(self, local: str, word: str, etype: str, form: str, nth: int = 1) -> str:
        self.data["entities"].append({"id": self.ref(local), **span(self.text, word, nth), "type": etype, "form": form})
        return self.ref(local)

    def cluster(self, local: str, name: str, etype: str, *members: str) -> None:
        self.data["clusters"].append(
            {"id": self.ref(local), "name": name, "type": etype, "mentions": [self.ref(m) for m in members]}
        )

    def event(self, local: str, etype: str, word: str, args: list, status: str, source: str | None = None, **extra):
        self.data["events"].append(
            {
                "id": self.ref(local),
                "type": etype,
                "trigger": span(self.text, word),
                "arguments": [{"role": role, "ref": self.ref(ref)} for role, ref in args],
                "epistemic": {"status": status, "source": self.ref(source) if source else None},
                **extra,
            }
        )

    def stance(self, local: str, holder: dict, target: dict, polarity: str, *evidence: str) -> None:
        self.data["stances"].append(
            {
                "id": self.ref(local),
                "holder": holder,
                "target": target,
                "polarity": polarity,
                "evidence": [span(self.text, e) for e in evidence],
            }
        )


def doc_killed(doc_id: str, version: str) -> Doc:
    """Taliban's claim of 3 killed, and Khalilzad's conditional «إذا تأكد مقتل» (hypothetical)."""
    d = Doc(
        doc_id,
        version,
        [
            "🔴 مقتل 3 من داعش في بلخ",
            "أعلنت حركة طالبان أن قواتها قتلت 3 عناصر من تنظيم داعش في ولاية بلخ. وقال خليل زاد إنه إذا تأكد "
            "مقتل 3 عناصر بارزين في داعش فسيكون ذلك ضربة قوية للتنظيم.",
        ],
    )
    d.mention("m1", "بلخ", "GPE", "NAM")
    d.mention("m2", "حركة طالبان", "ORG", "NAM")
    d.mention("m3", "3 عناصر", "PER", "NOM")
    d.mention("m4", "تنظيم داعش", "ORG", "NAM")
    d.mention("m5", "ولاية بلخ", "GPE", "NAM")
    d.mention("m6", "خليل زاد", "PER", "NAM")
    d.mention("m7", "3 عناصر بارزين", "PER", "NOM")
    d.cluster("c1", "Balkh", "GPE", "m1", "m5")
    d.cluster("c2", "Taliban", "ORG", "m2")
    d.cluster("c3", "3 ISIS-K members", "PER", "m3")
    d.cluster("c4", "ISIS-K", "ORG", "m4")
    d.cluster("c5", "Zalmay Khalilzad", "PER", "m6")
    d.cluster("c6", "3 senior ISIS-K members", "PER", "m7")
    d.event("e1", "Life.Die", "قتلت", [("Agent", "m2"), ("Victim", "m3"), ("Place", "m5")], "claimed", "m2")
    d.event("e2", "Life.Die", "مقتل", [("Victim", "m7")], "hypothetical")
    d.stance(
        "st1", {"kind": "entity", "ref": d.ref("m6")}, {"kind": "entity", "ref": d.ref("c4")}, "AGAINST", "ضربة قوية"
    )
    return d


def doc_foiled(doc_id: str, version: str) -> Doc:
    """«تم إحباط ما يصل إلى 99% من الهجمات» and «إسلام آباد لم ترد»: events the text says did not happen."""
    d = Doc(
        doc_id,
        version,
        [
            "قالت المخابرات الأفغانية إنه تم إحباط ما يصل إلى 99% من الهجمات الإرهابية للتنظيم. لكن إسلام آباد لم "
            "ترد حتى الآن على طلب الحركة."
        ],
    )
    d.mention("m1", "المخابرات الأفغانية", "ORG", "NAM")
    d.mention("m2", "إسلام آباد", "GPE", "NAM")
    d.mention("m3", "الحركة", "ORG", "NOM")
    d.cluster("c1", "Taliban intelligence", "ORG", "m1")
    d.cluster("c2", "Pakistan", "GPE", "m2")
    d.cluster("c3", "Taliban", "ORG", "m3")
    d.event("e1", "Contact.Statement", "قالت", [("Speaker", "m1")], "asserted")
    d.event("e2", "Conflict.Attack", "الهجمات", [], "claimed", "m1")
    d.event("e3", "Contact.Statement", "ترد", [("Speaker", "m2"), ("Addressee", "m3")], "asserted")
    d.event("e4", "Contact.Request", "طلب", [("Requester", "m3"), ("Addressee", "m2")], "asserted")
    return d


def write(path: Path, docs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [rec.to_json(rec.from_dict(d)) for d in docs]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")


def raw(path: Path, docs: list[dict]) -> None:
    for d in docs:
        target = path.parent / d["provenance"]["raw_path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(d["text"].encode("utf-8"))


def main() -> None:
    v100 = [doc_killed("mtest-001", "1.0.0").data, doc_foiled("mtest-002", "1.0.0").data]

    lossy_killed = doc_killed("mtest-011", "1.1.0").data
    lossy_killed["events"][1]["epistemic"]["source"] = "mtest-011:m6"  # Khalilzad's hypothesis
    lossy_killed["provenance"]["corpus_version"] = "0.1.0"
    lossy_foiled = doc_foiled("mtest-012", "1.1.0").data
    lossy_foiled["events"][1]["polarity"] = "negative"  # foiled attacks
    lossy_foiled["events"][2]["polarity"] = "negative"  # Islamabad did not answer
    lossy = [lossy_killed, lossy_foiled]

    default = doc_foiled("mtest-021", "1.1.0").data
    default["events"][3]["polarity"] = "positive"

    bad_polarity_100 = doc_foiled("mtest-031", "1.0.0").data
    bad_polarity_100["events"][1]["polarity"] = "negative"
    bad_polarity_110 = doc_foiled("mtest-041", "1.1.0").data
    bad_polarity_110["events"][1]["polarity"] = "foiled"
    bad_source_100 = doc_killed("mtest-051", "1.0.0").data
    bad_source_100["events"][1]["epistemic"]["source"] = "mtest-051:m6"

    files = {
        HERE / "v1_0_0.jsonl": v100,
        HERE / "v1_1_0_lossy.jsonl": lossy,
        HERE / "v1_1_0_default.jsonl": [default],
        HERE / "bad" / "v1_0_0_polarity.jsonl": [bad_polarity_100],
        HERE / "bad" / "v1_1_0_unknown_polarity.jsonl": [bad_polarity_110],
        HERE / "bad" / "v1_0_0_hypothetical_source.jsonl": [bad_source_100],
    }
    for path, docs in files.items():
        write(path, copy.deepcopy(docs))
        raw(path, docs)


if __name__ == "__main__":
    main()
