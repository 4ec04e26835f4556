"""``aces.versions.agree`` on two hand-annotated passes of a short Arabic text, with known answers.

Fixture ``tests/data/versions/pass-{a,b}`` (written by ``build.py`` there). Document vtest-001:
«🔴 هجوم في كابول\\nأعلنت حركة طالبان الإثنين أن قواتها قتلت 6 عناصر من تنظيم داعش الإرهابي في كابول. ورحبت
باكستان بالعملية، وقالت إسلام آباد إن التنظيم يهدد المنطقة.» — the title starts with an emoji (one code point).

Mentions. A (9): كابول(title) GPE, حركة طالبان ORG, 6 عناصر PER, تنظيم داعش ORG, كابول GPE, باكستان GPE,
إسلام آباد GPE, التنظيم ORG, المنطقة LOC. B (10): the same except: no «6 عناصر»; «داعش» instead of «تنظيم داعش»;
«المنطقة» typed GPE; added «طالبان» (nested in «حركة طالبان») and «الإثنين» DATE.

Clusters. A: {كابول, كابول} {حركة طالبان} {6 عناصر} {تنظيم داعش, التنظيم} {باكستان, إسلام آباد} {المنطقة}.
B: {كابول, كابول} {حركة طالبان, طالبان} {الإثنين} {داعش, التنظيم} {باكستان} {إسلام آباد} {المنطقة}.

Events. A: e1 Statement «أعلنت» (Speaker=mention حركة طالبان, Content=e2) asserted; e2 Life.Die «قتلت»
(Agent=cluster Taliban, Victim=6 عناصر, Place=كابول) claimed; e3 Attack «هجوم» (Place=كابول title) asserted;
e4 Statement «قالت» (Speaker=إسلام آباد) asserted. B: e1 same but Speaker=cluster Taliban; e2 Agent=mention
حركة طالبان, Place=كابول, no Victim, asserted; e3 same; e4 typed Contact.Request (Requester=إسلام آباد); e5 Attack
«العملية» with no argument.

Stances. A: author AGAINST cluster ISIS; باكستان FAVOR e2; إسلام آباد FAVOR «التنظيم يهدد المنطقة»; حركة طالبان
FAVOR e2. B: author AGAINST mention «داعش»; باكستان FAVOR e2; إسلام آباد AGAINST «يهدد المنطقة»; author NEUTRAL
cluster Taliban.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from aces import record as rec
from aces.versions.agree import agree
from aces.versions.load import read_side

DATA = Path(__file__).parent / "data" / "versions"


@pytest.fixture(scope="module")
def passes() -> tuple[list[rec.Record], list[rec.Record]]:
    return read_side(DATA / "pass-a").records, read_side(DATA / "pass-b").records


@pytest.fixture(scope="module")
def result(passes: tuple[list[rec.Record], list[rec.Record]]) -> dict:
    return agree(*passes)


def doc(records: list[rec.Record], doc_id: str = "vtest-001") -> rec.Record:
    return next(r for r in records if r.id == doc_id)


def test_documents_on_one_side_or_with_other_text_are_listed_not_scored(result: dict) -> None:
    assert result["documents"] == {
        "a": 3,
        "b": 3,
        "compared": 1,
        "only_a": ["vtest-002"],
        "only_b": ["vtest-003"],
        "not_comparable": ["vtest-004"],  # B inserted «قد»: offsets would not line up
    }


def test_mentions(result: dict) -> None:
    m = result["mentions"]
    # exact: كابول×2, حركة طالبان, باكستان, إسلام آباد, التنظيم = 6 of A 9 / B 10
    # P = 6/10, R = 6/9, F1 = 2·(6/10)·(6/9)/(6/10+6/9) = 12/19
    assert (m["exact"]["matched"], m["exact"]["a"], m["exact"]["b"]) == (6, 9, 10)
    assert m["exact"]["precision"] == pytest.approx(6 / 10)
    assert m["exact"]["recall"] == pytest.approx(6 / 9)
    assert m["exact"]["f1"] == pytest.approx(2 * (6 / 10) * (6 / 9) / (6 / 10 + 6 / 9)) == pytest.approx(12 / 19)
    # overlap: + «تنظيم داعش»~«داعش» (ORG). «حركة طالبان» overlaps B's «حركة طالبان» (11) and «طالبان» (6):
    # the larger overlap wins, so B's nested «طالبان» stays unmatched. 7 → F1 = 14/19
    assert m["overlap"]["matched"] == 7 and m["overlap"]["f1"] == pytest.approx(14 / 19)
    # span, type ignored: the 6 exact + «المنطقة» (LOC vs GPE) = 7 → F1 = 14/19
    assert m["span"]["matched"] == 7 and m["span"]["f1"] == pytest.approx(14 / 19)


def test_mentions_per_type(result: dict) -> None:
    per = result["mentions"]["per_type"]
    # ORG: A 3 (حركة طالبان, تنظيم داعش, التنظيم), B 4 (+طالبان, داعش); exact 2 → 2·2/7; overlap 3 → 2·3/7
    assert per["ORG"]["exact"]["f1"] == pytest.approx(4 / 7)
    assert per["ORG"]["overlap"]["f1"] == pytest.approx(6 / 7)
    # GPE: A 4, B 5 (B's المنطقة), 4 matched → 8/9
    assert per["GPE"]["exact"]["f1"] == pytest.approx(8 / 9)
    assert per["PER"]["exact"] == {"a": 1, "b": 0, "matched": 0, "precision": None, "recall": 0.0, "f1": 0.0}
    assert per["DATE"]["exact"]["recall"] is None and per["DATE"]["exact"]["precision"] == 0.0
    # types nobody used are present (stable keys) and undefined
    assert per["WEA"]["exact"]["f1"] is None
    assert list(per)[:8] == ["PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "WEA"]  # labels.json order


def test_type_confusion_and_kappa_on_span_matches(result: dict) -> None:
    m = result["mentions"]
    assert m["type_confusion"] == {"GPE": {"GPE": 4}, "LOC": {"GPE": 1}, "ORG": {"ORG": 2}}
    # 7 pairs, 6 agree: p_o = 6/7 = 42/49; A: GPE 4, ORG 2, LOC 1; B: GPE 5, ORG 2
    # p_e = (4·5 + 2·2 + 1·0)/49 = 24/49; κ = (42-24)/(49-24) = 18/25 = 0.72
    assert m["type_agreement"]["observed"] == pytest.approx(6 / 7)
    assert m["type_agreement"]["kappa"] == pytest.approx(18 / 25)


def test_clusters(result: dict) -> None:
    c = result["clusters"]
    # On the 7 span-matched mentions (k1 k2 = كابول, T = حركة طالبان, O = التنظيم, P = باكستان, I = إسلام آباد,
    # R = المنطقة): key A = {k1 k2} {T} {O} {P I} {R}; response B = {k1 k2} {T} {O} {P} {I} {R}.
    assert c["mentions"] == 7
    # MUC: key links 1 + 1 = 2, B keeps the Kabul link → R = 1/2; B's only link is in A → P = 1/1; F1 = 2/3
    assert (c["muc"]["recall"], c["muc"]["precision"]) == (pytest.approx(1 / 2), pytest.approx(1.0))
    assert c["muc"]["f1"] == pytest.approx(2 / 3)
    # B³: recall per mention 1,1,1,1,1/2,1/2,1 → 6/7; precision 1 (B's clusters lie inside A's); F1 = 12/13
    assert c["b3"]["recall"] == pytest.approx(6 / 7) and c["b3"]["precision"] == pytest.approx(1.0)
    assert c["b3"]["f1"] == pytest.approx(12 / 13)
    # CEAF-e: four identical pairs (φ4 = 1) + {P I}~{P} = 2·1/3; Φ = 14/3; R = (14/3)/5 = 14/15,
    # P = (14/3)/6 = 7/9; F1 = 2·(14/15)(7/9)/(14/15 + 7/9) = 28/33
    assert c["ceafe"]["recall"] == pytest.approx(14 / 15) and c["ceafe"]["precision"] == pytest.approx(7 / 9)
    assert c["ceafe"]["f1"] == pytest.approx(28 / 33)
    # CoNLL = (2/3 + 12/13 + 28/33)/3
    assert c["conll_f1"] == pytest.approx((2 / 3 + 12 / 13 + 28 / 33) / 3)


def test_events(result: dict) -> None:
    e = result["events"]
    # triggers span+type: أعلنت, قتلت, هجوم = 3 of A 4 / B 5 → F1 = 6/9; span only: + قالت → 8/9
    assert e["trigger"]["f1"] == pytest.approx(6 / 9)
    assert e["trigger_span"]["f1"] == pytest.approx(8 / 9)
    # arguments A 2+3+1+1 = 7, B 2+2+1+1+0 = 6. Matched: e1 Speaker (A mention vs B cluster holding it),
    # e1 Content (e2~e2), e2 Agent (A cluster vs B mention), e2 Place, e3 Place = 5; e4's arguments do not
    # count (its trigger was retyped). P = 5/6, R = 5/7, F1 = 10/13
    assert e["arguments"]["matched"] == 5
    assert e["arguments"]["f1"] == pytest.approx(10 / 13)
    # epistemic on e1 e2 e3: (asserted, asserted), (claimed, asserted), (asserted, asserted): p_o = 2/3;
    # A: asserted 2, claimed 1; B: asserted 3 → p_e = (2·3 + 1·0)/9 = 2/3 → κ = 0 (no better than chance)
    assert e["epistemic"]["observed"] == pytest.approx(2 / 3)
    assert e["epistemic"]["kappa"] == pytest.approx(0.0)


def test_stances(result: dict) -> None:
    s = result["stances"]
    # matched: author→ISIS (A cluster, B mention «داعش» whose cluster shares «التنظيم» with it),
    # باكستان→e2, إسلام آباد→proposition (spans overlap). A's Taliban→e2 and B's author→Taliban unmatched.
    # 3 of 4 / 4 → F1 = 6/8
    assert s["detection"]["f1"] == pytest.approx(0.75)
    # polarity pairs (AGAINST, AGAINST), (FAVOR, FAVOR), (FAVOR, AGAINST): κ = 0.4, α = 4/9
    # (arithmetic in tests/test_agree_scores.py::test_kappa_hand_table / test_alpha_hand_table)
    assert s["polarity"]["observed"] == pytest.approx(2 / 3)
    assert s["polarity"]["kappa"] == pytest.approx(0.4)
    assert s["polarity"]["alpha"] == pytest.approx(4 / 9)


def test_identical_inputs_agree_perfectly(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    a = [doc(passes[0])]
    r = agree(a, a)
    for path in (
        ("mentions", "exact"),
        ("mentions", "overlap"),
        ("mentions", "span"),
        ("events", "trigger"),
        ("events", "arguments"),
        ("stances", "detection"),
    ):
        assert r[path[0]][path[1]]["f1"] == 1.0, path
    assert r["clusters"]["conll_f1"] == pytest.approx(1.0)
    assert r["mentions"]["type_agreement"]["kappa"] == pytest.approx(1.0)
    assert r["events"]["epistemic"]["kappa"] == pytest.approx(1.0)  # A uses asserted and claimed
    assert r["stances"]["polarity"]["kappa"] == pytest.approx(1.0)
    assert r["stances"]["polarity"]["alpha"] == pytest.approx(1.0)


def test_swapping_sides_swaps_precision_and_recall_only(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    ab, ba = agree(*passes), agree(passes[1], passes[0])
    assert ab["mentions"]["exact"]["precision"] == pytest.approx(ba["mentions"]["exact"]["recall"])
    for layer, key in (("mentions", "overlap"), ("events", "arguments"), ("stances", "detection")):
        assert ab[layer][key]["f1"] == pytest.approx(ba[layer][key]["f1"])
    assert ab["clusters"]["conll_f1"] == pytest.approx(ba["clusters"]["conll_f1"])
    assert ab["stances"]["polarity"]["kappa"] == pytest.approx(ba["stances"]["polarity"]["kappa"])


def test_scores_are_micro_averaged_over_documents(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    # Add a second document that both sides annotated identically (A's vtest-001 under another id):
    # exact mentions (6 + 9) / (9 + 9) A, (10 + 9) B → F1 = 2·15/(18+19) = 30/37, not the mean of 12/19 and 1.
    copy = msgspec.structs.replace(doc(passes[0]), id="vtest-101")
    r = agree([doc(passes[0]), copy], [doc(passes[1]), copy])
    assert r["mentions"]["exact"]["f1"] == pytest.approx(30 / 37)
    assert [d["id"] for d in r["per_document"]] == ["vtest-001", "vtest-101"]
    assert r["per_document"][1]["mentions_f1"] == 1.0


def test_utf16_offsets_show_as_overlap_only(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    # A pass exported with UTF-16 offsets puts every span after the emoji (2 UTF-16 units, 1 code point)
    # one position late: exact and span matches vanish, overlap matches survive.
    a = doc(passes[0])
    shifted = tuple(
        msgspec.structs.replace(m, start=m.start + 1, end=m.end + 1) if m.start > 0 else m for m in a.entities
    )
    r = agree([a], [msgspec.structs.replace(a, entities=shifted)])
    assert r["mentions"]["exact"]["matched"] == 0 and r["mentions"]["span"]["matched"] == 0
    assert r["mentions"]["overlap"]["matched"] == 9


def test_wider_mention_is_an_overlap_not_an_exact_match(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    # B's second «كابول» swallows the preposition before it («في كابول»): same type, overlapping → overlap
    # match only. Exact 8 of 9, overlap 9 of 9.
    a = doc(passes[0])
    kabul = next(m for m in a.entities if m.text == "كابول" and m.start > 20)
    wider = msgspec.structs.replace(kabul, start=kabul.start - 3, text=a.text[kabul.start - 3 : kabul.end])
    assert wider.text == "في كابول"
    b = msgspec.structs.replace(a, entities=tuple(wider if m is kabul else m for m in a.entities))
    r = agree([a], [b])
    assert r["mentions"]["exact"]["matched"] == 8 and r["mentions"]["overlap"]["matched"] == 9


def test_proclitic_inside_a_trigger_breaks_the_trigger_match(
    passes: tuple[list[rec.Record], list[rec.Record]],
) -> None:
    # Guidelines keep proclitics outside triggers: A «قالت» [123:127]; B writes «وقالت» [122:127] with the
    # conjunction. Triggers need the exact span, so 3 of 4 match (F1 = 6/8) and e4's
    # argument is lost: arguments A 7, B 7, matched 6 → F1 = 12/14.
    a = doc(passes[0])
    e4 = a.events[3]
    assert e4.trigger.text == "قالت" and a.text[e4.trigger.start - 1] == "و"
    trigger = rec.Span(e4.trigger.start - 1, e4.trigger.end, "وقالت")
    b = msgspec.structs.replace(a, events=(*a.events[:3], msgspec.structs.replace(e4, trigger=trigger)))
    r = agree([a], [b])
    assert r["events"]["trigger"]["f1"] == pytest.approx(6 / 8)
    assert r["events"]["trigger_span"]["f1"] == pytest.approx(6 / 8)
    assert r["events"]["arguments"]["f1"] == pytest.approx(12 / 14)


def test_dangling_references_are_warned_about_not_fatal(passes: tuple[list[rec.Record], list[rec.Record]]) -> None:
    a = doc(passes[0])
    e1 = a.events[0]
    broken = msgspec.structs.replace(e1, arguments=(rec.Argument("Speaker", "vtest-001:m99"),))
    b = msgspec.structs.replace(a, events=(broken, *a.events[1:]))
    r = agree([a], [b])
    assert any("m99" in w and w.startswith("B vtest-001") for w in r["warnings"])
    # the broken argument matches nothing: A 7 arguments, B 6, 5 matched (the e1 Content one is gone)
    assert (r["events"]["arguments"]["a"], r["events"]["arguments"]["b"]) == (7, 6)
    assert r["events"]["arguments"]["matched"] == 5


def test_empty_inputs_give_undefined_scores_not_errors() -> None:
    r = agree([], [])
    assert r["documents"]["compared"] == 0
    assert r["mentions"]["exact"]["f1"] is None and r["clusters"]["conll_f1"] is None
    assert r["stances"]["polarity"]["kappa"] is None and r["stances"]["polarity"]["alpha"] is None
