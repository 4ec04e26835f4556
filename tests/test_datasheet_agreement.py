"""The agreement block: "not yet measured" until a round has both passes, then the figures of aces.versions.agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from aces import record as rec
from aces.corpus.datasheet_agreement import (
    FIGURES,
    NOT_MEASURED,
    DatasheetError,
    RoundResult,
    find_rounds,
    measure,
    render,
)
from test_stats import annotated


def write_pass(rounds: Path, name: str, side: str, records: list[rec.Record]) -> None:
    (rounds / name / side).mkdir(parents=True, exist_ok=True)
    rec.write_jsonl(records, rounds / name / side / "doc.jsonl")


def test_no_rounds_means_not_yet_measured(tmp_path: Path) -> None:
    assert measure(tmp_path / "rounds") == []
    assert render([]) == NOT_MEASURED


def test_a_round_with_one_pass_or_an_empty_pass_is_not_measured(tmp_path: Path) -> None:
    rounds = tmp_path / "rounds"
    write_pass(rounds, "round-1", "pass-a", [annotated()])
    assert find_rounds(rounds) == []
    (rounds / "round-1" / "pass-b").mkdir()  # an annotator has started but written nothing yet
    assert find_rounds(rounds) == []
    write_pass(rounds, "round-1", "pass-b", [annotated()])
    assert [r.name for r in find_rounds(rounds)] == ["round-1"]


def test_a_complete_round_renders_every_layer(tmp_path: Path) -> None:
    rounds = tmp_path / "rounds"
    write_pass(rounds, "round-1", "pass-a", [annotated()])
    write_pass(rounds, "round-1", "pass-b", [annotated(stances=[])])  # B found no stance at all
    out = render(measure(rounds))
    assert "**Round `round-1`**" in out and "over 1 document(s)" in out
    assert "| Mentions | exact F1 (same span and type) | 1.000 | 4 / 4 |" in out
    assert "| Clusters | CoNLL F1 (mean of MUC, B³, CEAF-e) | 1.000 |" in out
    assert "| Events | trigger F1 (same span and type) | 1.000 | 2 / 2 |" in out
    assert "| Events | argument F1 (in matched events) | 1.000 | 4 / 4 |" in out
    assert "| Stances | stance F1 (same holder and target) | 0.000 | 2 / 0 |" in out
    # No matched stance: polarity agreement is undefined, and the block says so rather than printing 0 or 1.
    assert "| Stances | polarity Cohen's kappa | undefined (nothing to compare) | 0 pairs |" in out
    assert "| Stances | polarity Krippendorff's alpha (nominal) | undefined (nothing to compare) | 0 pairs |" in out
    assert len([line for line in out.splitlines() if line.startswith("| ") and "---" not in line]) == len(FIGURES) + 1


def test_an_unexpected_report_shape_names_the_missing_key() -> None:
    with pytest.raises(DatasheetError, match=r"'mentions\.exact\.f1'.*FIGURES"):
        render([RoundResult("round-1", {"documents": {"compared": 1, "a": 1, "b": 1}, "mentions": {}})])
