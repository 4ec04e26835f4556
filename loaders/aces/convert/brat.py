"""Records ⇄ BRAT standoff (``.txt`` + ``.ann``), losslessly: ``from_brat(to_brat(records))`` gives the records back.

Offsets. BRAT's server reads the ``.txt`` with ``codecs.open(..., encoding='utf8')`` and checks every text-bound
annotation against ``document_text[start:end]`` (``server/src/annotation.py``, ``TextAnnotations``), so offsets
count Python code points — the same unit as ACES — and are written unchanged. The ``.txt`` is the record's
``text`` byte for byte (UTF-8, no BOM, ``\\n`` only: BRAT opens it with universal newlines, so a ``\\r`` would shift
offsets and is refused). BRAT's browser client has a known display bug after astral characters such as emoji
(nlplab/brat#1115): the files stay right, the on-screen highlight can be off by one per emoji before it.

Layout of one document ``ID`` (a directory gets ``annotation.conf`` and ``visual.conf`` generated from
``labels.json``, so BRAT offers exactly the ACES inventory):

- ``ID.txt``: the text.
- ``ID.ann``, in record order:
  - mention: ``T`` line (type = entity type), ``A`` line ``Form Tn NAM``, ``#`` line ``AnnotatorNotes Tn <ACES id>``;
  - cluster with two or more mentions: ``*`` line ``Coreference T1 T4 …`` (BRAT's equivalence; singletons have none);
  - event: ``T`` trigger (type = event type), ``E`` line ``Type:Tn Role:Tx Role2:Ty …`` (a repeated role is
    numbered, BRAT's convention), epistemic source as the extra role ``EpistemicSource``, ``A`` line
    ``Epistemic En claimed``, ``A`` line ``EventPolarity En negative`` when the event has a polarity (schema
    1.1.0; no line = no polarity), ``#`` line with the ACES id;
  - stance: an ``E`` line of type ``Stance`` whose trigger is the first evidence span, ``Holder`` (absent = the
    author), ``Target`` (a mention, an event ``E``, or a ``Proposition`` span) and ``Evidence`` (further evidence
    spans, type ``Evidence``); ``A`` line ``Polarity En AGAINST``; ``#`` line with the ACES id.
  BRAT type names are storage forms (``Conflict.Attack`` → ``Conflict_Attack``, see ``brat_conf``). A span that
  contains a line break is written as BRAT writes it, as fragments ``s1 e1;s2 e2`` split at the break, and joined
  back on import. BRAT ``R`` (binary relation) lines are not used: every ACES link is an event argument or the
  coreference equivalence, which BRAT draws and lets annotators edit.
- ``ID.aces.json`` (the side file, ignored by BRAT; layout ``SIDE_LAYOUT`` = 2): what BRAT has no place for —
  ``schema_version``, ``id``, ``lang``, ``split``, ``annotation_status`` (schema 1.2.0), the sha256 of the text,
  ``provenance`` (whole, whatever its fields: licence, attribution and source file since 1.2.0), ``segments``,
  ``sentences`` (1.2.0), the clusters (id, canonical name, type, mention order), and ``cluster_refs``: which
  argument, epistemic source, holder or entity target pointed at a cluster id (in BRAT the arc goes to the
  cluster's first mention). An optional field the record leaves unset (``annotation_status`` and ``sentences``
  of an older record) has no key, so it stays unset on import. Layout 1 (before 1.2.0) had neither key; a side
  file of another layout is refused, never half read.

Import (``from_brat``) treats the ``.ann`` as the truth for every annotation, so hand edits in BRAT come back:
an annotation without an ``AnnotatorNotes`` id gets a fresh id, coreference links regroup clusters (a cluster
keeps its id and name while it keeps its mentions; see ``brat_import``), and problems are reported with the
``.ann`` file and line instead of raising.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import msgspec

from aces.atomic import replace_bytes
from aces.convert.brat_conf import (
    COREF,
    EPISTEMIC,
    EVENT_POLARITY,
    EVIDENCE,
    EVIDENCE_ROLE,
    FORM,
    HOLDER,
    LINE_BREAKS,
    NOTE,
    POLARITY,
    PROPOSITION,
    SIDE_FORMAT,
    SIDE_LAYOUT,
    SIDE_SUFFIX,
    SOURCE_ROLE,
    STANCE,
    TARGET,
    BratConfigError,
    Names,
    annotation_conf,
    names,
    sha256,
    storage_form,
    visual_conf,
)
from aces.paths import UnsafePath, doc_file
from aces.record import (
    Argument,
    Cluster,
    EntityHolder,
    EntityTarget,
    Epistemic,
    Event,
    EventTarget,
    Mention,
    PropositionTarget,
    Record,
    Span,
    Stance,
)
from aces.schema import CURRENT_VERSION, known_versions


class ConversionError(ValueError):
    """A record that cannot be written to BRAT without losing something; the message says what to fix."""


class WouldOverwrite(ConversionError):
    """The export would replace ``.txt``/``.ann`` files that differ from what it writes (edited in BRAT since the
    last export): nothing was written; ``files`` lists them."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        shown = ", ".join(str(f) for f in files[:MAX_LISTED])
        more = f" and {len(files) - MAX_LISTED} more" if len(files) > MAX_LISTED else ""
        super().__init__(
            f"{len(files)} files would be overwritten and differ from what the export writes (edited in BRAT? "
            f"import them first with `aces import brat`): {shown}{more}; pass --force to overwrite them"
        )


MAX_LISTED = 20
"""Files named in the one-line refusal; the rest are counted."""


HANDLED_FIELDS: dict[type, set[str]] = {
    Record: {"schema_version", "id", "lang", "split", "text", "provenance", "segments", "entities", "clusters",
             "events", "stances", "sentences", "annotation_status"},
    Mention: {"id", "start", "end", "text", "type", "form"},
    Cluster: {"id", "name", "type", "mentions"},
    Event: {"id", "type", "trigger", "arguments", "epistemic", "polarity"},
    Argument: {"role", "ref"},
    Epistemic: {"status", "source"},
    Stance: {"id", "holder", "target", "polarity", "evidence"},
    Span: {"start", "end", "text"},
}  # fmt: skip
"""Fields the ``.ann`` and side-file layout know (provenance, segments and sentences go whole to the side file,
whatever their fields)."""


def check_fields() -> None:
    """Refuse to export when the record structs have a field this module would drop (a newer schema's field)."""
    for struct, known in HANDLED_FIELDS.items():
        new = set(struct.__struct_fields__) - known
        if new:
            raise ConversionError(f"{struct.__name__} has fields the BRAT export does not carry yet: {sorted(new)}")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks into the runs between them (one run when there is no break)."""
    runs: list[tuple[int, int]] = []
    run_start: int | None = None
    for i in range(start, end):
        if text[i] in LINE_BREAKS:
            if run_start is not None:
                runs.append((run_start, i))
                run_start = None
        elif run_start is None:
            run_start = i
    if run_start is not None:
        runs.append((run_start, end))
    return runs


class _Ann:
    """Builds the lines of one ``.ann`` file with BRAT ids numbered per kind."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.lines: list[str] = []
        self.count = {"T": 0, "E": 0, "A": 0, "#": 0}

    def new_id(self, kind: str) -> str:
        self.count[kind] += 1
        return f"{kind}{self.count[kind]}"

    def textbound(self, brat_type: str, start: int, end: int, stored: str, what: str) -> str:
        text = self.record.text
        if not 0 <= start < end <= len(text):
            raise ConversionError(f"{self.record.id}: {what} has offsets [{start}, {end}) outside the text")
        if text[start:end] != stored:
            raise ConversionError(
                f"{self.record.id}: {what} stores {stored!r} but the text there is {text[start:end]!r}"
            )
        runs = fragments(text, start, end)
        if not runs or runs[0][0] != start or runs[-1][1] != end:
            raise ConversionError(f"{self.record.id}: {what} starts or ends with a line break, which BRAT cannot show")
        tid = self.new_id("T")
        offsets = ";".join(f"{a} {b}" for a, b in runs)
        self.lines.append(f"{tid}\t{brat_type} {offsets}\t{' '.join(text[a:b] for a, b in runs)}")
        return tid

    def attribute(self, name: str, target: str, value: str) -> None:
        if not value or any(ch.isspace() for ch in value):
            raise ConversionError(f"{self.record.id}: {name} value {value!r} of {target} is empty or has a space")
        self.lines.append(f"{self.new_id('A')}\t{name} {target} {value}")

    def note(self, target: str, ann_id: str) -> None:
        if not ann_id or any(ch.isspace() for ch in ann_id):
            raise ConversionError(f"{self.record.id}: id {ann_id!r} is empty or has a space")
        self.lines.append(f"{self.new_id('#')}\t{NOTE} {target}\t{ann_id}")


def _names_for(record: Record) -> Names:
    version = record.schema_version if record.schema_version in known_versions() else CURRENT_VERSION
    try:
        return names(version)
    except BratConfigError as err:
        raise ConversionError(str(err)) from err


def _brat_name(table: dict[str, str], label: str, what: str, record: Record) -> str:
    """BRAT name of a label; a label outside the inventory must already be a valid storage form."""
    if label in table:
        return table[label]
    if not label or storage_form(label) != label or label in table.values():
        raise ConversionError(f"{record.id}: {what} {label!r} is not in the inventory and cannot be named in BRAT")
    return label


def record_to_brat(record: Record) -> tuple[str, str, dict]:
    """The ``.txt`` text, the ``.ann`` text and the side-file object of one record."""
    if "\r" in record.text:
        raise ConversionError(f"{record.id}: the text contains a carriage return; BRAT would read it as a newline")
    n = _names_for(record)
    ann = _Ann(record)
    mention_t: dict[str, str] = {}
    for m in record.entities:
        tid = ann.textbound(_brat_name(n.entity, m.type, "entity type", record), m.start, m.end, m.text, m.id)
        mention_t[m.id] = tid
        ann.attribute(FORM, tid, m.form)
        ann.note(tid, m.id)
    first_mention: dict[str, str] = {}
    for c in record.clusters:
        missing = [mid for mid in c.mentions if mid not in mention_t]
        if missing or not c.mentions:
            raise ConversionError(f"{record.id}: cluster {c.id} lists unknown mentions {missing or '(none)'}")
        first_mention[c.id] = c.mentions[0]
        if len(c.mentions) > 1:
            ann.lines.append(f"*\t{COREF} " + " ".join(mention_t[mid] for mid in c.mentions))
    event_e = {ev.id: f"E{i}" for i, ev in enumerate(record.events, 1)}
    ann.count["E"] = len(record.events)
    cluster_refs: list[dict] = []

    def ref(owner: str, slot: str, target: str, kinds: tuple[str, ...]) -> str:
        if "mention" in kinds and target in mention_t:
            return mention_t[target]
        if "mention" in kinds and target in first_mention:
            cluster_refs.append({"owner": owner, "slot": slot, "cluster": target})
            return mention_t[first_mention[target]]
        if "event" in kinds and target in event_e:
            return event_e[target]
        raise ConversionError(f"{record.id}: {owner} {slot} refers to {target}, which is not a {' or '.join(kinds)}")

    for ev in record.events:
        brat_type = _brat_name(n.event, ev.type, "event type", record)
        tid = ann.textbound(brat_type, ev.trigger.start, ev.trigger.end, ev.trigger.text, f"trigger of {ev.id}")
        args, seen = [f"{brat_type}:{tid}"], {}
        for i, arg in enumerate(ev.arguments):
            role = _brat_name(n.role, arg.role, "role", record)
            seen[role] = seen.get(role, 0) + 1
            label = role if seen[role] == 1 else f"{role}{seen[role]}"
            args.append(f"{label}:{ref(ev.id, f'arg:{i}', arg.ref, ('mention', 'event'))}")
        if ev.epistemic.source is not None:
            args.append(f"{SOURCE_ROLE}:{ref(ev.id, 'source', ev.epistemic.source, ('mention',))}")
        ann.lines.append(f"{event_e[ev.id]}\t{' '.join(args)}")
        ann.attribute(EPISTEMIC, event_e[ev.id], ev.epistemic.status)
        if ev.polarity is not msgspec.UNSET:
            ann.attribute(EVENT_POLARITY, event_e[ev.id], ev.polarity)
        ann.note(event_e[ev.id], ev.id)
    for st in record.stances:
        if not st.evidence:
            raise ConversionError(f"{record.id}: stance {st.id} has no evidence span (BRAT needs one as its trigger)")
        first = st.evidence[0]
        args = [f"{STANCE}:{ann.textbound(STANCE, first.start, first.end, first.text, f'evidence of {st.id}')}"]
        if isinstance(st.holder, EntityHolder):
            args.append(f"{HOLDER}:{ref(st.id, 'holder', st.holder.ref, ('mention',))}")
        t = st.target
        if isinstance(t, EntityTarget):
            args.append(f"{TARGET}:{ref(st.id, 'target', t.ref, ('mention',))}")
        elif isinstance(t, EventTarget):
            args.append(f"{TARGET}:{ref(st.id, 'target', t.ref, ('event',))}")
        elif isinstance(t, PropositionTarget):
            args.append(f"{TARGET}:{ann.textbound(PROPOSITION, t.start, t.end, t.text, f'target of {st.id}')}")
        for i, span in enumerate(st.evidence[1:], 2):
            tid = ann.textbound(EVIDENCE, span.start, span.end, span.text, f"evidence of {st.id}")
            args.append(f"{EVIDENCE_ROLE if i == 2 else f'{EVIDENCE_ROLE}{i - 1}'}:{tid}")
        eid = ann.new_id("E")
        ann.lines.append(f"{eid}\t{' '.join(args)}")
        ann.attribute(POLARITY, eid, st.polarity)
        ann.note(eid, st.id)
    # msgspec.to_builtins leaves out unset fields (the 1.2.0 provenance fields of an older record), and so does the
    # side file for the record's own optional fields: no key = unset, so nothing is invented on import.
    side = {
        "format": SIDE_FORMAT,
        "layout": SIDE_LAYOUT,
        "schema_version": record.schema_version,
        "id": record.id,
        "lang": record.lang,
        "split": record.split,
        **_if_set("annotation_status", record.annotation_status),
        "text_sha256": sha256(record.text),
        "provenance": msgspec.to_builtins(record.provenance),
        "segments": msgspec.to_builtins(record.segments),
        **_if_set("sentences", record.sentences),
        "clusters": msgspec.to_builtins(record.clusters),
        "cluster_refs": cluster_refs,
    }
    return record.text, "".join(line + "\n" for line in ann.lines), side


def _if_set(key: str, value: object) -> dict:
    """``{key: value}`` as builtins, or nothing for an unset optional field (so the import leaves it unset)."""
    return {} if value is msgspec.UNSET else {key: msgspec.to_builtins(value)}


def side_json(side: dict) -> str:
    """The side file: one top-level key per line (diffable), each value compact, Arabic unescaped."""
    rows = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in side.items()]
    return "{\n" + ",\n".join(rows) + "\n}\n"


def _write(path: Path, text: str) -> None:
    replace_bytes(path, text.encode("utf-8"))


def _differs(path: Path, text: str) -> bool:
    """Whether writing ``text`` to ``path`` would lose what is there (anything but an absent or identical file)."""
    try:
        return path.read_bytes() != text.encode("utf-8")
    except FileNotFoundError:
        return False
    except OSError:  # a directory, an unreadable file: not something to replace unasked
        return True


def to_brat(records: Iterable[Record], out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write one ``.txt``/``.ann``/``.aces.json`` triple per record and the configuration; return the ``.ann`` paths.

    Every record is converted before anything is written, so a record that cannot be converted leaves no half
    export behind (raises ``ConversionError``). An existing ``.txt`` or ``.ann`` that differs from what would be
    written holds work done in BRAT: unless ``force``, nothing is written (raises ``WouldOverwrite``). Each file is
    replaced atomically; an ``OSError`` can leave some documents new and the rest old, never a half-written file.
    """
    check_fields()
    out = Path(out_dir)
    records = list(records)
    converted = [(r.id, *record_to_brat(r)) for r in records]
    ids = [doc_id for doc_id, *_ in converted]
    try:
        for doc_id in ids:  # every file name is checked before the first file is written
            doc_file(out, doc_id, ".ann")
    except UnsafePath as err:
        raise ConversionError(str(err)) from None
    dupes = sorted(d for d, n in Counter(ids).items() if n > 1)
    if dupes:
        raise ConversionError(f"document ids appear twice: {', '.join(dupes)} (one .ann file per document)")
    versions = {r.schema_version for r in records} or {CURRENT_VERSION}
    if len(versions) > 1:
        raise ConversionError(f"records of several schema versions ({', '.join(sorted(versions))}): export each apart")
    version = versions.pop()
    version = version if version in known_versions() else CURRENT_VERSION
    if not force:
        edited = [
            path
            for doc_id, text, ann, _ in converted
            for path, content in ((doc_file(out, doc_id, ".txt"), text), (doc_file(out, doc_id, ".ann"), ann))
            if _differs(path, content)
        ]
        if edited:
            raise WouldOverwrite(edited)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "annotation.conf", annotation_conf(version))
    _write(out / "visual.conf", visual_conf(version))
    written = []
    for doc_id, text, ann, side in converted:
        _write(doc_file(out, doc_id, ".txt"), text)
        _write(doc_file(out, doc_id, ".ann"), ann)
        _write(doc_file(out, doc_id, SIDE_SUFFIX), side_json(side))
        written.append(doc_file(out, doc_id, ".ann"))
    return written


def from_brat(in_dir: str | Path):
    """Read a directory written by ``to_brat`` (possibly edited in BRAT); see ``brat_import.read_brat``."""
    from aces.convert.brat_import import read_brat

    return read_brat(in_dir)
