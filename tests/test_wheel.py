"""``pip install aces-corpus`` works anywhere: the wheel and the sdist carry the corpus and schema they were built
with, and a fresh virtualenv with the wheel installed, run from a folder that is not the clone, loads, reads and
builds exactly what the clone does, offline, into the user cache (never into site-packages).

The build backend (hatchling) is a test dependency, called through its PEP 517 hooks: nothing is downloaded. The new
virtualenv has no pip and no packages of its own: its dependencies come from this interpreter's
site-packages through a ``.pth`` file, while ``aces`` itself comes only from the wheel (asserted).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from aces.hf.build import MARKER, build
from aces.paths import repo_root

ROOT = repo_root()
PACKAGED = "aces/data/corpus"
SHIPPED = ("gold", "raw")
"""The corpus folders a wheel carries; ``rounds/`` and ``queue/`` (annotation working files) stay in the clone."""


def _hooks(source: Path, out: Path, *hooks: str) -> list[Path]:
    """Call hatchling's PEP 517 ``hooks`` in ``source`` (hatchling is a test dependency: no download); the files
    they wrote to ``out``."""
    code = "import sys, hatchling.build as b\nfor h in sys.argv[2:]: print(getattr(b, h)(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", code, str(out), *hooks], cwd=source, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [out / name for name in done.stdout.split()]


def _contents(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and wheel of the clone, and the wheel built from that sdist."""
    work = tmp_path_factory.mktemp("dists")
    sdist, wheel = _hooks(ROOT, work, "build_sdist", "build_wheel")
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "unpacked", filter="data")
    (source,) = (work / "unpacked").iterdir()
    (from_sdist,) = _hooks(source, work / "from-sdist", "build_wheel")
    return {"sdist": sdist, "wheel": wheel, "from_sdist": from_sdist}


def test_the_wheel_carries_the_corpus_and_the_schema(dists: dict[str, Path]) -> None:
    files = _contents(dists["wheel"])
    corpus = ROOT / "corpus"
    for folder in SHIPPED:
        clone = {p.relative_to(corpus).as_posix(): p.read_bytes() for p in (corpus / folder).rglob("*") if p.is_file()}
        packed = {n.removeprefix(f"{PACKAGED}/"): b for n, b in files.items() if n.startswith(f"{PACKAGED}/{folder}/")}
        assert clone and packed == clone, folder
    for name in ("VERSION", "GUIDELINES.md", "CITATION.cff", "baselines.json"):
        assert files[f"{PACKAGED}/{name}"] == (corpus / name).read_bytes()
    assert files["aces/data/DATASHEET.md"] == (ROOT / "DATASHEET.md").read_bytes()
    schema = {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in (ROOT / "schema").rglob("*") if p.is_file()}
    assert {f"aces/{name}": data for name, data in schema.items()}.items() <= files.items()
    assert not [n for n in files if n.startswith((f"{PACKAGED}/rounds/", f"{PACKAGED}/queue/"))]
    assert dists["wheel"].stat().st_size < 8 * 2**20, "the wheel grew past 8 MB: is a working folder packed?"


def test_the_sdist_builds_the_same_wheel(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "corpus/VERSION" in names and not [n for n in names if n.startswith(("corpus/rounds", "tests/"))]
    assert _contents(dists["from_sdist"]) == _contents(dists["wheel"])


@pytest.fixture(scope="module")
def venv(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with only the wheel installed (no pip of its own; the dependencies seen through a .pth)."""
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(dists["wheel"])]
    done = subprocess.run(install, capture_output=True, text=True, env=_outside_env(root.parent))
    assert done.returncode == 0, done.stderr
    return root


def _outside_env(scratch: Path) -> dict[str, str]:
    """No clone on the path, no corpus named, caches in ``scratch``, the Hub forbidden (offline)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ACES_CORPUS")}
    return env | {
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "HF_DATASETS_CACHE": str(scratch / "hf-datasets"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
    }


LOAD = """
import json, aces
from aces.hf.build import default_out_dir
from aces.paths import corpus_dir
ner = aces.load("ner", split="test")
print(json.dumps({"aces": aces.__file__, "corpus": str(corpus_dir()), "records": sum(1 for _ in aces.read_corpus()),
                  "ner_test": ner.num_rows, "built": str(default_out_dir())}))
"""


def test_an_install_without_a_clone_loads_reads_and_builds_what_the_clone_does(venv: Path, tmp_path: Path) -> None:
    clone = build(ROOT / "corpus", tmp_path / "clone-hf")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _outside_env(tmp_path)
    done = subprocess.run([venv / "bin" / "python", "-c", LOAD], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.splitlines()[-1])
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert Path(got["aces"]).is_relative_to(site), got  # aces from the wheel, not from the clone
    assert Path(got["corpus"]) == site / "aces" / "data" / "corpus"
    assert got["records"] == sum(clone.documents.values()) and got["ner_test"] == clone.rows["ner"]["test"]
    built = Path(got["built"])
    assert built.parent == tmp_path / "cache" / "aces" / "hf" and (built / MARKER).is_file()
    assert not [p for p in venv.rglob("*.parquet")], "a build was written into the virtualenv"

    out = tmp_path / "run-out"
    done = subprocess.run(
        [venv / "bin" / "aces", "run", "--out", str(out)], cwd=elsewhere, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    assert f"OK: {sum(clone.documents.values())} documents valid".encode() in done.stdout
    ours = json.loads((out / MARKER).read_text(encoding="utf-8"))
    theirs = json.loads((clone.out_dir / MARKER).read_text(encoding="utf-8"))
    assert ours["rows"] == theirs["rows"] and ours["inputs_sha256"] == theirs["inputs_sha256"]
    parquets = sorted(clone.out_dir.rglob("*.parquet"))
    assert len(parquets) == sum(len(files) for per_split in clone.data_files.values() for files in per_split.values())
    for parquet in parquets:  # the build is deterministic: the same bytes
        assert (out / parquet.relative_to(clone.out_dir)).read_bytes() == parquet.read_bytes(), parquet

    gone = subprocess.run(
        [venv / "bin" / "aces", "run"], cwd=elsewhere, env=env | {"ACES_CORPUS": "/nonexistent"}, capture_output=True
    )
    assert gone.returncode == 2 and gone.stderr.decode().splitlines() == [
        "Error: /nonexistent: the corpus folder does not exist; pass --corpus with the corpus directory or set "
        "ACES_CORPUS"
    ]
