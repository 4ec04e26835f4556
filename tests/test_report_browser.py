"""`aces report` in a real headless Chromium (Debian's /usr/bin/chromium, `scripts/ci/install-chromium.sh`).

The site is opened from disk (file://): no console error, the document container is right-to-left, every gold
mention is highlighted, the filters switch labels and layers off, and a screenshot can be taken.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aces import record as rec
from aces.cli import main
from aces.paths import gold_files
from report_browser import CHROMIUM, Browser

VISIBLE_IDS = """(layer) => {
  const ids = new Set();
  for (const el of document.querySelectorAll(`#doc .a[data-layer="${layer}"]:not(.off)`)) ids.add(el.dataset.id);
  return ids.size;
}"""


def _visible(browser: Browser, layer: str) -> int:
    return browser.evaluate(f"({VISIBLE_IDS})({layer!r})")


@pytest.fixture(scope="module")
def records() -> list[rec.Record]:
    found = [r for f in gold_files() for r in rec.read_jsonl(f)]
    assert sum(len(r.entities) for r in found) > 0, "the gold corpus is annotated"
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = CliRunner().invoke(main, ["report", "--out", str(out)])
    assert done.exit_code == 0, done.output
    return out


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.is_file(), "chromium is missing: run scripts/ci/install-chromium.sh (the test does not skip)"
    b = Browser()
    yield b
    b.close()


def test_index_opens_from_disk_without_errors(site: Path, browser: Browser, records) -> None:
    browser.open((site / "index.html").as_uri())
    assert browser.errors == []
    assert browser.evaluate("document.getElementById('validation-status').textContent") in ("PASSED", "FAILED")
    charts = browser.evaluate("Array.from(document.querySelectorAll('svg.chart')).map(s => s.id)")
    assert {"chart-splits", "chart-mentions", "chart-events", "chart-stances"} <= set(charts)
    drawn = browser.evaluate(
        "Array.from(document.querySelectorAll('#chart-mentions rect')).reduce((n, r) => n + +r.dataset.value, 0)"
    )
    assert drawn == sum(len(r.entities) for r in records)
    # Nothing is fetched: no resource entry at all besides the page, and every link resolves on disk.
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0
    links = browser.evaluate("Array.from(document.querySelectorAll('#documents-table a')).map(a => a.href)")
    assert len(links) == len(records)
    assert all(Path(link.removeprefix("file://")).is_file() for link in links)


def test_documents_are_rtl_and_highlight_every_mention(site: Path, browser: Browser, records, tmp_path: Path) -> None:
    highlighted = events = stances = 0
    for record in records:
        browser.open((site / "docs" / f"{record.id}.html").as_uri())
        assert browser.errors == [], record.id
        assert browser.evaluate("document.getElementById('doc').getAttribute('dir')") == "rtl"
        assert browser.evaluate("getComputedStyle(document.getElementById('doc')).direction") == "rtl"
        highlighted += _visible(browser, "mention")
        events += _visible(browser, "event")
        stances += _visible(browser, "stance")
        # A highlight is drawn, not just present in the markup: a coloured 3px underline.
        style = browser.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector('#doc .a.k-mention'));"
            " return [s.borderBottomWidth, s.borderBottomStyle, s.borderBottomColor]; })()"
        )
        assert style[0] == "3px" and style[1] == "solid" and style[2] != "rgba(0, 0, 0, 0)"
        counter = browser.evaluate("document.querySelector('#shown [data-count=mention]').textContent")
        assert int(counter) == len(record.entities)
    assert highlighted == sum(len(r.entities) for r in records)
    assert events == sum(len(r.events) for r in records)
    assert stances == sum(len(r.stances) for r in records)
    png = browser.screenshot(tmp_path / "report.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_filters_switch_labels_and_layers_off(site: Path, browser: Browser, records) -> None:
    record = max(records, key=lambda r: len(r.entities))
    browser.open((site / "docs" / f"{record.id}.html").as_uri())
    label = max({m.type for m in record.entities}, key=lambda t: sum(m.type == t for m in record.entities))
    only = {m.id for m in record.entities if m.type == label}
    others = {m.id for m in record.entities if m.type != label}
    browser.evaluate(f"document.querySelector('#filters input[data-layer=mention][data-label={label}]').click()")
    # Nested mentions of other types stay: a mention is hidden only when its own label is off.
    assert _visible(browser, "mention") == len(others)
    assert int(browser.evaluate("document.querySelector('#shown [data-count=mention]').textContent")) == len(others)
    colour = browser.evaluate(
        f"getComputedStyle(document.querySelector('#doc .a[data-layer=mention][data-label={label}]')).borderBottomColor"
    )
    assert colour == "rgba(0, 0, 0, 0)"
    assert only
    browser.evaluate("document.querySelector('#filters input.layer[data-layer=event]').click()")
    assert _visible(browser, "event") == 0
    tags = browser.evaluate(
        "Array.from(document.querySelectorAll('#doc .tag[data-layer=event]')).filter(t => t.offsetParent).length"
    )
    assert tags == 0
    browser.evaluate("document.querySelector('#filters input.layer[data-layer=event]').click()")
    assert _visible(browser, "event") == len(record.events)
    # Clicking a trigger outlines the mentions of its arguments.
    event = next(e for e in record.events if any(a.ref in others for a in e.arguments))
    browser.evaluate(f"document.querySelector('#doc .a[data-layer=event][data-id=\"{event.id}\"]').click()")
    lit = set(browser.evaluate("Array.from(document.querySelectorAll('#doc .lit')).map(e => e.dataset.id)"))
    assert {a.ref for a in event.arguments if a.ref in others} <= lit


def test_cli_screenshot(tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    done = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "site"), "--screenshot", str(png)])
    assert done.exit_code == 0, done.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_the_error_check_sees_errors(browser: Browser, tmp_path: Path) -> None:
    """The harness is not vacuous: a console error, an exception and a failed load are all reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><img src="missing.png"><script>console.error("boom"); undefinedFunction();</script>',
        encoding="utf-8",
    )
    browser.open(page.as_uri())
    errors = browser.errors
    assert any("boom" in e for e in errors)
    assert any(e.startswith("exception:") and "undefinedFunction" in e for e in errors)
    assert any(e.startswith("log:") and "missing.png" in e for e in errors)
