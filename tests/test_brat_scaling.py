"""BRAT import grows linearly with a document's annotations (issue 19.12b: 8k new annotations took 116 s).

Time is not measured: the test counts the lines of ``aces`` code executed (``sys.settrace``), a number that
depends on the input only, never on the machine. Doubling the annotations of an edited document must not
double the count more than ``MAX_GROWTH`` times over; a quadratic step (every fresh id scanning every id in use,
every cluster compared with every side-file cluster) makes it about four. Work done inside C calls (``x in
list``) is not counted: the quadratic steps this guards against were Python loops.
"""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec

import aces
from aces.convert.brat import to_brat
from aces.convert.brat_import import read_brat
from aces.record import Cluster, Mention
from spacy_samples import clitic_record

DOC = "t-spacy-001"
WORD = "كلمة"
MAX_GROWTH = 2.6
"""Linear work doubles (2.0), n log n a little more; quadratic work quadruples."""


def edited_collection(folder: Path, n: int) -> Path:
    """The sample with ``n`` more mentions in ``n // 2`` two-mention clusters, exported, then edited as a curator
    would in BRAT: every other mention drawn anew (its note gone, so it needs a fresh id) and the coreference
    links shifted by one mention (no group equals a side-file cluster, so each is matched by shared mentions)."""
    base = clitic_record()
    text = base.text + "\n" + " ".join([WORD] * n)
    first = len(base.text) + 1
    start = len(base.entities) + 1
    extra = [
        Mention(f"{DOC}:m{start + i}", first + i * (len(WORD) + 1), first + i * (len(WORD) + 1) + len(WORD), WORD,
                "PER", "NOM")
        for i in range(n)
    ]  # fmt: skip
    clusters = [
        Cluster(f"{DOC}:c{1000 + i}", WORD, "PER", (extra[2 * i].id, extra[2 * i + 1].id)) for i in range(n // 2)
    ]
    record = msgspec.structs.replace(
        base, text=text, entities=(*base.entities, *extra), clusters=(*base.clusters, *clusters)
    )
    to_brat([record], folder)
    ann = folder / f"{DOC}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    tid = {line.split("\t")[2]: line.split("\t")[1].split()[1] for line in lines if line.startswith("#")}
    new_tids = [tid[m.id] for m in extra]
    dropped = {f"AnnotatorNotes {t}" for t in new_tids[::2]}
    kept = [line for line in lines if not line.startswith("*") and line.partition("\t")[2] not in dropped]
    kept = [line for line in kept if not (line.startswith("#") and line.split("\t")[1] in dropped)]
    links = [f"*\tCoreference {a} {b}" for a, b in zip(new_tids[1::2], new_tids[2::2], strict=False)]
    ann.write_text("\n".join([*kept, *links]) + "\n", encoding="utf-8")
    return folder


def executed_lines(folder: Path) -> tuple[int, int, int]:
    """Lines of ``aces`` code run by ``read_brat(folder)``, and the mentions and clusters it read."""
    package = str(Path(aces.__file__).parent)
    count = 0

    def line(frame, event, arg):
        nonlocal count
        count += event == "line"
        return line

    def call(frame, event, arg):
        return line if frame.f_code.co_filename.startswith(package) else None

    sys.settrace(call)
    try:
        result = read_brat(folder)
    finally:
        sys.settrace(None)
    (record,) = result.records
    assert result.errors == 0
    return count, len(record.entities), len(record.clusters)


def test_the_edited_collection_reads_back_as_intended(tmp_path: Path) -> None:
    result = read_brat(edited_collection(tmp_path, 8))
    (record,) = result.records
    fresh = [m.id for m in record.entities if m.text == WORD and int(m.id.rpartition("m")[2]) > 15 + 8]
    assert len(fresh) == 4, "every other new mention lost its note and got a fresh id"
    shifted = [c for c in record.clusters if c.name == WORD and len(c.mentions) == 2]
    assert len(shifted) == 3  # the links m17-m18, m19-m20, m21-m22 (new ids for the redrawn ones)


def test_doubling_the_annotations_does_not_quadruple_the_work(tmp_path: Path) -> None:
    small, entities, clusters = executed_lines(edited_collection(tmp_path / "small", 400))
    large, entities2, clusters2 = executed_lines(edited_collection(tmp_path / "large", 800))
    assert entities2 - entities == 400 and clusters2 > clusters
    assert large / small < MAX_GROWTH, f"{small} lines for 400 annotations, {large} for 800"
