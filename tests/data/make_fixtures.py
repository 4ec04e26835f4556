"""Write the validator's fixtures: ``valid/`` records that pass every level, and one ``invalid/<code>.jsonl`` per
check in the registry that triggers exactly that code (and no other error code).

Deterministic: run ``.venv/bin/python tests/data/make_fixtures.py`` after changing a check or a record and commit
the result; ``tests/test_validate_fixtures.py`` fails when the committed files differ from what this writes.
Offsets are never typed by hand: spans are found in the text by substring (``Doc.span``), so a fixture is wrong
only where its mutation makes it wrong.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from aces.corpus.ingest import clean
from aces.validate.checks import CHECKS

HERE = Path(__file__).resolve().parent
VERSION = "1.0.0"


class Doc:
    """A record under construction: text from typed segments, annotations placed by searching the text."""

    def __init__(
        self, doc_id: str, segments: list[tuple[str, str]], split: str = "train", version: str = VERSION
    ) -> None:
        self.id = doc_id
        self.split = split
        self.version = version
        # Since 1.2.0: sentences (default: one per segment), a status and a licence.
        self.sentences: list[tuple[int, int]] | None = None
        self.status: str | None = "adjudicated"
        self.license = "unknown"
        self.attribution: str | None = None
        self.text = "\n".join(body for _, body in segments)
        self.segments: list[dict] = []
        pos = 0
        for n, (kind, body) in enumerate(segments, start=1):
            self.segments.append({"id": f"{doc_id}:seg{n}", "type": kind, "start": pos, "end": pos + len(body)})
            pos += len(body) + 1
        self.raw = self.text
        self.offset_map: list[list[int]] = [[0, len(self.text), 0, len(self.text)]]
        self.removed: list[dict] = []
        self.entities: list[dict] = []
        self.clusters: list[dict] = []
        self.events: list[dict] = []
        self.stances: list[dict] = []

    @classmethod
    def ingested(cls, doc_id: str, raw: str, split: str = "train") -> Doc:
        """A record made by the real ingest pipeline (debris removed, NFC applied, offsets mapped)."""
        text, segments, runs, removals = clean(raw, doc_id)
        doc = cls(doc_id, [], split)
        doc.text, doc.raw = text, raw
        doc.segments = [{"id": s.id, "type": s.type, "start": s.start, "end": s.end} for s in segments]
        doc.offset_map = [list(run) for run in runs]
        doc.removed = [{"raw_start": r.raw_start, "raw_end": r.raw_end, "reason": r.reason} for r in removals]
        return doc

    def span(self, needle: str, after: str | None = None, skip: int = 0) -> dict:
        """``{start, end, text}`` of ``needle``: its first occurrence after ``after`` (if given), or the next
        ``skip`` occurrences later."""
        at = self.text.index(after) if after is not None else 0
        start = self.text.index(needle, at)
        for _ in range(skip):
            start = self.text.index(needle, start + 1)
        return {"start": start, "end": start + len(needle), "text": needle}

    def mention(self, needle: str, etype: str, form: str = "NAM", after: str | None = None, skip: int = 0) -> str:
        mid = f"{self.id}:m{len(self.entities) + 1}"
        self.entities.append({"id": mid, **self.span(needle, after, skip), "type": etype, "form": form})
        return mid

    def cluster(self, name: str, *members: str) -> str:
        cid = f"{self.id}:c{len(self.clusters) + 1}"
        etype = next(m["type"] for m in self.entities if m["id"] == members[0])
        self.clusters.append({"id": cid, "name": name, "type": etype, "mentions": list(members)})
        return cid

    def singleton(self, needle: str, etype: str, form: str = "NAM", after: str | None = None) -> str:
        mid = self.mention(needle, etype, form, after)
        self.cluster(needle, mid)
        return mid

    def event(
        self,
        etype: str,
        trigger: str,
        arguments: list[tuple[str, str]],
        status: str = "asserted",
        source: str | None = None,
        after: str | None = None,
    ) -> str:
        eid = f"{self.id}:e{len(self.events) + 1}"
        self.events.append(
            {
                "id": eid,
                "type": etype,
                "trigger": self.span(trigger, after),
                "arguments": [{"role": role, "ref": ref} for role, ref in arguments],
                "epistemic": {"status": status, "source": source},
            }
        )
        return eid

    def stance(self, holder: dict, target: dict, polarity: str, evidence: list[dict]) -> str:
        sid = f"{self.id}:st{len(self.stances) + 1}"
        self.stances.append({"id": sid, "holder": holder, "target": target, "polarity": polarity, "evidence": evidence})
        return sid

    def raw_bytes(self) -> bytes:
        return self.raw.encode("utf-8")

    def cut_sentences(self, *after: str) -> None:
        """Sentences: each segment cut at the space that follows each of ``after`` (found in the text)."""
        cuts = sorted(self.text.index(a) + len(a) for a in after)
        spans = []
        for seg in self.segments:
            start = seg["start"]
            for cut in (c for c in cuts if seg["start"] < c < seg["end"]):
                spans.append((start, cut))
                start = cut + 1
            spans.append((start, seg["end"]))
        self.sentences = spans

    def record(self) -> dict:
        out = self._record()
        if self.version != "1.0.0" and self.version != "1.1.0":
            spans = self.sentences or [(s["start"], s["end"]) for s in self.segments]
            out["sentences"] = [{"id": f"{self.id}:s{n}", "start": a, "end": b} for n, (a, b) in enumerate(spans, 1)]
            if self.status is not None:
                out["annotation_status"] = self.status
            out["provenance"]["license"] = self.license
            if self.attribution is not None:
                out["provenance"]["attribution"] = self.attribution
        return out

    def _record(self) -> dict:
        return {
            "schema_version": self.version,
            "id": self.id,
            "lang": "ar",
            "split": self.split,
            "text": self.text,
            "provenance": {
                "source": "ACES validator fixture (synthetic text)",
                "raw_path": f"raw/{self.id}.txt",
                "raw_sha256": hashlib.sha256(self.raw_bytes()).hexdigest(),
                "offset_map": self.offset_map,
                "removed": self.removed,
            },
            "segments": self.segments,
            "entities": self.entities,
            "clusters": self.clusters,
            "events": self.events,
            "stances": self.stances,
        }


def line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------------------------------------------------------------
# Valid records
# ---------------------------------------------------------------------------------------------------------------------


def emoji_and_clitics() -> Doc:
    """Astral emoji (flags, a ZWJ family, a skin tone) before spans; proclitics و ب ل س and the ل+ال contraction."""
    d = Doc(
        "valid-emoji-clitics",
        [
            ("title", "🇦🇫 👨\u200d👩\u200d👧 عاجل: هجوم في كابول"),
            (
                "paragraph",
                "👍🏽 قالت الحركة إن مقاتليها وصلوا لأفغانستان وبكابول، وأعلنت للولايات المتحدة الأمريكية أنها "
                "ستفاوض 🔥طالبان في 2023 بنسبة 99%.",
            ),
        ],
    )
    kabul1 = d.mention("كابول", "GPE")
    kabul2 = d.mention("كابول", "GPE", after="وبكابول")
    d.cluster("كابول", kabul1, kabul2)
    movement = d.mention("الحركة", "ORG", "NOM")
    taliban = d.mention("طالبان", "ORG", after="🔥")
    d.cluster("حركة طالبان", movement, taliban)
    fighters = d.singleton("مقاتليها", "PER", "NOM")
    afg = d.singleton("أفغانستان", "GPE")
    usa = d.singleton("لولايات المتحدة الأمريكية", "GPE")
    d.event("Conflict.Attack", "هجوم", [("Place", kabul1)])
    d.event("Movement.Transport", "وصلوا", [("Artifact", fighters), ("Destination", afg), ("Destination", kabul2)])
    talks = d.event("Contact.Meet", "تفاوض", [("Entity", movement), ("Entity", taliban)], status="hypothetical")
    d.event("Contact.Statement", "أعلنت", [("Speaker", movement), ("Addressee", usa), ("Content", talks)])
    d.stance({"kind": "entity", "ref": movement}, {"kind": "event", "ref": talks}, "FAVOR", [d.span("ستفاوض")])
    return d


def nested_mentions() -> Doc:
    """Names inside names and descriptors (GUIDELINES 1.2), a NAM and a NOM of one person in one cluster."""
    d = Doc(
        "valid-nested",
        [
            ("title", "مخابرات طالبان تعتقل محافظ بلخ السابق"),
            (
                "paragraph",
                "وقع هجوم عند مدخل مبنى وزارة الخارجية في الولايات المتحدة الأمريكية، وقالت مخابرات طالبان إنها "
                "اعتقلت داود مزمل.",
            ),
        ],
    )
    intel1 = d.mention("مخابرات طالبان", "ORG")
    intel2 = d.mention("مخابرات طالبان", "ORG", after="وقالت")
    d.cluster("مخابرات طالبان", intel1, intel2)
    tal1 = d.mention("طالبان", "ORG")
    tal2 = d.mention("طالبان", "ORG", after="وقالت")
    d.cluster("حركة طالبان", tal1, tal2)
    governor = d.mention("محافظ بلخ السابق", "PER", "NOM")
    daud = d.mention("داود مزمل", "PER")
    d.cluster("داود مزمل", daud, governor)
    d.singleton("بلخ", "GPE")
    entrance = d.singleton("مدخل مبنى وزارة الخارجية", "FAC", "NOM")
    d.singleton("وزارة الخارجية", "ORG")
    usa = d.singleton("الولايات المتحدة الأمريكية", "GPE")
    d.event("Justice.Arrest-Jail", "تعتقل", [("Agent", intel1), ("Person", governor)])
    d.event("Conflict.Attack", "هجوم", [("Target", entrance), ("Place", usa)])
    arrest = d.event("Justice.Arrest-Jail", "اعتقلت", [("Agent", intel2), ("Person", daud)], "claimed", intel2)
    d.event("Contact.Statement", "قالت", [("Speaker", intel2), ("Content", arrest)])
    return d


def events_and_stances() -> Doc:
    """Asserted, claimed and hypothetical events; holders author and entity; targets entity, event, proposition."""
    d = Doc(
        "valid-events-stances",
        [
            ("title", "طالبان ترحب بالاتفاق وداعش يهدد"),
            ("lead", "زعمت إدارة المخابرات أن قواتها قتلت 3 أعضاء في ولاية بلخ."),
            ("heading", "ضربات للتنظيم"),
            (
                "paragraph",
                "وقال المتحدث باسم طالبان إن الحركة ترفض تهديدات داعش، وإذا تأكد مقتل القيادي فسيكون ذلك ضربة قوية "
                "للتنظيم الإرهابي.",
            ),
        ],
    )
    tal1 = d.mention("طالبان", "ORG")
    tal2 = d.mention("طالبان", "ORG", after="باسم")
    movement = d.mention("الحركة", "ORG", "NOM")
    taliban = d.cluster("حركة طالبان", tal1, tal2, movement)
    isis1 = d.mention("داعش", "ORG")
    isis2 = d.mention("داعش", "ORG", after="تهديدات")
    heading = d.mention("لتنظيم", "ORG", "NOM", after="للتنظيم")  # ل+ال → لل: the span keeps the article's ل
    org = d.mention("لتنظيم", "ORG", "NOM", after="للتنظيم الإرهابي")
    isis = d.cluster("داعش خراسان", isis1, isis2, heading, org)
    intel = d.singleton("إدارة المخابرات", "ORG")
    forces = d.singleton("قواتها", "ORG", "NOM")
    members = d.singleton("3 أعضاء", "PER", "NOM")
    balkh = d.singleton("ولاية بلخ", "GPE")
    spokesman = d.mention("المتحدث باسم طالبان", "PER", "NOM")
    speaker = d.cluster("المتحدث باسم طالبان", spokesman)
    leader = d.singleton("القيادي", "PER", "NOM")
    kill = d.event(
        "Life.Die", "قتلت", [("Agent", forces), ("Victim", members), ("Place", balkh)], status="claimed", source=intel
    )
    d.event("Contact.Statement", "زعمت", [("Speaker", intel), ("Content", kill)])
    death = d.event("Life.Die", "مقتل", [("Victim", leader)], status="hypothetical")
    d.event("Contact.Statement", "قال", [("Speaker", spokesman)], after="وقال")
    d.stance({"kind": "entity", "ref": tal1}, {"kind": "proposition", **d.span("الاتفاق")}, "FAVOR", [d.span("ترحب")])
    d.stance({"kind": "entity", "ref": speaker}, {"kind": "entity", "ref": isis}, "AGAINST", [d.span("ترفض")])
    d.stance({"kind": "author"}, {"kind": "entity", "ref": isis2}, "AGAINST", [d.span("الإرهابي")])
    d.stance({"kind": "author"}, {"kind": "event", "ref": death}, "NEUTRAL", [d.span("ضربة قوية")])
    d.stance({"kind": "entity", "ref": taliban}, {"kind": "event", "ref": kill}, "FAVOR", [d.span("قتلت")])
    return d


def ingested() -> Doc:
    """A record from the real ingest: a related link and a closing scraper stamp removed, a decomposed أ composed."""
    stamp = base64.b64encode(b"ip: 192.0.2.44 ").decode("ascii")
    raw = (
        "هجوم جديد في كابول\n"
        "أعلنت الشرطة الا\u0654فغانية اعتقال 3 عناصر.\n"
        "- رابط ذو صلة\n"
        "وقالت الشرطة إن العناصر ينتمون إلى تنظيم داعش.\n"
        f"{stamp} موقع الأخبار\n"
    )
    d = Doc.ingested("valid-ingested", raw)
    police1 = d.mention("الشرطة", "ORG", "NOM")
    police2 = d.mention("الشرطة", "ORG", "NOM", after="وقالت")
    d.cluster("الشرطة الأفغانية", police1, police2)
    d.singleton("الأفغانية", "GPE", "ADJ")
    kabul = d.singleton("كابول", "GPE")
    members = d.mention("3 عناصر", "PER", "NOM")
    again = d.mention("العناصر", "PER", "NOM")
    d.cluster("3 عناصر", members, again)
    d.singleton("تنظيم داعش", "ORG")
    d.event("Conflict.Attack", "هجوم", [("Place", kabul)])
    arrest = d.event("Justice.Arrest-Jail", "اعتقال", [("Agent", police1), ("Person", members)])
    d.event("Contact.Statement", "أعلنت", [("Speaker", police1), ("Content", arrest)])
    return d


def newswire_sentences() -> Doc:
    """Schema 1.2.0: a dateline and a byline segment, two sentences in one paragraph (a stance's evidence spans
    both), the treebank's spelling (فى, الامن), and a licence that asks for attribution."""
    d = Doc(
        "valid-sentences",
        [
            ("title", "اشتباكات فى غزة"),
            ("dateline", "غزة اول مايو"),
            ("byline", "محمد صلاح"),
            (
                "paragraph",
                "قالت مصادر فلسطينية ان الامن اعتقل خمسة اشخاص . واكد شهود عيان ان الاشتباكات استمرت ساعتين .",
            ),
        ],
        version="1.2.0",
    )
    d.cut_sentences("خمسة اشخاص .")
    gaza = d.mention("غزة", "GPE")
    gaza2 = d.mention("غزة", "GPE", after="\n")
    d.cluster("غزة", gaza, gaza2)
    d.singleton("محمد صلاح", "PER")
    sources = d.singleton("مصادر فلسطينية", "PER", "NOM")
    security = d.singleton("الامن", "ORG", "NOM")
    people = d.singleton("خمسة اشخاص", "PER", "NOM")
    witnesses = d.singleton("شهود عيان", "PER", "NOM")
    d.event("Conflict.Attack", "اشتباكات", [("Place", gaza)])
    arrest = d.event(
        "Justice.Arrest-Jail", "اعتقل", [("Agent", security), ("Person", people)], status="claimed", source=sources
    )
    d.event("Contact.Statement", "قالت", [("Speaker", sources), ("Content", arrest)])
    d.stance(
        {"kind": "entity", "ref": witnesses},
        {"kind": "event", "ref": arrest},
        "NEUTRAL",
        [d.span("قالت مصادر فلسطينية"), d.span("واكد شهود عيان")],
    )
    d.status = "adjudicated"
    d.license = "CC-BY-NC-SA-3.0"
    d.attribution = "ACES validator fixture (synthetic text in the style of the PADT newswire)"
    return d


VALID: dict[str, list[Callable[[], Doc]]] = {
    "spans.jsonl": [emoji_and_clitics, nested_mentions],
    "events_stances.jsonl": [events_and_stances],
    "ingested.jsonl": [ingested],
    "sentences.jsonl": [newswire_sentences],
}

# ---------------------------------------------------------------------------------------------------------------------
# Invalid fixtures: a small valid base, then one mutation per code
# ---------------------------------------------------------------------------------------------------------------------

TITLE = "هجوم على وزارة الخارجية في كابول"
BODY = "قال المتحدث باسم طالبان بلال كريمي إن الحركة قتلت 3 عناصر من تنظيم داعش بولاية بلخ الإثنين."


def base(doc_id: str, extra: str | None = None, split: str = "train", body: str = BODY, version: str = VERSION) -> Doc:
    """A valid record (ids m1..m10, c1..c8, e1..e3, st1..st3); ``extra`` adds an unannotated paragraph."""
    segments = [("title", TITLE), ("paragraph", body)] + ([("paragraph", extra)] if extra else [])
    d = Doc(doc_id, segments, split, version)
    ministry = d.singleton("وزارة الخارجية", "ORG")  # m1 c1
    kabul = d.singleton("كابول", "GPE")  # m2 c2
    spokesman = d.mention("المتحدث باسم طالبان", "PER", "NOM")  # m3
    taliban = d.mention("طالبان", "ORG")  # m4
    karimi = d.mention("بلال كريمي", "PER")  # m5
    movement = d.mention("الحركة", "ORG", "NOM")  # m6
    d.cluster("بلال كريمي", karimi, spokesman)  # c3
    tal = d.cluster("حركة طالبان", taliban, movement)  # c4
    members = d.singleton("3 عناصر", "PER", "NOM")  # m7 c5
    isis = d.singleton("تنظيم داعش", "ORG")  # m8 c6
    balkh = d.singleton("ولاية بلخ", "GPE")  # m9 c7
    monday = d.singleton("الإثنين", "DATE")  # m10 c8
    attack = d.event("Conflict.Attack", "هجوم", [("Target", ministry), ("Place", kabul)])  # e1
    kill = d.event(  # e2
        "Life.Die",
        "قتلت",
        [("Agent", tal), ("Victim", members), ("Place", balkh), ("Time", monday)],
        status="claimed",
        source=karimi,
    )
    d.event("Contact.Statement", "قال", [("Speaker", spokesman), ("Content", kill)])  # e3
    d.stance({"kind": "entity", "ref": karimi}, {"kind": "entity", "ref": isis}, "AGAINST", [d.span("قتلت")])  # st1
    d.stance({"kind": "author"}, {"kind": "event", "ref": attack}, "NEUTRAL", [d.span("هجوم")])  # st2
    d.stance(  # st3
        {"kind": "entity", "ref": tal},
        {"kind": "proposition", **d.span("قتلت 3 عناصر من تنظيم داعش")},
        "FAVOR",
        [d.span("قال")],
    )
    return d


Fixture = tuple[list[bytes], list[Doc]]  # the lines of the file, and the docs whose raw files must exist


def _one(doc: Doc, change: Callable[[dict], object] | None = None) -> Fixture:
    record = doc.record()
    if change is not None:
        change(record)
    return [line(record)], [doc]


def _ann(record: dict, key: str, n: int) -> dict:
    return record[key][n - 1]


def _mention_case(code: str, change: Callable[[Doc], object]) -> Fixture:
    d = base(f"fx-{code}")
    change(d)
    return _one(d)


def _extra_mention(d: Doc, needle: str, etype: str, new_cluster: bool, mid: str | None = None) -> str:
    new = d.mention(needle, etype)
    if mid is not None:
        d.entities[-1]["id"] = mid
    elif new_cluster:
        d.cluster(needle, new)
    return new


def fixtures() -> dict[str, Fixture]:
    """Code → fixture. Each must trigger exactly its code and no other error code. A code that needs its file in a
    corpus folder is keyed ``<folder>/<code>`` and written to ``invalid/<folder>/<code>.jsonl`` (level 5 holds
    ``gold/`` and ``queue/`` files to their own rules; ``corpus_dir_of`` finds ``invalid/raw/`` from there)."""
    fx: dict[str, Fixture] = {}

    def doc(code: str, extra: str | None = None, split: str = "train") -> Doc:
        return base(f"fx-{code}", extra, split)

    def mutate(code: str, change: Callable[[dict], object], extra: str | None = None) -> None:
        fx[code] = _one(doc(code, extra), change)

    # Level 1
    good = doc("bad-utf8").record()
    fx["bad-utf8"] = ([line(good).replace("هجوم".encode(), b"\xff" + "هجوم".encode(), 1)], [])
    bom = doc("byte-order-mark")
    fx["byte-order-mark"] = ([b"\xef\xbb\xbf" + line(bom.record())], [bom])
    blank = doc("blank-line")
    fx["blank-line"] = ([line(blank.record()), b""], [blank])
    fx["empty-file"] = ([], [])
    fx["invalid-json"] = ([b'{"schema_version": "1.0.0", "id": "fx-invalid-json", "text": '], [])
    fx["not-an-object"] = ([b'["not", "a", "record"]'], [])
    fx["non-nfc"] = _one(doc("non-nfc", "وتناقلت وكالات الا\u0654نباء الخبر."))
    fx["control-char"] = _one(doc("control-char", "وتناقلت\tوكالات الأنباء الخبر."))
    fx["bidi-control"] = _one(doc("bidi-control", "وتناقلت \u202bوكالات الأنباء\u202c الخبر."))
    fx["zero-width-char"] = _one(doc("zero-width-char", "وتناقلت وكالات\u200b الأنباء الخبر."))

    # Level 2
    mutate("missing-schema-version", lambda r: r.pop("schema_version"))
    mutate("unknown-schema-version", lambda r: r.update(schema_version="9.9.9"))
    mutate("schema-required", lambda r: r.pop("lang"))
    mutate("schema-additional", lambda r: r.update(note="not a field"))
    mutate("schema-type", lambda r: _ann(r, "entities", 2).update(start=str(_ann(r, "entities", 2)["start"])))
    mutate("schema-pattern", lambda r: r.update(lang="Arabic"))
    mutate("schema-enum", lambda r: r.update(split="dev"))
    mutate("schema-variant", lambda r: _ann(r, "stances", 2).update(holder={"kind": "reader"}))
    mutate("schema-value", lambda r: _ann(r, "stances", 1).update(evidence=[]))

    # Level 3
    def swap(m: dict) -> None:
        m["start"], m["end"] = m["end"], m["start"]

    mutate("span-reversed", lambda r: swap(_ann(r, "entities", 10)))
    mutate("span-out-of-range", lambda r: _ann(r, "entities", 10).update(end=len(r["text"]) + 5))
    mutate("span-text-mismatch", lambda r: _ann(r, "entities", 2).update(text="كابل"))
    mutate("segment-unsorted", lambda r: r["segments"].reverse())
    mutate("segment-overlap", lambda r: _ann(r, "segments", 2).update(start=_ann(r, "segments", 1)["end"] - 3))
    mutate("unknown-segment-type", lambda r: _ann(r, "segments", 2).update(type="footer"))
    mutate(
        "segment-edge-whitespace", lambda r: _ann(r, "segments", 2).update(start=_ann(r, "segments", 2)["start"] - 1)
    )

    def wrong_prefix(r: dict) -> None:
        old, new = _ann(r, "entities", 10)["id"], "other-doc:m10"
        _ann(r, "entities", 10)["id"] = new
        _ann(r, "clusters", 8)["mentions"] = [new]
        for arg in _ann(r, "events", 2)["arguments"]:
            arg["ref"] = new if arg["ref"] == old else arg["ref"]

    mutate("id-wrong-prefix", wrong_prefix)
    fx["duplicate-id"] = _mention_case(
        "duplicate-id", lambda d: _extra_mention(d, "بلخ", "GPE", False, mid=f"{d.id}:m9")
    )
    mutate("dangling-ref", lambda r: _ann(r, "events", 1)["arguments"][1].update(ref=f"{r['id']}:m99"))
    mutate("ref-wrong-kind", lambda r: _ann(r, "stances", 1)["holder"].update(ref=f"{r['id']}:e1"))
    mutate("unknown-entity-type", lambda r: _ann(r, "entities", 2).update(type="CITY"))
    mutate("unknown-mention-form", lambda r: _ann(r, "entities", 2).update(form="PRO"))
    mutate("unknown-event-type", lambda r: _ann(r, "events", 1).update(type="Conflict.Bombing"))
    mutate("unknown-role", lambda r: _ann(r, "events", 1)["arguments"][1].update(role="Location"))
    mutate("role-not-allowed", lambda r: _ann(r, "events", 1)["arguments"][1].update(role="Person"))
    mutate(
        "role-type-mismatch",
        lambda r: _ann(r, "events", 1)["arguments"].append({"role": "Attacker", "ref": f"{r['id']}:m10"}),
    )
    mutate("unknown-epistemic-status", lambda r: _ann(r, "events", 1)["epistemic"].update(status="rumoured"))
    mutate("claimed-without-source", lambda r: _ann(r, "events", 2)["epistemic"].update(source=None))
    mutate("source-without-claim", lambda r: _ann(r, "events", 1)["epistemic"].update(source=f"{r['id']}:m5"))
    mutate("unknown-polarity", lambda r: _ann(r, "stances", 1).update(polarity="PRO"))
    mutate("mention-not-clustered", lambda r: r["clusters"].pop(7))
    mutate(
        "mention-in-several-clusters",
        lambda r: r["clusters"].append(
            {"id": f"{r['id']}:c9", "name": "الإثنين", "type": "DATE", "mentions": [f"{r['id']}:m10"]}
        ),
    )
    mutate("cluster-type-mismatch", lambda r: _ann(r, "clusters", 2).update(type="LOC"))
    mutate("raw-file-missing", lambda r: r["provenance"].update(raw_path="raw/no-such-file.txt"))
    mutate("raw-sha256-mismatch", lambda r: r["provenance"].update(raw_sha256="0" * 64))
    mutate("raw-path-unsafe", lambda r: r["provenance"].update(raw_path="raw/../../../../etc/hostname"))
    mutate("offset-run-out-of-range", lambda r: r["provenance"].update(offset_map=[[0, len(r["text"]) + 9, 0, 9]]))
    mutate("event-content-cycle", lambda r: _ann(r, "events", 3)["arguments"][1].update(ref=f"{r['id']}:e3"))
    removal = {"raw_start": 4, "raw_end": 9, "reason": "related-link"}  # inside the one run that keeps all the raw text
    mutate("removal-reversed", lambda r: r["provenance"]["removed"].append({**removal, "raw_start": 9, "raw_end": 4}))
    mutate("removal-overlap", lambda r: r["provenance"]["removed"].append(removal))
    mutate(
        "removal-out-of-range",
        lambda r: r["provenance"]["removed"].append(
            {**removal, "raw_start": len(r["text"]), "raw_end": len(r["text"]) + 5}
        ),
    )
    edited = doc("offset-run-mismatch")
    edited.raw = edited.raw.replace("هجوم", "هجون", 1)
    edited.offset_map = [[0, len(edited.text), 0, len(edited.text)]]
    fx["offset-run-mismatch"] = _one(edited)

    # Level 4
    def widen(n: int, left: int = 0, right: int = 0) -> Callable[[dict], None]:
        def change(r: dict) -> None:
            m = _ann(r, "entities", n)
            m["start"] -= left
            m["end"] += right
            m["text"] = r["text"][m["start"] : m["end"]]

        return change

    mutate("span-edge-whitespace", widen(2, left=1))
    mutate("span-edge-punctuation", widen(10, right=1))
    mutate("span-ends-inside-word", widen(8, right=-1))
    mutate("span-starts-inside-word", widen(8, left=-1))
    mutate(
        "span-crosses-segment",
        lambda r: _ann(r, "stances", 2)["evidence"].append(
            {"start": len(TITLE) - 5, "end": len(TITLE) + 4, "text": r["text"][len(TITLE) - 5 : len(TITLE) + 4]}
        ),
    )
    fx["duplicate-mention"] = _mention_case(
        "duplicate-mention",
        lambda d: d.clusters[1]["mentions"].append(_extra_mention(d, "كابول", "GPE", False)),
    )
    fx["mention-type-conflict"] = _mention_case(
        "mention-type-conflict", lambda d: _extra_mention(d, "كابول", "LOC", True)
    )
    fx["crossing-mentions"] = _mention_case("crossing-mentions", lambda d: _extra_mention(d, "كريمي إن", "PER", True))
    mutate("duplicate-event", lambda r: r["events"].append({**copy.deepcopy(r["events"][0]), "id": f"{r['id']}:e4"}))
    mutate(
        "duplicate-argument", lambda r: _ann(r, "events", 1)["arguments"].append(_ann(r, "events", 1)["arguments"][1])
    )

    # Schema 1.2.0: sentences, status, licence (level 3), sentences and spans (level 4), placement (level 5)
    def v12(code: str) -> Doc:
        d = base(f"fx-{code.split('/')[-1]}", version="1.2.0")
        d.cut_sentences("طالبان بلال كريمي إن الحركة قتلت 3 عناصر")  # (a proposition target may span two)
        return d

    def v12_one(code: str, change: Callable[[Doc], object]) -> None:
        d = v12(code)
        change(d)
        fx[code] = _one(d)

    def crossing(r: dict) -> None:
        title, body = r["segments"][0], r["segments"][1]
        r["sentences"].append({"id": f"{r['id']}:s9", "start": title["end"] - 3, "end": body["start"] + 3})

    fx["sentence-outside-segment"] = _one(v12("sentence-outside-segment"), crossing)
    fx["sentence-tiling"] = _one(
        v12("sentence-tiling"), lambda r: _ann(r, "sentences", 3).update(end=_ann(r, "sentences", 3)["end"] - 1)
    )
    v12_one("span-crosses-sentence", lambda d: d.cut_sentences("بلال"))
    v12_one("unknown-annotation-status", lambda d: setattr(d, "status", "draft"))
    v12_one("status-contradicts-annotations", lambda d: setattr(d, "status", "unannotated"))
    v12_one("unknown-license", lambda d: setattr(d, "license", "CC-BY-4.0-ish"))
    v12_one("attribution-missing", lambda d: setattr(d, "license", "CC-BY-NC-SA-3.0"))
    waiting = Doc("fx-gold-unannotated", [("title", TITLE), ("paragraph", BODY)], version="1.2.0")
    waiting.status = "unannotated"
    fx["gold/gold-unannotated"] = _one(waiting)
    fx["queue/queue-annotated"] = _one(v12("queue-annotated"))
    v12_one("gold/annotation-status-missing", lambda d: setattr(d, "status", None))

    # Level 5
    for code, split in (("text-in-two-splits", "test"), ("duplicate-text", "train")):
        first = doc(code)
        again = base(f"fx-{code}-copy", split=split, body=BODY.replace(" ", "  ", 1))
        again.entities, again.clusters, again.events, again.stances = [], [], [], []
        fx[code] = ([line(first.record()), line(again.record())], [first, again])
    fx["pii-ip-address"] = _one(doc("pii-ip-address", "ونشر الخبر من العنوان 192.0.2.17 في 2023 بنسبة 99%."))
    fx["pii-email"] = _one(doc("pii-email", "وللتواصل: newsroom@example.org أو عبر الموقع."))
    fx["pii-phone"] = _one(doc("pii-phone", "وللتواصل: +971 50 123 4567 أو 0791 234 567."))
    stamp = base64.b64encode(b"ip: 198.51.100.23 ").decode("ascii")
    fx["pii-base64-token"] = _one(doc("pii-base64-token", f"وانتهى التقرير {stamp} هنا."))
    return fx


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.append(path)


def generate(root: Path = HERE) -> list[Path]:
    """Write ``root/valid`` and ``root/invalid`` (records and their raw files); returns the files written."""
    written: list[Path] = []
    for name, makers in VALID.items():
        docs = [make() for make in makers]
        _write(root / "valid" / name, b"".join(line(d.record()) + b"\n" for d in docs), written)
        for d in docs:
            _write(root / "valid" / "raw" / f"{d.id}.txt", d.raw_bytes(), written)
    table = fixtures()
    missing = set(CHECKS) - {name.split("/")[-1] for name in table}
    if missing:
        raise SystemExit(f"no fixture for: {', '.join(sorted(missing))}")
    for code, (lines, docs) in sorted(table.items()):
        _write(root / "invalid" / f"{code}.jsonl", b"".join(ln + b"\n" for ln in lines), written)
        for d in docs:
            _write(root / "invalid" / "raw" / f"{d.id}.txt", d.raw_bytes(), written)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    files = generate(out)
    print(f"wrote {len(files)} files under {out}")
