"""How to cite the corpus: ``corpus/CITATION.cff`` (Citation File Format) as the card's BibTeX entry and the
Croissant ``creator``/``url``/``datePublished``.

The citation data lives beside the corpus, in a format GitHub and Zenodo read, so it is written once; the version
is the corpus's own (``corpus/VERSION``), so a release never has two version numbers to keep in step.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

FILENAME = "CITATION.cff"


class CitationError(ValueError):
    """``CITATION.cff`` is unreadable or lacks a field the card needs; the message names the file and field."""


@dataclass(frozen=True)
class Citation:
    title: str
    authors: tuple[str, ...]
    """Display names: an entity's ``name``, or ``given-names family-names`` of a person."""
    persons: tuple[bool, ...]
    """Whether each author is a person (Croissant ``sc:Person``) rather than an organisation."""
    date: str
    """``date-released`` as ``YYYY-MM-DD``."""
    url: str

    @property
    def year(self) -> str:
        return self.date[:4]

    def bibtex(self, version: str) -> str:
        """A ``@misc`` entry with author, title, year, version and url (entities braced so BibTeX keeps them)."""
        authors = " and ".join(
            name if person else "{" + name + "}" for name, person in zip(self.authors, self.persons, strict=True)
        )
        return "\n".join(
            [
                f"@misc{{aces_{self.year}_{version.replace('.', '_')},",
                f"  author = {{{authors}}},",
                f"  title = {{{{{self.title}}}}},",
                f"  year = {{{self.year}}},",
                f"  version = {{{version}}},",
                f"  url = {{{self.url}}},",
                "}",
            ]
        )


def read_citation(corpus: Path) -> Citation | None:
    """The citation of ``corpus`` (``corpus/CITATION.cff``), None when the corpus has none."""
    import yaml

    path = Path(corpus) / FILENAME
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise CitationError(f"{path}: not valid YAML ({err})") from None
    if not isinstance(data, dict):
        raise CitationError(f"{path}: expected a mapping of Citation File Format fields")
    missing = [key for key in ("title", "authors", "date-released", "url") if not data.get(key)]
    if missing:
        raise CitationError(f"{path}: missing {', '.join(missing)}")
    names, persons = [], []
    for author in data["authors"]:
        person = " ".join(str(author[k]) for k in ("given-names", "family-names") if author.get(k))
        if not (person or author.get("name")):
            raise CitationError(f"{path}: an author has neither name nor given-names/family-names")
        names.append(person or str(author["name"]))
        persons.append(bool(person))
    released = data["date-released"]
    if isinstance(released, str):
        try:
            released = datetime.date.fromisoformat(released)
        except ValueError:
            raise CitationError(f"{path}: date-released {released!r} is not YYYY-MM-DD") from None
    return Citation(str(data["title"]), tuple(names), tuple(persons), released.isoformat(), str(data["url"]))
