"""`aces import spacy` on edited DocBins: every span or field it cannot place, every duplicate, unknown label or
unsafe id is refused with ``file:n [id]`` and exit 1, nothing written, never a traceback.

Before these checks a lost evidence span, a document twice, an unknown label and a ``../`` id were all written with
exit 0, and a missing or mistyped ``user_data`` key raised ``KeyError``/``TypeError``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner, Result
from spacy.tokens import Doc, DocBin, Span

from aces.cli import main
from aces.convert.spacy_docbin import MENTIONS, STANCE, to_spacy
from aces.record import read_jsonl
from spacy_samples import clitic_record

DOC = clitic_record().id
VOCAB = spacy.blank("ar").vocab


def exported_doc(tmp_path: Path) -> Doc:
    written = to_spacy([clitic_record()], tmp_path / "export")
    (doc,) = DocBin(store_user_data=True).from_disk(written["train"]).get_docs(VOCAB)
    return doc


def import_docs(tmp_path: Path, docs: list[Doc]) -> tuple[Result, Path]:
    source = tmp_path / "edited.spacy"
    DocBin(store_user_data=True, docs=docs).to_disk(source)
    out = tmp_path / "back.jsonl"
    result = CliRunner().invoke(main, ["import", "spacy", str(source), "--out", str(out)])
    return result, out


def assert_refused(result: Result, out: Path, *needles: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
    for needle in needles:
        assert needle in result.output, result.output


def test_a_doc_read_and_written_again_still_imports(tmp_path: Path) -> None:
    result, out = import_docs(tmp_path, [exported_doc(tmp_path)])
    assert result.exit_code == 0, result.output
    assert list(read_jsonl(out)) == [clitic_record()]


def test_a_lost_evidence_span_of_a_two_span_stance_is_refused(tmp_path: Path) -> None:
    doc = exported_doc(tmp_path)
    st2 = [s for s in doc.spans[STANCE] if s.id_ == f"{DOC}:st2"]
    assert len(st2) == 2
    doc.spans[STANCE] = [s for s in doc.spans[STANCE] if s is not st2[1] and s != st2[1]]
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1 [t-spacy-001]", f"{DOC}:st2 has 1 span(s)", "says 2")


def test_a_document_twice_is_refused(tmp_path: Path) -> None:
    result, out = import_docs(tmp_path, [exported_doc(tmp_path), exported_doc(tmp_path)])
    assert_refused(result, out, "edited.spacy:2 [t-spacy-001]", "twice", "edited.spacy:1")


def test_an_unknown_label_is_refused(tmp_path: Path) -> None:
    doc = exported_doc(tmp_path)
    spans = list(doc.spans[MENTIONS])
    first = spans[0]
    spans[0] = Span(doc, first.start, first.end, label="MONSTER", span_id=first.id_)
    doc.spans[MENTIONS] = spans
    doc.ents = [e if e.id_ != first.id_ else Span(doc, e.start, e.end, label="MONSTER") for e in doc.ents]
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1 [", "does not validate", "MONSTER")


def test_an_id_that_would_leave_the_folder_is_refused(tmp_path: Path) -> None:
    doc = exported_doc(tmp_path)
    doc.user_data["aces"]["record"]["id"] = "../evil"
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1", "'../evil'", "not of the form")


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def mutate(meta: dict) -> None:
        for key in path[:-1]:
            meta = meta[key]
        meta[path[-1]] = value

    return mutate


def _drop(key: str) -> Callable[[dict], None]:
    return lambda meta: meta.pop(key)


BROKEN_USER_DATA = {
    "mentions missing": (_drop("mentions"), "missing required field `mentions`"),
    "mention id a number": (_set(("mentions", 0, "id"), 5), "at `aces.mentions[0].id`"),
    "record a list": (_set(("record",), []), "at `aces.record`"),
    "record without id": (lambda meta: meta["record"].pop("id"), "`id` - at `aces.record`"),
    "stance target null": (_set(("stances", 0, "target"), None), "at `aces.stances[0].target`"),
    "clusters a string": (_set(("clusters",), "x"), "at `aces.clusters`"),
    "an unknown key": (_set(("extra",), 1), "unknown field `extra`"),
    "record field of the wrong type": (_set(("record", "split"), 7), "does not validate"),
    "record field unknown": (_set(("record", "colour"), "red"), "does not validate"),
    "cluster member not a list": (_set(("clusters", 0, "mentions"), 3), "does not validate"),
}


@pytest.mark.parametrize("case", BROKEN_USER_DATA)
def test_missing_or_mistyped_user_data_is_a_located_message(case: str, tmp_path: Path) -> None:
    mutate, cause = BROKEN_USER_DATA[case]
    doc = exported_doc(tmp_path)
    mutate(doc.user_data["aces"])
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1", cause)


def test_a_span_group_outside_the_layout_is_refused(tmp_path: Path) -> None:
    doc = exported_doc(tmp_path)
    doc.spans["predictions"] = [Span(doc, 0, 1, label="PER")]
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1 [t-spacy-001]", "'predictions'", "would be lost")


def test_an_edit_of_doc_ents_is_refused(tmp_path: Path) -> None:
    doc = exported_doc(tmp_path)
    doc.ents = list(doc.ents)[1:]
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1 [t-spacy-001]", "doc.ents is not the flat layer")


def test_a_source_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["import", "spacy", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "does not exist" in result.output, result.output


def test_a_relabelled_proposition_target_is_refused(tmp_path: Path) -> None:
    """Found by tests/test_importers_mutated.py: the label was never read, so a relabel was silently lost."""
    doc = exported_doc(tmp_path)
    (target,) = doc.spans["stance_targets"]
    doc.spans["stance_targets"] = [Span(doc, target.start, target.end, label="PER", span_id=target.id_)]
    result, out = import_docs(tmp_path, [doc])
    assert_refused(result, out, "edited.spacy:1 [t-spacy-001]", "labelled 'PER', not 'proposition'")
