"""The build shard by shard: each JSONL shard becomes parquet parts anywhere, one process assembles the folder.

Every row of every config comes from one record, so a shard is built on its own (``build_shard``: another process,
``datasets.Dataset.map(num_proc=...)``, a Dask or Spark worker) through the single-process build's writer
(``aces.hf.build.write_splits``: same columns, compression and row groups) and returns a small picklable
``ShardBuild``; ``assemble`` checks what only the whole corpus can show (document ids unique across shards, one
schema version), links the parts into the Hub layout (``<config>/<split>-NNNNN-of-NNNNN``, in shard order) in a
staging folder, writes the card, the Croissant file and the build marker (which lists the parts, for
``aces.load_arrow``) from the parts' counts, puts the folder in place and only then deletes the parts.
``build_sharded`` does both halves with any ``map``.

    parts = client.gather(client.map(build_shard, files, [f"{scratch}/{i}" for i in range(len(files))]))
    summary = assemble(parts, out_dir, corpus)      # loads with datasets.load_dataset like aces.hf.build.build's

The assembled folder holds the rows of ``aces.hf.build.build`` for the same corpus. Rows are ordered by document id
within each shard and shards follow the order given (the single-process build orders by id across the corpus);
a config's split is one parquet file per shard that has rows for it; ``num_bytes`` in the card is the sum over
the parts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from aces.atomic import staging_folder
from aces.corpus.splits import SPLITS
from aces.hf.build import (
    BuildError,
    BuildSummary,
    check_out_dir,
    corpus_baselines,
    corpus_citation,
    default_datasheet,
    finish_folder,
    input_fingerprint,
    records,
    scan,
    write_splits,
)
from aces.hf.summary import Terms


@dataclass
class ShardBuild:
    """What building one shard wrote: its parquet parts (paths relative to ``part_dir``) and their counts."""

    path: str
    part_dir: str
    schema_version: str | None = None
    doc_ids: list[str] = field(default_factory=list)
    """Sorted; ``assemble`` checks them against the other shards'."""
    documents: dict[str, int] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    num_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    """config → split → part file, for each split with at least one row."""
    terms: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(document id, licence, attribution) of every document of the shard."""


def part_file(config: str, split: str) -> str:
    return f"{config}/{split}.parquet"


def build_shard(path: str | Path, part_dir: str | Path) -> ShardBuild:
    """Build one JSONL shard into ``part_dir``: a parquet part per config and split that has rows.

    Runs anywhere the shard and ``part_dir`` are reachable; ``part_dir`` must be new or empty, or hold this
    shard's parts from an earlier try (replaced). The result is small and picklable; give the results of all
    shards, in order, to ``assemble``.
    """
    from aces.hf import rows as hf

    path, part_dir = Path(path), Path(part_dir)
    if part_dir.is_dir():  # a retried task finds its own parts: replace them, and nothing else
        foreign = sorted(p.name for p in part_dir.iterdir() if p.name not in hf.CONFIGS)
        if foreign:
            raise BuildError(f"{part_dir} holds {', '.join(foreign)}: give each shard an empty directory of its own")
        for config in hf.CONFIGS:
            shutil.rmtree(part_dir / config, ignore_errors=True)
    part_dir.mkdir(parents=True, exist_ok=True)
    entries, version = scan([path], allow_empty=True)  # the single-process build's checks, for this file
    result = ShardBuild(str(path), str(part_dir), schema_version=version, doc_ids=[e.doc_id for e in entries])
    result.terms = [(e.doc_id, e.license, e.attribution) for e in entries]
    if not entries:
        return result
    splits = [s for s in SPLITS if any(e.split == s for e in entries)]
    result.documents = {s: sum(1 for e in entries if e.split == s) for s in splits}
    try:
        writers = write_splits(records(entries), part_dir, version, splits, part_file)
    except hf.ConversionError as err:
        raise BuildError(f"{path}: {err}") from None
    for config in hf.CONFIGS:
        result.rows[config] = {s: writers[config, s].rows for s in splits}
        result.num_bytes[config] = {s: writers[config, s].num_bytes for s in splits}
        result.files[config] = {s: part_file(config, s) for s in splits if writers[config, s].rows}
    return result


def _check_corpus(parts: Sequence[ShardBuild]) -> str:
    """The one schema version of all shards; document ids unique across them (each shard checked its own)."""
    versions: dict[str, str] = {}
    owner: dict[str, str] = {}
    for part in parts:
        if part.schema_version is not None:
            versions.setdefault(part.schema_version, part.path)
        for doc_id in part.doc_ids:
            if doc_id in owner:
                raise BuildError(f"document id {doc_id} is in {owner[doc_id]} and in {part.path}; ids are unique")
            owner[doc_id] = part.path
    if not owner:
        raise BuildError("the shards hold no documents: put JSONL records under CORPUS/gold/*.jsonl (`aces ingest`)")
    if len(versions) > 1:
        listed = ", ".join(f"{v} (in {p})" for v, p in sorted(versions.items()))
        raise BuildError(f"shards use several schema versions: {listed}; migrate them to one version first")
    return next(iter(versions))


def assemble(
    parts: Iterable[ShardBuild],
    out_dir: str | Path,
    corpus: str | Path,
    *,
    datasheet: str | Path | None = None,
) -> BuildSummary:
    """The dataset folder from the results of ``build_shard`` (in shard order): parts linked into the Hub layout,
    card and Croissant file computed from them, marker written last. ``corpus`` is the directory the shards
    came from (its ``VERSION``, datasheet and fingerprint go into the card and the marker).

    As ``aces.hf.build.build``, the folder is assembled beside ``out_dir`` and renamed into place at the end; an
    existing ``out_dir`` is replaced only if it is empty or an earlier ACES build. The parts are hard-linked into
    the new folder (copied where they are on another file system) and deleted only once it is in place: if
    anything fails, the previous ``out_dir`` and every part are left as they were, and ``assemble`` can be rerun.
    """
    from aces.corpus.version import corpus_version
    from aces.hf import rows as hf

    started = time.perf_counter()
    parts = list(parts)
    out_dir, corpus = Path(out_dir), Path(corpus)
    datasheet = Path(datasheet) if datasheet else default_datasheet(corpus)
    check_out_dir(out_dir)
    schema_version = _check_corpus(parts)
    documents = {s: n for s in SPLITS if (n := sum(p.documents.get(s, 0) for p in parts))}
    sources = {
        (c, s): [Path(p.part_dir) / p.files[c][s] for p in parts if s in p.files.get(c, {})]
        for c in hf.CONFIGS
        for s in documents
    }
    missing = next((path for paths in sources.values() for path in paths if not path.is_file()), None)
    if missing is not None:
        raise BuildError(
            f"part {missing} is missing (deleted, or on a disk this process cannot see); rebuild its shard"
        )

    def total(counts: str) -> dict[str, dict[str, int]]:
        return {
            c: {s: sum(getattr(p, counts).get(c, {}).get(s, 0) for p in parts) for s in documents} for c in hf.CONFIGS
        }

    with staging_folder(out_dir, "assembling") as staging:
        placed: dict[str, dict[str, tuple[str, ...]]] = {c: {} for c in hf.CONFIGS}
        for (config, split), paths in sources.items():
            if not paths:
                continue
            names = tuple(f"{config}/{split}-{i:05d}-of-{len(paths):05d}.parquet" for i in range(len(paths)))
            for source, name in zip(paths, names, strict=True):
                _link(source, staging / name)
            placed[config][split] = names
        summary = BuildSummary(
            out_dir=staging,
            corpus_version=corpus_version(corpus),
            schema_version=schema_version,
            documents=documents,
            rows=total("rows"),
            num_bytes=total("num_bytes"),
            data_files=placed,
            terms=Terms.of(triple for part in parts for triple in part.terms),
            citation=corpus_citation(Path(corpus)),
            baselines=corpus_baselines(Path(corpus)),
        )
        fingerprint = input_fingerprint(corpus, datasheet)
        summary = finish_folder(staging, out_dir, summary, datasheet, fingerprint, {"shards": len(parts)})
    for part in parts:  # the folder is in place: the parts are no longer needed
        for config in hf.CONFIGS:
            shutil.rmtree(Path(part.part_dir) / config, ignore_errors=True)
        with contextlib.suppress(OSError):
            Path(part.part_dir).rmdir()  # only if nothing else is in it
    return replace(summary, seconds=time.perf_counter() - started)


def _link(source: Path, target: Path) -> None:
    """``target`` becomes ``source``'s file without touching ``source``: a hard link, or a copy across devices."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def build_sharded(
    corpus: str | Path,
    out_dir: str | Path,
    *,
    mapper: Callable[..., Iterable[ShardBuild]] = map,
    scratch: str | Path | None = None,
    datasheet: str | Path | None = None,
) -> BuildSummary:
    """Build every gold shard of ``corpus`` with ``mapper(build_shard, files, part_dirs)`` (``map`` by default;
    e.g. ``lambda f, *a: client.gather(client.map(f, *a))`` on Dask), then ``assemble`` them into ``out_dir``."""
    from aces.paths import require_gold

    files = require_gold(Path(corpus))
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    root = Path(scratch) if scratch else Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.parts-", dir=out_dir.parent))
    try:
        part_dirs = [str(root / f"{i:05d}") for i in range(len(files))]
        parts = list(mapper(build_shard, [str(f) for f in files], part_dirs))
        return assemble(parts, out_dir, corpus, datasheet=datasheet)
    finally:
        if scratch is None:
            shutil.rmtree(root, ignore_errors=True)
