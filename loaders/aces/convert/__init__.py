"""Files other tools read and write: spaCy DocBin (``spacy_docbin``), BRAT (``brat`` out, ``brat_import`` in,
``brat_conf`` shared names) and CoNLL (``conll``); one module per format, ``to_X`` / ``from_X``."""
