"""``croissant.json``: Croissant 1.0 (+ RAI 1.0) metadata of the built folder, so ML tooling can find and read it.

Each config is a RecordSet read from a FileSet of its parquet files (paths relative to this file, so the same
JSON works in the local folder and in the Hub repository); a ``split`` field is taken from each file's name.
Every data file is also listed as a FileObject with its sha256 and size. Fields mirror the ``datasets``
features: lists are ``repeated``, structs have ``subField``s read with a JSONPath. The RAI fields hold only
what the project knows for certain; nothing is dated, so the file is reproducible byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aces.hf import rows as hf
from aces.schema import labels

if TYPE_CHECKING:
    from aces.hf.summary import BuildSummary

FILENAME = "croissant.json"
CONFORMS_TO = ["http://mlcommons.org/croissant/1.0", "http://mlcommons.org/croissant/RAI/1.0"]
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
# Matches a file path and also the bare split name (mlcroissant re-applies the transform after joining splits).
_SPLIT_REGEX = r"^(?:.*/)?(train|validation|test)(?:-\d{5}-of-\d{5}\.parquet)?$"
_SPLIT_URLS = {"train": "cr:TrainingSplit", "validation": "cr:ValidationSplit", "test": "cr:TestSplit"}

RAI: dict[str, Any] = {
    "rai:dataCollection": (
        "Arabic news articles supplied to the project as raw text files, kept byte for byte under corpus/raw/ "
        "with their sha256. The original publisher and URL of the seed article were not recorded."
    ),
    "rai:dataCollectionType": ["Manual Human Curation"],
    "rai:dataPreprocessingProtocol": [
        "Ingest (aces ingest) removes scraper debris (related-article links, tokens, watermarks, blank lines), "
        "normalises to NFC and splits the text into title, lead, heading and paragraph segments; every removal "
        "and an offset map back to the raw file are stored in each record's provenance."
    ],
    "rai:dataAnnotationProtocol": [
        "Gold annotation of entity mentions (typed, nested), coreference clusters, events (typed triggers, "
        "role-labelled arguments, epistemic status and source) and stance (holder, target, polarity, evidence) "
        "following corpus/GUIDELINES.md of the ACES repository; every record is checked by `aces validate` "
        "against the JSON Schema and label inventory of its schema version."
    ],
    "rai:dataUseCases": [
        "Training and evaluating Arabic named-entity recognition, coreference, event extraction and stance "
        "detection on news about armed groups; studying who claims what (epistemic status) in war reporting."
    ],
    "rai:dataLimitations": [
        "Small and single-domain (news about armed groups, Afghanistan and the region); not representative of "
        "Arabic news in general. Pronouns are not annotated (schema 1.0.0). The ner config keeps only the "
        "outermost of nested mentions; the documents config has all of them."
    ],
    "rai:dataBiases": [
        "The articles come from few sources with their own editorial framing of the conflict; stance labels "
        "describe the positions expressed in the text, not facts about the groups or people named."
    ],
    "rai:personalSensitiveInformation": [
        "Names of public figures, officials and members of armed groups, with political and religious "
        "affiliations and reports of violence, as published in the news. No private contact data: the validator "
        "rejects e-mail addresses and IP addresses in the text."
    ],
    "rai:dataSocialImpact": (
        "Supports research on Arabic information extraction for conflict reporting. Stance and event labels "
        "could be misused to profile people or groups; they record what a text says, not what is true."
    ),
    "rai:dataReleaseMaintenancePlan": (
        "Versioned releases: corpus/VERSION gives the corpus version, tagged on the Hub revision; records carry "
        "their schema version and move between schema versions only through written migrations. A document's "
        "split is fixed at ingest and does not change as the corpus grows."
    ),
}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def croissant_metadata(out_dir: Path, summary: BuildSummary) -> dict[str, Any]:
    """The JSON-LD document for the folder ``out_dir`` (its parquet files must already be written)."""
    from aces.hf.card import PRETTY_NAME

    out_dir = Path(out_dir)
    splits = summary.splits
    distribution: list[dict[str, Any]] = []
    declared = summary.declared_configs
    for config in declared:
        for split in summary.declared(config):
            files = summary.split_files(config, split)
            for i, rel in enumerate(files, 1):
                what = f"The {split} split of the {config} config"
                distribution.append(
                    {
                        "@type": "cr:FileObject",
                        "@id": rel,
                        "name": rel,
                        "description": f"{what}." if len(files) == 1 else f"{what}, part {i} of {len(files)}.",
                        "contentUrl": rel,
                        "contentSize": f"{(out_dir / rel).stat().st_size} B",
                        "encodingFormat": "application/x-parquet",
                        "sha256": sha256_file(out_dir / rel),
                    }
                )
    for config in declared:
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": f"{config}-parquet",
                "name": f"{config}-parquet",
                "description": f"Parquet files of the {config} config, "
                + (
                    "one per split."
                    if all(len(f) == 1 for f in summary.data_files[config].values())
                    else "one or more per split (one per shard)."
                ),
                "encodingFormat": "application/x-parquet",
                "includes": f"{config}/*.parquet",
            }
        )
    record_sets: list[dict[str, Any]] = [
        {
            "@type": "cr:RecordSet",
            "dataType": "cr:Split",
            "@id": "splits",
            "name": "splits",
            "description": "The splits present in this build.",
            "key": {"@id": "splits/name"},
            "field": [
                {"@type": "cr:Field", "@id": "splits/name", "name": "splits/name", "dataType": "sc:Text"},
                {"@type": "cr:Field", "@id": "splits/url", "name": "splits/url", "dataType": "sc:URL"},
            ],
            "data": [{"splits/name": s, "splits/url": _SPLIT_URLS[s]} for s in splits],
        }
    ]
    for config in declared:
        features = hf.features(config, summary.schema_version)
        fields = [] if "split" in features else [_split_field(config)]  # documents rows carry their split
        fields += [
            f
            for column, feature in features.items()
            if (f := _field(config, config, column, feature, hf.COLUMN_DOCS[config].get(column, ""), None))
        ]
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": f"One row per {_ROW[config]}; see the dataset card."
                + (_DOCUMENTS_NOTE if config == "documents" else ""),
                "field": fields,
            }
        )
    lab = labels(summary.schema_version)
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": "ACES",
        "alternateName": PRETTY_NAME,
        "description": (
            "Arabic news with gold annotations of entities (typed, nested mentions and coreference clusters), "
            "events (triggers, role-labelled arguments, epistemic status) and stance (holder, target, polarity, "
            f"evidence). Corpus version {summary.corpus_version}, schema version {summary.schema_version}. "
            f"Entity types: {', '.join(lab.entity_types)}. Offsets are code points of the document text."
        ),
        "license": licences(summary),
        "version": summary.corpus_version,
        **citation_fields(summary),
        "inLanguage": "ar",
        "keywords": ["Arabic", "named entity recognition", "coreference", "event extraction", "stance detection"],
        "isLiveDataset": False,
        **RAI,
        "distribution": distribution,
        "recordSet": record_sets,
    }


def citation_fields(summary: BuildSummary) -> dict[str, Any]:
    """``creator``, ``url``, ``datePublished`` and ``citeAs`` from the corpus's ``CITATION.cff`` (none without one:
    mlcroissant then warns that they are missing, which is true)."""
    cite = summary.citation
    if cite is None:
        return {}
    creators = [
        {"@type": "sc:Person" if person else "sc:Organization", "name": name}
        for name, person in zip(cite.authors, cite.persons, strict=True)
    ]
    return {
        "creator": creators if len(creators) > 1 else creators[0],
        "url": cite.url,
        "datePublished": cite.date,
        "citeAs": cite.bibtex(summary.corpus_version),
    }


def licences(summary: BuildSummary) -> list[str]:
    """Every licence of the documents built: its URL, or what is known of it (``provenance/license`` in the
    ``documents`` record set says which document is under which)."""
    inventory = labels(summary.schema_version).licenses
    out = []
    for name, ids in summary.terms.documents.items():
        url = inventory.get(name, {}).get("url")
        out.append(url or f"{name}: the terms of {len(ids)} document(s) were not recorded; do not redistribute them")
    return out


def write_croissant(out_dir: Path, summary: BuildSummary) -> Path:
    path = Path(out_dir) / FILENAME
    text = json.dumps(croissant_metadata(out_dir, summary), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


_DOCUMENTS_NOTE = (
    " Lists of structs nested inside another list or struct (provenance removals, event arguments, stance "
    "evidence) are not described here: Croissant 1.0 readers cannot address them; load the config with "
    "`datasets` for the complete record."
)
_ROW = {"documents": "document", "ner": "sentence", "events": "event mention", "stance": "stance"}


def _split_field(config: str) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{config}/split",
        "name": f"{config}/split",
        "description": "Split of the row, from the parquet file name.",
        "dataType": "sc:Text",
        "references": {"field": {"@id": "splits/name"}},
        "source": {
            "fileSet": {"@id": f"{config}-parquet"},
            "extract": {"fileProperty": "fullpath"},
            "transform": {"regex": _SPLIT_REGEX},
        },
    }


def _field(config: str, parent_id: str, name: str, feature: Any, doc: str, path: str | None) -> dict[str, Any] | None:
    """A Croissant field for one ``datasets`` feature of column ``name`` (or a sub-feature at JSONPath ``path``).

    Structs get ``subField``s read with a JSONPath into the column. mlcroissant cannot apply a JSONPath inside a
    list nested in a struct or in another list, so such a list of scalars is one repeated leaf, and such a list
    of structs (``documents``: event arguments, stance evidence, removals) is left out (None); ``datasets`` and
    the dataset card give the full structure.
    """
    from datasets import ClassLabel, List

    column = path.split(".")[0] if path else name
    field_id = f"{parent_id}/{name}"
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": field_id}
    if doc:
        out["description"] = doc
    inner = feature
    if isinstance(feature, List):
        out["repeated"] = True
        inner = feature.feature
        if path is not None:  # a list inside a struct or inside a list item: one leaf
            while isinstance(inner, List):
                inner = inner.feature
            if isinstance(inner, dict):
                return None
    if isinstance(inner, ClassLabel):
        names = ", ".join(f"{i}={n}" for i, n in enumerate(inner.names))
        out["description"] = (doc + " " if doc else "") + f"Class ids: {names}."
    if isinstance(inner, dict):
        subs = [
            _field(config, field_id, k, sub, "", f"{path}.{k}" if path else f"{column}.{k}") for k, sub in inner.items()
        ]
        out["subField"] = [sub for sub in subs if sub is not None]
        return out
    out["dataType"] = _data_type(inner)
    source: dict[str, Any] = {"fileSet": {"@id": f"{config}-parquet"}, "extract": {"column": column}}
    if path:
        source["transform"] = {"jsonPath": path.split(".", 1)[1]}
    out["source"] = source
    return out


def _data_type(feature: Any) -> str:
    from datasets import ClassLabel, Value

    if isinstance(feature, ClassLabel) or (isinstance(feature, Value) and feature.dtype.startswith("int")):
        return "sc:Integer"
    return "sc:Text"  # strings, and structs flattened into a repeated leaf


def check(path: Path) -> list[str]:
    """Load ``croissant.json`` with mlcroissant, the reference implementation; returns its warnings.

    Raises ``ValueError`` with mlcroissant's errors when the metadata is invalid. Reading the files is not
    attempted here (tests do that); loading checks the structure, references and data types.
    """
    import logging

    import mlcroissant as mlc

    absl = logging.getLogger("absl")
    level = absl.level
    absl.setLevel(logging.ERROR)  # mlcroissant logs each warning too; they are returned instead
    try:
        dataset = mlc.Dataset(jsonld=Path(path))
    except mlc.ValidationError as err:
        raise ValueError(f"{path} is not valid Croissant: {err}") from None
    finally:
        absl.setLevel(level)
    return sorted(dataset.metadata.ctx.issues.warnings)
