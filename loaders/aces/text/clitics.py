"""ACES's Arabic tokenizer: spaCy's blank Arabic tokens with the proclitics split off, never looking at annotations.

spaCy's blank Arabic tokenizer handles punctuation, quotes, digits, emoji and Latin well but keeps proclitics
attached (``ولبنان``, ``بالدولار``), so a name after «و» is not a token. Each of its tokens is split further, as
UD Arabic-PADT segments words: a conjunction (``و``/``ف``), then a preposition (``ب``/``ل``, or ``ك`` before the
article), the article ``ال`` staying on its noun (``بالدولار`` → ``ب`` + ``الدولار``; ``للحكومة`` → ``ل`` +
``لحكومة``, PADT's ``ل`` + ``الحكومة`` as far as a substring can say it). Words that only look like clitic + word
(``وزير``, ``بغداد``, ``لبنان``) are listed in ``arabic_clitics.json``, which also holds the rule's letters:
data, derived from the corpus text by ``scripts/make_clitic_lexicon.py`` (how is in that file).

Offsets are ``[start, end)`` in Python code points of the (NFC) text. ``aces.tokenize`` (``aces.offsets``) is the
plain function for Hugging Face users; spaCy pipelines get the same tokens from the registered
``aces.arabic_clitics.v1`` (``[nlp.tokenizer] @tokenizers = "aces.arabic_clitics.v1"``), so a model trained on the
export sees at inference exactly the tokens it was trained on.
"""

from __future__ import annotations

import itertools
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import spacy

if TYPE_CHECKING:
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

REGISTRY_NAME = "aces.arabic_clitics.v1"
LEXICON = Path(__file__).with_name("arabic_clitics.json")


@dataclass(frozen=True)
class Rules:
    """The splitting rule's data (``arabic_clitics.json``)."""

    conjunctions: frozenset[str]
    prepositions: frozenset[str]
    article_prepositions: frozenset[str]
    """Split only before the article (``ك``: «كان», «كما», «كل» are words of their own far more often)."""
    article: str
    pronouns: frozenset[str]
    """A preposition before one of these is split even though the rest is short (``له`` → ``ل`` + ``ه``)."""
    min_rest: int
    not_clitic: frozenset[str]


@cache
def rules() -> Rules:
    data = json.loads(LEXICON.read_text(encoding="utf-8"))
    return Rules(
        frozenset(data["conjunctions"]),
        frozenset(data["prepositions"]),
        frozenset(data["article_prepositions"]),
        data["article"],
        frozenset(data["pronouns"]),
        int(data["min_rest"]),
        frozenset(data["not_clitic"]),
    )


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


TATWEEL = "\u0640"


def _proclitic_cuts(word: str) -> list[int]:
    """Where a conjunction and then a preposition end at the start of ``word`` (no punctuation at its edges)."""
    r = rules()
    if len(word) < 2 or word in r.not_clitic:
        return []
    cuts: list[int] = []
    i = 0
    if word[0] in r.conjunctions and (len(word) - 1 >= r.min_rest or word[1].isdigit()):
        i = 1
        cuts.append(1)
    rest = word[i:]
    if rest and rest[0] in r.prepositions | r.article_prepositions and rest not in r.not_clitic:
        tail = rest[1:]
        if rest[0] in r.article_prepositions:
            split = tail.startswith(r.article) and len(tail) > len(r.article)
        else:
            split = (len(tail) >= r.min_rest and _is_letter(tail[0])) or tail in r.pronouns
        if split:
            i += 1
            while i < len(word) - 1 and word[i] == TATWEEL:  # ``لـ``: the tatweel stays with its letter
                i += 1
            cuts.append(i)
    if cuts and i < len(word) and _is_punct(word[i]):  # ``و"داعش``: the quote after the clitic stands alone
        j = i
        while j < len(word) and _is_punct(word[j]):
            j += 1
        if j < len(word):
            cuts.append(j)
    return cuts


def clitic_cuts(word: str) -> tuple[int, ...]:
    """Offsets inside ``word`` (one token of spaCy's tokenizer) where ACES splits it further; empty for most words.

    Punctuation left at either edge (spaCy keeps ``الأفغانية".``, ``2002.``, ``»الت`` whole) stands alone, one
    character each; then ``_proclitic_cuts`` on what is between. A token of punctuation only is left as it is.
    """
    n = len(word)
    lead = 0
    while lead < n and _is_punct(word[lead]):
        lead += 1
    if lead == n:
        return ()
    trail = n
    while _is_punct(word[trail - 1]):
        trail -= 1
    cuts = [*range(1, lead + 1), *(lead + c for c in _proclitic_cuts(word[lead:trail])), *range(trail, n)]
    return tuple(sorted({c for c in cuts if 0 < c < n}))


_CUTS: dict[int, tuple[int, ...]] = {}
"""``clitic_cuts`` by the word's hash in spaCy's string store (the same for every vocab): words repeat."""


def _cuts_of(orth: int, strings: Any) -> tuple[int, ...]:
    cuts = _CUTS.get(orth)
    if cuts is None:
        cuts = _CUTS[orth] = clitic_cuts(strings[orth])
    return cuts


def split_table(table: np.ndarray, strings: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, ends)`` of the clitic tokens, from a base tokenizer's ``to_array([IDX, LENGTH, ORTH])`` rows.

    One ``clitic_cuts`` per distinct word (cached across calls), then array steps: no loop over characters and
    only a dict look-up per distinct word of the batch.
    """
    import numpy as np

    starts = table[:, 0].astype(np.int64)
    lengths = table[:, 1].astype(np.int64)
    if not len(table):
        return starts, starts + lengths
    orths, inverse = np.unique(table[:, 2], return_inverse=True)
    per_word = [_cuts_of(int(o), strings) for o in orths.tolist()]
    counts = np.array([len(c) for c in per_word], np.int64)
    if not counts.any():
        return starts, starts + lengths
    flat = np.fromiter((c for cuts in per_word for c in cuts), np.int64, count=int(counts.sum()))
    word_first = np.cumsum(counts) - counts
    n_cuts = counts[inverse]  # cuts of each token
    token_rows = np.repeat(np.arange(len(table)), n_cuts)
    within = np.arange(int(n_cuts.sum())) - np.repeat(np.cumsum(n_cuts) - n_cuts, n_cuts)
    cuts = starts[token_rows] + flat[word_first[inverse[token_rows]] + within]
    new_starts = np.sort(np.concatenate([starts, cuts]))
    ends = starts + lengths
    new_ends = np.sort(np.concatenate([ends, cuts]))
    return new_starts, new_ends


class CliticTokenizer:
    """A spaCy tokenizer: the language's own rules, then ``clitic_cuts`` on each token (see the module docstring).

    Serialises as the inner tokenizer does; the clitic rule is the package's data, not the pipeline's.
    """

    def __init__(self, vocab: Vocab, base: Any) -> None:
        self.vocab = vocab
        self.base = base

    def __call__(self, text: str) -> Doc:
        from spacy.attrs import IDX, LENGTH, ORTH
        from spacy.tokens import Doc

        doc = self.base(text)
        if not len(doc):
            return doc
        table = doc.to_array([IDX, LENGTH, ORTH]).reshape(-1, 3)
        strings = self.vocab.strings
        if not any(_cuts_of(int(o), strings) for o in table[:, 2].tolist()):
            return doc
        words: list[str] = []
        spaces: list[bool] = []
        for token in doc:
            cuts = _cuts_of(token.orth, strings)
            if not cuts:
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
                continue
            edges = [0, *cuts, len(token.text)]
            words += [token.text[a:b] for a, b in itertools.pairwise(edges)]
            spaces += [False] * len(cuts) + [bool(token.whitespace_)]
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.base.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs: Any) -> CliticTokenizer:
        self.base.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        self.base.to_disk(path, **kwargs)

    def from_disk(self, path: Any, **kwargs: Any) -> CliticTokenizer:
        self.base.from_disk(path, **kwargs)
        return self


@spacy.registry.tokenizers(REGISTRY_NAME)
def create_clitic_tokenizer() -> Any:
    """``[nlp.tokenizer] @tokenizers = "aces.arabic_clitics.v1"``: spaCy's default tokenizer, clitics split."""
    make_base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language) -> CliticTokenizer:
        return CliticTokenizer(nlp.vocab, make_base(nlp))

    return make


@cache
def nlp() -> Language:
    """A blank Arabic pipeline whose tokenizer is ``aces.arabic_clitics.v1``."""
    return spacy.blank("ar", config={"nlp": {"tokenizer": {"@tokenizers": REGISTRY_NAME}}})
