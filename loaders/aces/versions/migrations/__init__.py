"""The registry of schema migrations: one ``Migration`` per (from, to) pair, found by ``aces.versions.migrate``.

A migration turns a record of one schema version into a record of another and says what, if anything, it had
to drop. Each module here holds the migrations between two adjacent versions (the upgrade and, where it can be
written, its inverse); ``MIGRATIONS`` lists them all. Adding a version means adding a module and one line here.
"""

from __future__ import annotations

from aces.versions.migrations import v1_0_0_to_1_1_0, v1_1_0_to_1_2_0, v1_2_0_to_1_3_0
from aces.versions.migrations.base import Loss, Migration, Step

__all__ = ["MIGRATIONS", "Loss", "Migration", "Step"]


def _registry() -> dict[tuple[str, str], Migration]:
    found = [*v1_0_0_to_1_1_0.MIGRATIONS, *v1_1_0_to_1_2_0.MIGRATIONS, *v1_2_0_to_1_3_0.MIGRATIONS]
    registry: dict[tuple[str, str], Migration] = {}
    for migration in found:
        key = (migration.source, migration.target)
        if key in registry:
            raise RuntimeError(f"two migrations registered for {key[0]} -> {key[1]}")
        registry[key] = migration
    return registry


MIGRATIONS: dict[tuple[str, str], Migration] = _registry()
