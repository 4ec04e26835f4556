"""The registry of schema migrations: one ``Migration`` per (from, to) pair, found by ``aces.versions.migrate``.

A migration turns a record of one schema version into a record of another and says what, if anything, it had
to drop. Each module here holds the migrations between two adjacent versions (the upgrade and, where it can be
written, its inverse); ``MIGRATIONS`` lists them all. Adding a version means adding a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aces import record as rec


@dataclass(frozen=True)
class Loss:
    """One value a migration could not carry into the target version."""

    doc_id: str
    where: str
    """The annotation id that held it (an event id), or ``provenance``."""
    field: str
    """Dotted field name in the record's JSON, e.g. ``polarity``, ``epistemic.source``."""
    value: str

    def __str__(self) -> str:
        where = "" if self.where == self.doc_id else f" {self.where}"
        return f"{self.doc_id}{where}: {self.field} = {self.value!r}"


Step = Callable[[rec.Record], tuple[rec.Record, list[Loss]]]


@dataclass(frozen=True)
class Migration:
    """``source`` → ``target``: ``step`` returns the migrated record (stamped ``target``) and what it dropped."""

    source: str
    target: str
    step: Step
    summary: str
    """One line for ``aces migrate --list`` and error messages: what the migration does to a record."""


def _registry() -> dict[tuple[str, str], Migration]:
    from aces.versions.migrations import v1_0_0_to_1_1_0

    found = [*v1_0_0_to_1_1_0.MIGRATIONS]
    registry: dict[tuple[str, str], Migration] = {}
    for migration in found:
        key = (migration.source, migration.target)
        if key in registry:
            raise RuntimeError(f"two migrations registered for {key[0]} -> {key[1]}")
        registry[key] = migration
    return registry


MIGRATIONS: dict[tuple[str, str], Migration] = _registry()
