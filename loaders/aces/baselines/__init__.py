"""Baselines for ACES: simple, CPU-only, seeded systems whose test-split scores any model should beat.

Each baseline learns from ``train`` (and, where it has a setting to choose, picks it on ``validation``), is
handed the documents of a split with every annotation removed (``inputs.unannotated``), and returns prediction
records that ``aces score`` compares with gold. ``aces baselines`` runs them all and writes the table of
``corpus/baselines.json``; docs/EVALUATION.md and the dataset card show it.
"""
