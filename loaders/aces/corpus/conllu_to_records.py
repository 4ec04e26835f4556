"""Universal Dependencies CoNLL-U → ACES records, one per ``# newdoc``: raw lines kept byte for byte, clean text
mapped back to them, the treebank's own sentences and paragraphs.

The file may be a whole treebank file (token lines, ``sent_id``, blank lines) or its comment lines alone (as in
``shared/sources/ud-arabic-padt/``). Every line is read by the ``conllu`` library's parsers (comments with
``parse_comment_line``, token lines with ``parse_line``, so a malformed token line is an error here too); this
module only keeps track of where each line is. For each document:

- **raw**: its lines of the source, from its ``# newdoc`` line to the line before the next one, byte for byte.
- **clean text**: one line per paragraph (``# newpar``), the sentences of a paragraph (``# text``) joined by one
  space, NFC, nothing else changed: the treebank's tokenised spacing stays, so every clean character maps to a
  raw one. The offset map runs over each sentence's text where it stands in its ``# text`` line; the joining space
  or line break is one run that stands for the markup between two texts (unequal lengths: not compared character
  by character). What comes before the first text and after the last is recorded as removed (``conllu-markup``).
- **sentences**: one per ``# text``, with the ``sent_id`` where the file has one, else ``<newpar id>u<k>`` (the
  numbering of UD Arabic-PADT, whose comment-only copy drops ``sent_id``); **segments**: one per paragraph, with
  its ``newpar id``, typed by ``segment_type`` (rules in ``newswire.json`` and corpus/GUIDELINES.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import msgspec

from aces.corpus.ingest import IngestError, nfc_runs
from aces.record import OffsetRun, Provenance, Record, Removal, Segment, Sentence, SourceFile
from aces.schema import CURRENT_VERSION, json_schema

UNANNOTATED = "unannotated"
MARKUP = "conllu-markup"
"""The reason recorded for the raw characters before a document's first text and after its last."""


@dataclass
class UdSentence:
    id: str
    text: str
    raw_start: int  # code point of the text's first character in the document's raw text
    line: int  # 1-based line of the ``# text`` comment in the source file


@dataclass
class UdParagraph:
    id: str
    sentences: list[UdSentence] = field(default_factory=list)


@dataclass
class UdDocument:
    """One ``# newdoc``: its lines of the source (``first_line``..``last_line``, 1-based) and its paragraphs."""

    id: str
    raw: bytes
    first_line: int
    last_line: int
    paragraphs: list[UdParagraph] = field(default_factory=list)


@cache
def _rules() -> dict:
    return json.loads((Path(__file__).parent / "newswire.json").read_text(encoding="utf-8"))


@cache
def _pattern(name: str) -> re.Pattern[str]:
    """The schema's id pattern (``doc_id``, ``ann_id``): ids from a file are checked before any path is made."""
    return re.compile(json_schema(CURRENT_VERSION)["$defs"][name]["pattern"])


def read_documents(path: Path) -> list[UdDocument]:
    """The documents of a CoNLL-U file, in file order; ``IngestError`` with the line for anything it cannot take."""
    import conllu
    from conllu.exceptions import ParseException

    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise IngestError(f"{path}: starts with a byte-order mark; save it without one")
    docs: list[UdDocument] = []
    starts: list[int] = []  # byte offset of each document's first line
    doc: UdDocument | None = None
    para: UdParagraph | None = None
    sent_id: str | None = None
    offset, chars = 0, 0  # byte and code-point offsets of the current line in the file
    doc_chars = 0  # code point where the current document starts
    for number, raw_line in enumerate(data.splitlines(keepends=True), 1):
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as err:
            raise IngestError(f"{path}:{number}: not UTF-8 at byte {err.start} of the line") from err
        body = line.rstrip("\r\n")
        where = f"{path}:{number}"
        if body.startswith("#"):
            try:
                pairs = conllu.parser.parse_comment_line(body)
            except ParseException as err:
                raise IngestError(f"{where}: {err}") from err
            for key, value in pairs:
                if key == "newdoc id" or (key == "newdoc" and value is None):
                    doc = _new_document(value, where, docs, number)
                    starts.append(offset)
                    doc_chars, para, sent_id = chars, None, None
                elif key == "newpar id" or (key == "newpar" and value is None):
                    para = _new_paragraph(_need(doc, where), value, where)
                elif key == "sent_id":
                    sent_id = value
                elif key == "text":
                    doc = _need(doc, where)
                    if para is None:  # a document without # newpar is one paragraph
                        para = _new_paragraph(doc, None, where)
                    value = value or ""
                    at = body.index("=") + 1
                    at += len(body[at:]) - len(body[at:].lstrip())
                    if not value or body[at : at + len(value)] != value:
                        raise IngestError(f"{where}: # text has no text")
                    sid = sent_id or f"{para.id}u{len(para.sentences) + 1}"
                    _check_id(sid, "ann_id", f"{where}: sentence id", doc.id)
                    para.sentences.append(UdSentence(sid, value, chars - doc_chars + at, number))
                    sent_id = None
        elif body.strip():
            if doc is None:
                raise IngestError(f"{where}: a token line before any # newdoc id")
            try:
                token = conllu.parser.parse_line(body, conllu.parser.DEFAULT_FIELDS)
            except (ParseException, ValueError, IndexError) as err:
                raise IngestError(f"{where}: not a CoNLL-U token line ({err})") from err
            if len(token) != len(conllu.parser.DEFAULT_FIELDS):
                raise IngestError(f"{where}: not a CoNLL-U token line ({len(token)} of 10 tab-separated fields)")
        if doc is not None:
            doc.last_line = number
        offset += len(raw_line)
        chars += len(line)
    for k, doc in enumerate(docs):
        end = starts[k + 1] if k + 1 < len(docs) else len(data)
        doc.raw = data[starts[k] : end]
        if not any(p.sentences for p in doc.paragraphs):
            raise IngestError(f"{path}:{doc.first_line}: document {doc.id} has no # text")
    if not docs:
        raise IngestError(f"{path}: no '# newdoc id = ...' line: not a CoNLL-U file with document boundaries")
    return docs


def _new_document(value: str | None, where: str, docs: list[UdDocument], number: int) -> UdDocument:
    if not value:
        raise IngestError(f"{where}: # newdoc without an id; ACES needs 'newdoc id = ...' to name the document")
    _check_id(value, "doc_id", f"{where}: document id", None)
    if any(d.id == value for d in docs):
        raise IngestError(f"{where}: document id {value} appears twice in the file")
    docs.append(UdDocument(value, b"", number, number))
    return docs[-1]


def _new_paragraph(doc: UdDocument, value: str | None, where: str) -> UdParagraph:
    pid = value or f"{doc.id}:p{len(doc.paragraphs) + 1}"
    _check_id(pid, "ann_id", f"{where}: paragraph id", doc.id)
    doc.paragraphs.append(UdParagraph(pid))
    return doc.paragraphs[-1]


def _need(doc: UdDocument | None, where: str) -> UdDocument:
    if doc is None:
        raise IngestError(f"{where}: a paragraph or sentence before any # newdoc id")
    return doc


def _check_id(value: str, kind: str, what: str, doc_id: str | None) -> None:
    if not _pattern(kind).fullmatch(value):
        raise IngestError(f"{what} {value!r} is not of the form ACES ids take ({_pattern(kind).pattern})")
    if doc_id is not None and not value.startswith(doc_id + ":"):
        raise IngestError(f"{what} {value!r} does not start with its document id {doc_id}:")


# --------------------------------------------------------------------------------------------- one record


def segment_type(index: int, text: str) -> str:
    """``title``, ``dateline``, ``byline`` or ``paragraph`` for the ``index``-th paragraph (0-based), by the rules
    of ``newswire.json``."""
    rules = _rules()
    if index == 0:
        return "title"
    words = text.split()
    ends = text.rstrip().endswith(tuple(rules["sentence_end"]))
    month = any(w.lstrip("0123456789٠١٢٣٤٥٦٧٨٩") in rules["months"] for w in words)
    clock = re.search(r"\b\d{1,2}:\d{2}\b", text) is not None
    if not ends and len(words) <= rules["dateline_max_words"] and (month or clock):
        return "dateline"
    names = [w for w in words if w not in rules["name_separators"]]
    digit = any(ch.isdigit() for ch in text)
    if index == 1 and not ends and not digit and not month and 0 < len(names) <= rules["byline_max_words"]:
        return "byline"
    return "paragraph"


def to_record(
    doc: UdDocument,
    *,
    source: str,
    raw_path: str,
    source_name: str,
    source_sha256: str,
    license: str,
    attribution: str | None,
    split: str,
    lang: str = "ar",
) -> Record:
    """The unannotated record of ``doc`` (status ``unannotated``): clean text, offset map, sentences, segments."""
    raw = doc.raw.decode("utf-8")
    parts: list[str] = []
    runs: list[OffsetRun] = []
    segments: list[Segment] = []
    sentences: list[Sentence] = []
    pos = 0
    previous_end: int | None = None  # raw end of the previous sentence's text
    for p, para in enumerate(p for p in doc.paragraphs if p.sentences):
        seg_start = pos + (previous_end is not None)  # after the line break that ends the previous paragraph
        for k, sent in enumerate(para.sentences):
            if previous_end is not None:
                joiner = " " if k else "\n"
                parts.append(joiner)
                runs.append((pos, 1, previous_end, sent.raw_start - previous_end))
                pos += 1
            norm, piece = nfc_runs(sent.text, pos, sent.raw_start)
            parts.append(norm)
            runs.extend(piece)
            sentences.append(Sentence(sent.id, pos, pos + len(norm)))
            pos += len(norm)
            previous_end = sent.raw_start + len(sent.text)
        seg_text = "".join(parts)[seg_start:pos]
        segments.append(Segment(para.id, segment_type(p, seg_text), seg_start, pos))
    first = next(s.raw_start for para in doc.paragraphs for s in para.sentences)
    removed = [Removal(0, first, MARKUP)] if first else []
    if previous_end is not None and previous_end < len(raw):
        removed.append(Removal(previous_end, len(raw), MARKUP))
    text = "".join(parts)
    if not unicodedata.is_normalized("NFC", text):  # nfc_runs normalises each text; joiners are ASCII
        raise IngestError(f"{doc.id}: the clean text is not NFC after normalising each sentence")
    provenance = Provenance(
        source=source,
        raw_path=raw_path,
        raw_sha256=hashlib.sha256(doc.raw).hexdigest(),
        offset_map=tuple(runs),
        removed=tuple(removed),
        license=license,
        **({"attribution": attribution} if attribution else {}),
        source_file=SourceFile(source_name, source_sha256, doc.first_line, doc.last_line),
    )
    return Record(
        schema_version=CURRENT_VERSION,
        id=doc.id,
        lang=lang,
        split=split,
        text=text,
        provenance=provenance,
        segments=tuple(segments),
        sentences=tuple(sentences),
        annotation_status=UNANNOTATED,
    )


# --------------------------------------------------------------------------------------------- a whole file


def outlet(doc_id: str) -> str:
    """The stratum of a treebank document for the splits: the outlet its id begins with (``alhayat``,
    ``annahar``, ``assabah``, ``ummah``, ``xinhua`` in UD Arabic-PADT)."""
    return doc_id.split(".", 1)[0]


def ingest_conllu(
    path: Path,
    corpus: Path,
    *,
    source: str,
    license: str,
    attribution: str | None,
    force: bool = False,
    progress: bool = False,
) -> list[tuple[Path, Record]]:
    """Every document of a CoNLL-U file into ``corpus``: raw files under ``raw/<file stem>/<id>.conllu``, one
    unannotated record per document under ``queue/``, splits stratified by outlet (``aces.corpus.splits``).
    Nothing is written unless every document converts; each record is validated before it is written."""
    from tqdm import tqdm

    from aces.corpus.intake import keep_raw, queue_path, write_queued
    from aces.corpus.splits import stratified

    path, corpus = Path(path), Path(corpus)
    docs = read_documents(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    folder = path.name.split(".", 1)[0]
    targets = {doc.id: queue_path(corpus, doc.id, force) for doc in docs}  # refusals before any write
    drafts = [
        to_record(
            doc,
            source=source,
            raw_path=f"raw/{folder}/{doc.id}.conllu",
            source_name=path.name,
            source_sha256=digest,
            license=license,
            attribution=attribution,
            split="train",
        )
        for doc in docs
    ]
    splits = stratified((r.id, outlet(r.id), len(r.text)) for r in drafts)
    out = []
    pairs = list(zip(docs, drafts, strict=True))
    for doc, draft in tqdm(pairs, desc="ingest", unit="doc", disable=None if progress else True):  # None: a tty only
        record = msgspec.structs.replace(draft, split=splits[draft.id])
        written = keep_raw(corpus, record.provenance.raw_path, doc.raw)
        write_queued(corpus, record, targets[doc.id], written)
        out.append((targets[doc.id], record))
    return out
