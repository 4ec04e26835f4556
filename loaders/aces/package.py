"""The version of the ``aces-corpus`` distribution, for ``aces.__version__``.

In a source checkout the ``pyproject.toml`` beside ``loaders/`` is the truth (an installed copy's metadata may be of
another checkout, e.g. an editable install elsewhere); an installed wheel has only its metadata.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

DISTRIBUTION = "aces-corpus"


def version() -> str:
    """``project.version`` of the checkout's ``pyproject.toml``, else the installed distribution's version."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION and "version" in project:
            return str(project["version"])
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"
