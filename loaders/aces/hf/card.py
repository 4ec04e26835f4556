"""The dataset card (``README.md``): YAML front matter the Hub and ``datasets`` read, then the datasheet.

The front matter is written with ``huggingface_hub.DatasetCardData`` and filled by ``datasets``' own
``MetadataConfigs`` and ``DatasetInfosDict`` writers, so ``datasets.load_dataset(folder, config)`` reads exactly
what we declare. Only splits that have documents are declared: a declared split without files breaks loading.
The card carries no date, so it is reproducible byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from aces.corpus.splits import SPLITS
from aces.hf import rows as hf
from aces.hf.summary import NOT_RECORDED, Terms
from aces.schema import labels

if TYPE_CHECKING:
    from aces.hf.summary import BuildSummary

PRETTY_NAME = "ACES: Arabic Corpus of Entities, Events and Stance"
RELEASE_TAG_PREFIX = "corpus-v"
"""``aces.versions.release.TAG_PREFIX`` (not imported: the release module pulls in the validator and git helpers)."""
UNKNOWN = "unknown"
"""What the card's ``license`` says when a document's terms were not recorded (the seed article's)."""
TASK_CATEGORIES = ["token-classification", "text-classification"]
TASK_IDS = ["named-entity-recognition", "coreference-resolution", "multi-class-classification"]
_SIZE_BOUNDS = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


def size_category(rows: int) -> str:
    """The Hub's ``size_categories`` bucket for a number of rows."""
    return next((name for bound, name in _SIZE_BOUNDS if rows < bound), "1M<n<10M")


def card_data(summary: BuildSummary):
    """``huggingface_hub.DatasetCardData`` with configs, features and split sizes of this build."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    largest = max(sum(per_split.values()) for per_split in summary.rows.values())
    data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        language=["ar"],
        license=card_license(summary.terms),
        annotations_creators=["machine-generated"],  # language-model annotators, see DATASHEET.md
        language_creators=["found"],
        multilinguality=["monolingual"],
        size_categories=[size_category(largest)],
        source_datasets=["original"],
        task_categories=TASK_CATEGORIES,
        task_ids=TASK_IDS,
        tags=["arabic", "news", "entities", "coreference", "events", "event-extraction", "stance", "croissant"],
        train_eval_index=train_eval_index(summary) or None,
    )
    declared = summary.declared_configs
    MetadataConfigs(
        {
            config: {
                "data_files": [
                    {"split": s, "path": files[0] if len(files := summary.split_files(config, s)) == 1 else files}
                    for s in summary.declared(config)
                ],
                **({"default": True} if config == "documents" else {}),
            }
            for config in declared
        }
    ).to_dataset_card_data(data)
    DatasetInfosDict(
        {
            config: DatasetInfo(
                config_name=config,
                features=hf.features(config, summary.schema_version),
                splits=SplitDict(
                    {
                        s: SplitInfo(s, num_bytes=summary.num_bytes[config][s], num_examples=summary.rows[config][s])
                        for s in summary.declared(config)
                    }
                ),
                download_size=sum(
                    (summary.out_dir / f).stat().st_size
                    for s in summary.declared(config)
                    for f in summary.split_files(config, s)
                ),
                dataset_size=sum(summary.num_bytes[config].values()),
            )
            for config in declared
        }
    ).to_dataset_card_data(data)
    return data


def train_eval_index(summary: BuildSummary) -> list[dict]:
    """The Hub's ``train-eval-index``: the ``ner`` config as token classification, trained on train, scored on test
    with seqeval (the official scorer is ``aces score``; this is the Hub's own evaluator's view)."""
    if not {"train", "test"} <= set(summary.declared("ner")):
        return []
    return [
        {
            "config": "ner",
            "task": "token-classification",
            "task_id": "entity_extraction",
            "splits": {"train_split": "train", "eval_split": "test"},
            "col_mapping": {"tokens": "tokens", "ner_tags": "tags"},
            "metrics": [{"type": "seqeval", "name": "seqeval"}],
        }
    ]


def card_license(terms: Terms) -> str:
    """The Hub's ``license``: the one licence of every document (lower-case SPDX id, ``unknown``), ``unknown`` when
    any document's terms are unknown, else ``other`` (documents differ: the card's Licence section says which)."""
    names = set(terms.documents)
    if not names or names & {UNKNOWN, NOT_RECORDED}:
        return UNKNOWN
    return next(iter(names)).lower() if len(names) == 1 else "other"


def licence_section(summary: BuildSummary) -> list[str]:
    """Which documents are under which terms, with the attribution their licence asks for."""
    inventory = labels(summary.schema_version).licenses
    out = [
        "## Licence",
        "",
        "Each document carries the licence of its text (`provenance.license` in the `documents` config), and every "
        "row derived from a document (its `ner`, `events` and `stance` rows, the annotations) is under the same "
        "terms. A document whose licence is `unknown` may not be redistributed until its terms are known. "
        + CODE_LICENCE,
        "",
        "| licence | documents | terms |",
        "|---|---:|---|",
    ]
    for name, ids in summary.terms.documents.items():
        terms = inventory.get(name, {})
        link = f"[{terms['name']}]({terms['url']})" if terms.get("url") else terms.get("name", name)
        out.append(f"| `{name}` | {len(ids)} | {link} |")
    for name, ids in summary.terms.documents.items():
        out += [
            "",
            f"<details><summary>Documents under <code>{name}</code></summary>",
            "",
            ", ".join(ids),
            "",
            "</details>",
        ]
        for credit in summary.terms.attributions.get(name, ()):
            out += ["", f"Attribution for `{name}`: {credit}"]
    return [*out, ""]


def render_card(summary: BuildSummary, datasheet: str | None) -> str:
    """The whole ``README.md``: front matter, then one section per function below, then the datasheet.

    Each section is its own function returning lines, so a new one (e.g. baseline scores) is one more entry."""
    out = ["---", card_data(summary).to_yaml(), "---", ""]
    for section in (
        first_screen,
        configs_section,
        columns_section,
        labels_section,
        splits_section,
        baselines_section,
        licence_section,
        citation_section,
        reproducibility_section,
    ):
        out += section(summary)
    out += ["## Datasheet", ""]
    text = card_datasheet(datasheet) if datasheet else ""
    out.append(_demote(text) if text else "_No datasheet at build time._")
    return "\n".join(out).rstrip("\n") + "\n"


def first_screen(summary: BuildSummary) -> list[str]:
    """Title, what the corpus holds, who annotated it and under which terms: what a Hub visitor sees first."""
    return [
        f"# {PRETTY_NAME}",
        "",
        "Arabic news annotated in three layers: **entities** (typed mentions, nested, and coreference clusters),",
        "**events** (typed triggers with role-labelled arguments and an epistemic status saying who claims them)",
        "and **stance** (holder, target, polarity, evidence).",
        "",
        "**The annotators are language-model instances, not people**: each document has one pass read again by a",
        "second instance, or two independent passes merged by adjudication (`annotation_status` in the `documents`",
        "config says which); no native speaker has reviewed the annotations yet. Agreement between the passes is in",
        "the datasheet below.",
        "",
        f"**Licences differ by document**: {licence_summary(summary)} See [Licence](#licence).",
        "",
        f"- Corpus version: **{summary.corpus_version}** (`corpus/VERSION`; `aces release` tags it "
        f"`{RELEASE_TAG_PREFIX}{summary.corpus_version}` in the ACES repository, `aces publish` tags the Hub revision "
        f"`v{summary.corpus_version}`)",
        f"- Schema version: **{summary.schema_version}** (`schema/{summary.schema_version}/record.schema.json` and "
        "`labels.json` in the ACES repository)",
        f"- Documents: {', '.join(f'{summary.documents[s]} {s}' for s in summary.splits)}",
        "- Offsets: `[start, end)` in Unicode code points (Python `str` indices) of the document `text`, never "
        "UTF-16 or bytes.",
        "",
    ]


def licence_summary(summary: BuildSummary) -> str:
    """One sentence per licence of the documents built: how many documents, and what their terms allow."""
    inventory = labels(summary.schema_version).licenses
    parts = []
    for name, ids in summary.terms.documents.items():
        terms = inventory.get(name, {})
        count = f"{len(ids)} document{'s' if len(ids) != 1 else ''}"
        if not terms.get("redistributable"):
            parts.append(
                f"{count} under terms that are {name if name == UNKNOWN else 'not recorded'} "
                "(not cleared for redistribution)."
            )
            continue
        allows = ["redistributable"]
        allows += ["with attribution"] if terms.get("attribution") else []
        allows += [] if terms.get("commercial") else ["non-commercial use only"]
        allows += ["share-alike"] if "-SA-" in name or name.endswith("-SA") else []
        parts.append(f"{count} under {name} ({', '.join(allows)}).")
    return " ".join(parts) + " " + CODE_LICENCE


CODE_LICENCE = (
    "The code, schema and guidelines of the ACES repository are Apache-2.0 (its `LICENSE` file); that licence does "
    "not cover the texts."
)


def configs_section(summary: BuildSummary) -> list[str]:
    """Rows per config and split, which empty splits are not declared, and how to load a config."""
    splits = summary.splits
    out = [
        "## Configs",
        "",
        "| config | one row per | " + " | ".join(splits) + " |",
        "|---|---|" + "---|" * len(splits),
    ]
    per = {"documents": "document", "ner": "sentence", "events": "event mention", "stance": "stance"}
    for config in hf.CONFIGS:
        out.append(f"| `{config}` | {per[config]} | " + " | ".join(str(summary.rows[config][s]) for s in splits) + " |")
    empty = [f"`{c}`" for c in hf.CONFIGS if c not in summary.declared_configs]
    partial = [f"`{c}` {s}" for c in summary.declared_configs for s in splits if s not in summary.declared(c)]
    if empty or partial:
        out += [
            "",
            "`datasets` cannot load a split without rows, so empty ones are not declared: "
            + "; ".join(
                ([f"no rows yet in {', '.join(empty)} (config not declared)"] if empty else [])
                + ([f"no rows in {', '.join(partial)}"] if partial else [])
            )
            + ". `aces.load` returns them as empty datasets with their features.",
        ]
    return [
        *out,
        "",
        "```python",
        "import datasets",
        'ner = datasets.load_dataset("<this folder or the Hub repo id>", "ner")',
        'tags = ner["train"].features["ner_tags"].feature.names',
        "```",
        "",
        'With the `aces` package: `aces.load("ner")` (builds this folder from the corpus when missing or stale), '
        '`aces.read_corpus()` (typed records), `aces.load("ner", streaming=True)` (an `IterableDataset`).',
        "",
    ]


def columns_section(summary: BuildSummary) -> list[str]:
    """What every column of every config holds."""
    out = []
    for config in hf.CONFIGS:
        out += [f"### `{config}`", "", "| column | what it holds |", "|---|---|"]
        docs = hf.COLUMN_DOCS[config]
        out += [f"| `{col}` | {docs.get(col, '')} |" for col in hf.features(config, summary.schema_version)]
        out.append("")
    return [
        *out,
        "`documents` is the complete record: records → parquet → `datasets` → records is the identity. "
        "`ner` tags the flat layer of mentions (outermost wins); nested mentions are in `documents`. "
        "Tokens are `aces.tokenize`: spaCy's blank Arabic tokens with the proclitics split off («لأفغانستان» → «ل» + "
        "«أفغانستان»), made from the text alone, so they are the tokens a model gets at inference. A mention whose "
        "edge falls inside a token is tagged on the tokens that cover it (the datasheet counts how many); its exact "
        "offsets stay in `documents`.",
        "",
    ]


def labels_section(summary: BuildSummary) -> list[str]:
    """A table per label inventory with every name's definition from ``labels.json``, naming the ClassLabel
    columns that use it (a ``ClassLabel`` with no definitions there is an error, not an empty table)."""
    out = ["## Labels", "", "Class-label ids follow the order of the schema's `labels.json`.", ""]
    inventories = label_inventories(summary.schema_version)
    used: dict[tuple[str, ...], list[str]] = {}
    for config in hf.CONFIGS:
        for column, label in class_labels(hf.features(config, summary.schema_version)):
            used.setdefault(tuple(label.names), []).append(f"`{config}.{column}`")
    entity_types = tuple(labels(summary.schema_version).entity_types)
    used.setdefault(entity_types, []).append("`type` of the mentions in `documents`, the suffix of the BIO tags")
    for names, columns in used.items():
        if names not in inventories:
            raise KeyError(f"no definitions in labels.json {summary.schema_version} for the labels of {columns[0]}")
        title, docs = inventories[names]
        out.append(_label_table(f"{title} ({', '.join(columns)})", list(names), docs))
    return out


def label_inventories(version: str) -> dict[tuple[str, ...], tuple[str, dict[str, str]]]:
    """Every label inventory of ``labels.json`` a ClassLabel may use: names → (title, definition of each name)."""
    lab = labels(version)
    entity = lab.entity_types
    bio = {"O": "Outside every mention of the flat (outermost) layer."}
    for etype in entity:
        bio[f"B-{etype}"] = f"First token of a `{etype}` mention (entity type `{etype}`, defined below)."
        bio[f"I-{etype}"] = f"A later token of the same `{etype}` mention."
    roles: dict[str, list[str]] = {}
    for etype in lab.event_types:
        for role, admitted in lab.roles(etype).items():
            roles.setdefault(role, []).append(f"{etype} ({', '.join(admitted)})")
    found = {
        "Entity types": entity,
        "BIO tags": bio,
        "Event types": {k: v["definition"] for k, v in lab.event_types.items()},
        "Argument roles (the event types that have the role, with the entity types it admits)": {
            role: "; ".join(uses) for role, uses in roles.items()
        },
        "Epistemic statuses": lab.epistemic_statuses,
        "Event polarities": lab.event_polarities,
        "Stance polarities": lab.stance_polarities,
    }
    return {tuple(docs): (title, docs) for title, docs in found.items() if docs}


def class_labels(features: dict, prefix: str = ""):
    """``(column path, ClassLabel)`` of every ClassLabel in ``features``, nested ones included (``a.b``)."""
    from datasets import ClassLabel, List

    for name, feature in features.items():
        path = f"{prefix}{name}"
        while isinstance(feature, List):
            feature = feature.feature
        if isinstance(feature, ClassLabel):
            yield path, feature
        elif isinstance(feature, dict):
            yield from class_labels(feature, f"{path}.")


def splits_section(summary: BuildSummary) -> list[str]:
    """How a document's split is assigned, in the code's own numbers."""
    return [
        "## Splits",
        "",
        f"Each document's split ({', '.join(SPLITS)}) is assigned once, when it is ingested, and stored in the "
        "record. A document ingested on its own gets it from the first 8 bytes of sha256 of its id modulo 100 "
        f"({_split_buckets()}); a batch from one source (a treebank's documents) is stratified by outlet, each "
        f"outlet's documents spread to about {_targets()} of its characters (`aces.corpus.splits.stratified`). "
        "The build never recomputes it, so adding documents never moves an existing one; only a written "
        "migration may. A split with no document yet is not declared. All rows of a document (its segments, "
        "events and stances) are in the document's split.",
        "",
    ]


def baselines_section(summary: BuildSummary) -> list[str]:
    """The baselines' test scores (``aces baselines``), as docs/EVALUATION.md shows them; nothing when none were run."""
    if not summary.baselines:
        return []
    from aces.baselines.table import markdown

    return [
        "## Baselines",
        "",
        "Simple CPU-only, seeded systems trained on `train` (settings chosen on `validation`), given the test "
        "documents without annotations, scored with the official scorer (`aces score`). The gold they are scored "
        "against was annotated by language-model instances. Reproduce in a clone of the repository with "
        "`aces baselines --check`.",
        "",
        markdown(summary.baselines),
        "",
    ]


def citation_section(summary: BuildSummary) -> list[str]:
    """The BibTeX entry of this version, from the corpus's ``CITATION.cff``."""
    if summary.citation is None:
        return ["## Citation", "", "_The corpus had no `CITATION.cff` at build time._", ""]
    return ["## Citation", "", "```bibtex", summary.citation.bibtex(summary.corpus_version), "```", ""]


def reproducibility_section(summary: BuildSummary) -> list[str]:
    return [
        "## Reproducibility",
        "",
        "Built by `aces build` from the gold JSONL records; two builds of the same corpus are byte-identical. "
        "`croissant.json` (Croissant 1.0 with RAI fields) lists the sha256 of every data file. The sizes in the "
        "front matter are those `datasets` computes when it prepares each split.",
        "",
    ]


REPO_ONLY = re.compile(r"<!-- repo-only:start -->.*?<!-- repo-only:end -->\n?", re.DOTALL)
"""Parts of ``DATASHEET.md`` about maintaining the repository (commands, tests), left out of the card."""


def card_datasheet(datasheet: str) -> str:
    """The datasheet as the card shows it: without its repository-maintenance parts."""
    return REPO_ONLY.sub("", datasheet).strip()


def write_card(out_dir: Path, summary: BuildSummary, datasheet: str | None) -> Path:
    from dataclasses import replace

    path = Path(out_dir) / "README.md"
    text = render_card(replace(summary, out_dir=Path(out_dir)), datasheet)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _split_buckets() -> str:
    """The bucket ranges of ``aces.corpus.splits``, so the card says what the code does."""
    from aces.corpus.splits import _BOUNDS

    lows = [0, *(bound for bound, _ in _BOUNDS[:-1])]
    return ", ".join(f"{low}–{bound - 1} {name}" for low, (bound, name) in zip(lows, _BOUNDS, strict=True))


def _targets() -> str:
    from aces.corpus.splits import TARGETS

    return " / ".join(f"{round(share * 100)}% {name}" for name, share in TARGETS.items())


def _label_table(title: str, names: list[str], docs: dict[str, str]) -> str:
    rows = [f"{title}:", "", "| id | name | definition |", "|---|---|---|"]
    rows += [f"| {i} | `{name}` | {docs.get(name, '')} |" for i, name in enumerate(names)]
    return "\n".join(rows) + "\n"


def _demote(markdown: str) -> str:
    """Push the datasheet's headings two levels down so they sit under the card's ``## Datasheet``."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        level = len(line) - len(line.lstrip("#"))
        if not fenced and level and line[level:].startswith(" "):
            line = "#" * min(level + 2, 6) + line[level:]
        lines.append(line)
    return "\n".join(lines)
