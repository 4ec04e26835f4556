"""Bounded DocBin export (``docs_per_file`` / ``--docs-per-file``): several .spacy files per split, written as they
fill, read back in order to exactly what the one-file export gives."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from aces.cli import main
from aces.convert.spacy_docbin import BATCH, ConversionError, _blank_vocab, docbin_files, from_spacy, to_spacy
from aces.record import Record, to_json
from spacy_samples import clitic_record, random_records


def renamed(record: Record, doc_id: str, split: str) -> Record:
    """The record under another document id (every annotation id renamed to match) and split."""
    data = msgspec.json.encode(record).replace(record.id.encode(), doc_id.encode())
    return msgspec.structs.replace(msgspec.json.decode(data, type=Record), split=split)


def corpus(n_train: int, n_test: int) -> list[Record]:
    """Interleaved splits, so a split's files fill while the other split's are open."""
    base = clitic_record()
    out = []
    for i in range(max(n_train, n_test)):
        if i < n_train:
            out.append(renamed(base, f"t-spacy-tr{i:03d}", "train"))
        if i < n_test:
            out.append(renamed(base, f"t-spacy-te{i:03d}", "test"))
    return out


def test_several_files_give_back_what_one_file_gives(tmp_path: Path) -> None:
    records = corpus(7, 3)
    single = from_spacy(to_spacy(records, tmp_path / "one")["train"].parent)
    written = to_spacy(records, tmp_path / "many", docs_per_file=3)
    assert written == {"train": tmp_path / "many" / "train", "test": tmp_path / "many" / "test"}
    assert [p.name for p in docbin_files(written["train"])] == [f"train-0000{i}.spacy" for i in range(3)]
    assert [p.name for p in docbin_files(written["test"])] == ["test-00000.spacy"]
    back = from_spacy(tmp_path / "many")
    assert back == single
    assert back == [r for r in records if r.split == "train"] + [r for r in records if r.split == "test"]
    assert from_spacy(written["train"]) == [r for r in records if r.split == "train"]  # one split's folder alone


def test_each_file_holds_at_most_the_bound(tmp_path: Path) -> None:
    written = to_spacy(corpus(7, 0), tmp_path, docs_per_file=3)
    sizes = [len(from_spacy(p)) for p in docbin_files(written["train"])]
    assert sizes == [3, 3, 1]


def test_files_are_written_as_they_fill_not_at_the_end(tmp_path: Path) -> None:
    """Memory stays flat in N only if a full DocBin leaves memory at once: when the input runs out, every full
    batch already converted is on disk."""
    record, on_disk = clitic_record(), []
    out = tmp_path / "out"

    def records():
        for _ in range(BATCH + 2):
            yield record
        # (in the hidden staging folder beside OUT until the end)
        on_disk.append(len(list(tmp_path.glob(".out.exporting-*/*/*.spacy"))))

    to_spacy(records(), out, docs_per_file=2)
    assert on_disk == [BATCH // 2]
    assert len(list((out / "train").glob("*.spacy"))) == BATCH // 2 + 1


def test_span_ids_do_not_pile_up_in_the_shared_vocab(tmp_path: Path) -> None:
    """Every span id is a string in spaCy's vocab (~50 per document, all distinct): a bounded export drops them
    once their DocBin holds them, or memory would grow with N after all; the files still carry them."""
    records = [renamed(clitic_record(), f"t-zone-{i:03d}", "train") for i in range(5)]
    to_spacy(records, tmp_path, docs_per_file=2)
    strings = _blank_vocab().strings
    assert not [r.id for r in records if f"{r.id}:m1" in strings or f"{r.id}:seg1" in strings]
    assert from_spacy(tmp_path) == records


SPLITS = ("train", "validation", "test")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=hst.lists(hst.tuples(random_records(), hst.sampled_from(SPLITS)), min_size=1, max_size=6))
def test_random_records_survive_a_bounded_export(drawn: list[tuple[Record, str]], tmp_path_factory) -> None:
    records = [renamed(r, f"{r.id}-{i}", split) for i, (r, split) in enumerate(drawn)]  # an import refuses an id twice
    out = tmp_path_factory.mktemp("shards")
    to_spacy(records, out, docs_per_file=2)
    back = from_spacy(out, validate=False)  # random_records may hold a tab, which aces validate refuses
    assert back == sorted(records, key=lambda r: SPLITS.index(r.split))  # stable: input order kept


def test_a_second_export_leaves_no_stale_files(tmp_path: Path) -> None:
    to_spacy(corpus(5, 0), tmp_path, docs_per_file=1)
    to_spacy(corpus(2, 0), tmp_path, docs_per_file=1)  # fewer files: the old tail goes
    assert [p.name for p in docbin_files(tmp_path)] == ["train-00000.spacy", "train-00001.spacy"]
    to_spacy(corpus(3, 0), tmp_path)  # back to one file: the folder goes
    assert [p.name for p in docbin_files(tmp_path)] == ["train.spacy"] and not (tmp_path / "train").exists()
    to_spacy(corpus(2, 0), tmp_path, docs_per_file=1)  # and the one file goes again
    assert [p.name for p in docbin_files(tmp_path)] == ["train-00000.spacy", "train-00001.spacy"]
    assert len(from_spacy(tmp_path)) == 2


def test_a_split_in_both_forms_is_refused(tmp_path: Path) -> None:
    to_spacy(corpus(2, 0), tmp_path / "out", docs_per_file=1)
    to_spacy(corpus(1, 0), tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "train.spacy").rename(tmp_path / "out" / "train.spacy")  # by hand, not by an export
    with pytest.raises(ConversionError, match=r"both train\.spacy and train/"):
        from_spacy(tmp_path / "out")


def test_a_bound_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="at least 1"):
        to_spacy(corpus(1, 0), tmp_path, docs_per_file=0)


def test_cli_bounded_export_imports_back_line_for_line(tmp_path: Path) -> None:
    records = corpus(3, 1)
    (tmp_path / "corpus" / "gold").mkdir(parents=True)
    (tmp_path / "corpus" / "gold" / "all.jsonl").write_text("".join(to_json(r) + "\n" for r in records), "utf-8")
    out = tmp_path / "spacy"
    run = CliRunner().invoke
    result = run(
        main, ["export", "spacy", "--out", str(out), "--corpus", str(tmp_path / "corpus"), "--docs-per-file", "2"]
    )
    assert result.exit_code == 0, result.output
    assert f"{out / 'train'} (2 files): 3 docs, 45 mentions, 9 triggers, 12 evidence spans" in result.output
    assert f"{out / 'test'} (1 files): 1 docs, 15 mentions, 3 triggers, 4 evidence spans" in result.output
    back = tmp_path / "back.jsonl"
    result = run(main, ["import", "spacy", str(out), "--out", str(back)])
    assert result.exit_code == 0, result.output
    assert sorted(back.read_text("utf-8").splitlines()) == sorted(to_json(r) for r in records)


def test_cli_refuses_a_bound_of_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "spacy", "--out", str(tmp_path), "--docs-per-file", "0"])
    assert result.exit_code == 2 and "--docs-per-file" in result.output


def test_a_failed_bounded_export_leaves_the_previous_one_untouched(tmp_path: Path) -> None:
    """A record that cannot be converted stops the export after some files have filled: the earlier export is
    still there, whole, and nothing of the failed one is left (not even its hidden staging folder)."""
    good = corpus(5, 2)
    to_spacy(good, tmp_path, docs_per_file=2)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    broken = renamed(clitic_record(), "t-spacy-bad", "train")
    first = broken.entities[0]
    broken = msgspec.structs.replace(
        broken, entities=[msgspec.structs.replace(first, text=first.text + "x"), *broken.entities[1:]]
    )
    with pytest.raises(ConversionError, match="t-spacy-bad"):
        to_spacy([*corpus(BATCH + 1, 2), broken], tmp_path, docs_per_file=2)  # a whole batch is written first
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test", "train"]
    assert from_spacy(tmp_path) == [r for r in good if r.split == "train"] + [r for r in good if r.split == "test"]


def test_an_interrupted_exports_hidden_folder_is_not_read(tmp_path: Path) -> None:
    to_spacy(corpus(3, 0), tmp_path, docs_per_file=2)
    stale = tmp_path / ".train.partial-crashed"
    stale.mkdir()
    (tmp_path / "train" / "train-00000.spacy").replace(stale / "train-00000.spacy")
    (stale / "train-00000.spacy").write_bytes((tmp_path / "train" / "train-00001.spacy").read_bytes())
    assert [p.name for p in docbin_files(tmp_path)] == ["train-00001.spacy"]


def test_reading_a_bounded_export_leaves_no_span_ids_in_the_shared_vocab(tmp_path: Path) -> None:
    """Reading back must stay flat in memory too: the strings a DocBin brings (span ids) leave the vocab."""
    records = [renamed(clitic_record(), f"t-read-{i:03d}", "train") for i in range(5)]
    to_spacy(records, tmp_path, docs_per_file=2)
    assert from_spacy(tmp_path) == records
    strings = _blank_vocab().strings
    assert not [r.id for r in records if f"{r.id}:m1" in strings or f"{r.id}:seg1" in strings]


def test_cli_import_of_a_broken_export_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    to_spacy(corpus(3, 0), tmp_path / "bins", docs_per_file=2)
    (tmp_path / "bins" / "train" / "train-00001.spacy").write_bytes(b"not a docbin")
    out = tmp_path / "back.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "spacy", str(tmp_path / "bins"), "--out", str(out), "--force"])
    assert result.exit_code == 1 and "train-00001.spacy is not a readable spaCy DocBin" in result.output
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back.jsonl", "bins"]  # no half-written .tmp left
