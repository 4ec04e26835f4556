"""ACES: the Arabic Corpus of Entities, Events and Stance."""

from aces.convert.spacy_docbin import from_spacy, to_spacy
from aces.evaluate import score
from aces.hf.dataset import load, load_arrow, load_pandas, read_corpus
from aces.offsets import tokenize
from aces.package import version as _package_version
from aces.record import Record, from_json, read_jsonl, to_json
from aces.schema import CURRENT_VERSION
from aces.validate import validate

__version__ = _package_version()
"""The ``aces-corpus`` distribution's version (``pyproject.toml``), not the corpus's (``corpus/VERSION``)."""

__all__ = [
    "CURRENT_VERSION",
    "Record",
    "__version__",
    "from_json",
    "from_spacy",
    "load",
    "load_arrow",
    "load_pandas",
    "read_corpus",
    "read_jsonl",
    "score",
    "to_json",
    "to_spacy",
    "tokenize",
    "validate",
]
