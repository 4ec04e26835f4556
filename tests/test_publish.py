"""`aces publish`: the dry run lists what would be uploaded and where, with no network; failures are messages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import msgspec
import pytest
from click.testing import CliRunner

from aces.cli import main
from aces.hf.build import build
from aces.hf.publish import PublishError, plan, publish
from hf_samples import sample_records, write_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    return build(write_corpus(root, sample_records()), root / "out")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network call attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_dry_run_lists_every_file_with_its_size_and_the_target(built, no_network):
    result = CliRunner().invoke(
        main, ["publish", "--repo-id", "aces-org/aces", "--dir", str(built.out_dir), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "https://huggingface.co/datasets/aces-org/aces" in out and "tag v0.3.0" in out
    files = sorted(p for p in built.out_dir.rglob("*") if p.is_file())
    assert len(files) == 4 * 3 + 3
    for path in files:
        rel = path.relative_to(built.out_dir).as_posix()
        line = next(line for line in out.splitlines() if line.split()[:1] == [rel])
        assert line.split()[1] == f"{path.stat().st_size:,}"
    assert f"{len(files)} files" in out


def test_revision_names_the_tag(built):
    assert plan(built.out_dir, "aces-org/aces", "v0.3.0-rc1").tag == "v0.3.0-rc1"
    assert plan(built.out_dir, "aces-org/aces").tag == "v0.3.0"


@pytest.mark.parametrize("repo_id", ["aces", "a/b/c", "aces-org/bad name"])
def test_a_bad_repo_id_is_refused_before_anything_else(built, no_network, repo_id):
    result = CliRunner().invoke(main, ["publish", "--repo-id", repo_id, "--dir", str(built.out_dir), "--dry-run"])
    assert result.exit_code == 1 and "--repo-id" in result.output and "Traceback" not in result.output


def test_a_folder_that_is_not_a_build_is_refused(tmp_path, no_network):
    (tmp_path / "README.md").write_text("# not a build\n")
    with pytest.raises(PublishError, match="not a built ACES dataset"):
        plan(tmp_path, "aces-org/aces")


def test_an_unversioned_corpus_is_not_published(tmp_path, no_network):
    summary = build(write_corpus(tmp_path, sample_records()[:1], version=None), tmp_path / "out")
    with pytest.raises(PublishError, match="corpus/VERSION"):
        publish(plan(summary.out_dir, "aces-org/aces"), accept_licence_risk=True)


def test_without_a_token_the_real_publish_fails_with_a_message(built, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env |= {"HF_HOME": str(tmp_path / "hf-home"), "HF_HUB_OFFLINE": "1"}  # no token file there; offline anyway
    publish_args = ["publish", "--repo-id", "aces-org/aces", "--dir", str(built.out_dir), "--accept-licence-risk"]
    run = subprocess.run(
        [sys.executable, "-m", "aces.cli", *publish_args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 1
    assert "no Hugging Face token" in run.stderr and "HF_TOKEN" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_the_dry_run_warns_about_documents_not_cleared_for_redistribution(built, no_network):
    result = CliRunner().invoke(
        main, ["publish", "--repo-id", "aces-org/aces", "--dir", str(built.out_dir), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: not cleared for redistribution: 3 document(s) under 'unknown'" in result.stderr
    assert "--accept-licence-risk" in result.stderr


def test_publishing_unknown_terms_is_refused_without_the_flag(built, tmp_path, no_network):
    result = CliRunner().invoke(main, ["publish", "--repo-id", "aces-org/aces", "--dir", str(built.out_dir)])
    assert result.exit_code == 1
    assert "not cleared for redistribution" in result.output and "--accept-licence-risk" in result.output
    assert "Traceback" not in result.output


def test_a_corpus_under_a_redistributable_licence_publishes_without_the_flag(tmp_path, no_network, monkeypatch):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)  # no token, whatever the machine has
    cc = {"license": "CC-BY-NC-SA-3.0", "attribution": "UD Arabic-PADT (test)"}
    records = [
        msgspec.structs.replace(r, provenance=msgspec.structs.replace(r.provenance, **cc)) for r in sample_records()
    ]
    summary = build(write_corpus(tmp_path, records), tmp_path / "out")
    the_plan = plan(summary.out_dir, "aces-org/aces")
    assert the_plan.restricted == {} and the_plan.licence_warning is None
    with pytest.raises(PublishError, match="no Hugging Face token"):  # past the licence gate, stopped by the token
        publish(the_plan)


def test_the_help_says_what_counts_as_redistributable():
    out = CliRunner().invoke(main, ["publish", "--help"]).output
    assert "--accept-licence-risk" in out and "CC-BY-NC-SA-3.0" in out and "redistributable" in out
