"""The validator's fast path (typed decode + boolean checks) and its --jobs/shard mode give the reporting levels'
exact verdicts and findings: on every fixture, on synthetic corpora, and on random corruptions of valid records."""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aces.schema import known_versions
from aces.validate import collect_files, fast, fast_record, shards
from aces.validate.fast_schema import decoder
from aces.validate.findings import Sink
from aces.validate.level1_file import parse_line
from aces.validate.level2_schema import check_schema
from aces.validate.level3_refs import corpus_dir_of, place_of
from aces.validate.runner import Validation
from strategies import records, write_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import write_corpus as write_synthetic

DATA = Path(__file__).parent / "data"
FIXTURE_FILES = sorted(DATA.rglob("*.jsonl"))


def slow_findings(raw: bytes, path: Path) -> list:
    """The reporting levels alone, on one line, with no other record seen."""
    return Validation(fast=False, cross_document=False).check_line(raw, str(path), 1, corpus_dir_of(path))


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def as_dicts(findings: list) -> list[dict]:
    return [f.to_dict() for f in findings]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_fast_path_verdict_equals_the_levels_on_every_fixture_line(path: Path) -> None:
    for raw in lines_of(path):
        proved_clean = fast.clean(raw, corpus_dir_of(path), place=place_of(path)) is not None
        assert proved_clean == (slow_findings(raw, path) == []), raw[:120]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_typed_decode_accepts_exactly_what_level_2_accepts(path: Path) -> None:
    for raw in lines_of(path):
        sink = Sink(str(path), 1)
        record = parse_line(raw, sink)
        level2 = record is not None and check_schema(record, sink) is not None
        try:
            decoder().decode(raw.removeprefix(b"\xef\xbb\xbf"))  # (a BOM is level 1's business)
            typed = True
        except (msgspec.MsgspecError, ValueError):
            typed = False
        assert typed == level2, raw[:120]


def test_every_known_version_has_a_fast_decoder() -> None:
    from aces.validate.fast_schema import record_type

    assert all(record_type(v) is not None for v in known_versions())


@pytest.mark.parametrize("jobs", [1, 2])
def test_whole_runs_give_the_same_findings_fast_slow_and_in_parallel(
    tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_synthetic(tmp_path, 80, seed=4, corrupt_rate=0.2, shards=2)
    first, second = corpus.files
    # Cross-document problems across the shard (and range) boundary: a repeated document, a repeated text.
    lines = lines_of(first)
    twin = json.loads(lines[2])
    twin["id"] = "twin-doc"
    with open(second, "ab") as handle:
        handle.write(lines[0])
        handle.write(json.dumps(twin, ensure_ascii=False).encode() + b"\n")
    files = collect_files([tmp_path, *[DATA / "invalid"]])
    monkeypatch.setattr(shards, "CHUNK_BYTES", 50_000)  # many ranges per file
    expected = as_dicts(Validation(fast=False).check_files(files))
    assert {"duplicate-id", "duplicate-text", "span-text-mismatch"} <= {f["code"] for f in expected}
    assert as_dicts(Validation().check_files(files, jobs=jobs)) == expected
    merged = shards.merge_shards([shards.check_shard(f) for f in files])
    assert as_dicts(merged.findings) == expected
    without = as_dicts(Validation(cross_document=False).check_files(files, jobs=jobs))
    assert without == [f for f in expected if not _across_documents(f)]


def _across_documents(finding: dict) -> bool:
    """A finding only the corpus-wide search reports: a repeated text, or an id first seen on another line."""
    if finding["code"] in {"duplicate-text", "text-in-two-splits"}:
        return True
    first = finding["refs"][0] if finding["refs"] else {}
    return finding["code"] == "duplicate-id" and (first["file"], first["line"]) != (finding["file"], finding["line"])


# -- random corruptions of valid records -------------------------------------------------------------------------

VALUES = (None, "", "x", -1, 0, 1, 2.0, 10**6, [], {}, True, "NOT-A-LABEL", "doc:m1", " ", "\u200b", "e\u0301")


def _paths(value: object, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*here, i))
    return out


def _get(value: object, path: tuple) -> object:
    for key in path:
        value = value[key]  # type: ignore[index]
    return value


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[dict, dict]:
    """A valid record and a copy with one to three random edits: a value replaced, nudged, copied from elsewhere,
    a key dropped or added; most edits break something, some do not."""
    original = draw(records(version=draw(st.sampled_from(known_versions()))))
    record = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(record) if p]
        path = draw(st.sampled_from(paths))
        parent, key = _get(record, path[:-1]), path[-1]
        old = parent[key]
        action = draw(st.sampled_from(("replace", "nudge", "copy", "drop", "add")))
        if action == "replace":
            parent[key] = draw(st.sampled_from(VALUES))
        elif action == "nudge" and isinstance(old, int) and not isinstance(old, bool):
            parent[key] = old + draw(st.sampled_from((-2, -1, 1, 2)))
        elif action == "nudge" and isinstance(old, str):
            parent[key] = draw(st.sampled_from((old + "x", old[1:], old.upper(), old + " ")))
        elif action == "copy":
            parent[key] = copy.deepcopy(_get(record, draw(st.sampled_from(paths))))
        elif action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif action == "drop" and isinstance(parent, list):
            parent.pop(key)
        elif action == "add" and isinstance(old, dict):
            old[draw(st.sampled_from(("extra", "id", "text", "kind", "ref", "polarity")))] = draw(
                st.sampled_from(VALUES)
            )
    return original, record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted())
def test_fast_path_verdict_equals_the_levels_on_random_corruptions(pair: tuple[dict, dict]) -> None:
    original, record = pair
    with tempfile.TemporaryDirectory() as tmp:
        gold = write_corpus(tmp, [original])  # the raw file is the original's
        raw = json.dumps(record, ensure_ascii=False).encode() + b"\n"
        findings = slow_findings(raw, gold)
        assert (fast.clean(raw, corpus_dir_of(gold), place=place_of(gold)) is not None) == (findings == []), [
            f.code for f in findings
        ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_drawn_valid_records_take_the_fast_path(record: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gold = write_corpus(tmp, [record])
        assert fast.clean(lines_of(gold)[0], corpus_dir_of(gold), place=place_of(gold)) is not None


# -- batches: what one line of a batch gets does not depend on the other lines ------------------------------------


def test_a_batch_gives_each_line_of_a_corrupted_corpus_the_verdict_it_gets_alone(tmp_path: Path) -> None:
    corpus = write_synthetic(tmp_path, 300, seed=11, corrupt_rate=0.25)
    raws = [raw for path in corpus.files for raw in lines_of(path)]
    corpus_dir = corpus_dir_of(corpus.files[0])
    place = place_of(corpus.files[0])
    alone = [fast.clean(raw, corpus_dir, place=place) is not None for raw in raws]
    assert 0 < sum(alone) < len(raws)
    for size in (7, fast.BATCH_LINES, len(raws)):
        batched = [
            v for i in range(0, len(raws), size) for v in fast.clean_batch(raws[i : i + size], corpus_dir, place=place)
        ]
        assert [v is not None for v in batched] == alone


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_fixture_lines_keep_their_verdict_among_clean_lines(path: Path, tmp_path: Path) -> None:
    clean_lines = lines_of(write_synthetic(tmp_path, 6, seed=3).files[0])
    fixture = lines_of(path)
    mixed = [line for pair in zip(clean_lines, fixture, strict=False) for line in pair] + fixture[len(clean_lines) :]
    verdicts = fast.clean_batch(mixed, corpus_dir_of(path), place=place_of(path))
    for raw, verdict in zip(mixed, verdicts, strict=True):
        if raw in fixture:
            assert (verdict is not None) == (slow_findings(raw, path) == []), raw[:120]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(corrupted(), min_size=2, max_size=6))
def test_a_batch_of_random_corruptions_gets_the_levels_verdict_line_by_line(pairs: list[tuple[dict, dict]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gold = write_corpus(tmp, [original for original, _ in pairs])
        raws = [json.dumps(record, ensure_ascii=False).encode() + b"\n" for _, record in pairs]
        verdicts = fast.clean_batch(raws, corpus_dir_of(gold), place=place_of(gold))
        expected = [slow_findings(raw, gold) == [] for raw in raws]
        assert [v is not None for v in verdicts] == expected


_EDGE_ALPHABET = "وفبلكسالمدينةقت" + "\u064e\u064f\u0650\u0651\u064b" + ' ،.!«»"%٪' + "😀🏽\u200d\ufe0f" + "1٢aZ" + "\n"


@settings(max_examples=400, deadline=None)
def _edges_of(texts: list[str], spans: list[tuple[int, int, int]]) -> tuple[list[bool], list[bool]]:
    """The batch verdict and level 4's ``edge_ok`` for spans ``(text index, start, end)`` over ``texts``."""
    from types import SimpleNamespace

    import numpy as np

    from aces.schema import CURRENT_VERSION
    from aces.validate import fast_batch, fast_chars
    from aces.validate.level4_guidelines import edge_ok

    inv = fast_record.inventory(CURRENT_VERSION)
    pending = [SimpleNamespace(text=t, inv=inv) for t in texts]
    joined, bases = fast_batch.join_texts(texts)
    cps = fast_chars.code_points(joined)
    owner = np.array([k for k, _, _ in spans])
    starts = np.array([s for _, s, _ in spans]) + bases[owner]
    ends = np.array([e for _, _, e in spans]) + bases[owner]
    batch = fast_batch.Joined(pending, cps, fast_chars.classes(cps), bases)
    got = fast_batch.edges_ok(batch, starts, ends, owner).tolist()
    return got, [edge_ok(texts[k], s, e, inv.proclitics, inv.proclitics_max) for k, s, e in spans]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(_EDGE_ALPHABET, min_size=1, max_size=24), min_size=1, max_size=3), st.data())
def test_span_edges_over_joined_texts_follow_the_level_4_rule(texts: list[str], data: st.DataObject) -> None:
    """Proclitic runs (with and without harakat), emoji, punctuation, spans at either end of a text."""
    spans = [
        (k, start, end)
        for k, text in enumerate(texts)
        for start, end in data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text)))))
        if start < end
    ]
    if spans:
        got, expected = _edges_of(texts, spans)
        assert got == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "ok"),
    [
        ("قال والمدينة", 5, 12, True),  # و + the span
        ("قال وَالمدينة", 6, 13, True),  # و with a fatha before the span: the mark is skipped
        ("قال وَالمدينة", 5, 13, False),  # a span may not start on a mark
        ("قال فبالمدينة", 6, 13, True),  # two proclitics
        ("قال وفبلالمدينة", 8, 15, False),  # four: more than proclitics_max
        ("قال تالمدينة", 5, 12, False),  # ت is no proclitic
        ("😀والمدينة", 2, 9, True),  # an emoji is no word character: the run starts after it
        ("المدينة", 0, 7, True),
        ("المدينة ", 0, 8, False),  # ends on whitespace
        ("المدينةُ", 0, 7, False),  # ends before a mark of the last letter: inside the word
        ("قال لـ22 دولة", 6, 13, True),  # ل and its tatweel before the span (the treebank's «لـ22»)
        ("قال لـ22 دولة", 5, 13, False),  # a span may not start on the tatweel
        ("قال تـ22 دولة", 6, 13, False),  # ت is no proclitic, tatweel or not
        ("قادة »حماس« اليوم", 0, 11, True),  # ends on the mark closing the quote it opened
        ("قادة »حماس« اليوم", 0, 10, True),  # ends on the name (the lone mark is GUIDELINES' concern)
        ("حماس« اليوم", 0, 5, False),  # a closing mark with nothing opened inside
        ('منظمة "الأونكتاد" اليوم', 0, 17, True),
    ],
)
def test_span_edges_at_proclitics_and_marks(text: str, start: int, end: int, ok: bool) -> None:
    got, expected = _edges_of([text, text], [(0, start, end), (1, start, end)])
    assert expected == [ok, ok]
    assert got == expected


def test_raw_files_larger_than_one_read_are_read_whole(tmp_path: Path) -> None:
    from aces.paths import read_raw

    data = ("خبر عاجل 😀 " * 200_000).encode()  # ~3.6 MB, more than one read
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "raw.txt").write_bytes(data)
    assert read_raw(tmp_path, "raw/raw.txt") == data


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(" \t\n\r\u00a0\u2028\u3000\x1c" + "ابت😀a1\u200d", max_size=20), min_size=1, max_size=5))
def test_batch_text_digests_are_the_duplicate_searchs_digests(texts: list[str]) -> None:
    """Whitespace of every kind str.split knows, at either end of a text, in runs, and texts of only whitespace."""
    import numpy as np

    from aces.validate import fast_batch, fast_chars
    from aces.validate.level5_corpus import text_digest

    joined, bases = fast_batch.join_texts(texts)
    cps = fast_chars.code_points(joined)
    lengths = np.array([len(t) for t in texts])
    got = fast_batch.text_digests(cps, fast_chars.classes(cps), bases, lengths)
    assert got == [text_digest(t) for t in texts]


def test_a_stored_text_of_the_wrong_length_does_not_shift_the_next_records_comparison(tmp_path: Path) -> None:
    corpus = write_synthetic(tmp_path, 4, seed=5)
    lines = lines_of(corpus.files[0])
    broken = json.loads(lines[0])
    broken["entities"][0]["text"] += "ـ"  # one character longer than its span
    raws = [json.dumps(broken, ensure_ascii=False).encode() + b"\n", *lines[1:]]
    verdicts = fast.clean_batch(raws, corpus_dir_of(corpus.files[0]), place=place_of(corpus.files[0]))
    assert [v is not None for v in verdicts] == [False, True, True, True]
    # and a later record whose stored text differs by one character of the same length is still caught
    later = json.loads(lines[3])
    later["entities"][0]["text"] = "x" + later["entities"][0]["text"][1:]
    raws[3] = json.dumps(later, ensure_ascii=False).encode() + b"\n"
    verdicts = fast.clean_batch(raws, corpus_dir_of(corpus.files[0]), place=place_of(corpus.files[0]))
    assert [v is not None for v in verdicts] == [False, True, True, False]
