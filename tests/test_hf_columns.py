"""The build's array path gives the rows of the reference path: tokens, BIO tags and tables, errors included."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aces.hf import rows as hf
from aces.hf.columns import columns
from aces.offsets import (
    TaggingError,
    base_bounds,
    base_tokens,
    bio_tags,
    flat_mentions,
    record_tokens,
    tag_records,
    utf8_offsets,
)
from aces.record import Mention, Provenance, Record, Segment
from hf_samples import renamed, sample_records
from spacy_samples import licensed_record

WORDS = ["ولفت", "لأفغانستان", 'و"داعش', "😀", "بكابول", "🇦🇫", "e", "50%", "«طالبان»", "👍🏽قال"]


def _record(doc_id: str, text: str, spans: list[tuple[int, int]], segments: list[tuple[int, int]]) -> Record:
    mentions = tuple(
        Mention(f"{doc_id}:m{i}", a, b, text[a:b] if 0 <= a <= b <= len(text) else "x", "PER", "NAM")
        for i, (a, b) in enumerate(spans, 1)
    )
    segs = tuple(Segment(f"{doc_id}:seg{i}", "paragraph", a, b) for i, (a, b) in enumerate(segments, 1))
    provenance = Provenance("s", "raw/x.txt", "0" * 64, (), ())
    return Record("1.1.0", doc_id, "ar", "train", text, provenance, segs, mentions)


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    out = []
    for n in range(draw(st.integers(1, 4))):
        text = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=8)))
        edge = st.integers(-2, len(text) + 2)
        spans = draw(st.lists(st.tuples(edge, edge), max_size=5))
        segments = draw(st.lists(st.tuples(edge, edge), max_size=3))
        out.append(_record(f"d{n}", text, spans, segments))
    return out


def _reference(record: Record, tag_ids: dict[str, int]) -> tuple[list[tuple[int, int]], list[int]]:
    tokens = record_tokens(record)
    return tokens, [tag_ids[t] for t in bio_tags(tokens, record.entities)]


@settings(deadline=None, max_examples=300)  # the first example loads spaCy's tokenizer
@given(records())
def test_tag_records_equals_record_tokens_and_bio_tags_record_by_record(batch: list[Record]) -> None:
    tag_ids = {"O": 0, "B-PER": 1, "I-PER": 2}
    expected, failure = [], None
    for i, record in enumerate(batch):
        try:
            expected.append(_reference(record, tag_ids))
        except ValueError as err:
            failure = (i, str(err))
            break
    if failure:
        with pytest.raises(TaggingError) as caught:
            tag_records(batch, tag_ids)
        assert (caught.value.index, str(caught.value)) == failure
        return
    got = tag_records(batch, tag_ids)
    assert len(got.starts) == sum(len(tokens) for tokens, _ in expected)
    k = 0
    for i, (tokens, tags) in enumerate(expected):
        base = int(got.bases[i])
        assert got.text[base : base + len(batch[i].text)] == batch[i].text
        for (start, end), tag in zip(tokens, tags, strict=True):
            assert (int(got.starts[k]) - base, int(got.ends[k]) - base, int(got.tags[k])) == (start, end, tag)
            k += 1


def test_a_tag_missing_from_the_inventory_names_its_record() -> None:
    good = _record("d1", "ولفت لأفغانستان", [(5, 15)], [(0, 15)])
    bad = msgspec.structs.replace(_record("d2", "ولفت لأفغانستان", [(6, 15)], [(0, 15)]))
    bad = msgspec.structs.replace(bad, entities=(msgspec.structs.replace(bad.entities[0], type="ALIEN"),))
    with pytest.raises(TaggingError, match="B-ALIEN") as caught:
        tag_records([good, bad], {"O": 0, "B-PER": 1, "I-PER": 2})
    assert caught.value.index == 1


def _flat_mentions_quadratic(mentions):
    chosen = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= c.start or c.end <= m.start for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=12))
def test_flat_mentions_keeps_the_outermost_layer_as_the_pairwise_check_does(spans) -> None:
    mentions = [Mention(f"d:m{i}", a, b, "x", "PER", "NAM") for i, (a, b) in enumerate(spans)]
    assert flat_mentions(mentions) == _flat_mentions_quadratic(mentions)


@pytest.mark.parametrize("config", hf.CONFIGS)
@pytest.mark.parametrize("size", [1, 5, 64])
def test_columns_give_the_tables_of_hf_rows(config: str, size: int) -> None:
    batch = [
        *sample_records(),
        renamed(licensed_record(), "t-hf-004", "train"),  # a source file among records without one
        _record("d9", "ولفت 😀 لأفغانستان", [(7, 17)], [(0, 4), (5, 17)]),
        _record("d10", "ولفت 😀 لأفغانستان", [(7, 17)], [(0, 17), (5, 17), (9, 40)]),  # overlapping segments
        _record("d11", "no segments", [], []),
    ]
    version = batch[0].schema_version
    batch = [msgspec.structs.replace(r, schema_version=version) for r in batch]
    rows = [row for record in batch for row in hf.rows(config, record)]
    gathered = columns(config, version)
    tables = []
    for record in batch:
        gathered.add(record)
        while gathered.pending >= size:
            tables.append(gathered.take(size))
    if gathered.pending:
        tables.append(gathered.take(gathered.pending))
    expected = [hf.to_arrow(config, version, rows[i : i + size]) for i in range(0, len(rows), size)]
    assert len(tables) == len(expected)
    for got, want in zip(tables, expected, strict=True):
        assert got.equals(want, check_metadata=True)
        assert got.nbytes == want.nbytes  # the card declares the sum


def test_fields_under_a_null_struct_are_empty_as_the_builders_make_them() -> None:
    """Arrow's JSON reader nulls every field under a null struct; ``hf.to_arrow``'s builders append empty values.
    After mending, the JSON-parsed column has the reference's buffers (so its nbytes), nested structs and a null
    field of a present struct included."""
    import json

    import pyarrow as pa
    import pyarrow.json as pj

    from aces.hf.documents import _empty_under_null_structs

    inner = pa.struct([("a", pa.string()), ("b", pa.int32())])
    kind = pa.struct([("name", pa.string()), ("n", pa.int32()), ("opt", pa.string()), ("in", inner)])
    schema = pa.schema([("s", kind), ("k", pa.int32())])
    rows = [
        {"k": 1},
        {"s": {"name": "a", "n": 1, "in": {"a": "x", "b": 2}}, "k": 2},
        {"k": 3},
        {"s": {"name": "b", "n": 2, "opt": "o"}, "k": 4},
    ]
    reference = pa.Table.from_pylist([{"s": r.get("s"), "k": r["k"]} for r in rows], schema=schema)
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    parsed = pj.read_json(pa.BufferReader(data), parse_options=pj.ParseOptions(explicit_schema=schema))
    assert parsed.equals(reference) and parsed.nbytes != reference.nbytes
    mended = pa.Table.from_arrays([_empty_under_null_structs(c) for c in parsed.columns], schema=schema)
    assert mended.equals(reference) and mended.nbytes == reference.nbytes
    for got, want in zip(mended.column("s").chunks, reference.column("s").chunks, strict=True):
        assert [b and b.size for b in got.buffers()] == [b and b.size for b in want.buffers()]
    for column in parsed.columns:  # a column without a null struct is left as parsed, not rebuilt
        assert (_empty_under_null_structs(column) is column) == (column.type != kind)
    provenance = pa.struct([("source", pa.string()), ("offsets", pa.list_(pa.int32()))])
    plain = pa.chunked_array([pa.array([{"source": "s", "offsets": [1]}], provenance)])
    assert _empty_under_null_structs(plain) is plain


SPACES = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u3000", "\u2029", " \u00a0 "]


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(WORDS + SPACES), max_size=12))
def test_base_bounds_drops_the_whitespace_tokens_spacy_marks_is_space(pieces: list[str]) -> None:
    text = "".join(pieces)
    starts, ends = base_bounds(text)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == base_tokens(text)


@given(st.lists(st.sampled_from(WORDS + SPACES), max_size=12), st.data())
def test_utf8_offsets_are_the_byte_lengths_of_the_prefixes(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    offsets = data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    encoded, got = utf8_offsets(text, np.array(offsets, np.int64))
    assert encoded == text.encode("utf-8")
    assert got.tolist() == [len(text[:o].encode("utf-8")) for o in offsets]
