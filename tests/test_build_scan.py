"""The build reads only the header of each line before building; a record with a wrong body still stops it
with its file and line, and leaves no folder behind."""

from __future__ import annotations

import json

import pytest

from aces.hf.build import BuildError, build
from hf_samples import sample_records, write_corpus


def test_a_record_whose_body_has_the_wrong_shape_is_named_by_file_and_line(tmp_path):
    corpus = write_corpus(tmp_path, sample_records())
    gold = corpus / "gold" / "sample.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1])
    bad["entities"][0]["start"] = "four"  # header fine, body not a Record
    lines[1] = json.dumps(bad, ensure_ascii=False)
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"sample\.jsonl:2: schema-type: "):
        build(corpus, tmp_path / "out")  # the validation gate speaks first
    with pytest.raises(BuildError, match=r"sample\.jsonl:2: not an ACES record \(Expected `int`.*aces validate"):
        build(corpus, tmp_path / "out", validate=False)  # the scan's own check
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # no staging folder, no output
