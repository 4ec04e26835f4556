"""1.1.0 ⇄ 1.2.0 (a MINOR change, schema/CHANGELOG.md).

1.2.0 adds sentences (required), a licence in the provenance (required), and optional attribution, source file,
annotation status and two segment types (``dateline``, ``byline``). The upgrade derives what is required from the
record alone and guesses nothing: sentences from the rule-based splitter (``aces.corpus.sentences``, keeping every
mention and trigger whole) and the licence ``unknown`` (a 1.1.0 record says nothing of its terms). The annotation
status stays unset (the validator asks for one on a gold record). The downgrade drops what 1.1.0 cannot hold; it
loses nothing when the sentences are the splitter's and the licence is ``unknown`` with no other addition.
"""

from __future__ import annotations

import msgspec

from aces import record as rec
from aces.corpus.sentences import sentences_of
from aces.versions.migrations.base import Loss, Migration

OLD, NEW = "1.1.0", "1.2.0"
UNKNOWN_LICENSE = "unknown"
"""The licence of a record that never recorded one (labels.json ``licenses``)."""
NEW_SEGMENT_TYPES = {"dateline": "paragraph", "byline": "paragraph"}
"""1.2.0 segment types → the 1.1.0 type a downgrade writes instead (reported as a loss)."""


def upgrade(record: rec.Record) -> tuple[rec.Record, list[Loss]]:
    """Restamp, add the splitter's sentences and the licence ``unknown``."""
    stamped = msgspec.structs.replace(record, schema_version=NEW)
    provenance = msgspec.structs.replace(record.provenance, license=UNKNOWN_LICENSE)
    return msgspec.structs.replace(stamped, provenance=provenance, sentences=sentences_of(stamped)), []


def downgrade(record: rec.Record) -> tuple[rec.Record, list[Loss]]:
    """Drop sentences, status, licence, attribution and source file; retype datelines and bylines as paragraphs.
    Each value that is more than what the upgrade would derive is reported."""
    losses: list[Loss] = []
    doc = record.id
    if record.sentences is not msgspec.UNSET and record.sentences != sentences_of(record):
        shown = ", ".join(f"{s.id} [{s.start}, {s.end})" for s in record.sentences[:3])
        losses.append(Loss(doc, doc, "sentences", f"{len(record.sentences)} sentences: {shown}, …"))
    if record.annotation_status is not msgspec.UNSET:
        losses.append(Loss(doc, doc, "annotation_status", str(record.annotation_status)))
    provenance = record.provenance
    if provenance.license not in (msgspec.UNSET, UNKNOWN_LICENSE):
        losses.append(Loss(doc, "provenance", "provenance.license", str(provenance.license)))
    for name in ("attribution", "source_file"):
        value = getattr(provenance, name)
        if value is not msgspec.UNSET:
            shown = value if isinstance(value, str) else msgspec.json.encode(value).decode()
            losses.append(Loss(doc, "provenance", f"provenance.{name}", shown))
    provenance = msgspec.structs.replace(
        provenance, license=msgspec.UNSET, attribution=msgspec.UNSET, source_file=msgspec.UNSET
    )
    segments = []
    for seg in record.segments:
        if seg.type in NEW_SEGMENT_TYPES:
            losses.append(Loss(doc, seg.id, "type", seg.type))
            seg = msgspec.structs.replace(seg, type=NEW_SEGMENT_TYPES[seg.type])
        segments.append(seg)
    migrated = msgspec.structs.replace(
        record,
        schema_version=OLD,
        provenance=provenance,
        segments=tuple(segments),
        sentences=msgspec.UNSET,
        annotation_status=msgspec.UNSET,
    )
    return migrated, losses


MIGRATIONS = (
    Migration(
        OLD, NEW, upgrade, "adds the splitter's sentences (mentions and triggers kept whole) and licence unknown"
    ),
    Migration(
        NEW,
        OLD,
        downgrade,
        "drops sentences, annotation status, licence, attribution and source file, retypes datelines and bylines "
        "as paragraphs (refused when any of them holds more than the upgrade derives, unless loss is allowed)",
    ),
)
