"""Passed to ``python -m spacy ... --code``: registers ACES's tokenizer in spaCy's process, as the package's entry
point does for an installed aces-corpus (the test interpreter's editable install may predate the entry point)."""

import aces.text.clitics  # noqa: F401  (registers aces.arabic_clitics.v1)
