"""Regenerate ``loaders/aces/text/arabic_clitics.json``: the rule's letters and the words that are not clitic + word.

How the lexicon is made (from the corpus *text* only: no annotation, no treebank segmentation is read):

1. Tokenize every gold document's text with spaCy's blank Arabic tokenizer; count each word.
2. A word (three letters or more) that starts with a conjunction or preposition letter is listed (not clitic +
   word) when its rest is not attested: not a word of the corpus, alone or after the article, with or without
   one common suffix leaving three letters (``وزير``: no ``زير``; ``بموجبه`` is not listed: ``موجب`` is
   attested), and the corpus shows the word as a word of its own: three times or more, or (it or it without a
   suffix) after the article or a proclitic (``الوزير``). A name seen once after ``و`` (``وفرياب``) is left to
   the rule, which splits.
3. Never listed: the article after the letter, ``لل`` (``ل`` before the article), ``و`` before ``ي`` or ``ت``
   (verbs, verbal nouns: ``ويكرر``, ``وتحييد``). For a conjunction + listed word (``وبغداد``), the inner word
   is listed.

Usage: ``PYTHONPATH=loaders python scripts/make_clitic_lexicon.py`` (writes the file atomically).
"""

from __future__ import annotations

import json
from collections import Counter

import spacy

from aces.atomic import replace_bytes
from aces.paths import gold_files
from aces.record import read_jsonl
from aces.text.clitics import LEXICON

CONJUNCTIONS, PREPOSITIONS, ARTICLE_PREPOSITIONS, ARTICLE = "وف", "بل", "ك", "ال"
PRONOUNS = ["ه", "ها", "هم", "هما", "هن", "ي", "ك", "كم", "كما", "نا"]
MIN_REST = 2
SUFFIXES = ("ة", "ات", "ا", "ي", "ين", "ون", "ان", "ه", "ها", "هم", "هما", "نا")


def words() -> Counter[str]:
    tokenizer = spacy.blank("ar").tokenizer
    counts: Counter[str] = Counter()
    for path in gold_files():
        for record in read_jsonl(path):
            counts.update(t.text for t in tokenizer(record.text) if t.text.isalpha())
    return counts


def main() -> None:
    counts = words()

    def forms(word: str) -> list[str]:
        """The word and the word without one common suffix (``وزيرا`` → ``وزير``; ``فيه`` → ``في``)."""
        return [word] + [word[: -len(s)] for s in SUFFIXES if word.endswith(s) and len(word) - len(s) >= 3]

    def attested(rest: str) -> bool:
        """``rest`` (or it without a suffix) is a word of the corpus, alone or after the article."""
        if rest.startswith(ARTICLE):
            return True
        return any(len(f) >= MIN_REST and (f in counts or ARTICLE + f in counts) for f in forms(rest))

    def whole(word: str) -> bool:
        """``word`` only looks like clitic + word."""
        if word.startswith("لل"):  # ل before the article: always a clitic
            return False
        if word[0] == "و" and word[1] in "يت":  # و before ي/ت (verb or verbal noun): a clitic (ف before ي: في)
            return False
        return not attested(word[1:]) and (counts[word] >= 3 or stem(word))

    def stem(word: str) -> bool:
        """The corpus shows ``word`` (or it without a suffix) after the article or a proclitic: a stem."""
        return any(c + f in counts for f in forms(word) for c in (ARTICLE, *CONJUNCTIONS, *PREPOSITIONS))

    listed: set[str] = set()
    for word in counts:
        if len(word) < 3 or word[0] not in CONJUNCTIONS + PREPOSITIONS:
            continue
        if whole(word):
            listed.add(word)
        elif word[0] in CONJUNCTIONS and word[1] in PREPOSITIONS and len(word) >= 4 and whole(word[1:]):
            listed.add(word[1:])
    data = {
        "about": (
            "ACES Arabic clitic tokenizer (aces.text.clitics): proclitic letters and the words that only look like "
            "clitic + word; made by scripts/make_clitic_lexicon.py from the corpus text (see its docstring)."
        ),
        "conjunctions": CONJUNCTIONS,
        "prepositions": PREPOSITIONS,
        "article_prepositions": ARTICLE_PREPOSITIONS,
        "article": ARTICLE,
        "pronouns": PRONOUNS,
        "min_rest": MIN_REST,
        "not_clitic": sorted(listed),
    }
    replace_bytes(LEXICON, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    print(f"{LEXICON}: {len(listed)} words not clitic + word, from {len(counts)} distinct words")


if __name__ == "__main__":
    main()
