"""``aces export FORMAT`` and ``aces import FORMAT``: one click group each, which every format joins.

A format adds its commands in its own ``aces/cli/<format>.py`` and registers them in ``aces/cli/__init__.py``::

    from aces.cli.doccano import export_doccano

    export_group.add_command(export_doccano)  # → aces export doccano
"""

from __future__ import annotations

import click


@click.group("export")
def export_group() -> None:
    """Write the corpus in another tool's format (one subcommand per format)."""


@click.group("import")
def import_group() -> None:
    """Read another tool's format back into ACES records (one subcommand per format)."""
