"""The NER layer as CoNLL/BIO: one token per line, tokens exactly those of the spaCy export, offsets kept.

Tokens are ``aces.offsets.record_tokens`` (``aces.text.clitics``: made from the text alone, never from the annotations),
i.e. the non-whitespace tokens of the spaCy ``Doc`` that ``aces export spacy`` writes; tags are
``aces.offsets.bio_tags`` (IOB2) over ``flat_mentions``, each mention on the tokens that cover it (``flat_spans``):
mentions cannot nest in BIO, so the outermost one wins (then the earlier one) and inner mentions are not in this
view — every mention stays in the JSONL, BRAT and spaCy exports.

Layout (``columns="full"``, the default)::

    # global.columns = TOKEN START END NER
    -DOCSTART-	-	-	O

    # doc_id = aces-000-9f1bd322
    # segment_id = aces-000-9f1bd322:seg1
    "	0	1	O
    طالبان	1	7	B-ORG
    …

- a document starts with a ``-DOCSTART-`` line (dummy columns, tag ``O``) and a blank line, as in CoNLL-2003;
- each segment is one block (a "sentence") ended by a blank line and preceded by ``# doc_id = …`` and
  ``# segment_id = …`` comment lines (CoNLL-U style ``# key = value``); tokens outside every segment form a block
  without ``segment_id``;
- a token line is ``TOKEN<TAB>START<TAB>END<TAB>TAG``: the tag is the last column (what CoNLL readers take),
  ``START``/``END`` are code-point offsets into the record text, so ``bio_to_spans`` gives back exact spans.
  A line with four tab-separated fields is always a token line, even when the token starts with ``#``.

``columns="plain"`` writes ``TOKEN<TAB>TAG`` only, with ``-DOCSTART-`` lines and no comments, for tools that read
CoNLL-2003 as is (``spacy convert``); it has no offsets, so it cannot be mapped back to the text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aces.offsets import TokenSpan, bio_tags, bio_to_spans, flat_mentions, record_tokens
from aces.record import Record

DOCSTART = "-DOCSTART-"
COLUMNS = ("TOKEN", "START", "END", "NER")


class ConllError(ValueError):
    """A record that cannot be written, or a file that cannot be read; the message says where and what to fix."""


@dataclass
class Block:
    """One segment's tokens and tags (a CoNLL "sentence")."""

    doc_id: str
    segment_id: str | None
    words: list[str] = field(default_factory=list)
    tokens: list[TokenSpan] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int = 0

    def spans(self) -> list[tuple[int, int, str]]:
        """``(start, end, type)`` of every B…I run, in code points of the record text."""
        return bio_to_spans(self.tokens, self.tags)


def record_blocks(record: Record) -> list[Block]:
    """The record's tokens and BIO tags, one block per segment (tokens outside every segment in their own block)."""
    tokens = record_tokens(record)
    tags = bio_tags(tokens, record.entities)
    segments = sorted(record.segments, key=lambda s: s.start)
    starts = [s.start for s in segments]
    blocks: dict[str | None, Block] = {}
    order: list[str | None] = []
    for (start, end), tag in zip(tokens, tags, strict=True):
        i = bisect_right(starts, start) - 1
        seg = segments[i] if i >= 0 and end <= segments[i].end else None
        key = seg.id if seg else None
        if key not in blocks:
            blocks[key] = Block(record.id, key)
            order.append(key)
        word = record.text[start:end]
        if word.split() != [word]:
            raise ConllError(f"{record.id}: token {word!r} at {start} holds whitespace and cannot be one CoNLL column")
        block = blocks[key]
        block.words.append(word)
        block.tokens.append((start, end))
        block.tags.append(tag)
    out = [blocks[key] for key in order]
    for block in out:
        if block.tags and block.tags[0].startswith("I-"):
            raise ConllError(
                f"{record.id}: a mention crosses into {block.segment_id or 'text outside segments'} at "
                f"{block.tokens[0][0]}; run `aces validate` (span-crosses-segment)"
            )
    return out


def conll_text(records: Iterable[Record], columns: str = "full") -> str:
    """The whole file as text (``columns`` is ``full`` or ``plain``, see the module docstring)."""
    if columns not in ("full", "plain"):
        raise ValueError(f"columns must be 'full' or 'plain', not {columns!r}")
    full = columns == "full"
    lines = [f"# global.columns = {' '.join(COLUMNS)}"] if full else []
    for record in records:
        lines += [f"{DOCSTART}\t-\t-\tO" if full else f"{DOCSTART}\tO", ""]
        for block in record_blocks(record):
            if full:
                lines.append(f"# doc_id = {record.id}")
                if block.segment_id is not None:
                    lines.append(f"# segment_id = {block.segment_id}")
            for word, (start, end), tag in zip(block.words, block.tokens, block.tags, strict=True):
                lines.append(f"{word}\t{start}\t{end}\t{tag}" if full else f"{word}\t{tag}")
            lines.append("")
    return "\n".join(lines) + "\n"


def write_conll(records: Iterable[Record], path: str | Path, columns: str = "full") -> None:
    """Write ``conll_text`` to ``path`` (UTF-8, ``\\n`` line ends), atomically."""
    path = Path(path)
    text = conll_text(records, columns)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    tmp.replace(path)


def read_conll(path: str | Path) -> list[Block]:
    """Blocks of a ``full`` CoNLL file (as written by ``write_conll``, or predictions in the same layout).

    Raises ``ConllError`` naming ``file:line`` for a line that is not a comment, a ``-DOCSTART-``, a blank line
    or a four-column token line with integer offsets.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConllError(f"{path}: cannot be read as UTF-8 text ({err})") from err
    blocks: list[Block] = []
    doc_id, segment_id, current = "", None, None
    for number, line in enumerate(text.split("\n"), 1):
        fields = line.split("\t")
        if not line.strip():
            current, segment_id = None, None
        elif fields[0] == DOCSTART:
            current, segment_id = None, None
        elif len(fields) == 4:
            word, start, end, tag = fields
            try:
                span = (int(start), int(end))
            except ValueError:
                raise ConllError(f"{path}:{number}: START and END must be integers, not {start!r} {end!r}") from None
            if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
                raise ConllError(f"{path}:{number}: tag {tag!r} is not O, B-TYPE or I-TYPE")
            if current is None:
                current = Block(doc_id, segment_id, line=number)
                blocks.append(current)
            current.words.append(word)
            current.tokens.append(span)
            current.tags.append(tag)
        elif line.startswith("# "):
            key, eq, value = line[2:].partition(" = ")
            if eq and key == "doc_id":
                doc_id = value
            elif eq and key == "segment_id":
                segment_id = value
        else:
            raise ConllError(
                f"{path}:{number}: expected TOKEN<TAB>START<TAB>END<TAB>TAG, a '# ' comment or a blank line"
            )
    return blocks


def doc_spans(blocks: Sequence[Block]) -> dict[str, list[tuple[int, int, str]]]:
    """``doc_id`` → its spans, in file order: what a CoNLL file says about each document's flat NER layer."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for block in blocks:
        out.setdefault(block.doc_id, []).extend(block.spans())
    return out


def flat_spans(record: Record) -> list[tuple[int, int, str]]:
    """What the record's CoNLL blocks encode, as ``(start, end, type)``: each mention of the flat layer on the tokens
    that cover it (its own offsets when its edges are token edges), left out when it covers no token or a token an
    earlier one covers. Written token by token, as the definition the array code in ``aces.offsets`` must meet."""
    tokens = record_tokens(record)
    out: list[tuple[int, int, str]] = []
    reached = -1  # index of the furthest token an earlier mention covers
    for m in flat_mentions(record.entities):
        covering = [i for i, (a, b) in enumerate(tokens) if b > m.start and a < m.end]
        if covering and covering[0] > reached:
            out.append((tokens[covering[0]][0], tokens[covering[-1]][1], m.type))
        if covering:
            reached = max(reached, covering[-1])
    return out
