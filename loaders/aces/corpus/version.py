"""The corpus version: one line in ``corpus/VERSION``, read by the build, the dataset card and ``aces publish``.

The corpus is versioned apart from the schema (``schema_version`` in each record) and from the Python package:
a release of the data bumps this file, and ``aces publish`` tags the Hub revision with it.
"""

from __future__ import annotations

import re
from pathlib import Path

from aces.paths import corpus_dir

UNVERSIONED = "0.0.0+unversioned"
_SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")


class CorpusVersionError(ValueError):
    """``VERSION`` exists but does not hold a version."""


def version_file(corpus: Path | None = None) -> Path:
    return (corpus or corpus_dir()) / "VERSION"


def corpus_version(corpus: Path | None = None) -> str:
    """The version in ``CORPUS/VERSION``; ``0.0.0+unversioned`` when the file is absent (a scratch corpus)."""
    path = version_file(corpus)
    if not path.is_file():
        return UNVERSIONED
    text = path.read_text(encoding="utf-8").strip()
    if not _SEMVER.match(text):
        raise CorpusVersionError(f"{path} holds {text!r}; write a version such as 0.1.0 (MAJOR.MINOR.PATCH) there")
    return text
