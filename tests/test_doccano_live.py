"""Round trips through a real doccano 1.8.4 server, started here on a free 127.0.0.1 port in a temporary home.

The server's own venv is built on first use (about a minute, under ~/.cache/aces); if it cannot be built or the
server does not start, these tests fail: they are never skipped.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings

from aces.cli import main
from aces.doccano.convert import doccano_to_records
from aces.doccano.server import DoccanoServer, free_port
from aces.doccano.sync import connect, export_jsonl, find_project, push
from aces.paths import repo_root
from aces.record import Record, from_dict, read_jsonl, write_jsonl
from corpus_files import round_files
from doccano_samples import DOC, TEXT, sample_record, write_sample_corpus
from strategies import records

USER = "admin"


def js_utf16(text: str, offset: int) -> int:
    """JavaScript's length of ``text[:offset]``, as doccano's UI counts (independent of aces.offsets)."""
    return len(text[:offset].encode("utf-16-le")) // 2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    password = secrets.token_urlsafe(16)
    with DoccanoServer(tmp_path_factory.mktemp("doccano-home"), USER, password) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    return connect(server.url, USER, server.password)


@pytest.fixture
def corpus(tmp_path) -> tuple[Path, list[Record]]:
    """The repository's gold corpus (raw files too) plus the emoji/clitic sample, in a temporary corpus dir."""
    root = tmp_path / "corpus"
    shutil.copytree(repo_root() / "corpus" / "raw", root / "raw")
    shutil.copytree(repo_root() / "corpus" / "gold", root / "gold")
    gold = [r for path in sorted((root / "gold").glob("*.jsonl")) for r in read_jsonl(path)]
    return root, [*gold, *write_sample_corpus(root)[:1]]


def pull(client, project: str, bases: list[Record]) -> list[Record]:
    return doccano_to_records(export_jsonl(client, project), {r.id: r for r in bases})


def example_of(client, project_name: str, doc: str):
    project = find_project(client, project_name)
    example = next(e for e in project.examples.all() if e.example.meta.get("aces_id") == doc)
    return project, example


def test_gold_corpus_and_sample_come_back_identical(client, corpus) -> None:
    _, recs = corpus
    result = push(client, "identity", recs)
    assert (result.uploaded, result.skipped) == (len(recs), 0)
    assert pull(client, "identity", recs) == recs
    assert push(client, "identity", recs).uploaded == 0  # a second push adds nothing


ROUND_DIRS = sorted({p.parent for p in round_files()})


@pytest.mark.parametrize("folder", ROUND_DIRS, ids=lambda p: "/".join(p.parts[-2:]))
def test_annotated_rounds_come_back_identical(client, folder: Path) -> None:
    """Every annotation pass of every round, one doccano project per pass folder."""
    recs = [r for path in round_files() if path.parent == folder for r in read_jsonl(path)]
    name = "round-" + "-".join(folder.parts[-2:])
    result = push(client, name, recs)
    assert (result.uploaded, result.skipped) == (len(recs), 0)
    assert pull(client, name, recs) == recs


def test_server_holds_utf16_offsets_and_shows_the_same_text(client, corpus) -> None:
    _, recs = corpus
    push(client, "offsets", recs)
    _, example = example_of(client, "offsets", DOC)
    spans = [s.span for s in example.spans.all()]
    units = TEXT.encode("utf-16-le")
    shown = {units[2 * s.start_offset : 2 * s.end_offset].decode("utf-16-le") for s in spans}
    record = sample_record()
    assert {m.text for m in record.entities} <= shown  # what the browser shows is exactly each mention
    monday = next(m for m in record.entities if m.text == "الإثنين")
    assert any(s.start_offset == monday.start + 3 for s in spans)  # 😀 and 🇦🇫 (two code points) before it


def test_annotator_edits_come_back_exactly_and_validate(client, server, corpus, tmp_path) -> None:
    root, recs = corpus
    push(client, "edits", recs)
    project, example = example_of(client, "edits", DOC)
    session, url = client.client_session, f"{project.project_url}/examples/{example.id}"
    label_id = {c.span_type.text: c.id for c in project.span_types.all()}
    spans = session.get(f"{url}/spans").json()
    # 1. a new span, offsets counted as the browser counts them
    start = TEXT.index("بكابول")
    new = {"label": label_id["GPE/NOM"], "start_offset": js_utf16(TEXT, start), "end_offset": js_utf16(TEXT, start + 6)}
    assert session.post(f"{url}/spans", json={**new, "prob": 0.0}).ok
    # 2. a changed label, as the UI's label menu does it
    daesh = TEXT.index("داعش")
    target = next(s for s in spans if s["start_offset"] == js_utf16(TEXT, daesh) and s["label"] == label_id["ORG/NAM"])
    assert session.patch(f"{url}/spans/{target['id']}", json={"label": label_id["ORG/NOM"]}).ok
    # 3. a deleted relation (the Victim argument of «قتلت»)
    relations = session.get(f"{url}/relations").json()
    victim_type = next(c.id for c in project.relation_types.all() if c.relation_type.text == "Victim")
    victim = next(r for r in relations if r["type"] == victim_type)
    assert session.delete(f"{url}/relations/{victim['id']}").ok

    env = {"ACES_DOCCANO_PASSWORD": server.password, "ACES_DOCCANO_USER": USER}
    out = tmp_path / "pulled"
    args = ["doccano", "pull", "--project", "edits", "--url", server.url, "--corpus", str(root), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--apply"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output

    (pulled,) = read_jsonl(root / "gold" / f"{DOC}.jsonl")
    base = sample_record()
    by_id = {m.id: m for m in pulled.entities}
    for m in base.entities:  # every span nobody touched: same id, code points and text
        if m.text != "داعش":
            assert by_id[m.id] == m
    assert by_id[f"{DOC}:m5"].form == "NOM" and by_id[f"{DOC}:m5"].start == daesh
    (added,) = [m for m in pulled.entities if m.id not in {b.id for b in base.entities}]
    assert (added.start, added.end, added.text, added.type, added.form) == (start, start + 6, "بكابول", "GPE", "NOM")
    e1 = next(e for e in pulled.events if e.id == f"{DOC}:e1")
    assert [a.role for a in e1.arguments] == ["Agent", "Place", "Time"]
    assert pulled.stances == base.stances and pulled.clusters[:-1] == base.clusters
    assert [r.id for r in read_jsonl(out / f"{DOC}.jsonl")] == [DOC]
    validated = CliRunner().invoke(main, ["validate", str(root / "gold")])
    assert validated.exit_code == 0, validated.output

    # The pull also wrote an adjudication file (gold = A, doccano = B): taking B everywhere rebuilds the pull.
    entries = [json.loads(line) for line in (out / "adjudication.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entries and all(e["decision"] in (None, "") for e in entries)
    decided = tmp_path / "decided.jsonl"
    decided.write_text("".join(json.dumps({**e, "decision": "b"}, ensure_ascii=False) + "\n" for e in entries))
    before = tmp_path / "before.jsonl"
    write_jsonl([base], before)
    merged = tmp_path / "merged.jsonl"
    adjudicated = CliRunner().invoke(
        main, ["adjudicate", str(before), str(out / f"{DOC}.jsonl"), "--out", str(merged), "--decisions", str(decided)]
    )
    assert adjudicated.exit_code == 0, adjudicated.output
    (rebuilt,) = read_jsonl(merged)
    assert {(m.start, m.end, m.type, m.form) for m in rebuilt.entities} == {
        (m.start, m.end, m.type, m.form) for m in pulled.entities
    }
    assert sorted((e.trigger.start, a.role) for e in rebuilt.events for a in e.arguments) == sorted(
        (e.trigger.start, a.role) for e in pulled.events for a in e.arguments
    )


def test_project_edited_into_an_invalid_state_is_reported_and_nothing_is_written(client, server, corpus) -> None:
    root, recs = corpus
    push(client, "broken", recs)
    project, example = example_of(client, "broken", DOC)
    session, url = client.client_session, f"{project.project_url}/examples/{example.id}"
    label_id = {c.span_type.text: c.id for c in project.span_types.all()}
    off = {"label": label_id["PER/NAM"], "start_offset": 10, "end_offset": 10_000, "prob": 0.0}
    assert session.post(f"{url}/spans", json=off).ok  # doccano never checks offsets against the text
    # a stance left without its target: delete the span the target relation points at
    spans = session.get(f"{url}/spans").json()
    proposition = next(s for s in spans if s["label"] == label_id["Proposition"])
    assert session.delete(f"{url}/spans/{proposition['id']}").ok
    before = {p: p.read_bytes() for p in (root / "gold").glob("*.jsonl")}

    env = {"ACES_DOCCANO_PASSWORD": server.password}
    out = root.parent / "pulled"
    args = ["doccano", "pull", "--project", "broken", "--url", server.url, "--corpus", str(root), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--apply"], env=env)
    assert result.exit_code == 1
    assert "off the text" in result.output and "no «stance:target»" in result.output
    assert DOC in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert {p: p.read_bytes() for p in (root / "gold").glob("*.jsonl")} == before


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=records(doc_id="t-doccano-live", min_mentions=2))
def test_random_records_with_emoji_before_spans_round_trip(client, data: dict) -> None:
    record = from_dict(data)
    first_astral = next((i for i, ch in enumerate(record.text) if ord(ch) > 0xFFFF), None)
    assume(first_astral is not None and any(m.start > first_astral for m in record.entities))
    name = f"random-{secrets.token_hex(4)}"
    push(client, name, [record])
    assert pull(client, name, [record]) == [record]


def test_cli_serve_binds_loopback_and_stop_ends_it(tmp_path) -> None:
    port = free_port()
    env = dict(os.environ, ACES_DOCCANO_PASSWORD=secrets.token_urlsafe(12), ACES_DOCCANO_HOME=str(tmp_path / "h"))
    aces = [sys.executable, "-m", "aces.cli", "doccano"]
    started = subprocess.run([*aces, "serve", "--port", str(port)], env=env, capture_output=True, text=True)
    try:
        assert started.returncode == 0, started.stderr
        assert f"http://127.0.0.1:{port}" in started.stdout
        assert env["ACES_DOCCANO_PASSWORD"] not in started.stdout + started.stderr
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True).stdout
        local = [line.split()[3] for line in listening.splitlines()]
        assert local == [f"127.0.0.1:{port}"]  # loopback only, never 0.0.0.0
    finally:
        stopped = subprocess.run([*aces, "stop"], env=env, capture_output=True, text=True)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True).stdout.strip() == ""


def test_server_down_or_wrong_password_is_one_line(server) -> None:
    down = CliRunner().invoke(
        main,
        ["doccano", "push", "--project", "x", "--url", f"http://127.0.0.1:{free_port()}"],
        env={"ACES_DOCCANO_PASSWORD": "x"},
    )
    assert down.exit_code == 1 and "no doccano server answers" in down.output and len(down.output.splitlines()) == 1
    wrong = CliRunner().invoke(
        main, ["doccano", "pull", "--project", "x", "--url", server.url], env={"ACES_DOCCANO_PASSWORD": "wrong"}
    )
    assert wrong.exit_code == 1 and "login" in wrong.output and len(wrong.output.splitlines()) == 1
