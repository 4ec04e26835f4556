"""Every importer on a mutated export: a clean error (exit 1 or 2 with a message), or records that validate and
lose nothing unreported; never a traceback.

Real records (the doccano and spaCy samples, gold corpus records, records drawn by ``strategies.records``) are
exported to doccano JSONL, a spaCy DocBin and BRAT standoff; one mutation is applied (drop, duplicate, retype,
truncate, shift an offset, change a label or an id, a JSON value of the wrong type); the CLI imports the result.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin, Span

from aces.cli import main
from aces.convert.brat import to_brat
from aces.convert.spacy_docbin import USER_DATA_KEY, _blank_vocab, record_to_doc, to_spacy
from aces.doccano.convert import REL_COREF, dumps_jsonl, record_to_row
from aces.paths import corpus_dir, gold_files
from aces.record import Record, from_dict, read_jsonl, to_json, write_jsonl
from aces.validate import validate
from doccano_samples import sample_record, write_sample_corpus
from spacy_samples import clitic_record
from strategies import raw_text, records

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))

ODD_VALUES: list[Any] = [None, 0, -1, 10**12, 1.5, True, "", "x", "../../etc/passwd", [], {}, [[[]]], {"id": 1}]
"""Values of the wrong type (or the right type and a wrong value) that a mutation puts in place of another."""

LABELS = ["PER/NAM", "ORG/NOM", "Evidence", "Proposition", "Stance/AGAINST", "coref", "Agent", "MONSTER", "PER", "GPE"]


@cache
def gold_record() -> Record:
    return next(iter(read_jsonl(gold_files()[0])))


def paths(value: Any, at: tuple = ()) -> Iterator[tuple]:
    """Every place inside a JSON-like value (not the value itself)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key)
            yield from paths(item, (*at, key))
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield (*at, k)
            yield from paths(item, (*at, k))


def mutate(data: st.DataObject, tree: Any) -> str:
    """Apply one drawn mutation to ``tree`` in place; a description of it for the failure message."""
    where = list(paths(tree))
    if not where:
        return "nothing to mutate"
    path = data.draw(st.sampled_from(where), label="path")
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    key, old = path[-1], parent[path[-1]]
    kinds = ["drop", "retype"]
    kinds += ["duplicate"] if isinstance(parent, list) else []
    kinds += ["shift"] if isinstance(old, int) and not isinstance(old, bool) else []
    kinds += ["relabel"] if isinstance(old, str) else []
    kind = data.draw(st.sampled_from(kinds), label="kind")
    if kind == "drop":
        del parent[key]
    elif kind == "duplicate":
        parent.insert(key, copy.deepcopy(old))
    elif kind == "shift":
        parent[key] = old + data.draw(st.sampled_from([-5, -1, 1, 2, 1000]))
    elif kind == "relabel":
        parent[key] = data.draw(st.sampled_from([*LABELS, old + "x", "../" + old, old[:-1]]))
    else:
        parent[key] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES)))
    return f"{kind} at {list(path)}"


def assert_clean(result: Result, context: str) -> None:
    """Exit 0, or exit 1/2 with a message; no exception escaped."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (context, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (context, result.exit_code, result.output)
    assert "Traceback" not in result.output, (context, result.output)
    if result.exit_code:
        assert result.output.strip(), context


def assert_valid(path: Path) -> None:
    report = validate(path)
    assert report.ok, [f.human() for f in report.findings if f.is_error]


# --- doccano ----------------------------------------------------------------------------------------------------


def _relations(row: dict) -> int:
    """Relations a record's row carries (``coref`` ones become clusters, which the push keeps in meta)."""
    rels = row.get("relations")
    return sum(1 for r in rels if isinstance(r, dict) and r.get("type") != REL_COREF) if isinstance(rels, list) else -1


@SETTINGS
@given(data=st.data(), which=st.sampled_from(["sample", "gold", "drawn"]))
def test_doccano_import_of_a_mutated_export(data: st.DataObject, which: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if which == "sample":
            corpus, base = tmp_path / "corpus", sample_record()
            write_sample_corpus(corpus)
        elif which == "gold":
            corpus, base = corpus_dir(), gold_record()
        else:
            drawn = data.draw(records(doc_id="t-mutated-001"), label="record")
            corpus, base = tmp_path / "corpus", from_dict(drawn)
            (corpus / "raw").mkdir(parents=True)
            (corpus / "raw" / Path(base.provenance.raw_path).name).write_text(raw_text(drawn), encoding="utf-8")
            (corpus / "gold").mkdir()
            write_jsonl([base], corpus / "gold" / f"{base.id}.jsonl")
        row = copy.deepcopy(record_to_row(base))
        rows = [row]
        how = data.draw(st.sampled_from(["tree", "tree", "tree", "row twice", "truncate"]), label="how")
        if how == "tree":
            how = mutate(data, row)
        elif how == "row twice":
            rows.append(copy.deepcopy(row))
        text = dumps_jsonl(rows)
        if how == "truncate":
            text = text[: data.draw(st.integers(0, len(text) - 1), label="cut")]
        export = tmp_path / "export.jsonl"
        export.write_text(text, encoding="utf-8")
        out = tmp_path / "out"
        result = CliRunner().invoke(
            main, ["import", "doccano", str(export), "--corpus", str(corpus), "--out", str(out)]
        )
        assert_clean(result, how)
        if result.exit_code:
            assert not out.exists(), how
            return
        (pulled,) = read_jsonl(out / f"{base.id}.jsonl")
        assert_valid(out / f"{base.id}.jsonl")
        # nothing unreported: an unchanged record says "0 changed", a changed one is in the diff and to adjudicate
        changed = pulled != base
        assert f"1 document(s) converted and valid, {int(changed)} changed" in result.output, (how, result.output)
        if not changed:
            return
        assert "aces_map" not in how and "aces_base" not in how, (how, "the meta alone changed the record")
        assert (out / "adjudication.jsonl").exists(), how
        # and nothing dropped: every span and relation of the export is in the record it became
        again = record_to_row(pulled)
        assert len(again["entities"]) == len(row["entities"]), (how, "a span was dropped")
        assert _relations(again) == _relations(row), (how, "a relation was dropped")


# --- spaCy DocBin -----------------------------------------------------------------------------------------------


@cache
def _docbin_bytes(which: str) -> bytes:
    record = clitic_record() if which == "clitic" else gold_record()
    with tempfile.TemporaryDirectory() as tmp:
        return next(iter(to_spacy([record], tmp).values())).read_bytes()


def _fresh_doc(which: str) -> Doc:
    (doc,) = DocBin(store_user_data=True).from_bytes(_docbin_bytes(which)).get_docs(_blank_vocab())
    return doc


def _spans(doc: Doc) -> dict:
    """Every span group and doc.ents as (start, end, label, id) lists, in order."""
    out = {key: [(s.start_char, s.end_char, s.label_, s.id_) for s in group] for key, group in doc.spans.items()}
    out["ents"] = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    return out


def _plain(value: Any) -> Any:
    """``value`` as JSON gives it back (lists, not tuples), to compare."""
    return msgspec.json.decode(msgspec.json.encode(value))


def _mutate_doc(data: st.DataObject, doc: Doc) -> str:
    how = data.draw(st.sampled_from(["user_data", "user_data", "span", "new group"]), label="how")
    if how == "user_data":
        return "user_data: " + mutate(data, doc.user_data[USER_DATA_KEY])
    if how == "new group":
        doc.spans["predicted"] = [Span(doc, 0, 1, label="PER")]
        return how
    key = data.draw(st.sampled_from([k for k, g in doc.spans.items() if len(g)]), label="group")
    spans = list(doc.spans[key])
    k = data.draw(st.integers(0, len(spans) - 1), label="span")
    op = data.draw(st.sampled_from(["drop", "duplicate", "relabel", "reid", "widen"]), label="op")
    span = spans[k]
    if op == "drop":
        del spans[k]
    elif op == "duplicate":
        spans.insert(k, span)
    elif op == "relabel":
        spans[k] = Span(doc, span.start, span.end, label=data.draw(st.sampled_from(LABELS)), span_id=span.id_)
    elif op == "reid":
        spans[k] = Span(doc, span.start, span.end, label=span.label_, span_id=data.draw(st.sampled_from(["", "x:m1"])))
    else:
        spans[k] = Span(doc, span.start, min(span.end + 1, len(doc)), label=span.label_, span_id=span.id_)
    doc.spans[key] = spans
    return f"{op} span {k} of {key}"


@SETTINGS
@given(data=st.data(), which=st.sampled_from(["clitic", "gold"]), twice=st.booleans())
def test_spacy_import_of_a_mutated_docbin(data: st.DataObject, which: str, twice: bool) -> None:
    doc = _fresh_doc(which)
    how = _mutate_doc(data, doc)
    docs = [doc, _fresh_doc(which)] if twice else [doc]
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "in.spacy", Path(tmp) / "out.jsonl"
        DocBin(store_user_data=True, docs=docs).to_disk(source)
        result = CliRunner().invoke(main, ["import", "spacy", str(source), "--out", str(out)])
        assert_clean(result, how)
        if result.exit_code:
            assert not out.exists(), how
            return
        assert not twice, (how, "a document imported twice")
        assert_valid(out)
        (back,) = read_jsonl(out)
    # nothing lost: exporting the record again gives the mutated Doc's spans and user_data exactly
    again = record_to_doc(back)
    assert _spans(again) == _spans(doc), how
    assert _plain(again.user_data[USER_DATA_KEY]) == _plain(doc.user_data[USER_DATA_KEY]), how


# --- BRAT -------------------------------------------------------------------------------------------------------


def _t_lines(ann: str) -> list[tuple[str, str]]:
    """The text-bound annotations of an ``.ann``: (type and offsets, text)."""
    out = []
    for line in ann.splitlines():
        if line.startswith("T") and line.count("\t") >= 2:
            _, spec, text = line.split("\t", 2)
            out.append((spec, text))
    return out


@SETTINGS
@given(data=st.data(), which=st.sampled_from(["clitic", "gold"]))
def test_brat_import_of_a_mutated_collection(data: st.DataObject, which: str) -> None:
    record = clitic_record() if which == "clitic" else gold_record()
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "brat", Path(tmp) / "out.jsonl"
        to_brat([record], folder)
        ann, side = folder / f"{record.id}.ann", folder / f"{record.id}.aces.json"
        where = data.draw(st.sampled_from(["ann", "ann", "side", "side text"]), label="file")
        if where == "ann":
            lines = ann.read_text(encoding="utf-8").splitlines()
            k = data.draw(st.integers(0, len(lines) - 1), label="line")
            op = data.draw(st.sampled_from(["drop", "duplicate", "edit", "truncate"]), label="op")
            if op == "drop":
                del lines[k]
            elif op == "duplicate":
                lines.insert(k, lines[k])
            elif op == "truncate":
                lines[k] = lines[k][: data.draw(st.integers(0, max(0, len(lines[k]) - 1)))]
            else:
                fields = lines[k].split("\t")
                f = data.draw(st.integers(0, len(fields) - 1), label="field")
                words = fields[f].split(" ")
                w = data.draw(st.integers(0, len(words) - 1), label="word")
                words[w] = data.draw(st.sampled_from(["T1", "T999", "E1", "0", "-3", "99999", "PER", "MONSTER", ""]))
                fields[f] = " ".join(words)
                lines[k] = "\t".join(fields)
            ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
            how = f"{op} .ann line {k}"
        elif where == "side":
            tree = json.loads(side.read_text(encoding="utf-8"))
            how = "side: " + mutate(data, tree)
            side.write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
        else:
            text = side.read_text(encoding="utf-8")
            side.write_text(text[: data.draw(st.integers(0, len(text) - 1))], encoding="utf-8")
            how = "side truncated"
        mutated = ann.read_text(encoding="utf-8")
        result = CliRunner().invoke(main, ["import", "brat", str(folder), "--out", str(out)])
        assert_clean(result, how)
        if result.exit_code:
            assert not out.exists(), how
            return
        assert_valid(out)
        (back,) = read_jsonl(out)
        if "(0 warnings)" not in result.output:
            return  # what it changed is reported
        # nothing lost unreported: every text-bound annotation of the mutated .ann is in the record it became
        again = Path(tmp) / "again"
        to_brat([back], again)
        lost = sorted(set(_t_lines(mutated)) - set(_t_lines((again / f"{back.id}.ann").read_text(encoding="utf-8"))))
        assert not lost, (how, lost, to_json(back)[:0])
