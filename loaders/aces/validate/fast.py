"""The fast path: prove a line clean at every per-record check, or hand it to the reporting levels.

Most lines of a real corpus are clean, and proving that is much cheaper than explaining a problem.
``clean_batch`` decodes each line straight into the Structs of ``fast_schema`` (level 2 inside msgspec's
decoder), runs the per-record conditions of levels 3 and 4 as plain boolean tests on attributes
(``fast_record``), then the conditions on characters of levels 1, 4 and 5 for the whole batch at once, as
arrays (``fast_batch``), with no finding, message or JSON path built. Any doubt gives None and the line goes
through ``level1_file`` … ``level5_corpus`` exactly as before, which produce every finding; so findings are
always those of the reporting levels, and the fast path only decides when there can be none. Its conditions
mirror the levels' checks one for one (the equivalence is tested on every fixture, on random corruptions and on
batches of them); corpus-wide uniqueness is left to the caller, which gets the ids and the text to check and
register (``Clean``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import msgspec

from aces.schema import known_versions
from aces.validate.fast_batch import check_batch
from aces.validate.fast_record import Pending, check_record, inventory, kind, provenance_ok
from aces.validate.fast_schema import loose_record_type, pattern_of, record_type
from aces.validate.level1_file import _BOM

_DECODE_ERRORS = (msgspec.MsgspecError, ValueError, RecursionError)
BATCH_LINES = 128
"""Lines ``clean_batch`` is given at a time by the runners: enough that the array work is cheap per line, few
enough that the joined texts stay in the CPU cache (on synthetic records of ~15 KB, 64 to 256 lines a batch ran
at the same speed, 32 and 512 slower)."""
READ_BUFFER = 1 << 20
"""Buffer size for reading JSONL: a line is ~15 KB, and with the default 8 KB buffer reading it cost several
times more than with a buffer that holds many lines."""


@dataclass(frozen=True, slots=True)
class Clean:
    """A line with no per-record finding: what corpus-wide checks still need to see of it."""

    doc_id: str
    ann_ids: list[str]
    text: str
    split: str
    digest: bytes | None = None  # level5_corpus.text_digest(text), when asked for


# Where records hold annotation ids (``$defs/ann_id``): ids of the five collections, and references, which
# ``clean`` requires to name one of those ids. Checking the id pattern once over all ids of a record, instead
# of one regex call per string inside the decoder, halves the decoding time.
ANN_ID = "ann_id"
ANN_ID_PLACES = frozenset(
    {
        *("segment.id", "sentence.id", "mention.id", "cluster.id", "event.id", "stance.id"),
        *("cluster.mentions[]", "argument.ref", "epistemic.source"),
        *("holder_entity.ref", "target_entity.ref", "target_event.ref"),
    }
)


@cache
def _fast_decoder() -> tuple[msgspec.json.Decoder, dict[str, re.Pattern[str]]] | None:
    """The decoder ``clean`` uses and, per version, the pattern every annotation id must match. Versions whose
    ids occur anywhere ``clean`` does not look get the strict Structs (pattern checked by the decoder)."""
    types, id_patterns = [], {}
    for version in known_versions():
        loose = loose_record_type(version, frozenset({ANN_ID}))
        if loose is not None and loose[1] <= ANN_ID_PLACES:
            body = pattern_of(version, ANN_ID).removeprefix("(?a)^").removesuffix(r"\Z")
            id_patterns[version] = re.compile(
                f"(?a)(?:(?:{body})\n)*(?:{body})"
            )  # ids hold no newline: one match for all
            types.append(loose[0])
        elif (strict := record_type(version)) is not None:
            types.append(strict)
    if not types:
        return None
    union = types[0]
    for cls in types[1:]:
        union = union | cls
    return msgspec.json.Decoder(union), id_patterns


def available() -> bool:
    """True when at least one schema version has a fast decoder."""
    return _fast_decoder() is not None


def clean(raw: bytes, corpus_dir: Path | None, *, place: str | None = None) -> Clean | None:
    """``Clean`` if levels 1–5 report nothing for this line (corpus-wide uniqueness aside), else None. ``place``:
    ``gold`` or ``queue`` for a line of a corpus's folder (``level3_refs.place_of``), whose rules level 5 applies."""
    return clean_batch([raw], corpus_dir, place=place)[0]


def clean_batch(
    raws: Sequence[bytes], corpus_dir: Path | None, digests: bool = False, *, place: str | None = None
) -> list[Clean | None]:
    """``clean`` of every line, one verdict per line: each line's verdict is the one it gets alone. With
    ``digests``, each ``Clean`` carries its text's digest for the corpus-wide duplicate search.

    Per-record conditions on the decoded Structs run record by record; conditions on characters (level 1's text
    checks, span edges, PII) run once over the batch's texts joined into one array, which is where the time
    went when they ran character by character."""
    out: list[Clean | None] = [None] * len(raws)
    fast_decoder = _fast_decoder()
    if fast_decoder is None:
        return out
    decode, id_patterns = fast_decoder
    pending: list[Pending] = []
    for index, raw in enumerate(raws):
        if raw.startswith(_BOM):
            continue
        try:
            rec = decode.decode(raw)
        except _DECODE_ERRORS:
            continue
        version = kind(rec)  # the schema version is the Struct's tag
        found = check_record(rec, inventory(version), id_patterns.get(version), place)
        # The raw file now, while the record is in the cache (and the record is freed here, not a batch later).
        if found is not None and (corpus_dir is None or provenance_ok(rec, corpus_dir)):
            found.index = index
            pending.append(found)
    if not pending:
        return out
    ok, text_digests = check_batch(pending, digests)
    for k, (item, fine) in enumerate(zip(pending, ok.tolist(), strict=True)):
        if fine:
            digest = text_digests[k] if text_digests is not None else None
            out[item.index] = Clean(item.doc_id, item.ann_ids, item.text, item.split, digest)
    return out
