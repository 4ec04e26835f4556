"""Build the Hub-ready dataset folder: parquet per config and split, ``README.md`` card, ``croissant.json``.

The build is deterministic: rows are ordered by document id and then by offsets, parquet is written by pyarrow
with fixed settings (no timestamps, no paths, no pandas metadata), and the card and Croissant file carry no date.
Two builds of the same corpus with the same code and library versions are byte-identical.

Splits are not computed here: every record carries the split it was given at ingest (``aces.corpus.splits``, from the
sha256 of its id), so a document never moves between splits as the corpus grows. Only splits that have at least
one document are written and declared; each such split has a file in every config, possibly with zero rows.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import msgspec

from aces.atomic import replace_folder, staging_folder
from aces.baselines.run import RESULTS, read_results
from aces.corpus.splits import SPLITS
from aces.corpus.version import corpus_version
from aces.gc_tuning import fewer_collections
from aces.hf.citation import FILENAME as CITATION
from aces.hf.citation import Citation, CitationError, read_citation
from aces.hf.summary import NOT_RECORDED, BuildSummary, Terms
from aces.paths import cache_dir, gold_files, in_clone, repo_root, require_gold
from aces.record import Record, from_json
from aces.schema import known_versions, schema_root

if TYPE_CHECKING:
    import pyarrow as pa

BUILD_FORMAT = 2
"""Bumped when the folder layout or a config's columns change, so old folders count as stale."""
MARKER = "aces_build.json"
"""Written last; names the inputs a folder was built from (``aces.load`` rebuilds when they change)."""
ROW_GROUP_BYTES = 32 * 2**20
"""Uncompressed Arrow bytes at which a row group is closed (it ends at the first batch that reaches this).

Row groups are sized by bytes, not rows, because a ``documents`` row is a whole article and a ``ner`` row one
paragraph: tens of MB is what the Hub's dataset viewer and ``datasets`` streaming read well (the viewer refuses
row groups over ~300 MB), compresses as well as larger groups, and keeps the build's memory bounded (one
buffer per config and split). Small groups cost time: 64 ``documents`` rows a group (under 1 MB) wrote 25%
slower at N=10^4. The boundaries depend only on the rows, so the build stays byte-for-byte reproducible."""
ROW_GROUP_ROWS = {"documents": 64, "ner": 1024, "events": 1024, "stance": 1024}
"""Rows turned into Arrow at a time (a batch); ``ROW_GROUP_BYTES`` of batches make a row group (in every build,
single-process or sharded: both write through ``SplitWriter``)."""
ZSTD_LEVEL = 6
"""zstd level of every column but those in ``COLUMN_LEVEL``. At N=10^4 level 9 made the files at most 0.6%
smaller (``documents`` without its texts: no smaller) for a quarter to a half more write time."""
COLUMN_LEVEL = {("documents", "text"): 4, ("events", "context"): 3, ("stance", "context"): 3}
"""The largest text columns take a low level. The document texts at level 4 write 2.3x faster than at 9 (half of
the ``documents`` write time at N=10^4) for a file 1.8% bigger (levels 5 to 8 cost nearly as much time as 9). The
contexts of ``events`` and ``stance`` (see ``REPEATED_TEXT``) at level 3: level 9 spent about 60% of those configs'
write time on them to make the files under 3% smaller. With the dictionary on the contexts, the folder is about as
large as when every column had level 9 (+0.3% at N=10^4)."""
REPEATED_TEXT = {"events": ("context",), "stance": ("context",)}
"""Columns that repeat a segment's text on every row annotated in it: the only dictionary-encoded columns of their
config, with a dictionary page as large as a row group needs, so each distinct context is stored once per row
group. A dictionary on the other columns (ids, offsets, short texts) made the files bigger, not smaller."""
COLUMN_ENCODING = {
    ("ner", "token_starts.list.element"): "DELTA_BINARY_PACKED",
    ("ner", "token_ends.list.element"): "DELTA_BINARY_PACKED",
}
"""Token offsets rise along a row: stored as bit-packed deltas instead of through a dictionary (which overflowed to
plain values), the ``ner`` files are 39% smaller at N=10^4 and no slower to write. Every reader ``datasets`` uses
(pyarrow) decodes them."""
DICTIONARY_PAGE_BYTES = 2 * ROW_GROUP_BYTES
"""Above this a column's dictionary falls back to plain encoding; a row group's contexts stay below it."""
# Modules whose code shapes the output, relative to the package root: a change to any of them makes an existing
# folder stale.
_CODE = (
    "hf/build.py",
    "hf/summary.py",
    "hf/card.py",
    "hf/croissant.py",
    "hf/rows.py",
    "hf/columns.py",
    "hf/documents.py",
    "hf/tasks.py",
    "hf/sizes.py",
    "hf/citation.py",
    "baselines/run.py",
    "baselines/table.py",
    "offsets.py",
    "text/clitics.py",
    "text/arabic_clitics.json",
    "record.py",
    "corpus/version.py",
)
_LIBRARIES = ("pyarrow", "datasets", "spacy", "huggingface_hub")


class BuildError(Exception):
    """The corpus cannot be built; the message says which file or record and what to fix."""


def default_out_dir(corpus: Path | None = None) -> Path:
    """``build/hf/`` at the root of a clone (gitignored). An installed package builds in the user cache, never in
    site-packages: ``<cache>/hf/<package version>_corpus-<corpus version>_<inputs sha256>``, one folder per set of
    inputs, so a build of other data or other code is never served."""
    if in_clone():
        return repo_root() / "build" / "hf"
    from aces.paths import corpus_dir

    corpus = Path(corpus) if corpus else corpus_dir()
    try:
        package = importlib.metadata.version("aces-corpus")
    except importlib.metadata.PackageNotFoundError:
        package = "unknown"
    key = f"{package}_corpus-{corpus_version(corpus)}_{input_fingerprint(corpus)[:16]}"
    return cache_dir() / "hf" / key


def data_file(config: str, split: str) -> str:
    """Path of a config's split inside the folder, in the Hub's ``<split>-NNNNN-of-NNNNN`` shard naming."""
    return f"{config}/{split}-00000-of-00001.parquet"


def default_datasheet(corpus: Path) -> Path:
    """``DATASHEET.md`` beside the corpus directory (the repository root for the shipped corpus)."""
    return corpus.resolve().parent / "DATASHEET.md"


def corpus_baselines(corpus: Path) -> dict | None:
    """``corpus/baselines.json`` read for the card, or None; an unreadable one is a ``BuildError`` naming it."""
    try:
        return read_results(corpus)
    except (OSError, ValueError) as err:
        raise BuildError(f"{corpus / RESULTS}: cannot read it as JSON ({err}); run `aces baselines` again") from None


def corpus_citation(corpus: Path) -> Citation | None:
    """``corpus/CITATION.cff`` read for the card, or None; an unreadable one is a ``BuildError`` naming it."""
    try:
        return read_citation(corpus)
    except CitationError as err:
        raise BuildError(str(err)) from None


# --------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _Entry:
    doc_id: str
    split: str
    path: Path
    offset: int
    lineno: int
    license: str = NOT_RECORDED
    attribution: str | None = None


class _Terms(msgspec.Struct):
    """The licence fields of the provenance (schema 1.2.0; absent before)."""

    license: str = NOT_RECORDED
    attribution: str | None = None


class _Header(msgspec.Struct):
    """The fields the scan needs, in ``Record``'s order (a missing one is reported as ``Record`` would)."""

    schema_version: str
    id: str
    split: str
    provenance: _Terms = msgspec.field(default_factory=_Terms)


_header = msgspec.json.Decoder(_Header)


def scan(files: list[Path], *, allow_empty: bool = False) -> tuple[list[_Entry], str | None]:
    """Collect (id, split, where) of every line, sorted by id, and the one schema version; nothing else is kept
    in memory. ``allow_empty`` is for one shard of a corpus (``aces.hf.build_shards``): no lines, no version.

    Only the header fields are decoded here (a quarter of a full decode); the whole record is decoded, and a
    wrong shape reported with its file and line, when it is read back for the build (``records``).
    """
    entries: list[_Entry] = []
    seen: dict[str, str] = {}
    versions: dict[str, str] = {}
    for path in files:
        offset = 0
        with open(path, "rb") as handle:
            for lineno, line in enumerate(handle, 1):
                where = f"{path}:{lineno}"
                if line.strip():
                    try:
                        record = _header.decode(line)
                    except msgspec.ValidationError as err:  # a subclass of DecodeError: caught first
                        raise BuildError(f"{where}: not an ACES record ({err}); run `aces validate`") from None
                    except msgspec.DecodeError as err:
                        raise BuildError(f"{where}: not a JSON record ({err}); run `aces validate`") from None
                    if record.id in seen:
                        raise BuildError(f"{where}: document id {record.id} also at {seen[record.id]}; ids are unique")
                    if record.split not in SPLITS:
                        raise BuildError(f"{where}: split {record.split!r} is not one of {', '.join(SPLITS)}")
                    seen[record.id] = where
                    versions.setdefault(record.schema_version, where)
                    terms = record.provenance
                    entries.append(
                        _Entry(record.id, record.split, path, offset, lineno, terms.license, terms.attribution)
                    )
                offset += len(line)
    if not entries and allow_empty:
        return [], None
    if not entries:
        raise BuildError("the corpus has no documents: put JSONL records under CORPUS/gold/*.jsonl (`aces ingest`)")
    if len(versions) > 1:
        listed = ", ".join(f"{v} (first at {w})" for v, w in sorted(versions.items()))
        raise BuildError(f"records use several schema versions: {listed}; migrate them to one version first")
    version = next(iter(versions))
    if version not in known_versions():
        known = ", ".join(known_versions())
        raise BuildError(f"{versions[version]}: schema version {version} is unknown to this aces; known: {known}")
    return sorted(entries, key=lambda e: e.doc_id), version


def records(entries: list[_Entry]) -> Iterator[Record]:
    """Records in ``entries`` order, read back one at a time."""
    handles: dict[Path, IO[bytes]] = {}
    try:
        for entry in entries:
            handle = handles.get(entry.path) or handles.setdefault(entry.path, open(entry.path, "rb"))
            handle.seek(entry.offset)
            try:
                yield from_json(handle.readline())
            except msgspec.DecodeError as err:  # the scan read its header: the rest has the wrong shape
                where = f"{entry.path}:{entry.lineno}"
                raise BuildError(f"{where}: not an ACES record ({err}); run `aces validate`") from None
    finally:
        for handle in handles.values():
            handle.close()


def input_fingerprint(corpus: Path, datasheet: Path | None = None) -> str:
    """sha256 over everything a build reads: gold files, VERSION, datasheet, schema, builder code, library versions."""
    corpus = Path(corpus)
    datasheet = datasheet or default_datasheet(corpus)
    digest = hashlib.sha256(f"aces-build {BUILD_FORMAT}\n".encode())

    def add(name: str, data: bytes) -> None:
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)

    for path in gold_files(corpus):
        add(f"gold/{path.name}", path.read_bytes())
    for name, path in (
        ("VERSION", corpus / "VERSION"),
        ("DATASHEET.md", datasheet),
        (CITATION, corpus / CITATION),
        (RESULTS, corpus / RESULTS),
    ):
        add(name, path.read_bytes() if path.is_file() else b"")
    for path in sorted(p for p in schema_root().rglob("*") if p.is_file() and p.suffix in {".json", ".md"}):
        add(f"schema/{path.relative_to(schema_root()).as_posix()}", path.read_bytes())
    package = Path(__file__).parents[1]
    for name in _CODE:
        add(f"code/{name}", (package / name).read_bytes())
    for lib in _LIBRARIES:
        add(f"lib/{lib}", importlib.metadata.version(lib).encode())
    return digest.hexdigest()


def is_current(out_dir: Path, corpus: Path, datasheet: Path | None = None) -> bool:
    """True when ``out_dir`` holds a finished build of exactly the current inputs."""
    marker = Path(out_dir) / MARKER
    if not marker.is_file():
        return False
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8")).get("inputs_sha256")
    except (ValueError, AttributeError):
        return False
    return recorded == input_fingerprint(corpus, datasheet)


# --------------------------------------------------------------------------------------------- build


class SplitWriter:
    """One parquet file: rows converted in batches of ``ROW_GROUP_ROWS`` and written in row groups of about
    ``ROW_GROUP_BYTES``, boundaries fixed by the rows alone so the bytes are reproducible.

    The only way a build writes a config's split (``write_splits``): the single-process build and every shard of
    ``aces.hf.build_shards`` get the same columns, compression and row groups."""

    def __init__(self, path: Path, config: str, version: str) -> None:
        from aces.hf.columns import columns

        self.path, self.config, self.version = path, config, version
        self.writer = None  # opened on the first row: a split without rows gets no file (see ``BuildSummary``)
        self.columns = columns(config, version)
        self.size = ROW_GROUP_ROWS[config]
        self.batches: list = []  # tables of the row group being gathered
        self.gathered = 0  # their bytes
        self.rows = 0
        self.num_bytes = 0
        """What ``datasets`` counts for this file (``aces.hf.sizes``), known once it is closed."""

    def add(self, record: Record) -> None:
        self.columns.add(record)
        while self.columns.pending >= self.size:
            self._gather(self.size)

    def _gather(self, count: int) -> None:
        table = self.columns.take(count)
        self.batches.append(table)
        self.gathered += table.nbytes
        self.rows += table.num_rows
        if self.gathered >= ROW_GROUP_BYTES:
            self._write()

    def _write(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.concat_tables(self.batches)
        self.batches, self.gathered = [], 0
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            options = writer_options(self.config, table.schema)
            self.writer = pq.ParquetWriter(self.path, table.schema, write_statistics=True, store_schema=True, **options)
        self.writer.write_table(table, row_group_size=table.num_rows)

    def finish(self) -> None:
        """Convert the last, shorter batch (which can still find a record it cannot convert) and write the rest."""
        if self.columns.pending:
            self._gather(self.columns.pending)
        if self.batches:
            self._write()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def measure(self) -> None:
        """Count the closed file's bytes as ``datasets`` will (``aces.hf.sizes``): the card's ``num_bytes``."""
        from aces.hf import rows as hf
        from aces.hf.sizes import num_bytes

        if self.rows:
            self.num_bytes = num_bytes(self.path, hf.features(self.config, self.version))


def writer_options(config: str, schema: pa.Schema) -> dict:
    """Compression and encodings of ``config``'s parquet files (``ZSTD_LEVEL``, ``COLUMN_LEVEL``,
    ``COLUMN_ENCODING``, ``REPEATED_TEXT``): how the columns are stored, never what they hold."""
    paths = leaf_paths(schema)
    repeated = REPEATED_TEXT.get(config, ())
    encodings = {path: COLUMN_ENCODING[config, path] for path in paths if (config, path) in COLUMN_ENCODING}
    levels = {path: COLUMN_LEVEL.get((config, path), ZSTD_LEVEL) for path in paths}
    dictionary = list(repeated) or [path for path in paths if path not in encodings]
    options = {"compression": "zstd", "compression_level": levels, "use_dictionary": dictionary}
    if encodings:
        options["column_encoding"] = encodings
    if repeated:
        options["dictionary_pagesize_limit"] = DICTIONARY_PAGE_BYTES
    return options


def leaf_paths(schema: pa.Schema) -> list[str]:
    """The parquet column paths of an Arrow schema (``trigger.start``, ``arguments.list.element.role``): the keys
    pyarrow takes for per-column settings (one it does not know is ignored, so tests/test_build_writer.py checks
    these against a written file)."""
    import pyarrow as pa

    def walk(name: str, kind: pa.DataType) -> Iterator[str]:
        if pa.types.is_struct(kind):
            for child in kind:
                yield from walk(f"{name}.{child.name}", child.type)
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            yield from walk(f"{name}.list.element", kind.value_type)
        else:
            yield name

    return [path for field in schema for path in walk(field.name, field.type)]


def write_splits(
    records: Iterable[Record],
    root: Path,
    version: str,
    splits: Iterable[str],
    name: Callable[[str, str], str] = data_file,
) -> dict[tuple[str, str], SplitWriter]:
    """Every config's rows of ``records`` (sorted by id, each in one of ``splits``) into ``root / name(config,
    split)``; returns the closed writers, with their counts. A split without rows gets no file. Raises
    ``aces.hf.rows.ConversionError`` for a record that cannot be converted (the caller says where it was)."""
    from aces.hf import rows as hf

    writers = {(c, s): SplitWriter(root / name(c, s), c, version) for c in hf.CONFIGS for s in splits}
    try:
        with fewer_collections():  # millions of short-lived rows: see aces.gc_tuning
            for record in records:
                for config in hf.CONFIGS:
                    writers[config, record.split].add(record)
            for writer in writers.values():
                writer.finish()
    finally:
        for writer in writers.values():
            writer.close()
    for writer in writers.values():
        writer.measure()
    return writers


def check_out_dir(out_dir: Path) -> None:
    """Refuse, before any work, an ``out_dir`` that holds something other than an ACES build (it is replaced)."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise BuildError(f"{out_dir} exists and is not an ACES build folder; pass an empty or new --out")


def finish_folder(
    staging: Path,
    out_dir: Path,
    summary: BuildSummary,
    datasheet: Path,
    fingerprint: str,
    extra: dict | None = None,
) -> BuildSummary:
    """Write the card, the Croissant file and the marker (last) into ``staging`` from ``summary`` (whose ``out_dir``
    is ``staging``), then put ``staging`` in place of ``out_dir``; returns the summary of the folder in place."""
    from aces.hf.card import write_card
    from aces.hf.croissant import write_croissant

    write_card(staging, summary, datasheet.read_text(encoding="utf-8") if datasheet.is_file() else None)
    write_croissant(staging, summary)
    marker = {
        "aces_build": BUILD_FORMAT,
        "corpus_version": summary.corpus_version,
        "schema_version": summary.schema_version,
        "inputs_sha256": fingerprint,
        "rows": summary.rows,
        "licences": {name: len(ids) for name, ids in summary.terms.documents.items()},
        "files": {c: {s: list(names) for s, names in per_split.items()} for c, per_split in summary.data_files.items()},
        **(extra or {}),
    }
    (staging / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    replace_folder(staging, out_dir)
    written = tuple(sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()))
    return replace(summary, out_dir=out_dir, files=written)


def refuse_invalid(files: list[Path]) -> None:
    """``BuildError`` naming the first problems when the gold files do not validate (errors; warnings pass)."""
    from aces.validate.runner import validate

    report = validate(files, max_err=3)
    if not report.ok:
        errors = [f for f in report.findings if f.is_error][:3]
        shown = "\n".join(f"  {f.file}:{f.line}: {f.code}: {f.message}" for f in errors)
        raise BuildError(
            f"the corpus does not validate ({report.errors} error(s)); the first:\n{shown}\nrun `aces validate` "
            "and fix them (`aces build --no-validate` builds anyway, and `aces publish` refuses that folder)"
        )


def build(
    corpus: Path | None = None,
    out_dir: Path | None = None,
    *,
    datasheet: Path | None = None,
    progress: bool = False,
    validate: bool = True,
) -> BuildSummary:
    """Build the dataset folder from ``corpus`` (default ``aces.paths.corpus_dir()``) into ``out_dir``.

    The gold records are validated first (every level, across documents) and a corpus with an error is refused:
    nothing that ``aces validate`` rejects (a span off its text, an IP address in the text) reaches the parquet
    files. ``validate=False`` builds anyway; the marker then says so and ``aces publish`` refuses the folder.
    The folder is assembled beside ``out_dir`` and swapped into place at the end (``aces.atomic``), so a failed
    or killed build leaves the previous one intact. An existing ``out_dir`` is replaced only if it is empty or an
    earlier ACES build.
    """
    from tqdm import tqdm

    from aces.hf import rows as hf
    from aces.paths import corpus_dir

    started = time.perf_counter()
    corpus = Path(corpus) if corpus else corpus_dir()
    files = require_gold(corpus)
    out_dir = Path(out_dir) if out_dir else default_out_dir(corpus)
    datasheet = datasheet or default_datasheet(corpus)
    check_out_dir(out_dir)
    if validate:
        refuse_invalid(files)
    version = corpus_version(corpus)
    citation = corpus_citation(corpus)
    baselines = corpus_baselines(corpus)
    fingerprint = input_fingerprint(corpus, datasheet)
    entries, schema_version = scan(files)
    documents = {s: n for s in SPLITS if (n := sum(1 for e in entries if e.split == s))}

    with staging_folder(out_dir, "building") as staging:
        # disable=None: tqdm draws only when stderr is a terminal (a redirected stderr gets no bar)
        stream = tqdm(
            records(entries), total=len(entries), unit="doc", desc="build", disable=None if progress else True
        )
        try:
            writers = write_splits(stream, staging, schema_version, documents)
        except hf.ConversionError as err:
            raise BuildError(str(err)) from None
        summary = BuildSummary(
            out_dir=staging,
            corpus_version=version,
            schema_version=schema_version,
            documents=documents,
            rows={c: {s: writers[c, s].rows for s in documents} for c in hf.CONFIGS},
            num_bytes={c: {s: writers[c, s].num_bytes for s in documents} for c in hf.CONFIGS},
            data_files={c: {s: (data_file(c, s),) for s in documents if writers[c, s].rows} for c in hf.CONFIGS},
            terms=Terms.of((e.doc_id, e.license, e.attribution) for e in entries),
            citation=citation,
            baselines=baselines,
        )
        summary = finish_folder(staging, out_dir, summary, datasheet, fingerprint, {"validated": validate})
    return replace(summary, seconds=time.perf_counter() - started)
