"""Loaders for training and analysis code: ``aces.load`` (``datasets``), ``load_arrow``/``load_pandas``, records.

``aces.load(config)`` reads the built folder (default ``build/hf/`` at the root of a clone; for a package installed
from a wheel, a folder of the user cache named after its inputs, see ``aces.hf.build.default_out_dir``: nothing is
written into site-packages, and a clone-less install works offline). When that default folder is missing or stale
it is (re)built first: stale means the sha256 of the build inputs (gold files, ``corpus/VERSION``, the datasheet,
the schema, the builder's code and the versions of pyarrow/datasets/spaCy) differs from the one the folder records
in ``aces_build.json``. Content, not mtimes, decides, so a fresh clone
or a ``touch`` never triggers a needless rebuild and an edited record always does. An explicit ``data_dir`` is
built only when missing (or with ``rebuild=True``): it may be a copy downloaded from the Hub.

``datasets`` cannot load a split without rows, so the card declares only (config, split) pairs that have rows;
these loaders fill the gap with empty datasets carrying the config's features, so every config of every split
that has documents loads. Nothing here imports ``datasets`` or spaCy until it is called.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aces.paths import MissingData, corpus_dir, gold_files
from aces.record import Record, read_jsonl

if TYPE_CHECKING:
    import datasets
    import pandas
    import pyarrow


def read_corpus(corpus: Path | None = None) -> Iterator[Record]:
    """Typed records of every gold file of ``corpus`` (default ``aces.paths.corpus_dir()``), file by file."""
    for path in gold_files(Path(corpus) if corpus else None):
        yield from read_jsonl(path)


def ensure_built(data_dir: Path | None = None, corpus: Path | None = None, rebuild: bool | None = None) -> Path:
    """The folder to read, built first if needed (see the module docstring for when)."""
    from aces.hf.build import MARKER, build, default_out_dir, is_current

    corpus = Path(corpus) if corpus else corpus_dir()
    default = data_dir is None
    folder = default_out_dir(corpus) if default else Path(data_dir)
    present = (folder / "README.md").is_file()
    if rebuild is None:
        rebuild = not present or (default and (folder / MARKER).is_file() and not is_current(folder, corpus))
    if rebuild:
        build(corpus, folder)
    elif not present:
        raise MissingData(f"{folder} holds no built dataset; run `aces build --out {folder}`")
    return folder


def load(
    config: str = "documents",
    split: str | None = None,
    *,
    streaming: bool = False,
    data_dir: Path | str | None = None,
    corpus: Path | str | None = None,
    rebuild: bool | None = None,
    cache_dir: Path | str | None = None,
) -> datasets.Dataset | datasets.DatasetDict | datasets.IterableDataset | datasets.IterableDatasetDict:
    """A config of the ACES dataset as ``datasets`` objects, read offline from the built folder.

    ``split=None`` gives a ``DatasetDict`` of every split that has documents; ``streaming=True`` gives
    ``IterableDataset``s that read the parquet files lazily (for corpora larger than memory). ``rebuild``:
    None = build when missing or stale, True = always, False = never. ``cache_dir`` is passed to ``datasets``.
    """
    import datasets

    from aces.hf import rows as hf

    folder, info = _resolve(config, split, data_dir, corpus, rebuild)
    splits, declared = _splits(info, config)
    wanted = [split] if split else splits
    features = hf.features(config, info["schema_version"])
    out: dict[str, Any] = {}
    for name in wanted:
        if name in declared:
            out[name] = datasets.load_dataset(
                str(folder),
                config,
                split=name,
                streaming=streaming,
                cache_dir=str(cache_dir) if cache_dir else None,
            )
        elif streaming:
            out[name] = datasets.IterableDataset.from_generator(_nothing, features=features)
        else:
            out[name] = datasets.Dataset.from_dict({column: [] for column in features}, features=features, split=name)
    if split:
        return out[split]
    return datasets.IterableDatasetDict(out) if streaming else datasets.DatasetDict(out)


def load_back(data_dir: Path | str | None = None, *, cache_dir: Path | str | None = None) -> dict[str, dict[str, int]]:
    """Load every config and split of a built folder with ``datasets`` and check the row counts against the build.

    Returns rows per config and split as loaded; raises ``ValueError`` naming the config and split that differ.
    This is the last step of ``aces run``: proof that what was written is what a user gets.
    """
    from aces.hf import rows as hf

    folder = ensure_built(Path(data_dir) if data_dir else None, rebuild=False if data_dir else None)
    loaded: dict[str, dict[str, int]] = {}
    for config in hf.CONFIGS:
        parts = load(config, data_dir=folder, rebuild=False, cache_dir=cache_dir)
        loaded[config] = {split: part.num_rows for split, part in parts.items()}
    _, info = _resolve("documents", None, folder, None, False)
    for config, per_split in loaded.items():
        for split, rows in per_split.items():
            if rows != info["rows"][config].get(split, 0):
                raise ValueError(
                    f"{folder}: {config}/{split} loads {rows} rows, the build wrote {info['rows'][config][split]}"
                )
    return loaded


def load_arrow(
    config: str = "documents",
    split: str | None = None,
    *,
    labels: bool = True,
    data_dir: Path | str | None = None,
    corpus: Path | str | None = None,
    rebuild: bool | None = None,
) -> pyarrow.Table:
    """The config's rows as one ``pyarrow.Table`` read straight from the parquet files (no ``datasets`` cache).

    Columns are those of the Hugging Face rows. ``labels=True`` dictionary-encodes every ClassLabel column (nested
    ones too) by its names, so the table says ``Life.Die`` and still knows every label of the inventory;
    ``labels=False`` keeps the integer ids ``datasets`` gives. With ``split=None`` every split is concatenated,
    and a config whose rows do not say their split (all but ``documents``) gets one more column, ``split``
    (dictionary-encoded), since the concatenation would otherwise lose it; pass ``split=`` for exactly the
    Hugging Face columns.
    """
    folder, info = _resolve(config, split, data_dir, corpus, rebuild)
    return _arrow(folder, info, config, split, labels)


def load_pandas(
    config: str = "documents",
    split: str | None = None,
    *,
    labels: bool = True,
    data_dir: Path | str | None = None,
    corpus: Path | str | None = None,
    rebuild: bool | None = None,
) -> pandas.DataFrame:
    """The config as a ``pandas.DataFrame`` for analysis (columns as ``load_arrow``'s).

    ``labels=True``: a ClassLabel column is a ``Categorical`` whose categories are every label of the inventory in
    ``labels.json`` order (its codes are the ClassLabel ids); a list of labels (``ner_tags``) is a list of label
    names, and labels inside structs (argument roles, entity types) are names. ``labels=False``: the integer ids.
    """
    folder, info = _resolve(config, split, data_dir, corpus, rebuild)
    return _arrow(folder, info, config, split, labels).to_pandas()


def records(
    split: str | None = None, *, data_dir: Path | str | None = None, corpus: Path | str | None = None
) -> Iterator[Record]:
    """Typed records read back from the built ``documents`` config (the inverse of the build)."""
    from aces.hf.rows import records_from_rows

    table = load_arrow("documents", split, labels=False, data_dir=data_dir, corpus=corpus)
    yield from records_from_rows(table.to_pylist())


def _resolve(
    config: str, split: str | None, data_dir: Path | str | None, corpus: Path | str | None, rebuild: bool | None
) -> tuple[Path, dict[str, Any]]:
    """The built folder and its ``aces_build.json``, after checking the config and split names."""
    from aces.hf import rows as hf
    from aces.hf.build import BUILD_FORMAT, MARKER

    if config not in hf.CONFIGS:
        raise ValueError(f"unknown config {config!r}; configs are {', '.join(hf.CONFIGS)}")
    folder = ensure_built(Path(data_dir) if data_dir else None, Path(corpus) if corpus else None, rebuild)
    marker = folder / MARKER
    if not marker.is_file():
        raise MissingData(f"{folder} has no {MARKER}: it was not made by `aces build`; rebuild it")
    info = json.loads(marker.read_text(encoding="utf-8"))
    if info.get("aces_build") != BUILD_FORMAT or "rows" not in info:
        raise ValueError(f"{folder} was made by another version of `aces build`; rebuild it (`aces build --out`)")
    splits, _ = _splits(info, config)
    if split is not None and split not in splits:
        raise ValueError(f"split {split!r} has no documents in {folder}; splits: {', '.join(splits)}")
    return folder, info


def _arrow(folder: Path, info: dict[str, Any], config: str, split: str | None, labels: bool) -> pyarrow.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from aces.hf import rows as hf
    from aces.hf.build import data_file
    from aces.hf.label_names import with_label_names

    splits, declared = _splits(info, config)
    features = hf.features(config, info["schema_version"])
    schema = features.arrow_schema
    tables = []
    # the marker lists each declared split's files (several from a sharded build); one written before it did not
    files = info.get("files", {config: {s: [data_file(config, s)] for s in declared}})[config]
    for name in [split] if split else splits:
        if name in declared:
            table = pa.concat_tables([pq.read_table(folder / f) for f in files[name]])
        else:
            table = schema.empty_table()
        tables.append(table)
    table = pa.concat_tables(tables)
    if split is None and "split" not in table.column_names:
        names = [name for name, part in zip(splits, tables, strict=True) for _ in range(part.num_rows)]
        table = table.append_column("split", pa.array(names, pa.string()).dictionary_encode())
    return with_label_names(table, features) if labels else table


def _splits(info: dict[str, Any], config: str) -> tuple[list[str], set[str]]:
    """Splits with documents, and those of them where ``config`` has rows (hence a declared parquet file)."""
    from aces.corpus.splits import SPLITS

    rows = info["rows"]
    splits = [s for s in SPLITS if rows["documents"].get(s, 0)]
    return splits, {s for s in splits if rows[config].get(s, 0)}


def _nothing() -> Iterator[dict[str, Any]]:
    yield from ()
