"""Text that every boundary shares: the Arabic clitic tokenizer (``clitics``) and the one-for-one ASCII folding of
digits and compatibility forms (``ascii_fold``) that the PII checks and ingest use."""
