"""Move records between schema versions: ``aces migrate PATH... --to X.Y.Z``.

Each record is migrated from the version it is stamped with, through the registered migrations
(``aces.versions.migrations``), one step per adjacent pair of versions, and restamped. A file is planned in
memory first and only written if every record of every file given passed all of these:

- the input is valid as what it is stamped (the validator, all levels), so decoding it loses nothing;
- the migration drops nothing, or the caller allowed loss (and gets the list of what was dropped);
- the result is valid as the target version (the validator again, on the exact bytes to be written).

Then each changed file is replaced atomically (``aces.atomic``): a crash or an error leaves the old
bytes. Lines already at the target keep their exact bytes; migrated lines are written by ``aces.record`` in
canonical form, so a canonical file migrated up and back down is byte-identical to what it was.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aces import record as rec
from aces.atomic import replace_bytes
from aces.schema import known_versions
from aces.validate.findings import Finding
from aces.validate.level3_refs import corpus_dir_of
from aces.validate.runner import Validation, collect_files
from aces.versions.migrations import MIGRATIONS, Loss, Migration

_SHOWN_FINDINGS = 5


class MigrationError(Exception):
    """A migration cannot be done; the message says which file, record and field, and what to do."""


class LossRefused(MigrationError):
    """The migration would drop data the target version cannot hold, and loss was not allowed."""

    def __init__(self, message: str, losses: list[Loss]) -> None:
        super().__init__(message)
        self.losses = losses


def route(source: str, target: str) -> list[Migration]:
    """The shortest chain of registered migrations from ``source`` to ``target`` (empty when they are equal)."""
    if source == target:
        return []
    known = known_versions()
    for version, role in ((source, "stamped"), (target, "target")):
        if version not in known:
            raise MigrationError(f"{role} version {version!r} is not a schema version here (known: {', '.join(known)})")
    previous: dict[str, Migration] = {}
    queue = deque([source])
    seen = {source}
    while queue:
        here = queue.popleft()
        for (a, b), migration in sorted(MIGRATIONS.items()):
            if a == here and b not in seen:
                seen.add(b)
                previous[b] = migration
                queue.append(b)
    if target not in previous:
        registered = ", ".join(f"{a}->{b}" for a, b in sorted(MIGRATIONS)) or "none"
        raise MigrationError(f"no migration path from {source} to {target} (registered: {registered})")
    chain: list[Migration] = []
    at = target
    while at != source:
        chain.append(previous[at])
        at = previous[at].source
    return chain[::-1]


def migrate_record(record: rec.Record, target: str) -> tuple[rec.Record, list[Loss]]:
    """``record`` restamped as ``target`` through every step of the route, with everything the steps dropped."""
    losses: list[Loss] = []
    for migration in route(record.schema_version, target):
        record, dropped = migration.step(record)
        if record.schema_version != migration.target:
            raise MigrationError(f"migration {migration.source}->{migration.target} did not restamp {record.id}")
        losses += dropped
    return record, losses


# ---------------------------------------------------------------- files


@dataclass
class FilePlan:
    """What migrating one file would do; ``data`` is exactly what would be written."""

    path: Path
    target: str
    original: bytes
    data: bytes
    records: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    """Records migrated, by the version they were stamped with (records already at the target are not counted)."""
    losses: list[Loss] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.data != self.original

    @property
    def migrated(self) -> int:
        return sum(self.sources.values())

    def describe(self) -> str:
        if not self.changed:
            return f"{self.path}: {self.records} record(s), already {self.target}, unchanged"
        moves = ", ".join(f"{n} {v} -> {self.target}" for v, n in sorted(self.sources.items()))
        return f"{self.path}: {self.records} record(s): {moves}"


def _errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


def _listed(findings: list[Finding]) -> str:
    shown = [
        f"  line {f.line} {f'[{f.ann_id or f.doc_id}] ' if (f.ann_id or f.doc_id) else ''}{f.code}: {f.message}"
        for f in findings[:_SHOWN_FINDINGS]
    ]
    if len(findings) > _SHOWN_FINDINGS:
        shown.append(f"  ... and {len(findings) - _SHOWN_FINDINGS} more")
    return "\n".join(shown)


def _lines(data: bytes) -> list[tuple[bytes, bytes]]:
    """``(content, line ending)`` pairs; the ending is kept so untouched lines are rewritten byte for byte."""
    out = []
    for raw in data.splitlines(keepends=True):
        body = raw.rstrip(b"\r\n")
        out.append((body, raw[len(body) :]))
    return out


def plan_file(path: Path, target: str, allow_loss: bool = False) -> FilePlan:
    """Migrate one file in memory; raises ``MigrationError`` (or ``LossRefused``) if it must not be written."""
    path = Path(path)
    try:
        original = path.read_bytes()
    except OSError as err:
        raise MigrationError(f"{path}: cannot read ({err.strerror})") from err
    plan = FilePlan(path, target, original, original)
    corpus = corpus_dir_of(path)
    lines = _lines(original)
    migrated: list[bytes] = []
    checked_in, checked_out = Validation(), Validation()
    errors_in: list[Finding] = []
    errors_out: list[Finding] = []
    for number, (body, ending) in enumerate(lines, start=1):
        errors_in += _errors(checked_in.check_line(body + ending, str(path), number, corpus))
        if errors_in:
            migrated.append(body)
            continue
        record = rec.from_json(body)
        plan.records += 1
        if record.schema_version == target:
            migrated.append(body)
            continue
        try:
            new, losses = migrate_record(record, target)
        except MigrationError as err:
            raise MigrationError(f"{path}:{number} ({record.id}): {err}") from err
        plan.sources[record.schema_version] += 1
        plan.losses += losses
        line = rec.to_json(new).encode("utf-8")
        errors_out += _errors(checked_out.check_line(line + ending, str(path), number, corpus))
        migrated.append(line)
    if errors_in:
        raise MigrationError(
            f"{path}: not valid as stamped ({len(errors_in)} error(s)); a migration starts from a valid file, so fix "
            f"these first (aces validate {path}):\n{_listed(errors_in)}"
        )
    if plan.losses and not allow_loss:
        listed = "\n".join(f"  {loss}" for loss in plan.losses)
        raise LossRefused(
            f"{path}: migrating to {target} would drop {len(plan.losses)} value(s) that {target} cannot hold:\n"
            f"{listed}\nkeep the file at its version, or pass --allow-loss to drop them",
            plan.losses,
        )
    if errors_out:
        raise MigrationError(
            f"{path}: the migrated records are not valid {target} ({len(errors_out)} error(s)); nothing was written. "
            f"This is a bug in the migration; please report it with the file:\n{_listed(errors_out)}"
        )
    plan.data = b"".join(body + ending for body, (_, ending) in zip(migrated, lines, strict=True))
    return plan


def write_plan(plan: FilePlan) -> bool:
    """Replace the file with the planned bytes (atomically); False when there was nothing to change."""
    if not plan.changed:
        return False
    replace_bytes(plan.path, plan.data)
    return True


@dataclass
class Outcome:
    """The plans of every file (in order), the files refused, and whether anything was written."""

    plans: list[FilePlan] = field(default_factory=list)
    refused: list[MigrationError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def migrate_paths(
    paths: Iterable[str | Path], target: str, *, dry_run: bool = False, allow_loss: bool = False
) -> Outcome:
    """Plan every file under ``paths``; write the changed ones only if none was refused and not ``dry_run``.

    A write that fails (disk full, permissions) leaves that file as it was and stops; it is reported in
    ``refused`` and the files written before it are in ``written``.

    Raises ``MigrationError`` for an unknown target and ``aces.validate.PathProblem`` for a path with no JSONL.
    """
    if target not in known_versions():
        raise MigrationError(f"--to {target}: not a schema version here (known: {', '.join(known_versions())})")
    outcome = Outcome()
    for path in collect_files(paths):
        try:
            outcome.plans.append(plan_file(path, target, allow_loss))
        except MigrationError as err:
            outcome.refused.append(err)
    if outcome.ok and not dry_run:
        for plan in outcome.plans:
            try:
                if write_plan(plan):
                    outcome.written.append(plan.path)
            except OSError as err:  # the file keeps its old bytes; the ones before it are already written
                reason = err.strerror or str(err)
                outcome.refused.append(MigrationError(f"{plan.path}: cannot write ({reason}); the file is unchanged"))
                break
    return outcome


__all__ = [
    "FilePlan",
    "Loss",
    "LossRefused",
    "MigrationError",
    "Outcome",
    "migrate_paths",
    "migrate_record",
    "plan_file",
    "route",
    "write_plan",
]
