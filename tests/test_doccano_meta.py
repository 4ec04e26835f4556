"""A pulled row whose meta (aces_map, aces_base) is missing, malformed or edited is refused, located, never a crash.

Before ``aces.doccano.meta`` such a row converted with exit 0: every cluster dissolved into singletons and every id
was renumbered (with ``--apply``, over gold), and map entries of the wrong type raised ``TypeError``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aces.cli import main
from aces.doccano.convert import DoccanoFormatError, doccano_to_records, dumps_jsonl, record_to_row
from aces.record import read_jsonl
from doccano_samples import DOC, sample_record, write_sample_corpus


def _drop(key: str) -> Callable[[dict], None]:
    return lambda row: row.pop(key)


def _set(*path_and_value: object) -> Callable[[dict], None]:
    *path, value = path_and_value

    def mutate(row: dict) -> None:
        target = row
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return mutate


def _merge_two_clusters(row: dict) -> None:
    """An edit that keeps the map consistent but is not what the push wrote (gold unchanged since)."""
    clusters = row["aces_map"]["clusters"]
    clusters[1][2] += clusters[0][2]
    del clusters[0]


BROKEN_META = {
    "map missing": (_drop("aces_map"), "meta aces_map is missing"),
    "map null": (_set("aces_map", None), "aces_map is malformed: Expected `object`, got `null`"),
    "map not JSON": (_set("aces_map", "{spans"), "aces_map is a string but not JSON"),
    "spans not a list": (_set("aces_map", "spans", "x"), "at `aces_map.spans`"),
    "span entry too short": (_set("aces_map", "spans", 0, [1, 2]), "at `aces_map.spans[0]`"),
    "span id a number": (_set("aces_map", "spans", 0, 3, 7), "at `aces_map.spans[0][3]`"),
    "cluster members a number": (_set("aces_map", "clusters", 0, 2, 5), "at `aces_map.clusters[0][2]`"),
    "cluster name an object": (_set("aces_map", "clusters", 0, 1, {}), "at `aces_map.clusters[0][1]`"),
    "clusters emptied": (_set("aces_map", "clusters", []), "is neither the span nor a cluster of aces_map.clusters"),
    "refs a dict": (_set("aces_map", "refs", {}), "at `aces_map.refs`"),
    "unknown key": (_set("aces_map", "extra", 1), "unknown field `extra`"),
    "clusters merged": (_merge_two_clusters, "not what the push of this gold record"),
    "base missing": (_drop("aces_base"), "meta aces_base is missing"),
    "base not a sha": (_set("aces_base", 42), "meta aces_base is not a sha256"),
}


def _corpus_and_export(tmp_path: Path, mutate: Callable[[dict], None]) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    write_sample_corpus(corpus)
    row = copy.deepcopy(record_to_row(sample_record()))
    mutate(row)
    export = tmp_path / "export.jsonl"
    export.write_text(dumps_jsonl([row]), encoding="utf-8")
    return corpus, export


def _import(export: Path, corpus: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        main, ["import", "doccano", str(export), "--corpus", str(corpus), "--out", str(out), *extra]
    )


@pytest.mark.parametrize("case", BROKEN_META)
def test_a_row_with_broken_meta_is_refused_with_line_document_and_cause(case: str, tmp_path: Path) -> None:
    mutate, cause = BROKEN_META[case]
    corpus, export = _corpus_and_export(tmp_path, mutate)
    gold = corpus / "gold" / f"{DOC}.jsonl"
    before = gold.read_bytes()
    result = _import(export, corpus, tmp_path / "out", "--apply")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert f"{export}:1 [{DOC} aces_map]: " in result.output and cause in result.output, result.output
    assert "--rebuild-clusters" in result.output  # the way out is named
    assert gold.read_bytes() == before and not (tmp_path / "out").exists()


def test_the_library_refuses_it_too() -> None:
    row = record_to_row(sample_record())
    del row["aces_map"]
    with pytest.raises(DoccanoFormatError) as err:
        doccano_to_records([row], {DOC: sample_record()})
    ((problem),) = err.value.problems
    assert (problem.line, problem.doc_id, problem.where) == (1, DOC, "aces_map")


def test_rebuild_clusters_converts_it_and_says_what_it_lost(tmp_path: Path) -> None:
    corpus, export = _corpus_and_export(tmp_path, _drop("aces_map"))
    gold = corpus / "gold" / f"{DOC}.jsonl"
    before = gold.read_bytes()
    result = _import(export, corpus, tmp_path / "out", "--rebuild-clusters")
    assert result.exit_code == 0, result.output
    assert f"{export}:1 [{DOC} aces_map]: meta aces_map is missing; converted without it" in result.output
    assert "the 7 cluster(s) of gold are unknown here" in result.output and "every mention" in result.output
    assert "1 document(s) rebuilt without their map" in result.output
    (pulled,) = read_jsonl(tmp_path / "out" / f"{DOC}.jsonl")
    assert len(pulled.entities) == len(sample_record().entities) and gold.read_bytes() == before


def test_rebuild_clusters_never_goes_with_apply(tmp_path: Path) -> None:
    corpus, export = _corpus_and_export(tmp_path, _drop("aces_map"))
    gold = corpus / "gold" / f"{DOC}.jsonl"
    before = gold.read_bytes()
    result = _import(export, corpus, tmp_path / "out", "--rebuild-clusters", "--apply")
    assert result.exit_code == 2 and "cannot go with --apply" in result.output, result.output
    assert gold.read_bytes() == before and not (tmp_path / "out").exists()


BROKEN_ROWS = {  # each was a TypeError traceback (unhashable id) or a silent loss of every span or relation
    "span id a list": (_set("entities", 0, "id", [1]), "entities[0]", "at `entities[0].id`"),
    "relation end a list": (_set("relations", 0, "to_id", [1]), "relations[0]", "at `relations[0].to_id`"),
    "relations missing": (_drop("relations"), "relations", "relations is missing"),
    "entities missing": (_drop("entities"), "entities", "entities is missing"),
}


@pytest.mark.parametrize("case", BROKEN_ROWS)
def test_spans_and_relations_of_the_wrong_type_are_located_problems(case: str) -> None:
    mutate, where, cause = BROKEN_ROWS[case]
    row = copy.deepcopy(record_to_row(sample_record()))
    mutate(row)
    with pytest.raises(DoccanoFormatError) as err:
        doccano_to_records([row], {DOC: sample_record()}, "x.jsonl")
    assert any(p.where == where and cause in p.message for p in err.value.problems), str(err.value)


def test_an_untouched_row_still_round_trips_with_its_map_as_plain_lists() -> None:
    row = record_to_row(sample_record())
    assert all(type(entry) is list for key in ("spans", "clusters", "refs") for entry in row["aces_map"][key])
    assert doccano_to_records([row], {DOC: sample_record()}) == [sample_record()]


def test_an_empty_export_is_refused(tmp_path: Path) -> None:
    corpus, export = _corpus_and_export(tmp_path, lambda row: None)
    export.write_text("\n", encoding="utf-8")
    result = _import(export, corpus, tmp_path / "out")
    assert result.exit_code == 1 and "no example in the export" in result.output, result.output
    assert not (tmp_path / "out").exists()
