"""1.0.0 ⇄ 1.1.0 (a MINOR change, schema/CHANGELOG.md).

1.1.0 adds three optional things: an event ``polarity``, an ``epistemic.source`` on ``hypothetical`` events,
and ``provenance.corpus_version``. Every 1.0.0 record is a valid 1.1.0 record meaning the same, so the upgrade
only restamps it. The downgrade drops what 1.0.0 cannot hold; it loses nothing when the record uses none of
the three (an explicit ``polarity: positive`` is the default spelled out, so dropping it loses nothing either).
"""

from __future__ import annotations

import msgspec

from aces import record as rec
from aces.versions.migrations.base import Loss, Migration

OLD, NEW = "1.0.0", "1.1.0"
DEFAULT_POLARITY = "positive"
"""The 1.1.0 polarity an event without one has (labels.json ``event_polarities``): what every 1.0.0 event means."""
SOURCE_ONLY_WHEN = "claimed"
"""In 1.0.0 only a claimed event names a source (1.1.0 also lets a hypothetical one)."""


def upgrade(record: rec.Record) -> tuple[rec.Record, list[Loss]]:
    """Restamp: a 1.0.0 record is already a 1.1.0 record with none of the new fields."""
    return msgspec.structs.replace(record, schema_version=NEW), []


def _downgrade_event(doc_id: str, event: rec.Event, losses: list[Loss]) -> rec.Event:
    changes: dict = {}
    if event.polarity is not msgspec.UNSET:
        if event.polarity != DEFAULT_POLARITY:
            losses.append(Loss(doc_id, event.id, "polarity", str(event.polarity)))
        changes["polarity"] = msgspec.UNSET
    source = event.epistemic.source
    if source is not None and event.epistemic.status != SOURCE_ONLY_WHEN:
        losses.append(Loss(doc_id, event.id, "epistemic.source", source))
        changes["epistemic"] = msgspec.structs.replace(event.epistemic, source=None)
    return msgspec.structs.replace(event, **changes) if changes else event


def downgrade(record: rec.Record) -> tuple[rec.Record, list[Loss]]:
    """Drop polarity, sources of non-claimed events and the corpus version, reporting each non-default value."""
    losses: list[Loss] = []
    events = tuple(_downgrade_event(record.id, e, losses) for e in record.events)
    provenance = record.provenance
    if provenance.corpus_version is not msgspec.UNSET:
        losses.append(Loss(record.id, "provenance", "provenance.corpus_version", str(provenance.corpus_version)))
        provenance = msgspec.structs.replace(provenance, corpus_version=msgspec.UNSET)
    migrated = msgspec.structs.replace(record, schema_version=OLD, events=events, provenance=provenance)
    return migrated, losses


MIGRATIONS = (
    Migration(OLD, NEW, upgrade, "restamp only: every 1.0.0 record is a valid 1.1.0 record"),
    Migration(
        NEW,
        OLD,
        downgrade,
        "drops event polarity, epistemic sources of non-claimed events and provenance.corpus_version "
        "(refused when any of them holds data, unless loss is allowed)",
    ),
)
