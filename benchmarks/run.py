"""Benchmarks of validation, build and DocBin export against their baselines, measured in one run.

    python benchmarks/run.py --quick            # small N, under two minutes, every ratio printed
    python benchmarks/run.py                    # N = 10^3, 10^4, 10^5 (the tables in BENCHMARKS.md)
    python benchmarks/run.py --sizes 2000 --markdown out.md
    python benchmarks/run.py --sizes 1000 10000 --only build build_floor --repeat 3   # some steps, min of 3

Corpora come from ``benchmarks/synth.py`` (seeded) and are written under ``--work`` (default
``/tmp/aces-bench``, reused across runs). Every step runs in its own Python process, so its peak RSS is its
own; a step's time excludes interpreter start and imports (both sides of a ratio import their libraries
first) and includes reading its input from the page cache (every file is read once before the steps).
Baselines:

- validation: (a) ``jsonschema.Draft202012Validator`` on the same JSON Schema after ``json.loads``, plus a
  Python loop checking offsets, stored texts and references (on at most ``--baseline-limit`` records: it is
  slow); (b) the floor, ``json.loads`` of every line. ACES runs all five levels on one core with
  ``cross_document=False`` (the target's mode); with cross-document checks and ``--jobs 2`` are shown too.
- build (JSONL → HF folder): ``pyarrow.json.read_json`` of the JSONL + ``pyarrow.parquet`` write of the table
  (zstd level 9; the build picks a level per column) + one spaCy tokenizer pass over the texts.
- ``datasets.load_dataset`` of every config of the built folder: time and peak RSS.
- DocBin export: spaCy's floor is ``spacy.blank("ar")`` tokenizing the texts and a DocBin of the bare Docs.
  Both write a new .spacy file every ``DOCBIN_PER_FILE`` documents (ours per split: ``docs_per_file``), so
  neither holds the corpus in memory (a DocBin is held until written: ~0.35 MB per document here).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (300, 1_000)
DOCBIN_PER_FILE = 2_000
"""Documents per .spacy file in both DocBin steps: a DocBin lives in memory until written (~0.35 MB per document
here), and spaCy's advice for large corpora is several DocBins, so both steps run at every N with flat memory."""
PACKAGES = ("msgspec", "jsonschema-rs", "jsonschema", "pyarrow", "datasets", "spacy", "distributed")


# ------------------------------------------------------------------------------------------------ steps


def _lines(corpus: Path, limit: int | None = None) -> list[bytes]:
    out: list[bytes] = []
    for path in sorted((corpus / "gold").glob("*.jsonl")):
        with open(path, "rb") as handle:
            for line in handle:
                out.append(line)
                if limit is not None and len(out) >= limit:
                    return out
    return out


def step_json_loads(corpus: Path, **_: object) -> dict:
    paths = sorted((corpus / "gold").glob("*.jsonl"))
    loads = json.loads
    started = time.perf_counter()
    n = 0
    for path in paths:
        with open(path, "rb") as handle:
            for line in handle:
                loads(line)
                n += 1
    return {"seconds": time.perf_counter() - started, "docs": n}


def _baseline_check(doc: dict) -> bool:
    """The obvious Python loop: offsets inside the text and equal to the stored text, references resolve."""
    text = doc["text"]
    ok = True
    ids = {item["id"]: kind for kind in ("entities", "clusters", "events") for item in doc[kind]}
    spans = list(doc["entities"]) + [ev["trigger"] for ev in doc["events"]]
    for st in doc["stances"]:
        spans += st["evidence"]
        if st["target"]["kind"] == "proposition":
            spans.append(st["target"])
    for span in spans:
        ok &= 0 <= span["start"] < span["end"] <= len(text) and text[span["start"] : span["end"]] == span["text"]
    for c in doc["clusters"]:
        ok &= all(ids.get(m) == "entities" for m in c["mentions"])
    for ev in doc["events"]:
        ok &= all(arg["ref"] in ids for arg in ev["arguments"])
        source = ev["epistemic"]["source"]
        ok &= source is None or ids.get(source) in ("entities", "clusters")
    for st in doc["stances"]:
        for part in (st["holder"], st["target"]):
            ok &= "ref" not in part or part["ref"] in ids
    return ok


def step_jsonschema(corpus: Path, limit: int | None = None, **_: object) -> dict:
    import jsonschema

    from aces.schema import json_schema

    lines = _lines(corpus, limit)
    check = jsonschema.Draft202012Validator(json_schema(json.loads(lines[0])["schema_version"]))
    check.is_valid(json.loads(lines[0]))  # warm-up: compile what it compiles lazily
    started = time.perf_counter()
    valid = 0
    for line in lines:
        doc = json.loads(line)
        if check.is_valid(doc) and _baseline_check(doc):
            valid += 1
    return {"seconds": time.perf_counter() - started, "docs": len(lines), "valid": valid}


def _validate(corpus: Path, jobs: int, cross_document: bool) -> dict:
    from aces.validate import collect_files
    from aces.validate.fast_schema import decoder
    from aces.validate.runner import Validation

    files = collect_files([corpus])
    decoder()  # compile the typed decoder before timing, as the baseline compiles its schema
    run = Validation(cross_document=cross_document)
    started = time.perf_counter()
    findings = sum(1 for _ in run.check_files(files, jobs=jobs))
    return {"seconds": time.perf_counter() - started, "docs": run.records, "findings": findings}


def step_validate(corpus: Path, **_: object) -> dict:
    return _validate(corpus, 1, False)


def step_validate_cross(corpus: Path, **_: object) -> dict:
    return _validate(corpus, 1, True)


def step_validate_jobs2(corpus: Path, **_: object) -> dict:
    return _validate(corpus, 2, False)


def step_validate_corrupt(corpus: Path, **_: object) -> dict:
    return _validate(corpus.with_name(corpus.name + "-corrupt"), 1, False)


def step_build(corpus: Path, out: Path, **_: object) -> dict:
    import aces.hf.card
    import aces.hf.croissant  # noqa: F401  (imports the build makes lazily are made before timing)
    from aces.hf import rows as hf
    from aces.hf.build import build
    from aces.offsets import _bare_tokenizer
    from aces.text.clitics import rules

    hf.features("documents", json.loads(_lines(corpus, 1)[0])["schema_version"])
    _bare_tokenizer()
    rules()  # the clitic lexicon, read once per process
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    summary = build(corpus, out)
    return {"seconds": time.perf_counter() - started, "docs": sum(summary.documents.values())}


def step_build_floor(corpus: Path, out: Path, **_: object) -> dict:
    import pyarrow.json as pj
    import pyarrow.parquet as pq
    import spacy

    tokenizer = spacy.blank("ar").tokenizer
    paths = sorted((corpus / "gold").glob("*.jsonl"))
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tables = [pj.read_json(p) for p in paths]
    t1 = time.perf_counter()
    for i, table in enumerate(tables):
        pq.write_table(table, out / f"floor-{i}.parquet", compression="zstd", compression_level=9)
    t2 = time.perf_counter()
    tokens = sum(len(doc) for table in tables for doc in tokenizer.pipe(table.column("text").to_pylist()))
    t3 = time.perf_counter()
    return {"seconds": t3 - t0, "read": t1 - t0, "write": t2 - t1, "tokenize": t3 - t2, "tokens": tokens}


def step_load(corpus: Path, out: Path, **_: object) -> dict:
    import datasets

    from aces.hf import rows as hf

    datasets.disable_progress_bars()
    cache = out.with_name(out.name + "-cache")
    shutil.rmtree(cache, ignore_errors=True)
    started = time.perf_counter()
    rows = 0
    for config in hf.CONFIGS:
        loaded = datasets.load_dataset(str(out), config, cache_dir=str(cache))
        rows += sum(part.num_rows for part in loaded.values())
    seconds = time.perf_counter() - started
    shutil.rmtree(cache, ignore_errors=True)
    return {"seconds": seconds, "rows": rows}


def step_docbin(corpus: Path, out: Path, **_: object) -> dict:
    from aces.convert.spacy_docbin import _blank_vocab, docbin_files, to_spacy
    from aces.record import read_jsonl

    _blank_vocab()
    target = out.with_name(out.name + "-docbin")
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    paths = sorted((corpus / "gold").glob("*.jsonl"))
    written = to_spacy((r for p in paths for r in read_jsonl(p)), target, docs_per_file=DOCBIN_PER_FILE)
    seconds = time.perf_counter() - started
    files = [f for p in written.values() for f in docbin_files(p)]
    return {"seconds": seconds, "bytes": sum(f.stat().st_size for f in files), "files": len(files)}


def step_docbin_floor(corpus: Path, out: Path, **_: object) -> dict:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("ar")
    target = out.with_name(out.name + "-docbin-floor")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    paths = sorted((corpus / "gold").glob("*.jsonl"))

    def texts():  # streamed, as the export reads its records
        for path in paths:
            with open(path, "rb") as handle:
                for line in handle:
                    yield json.loads(line)["text"]

    started = time.perf_counter()
    docbin, files = DocBin(), 0
    for doc in nlp.tokenizer.pipe(texts()):
        docbin.add(doc)
        if len(docbin) == DOCBIN_PER_FILE:
            docbin.to_disk(target / f"floor-{files:05d}.spacy")
            docbin, files = DocBin(), files + 1
    if len(docbin):
        docbin.to_disk(target / f"floor-{files:05d}.spacy")
        files += 1
    return {"seconds": time.perf_counter() - started, "files": files}


def peak_rss_mb() -> float:
    """This process's peak RSS: ``VmHWM`` of its own memory map. (``getrusage``'s ``ru_maxrss`` survives
    ``exec`` and so counts the parent's size at fork: the runner's, not the step's.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


STEPS = {name.removeprefix("step_"): fn for name, fn in globals().items() if name.startswith("step_")}


def _run_step(name: str, corpus: Path, out: Path, limit: int | None) -> dict:
    """Run one step in a fresh interpreter; its result plus its peak RSS (MB)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", name, "--corpus", str(corpus), "--out", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------ corpora


def ensure_corpus(work: Path, n: int, seed: int) -> Path:
    """The valid corpus of ``n`` records (and its 1%-corrupted copy), generated once and reused."""
    sys.path.insert(0, str(HERE))
    from synth import corrupt_copy, write_corpus

    root = work / f"n{n}-s{seed}"
    marker = root / "DONE"
    if not marker.is_file():
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(root.with_name(root.name + "-corrupt"), ignore_errors=True)
        shards = max(1, n // 25_000)
        write_corpus(root, n, seed, shards=shards)
        corrupt_copy(root, root.with_name(root.name + "-corrupt"), 0.01, seed)
        marker.write_text("ok\n")
    return root


def warm_page_cache(root: Path) -> None:
    """Read every gold and raw file once, so no step pays for the first read from disk (the steps read the
    same files; the first one to touch 10^5 raw files would otherwise look slower than the rest)."""
    for folder in (root / "gold", root / "raw"):
        with os.scandir(folder) as entries:  # no list of 10^5 paths: this process's memory stays small
            for entry in entries:
                with open(entry.path, "rb") as handle:
                    while handle.read(1 << 20):
                        pass


# ------------------------------------------------------------------------------------------------ report


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": ", ".join(versions),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _rate(result: dict) -> float:
    return result["docs"] / result["seconds"]


def _mb(result: dict) -> str:
    return f"{result['rss_mb']:.0f}"


def tables(results: dict[int, dict[str, dict]]) -> str:
    sizes = sorted(results)
    out = ["### Validation (docs/s; one core unless said; all five levels)", ""]
    out += [
        "| N | ACES, no cross-doc | jsonschema baseline | ratio (target ≥ 40) | json.loads floor | "
        "ACES / floor speed (target ≥ 1) | ACES + cross-doc | ACES --jobs 2 | jobs-2 speed-up | 1% corrupted |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        r = results[n]
        v, b, f = _rate(r["validate"]), _rate(r["jsonschema"]), _rate(r["json_loads"])
        out.append(
            f"| {n:,} | {v:,.0f} | {b:,.0f} | {v / b:.1f}× | {f:,.0f} | {v / f:.2f}× | "
            f"{_rate(r['validate_cross']):,.0f} | {_rate(r['validate_jobs2']):,.0f} | "
            f"{_rate(r['validate_jobs2']) / v:.2f}× | {_rate(r['validate_corrupt']):,.0f} |"
        )
    out += ["", "### Build, load, DocBin export (seconds)", ""]
    out += [
        "| N | build | floor: read_json | + parquet write | + tokenizer pass | floor sum | build / floor "
        "(target ≤ 2) | load_dataset (4 configs) | DocBin export | spaCy floor | export / floor (target ≤ 1.5) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        r = results[n]
        bf = r["build_floor"]
        d, df = r["docbin"]["seconds"], r["docbin_floor"]["seconds"]
        docbin = f"{d:.2f} | {df:.2f} | {d / df:.2f}×"
        out.append(
            f"| {n:,} | {r['build']['seconds']:.2f} | {bf['read']:.2f} | {bf['write']:.2f} | {bf['tokenize']:.2f} | "
            f"{bf['seconds']:.2f} | {r['build']['seconds'] / bf['seconds']:.2f}× | {r['load']['seconds']:.2f} | "
            f"{docbin} |"
        )
    steps = list(STEPS)
    out += ["", "### Peak RSS per step (MB, each step in its own process)", ""]
    out += ["| step | " + " | ".join(f"N={n:,}" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for step in steps:
        out.append(
            f"| {step} | " + " | ".join(_mb(results[n][step]) if step in results[n] else "—" for n in sizes) + " |"
        )
    return "\n".join(out) + "\n"


def partial_summary(results: dict[int, dict[str, dict]]) -> str:
    """Seconds per step and size, and each ratio whose two steps both ran (for ``--only``)."""
    pairs = {"build": "build_floor", "docbin": "docbin_floor", "validate": "json_loads"}
    out = []
    for n, steps in sorted(results.items()):
        parts = [f"{step} {r['seconds']:.2f}s" for step, r in steps.items()]
        parts += [
            f"{step}/{floor} {steps[step]['seconds'] / steps[floor]['seconds']:.2f}×"
            for step, floor in pairs.items()
            if step in steps and floor in steps
        ]
        out.append(f"N={n:,}: " + ", ".join(parts))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"N = {', '.join(map(str, QUICK_SIZES))}")
    parser.add_argument("--sizes", nargs="+", help="N, space- or comma-separated (default 1000 10000 100000)")
    parser.add_argument("--only", nargs="+", choices=sorted(STEPS), metavar="STEP", help="run only these steps")
    parser.add_argument("--repeat", type=int, default=1, help="run each step this many times, keep the fastest")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/aces-bench"))
    parser.add_argument("--baseline-limit", type=int, default=None, help="records the jsonschema baseline sees")
    parser.add_argument("--markdown", type=Path, help="also write the tables (and the machine) to this file")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:  # inside the subprocess of one step
        result = STEPS[args.step](args.corpus, out=args.out, limit=args.limit)
        result["rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    if args.sizes:
        sizes = [int(s) for arg in args.sizes for s in arg.split(",") if s]
    else:
        sizes = list(QUICK_SIZES if args.quick else FULL_SIZES)
    steps = [s for s in STEPS if not args.only or s in args.only]
    limit = args.baseline_limit or (300 if args.quick else 3000)
    started = time.perf_counter()
    info = machine()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        corpus = ensure_corpus(args.work, n, args.seed)
        warm_page_cache(corpus)
        warm_page_cache(corpus.with_name(corpus.name + "-corrupt"))
        out = args.work / f"n{n}-s{args.seed}-out"
        results[n] = {}
        for step in steps:
            runs = [_run_step(step, corpus, out, limit if step == "jsonschema" else None) for _ in range(args.repeat)]
            results[n][step] = min(runs, key=lambda r: r["seconds"])
            shown = {k: round(v, 3) if isinstance(v, float) else v for k, v in results[n][step].items()}
            print(f"N={n:>7,} {step:<16} {shown}", flush=True)
    if args.only:  # the tables need every step: print the ratios this run can give
        print()
        print(partial_summary(results))
        return
    text = tables(results)
    print()
    print(text)
    print(f"total {time.perf_counter() - started:.0f}s")
    (args.work / "results.json").write_text(json.dumps({"machine": info, "results": results}, indent=1))
    if args.markdown:
        command = (
            "python benchmarks/run.py"
            + (" --quick" if args.quick else "")
            + (f" --sizes {' '.join(args.sizes)}" if args.sizes else "")
        )
        head = [f"Run on {date.today().isoformat()} with `{command}`.", ""]
        head += [f"- {k}: {v}" for k, v in info.items()]
        args.markdown.write_text("\n".join(head) + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
