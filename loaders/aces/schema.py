"""Reads a schema version from ``schema/<version>/``: label inventories and JSON Schema are data, not code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema_rs

from aces.paths import MissingData, repo_root

CURRENT_VERSION = "1.3.0"


def schema_root() -> Path:
    """``schema/`` of the repository (editable install) or the copy packaged inside ``aces``; ``MissingData`` when
    neither is there, rather than every record failing as of an unknown version."""
    packaged = Path(__file__).parent / "schema"
    if packaged.is_dir():
        return packaged
    root = repo_root() / "schema"
    if not root.is_dir():
        raise MissingData(f"no schema folder at {packaged} or {root}: the package is incomplete; reinstall aces-corpus")
    return root


def known_versions() -> list[str]:
    root = schema_root()
    return sorted(
        (p.name for p in root.iterdir() if (p / "labels.json").is_file()),
        key=lambda v: tuple(int(x) for x in v.split(".")),
    )


@dataclass(frozen=True)
class Labels:
    """The label inventory of one schema version."""

    version: str
    entity_types: dict[str, str]
    mention_forms: dict[str, str]
    epistemic_statuses: dict[str, str]
    stance_polarities: dict[str, str]
    segment_types: dict[str, str]
    event_types: dict[str, dict]
    event_ref_type: str
    proclitics: frozenset[str]
    proclitics_max: int
    event_polarities: dict[str, str] = field(default_factory=dict)
    """Event polarity values (since 1.1.0; empty before: no event carries a polarity)."""
    epistemic_source: dict[str, str] = field(default_factory=dict)
    """Status → ``required`` / ``optional`` / ``forbidden``: whether an event of that status names a source."""
    annotation_statuses: dict[str, str] = field(default_factory=dict)
    """How far a document's annotation has come (since 1.2.0; empty before: records carry no status)."""
    licenses: dict[str, dict] = field(default_factory=dict)
    """Licence id → name, url, whether it asks for attribution, allows redistribution and commercial use (1.2.0)."""
    sentence_bound: frozenset[str] = frozenset()
    """Layers whose spans must lie inside one sentence (``mentions``, ``triggers``; since 1.2.0)."""

    def roles(self, event_type: str) -> dict[str, list[str]]:
        """Role → admitted entity types (``event_ref_type`` admits an event) for one event type."""
        return self.event_types[event_type]["roles"]

    @property
    def role_names(self) -> list[str]:
        """Every role of every event type, in order of first appearance (``Place`` is one role across types): the
        ClassLabel names of argument roles."""
        return list(dict.fromkeys(role for etype in self.event_types for role in self.roles(etype)))

    @property
    def bio_labels(self) -> list[str]:
        """``O`` then ``B-``/``I-`` per entity type, in inventory order: the ClassLabel names of token views."""
        out = ["O"]
        for etype in self.entity_types:
            out += [f"B-{etype}", f"I-{etype}"]
        return out


@cache
def labels(version: str = CURRENT_VERSION) -> Labels:
    """Label inventory of ``version``; raises ``KeyError`` for a version that does not exist."""
    path = schema_root() / version / "labels.json"
    if not path.is_file():
        raise KeyError(version)
    data = json.loads(path.read_text(encoding="utf-8"))
    return Labels(
        version=version,
        entity_types=data["entity_types"],
        mention_forms=data["mention_forms"],
        epistemic_statuses=data["epistemic_statuses"],
        stance_polarities=data["stance_polarities"],
        segment_types=data["segment_types"],
        event_types=data["event_types"],
        event_ref_type=data["event_ref_type"],
        proclitics=frozenset(data["proclitics"]["letters"]),
        proclitics_max=data["proclitics"]["max_length"],
        event_polarities=data.get("event_polarities", {}),
        epistemic_source=data.get("epistemic_source") or _source_rule_1_0(data["epistemic_statuses"]),
        annotation_statuses=data.get("annotation_statuses", {}),
        licenses=data.get("licenses", {}),
        sentence_bound=frozenset(data.get("sentence_bound", {})),
    )


def _source_rule_1_0(statuses: dict[str, str]) -> dict[str, str]:
    """Schema 1.0.0 states its source rule only in prose (a source exactly when claimed); 1.1.0 made it data."""
    return {status: "required" if status == "claimed" else "forbidden" for status in statuses}


@cache
def json_schema(version: str = CURRENT_VERSION) -> dict:
    path = schema_root() / version / "record.schema.json"
    if not path.is_file():
        raise KeyError(version)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def validator(version: str = CURRENT_VERSION) -> jsonschema_rs.Draft202012Validator:
    """A compiled JSON Schema 2020-12 validator for ``version`` (Rust-backed, compiled once)."""
    return jsonschema_rs.Draft202012Validator(json_schema(version))
