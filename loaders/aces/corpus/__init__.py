"""The corpus as data: ingest (raw text → clean record with an offset map), splits, the corpus version, statistics
and the datasheet's generated blocks."""
