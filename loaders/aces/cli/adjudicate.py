"""``aces adjudicate A B --out C``: merge two annotation passes into a gold file, through a human's decisions.

Run it once: agreed items are counted and every conflict goes to a review file (JSONL, one conflict a line, an
empty ``decision`` to fill). Run it again with ``--decisions`` (the filled file): the gold is built, validated
and written atomically to ``--out``. Exit status: 0 gold written; 1 conflicts left to decide, or decisions that
do not make a valid gold (the messages say which); 2 for a usage error or unreadable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aces.json_input import loads
from aces.versions.load import SideError, read_side

EXIT_UNDECIDED = 1
EXIT_USAGE = 2
_SHOWN = 10


def default_review_path(out: Path) -> Path:
    """Beside the gold file, or ``<corpus>/review/`` when the gold goes into a ``gold/`` folder (whose ``*.jsonl``
    are all read as gold)."""
    name = f"{out.stem}.review.jsonl"
    if out.parent.name == "gold":
        return out.parent.parent / "review" / name
    return out.with_name(name)


def corpus_of(out: Path) -> Path:
    """The corpus whose raw/ checks the gold: the one OUT is written into, else the default corpus (a gold file
    written elsewhere, e.g. for review, still belongs to it)."""
    from aces.paths import corpus_dir
    from aces.validate.level3_refs import CORPUS_FOLDERS, corpus_dir_of

    return corpus_dir_of(out) if out.parent.name in CORPUS_FOLDERS else corpus_dir()


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"aces adjudicate: {message}", err=True)
    sys.exit(code)


def _has_decisions(path: Path) -> bool:
    try:
        return any(loads(line).get("decision") not in (None, "") for line in path.read_text("utf-8").splitlines())
    except (OSError, ValueError, AttributeError):
        return True  # unreadable or not ours: do not overwrite it either


@click.command("adjudicate")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The gold JSONL to write.")
@click.option(
    "--decisions", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The filled review file."
)
@click.option(
    "--review",
    "review_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the conflicts (default: OUT's name + .review.jsonl, under <corpus>/review/ for gold/).",
)
@click.option("--force", is_flag=True, help="Overwrite a review file that already holds decisions.")
@click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The corpus the documents belong to, whose raw/ holds their raw files (default: the corpus OUT is in when "
    "OUT is in a gold/ folder, else $ACES_CORPUS or the repository's corpus/).",
)
def adjudicate_cmd(
    a: Path, b: Path, out: Path, decisions: Path | None, review_path: Path | None, force: bool, corpus: Path | None
) -> None:
    """Merge passes A and B (JSONL files or directories, documents paired by id) into the gold file OUT.

    Decisions: "a", "b", "both", "neither", or {"from": "a"|"b", "item": {...}} (the item as in a record,
    without id, references in that pass's ids). Nothing is dropped silently: everything the decisions imply
    (members or arguments whose referent was dropped, singleton clusters) is listed.
    """
    from aces.atomic import replace_bytes
    from aces.versions.adjudicate import ReviewError, review, review_jsonl
    from aces.versions.adjudicate_merge import DecisionError, MergeError, check_gold, gold_bytes, merge, read_decisions

    try:
        sides = read_side(a), read_side(b)
    except SideError as err:
        _fail(str(err))
    problems = [f"{name}: {p}" for name, side in zip("AB", sides, strict=True) for p in side.problems]
    if problems:
        _fail(
            "cannot adjudicate with lines that do not read (a skipped line would drop a document):\n  "
            + "\n  ".join(problems)
        )
    try:
        rv = review(sides[0].records, sides[1].records)
    except ReviewError as err:
        _fail(str(err))
    counts = rv.counts()
    click.echo("agreed / conflicts: " + ", ".join(f"{k} {v['agreed']}/{v['conflicts']}" for k, v in counts.items()))

    if decisions is None and rv.conflicts:
        target = review_path or default_review_path(out)
        if target.exists() and not force and _has_decisions(target):
            _fail(f"{target} already holds decisions; pass it with --decisions, or --force to overwrite it")
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_bytes(target, review_jsonl(rv).encode("utf-8"))
        click.echo(f'{len(rv.conflicts)} conflict(s) to decide in {target}; fill each "decision", then run:')
        click.echo(f"  aces adjudicate {a} {b} --out {out} --decisions {target}")
        sys.exit(EXIT_UNDECIDED)

    chosen = {}
    if decisions is not None:
        try:
            read = read_decisions(decisions, rv)
        except DecisionError as err:
            _fail(str(err))
        if read.undecided:
            shown = ", ".join(read.undecided[:_SHOWN]) + (" ..." if len(read.undecided) > _SHOWN else "")
            _fail(f"{len(read.undecided)} conflict(s) undecided in {decisions}: {shown}", EXIT_UNDECIDED)
        chosen = read.decisions
    try:
        merged = merge(rv, chosen)
    except (MergeError, DecisionError) as err:
        _fail(f"the decisions do not make a gold file:\n{err}", EXIT_UNDECIDED)
    data = gold_bytes(merged.records)
    errors = check_gold(data, out, merged.origins, corpus or corpus_of(out))
    if errors:
        _fail(
            f"the gold would not validate ({len(errors)} error(s)); change these decisions:\n" + "\n".join(errors),
            EXIT_UNDECIDED,
        )
    for note in merged.notes:
        click.echo(f"note: {note}")
    out.parent.mkdir(parents=True, exist_ok=True)
    replace_bytes(out, data)
    kept = sum(len(r.entities) for r in merged.records), sum(len(r.events) for r in merged.records)
    click.echo(f"{out}: {len(merged.records)} document(s), {kept[0]} mentions, {kept[1]} events; validated")
