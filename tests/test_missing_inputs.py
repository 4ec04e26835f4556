"""What a command cannot find (a corpus, the schema) ends in one line and exit status 2, never a traceback; and
where an installed package (no clone) takes its corpus from and builds into: the user cache, keyed by its inputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import aces.hf.build
import aces.paths
import aces.schema
from aces.cli import main
from aces.hf.build import default_out_dir
from aces.paths import MissingData, cache_dir, corpus_dir, repo_root


def test_run_without_a_corpus_says_so_in_one_line() -> None:
    env = {**os.environ, "ACES_CORPUS": "/nonexistent/aces-corpus"}
    done = subprocess.run([sys.executable, "-m", "aces.cli", "run"], capture_output=True, text=True, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "Error: /nonexistent/aces-corpus: the corpus folder does not exist; "
        "pass --corpus with the corpus directory or set ACES_CORPUS"
    ]


@pytest.mark.parametrize("command", [["build"], ["stats"], ["export", "conll"], ["export", "doccano"]])
def test_every_reader_of_the_default_corpus_refuses_a_missing_one(command, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ACES_CORPUS", str(tmp_path / "gone"))
    out = [] if command == ["stats"] else ["--out", str(tmp_path / "out")]
    done = CliRunner().invoke(main, [*command, *out])
    assert done.exit_code == 2, done.output
    assert done.output.splitlines() == [f"Error: {tmp_path / 'gone'}: the corpus folder does not exist; "
                                        "pass --corpus with the corpus directory or set ACES_CORPUS"]  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_a_missing_datasheet_is_a_path_problem(tmp_path) -> None:
    done = CliRunner().invoke(main, ["stats", "--check-datasheet", str(tmp_path / "DATASHEET.md")])
    assert done.exit_code == 2 and done.output.splitlines() == [
        f"Error: {tmp_path / 'DATASHEET.md'}: no such file; pass the datasheet's path"
    ]


def test_a_missing_schema_is_named_not_taken_for_an_unknown_version(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(aces.schema, "repo_root", lambda: tmp_path)  # the clone's loaders/aces holds no schema/
    for cached in (aces.schema.labels, aces.schema.json_schema, aces.schema.validator):
        cached.cache_clear()
    try:
        with pytest.raises(MissingData, match=r"no schema folder at .*: the package is incomplete; reinstall"):
            aces.schema.schema_root()
        # The command runs in a fresh interpreter: caches of this one (labels, compiled schemas) cannot hide it.
        gold = sorted((corpus_dir() / "gold").glob("*.jsonl"))[0]
        code = (
            "import sys, pathlib, aces.schema\n"
            "aces.schema.repo_root = lambda: pathlib.Path(sys.argv[1])\n"
            "from aces.cli import main\n"
            "main(['validate', sys.argv[2]])"
        )
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(gold)], capture_output=True, text=True)
        assert done.returncode == 2 and done.stderr.startswith("Error: no schema folder at"), done.stderr
        assert len(done.stderr.splitlines()) == 1 and not done.stdout
    finally:
        for cached in (aces.schema.labels, aces.schema.json_schema, aces.schema.validator):
            cached.cache_clear()


def test_the_user_cache_follows_xdg(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "aces"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "aces"


def test_a_clone_keeps_its_corpus_and_build_folder(monkeypatch) -> None:
    monkeypatch.delenv("ACES_CORPUS", raising=False)
    assert aces.paths.in_clone()
    assert corpus_dir() == repo_root() / "corpus"
    assert default_out_dir() == repo_root() / "build" / "hf"
    monkeypatch.setenv("ACES_CORPUS", "/elsewhere")
    assert corpus_dir() == Path("/elsewhere")


def test_without_a_clone_the_packaged_corpus_is_read_and_builds_go_to_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(aces.paths, "in_clone", lambda: False)
    monkeypatch.setattr(aces.hf.build, "in_clone", lambda: False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ACES_CORPUS", raising=False)
    assert corpus_dir() == aces.paths.PACKAGED / "corpus"
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_root() / "corpus" / "gold", corpus / "gold")
    (corpus / "VERSION").write_text("1.2.3\n", encoding="utf-8")
    first = default_out_dir(corpus)
    assert first.parent == tmp_path / "cache" / "aces" / "hf"
    assert "_corpus-1.2.3_" in first.name and default_out_dir(corpus) == first  # the same inputs, the same folder
    gold = sorted((corpus / "gold").glob("*.jsonl"))[0]
    gold.write_text(gold.read_text(encoding="utf-8").replace('"split"', ' "split"', 1), encoding="utf-8")
    assert default_out_dir(corpus) != first  # other inputs: never the stale folder
