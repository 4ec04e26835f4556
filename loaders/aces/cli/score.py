"""``aces score GOLD PRED``: the official metrics of predicted records against gold (docs/EVALUATION.md).

Exit status: 0 when scored; 1 when the inputs are data the scorer refuses (invalid at levels 1–3, a
document missing on one side, a text that differs), with the validator's located findings on stderr; 2 on a
usage or path problem (a path that does not exist or holds no JSONL file, an unwritable ``--out``).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from aces.atomic import replace_bytes

EXIT_DATA, EXIT_USAGE = 1, 2
HELP = (
    "GOLD and PRED are each a JSONL file or a directory: a directory with gold/ means gold/*.jsonl, any other "
    "directory all *.jsonl below it. Documents are paired by id; every gold document needs a prediction."
)


def _fail(message: str, code: int) -> None:
    click.echo(f"aces score: {message}", err=True)
    raise SystemExit(code)


@click.command("score", epilog=HELP)
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("pred", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="table: for reading; json: one object, the documented keys, numbers rounded to 4 places.",
)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the result here.")
def score_cmd(gold: Path, pred: Path, fmt: str, out: Path | None) -> None:
    """Score predicted records (PRED) against gold (GOLD): entities, coreference, events, stances."""
    from aces.evaluate import ScoreError, score
    from aces.evaluate.inputs import check_files
    from aces.evaluate.table import score_text
    from aces.versions.load import SideError, read_side, side_files
    from aces.versions.render import rounded

    try:
        for name, path in (("GOLD", gold), ("PRED", pred)):
            check_files(f"{name} {path}", side_files(path))
        sides = read_side(gold), read_side(pred)
        result = score(sides[0].records, sides[1].records, check=False)
    except SideError as err:
        _fail(str(err), EXIT_USAGE)
    except OSError as err:
        _fail(f"cannot read {err.filename}: {err.strerror}", EXIT_USAGE)
    except ScoreError as err:
        for finding in err.findings:
            click.echo(finding.human(), err=True)
        _fail(str(err), EXIT_DATA)
    if fmt == "json":
        report = {"format": result["format"], "inputs": {"gold": str(gold), "pred": str(pred)}}
        report.update((k, v) for k, v in result.items() if k != "format")
        text = json.dumps(rounded(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = score_text(result, str(gold), str(pred))
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        replace_bytes(out, text.encode("utf-8"))
    except OSError as err:
        _fail(f"cannot write {out} ({err.strerror or err})", EXIT_USAGE)
    click.echo(f"aces score: result written to {out}", err=True)
