"""1.2.0 ⇄ 1.3.0 (a MINOR change, schema/CHANGELOG.md).

1.3.0 adds labels only: the entity types ``VEH`` and ``MONEY``, the ACE 2005 event types the newswire documents
need (Personnel, Justice, Transaction, Business, Conflict.Demonstrate, Contact.Phone-Write), each with its roles,
vehicles where roles admit things (a Transport's ``Vehicle``, ``VEH`` instruments), and claims whose claimant the
text does not name (``epistemic_source``: claimed → optional). Every 1.2.0 record is a
1.3.0 record meaning the same, so the upgrade only restamps it. The downgrade drops what uses a 1.3.0 label:
mentions and clusters of a new entity type, events of a new event type, arguments in a role 1.2.0 lacks, and
then every argument, source, holder or target that pointed at them (a claim without a claimant, or whose
claimant goes, goes too; a stance that loses its holder or target is dropped whole). Each is a loss.
"""

from __future__ import annotations

import msgspec

from aces import record as rec
from aces.schema import labels
from aces.versions.migrations.base import Loss, Migration

OLD, NEW = "1.2.0", "1.3.0"


def upgrade(record: rec.Record) -> tuple[rec.Record, list[Loss]]:
    """Restamp: a 1.2.0 record is already a 1.3.0 record that uses none of the new labels."""
    return msgspec.structs.replace(record, schema_version=NEW), []


def downgrade(record: rec.Record) -> tuple[rec.Record, list[Loss]]:
    """Drop every annotation that uses a label 1.2.0 lacks, and every reference to it; an event whose required
    source (a claim's claimant) is dropped goes too, and so on until nothing points at a dropped annotation."""
    old = labels(OLD)
    doc, losses = record.id, []
    gone = {m.id for m in record.entities if m.type not in old.entity_types}
    gone |= {c.id for c in record.clusters if c.type not in old.entity_types}
    for m in record.entities:
        if m.id in gone:
            losses.append(Loss(doc, m.id, "type", f"{m.type} mention {m.text!r}"))
    events = {e.id: e for e in record.events}
    for e in record.events:
        if e.type not in old.event_types:
            gone.add(e.id)
            losses.append(Loss(doc, e.id, "type", f"{e.type} event {e.trigger.text!r}"))
    required = {status for status, rule in old.epistemic_source.items() if rule == "required"}
    for e in record.events:  # a claim with no claimant is 1.3.0's; 1.2.0 requires the source
        if e.id not in gone and e.epistemic.source is None and e.epistemic.status in required:
            gone.add(e.id)
            losses.append(Loss(doc, e.id, "epistemic.source", f"{e.epistemic.status} event with no source"))
    changed = True
    while changed:  # a dropped claimant drops its claim, which may be another event's Content
        changed = False
        for e in events.values():
            if e.id not in gone and e.epistemic.source in gone and e.epistemic.status in required:
                gone.add(e.id)
                losses.append(Loss(doc, e.id, "epistemic.source", f"{e.epistemic.source} (the claim goes too)"))
                changed = True
    kept_events = []
    for e in record.events:
        if e.id in gone:
            continue
        roles = old.roles(e.type)
        for a in e.arguments:
            if a.ref in gone or a.role not in roles:
                losses.append(Loss(doc, e.id, "arguments", f"{a.role} -> {a.ref}"))
        epistemic = e.epistemic
        if epistemic.source in gone:
            losses.append(Loss(doc, e.id, "epistemic.source", str(epistemic.source)))
            epistemic = msgspec.structs.replace(epistemic, source=None)
        arguments = tuple(a for a in e.arguments if a.ref not in gone and a.role in roles)
        kept_events.append(msgspec.structs.replace(e, arguments=arguments, epistemic=epistemic))
    stances = []
    for s in record.stances:
        refs = [getattr(s.holder, "ref", None), getattr(s.target, "ref", None)]
        if any(r in gone for r in refs if r is not None):
            losses.append(Loss(doc, s.id, "stance", "its holder or target was dropped"))
        else:
            stances.append(s)
    migrated = msgspec.structs.replace(
        record,
        schema_version=OLD,
        entities=tuple(m for m in record.entities if m.id not in gone),
        clusters=tuple(c for c in record.clusters if c.id not in gone),
        events=tuple(kept_events),
        stances=tuple(stances),
    )
    return migrated, losses


MIGRATIONS = (
    Migration(OLD, NEW, upgrade, "restamp only: every 1.2.0 record is a valid 1.3.0 record"),
    Migration(
        NEW,
        OLD,
        downgrade,
        "drops VEH and MONEY mentions, events of the 1.3.0 event types, arguments in 1.3.0 roles and every "
        "reference to them (refused when any is present, unless loss is allowed)",
    ),
)
