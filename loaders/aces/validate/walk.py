"""Walk the parts of a record given as a plain dict (decoded JSON), without trusting its shape.

Level 1 runs before the schema check, so every accessor here tolerates missing keys and wrong types and simply
yields nothing for them; levels 3 and 4 use the same walkers on records the schema has already accepted.
"""

from __future__ import annotations

from collections.abc import Iterator

# (kind of annotation, key of its list in the record); the order is the order ids are registered in.
COLLECTIONS: tuple[tuple[str, str], ...] = (
    ("segment", "segments"),
    ("sentence", "sentences"),  # since schema 1.2.0: absent from older records
    ("mention", "entities"),
    ("cluster", "clusters"),
    ("event", "events"),
    ("stance", "stances"),
)
COLLECTION_KIND = {key: kind for kind, key in COLLECTIONS}


def items(record: dict, key: str) -> list[dict]:
    """The dict items of ``record[key]`` (a list), or nothing."""
    value = record.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def text_spans(record: dict) -> Iterator[tuple[str | None, str, dict]]:
    """Every span that stores a text: ``(annotation id, what it is, span dict)``.

    Mentions, event triggers, stance evidence and proposition targets; segments store no text.
    """
    for m in items(record, "entities"):
        yield str_or_none(m.get("id")), "mention", m
    for ev in items(record, "events"):
        trigger = ev.get("trigger")
        if isinstance(trigger, dict):
            yield str_or_none(ev.get("id")), "trigger", trigger
    for st in items(record, "stances"):
        sid = str_or_none(st.get("id"))
        target = st.get("target")
        if isinstance(target, dict) and target.get("kind") == "proposition":
            yield sid, "proposition target", target
        for ev in items(st, "evidence"):
            yield sid, "evidence", ev


def offsets(span: dict) -> tuple[int, int]:
    """``(start, end)`` as ints; the schema admits 3.0 as an integer, Python slicing does not."""
    return int(span["start"]), int(span["end"])


def sound_span(span: dict, text: str) -> tuple[int, int] | None:
    """The offsets of a span that passed level 3 (forward, inside the text, stored text equal), else None."""
    start, end = offsets(span)
    if not 0 <= start < end <= len(text):
        return None
    stored = span.get("text")
    if stored is not None and text[start:end] != stored:
        return None
    return start, end
