"""The house style is checked, not hoped for: ruff lint and format over the package, tests, benchmarks and examples."""

import subprocess
import sys

from aces.paths import repo_root


def test_ruff_lint_and_format_are_clean() -> None:
    root = repo_root()
    targets = [p for p in ("loaders", "tests", "benchmarks", "examples") if (root / p).exists()]
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", *targets], cwd=root, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *targets], cwd=root, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
