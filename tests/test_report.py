"""`aces report` without a browser: what the pages contain, that they fetch nothing, and what the charts say."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from aces import record as rec
from aces.cli import main
from aces.corpus import stats
from aces.report import build_site
from aces.validate import validate
from spacy_samples import clitic_record


class _Highlights(HTMLParser):
    """Text under each highlighted annotation (``.a`` elements), by (layer, id); labels (``.tag``) excluded."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str, str] | None] = []
        self.text: dict[tuple[str, str], list[str]] = {}
        self.dirs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if a.get("id") == "doc":
            self.dirs["doc"] = a.get("dir", "")
        classes = (a.get("class") or "").split()
        self.stack.append((a["data-layer"], a["data-id"], "a") if "a" in classes and "data-id" in a else None)
        if "tag" in classes:
            self.stack[-1] = ("tag", "", "tag")

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if any(item and item[2] == "tag" for item in self.stack):
            return
        for item in self.stack:
            if item:
                self.text.setdefault(item[:2], []).append(data)


def _corpus(tmp: Path, records: list[rec.Record]) -> Path:
    corpus = tmp / "corpus"
    (corpus / "gold").mkdir(parents=True, exist_ok=True)
    rec.write_jsonl(records, corpus / "gold" / "docs.jsonl")
    return corpus


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, rec.Record]:
    record = clitic_record()
    corpus = _corpus(tmp_path, [record])
    out = tmp_path / "site"
    done = CliRunner().invoke(main, ["report", "--out", str(out), "--corpus", str(corpus)])
    assert done.exit_code == 0, done.output
    assert "1 documents, 15 mentions, 3 events, 3 stances" in done.output
    return out, record


def test_every_annotation_covers_exactly_its_text(site) -> None:
    out, record = site
    parser = _Highlights()
    parser.feed((out / "docs" / f"{record.id}.html").read_text(encoding="utf-8"))
    assert parser.dirs["doc"] == "rtl"
    got = {key: "".join(parts) for key, parts in parser.text.items()}
    for m in record.entities:
        assert got[("mention", m.id)] == m.text
    for e in record.events:
        assert got[("event", e.id)] == e.trigger.text
    assert {k[1] for k in got if k[0] == "mention"} == {m.id for m in record.entities}
    assert {k[1] for k in got if k[0] == "stance"} == {s.id for s in record.stances}


def test_pages_fetch_nothing(site) -> None:
    out, _ = site
    for page in [out / "index.html", *sorted((out / "docs").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", html), page
        assert "url(" not in html and "@import" not in html and "//" not in re.sub(r"https?://www\.w3\.org/", "", html)


def test_charts_say_what_stats_say(tmp_path: Path) -> None:
    records = [clitic_record(), msgspec.structs.replace(clitic_record(), id="t-spacy-002", split="test")]
    site = build_site(records, tmp_path)
    html = site.index.read_text(encoding="utf-8")
    computed = stats.compute(records)

    def bars(chart: str) -> dict[tuple[str, str], int]:
        svg = re.search(rf'<svg id="{chart}".*?</svg>', html, re.S).group(0)
        return {(label, series): int(v) for label, series, v in re.findall(
            r'data-label="([^"]+)" data-series="([^"]+)" data-value="(\d+)"', svg)}  # fmt: skip

    mentions = bars("chart-mentions")
    for etype, count in computed["mentions"]["by_type"].items():
        assert sum(v for (label, _), v in mentions.items() if label == etype) == count
    assert mentions[("PER", "test")] == mentions[("PER", "train")] > 0
    assert sum(bars("chart-events").values()) == computed["events"]["total"]
    train = stats.compute(records[:1])["stances"]["by_polarity"]
    assert {k[0]: v for k, v in bars("chart-stances").items() if k[1] == "train"} == train
    assert bars("chart-splits")[("documents", "test")] == 1


def test_validation_summary_reports_failures(tmp_path: Path) -> None:
    record = clitic_record()
    bad = rec.to_dict(record)
    bad["entities"][0]["type"] = "XYZ"
    corpus = _corpus(tmp_path, [rec.from_dict(bad)])
    out = tmp_path / "site"
    done = CliRunner().invoke(main, ["report", "--out", str(out), "--corpus", str(corpus)])
    assert done.exit_code == 0 and "validation FAILED" in done.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="validation-status">FAILED<' in index
    assert "<code>unknown-entity-type</code>" in index
    page = (out / "docs" / f"{record.id}.html").read_text(encoding="utf-8")
    assert 'data-label="XYZ" checked' in page, "a label outside the inventory can still be filtered"
    assert validate(corpus).errors >= 1


def test_no_validate_and_empty_corpus(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, [clitic_record()])
    out = tmp_path / "site"
    done = CliRunner().invoke(main, ["report", "--out", str(out), "--corpus", str(corpus), "--no-validate"])
    assert done.exit_code == 0 and "not validated" in done.output
    assert "NOT RUN" in (out / "index.html").read_text(encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    done = CliRunner().invoke(main, ["report", "--out", str(out), "--corpus", str(empty)])
    assert done.exit_code == 2 and "no gold/*.jsonl" in done.output and "Traceback" not in done.output


def test_each_event_type_has_its_own_colour_in_the_legend_and_on_its_triggers() -> None:
    from aces.report.document import EVENT, colours_for, document_page

    record = clitic_record()
    assert len({e.type for e in record.events}) >= 2
    page = document_page(record)
    legend = re.search(r'<fieldset data-layer="event">(.*?)</fieldset>', page, re.S).group(1)
    swatches = dict(
        re.findall(r'data-label="([^"]+)" checked><span class="swatch" style="background:(#[0-9a-f]+)"', legend)
    )
    assert set(swatches) == {e.type for e in record.events}
    assert len(set(swatches.values())) == len(swatches)  # no two event types share a colour
    every = colours_for([record])[EVENT]
    assert len(set(every.values())) == len(every)  # nor do any two of the whole inventory
    for event in record.events:
        assert f'class="a k-trigger" style="--c:{swatches[event.type]}"' in page
