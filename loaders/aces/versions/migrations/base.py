"""What a migration is (``Migration``) and what it reports dropping (``Loss``): the types every migration module and
the registry in ``__init__`` share, kept apart so that the modules need not import the registry."""

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
