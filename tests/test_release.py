"""``aces release`` in a throw-away git repository (never /work/main): dry run changes nothing; a real run stamps
the records, builds, writes the changelog from the previous tag's diff, bumps corpus/VERSION, commits and tags."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aces import record as rec
from aces.cli import main
from aces.hf.build import BuildError
from aces.paths import repo_root
from aces.versions import release

MIGRATE = Path(__file__).parent / "data" / "migrate"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with a committed 1.1.0 corpus (4 documents, raw files, VERSION 0.1.0) and no tag."""
    root = tmp_path / "repo"
    gold = root / "corpus" / "gold"
    gold.mkdir(parents=True)
    shutil.copytree(MIGRATE / "raw", root / "corpus" / "raw")
    v100 = (MIGRATE / "v1_0_0.jsonl").read_text(encoding="utf-8")
    v110 = v100.replace('"schema_version":"1.0.0"', '"schema_version":"1.1.0"')
    (gold / "docs.jsonl").write_text(v110 + (MIGRATE / "v1_1_0_lossy.jsonl").read_text(encoding="utf-8"))
    (root / "corpus" / "VERSION").write_text("0.1.0\n")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q")
    git(root, "config", "user.email", "release-test@example.org")
    git(root, "config", "user.name", "Release Test")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "corpus")
    return root


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    corpus = ["--corpus", str(repo / "corpus"), "--out", str(repo / "build" / "hf")]
    result = CliRunner().invoke(main, ["release", *args, *corpus])
    return result.exit_code, result.stdout, result.stderr


def snapshot(repo: Path) -> dict:
    """Every file outside .git, HEAD, the tags and the index/work-tree status."""
    files = {
        p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
    }
    return {
        "files": files,
        "head": git(repo, "rev-parse", "HEAD"),
        "tags": git(repo, "tag"),
        "status": git(repo, "status", "--porcelain"),
    }


def corpus_versions(repo: Path) -> list[str | None]:
    lines = (repo / "corpus/gold/docs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["provenance"].get("corpus_version") for line in lines]


def test_dry_run_shows_everything_and_changes_nothing(repo: Path) -> None:
    before = snapshot(repo)
    code, out, err = run(repo, "--version", "0.1.0", "--dry-run", "--date", "2026-01-01")
    assert code == 0, err
    assert f"release corpus-v0.1.0 of {repo / 'corpus'}" in out
    assert "write corpus/gold/docs.jsonl: provenance.corpus_version = 0.1.0" in out
    assert "write CHANGELOG.md: entry for 0.1.0" in out
    assert "commit 2 file(s) and tag corpus-v0.1.0" in out
    assert "## 0.1.0 — 2026-01-01" in out and "4 document(s) (train 4)" in out and "First release." in out
    assert "nothing was written" in out
    assert snapshot(repo) == before
    assert not (repo / "build").exists()


def test_first_and_second_release(repo: Path) -> None:
    code, _, err = run(repo, "--version", "0.1.0", "--date", "2026-01-01")
    assert code == 0, err
    assert git(repo, "tag") == "corpus-v0.1.0"
    assert git(repo, "rev-list", "-n1", "corpus-v0.1.0") == git(repo, "rev-parse", "HEAD")
    assert git(repo, "status", "--porcelain") == ""  # everything the release wrote is committed
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").splitlines() == [
        "corpus release 0.1.0",
        "",
        "CHANGELOG.md",
        "corpus/gold/docs.jsonl",
    ]
    assert corpus_versions(repo) == ["0.1.0"] * 4
    assert "Corpus version: **0.1.0**" in (repo / "build/hf/README.md").read_text(encoding="utf-8")
    assert json.loads((repo / "build/hf/aces_build.json").read_text())["corpus_version"] == "0.1.0"
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith(release.CHANGELOG_HEADER) and "## 0.1.0 — 2026-01-01" in changelog

    # Annotation work between releases: a foiled attack gets polarity negative, «الحركة» becomes NAM.
    gold = repo / "corpus/gold/docs.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines()
    doc = json.loads(lines[1])
    doc["events"][1]["polarity"] = "negative"
    doc["entities"][2]["form"] = "NAM"
    lines[1] = rec.to_json(rec.from_dict(doc))
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "round 2")

    code, _, err = run(repo, "--version", "0.2.0", "--date", "2026-02-01")
    assert code == 0, err
    assert git(repo, "tag").splitlines() == ["corpus-v0.1.0", "corpus-v0.2.0"]
    assert (repo / "corpus/VERSION").read_text() == "0.2.0\n"
    assert git(repo, "show", "corpus-v0.1.0:corpus/VERSION") == "0.1.0"  # the old release is untouched
    assert corpus_versions(repo) == ["0.2.0"] * 4
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 0.2.0 — 2026-02-01") < changelog.index("## 0.1.0 — 2026-01-01")  # newest first
    entry = changelog[changelog.index("## 0.2.0") : changelog.index("## 0.1.0")]
    assert "Changes since `corpus-v0.1.0`: documents 0 added, 0 removed, 1 of 4 changed" in entry
    assert "mentions +0 −0 ~1; clusters +0 −0 ~0; events +0 −0 ~1" in entry
    assert "form NOM → NAM" in entry and "polarity positive → negative" in entry
    assert "Corpus version: **0.2.0**" in (repo / "build/hf/README.md").read_text(encoding="utf-8")
    assert git(repo, "status", "--porcelain") == ""


def test_refusals_change_nothing(repo: Path) -> None:
    assert run(repo, "--version", "0.1.0", "--date", "2026-01-01")[0] == 0
    before = snapshot(repo)
    for version, message in (
        ("0.1.0", "tag corpus-v0.1.0 already exists"),
        ("0.0.9", "is not above the latest release corpus-v0.1.0"),
        ("1.0", "is not MAJOR.MINOR.PATCH"),
    ):
        code, _, err = run(repo, "--version", version)
        assert code == 1 and message in err, err
    assert snapshot(repo) == before

    (repo / "corpus/VERSION").write_text("0.1.1\n")  # uncommitted change in the corpus
    code, _, err = run(repo, "--version", "0.2.0")
    assert code == 1 and "uncommitted changes" in err and "corpus/VERSION" in err
    git(repo, "checkout", "-q", "--", "corpus/VERSION")

    gold = repo / "corpus/gold/docs.jsonl"
    broken = gold.read_text(encoding="utf-8").replace('"type":"GPE","form":"NAM"', '"type":"CITY","form":"NAM"', 1)
    gold.write_text(broken, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a typo")
    code, _, err = run(repo, "--version", "0.2.0")
    assert code == 1 and "does not validate" in err and "unknown-entity-type" in err
    assert git(repo, "tag") == "corpus-v0.1.0"


def test_a_failed_build_puts_every_file_back(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(repo)

    def broken_build(*_: object, **__: object) -> None:
        raise BuildError("disk full while writing parquet")

    monkeypatch.setattr("aces.hf.build.build", broken_build)
    code, _, err = run(repo, "--version", "0.1.0")
    assert code == 1 and "does not build: disk full" in err and "files restored" in err
    assert snapshot(repo) == before  # files, HEAD, tags and index as they were


def test_the_default_corpus_is_refused_outside_its_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --corpus, a release run from another directory must not commit and tag the installed repository."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACES_CORPUS", raising=False)
    result = CliRunner().invoke(main, ["release", "--version", "9.9.9", "--dry-run"])
    assert result.exit_code == 1
    assert f"is in the repository {repo_root()}" in result.stderr and "pass --corpus" in result.stderr
