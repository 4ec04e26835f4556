"""The ACES validator: five levels of checks over JSONL records, findings as values, a registry of test ids.

``validate(paths)`` returns a ``Report``; ``aces validate PATH...`` prints it. Levels live in
``level1_file`` … ``level5_corpus``, the test ids in ``checks``; ``docs/CHECKS.md`` is generated from them.

Note: ``aces.validate`` at the package root is this function, so import the subpackage's parts with
``from aces.validate import ...`` (not ``import aces.validate as ...``).
"""

from aces.validate.checks import CHECKS, Check
from aces.validate.findings import Finding, Ref
from aces.validate.runner import PathProblem, Report, collect_files, iter_findings, validate

__all__ = ["CHECKS", "Check", "Finding", "PathProblem", "Ref", "Report", "collect_files", "iter_findings", "validate"]
