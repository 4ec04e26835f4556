"""The checks' edges, one behaviour per test: what passes, what is caught, and with which code."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import aces
from aces.validate import PathProblem, Report
from aces.validate.checks import CHECKS

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
assert _spec and _spec.loader
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def check(tmp_path: Path, *docs, lines: list[bytes] | None = None, level: int = 5) -> Report:
    """Validate records built with the fixture ``Doc`` builder (raw files written beside them)."""
    (tmp_path / "raw").mkdir(exist_ok=True)
    body = [fixtures.line(d.record()) if isinstance(d, fixtures.Doc) else fixtures.line(d) for d in docs]
    for d in docs:
        if isinstance(d, fixtures.Doc):
            (tmp_path / "raw" / f"{d.id}.txt").write_bytes(d.raw_bytes())
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(x + b"\n" for x in (lines or body)))
    return aces.validate(path, level=level)


def codes(report: Report) -> set[str]:
    return {f.code for f in report.findings}


def one_paragraph(text: str, doc_id: str = "t") -> fixtures.Doc:
    return fixtures.Doc(doc_id, [("paragraph", text)])


@pytest.mark.parametrize(
    ("text", "needle", "after", "expected"),
    [
        ("قال وبلكابول اليوم", "كابول", None, set()),  # three proclitics (the maximum)
        ("قال فوبلكابول اليوم", "كابول", None, {"span-starts-inside-word"}),  # four
        ("قال وَبِكابول اليوم", "كابول", None, set()),  # harakat on the proclitics do not count
        ("قال مكابول اليوم", "كابول", None, {"span-starts-inside-word"}),  # م is no proclitic
        ("وصلوا للولايات المتحدة", "لولايات المتحدة", None, set()),  # ل + ال → لل, span keeps the article's ل
        ("قال قواتها اليوم", "قواتها", None, set()),  # enclitic pronoun inside
        ("قال قواتها اليوم", "قوات", None, {"span-ends-inside-word"}),
        ("قال 🔥كابول👍🏽 اليوم", "كابول", None, set()),  # emoji glued to both edges
        ("قال 🕊️كابول اليوم", "كابول", None, set()),  # U+FE0F of the emoji is no word character
        ("قال «كابول» اليوم", "«كابول»", None, {"span-edge-punctuation"}),
        ("نسبة 99% اليوم", "99%", None, set()),  # a percent sign may close a span
        ("قال 12 من »الاخوان« اليوم", "12 من »الاخوان«", None, set()),  # closes the quote it opened (§5.11)
        ("قال قادة »حماس« و»الجهاد« اليوم", "قادة »حماس« و»الجهاد«", None, set()),
        ("قال الاخوان« اليوم", "الاخوان«", None, {"span-edge-punctuation"}),  # closes nothing opened inside
        ("قال 12 من »الاخوان« و»حماس« اليوم", "12 من »الاخوان« و»حماس", None, set()),  # ends on a word
        ("قال »حماس« و»الجهاد« اليوم", "حماس« و»الجهاد«", None, {"span-edge-punctuation"}),  # 3 marks: odd
    ],
)
def test_span_boundaries(tmp_path: Path, text: str, needle: str, after: str | None, expected: set[str]) -> None:
    d = one_paragraph(text)
    d.singleton(needle, "GPE", after=after)
    assert codes(check(tmp_path, d)) == expected


def test_span_starting_on_a_combining_mark_starts_inside_a_word(tmp_path: Path) -> None:
    d = one_paragraph("قال بِكابول اليوم")
    mid = d.mention("كابول", "GPE")
    d.cluster("كابول", mid)
    d.entities[0].update(start=d.entities[0]["start"] - 1, text="\u0650كابول")
    assert codes(check(tmp_path, d)) == {"span-starts-inside-word"}


def test_nested_mentions_pass_and_crossing_ones_fail(tmp_path: Path) -> None:
    d = one_paragraph("زار محافظ بلخ السابق كابول")
    d.singleton("محافظ بلخ السابق", "PER", "NOM")
    d.singleton("محافظ بلخ", "PER", "NOM")  # same start, shorter: nested
    d.singleton("بلخ", "GPE")
    assert codes(check(tmp_path, d)) == set()
    d.singleton("السابق كابول", "PER", "NOM")
    report = check(tmp_path, d)
    assert codes(report) == {"crossing-mentions"}
    assert report.findings[0].refs[0].ann_id == "t:m1"


@pytest.mark.parametrize(
    "text",
    [
        "قتل 6 وأصيب 12 آخرون بنسبة 99% في 2023 و1990-2000 بتاريخ 2023-01-15 وكلف 1,500,000 دولار و3.5% و10.30",
        "نقل 👨\u200d👩\u200d👧 و 👁️\u200d🗨️ عبر Transparency Organization Commissioner",
        # the same in Arabic-Indic and fullwidth digits, and times, ratios and slugs
        "قتل ٦ وأصيب ١٢ بنسبة ٩٩٪ في ٢٠٢٣ و١٩٩٠-٢٠٠٠ بتاريخ ٢٠٢٣-٠١-١٥ وكلف ١٬٥٠٠٬٠٠٠ دولار و٣٫٥٪ و١٠.٣٠",
        "في عام ２０２３ بنسبة ９９% الساعة ١٠:٣٠ و10:30:45 بنتيجة 3:1 عبر std::vector و al-jazeera-net-news",
        "نقل ۱۲ عنصرا في ۲۰۲۳ بتاريخ ۲۰۲۳/۱۰/۰۵",
    ],
)
def test_ordinary_text_is_not_personal_data_or_invisible(tmp_path: Path, text: str) -> None:
    assert codes(check(tmp_path, one_paragraph(text))) == set()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("اتصل على 00971501234567 اليوم", "pii-phone"),
        ("اتصل على ٠٧٩١٢٣٤٥٦٧ اليوم", "pii-phone"),
        ("اتصل على 079-123-4567 اليوم", "pii-phone"),
        ("العنوان 10.0.0.1.", "pii-ip-address"),
        ("راسلونا: a.b-c@mail.example.com", "pii-email"),
        ("ختم aGVsbG8gd29ybGQ= النهاية", "pii-base64-token"),
        # look-alikes: digits of other scripts and widths, IPv6, URL-safe base64 (issue 19, item 8)
        ("العنوان ٣.٢١.٢٤٧.٧٨ اليوم", "pii-ip-address"),
        ("العنوان ۱۹۲.۰.۲.۱۷ اليوم", "pii-ip-address"),
        ("العنوان １９２.１６８.０.１ اليوم", "pii-ip-address"),
        ("العنوان 2001:db8::8a2e:370:7334 اليوم", "pii-ip-address"),
        ("العنوان fe80::1 اليوم", "pii-ip-address"),
        ("العنوان ::ffff:192.0.2.17 اليوم", "pii-ip-address"),
        ("راسلونا: info＠example.com", "pii-email"),
        ("راسلونا: ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "pii-email"),
        ("اتصل على ＋９７１ ５０ １２３ ４５６７ اليوم", "pii-phone"),
        ("ختم aXA6IDE5OC41MS4xMDAuMjMgfn5-Pj4- النهاية", "pii-base64-token"),  # URL-safe, unpadded
        ("ختم aXA6IDE5OC41MS4xMDAuMjMgfn5-Pj4-Pw== النهاية", "pii-base64-token"),  # URL-safe, padded
        ("كلمة\u200dكلمة", "zero-width-char"),  # a ZWJ between Arabic letters is no emoji sequence
        ("كلمة\u200cكلمة", "zero-width-char"),
        ("كلمة\u2067كلمة\u2069", "bidi-control"),
        ("كلمة\rكلمة", "control-char"),
    ],
)
def test_personal_data_and_invisible_characters_are_caught(tmp_path: Path, text: str, code: str) -> None:
    assert codes(check(tmp_path, one_paragraph(text))) == {code}


@pytest.mark.parametrize(
    ("text", "found"),
    [("قال ﷺ ثم العنوان ٣.٢١.٢٤٧.٧٨", "٣.٢١.٢٤٧.٧٨"), ("ﷺ راسلونا: info＠example.com", "info＠example.com")],
)
def test_personal_data_offsets_are_those_of_the_original_text(tmp_path: Path, text: str, found: str) -> None:
    """ﷺ is one code point that NFKC makes eighteen: a finding's offset must not move with it."""
    from aces.validate import fast

    d = one_paragraph(text)
    (finding,) = check(tmp_path, d).findings
    assert f"first at offset {text.index(found)}: {found[:3] + '…'!r}" in finding.message
    assert fast.clean(fixtures.line(d.record()), tmp_path) is None


def test_personal_data_is_masked_in_the_message(tmp_path: Path) -> None:
    report = check(tmp_path, one_paragraph("راسلونا: someone@example.com"))
    assert "someone@example.com" not in report.findings[0].message


def test_a_record_failing_the_schema_is_not_checked_further_but_its_id_counts(tmp_path: Path) -> None:
    broken = one_paragraph("نص أول", "same").record()
    del broken["lang"]
    broken["entities"] = [{"id": "same:m1", "start": 0, "end": 2, "text": "xx", "type": "NOPE", "form": "NAM"}]
    second = one_paragraph("نص ثان", "same")
    report = check(tmp_path, broken, second)
    assert [(f.line, f.code) for f in report.findings] == [(1, "schema-required"), (2, "duplicate-id")]


def test_unknown_version_is_reported_alone(tmp_path: Path) -> None:
    record = one_paragraph("نص").record()
    record["schema_version"] = "2.0.0"
    record["entities"] = "not even a list"
    assert [f.code for f in check(tmp_path, record).findings] == ["unknown-schema-version"]


def test_float_offsets_are_a_type_error_not_a_crash(tmp_path: Path) -> None:
    d = one_paragraph("قال كابول اليوم")
    d.singleton("كابول", "GPE")
    record = d.record()
    record["entities"][0]["start"] = float(record["entities"][0]["start"])
    report = check(tmp_path, record)
    assert [f.code for f in report.findings] == ["schema-type"]
    assert report.findings[0].ann_id == "t:m1"


def test_schema_variant_errors_are_explained_through_the_intended_shape(tmp_path: Path) -> None:
    d = one_paragraph("قال كابول اليوم")
    mid = d.singleton("كابول", "GPE")
    d.stance({"kind": "entity"}, {"kind": "entity", "ref": mid}, "FAVOR", [d.span("قال")])
    d.event("Contact.Statement", "قال", [], status="claimed", source="not an id")
    report = check(tmp_path, d)
    assert [(f.code, f.ann_id) for f in report.findings] == [("schema-pattern", "t:e1"), ("schema-required", "t:st1")]
    assert report.findings[1].message.startswith('$.stances[0].holder: "ref" is a required property')


def test_report_api(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_bytes(b"[1]\n" * 3 + b"\n")
    report = aces.validate([tmp_path / "x.jsonl"], max_err=1)
    assert not report.ok
    assert (report.errors, report.warnings) == (4, 0)
    assert report.counts == {"not-an-object": 3, "blank-line": 1}
    assert [f.code for f in report.findings] == ["not-an-object", "blank-line"]
    assert report.suppressed == 2
    assert report.summary().splitlines()[0] == "FAILED: 4 errors, 0 warnings"
    assert aces.validate(DATA / "valid").ok
    assert json.loads(json.dumps(report.findings[0].to_dict()))["code"] == "not-an-object"
    with pytest.raises(PathProblem):
        aces.validate(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError):
        aces.validate(DATA / "valid", level=0)


def test_every_code_can_be_reported_only_through_the_registry() -> None:
    from aces.validate.findings import Sink

    with pytest.raises(KeyError):
        Sink("f", 1).add("not-a-registered-code", "x")
    sink = Sink("f", 1)
    sink.add("dangling-ref", "x")
    assert (sink.findings[0].level, sink.findings[0].severity) == (CHECKS["dangling-ref"].level, "error")


def test_json_nested_too_deeply_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    report = check(tmp_path, lines=[b"[" * 100_000 + b"]" * 100_000, b'{"a": NaN}'])
    assert [(f.line, f.code) for f in report.findings] == [(1, "invalid-json"), (2, "invalid-json")]


def _verdicts(tmp_path: Path, d: fixtures.Doc) -> tuple[set[str], bool]:
    """The reporting levels' codes for one record, and whether the fast path proves the line clean."""
    from aces.validate import fast

    report = check(tmp_path, d)
    proved = fast.clean(fixtures.line(d.record()), tmp_path) is not None
    return codes(report), proved


def _statement(d: fixtures.Doc, content: str) -> str:
    """A second statement (on «إن») whose Content is ``content``."""
    return d.event("Contact.Statement", "إن", [("Content", content)])


@pytest.mark.parametrize(
    ("chain", "cycle"),
    [
        ("e3 → e3", "t:e3 → t:e3"),  # the statement reports itself
        ("e3 → e4 → e3", "t:e3 → t:e4 → t:e3"),  # two statements reporting each other
        ("e4 → e3 → e2", None),  # a chain that ends: no finding
    ],
)
def test_event_content_chains_that_return_to_their_event_are_caught(
    tmp_path: Path, chain: str, cycle: str | None
) -> None:
    d = fixtures.base("t")
    statement = d.events[2]  # e3: Contact.Statement, Content → e2
    if chain == "e3 → e3":
        statement["arguments"][1]["ref"] = "t:e3"
    elif chain == "e3 → e4 → e3":
        statement["arguments"][1]["ref"] = _statement(d, "t:e3")
    else:
        _statement(d, "t:e3")
    found, proved = _verdicts(tmp_path, d)
    assert found == ({"event-content-cycle"} if cycle else set())
    assert proved == (cycle is None)  # the fast path agrees
    if cycle:
        finding = check(tmp_path, d).findings[0]
        assert (finding.ann_id, finding.line) == ("t:e3", 1) and f"({cycle})" in finding.message


@pytest.mark.parametrize(
    ("removed", "code"),
    [
        ([(130, 128)], "removal-reversed"),
        ([(130, 130)], "removal-reversed"),  # empty
        ([(128, 140)], "removal-out-of-range"),  # the raw file has 137 code points
        ([(120, 130)], "removal-overlap"),  # over kept text (the one run keeps raw [0, 124))
        ([(125, 131), (130, 137)], "removal-overlap"),  # over each other
        ([(124, 131), (131, 137)], None),  # adjacent ranges, each next to kept text
    ],
)
def test_removed_ranges_are_checked_against_the_offset_map_the_raw_file_and_each_other(
    tmp_path: Path, removed: list[tuple[int, int]], code: str | None
) -> None:
    d = fixtures.base("t")
    assert len(d.raw) == 124
    d.raw += "\nrelated link"  # a line end and 12 code points of debris after the kept text
    d.removed = [{"raw_start": a, "raw_end": b, "reason": "related-link"} for a, b in removed]
    found, proved = _verdicts(tmp_path, d)
    assert found == ({code} if code else set())
    assert proved == (code is None)
    if code:
        finding = check(tmp_path, d).findings[0]
        assert (finding.doc_id, finding.line) == ("t", 1) and f"[{removed[-1][0]}, " in finding.message


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_empty_file_is_an_error_not_zero_records_checked(tmp_path: Path, jobs: int) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    valid = sorted((DATA / "valid").glob("*.jsonl"))  # (two files, so that --jobs 2 does split the work)
    report = aces.validate([tmp_path / "empty.jsonl", *valid], jobs=jobs)
    assert not report.ok
    assert [(f.file, f.line, f.code) for f in report.findings] == [(str(tmp_path / "empty.jsonl"), 1, "empty-file")]
