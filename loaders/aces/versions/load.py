"""Read one side of a comparison (a JSONL file or a directory) without stopping at a bad line.

A comparison is only useful if it says what it could not read, so a malformed line or a repeated document
id becomes a ``Problem`` (file, line, what is wrong) and the rest of the side is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from aces import record as rec


class SideError(Exception):
    """A side cannot be read at all (missing path, no JSONL files, unreadable file)."""


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass
class Side:
    """The records of one side, in file order, and what could not be read."""

    path: str
    records: list[rec.Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def side_files(path: Path) -> list[Path]:
    """``path`` itself if a file; ``path/gold/*.jsonl`` if ``path/gold/`` exists; else every ``*.jsonl`` below."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise SideError(f"{path}: no such file or directory")
    gold = path / "gold"
    files = sorted(gold.glob("*.jsonl")) if gold.is_dir() else sorted(path.rglob("*.jsonl"))
    if not files:
        where = f"{gold}/*.jsonl" if gold.is_dir() else f"{path}/**/*.jsonl"
        raise SideError(f"{path}: no JSONL files ({where} matched nothing)")
    return files


def read_side(path: str | Path) -> Side:
    """Read every record under ``path``; malformed lines and repeated ids are recorded, not raised.

    Raises ``SideError`` when the path has nothing to read or a file cannot be opened or decoded as UTF-8.
    """
    path = Path(path)
    side = Side(str(path))
    seen: dict[str, str] = {}
    for file in side_files(path):
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise SideError(f"{file}: cannot read ({err})") from err
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{file}:{number}"
            try:
                record = rec.from_json(line)
            except (msgspec.ValidationError, msgspec.DecodeError) as err:
                side.problems.append(Problem(str(file), number, f"not a valid record, line skipped ({err})"))
                continue
            if record.id in seen:
                side.problems.append(
                    Problem(str(file), number, f"document {record.id} already read at {seen[record.id]}, skipped")
                )
                continue
            seen[record.id] = where
            side.records.append(record)
    return side
