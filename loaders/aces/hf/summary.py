"""What a build wrote (``BuildSummary``): the one value the builder hands to the card, the Croissant file and the
marker. It lives below ``aces.hf.build`` so that the writers of those files need not import the builder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aces.corpus.splits import SPLITS
from aces.hf.citation import Citation

NOT_RECORDED = "(not recorded)"
"""The licence of a record whose schema version has no licence field (before 1.2.0)."""


@dataclass(frozen=True)
class Terms:
    """Which documents are under which licence, and the attributions those documents ask for."""

    documents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """licence id → the ids of its documents, sorted."""
    attributions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """licence id → the distinct attributions its documents carry, sorted."""

    @classmethod
    def of(cls, documents: Iterable[tuple[str, str, str | None]]) -> Terms:
        """From ``(document id, licence, attribution or None)`` triples."""
        ids: dict[str, set[str]] = {}
        credits: dict[str, set[str]] = {}
        for doc_id, licence, attribution in documents:
            ids.setdefault(licence, set()).add(doc_id)
            if attribution:
                credits.setdefault(licence, set()).add(attribution)
        return cls(
            {name: tuple(sorted(ids[name])) for name in sorted(ids)},
            {name: tuple(sorted(credits.get(name, ()))) for name in sorted(ids)},
        )


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote: rows per config and split, and the numbers the card and Croissant file declare."""

    out_dir: Path
    corpus_version: str
    schema_version: str
    documents: dict[str, int]
    rows: dict[str, dict[str, int]]
    num_bytes: dict[str, dict[str, int]] = field(repr=False)
    data_files: dict[str, dict[str, tuple[str, ...]]] = field(repr=False)
    """config → declared split → its parquet files in the folder: one from ``build``, one per shard with rows from
    ``aces.hf.build_shards.assemble``. The card, the Croissant file and the marker (for ``aces.load_arrow``) list
    them."""
    terms: Terms = field(default_factory=Terms, repr=False)
    """The licences of the documents built (the card and the Croissant file say which documents are under which)."""
    citation: Citation | None = field(default=None, repr=False)
    """How to cite the corpus (``corpus/CITATION.cff``), None when it has none: the card and Croissant file use it."""
    baselines: dict | None = field(default=None, repr=False)
    """The baselines' scores (``corpus/baselines.json``, written by ``aces baselines``), None when there are none:
    the card shows them."""
    files: tuple[str, ...] = ()
    """Every file of the finished folder (set once it is in place)."""
    seconds: float = 0.0

    @property
    def splits(self) -> list[str]:
        """Splits that have documents, in canonical order."""
        return [s for s in SPLITS if s in self.documents]

    def declared(self, config: str) -> list[str]:
        """Splits of ``config`` that have rows, hence a parquet file and an entry in the card.

        ``datasets`` cannot load a split with no rows ("corresponds to no data"), so an empty split is left
        out, and a config with no rows at all (no events annotated yet) is not declared; ``aces.load`` returns
        those empty, with their features.
        """
        return [s for s in self.splits if self.rows[config].get(s, 0)]

    @property
    def declared_configs(self) -> list[str]:
        return [c for c in self.rows if self.declared(c)]

    def split_files(self, config: str, split: str) -> list[str]:
        """The parquet files of a declared split of ``config``, relative to the folder, in row order."""
        return list(self.data_files[config][split])

    def format(self) -> str:
        """A short table: rows per config and split."""
        splits = self.splits
        width = max(len(c) for c in self.rows)
        head = f"{'config':<{width}}  " + "  ".join(f"{s:>10}" for s in splits)
        lines = [
            f"{self.out_dir}: corpus {self.corpus_version}, schema {self.schema_version}, "
            f"{sum(self.documents.values())} documents, built in {self.seconds:.1f}s",
            head,
        ]
        for config, per_split in self.rows.items():
            lines.append(f"{config:<{width}}  " + "  ".join(f"{per_split.get(s, 0):>10}" for s in splits))
        return "\n".join(lines)
