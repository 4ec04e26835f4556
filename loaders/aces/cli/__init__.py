"""The ``aces`` command: one group; each subcommand lives in its own module of this package and calls the modules
that do the work (the pipeline: ingest → validate → build/convert → versions)."""

from __future__ import annotations

import sys

import click

from aces.cli.adjudicate import adjudicate_cmd
from aces.cli.baselines import baselines_cmd
from aces.cli.brat import export_brat, import_brat
from aces.cli.build import build_cmd, publish_cmd
from aces.cli.conll import export_conll
from aces.cli.doccano import doccano_group, export_doccano, import_doccano
from aces.cli.formats import export_group, import_group
from aces.cli.ingest import ingest_cmd
from aces.cli.migrate import migrate_cmd
from aces.cli.options import Group
from aces.cli.queue import queue_group
from aces.cli.release import release_cmd
from aces.cli.report import report_cmd
from aces.cli.run import run_cmd
from aces.cli.score import score_cmd
from aces.cli.sheet import sheet_group
from aces.cli.spacy import export_spacy, import_spacy, show_cmd
from aces.cli.stats import stats_cmd
from aces.cli.validate import checks_cmd, validate_cmd
from aces.cli.versions import agree_cmd, diff_cmd


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ACES: Arabic Corpus of Entities, Events and Stance."""


for command in (
    ingest_cmd, validate_cmd, checks_cmd, stats_cmd, run_cmd, build_cmd, publish_cmd, show_cmd, report_cmd,
    export_group, import_group, doccano_group, score_cmd, agree_cmd, diff_cmd, adjudicate_cmd, migrate_cmd, release_cmd,
    sheet_group, queue_group, baselines_cmd,
):  # fmt: skip
    main.add_command(command)
for command in (export_spacy, export_doccano, export_brat, export_conll):
    export_group.add_command(command)
for command in (import_spacy, import_doccano, import_brat):
    import_group.add_command(command)


if __name__ == "__main__":
    sys.exit(main())
