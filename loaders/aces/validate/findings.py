"""Findings are values: where (file, line, document, annotation), what (level, code, severity) and a message.

A finding never carries Python objects from the record, so it can be printed, serialised or compared as is. A
``Report`` counts the findings of a run and keeps them up to ``max_err`` per code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from aces.validate.checks import CHECKS


@dataclass(frozen=True, slots=True)
class Ref:
    """Another position a finding points at, e.g. the first occurrence of a duplicate id."""

    file: str
    line: int
    doc_id: str | None = None
    ann_id: str | None = None

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "doc_id": self.doc_id, "ann_id": self.ann_id}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place; ``level`` and ``severity`` always come from the check registry."""

    file: str
    line: int
    doc_id: str | None
    ann_id: str | None
    level: int
    code: str
    severity: str
    message: str
    refs: tuple[Ref, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict:
        """The JSON-output shape: the eight fixed keys, then ``refs`` (a list, often empty)."""
        return {
            "file": self.file,
            "line": self.line,
            "doc_id": self.doc_id,
            "ann_id": self.ann_id,
            "level": self.level,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "refs": [r.to_dict() for r in self.refs],
        }

    def human(self) -> str:
        """``file:line [ann or doc id] L3 ERROR code: message``, one line."""
        who = self.ann_id or self.doc_id
        tag = f" [{who}]" if who else ""
        return f"{self.file}:{self.line}{tag} L{self.level} {self.severity.upper()} {self.code}: {self.message}"


@dataclass
class Sink:
    """Collects the findings of one record; the level modules report through it by code only."""

    file: str
    line: int
    doc_id: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, message: str, ann_id: str | None = None, refs: tuple[Ref, ...] = ()) -> None:
        check = CHECKS[code]  # a KeyError here is a bug: every code must be declared in checks.py
        self.findings.append(
            Finding(self.file, self.line, self.doc_id, ann_id, check.level, code, check.severity, message, refs)
        )

    def here(self, ann_id: str | None = None) -> Ref:
        return Ref(self.file, self.line, self.doc_id, ann_id)

    def has_errors(self, level: int | None = None) -> bool:
        return any(f.is_error and (level is None or f.level == level) for f in self.findings)


@dataclass
class Report:
    """Counts of every finding, and the findings themselves up to ``max_err`` per code."""

    max_err: int | None = None
    keep: bool = True
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    warnings: int = 0
    files: int = 0
    records: int = 0

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed): the corpus may be released."""
        return self.errors == 0

    @property
    def suppressed(self) -> int:
        """Findings counted but not kept because their code was over ``max_err``."""
        if self.max_err is None:
            return 0
        return sum(max(0, n - self.max_err) for n in self.counts.values())

    def add(self, finding: Finding) -> bool:
        """Count a finding; keep it (and return True) unless its code already reached ``max_err``."""
        self.counts[finding.code] += 1
        if finding.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        shown = self.max_err is None or self.counts[finding.code] <= self.max_err
        if shown and self.keep:
            self.findings.append(finding)
        return shown

    def summary(self) -> str:
        """``PASSED`` or ``FAILED: N errors, M warnings``, then one line per code, then what was checked."""
        if self.errors:
            lines = [f"FAILED: {self.errors} errors, {self.warnings} warnings"]
        elif self.warnings:
            lines = [f"PASSED: 0 errors, {self.warnings} warnings"]
        else:
            lines = ["PASSED"]
        for code in sorted(self.counts, key=lambda c: (CHECKS[c].level, c)):
            check = CHECKS[code]
            lines.append(f"  L{check.level} {check.severity:<7} {code:<28} {self.counts[code]}")
        if self.suppressed:
            lines.append(f"  ({self.suppressed} findings over --max-err {self.max_err} per code not shown)")
        lines.append(f"checked {self.records} records in {self.files} files")
        return "\n".join(lines)
