"""The registry of checks: every test id the validator can report, declared once, with its level and severity.

Findings take their level and severity from here (never from the call site), the checks table in
``docs/CHECKS.md`` is generated from here, and the fixture suite has one invalid file per code listed here.
Codes are kebab-case test ids in the style of the Universal Dependencies validator; no code is a prefix of
another, so ``tests/data/invalid/<code>*.jsonl`` always globs exactly one fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

LEVELS: dict[int, str] = {
    1: "File: UTF-8, one JSON object per line, clean Unicode in the text.",
    2: "Schema: the record matches the JSON Schema of the version it is stamped with.",
    3: "References and content: offsets, span texts, ids, references, labels, roles, clusters, provenance.",
    4: "Guidelines: span boundaries (proclitics, words, punctuation), nesting, duplicates (corpus/GUIDELINES.md).",
    5: "Corpus: no text in two splits, no duplicate documents, gold annotated and the queue not, no personal data "
    "left in the text.",
}


@dataclass(frozen=True)
class Check:
    """One test id: what it means when it fires and what the user should do about it."""

    code: str
    level: int
    severity: str
    meaning: str
    fix: str


def _c(code: str, level: int, severity: str, meaning: str, fix: str) -> Check:
    return Check(code, level, severity, meaning, fix)


_ALL: tuple[Check, ...] = (
    # -- Level 1: file ---------------------------------------------------------------------------------------------
    _c("bad-utf8", 1, ERROR, "The line is not valid UTF-8.",
       "Re-save the file as UTF-8 (the message gives the byte offset of the first bad byte in the line)."),
    _c("byte-order-mark", 1, ERROR, "The file starts with a UTF-8 byte-order mark (EF BB BF).",
       "Save the file without a BOM; JSONL readers and code-point offsets assume none."),
    _c("blank-line", 1, ERROR, "An empty or whitespace-only line between records.",
       "Delete the line: every line of a gold file is one record."),
    _c("empty-file", 1, ERROR, "The file holds no record at all (zero bytes). An error, not a warning: ACES writes "
       "one record per file in gold/ and queue/ and never an empty export, so an empty file is a document or a "
       "whole output lost to a truncated write or a failed command, and passing it would report 'checked 0 "
       "records' as a success.",
       "Restore the file from version control or re-run the command that writes it; delete it if it should not "
       "exist."),
    _c("invalid-json", 1, ERROR, "The line is not valid JSON.",
       "Fix the JSON syntax at the position the message gives (often a truncated line or a stray comma)."),
    _c("not-an-object", 1, ERROR, "The line is valid JSON but not an object.",
       "Each line must be one document record, a JSON object {...}; wrap or remove the value."),
    _c("non-nfc", 1, ERROR, "`text` or a stored span text is not in Unicode NFC.",
       "Re-ingest the raw file (ingest normalises to NFC and maps offsets), or NFC-normalise and recompute offsets."),
    _c("control-char", 1, ERROR, "`text` contains a control character other than a newline (tab, CR, C0/C1).",
       "Clean the raw text at ingest (a tab or CR usually means the raw file needs a debris rule) and re-ingest."),
    _c("bidi-control", 1, ERROR,
       "`text` contains a bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069).",
       "Remove the invisible direction controls at ingest; they change how spans display without changing offsets."),
    _c("zero-width-char", 1, ERROR,
       "`text` contains a zero-width character or an inner BOM (U+200B, U+200C, U+2060, U+FEFF, U+180E, or U+200D "
       "outside an emoji sequence).",
       "Remove it at ingest: invisible characters make equal-looking words compare unequal and break span edges."),
    # -- Level 2: schema -------------------------------------------------------------------------------------------
    _c("missing-schema-version", 2, ERROR, "The record has no `schema_version`.",
       "Add \"schema_version\" (e.g. \"1.0.0\") as the first key; records are checked against that version."),
    _c("unknown-schema-version", 2, ERROR, "`schema_version` names no version under schema/.",
       "Use a released version (see schema/CHANGELOG.md) or migrate the record to one."),
    _c("schema-required", 2, ERROR, "A required property is missing.",
       "Add the property the message names; an empty list is written [] and an absent source null."),
    _c("schema-additional", 2, ERROR, "A property the schema does not define.",
       "Remove it or correct its spelling; the message lists the allowed properties at that place."),
    _c("schema-type", 2, ERROR, "A value has the wrong JSON type (string for number, object for list, ...).",
       "Give the value the type the message names (offsets are integers, ids strings, collections lists)."),
    _c("schema-pattern", 2, ERROR, "A string does not have the required form (ids, language tag, sha256).",
       "Document ids are lower-case [a-z0-9._-]; annotation ids are '<document id>:<local id>' such as 'doc-1:m3'."),
    _c("schema-enum", 2, ERROR, "A value is not one of the fixed values the schema allows (e.g. `split`).",
       "Use one of the values the message lists."),
    _c("schema-variant", 2, ERROR, "A value matches none of the allowed shapes (stance holder/target kinds, source).",
       "Use one of the shapes the message lists, e.g. {\"kind\": \"author\"} or {\"kind\": \"entity\", \"ref\": id}."),
    _c("schema-value", 2, ERROR, "A value breaks another schema constraint (negative offset, empty string or list).",
       "Change the value as the message says; offsets are >= 0, texts and evidence lists are non-empty."),
    # -- Level 3: references and content ---------------------------------------------------------------------------
    _c("span-reversed", 3, ERROR, "A span or segment does not have start < end.",
       "Offsets are [start, end) with end exclusive; swap them or fix the wrong one."),
    _c("span-out-of-range", 3, ERROR, "A span or segment ends beyond the end of `text`.",
       "Recompute the offsets against the record's clean text (code points, not bytes or UTF-16 units)."),
    _c("span-text-mismatch", 3, ERROR, "A stored span text differs from text[start:end].",
       "Fix the offsets (the message shows where the stored text occurs) or the stored text; offsets count "
       "code points, so emoji and other astral characters count one."),
    _c("segment-unsorted", 3, ERROR, "Segments are not in text order.",
       "List segments by start offset, as ingest writes them."),
    _c("segment-overlap", 3, ERROR, "A segment starts before the previous one ends.",
       "Segments partition the text; fix the offsets so they do not overlap."),
    _c("segment-edge-whitespace", 3, ERROR, "A segment starts or ends on whitespace (a line break or space).",
       "A segment is its line's text: move its edge onto the first or last visible character (re-ingest if the "
       "ingest put it there)."),
    _c("unknown-segment-type", 3, ERROR, "A segment type is not in labels.json `segment_types`.",
       "Use one of the segment types of the record's schema version (title, lead, heading, paragraph in 1.0.0)."),
    _c("sentence-outside-segment", 3, ERROR, "A sentence (schema 1.2.0) is not inside one segment.",
       "A sentence never crosses a line or paragraph break; split it at the break or fix its offsets."),
    _c("sentence-tiling", 3, ERROR, "The sentences of a segment do not cover it: out of order or overlapping, "
       "starting or ending on whitespace, a segment with none, or non-whitespace text in no sentence.",
       "Within each segment the first sentence starts at the segment start, the last ends at its end, and only "
       "whitespace lies between two; re-derive the sentences (UD sent_ids for a treebank document, "
       "`aces migrate` for an upgraded one) or fix the offsets the message names."),
    _c("unknown-annotation-status", 3, ERROR, "`annotation_status` is not in labels.json `annotation_statuses`.",
       "Use unannotated, one-pass, reviewed or adjudicated (schema 1.2.0)."),
    _c("status-contradicts-annotations", 3, ERROR, "`annotation_status` is unannotated but the record has "
       "mentions, events or stances.",
       "Set the status to how the annotations were made (one-pass, reviewed, adjudicated)."),
    _c("unknown-license", 3, ERROR, "`provenance.license` is not in labels.json `licenses`.",
       "Use the SPDX id of the text's licence as listed in labels.json (or `unknown`); a new licence is a new "
       "schema version."),
    _c("attribution-missing", 3, ERROR, "The document's licence requires attribution but `provenance.attribution` "
       "is absent.",
       "Add the credit the licence asks for (authors, title, source) as `provenance.attribution`."),
    _c("id-wrong-prefix", 3, ERROR, "An annotation id does not start with '<document id>:'.",
       "Prefix the local id with the record's own id (e.g. 'aces-000-9f1bd322:m3') and update references to it."),
    _c("duplicate-id", 3, ERROR, "An id (document or annotation) is used twice in the files checked.",
       "Ids are unique corpus-wide; renumber the second one (the message gives both places) and its references."),
    _c("dangling-ref", 3, ERROR, "A reference points at no id of the same document.",
       "Point it at an existing mention, cluster or event of this document, or remove the reference."),
    _c("ref-wrong-kind", 3, ERROR, "A reference points at the wrong kind of annotation (e.g. a cluster member "
       "that is an event).",
       "Cluster members are mentions; sources and entity holders/targets are mentions or clusters; event targets are "
       "events; arguments are mentions, clusters or (for roles admitting EVENT) events."),
    _c("unknown-entity-type", 3, ERROR, "A mention or cluster type is not in labels.json `entity_types`.",
       "Use an entity type of the record's schema version; see the definitions in labels.json."),
    _c("unknown-mention-form", 3, ERROR, "A mention form is not in labels.json `mention_forms`.",
       "Use NAM, NOM or ADJ (schema 1.0.0); pronouns are not annotated."),
    _c("unknown-event-type", 3, ERROR, "An event type is not in labels.json `event_types`.",
       "Use one of the event types of the record's schema version."),
    _c("unknown-role", 3, ERROR, "An argument role is defined for no event type.",
       "Use a role of the event's type (the message lists them)."),
    _c("role-not-allowed", 3, ERROR, "An argument role exists but not for this event type.",
       "Use one of the roles of this event type (the message lists them) or change the event type."),
    _c("role-type-mismatch", 3, ERROR, "The role does not admit the entity type of the referenced mention or cluster "
       "(EVENT for an event).",
       "Point the argument at an entity of an admitted type, pick the right role, or fix the mention's type."),
    _c("event-content-cycle", 3, ERROR, "An event's Content chain returns to itself: an argument points at the "
       "event itself, or at an event whose arguments lead back to it (e1 → e2 → e1).",
       "A statement's Content is another event, and what it reports cannot contain the statement itself: point the "
       "Content argument at the reported event (GUIDELINES 2.2) or remove it."),
    _c("unknown-epistemic-status", 3, ERROR, "An epistemic status is not in labels.json `epistemic_statuses`.",
       "Use asserted, claimed or hypothetical (schema 1.0.0)."),
    _c("claimed-without-source", 3, ERROR, "A claimed event has no epistemic source.",
       "Set `source` to the id of the claimant's mention (or cluster), or change the status."),
    _c("source-without-claim", 3, ERROR, "An event whose status takes no source has one (labels.json "
       "`epistemic_source`: asserted; also hypothetical before schema 1.1.0).",
       "Set `source` to null, or set the status to claimed if the event is someone's claim (since 1.1.0 a "
       "hypothetical event may name whose hypothesis it is)."),
    _c("unknown-polarity", 3, ERROR, "A stance polarity is not in labels.json `stance_polarities`, or an event "
       "polarity (schema 1.1.0) is not in `event_polarities`.",
       "Use FAVOR, AGAINST or NEUTRAL for a stance; positive or negative for an event (schema 1.1.0)."),
    _c("mention-not-clustered", 3, ERROR, "A mention belongs to no cluster.",
       "Add it to the cluster of its entity, or make a singleton cluster for it."),
    _c("mention-in-several-clusters", 3, ERROR, "A mention is listed in more than one cluster (or twice in one).",
       "Keep it in exactly one cluster; merge the clusters if they are the same entity."),
    _c("cluster-type-mismatch", 3, ERROR, "A cluster's type differs from the type of one of its mentions.",
       "All mentions of a cluster share its type; fix the mention's type, the cluster's, or move the mention."),
    _c("raw-file-missing", 3, WARNING, "The raw file named by provenance.raw_path was not found, so provenance was "
       "not checked.",
       "Check the corpus layout (<corpus>/gold/*.jsonl beside <corpus>/raw/) or the raw_path."),
    _c("raw-path-unsafe", 3, ERROR, "provenance.raw_path leads out of the corpus's raw/ folder (an absolute path, "
       "'..', a symlink out) or names something other than a regular file of a sane size; it was not read.",
       "Point raw_path at the document's file under <corpus>/raw/ (raw/<name>), as ingest writes it."),
    _c("raw-sha256-mismatch", 3, ERROR, "The raw file's sha256 differs from provenance.raw_sha256.",
       "The raw file must stay byte for byte as received; restore it, or re-ingest if it was replaced on purpose."),
    _c("offset-run-out-of-range", 3, ERROR, "An offset-map run reaches beyond the clean text or the raw file.",
       "Re-ingest the raw file so the offset map is recomputed."),
    _c("offset-run-mismatch", 3, ERROR, "An equal-length offset-map run maps clean characters to different raw "
       "characters.",
       "The clean text or the raw file was edited after ingest; re-ingest, or restore the raw file."),
    _c("removal-reversed", 3, ERROR, "A `provenance.removed` range does not have raw_start < raw_end.",
       "A removed range is [raw_start, raw_end) of the raw text, end exclusive and never empty; re-ingest the raw "
       "file so the removals are recomputed."),
    _c("removal-out-of-range", 3, ERROR, "A `provenance.removed` range reaches beyond the end of the raw file.",
       "Removed ranges count code points of the UTF-8-decoded raw file; re-ingest it so they are recomputed (or "
       "restore the raw file if it was shortened)."),
    _c("removal-overlap", 3, ERROR, "A `provenance.removed` range overlaps a raw range the offset map keeps, or "
       "another removed range.",
       "Every raw character is either kept (mapped by one offset-map run) or removed once, with one reason; "
       "re-ingest the raw file so the offset map and the removals are recomputed."),
    # -- Level 4: guidelines ---------------------------------------------------------------------------------------
    _c("span-edge-whitespace", 4, ERROR, "A span starts or ends on whitespace.",
       "Trim the span to its first and last non-space character (GUIDELINES 1.2)."),
    _c("span-edge-punctuation", 4, ERROR, "A span starts or ends on punctuation (quotes, brackets, commas, dots), "
       "other than a quote mark closing one opened inside it.",
       "Quotes and punctuation stay outside the span (GUIDELINES 1.2, 5.11); move the edge inward."),
    _c("span-ends-inside-word", 4, ERROR, "A span ends before the end of a word.",
       "Spans end at the end of a word; enclitic pronouns stay inside (GUIDELINES 1.2)."),
    _c("span-starts-inside-word", 4, ERROR, "A span starts inside a word after something other than a short run "
       "of proclitic letters.",
       "Start the span at the word start, or just after the proclitics (labels.json `proclitics`, GUIDELINES 1.2)."),
    _c("span-crosses-segment", 4, WARNING, "A span is not inside one segment (it crosses a line or paragraph break).",
       "Mentions, triggers and evidence lie inside one segment; split the span or check its offsets."),
    _c("span-crosses-sentence", 4, ERROR, "A mention or trigger is not inside one sentence (schema 1.2.0).",
       "Entities are named and events triggered within a sentence (labels.json `sentence_bound`); fix the span's "
       "offsets, or the sentence boundary if the splitter cut a name (stance evidence may cross sentences)."),
    _c("duplicate-mention", 4, ERROR, "Two mentions with the same start, end and type.",
       "Delete one (the message names both) and point its references at the other."),
    _c("mention-type-conflict", 4, WARNING, "Two mentions cover the same span with different types.",
       "A mention refers to one entity of one type (GUIDELINES 1.3); keep the right one."),
    _c("crossing-mentions", 4, ERROR, "Two mentions partially overlap (neither contains the other).",
       "Mentions may nest but not cross (GUIDELINES 1.2); fix the boundaries of one of them."),
    _c("duplicate-event", 4, WARNING, "Two events with the same trigger span and type.",
       "One event mention per trigger (GUIDELINES 2.1); merge their arguments into one and delete the other."),
    _c("duplicate-argument", 4, WARNING, "An event lists the same role and reference twice.",
       "Delete the repeated argument."),
    # -- Level 5: corpus -------------------------------------------------------------------------------------------
    _c("text-in-two-splits", 5, ERROR, "The same document text (after whitespace normalisation) is in two splits.",
       "Keep one copy: a text in train and test leaks the test set; delete the duplicate document."),
    _c("duplicate-text", 5, WARNING, "The same document text (after whitespace normalisation) occurs twice in a split.",
       "Delete the duplicate document unless the repetition is intended."),
    _c("gold-unannotated", 5, ERROR, "A record under gold/ has no mention, event or stance, or is marked "
       "unannotated.",
       "Gold holds annotated documents only: keep a document that waits for annotation in corpus/queue/ and move "
       "it to gold/ when it is annotated."),
    _c("queue-annotated", 5, WARNING, "A record under queue/ has annotations or a status other than unannotated.",
       "Move the annotated document to corpus/gold/ (and out of queue/) in its own commit."),
    _c("annotation-status-missing", 5, WARNING, "A gold record of schema 1.2.0 or later has no "
       "`annotation_status`.",
       "Record how the document was annotated: one-pass, reviewed or adjudicated."),
    _c("pii-ip-address", 5, ERROR, "`text` contains an IPv4 or IPv6 address. Like every PII check it looks at the "
       "text with digits of any script and fullwidth forms folded to ASCII (٣.٢١.٢٤٧.٧٨, info＠example.com).",
       "Remove it at ingest (a debris rule, then re-ingest) so offsets stay mapped; never edit clean text by hand."),
    _c("pii-email", 5, ERROR, "`text` contains an e-mail address.",
       "Remove or mask it at ingest and re-ingest; the corpus must not carry personal contact data."),
    _c("pii-phone", 5, ERROR, "`text` contains what looks like a phone number (international prefix or a long "
       "digit run).",
       "Remove or mask it at ingest and re-ingest; if it is not a phone number, report a false positive."),
    _c("pii-base64-token", 5, ERROR, "`text` contains a base64 token, standard or URL-safe, that decodes to ASCII "
       "(a scraper's stamp).",
       "Drop the token at ingest (aces/corpus/ingest.py removes closing-line stamps) and re-ingest."),
)  # fmt: skip

CHECKS: dict[str, Check] = {c.code: c for c in _ALL}


def checks_at(level: int) -> list[Check]:
    """The checks of one level, in declaration order (the order of the table)."""
    return [c for c in _ALL if c.level == level]
