"""records → parquet → `datasets` → records is the identity, on random records with proclitics, emoji and nesting.

The records come from ``spacy_samples.random_records`` (Arabic words with proclitics glued to spans, emoji,
no-break spaces, nested mentions, events and stances of every kind). Each example builds a fresh folder and
loads it with a fresh ``datasets`` cache, so nothing stale is read.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import datasets
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aces.build import build
from aces.convert.hf import record_from_row
from aces.dataset import records
from aces.offsets import bio_to_spans, flat_mentions
from aces.splits import SPLITS
from hf_samples import write_corpus
from spacy_samples import random_records


@st.composite
def corpora(draw) -> list:
    count = draw(st.integers(1, 3))
    return [
        msgspec.structs.replace(draw(random_records(doc_id=f"t-rt-{i}")), split=draw(st.sampled_from(SPLITS)))
        for i in range(count)
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_documents_round_trip_through_parquet_and_datasets(drawn):
    with tempfile.TemporaryDirectory() as tmp:
        summary = build(write_corpus(Path(tmp), drawn), Path(tmp) / "out")
        loaded = datasets.load_dataset(str(summary.out_dir), "documents", cache_dir=str(Path(tmp) / "cache"))
        back = {row["id"]: record_from_row(row) for part in loaded.values() for row in part}
        assert back == {r.id: r for r in drawn}
        assert {split: part["id"] for split, part in loaded.items()} == {
            s: sorted(r.id for r in drawn if r.split == s) for s in SPLITS if any(r.split == s for r in drawn)
        }
        assert sorted(records(data_dir=summary.out_dir), key=lambda r: r.id) == sorted(drawn, key=lambda r: r.id)

        ner = datasets.load_dataset(str(summary.out_dir), "ner", cache_dir=str(Path(tmp) / "cache"))
        names = ner[next(iter(ner))].features["ner_tags"].feature.names
        by_doc = {r.id: r for r in drawn}
        for part in ner.values():
            for row in part:
                record = by_doc[row["doc_id"]]
                segment = next(s for s in record.segments if s.id == row["segment_id"])
                spans = list(zip(row["token_starts"], row["token_ends"], strict=True))
                assert row["tokens"] == [record.text[a:b] for a, b in spans]
                flat = [m for m in flat_mentions(record.entities) if segment.start <= m.start < segment.end]
                got = bio_to_spans(spans, [names[i] for i in row["ner_tags"]])
                assert got == [(m.start, m.end, m.type) for m in flat]
