"""The build shard by shard: each JSONL shard becomes parquet parts anywhere, one process assembles the folder.

Every row of every config comes from one record (``aces.convert.hf.rows``), so a shard is built on its own
(``build_shard``: another process, ``datasets.Dataset.map(num_proc=...)``, a Dask or Spark worker) and returns
a small picklable ``ShardBuild``; ``assemble`` checks what only the whole corpus can show (document ids unique
across shards, one schema version), moves the parts into the Hub layout (``<config>/<split>-NNNNN-of-NNNNN``,
in shard order) and writes the card, the Croissant file and the build marker (which lists the parts, for
``aces.load_arrow``) from the parts' counts. ``build_sharded`` does both halves with any ``map``.

    parts = client.gather(client.map(build_shard, files, [f"{scratch}/{i}" for i in range(len(files))]))
    summary = assemble(parts, out_dir, corpus)      # loads with datasets.load_dataset like aces.build.build's

The assembled folder holds the rows of ``aces.build.build`` for the same corpus. Rows are ordered by document id
within each shard and shards follow the order given (the single-process build orders by id across the corpus);
a config's split is one parquet file per shard that has rows for it; ``num_bytes`` in the card is the sum over
the parts.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from aces.build import (
    BUILD_FORMAT,
    MARKER,
    ROW_GROUP_ROWS,
    BuildError,
    BuildSummary,
    default_datasheet,
    input_fingerprint,
)
from aces.gc_tuning import fewer_collections
from aces.record import Record, from_json
from aces.schema import known_versions
from aces.splits import SPLITS


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


@dataclass(frozen=True)
class ShardedSummary(BuildSummary):
    """A ``BuildSummary`` whose splits are several parquet files: config → split → files in the folder."""

    parts: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)


def part_file(config: str, split: str) -> str:
    return f"{config}/{split}.parquet"


class _PartWriter:
    """One parquet part, written as the build writes its files (zstd 9, fixed row groups, no pandas metadata)."""

    def __init__(self, path: Path, config: str, version: str) -> None:
        self.path, self.config, self.version = path, config, version
        self.writer = None
        self.buffer: list[dict] = []
        self.rows = self.num_bytes = 0

    def add(self, rows: list[dict]) -> None:
        self.buffer.extend(rows)
        size = ROW_GROUP_ROWS[self.config]
        while len(self.buffer) >= size:
            self._flush(self.buffer[:size])
            del self.buffer[:size]

    def _flush(self, rows: list[dict]) -> None:
        import pyarrow.parquet as pq

        from aces.convert import hf

        table = hf.to_arrow(self.config, self.version, rows)
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(
                self.path,
                table.schema,
                compression="zstd",
                compression_level=9,
                use_dictionary=True,
                write_statistics=True,
                store_schema=True,
            )
        self.writer.write_table(table, row_group_size=len(rows))
        self.rows += table.num_rows
        self.num_bytes += table.nbytes

    def close(self) -> None:
        if self.buffer:
            self._flush(self.buffer)
            self.buffer = []
        if self.writer is not None:
            self.writer.close()


def _read_shard(path: Path) -> list[Record]:
    """The shard's records sorted by id; a line that is not a record, a repeated id or an unknown split stops
    the build with its file and line."""
    records: list[Record] = []
    seen: dict[str, int] = {}
    with open(path, "rb") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                record = from_json(line)
            except msgspec.ValidationError as err:  # a subclass of DecodeError: caught first
                raise BuildError(f"{where}: not an ACES record ({err}); run `aces validate`") from None
            except msgspec.DecodeError as err:
                raise BuildError(f"{where}: not a JSON record ({err}); run `aces validate`") from None
            if record.id in seen:
                raise BuildError(f"{where}: document id {record.id} also at line {seen[record.id]}; ids are unique")
            if record.split not in SPLITS:
                raise BuildError(f"{where}: split {record.split!r} is not one of {', '.join(SPLITS)}")
            seen[record.id] = lineno
            records.append(record)
    versions = sorted({r.schema_version for r in records})
    if len(versions) > 1:
        raise BuildError(f"{path}: records use several schema versions ({', '.join(versions)}); migrate them first")
    return sorted(records, key=lambda r: r.id)


def build_shard(path: str | Path, part_dir: str | Path) -> ShardBuild:
    """Build one JSONL shard into ``part_dir``: a parquet part per config and split that has rows.

    Runs anywhere the shard and ``part_dir`` are reachable; ``part_dir`` must be new or empty, or hold this
    shard's parts from an earlier try (replaced). The result is small and picklable; give the results of all
    shards, in order, to ``assemble``.
    """
    from aces.convert import hf

    path, part_dir = Path(path), Path(part_dir)
    if part_dir.is_dir():  # a retried task finds its own parts: replace them, and nothing else
        foreign = sorted(p.name for p in part_dir.iterdir() if p.name not in hf.CONFIGS)
        if foreign:
            raise BuildError(f"{part_dir} holds {', '.join(foreign)}: give each shard an empty directory of its own")
        for config in hf.CONFIGS:
            shutil.rmtree(part_dir / config, ignore_errors=True)
    part_dir.mkdir(parents=True, exist_ok=True)
    records = _read_shard(path)
    result = ShardBuild(str(path), str(part_dir), doc_ids=[r.id for r in records])
    if not records:
        return result
    version = result.schema_version = records[0].schema_version
    if version not in known_versions():
        raise BuildError(
            f"{path}: schema version {version} is unknown to this aces; known: {', '.join(known_versions())}"
        )
    splits = [s for s in SPLITS if any(r.split == s for r in records)]
    result.documents = {s: sum(1 for r in records if r.split == s) for s in splits}
    writers = {
        (config, split): _PartWriter(part_dir / part_file(config, split), config, version)
        for config in hf.CONFIGS
        for split in splits
    }
    try:
        with fewer_collections():
            for record in records:
                for config in hf.CONFIGS:
                    writers[config, record.split].add(hf.rows(config, record))
    except hf.ConversionError as err:
        raise BuildError(f"{path}: {err}") from None
    finally:
        for writer in writers.values():
            writer.close()
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
) -> ShardedSummary:
    """The dataset folder from the results of ``build_shard`` (in shard order): parts moved into the Hub layout,
    card and Croissant file computed from them, marker written last. ``corpus`` is the directory the shards
    came from (its ``VERSION``, datasheet and fingerprint go into the card and the marker).

    As ``aces.build.build``, the folder is assembled beside ``out_dir`` and moved into place at the end; an
    existing ``out_dir`` is replaced only if it is empty or an earlier ACES build. The part files are moved,
    not copied, so ``part_dir``s should be on the file system of ``out_dir``.
    """
    from aces.card import write_card
    from aces.convert import hf
    from aces.corpus_version import corpus_version
    from aces.croissant import write_croissant

    started = time.perf_counter()
    parts = list(parts)
    out_dir, corpus = Path(out_dir), Path(corpus)
    datasheet = Path(datasheet) if datasheet else default_datasheet(corpus)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise BuildError(f"{out_dir} exists and is not an ACES build folder; pass an empty or new --out")
    schema_version = _check_corpus(parts)
    documents = {s: n for s in SPLITS if (n := sum(p.documents.get(s, 0) for p in parts))}

    def total(counts: str) -> dict[str, dict[str, int]]:
        return {
            c: {s: sum(getattr(p, counts).get(c, {}).get(s, 0) for p in parts) for s in documents} for c in hf.CONFIGS
        }

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.assembling-", dir=out_dir.parent))
    staging.chmod(0o755)
    try:
        placed: dict[str, dict[str, tuple[str, ...]]] = {}
        for config in hf.CONFIGS:
            placed[config] = {}
            for split in documents:
                sources = [Path(p.part_dir) / p.files[config][split] for p in parts if split in p.files.get(config, {})]
                names = tuple(f"{config}/{split}-{i:05d}-of-{len(sources):05d}.parquet" for i in range(len(sources)))
                for source, name in zip(sources, names, strict=True):
                    (staging / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(source, staging / name)
                placed[config][split] = names
        summary = ShardedSummary(
            out_dir=staging,
            corpus_version=corpus_version(corpus),
            schema_version=schema_version,
            documents=documents,
            rows=total("rows"),
            num_bytes=total("num_bytes"),
            parts=placed,
        )
        write_card(staging, summary, datasheet.read_text(encoding="utf-8") if datasheet.is_file() else None)
        write_croissant(staging, summary)
        marker = {
            "aces_build": BUILD_FORMAT,
            "corpus_version": summary.corpus_version,
            "schema_version": schema_version,
            "inputs_sha256": input_fingerprint(corpus, datasheet),
            "rows": summary.rows,
            "shards": len(parts),
            "files": {
                c: {s: list(names) for s, names in per_split.items() if names} for c, per_split in placed.items()
            },
        }
        (staging / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.replace(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    written = tuple(sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()))
    return ShardedSummary(
        out_dir=out_dir,
        corpus_version=summary.corpus_version,
        schema_version=schema_version,
        documents=documents,
        rows=summary.rows,
        num_bytes=summary.num_bytes,
        files=written,
        seconds=time.perf_counter() - started,
        parts=placed,
    )


def build_sharded(
    corpus: str | Path,
    out_dir: str | Path,
    *,
    mapper: Callable[..., Iterable[ShardBuild]] = map,
    scratch: str | Path | None = None,
    datasheet: str | Path | None = None,
) -> ShardedSummary:
    """Build every gold shard of ``corpus`` with ``mapper(build_shard, files, part_dirs)`` (``map`` by default;
    e.g. ``lambda f, *a: client.gather(client.map(f, *a))`` on Dask), then ``assemble`` them into ``out_dir``."""
    from aces.paths import gold_files

    files = gold_files(Path(corpus))
    if not files:
        raise BuildError(f"no gold records under {corpus}/gold/*.jsonl; check --corpus or ACES_CORPUS")
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
