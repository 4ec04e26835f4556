"""``aces migrate``: 1.0.0 ⇄ 1.1.0 round trips byte for byte, a crash or a refusal leaves the input intact, and a
lossy downgrade is refused unless allowed (fixtures: ``tests/data/migrate/build.py``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from aces import atomic
from aces import record as rec
from aces.cli import main
from aces.paths import repo_root
from aces.schema import CURRENT_VERSION
from aces.validate import validate
from aces.versions import migrate
from aces.versions.migrate import LossRefused, MigrationError, migrate_paths, migrate_record, plan_file, route
from aces.versions.migrations import MIGRATIONS, Migration
from strategies import records, write_corpus

DATA = Path(__file__).parent / "data" / "migrate"


SEED = "aces-000-9f1bd322"  # the first document of the corpus


def copy_fixture(tmp_path: Path, name: str) -> Path:
    """``tmp_path/<name>`` with the fixture's raw files beside it (so provenance is checked too)."""
    target = tmp_path / Path(name).name
    shutil.copyfile(DATA / name, target)
    shutil.copytree((DATA / name).parent / "raw", tmp_path / "raw", dirs_exist_ok=True)
    return target


def stamps(path: Path) -> list[str]:
    return [json.loads(line)["schema_version"] for line in path.read_text(encoding="utf-8").splitlines()]


def errors(path: Path) -> list[str]:
    report = validate(path)
    return [f"{f.code}: {f.message}" for f in report.findings if f.is_error]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["migrate", *args])
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- lossless round trips


def test_fixture_up_and_back_is_byte_identical_and_valid_at_each_step(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    original = path.read_bytes()

    code, out, _ = run(str(path), "--to", "1.1.0")
    assert code == 0, out
    assert stamps(path) == ["1.1.0", "1.1.0"]
    assert errors(path) == []
    # A stamp-only upgrade: nothing but the version changed.
    assert path.read_bytes() == original.replace(b'"schema_version":"1.0.0"', b'"schema_version":"1.1.0"')

    code, out, _ = run(str(path), "--to", "1.0.0")
    assert code == 0, out
    assert path.read_bytes() == original
    assert errors(path) == []


def test_the_gold_corpus_refuses_a_lossy_downgrade_and_round_trips_what_1_0_0_can_hold(tmp_path: Path) -> None:
    """The gold uses 1.1.0's additions (negative polarity, sources on hypothetical events): going down to 1.0.0 must
    refuse, untouched; with --allow-loss it drops exactly those values (and, from 1.2.0, the annotation status),
    and going back up to 1.1.0 is then stamp-only."""
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    # The seed: its sentences are the splitter's, so 1.1.0 and back rebuilds them (a treebank document's would be
    # lost), and it uses no label added after 1.1.0 (test_migrate_1_2 covers those).
    shutil.copy(repo_root() / "corpus" / "gold" / f"{SEED}.jsonl", corpus / "gold")
    shutil.copytree(repo_root() / "corpus" / "raw", corpus / "raw")
    before = {p.name: p.read_bytes() for p in (corpus / "gold").glob("*.jsonl")}
    gold = [rec.from_json(line) for data in before.values() for line in data.splitlines()]
    assert {r.schema_version for r in gold} == {CURRENT_VERSION} and validate(corpus).errors == 0
    expected = sorted(
        [(r.id, e.id, "polarity") for r in gold for e in r.events if e.polarity == "negative"]
        + [(r.id, e.id, "epistemic.source") for r in gold for e in r.events
           if e.epistemic.status != "claimed" and e.epistemic.source is not None]
        + [(r.id, r.id, "annotation_status") for r in gold if r.annotation_status is not msgspec.UNSET]
        + [(r.id, "provenance", "provenance.corpus_version") for r in gold
           if r.provenance.corpus_version is not msgspec.UNSET]
    )  # fmt: skip
    assert expected, "the gold no longer uses what 1.1.0 added; pick another fixture for this test"

    refused = migrate_paths([corpus], "1.0.0")
    assert not refused.ok and not refused.written
    assert {p.name: p.read_bytes() for p in (corpus / "gold").glob("*.jsonl")} == before

    lossy = migrate_paths([corpus], "1.0.0", allow_loss=True)
    assert lossy.ok and lossy.written
    assert sorted((x.doc_id, x.where, x.field) for plan in lossy.plans for x in plan.losses) == expected
    assert validate(corpus).errors == 0
    down = {p.name: p.read_bytes() for p in (corpus / "gold").glob("*.jsonl")}
    assert migrate_paths([corpus], "1.1.0").ok
    up = {p.name: p.read_bytes() for p in (corpus / "gold").glob("*.jsonl")}
    assert up == {k: v.replace(b'"schema_version":"1.0.0"', b'"schema_version":"1.1.0"') for k, v in down.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records(version="1.0.0", min_events=2))
def test_any_valid_1_0_0_record_round_trips_byte_for_byte(tmp_path_factory: pytest.TempPathFactory, data: dict) -> None:
    corpus = tmp_path_factory.mktemp("drawn")
    gold = write_corpus(corpus, [data])
    gold.write_text(rec.to_json(rec.from_dict(data)) + "\n", encoding="utf-8")  # canonical form
    original = gold.read_bytes()
    up = plan_file(gold, "1.1.0")
    assert up.losses == [] and up.migrated == 1
    migrate.write_plan(up)
    assert validate(gold).findings == []  # valid 1.1.0, not even a warning
    down = plan_file(gold, "1.0.0")
    assert down.losses == []
    assert down.data == original


def test_lines_already_at_the_target_keep_their_exact_bytes(tmp_path: Path) -> None:
    """A mixed file: only the 1.0.0 line is rewritten; the 1.1.0 line (written with spaces) is left as it is."""
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    first, second = path.read_text(encoding="utf-8").splitlines()
    spaced = json.dumps({**json.loads(second), "schema_version": "1.1.0"}, ensure_ascii=False)
    path.write_text(first + "\n" + spaced + "\n", encoding="utf-8")
    plan = plan_file(path, "1.1.0")
    assert plan.migrated == 1 and plan.records == 2
    assert plan.data.decode("utf-8").splitlines()[1] == spaced


def test_an_explicit_default_polarity_is_dropped_without_refusal(tmp_path: Path) -> None:
    """``polarity: positive`` is what every event without a polarity means, so 1.0.0 loses nothing by its absence."""
    path = copy_fixture(tmp_path, "v1_1_0_default.jsonl")
    code, out, err = run(str(path), "--to", "1.0.0")
    assert code == 0, out + err
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["schema_version"] == "1.0.0"
    assert all("polarity" not in e for e in record["events"])
    assert errors(path) == []


# ---------------------------------------------------------------- lossy downgrade


# v1_1_0_lossy.jsonl holds, by construction (build.py), exactly four values 1.0.0 cannot hold:
#   mtest-011: provenance.corpus_version "0.1.0"; e2 (hypothetical «مقتل») has source m6 (Khalilzad)
#   mtest-012: e2 «الهجمات» polarity negative (foiled); e3 «ترد» polarity negative (did not answer)
LOSSES = [
    "mtest-011 mtest-011:e2: epistemic.source = 'mtest-011:m6'",
    "mtest-011 provenance: provenance.corpus_version = '0.1.0'",
    "mtest-012 mtest-012:e2: polarity = 'negative'",
    "mtest-012 mtest-012:e3: polarity = 'negative'",
]


def test_lossy_downgrade_is_refused_naming_document_and_field_and_leaves_the_file(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "v1_1_0_lossy.jsonl")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(LossRefused) as refused:
        plan_file(path, "1.0.0")
    assert sorted(str(loss) for loss in refused.value.losses) == LOSSES
    code, _, err = run(str(path), "--to", "1.0.0")
    assert code == 1
    for loss in LOSSES:
        assert loss in err
    assert "--allow-loss" in err and "no file was written" in err
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "v1_1_0_lossy.jsonl"]


def test_allow_loss_drops_and_lists_what_it_dropped(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "v1_1_0_lossy.jsonl")
    code, out, err = run(str(path), "--to", "1.0.0", "--allow-loss")
    assert code == 0, err
    assert [line.split("dropped (--allow-loss): ")[1] for line in out.splitlines() if "dropped" in line] == LOSSES
    assert stamps(path) == ["1.0.0", "1.0.0"]
    assert errors(path) == []
    records_ = list(rec.read_jsonl(path))
    assert all(e.polarity is msgspec.UNSET for r in records_ for e in r.events)
    assert records_[0].events[1].epistemic.source is None
    assert records_[0].provenance.corpus_version is msgspec.UNSET


def test_one_refused_file_means_no_file_is_written(tmp_path: Path) -> None:
    good = copy_fixture(tmp_path, "v1_0_0.jsonl")
    lossy = copy_fixture(tmp_path, "v1_1_0_lossy.jsonl")
    before = {p: p.read_bytes() for p in (good, lossy)}
    outcome = migrate_paths([good, lossy], "1.0.0")  # good is already 1.0.0; lossy is refused
    assert not outcome.ok and outcome.written == []
    good_up = migrate_paths([good], "1.1.0")
    assert good_up.written == [good]
    assert migrate_paths([good, lossy], "1.0.0").written == []
    assert lossy.read_bytes() == before[lossy]
    assert stamps(good) == ["1.1.0", "1.1.0"]


# ---------------------------------------------------------------- failures leave the input intact


def test_a_crash_half_way_through_writing_leaves_the_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    before = path.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    seen: dict[str, int] = {}

    def write_half_then_fail(handle, data: bytes) -> None:
        handle.write(data[: len(data) // 2])
        handle.flush()
        seen["written"] = len(data) // 2
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "write_all", write_half_then_fail)
    outcome = migrate_paths([path], "1.1.0")
    assert not outcome.ok and outcome.written == []
    assert "No space left on device" in str(outcome.refused[0])
    assert seen["written"] > 0  # the failure really happened mid-write
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing

    code, _, err = run(str(path), "--to", "1.1.0")
    assert code == 1 and "No space left on device" in err and "unchanged" in err
    assert path.read_bytes() == before


def test_a_failed_rename_leaves_the_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    before = path.read_bytes()

    def refuse(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    outcome = migrate_paths([path], "1.1.0")
    assert "Permission denied" in str(outcome.refused[0]) and outcome.written == []
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX)]


def test_an_exception_inside_a_migration_step_leaves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    before = path.read_bytes()
    real = MIGRATIONS["1.0.0", "1.1.0"]
    calls = []

    def second_record_breaks(record: rec.Record):
        calls.append(record.id)
        if len(calls) == 2:
            raise RuntimeError("bug in a migration")
        return real.step(record)

    monkeypatch.setitem(MIGRATIONS, ("1.0.0", "1.1.0"), Migration("1.0.0", "1.1.0", second_record_breaks, "broken"))
    with pytest.raises(RuntimeError):
        migrate_paths([path], "1.1.0")
    assert calls == ["mtest-001", "mtest-002"]
    assert path.read_bytes() == before


def test_an_invalid_result_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration producing an invalid record (here: an unknown polarity) is caught by the validator first."""
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    before = path.read_bytes()

    def bad_upgrade(record: rec.Record):
        events = tuple(msgspec.structs.replace(e, polarity="maybe") for e in record.events)
        return msgspec.structs.replace(record, schema_version="1.1.0", events=events), []

    monkeypatch.setitem(MIGRATIONS, ("1.0.0", "1.1.0"), Migration("1.0.0", "1.1.0", bad_upgrade, "bad"))
    with pytest.raises(MigrationError, match=r"not valid 1\.1\.0") as err:
        plan_file(path, "1.1.0")
    assert "unknown-polarity" in str(err.value) and "'maybe'" in str(err.value)
    code, _, stderr = run(str(path), "--to", "1.1.0")
    assert code == 1 and "no file was written" in stderr
    assert path.read_bytes() == before


def test_an_input_invalid_as_stamped_is_refused(tmp_path: Path) -> None:
    """A 1.0.0 hypothetical event with a source would be fine in 1.1.0, but the file claims to be 1.0.0."""
    path = copy_fixture(tmp_path, "bad/v1_0_0_hypothetical_source.jsonl")
    before = path.read_bytes()
    code, _, err = run(str(path), "--to", "1.1.0")
    assert code == 1
    assert "not valid as stamped" in err and "source-without-claim" in err and "[mtest-051:e2]" in err
    assert path.read_bytes() == before


def test_permissions_survive_the_rewrite(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    path.chmod(0o640)
    migrate_paths([path], "1.1.0")
    assert path.stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- dry run, routes, CLI usage


def test_dry_run_shows_everything_and_changes_nothing(tmp_path: Path) -> None:
    lossy = copy_fixture(tmp_path, "v1_1_0_lossy.jsonl")
    before, mtime = lossy.read_bytes(), lossy.stat().st_mtime_ns
    code, out, _ = run(str(lossy), "--to", "1.0.0", "--dry-run", "--allow-loss")
    assert code == 0
    assert out.startswith(f"would migrate {lossy}: 2 record(s): 2 1.1.0 -> 1.0.0")
    assert sum("would drop (--allow-loss)" in line for line in out.splitlines()) == 4
    assert "nothing written" in out
    assert lossy.read_bytes() == before and lossy.stat().st_mtime_ns == mtime
    code, _, err = run(str(lossy), "--to", "1.0.0", "--dry-run")  # a dry run still reports a refusal
    assert code == 1 and "would drop 4 value(s)" in err


def test_routes_chain_through_intermediate_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [(m.source, m.target) for m in route("1.0.0", "1.1.0")] == [("1.0.0", "1.1.0")]
    assert route("1.1.0", "1.1.0") == []

    def hop(target: str):
        return lambda r: (msgspec.structs.replace(r, schema_version=target, lang=r.lang + "+" + target), [])

    fake = {
        ("1.0.0", "1.1.0"): MIGRATIONS["1.0.0", "1.1.0"],
        ("1.1.0", "9.0.0"): Migration("1.1.0", "9.0.0", hop("9.0.0"), ""),
    }
    monkeypatch.setattr(migrate, "MIGRATIONS", fake)
    monkeypatch.setattr(migrate, "known_versions", lambda: ["1.0.0", "1.1.0", "9.0.0"])
    assert [(m.source, m.target) for m in route("1.0.0", "9.0.0")] == [("1.0.0", "1.1.0"), ("1.1.0", "9.0.0")]
    record = next(rec.read_jsonl(DATA / "v1_0_0.jsonl"))
    migrated, losses = migrate_record(record, "9.0.0")
    assert (migrated.schema_version, migrated.lang, losses) == ("9.0.0", "ar+9.0.0", [])
    with pytest.raises(MigrationError, match=r"no migration path from 9\.0\.0 to 1\.0\.0"):
        route("9.0.0", "1.0.0")


def test_usage_errors_exit_2_and_say_what_to_do(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "v1_0_0.jsonl")
    code, _, err = run(str(path), "--to", "7.0.0")
    assert code == 2 and "known: 1.0.0, 1.1.0" in err
    code, _, err = run(str(path))
    assert code == 2 and "--to X.Y.Z" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run(str(tmp_path / "empty"), "--to", "1.1.0")
    assert code == 2 and "no *.jsonl files" in err
    code, out, _ = run("--list")
    assert code == 0 and "1.0.0 -> 1.1.0" in out and "1.1.0 -> 1.0.0" in out
