"""`aces show`'s page: right-to-left, offline, every annotation visible on exactly its text, arguments and stances
listed. It is the report's document page (``aces.report.document.document_page``), standalone."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import msgspec
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from aces.cli import main
from aces.record import Mention, PropositionTarget, Record, to_json
from aces.report.document import MENTION, colours_for, document_page
from aces.schema import labels
from spacy_samples import clitic_record, random_records


class Page(HTMLParser):
    """Collects what a test needs: <html> attributes, the text under each annotation, table rows, tooltips.

    An annotation is an element of class ``a`` in ``#doc``; its key is ``data-id``, plus ``/<data-part>`` for a
    stance's evidence (``/ev0``, …) and proposition target (``/target``). Labels (class ``tag``) are not text.
    """

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict = {}
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}  # annotation key → its text, piece by piece
        self.styles: dict[str, list[str]] = {}  # annotation key → the style of each of its elements
        self.pieces: list[tuple[set[str], str, str]] = []  # (keys covering the piece, its text, its tooltip)
        self.shown: list[str] = []
        self.rows: dict[str, str] = {}
        self._stack: list[tuple[str, str]] = []  # (role, key): role is doc | a | tag | p | ""
        self._row: tuple[str, list[str]] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "html":
            self.html_attrs = a
        if tag == "tr" and a.get("id"):
            self._row = (a["id"], [])
        classes = (a.get("class") or "").split()
        role, key = "", ""
        if a.get("id") == "doc":
            role = "doc"
        elif "tag" in classes:
            role = "tag"
        elif "a" in classes and "data-id" in a:
            role, key = "a", a["data-id"] + (f"/{a['data-part']}" if a.get("data-part") else "")
            self.styles.setdefault(key, []).append(a.get("style", ""))
        elif "p" in classes:
            role, key = "p", a.get("title", "")
            self.pieces.append((set(), "", key))
        if tag not in ("br", "input", "meta"):
            self._stack.append((role, key))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "input", "meta") and self._stack:
            self._stack.pop()
        if tag == "tr" and self._row:
            self.rows[self._row[0]] = "".join(self._row[1])
            self._row = None

    def handle_data(self, data: str) -> None:
        roles = [role for role, _ in self._stack]
        if "doc" in roles and "tag" not in roles:
            self.shown.append(data)
            covering = {key for role, key in self._stack if role == "a"}
            for key in covering:
                self.texts.setdefault(key, []).append(data)
            if "p" in roles:
                ids, text, tip = self.pieces[-1]
                self.pieces[-1] = (ids | covering, text + data, tip)
        if self._row is not None:
            self._row[1].append(data)

    def text_of(self, key: str) -> str:
        return "".join(self.texts.get(key, []))

    def shown_text(self) -> str:
        return "".join(self.shown)


def keys(record: Record) -> dict[str, str]:
    """Annotation key in ``data-ann`` → the text it must cover on the page (its part inside segments)."""
    out = {m.id: visible(record, m.start, m.end) for m in record.entities}
    out |= {e.id: visible(record, e.trigger.start, e.trigger.end) for e in record.events}
    for s in record.stances:
        out |= {f"{s.id}/ev{i}": visible(record, ev.start, ev.end) for i, ev in enumerate(s.evidence)}
        if isinstance(s.target, PropositionTarget):
            out[f"{s.id}/target"] = visible(record, s.target.start, s.target.end)
    return out


def visible(record: Record, start: int, end: int) -> str:
    """``text[start:end]`` less what falls between segments (newlines), which the page lays out as blocks."""
    segs = sorted(record.segments, key=lambda s: s.start)
    return "".join(record.text[max(start, s.start) : min(end, s.end)] for s in segs if s.start < end and start < s.end)


def segment_text(record: Record) -> str:
    return visible(record, 0, len(record.text))


def test_page_is_right_to_left_arabic_and_offline() -> None:
    page = document_page(clitic_record())
    parsed = Page(page)
    assert parsed.html_attrs == {"lang": "ar", "dir": "rtl"}
    assert not any(tag in ("link", "img", "iframe") for tag, _ in parsed.tags)
    assert all("src" not in attrs for tag, attrs in parsed.tags if tag == "script"), "scripts are inline"
    assert not any(v and "//" in v for _, attrs in parsed.tags for k, v in attrs.items() if k in ("href", "src"))


def test_every_annotation_covers_exactly_its_text() -> None:
    record = clitic_record()
    page = Page(document_page(record))
    assert page.shown_text() == segment_text(record)
    for key, text in keys(record).items():
        assert page.text_of(key) == text, key


def test_nested_mentions_each_get_their_own_underline() -> None:
    record = clitic_record()
    page = Page(document_page(record))
    outer, inner = "t-spacy-001:m3", "t-spacy-001:m4"  # «مخابرات طالبان» ⊃ «طالبان»
    (_, text, tip) = next(p for p in page.pieces if {outer, inner} <= p[0])
    assert text == "طالبان"
    assert tip.count("ORG NAM") == 2, "the tooltip names both mentions"
    levels = [re.search(r"padding-bottom:(\d+)px", page.styles[m][0]).group(1) for m in (outer, inner)]
    assert levels[0] != levels[1], "stacked underlines, not one on top of the other"


def test_entity_types_have_distinct_colours() -> None:
    record = clitic_record()
    page = document_page(record)
    colour = colours_for([record])[MENTION]
    types = list(labels().entity_types)
    assert [name for name in colour if name in types] == types
    assert len({colour[t] for t in types}) == len(types)
    # The filter is the legend: each type the record uses, with its colour.
    swatch = dict(
        re.findall(
            r'data-layer="mention" data-label="([^"]+)" checked><span class="swatch" style="background:(#[0-9a-f]{6})"',
            page,
        )
    )
    assert swatch == {m.type: colour[m.type] for m in record.entities}
    parsed = Page(page)
    for m in record.entities:  # every mention's underline has its type's colour
        styles = parsed.styles.get(m.id)
        assert styles and all(f"--c:{colour[m.type]}" in style for style in styles), m.id


def test_events_list_type_trigger_and_arguments_by_role() -> None:
    page = Page(document_page(clitic_record()))
    die = page.rows["row-e1"]
    for expected in ("Life.Die", "قتلت", "claimed", "مخابرات طالبان", "Victim", "3 أعضاء", "Place", "ولاية بلخ"):
        assert expected in die
    assert "Content" in page.rows["row-e2"] and "Life.Die «قتلت»" in page.rows["row-e2"]


def test_negative_event_polarity_is_shown() -> None:
    record = clitic_record()
    foiled = msgspec.structs.replace(record.events[0], polarity="negative")
    record = msgspec.structs.replace(record, schema_version="1.1.0", events=(foiled, *record.events[1:]))
    page = Page(document_page(record))
    assert "negative" in page.rows["row-e1"] and "negative" not in page.rows["row-e2"]


def test_stances_list_holder_target_polarity_and_evidence() -> None:
    page = Page(document_page(clitic_record()))
    row = page.rows["row-st2"]
    for expected in ("واشنطن", "FAVOR", "جهود الحكومة", "خطوة مهمة", "رحبت"):
        assert expected in row
    assert "the author" in page.rows["row-st3"]


def test_text_is_escaped() -> None:
    record = clitic_record()
    text = record.text + "\n<script>alert(1)</script>"
    seg = msgspec.structs.replace(record.segments[-1], id="t-spacy-001:seg9", start=len(record.text) + 1, end=len(text))
    bad = Mention("t-spacy-001:m99", len(record.text) + 1, len(text), text[len(record.text) + 1 :], "ORG", "NAM")
    record = msgspec.structs.replace(
        record, text=text, segments=(*record.segments, seg), entities=(*record.entities, bad)
    )
    page = document_page(record)
    assert "<script>alert(1)" not in page
    assert Page(page).text_of("t-spacy-001:m99") == "<script>alert(1)</script>"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_records())
def test_random_records_render_every_character_and_annotation(record: Record) -> None:
    page = Page(document_page(record))
    assert page.html_attrs["dir"] == "rtl"
    assert page.shown_text() == segment_text(record)
    for key, text in keys(record).items():
        assert page.text_of(key) == text, key


# --- aces show ----------------------------------------------------------------------------------------------------


def corpus_with(tmp_path: Path, *records: Record) -> Path:
    (tmp_path / "gold").mkdir(parents=True)
    for r in records:
        (tmp_path / "gold" / f"{r.id}.jsonl").write_text(to_json(r) + "\n", encoding="utf-8")
    return tmp_path


def test_show_writes_the_page_of_the_document(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path / "corpus", clitic_record())
    out = tmp_path / "view" / "doc.html"
    result = CliRunner().invoke(main, ["show", "t-spacy-001", "--html", str(out), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    page = Page(out.read_text(encoding="utf-8"))
    assert page.html_attrs["dir"] == "rtl"
    assert page.text_of("t-spacy-001:m14") == "أفغانستان"


def test_show_unknown_document_names_the_known_ones(tmp_path: Path) -> None:
    corpus = corpus_with(tmp_path / "corpus", clitic_record())
    result = CliRunner().invoke(main, ["show", "nope", "--html", str(tmp_path / "x.html"), "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert "no document 'nope'" in result.output and "t-spacy-001" in result.output
    assert not (tmp_path / "x.html").exists()


def test_show_finds_the_gold_document(tmp_path: Path) -> None:
    """Without --corpus the repository's gold corpus is searched."""
    from aces.paths import gold_files
    from aces.record import read_jsonl

    record = next(read_jsonl(gold_files()[0]))
    out = tmp_path / "out.html"
    result = CliRunner().invoke(main, ["show", record.id, "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert Page(out.read_text(encoding="utf-8")).shown_text() == segment_text(record)
