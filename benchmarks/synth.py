"""Seeded synthetic ACES corpora of realistic shape, valid or with known corruptions, for benchmarks and tests.

A record has 1–6k characters of Arabic text in a title, a lead and paragraphs: words with runs of proclitic
letters before mentions (``وبكابول``), guillemets and quotes around names, emoji glued to words (``🔥طالبان``,
ZWJ families, flags, skin tones), numbers and a few Latin words; about 30 mentions (some nested), clusters of
one to several mentions, about 5 events with arguments whose types their roles admit, about 3 stances, and a
raw file with a removed debris line, so the offset map has two runs. Labels, roles, admitted types, proclitics,
statuses and the epistemic-source rule are read from ``labels.json`` of the version asked for.

Every valid record passes ``aces validate`` at all five levels with no finding once its raw file is written
beside it (``write_corpus`` does that); ``corrupt`` breaks one record in one of ``CORRUPTIONS`` ways and says
which check code must then fire. The same seed gives the same bytes.

    python benchmarks/synth.py OUT_DIR -n 1000 [--seed 0] [--corrupt-rate 0.01] [--shards 4]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from aces.corpus.splits import assign_split
from aces.schema import CURRENT_VERSION, Labels, labels

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
EMOJI = ("🔥", "👍🏽", "🇦🇫", "👨\u200d👩\u200d👧", "😀", "🕊️", "📢")
NUMBERS = ("99%", "2023", "12", "3", "1,500", "٪50")
LATIN = ("ISIS", "Taliban", "BBC", "Kabul", "Reuters")
QUOTES = (("«", "»"), ('"', '"'), ("(", ")"))
TAIL_PUNCT = ("،", ".", ":", "؟")
DEBRIS = "\nاقرأ أيضا: رابط ذو صلة\n"
VOCABULARY = 3000


def _vocabulary(seed: int) -> list[str]:
    rng = random.Random(f"vocab-{seed}")
    return ["".join(rng.choices(ARABIC_LETTERS, k=rng.randint(2, 8))) for _ in range(VOCABULARY)]


@dataclass
class _Unit:
    """A word run the annotation points at; ``start``/``end`` is its core (proclitics excluded)."""

    role: str  # "mention" or "trigger"
    segment: int
    etype: str | None = None
    form: str | None = None
    start: int = 0
    end: int = 0
    inner: tuple[int, int, str, str] | None = None  # nested mention: start, end, type, form


@dataclass
class _Writer:
    parts: list[str] = field(default_factory=list)
    pos: int = 0

    def add(self, piece: str) -> int:
        at = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return at


class Generator:
    """Draws records from one seed; ``record(i)`` depends only on the seed and ``i``."""

    def __init__(self, seed: int = 0, version: str = CURRENT_VERSION, prefix: str = "synth") -> None:
        self.seed, self.version, self.prefix = seed, version, prefix
        self.inv: Labels = labels(version)
        self.words = _vocabulary(seed)
        self.proclitics = sorted(self.inv.proclitics)
        self.entity_types = list(self.inv.entity_types)
        self.forms = list(self.inv.mention_forms)
        self.event_types = list(self.inv.event_types)
        self.statuses = list(self.inv.epistemic_statuses)
        self.polarities = list(self.inv.stance_polarities)
        self.segment_types = list(self.inv.segment_types)

    def doc_id(self, i: int) -> str:
        return f"{self.prefix}-{self.seed}-{i:07d}"

    # -- text ----------------------------------------------------------------------------------------------------
    def _plain(self, rng: random.Random, out: _Writer, count: int) -> None:
        """``count`` plain words with an occasional emoji, number or Latin word (never two numbers in a row)."""
        words = rng.choices(self.words, k=count)
        for j, word in enumerate(words):
            roll = rng.random()
            if roll < 0.02:
                word = rng.choice(EMOJI)
            elif roll < 0.04 and j % 2 == 0:  # even positions only: two numbers never touch (no phone look-alike)
                word = rng.choice(NUMBERS)
            elif roll < 0.05:
                word = rng.choice(LATIN)
            out.add(" " + word)

    def _unit(self, rng: random.Random, out: _Writer, unit: _Unit) -> None:
        """`` [«][emoji]<proclitics>core words[»][punct]`` with the core's offsets recorded."""
        out.add(" ")
        quote = rng.choice(QUOTES) if rng.random() < 0.15 else None
        if quote:
            out.add(quote[0])
        if rng.random() < 0.05:
            out.add(rng.choice(EMOJI))
        if rng.random() < 0.4:
            out.add("".join(rng.choices(self.proclitics, k=rng.randint(1, self.inv.proclitics_max))))
        count = rng.choice((1, 1, 2, 2, 3)) if unit.role == "mention" else 1
        nested = rng.randint(1, count - 1) if count > 1 and rng.random() < 0.3 else None
        for j in range(count):
            if j:
                out.add(" ")
            if j == nested and rng.random() < 0.5:
                out.add(rng.choice(self.proclitics))
            at = out.add(rng.choice(self.words))
            if j == 0:
                unit.start = at
            if j == nested:
                unit.inner = (at, out.pos, rng.choice(self.entity_types), rng.choice(self.forms))
        unit.end = out.pos
        if quote:
            out.add(quote[1])
        if rng.random() < 0.2:
            out.add(rng.choice(TAIL_PUNCT))

    # -- record --------------------------------------------------------------------------------------------------
    def record(self, i: int) -> dict:
        """The ``i``-th record: a dict in the JSON shape of ``schema/<version>/record.schema.json``."""
        rng = random.Random(f"{self.seed}-{i}")
        doc_id = self.doc_id(i)
        length = rng.randint(1000, 6000)
        budgets = [rng.randint(40, 90), rng.randint(150, 300)]
        while sum(budgets) < length:
            budgets.append(rng.randint(300, 900))
        n_segments = len(budgets)
        n_mentions, n_triggers = rng.randint(20, 32), rng.randint(3, 7)
        units = [_Unit("mention", 0, rng.choice(self.entity_types), rng.choice(self.forms)) for _ in range(n_mentions)]
        units += [_Unit("trigger", 0) for _ in range(n_triggers)]
        for unit in units:
            unit.segment = rng.choices(range(n_segments), weights=budgets)[0]
        rng.shuffle(units)

        out = _Writer()
        segments = []
        for s, budget in enumerate(budgets):
            if s:
                out.add("\n")
            seg_start = out.pos
            mine = [u for u in units if u.segment == s]
            words = max(1, budget // 6 - 2 * len(mine))
            cuts = sorted(rng.randint(0, words) for _ in mine)
            done = 0
            out.add(rng.choice(self.words))  # a segment starts with a plain word, never with a space
            for unit, cut in zip(mine, cuts, strict=True):
                self._plain(rng, out, cut - done)
                done = cut
                self._unit(rng, out, unit)
            self._plain(rng, out, words - done)
            seg_type = self.segment_types[0] if s == 0 else self.segment_types[min(s, len(self.segment_types) - 1)]
            segments.append({"id": f"{doc_id}:seg{s + 1}", "type": seg_type, "start": seg_start, "end": out.pos})
        text = "".join(out.parts)

        def span(start: int, end: int) -> dict:
            return {"start": start, "end": end, "text": text[start:end]}

        units.sort(key=lambda u: u.start)
        entities: list[dict] = []
        for unit in units:
            if unit.role == "mention":
                entities.append({"id": "", **span(unit.start, unit.end), "type": unit.etype, "form": unit.form})
                if unit.inner is not None:
                    a, b, etype, form = unit.inner
                    entities.append({"id": "", **span(a, b), "type": etype, "form": form})
        for n, m in enumerate(entities, 1):
            m["id"] = f"{doc_id}:m{n}"

        clusters: list[dict] = []
        slots: dict[tuple[str, int], dict] = {}
        for m in entities:
            slot = (m["type"], rng.randint(0, 3))
            if slot not in slots:
                slots[slot] = {"id": "", "name": m["text"], "type": m["type"], "mentions": []}
                clusters.append(slots[slot])
            slots[slot]["mentions"].append(m["id"])
        for n, c in enumerate(clusters, 1):
            c["id"] = f"{doc_id}:c{n}"

        typed = [(m["id"], m["type"]) for m in entities] + [(c["id"], c["type"]) for c in clusters]
        triggers = [u for u in units if u.role == "trigger"]
        event_ids = [f"{doc_id}:e{n}" for n in range(1, len(triggers) + 1)]
        events = []
        for eid, unit in zip(event_ids, triggers, strict=True):
            etype = rng.choice(self.event_types)
            arguments, pairs = [], set()
            for role, admitted in self.inv.roles(etype).items():
                if rng.random() < 0.45:
                    continue
                pool = [ref for ref, t in typed if t in admitted]
                if self.inv.event_ref_type in admitted:
                    pool += [e for e in event_ids if e != eid]
                if pool:
                    ref = rng.choice(pool)
                    if (role, ref) not in pairs:
                        pairs.add((role, ref))
                        arguments.append({"role": role, "ref": ref})
            status = rng.choice(self.statuses)
            rule = self.inv.epistemic_source.get(status, "forbidden")
            wants = rule == "required" or (rule == "optional" and rng.random() < 0.5)
            source = rng.choice(typed)[0] if wants else None
            event = {
                "id": eid,
                "type": etype,
                "trigger": span(unit.start, unit.end),
                "arguments": arguments,
                "epistemic": {"status": status, "source": source},
            }
            if self.inv.event_polarities and rng.random() < 0.2:
                event["polarity"] = rng.choice(list(self.inv.event_polarities))
            events.append(event)

        stances = []
        for n in range(1, rng.randint(1, 5) + 1):
            holder = {"kind": "author"} if rng.random() < 0.3 else {"kind": "entity", "ref": rng.choice(typed)[0]}
            kind = rng.choice(("entity", "event", "proposition"))
            if kind == "event" and event_ids:
                target = {"kind": "event", "ref": rng.choice(event_ids)}
            elif kind == "proposition":
                a = rng.choice(units)
                later = [u for u in units if u.segment == a.segment and u.start >= a.start]
                b = rng.choice(later)
                target = {"kind": "proposition", **span(a.start, b.end)}
            else:
                target = {"kind": "entity", "ref": rng.choice(typed)[0]}
            evidence = rng.sample(units, k=min(len(units), rng.randint(1, 2)))
            stances.append(
                {
                    "id": f"{doc_id}:st{n}",
                    "holder": holder,
                    "target": target,
                    "polarity": rng.choice(self.polarities),
                    "evidence": [span(u.start, u.end) for u in sorted(evidence, key=lambda u: u.start)],
                }
            )

        cut = segments[1]["start"] - 1  # the debris line sat where the title ends
        raw = text[:cut] + DEBRIS + text[cut + 1 :]
        removed_at = cut
        record = {
            "schema_version": self.version,
            "id": doc_id,
            "lang": "ar",
            "split": assign_split(doc_id),
            "text": text,
            "provenance": {
                "source": f"benchmarks/synth.py seed {self.seed}",
                "raw_path": f"raw/{doc_id}.txt",
                "raw_sha256": hashlib.sha256(raw.encode("utf-8")).hexdigest(),
                "offset_map": [  # the title's line end stays; the debris line, with its own line end, is removed
                    [0, cut + 1, 0, cut + 1],
                    [cut + 1, len(text) - cut - 1, cut + len(DEBRIS), len(text) - cut - 1],
                ],
                "removed": [
                    {"raw_start": removed_at + 1, "raw_end": removed_at + len(DEBRIS), "reason": "related-link"}
                ],
            },
            "segments": segments,
            "entities": entities,
            "clusters": clusters,
            "events": events,
            "stances": stances,
        }
        if self.inv.annotation_statuses:  # since 1.2.0: sentences, a status and a licence
            record["sentences"] = _sentences(doc_id, text, segments)
            record["annotation_status"] = "adjudicated"
            record["provenance"]["license"] = "unknown"
        return record


def _sentences(doc_id: str, text: str, segments: list[dict]) -> list[dict]:
    """Each segment cut after every ". " in it: no mention or trigger holds a full stop, so none is cut."""
    out: list[dict] = []
    for seg in segments:
        start = seg["start"]
        while (stop := text.find(". ", start, seg["end"])) != -1:
            out.append({"id": f"{doc_id}:s{len(out) + 1}", "start": start, "end": stop + 1})
            start = stop + 2
        out.append({"id": f"{doc_id}:s{len(out) + 1}", "start": start, "end": seg["end"]})
    return out


def raw_text(record: dict) -> str:
    """The raw file ``record`` was 'ingested' from (its offset map says where the debris line was)."""
    text = record["text"]
    cut = record["provenance"]["offset_map"][0][1] - 1  # (the first run ends with the title's line end)
    return text[:cut] + DEBRIS + text[cut + 1 :]


# -- corruptions ---------------------------------------------------------------------------------------------------


def _shift_mention(record: dict, rng: random.Random) -> str:
    text = record["text"]
    fits = [m for m in record["entities"] if text[m["start"] + 1 : m["end"] + 1] != m["text"] and m["end"] < len(text)]
    m = rng.choice(fits)
    m["start"] += 1
    m["end"] += 1
    return "span-text-mismatch"


def _dangling_member(record: dict, rng: random.Random) -> str:
    rng.choice(record["clusters"])["mentions"].append(f"{record['id']}:m9999")
    return "dangling-ref"


def _unknown_type(record: dict, rng: random.Random) -> str:
    rng.choice(record["entities"])["type"] = "NOT-A-TYPE"
    return "unknown-entity-type"


def _missing_form(record: dict, rng: random.Random) -> str:
    del rng.choice(record["entities"])["form"]
    return "schema-required"


def _float_offset(record: dict, rng: random.Random) -> str:
    m = rng.choice(record["entities"])
    m["start"] = float(m["start"])
    return "schema-type"


def _claim_without_source(record: dict, rng: random.Random) -> str:
    """A status that requires a source without one; where no status requires one (1.3.0: a claim's source is
    optional), a source on a status that forbids one."""
    rules = labels(record["schema_version"]).epistemic_source
    ev = rng.choice(record["events"])
    required = [s for s, rule in rules.items() if rule == "required"]
    if required:
        ev["epistemic"] = {"status": required[0], "source": None}
        return "claimed-without-source"
    forbidden = next(s for s, rule in rules.items() if rule == "forbidden")
    ev["epistemic"] = {"status": forbidden, "source": record["entities"][0]["id"]}
    return "source-without-claim"


def _trailing_space(record: dict, rng: random.Random) -> str:
    text = record["text"]
    ends = [m["end"] for m in record["entities"]]
    # A mention that shares its end with no other (so one more space cannot make it cross an outer one).
    fits = [m for m in record["entities"] if text[m["end"] : m["end"] + 1] == " " and ends.count(m["end"]) == 1]
    m = rng.choice(fits)
    m["end"] += 1
    m["text"] = text[m["start"] : m["end"]]
    return "span-edge-whitespace"


def _truncate(record: dict, rng: random.Random) -> str:
    record["__truncate__"] = True  # write_corpus cuts the line in half
    return "invalid-json"


CORRUPTIONS: dict[str, Callable[[dict, random.Random], str]] = {
    "shift-mention": _shift_mention,
    "dangling-member": _dangling_member,
    "unknown-type": _unknown_type,
    "missing-form": _missing_form,
    "float-offset": _float_offset,
    "claim-without-source": _claim_without_source,
    "trailing-space": _trailing_space,
    "truncated-line": _truncate,
}


def corrupt(record: dict, kind: str, rng: random.Random) -> tuple[dict, str]:
    """A broken copy of ``record`` and the check code the validator must report for it."""
    broken = copy.deepcopy(record)
    return broken, CORRUPTIONS[kind](broken, rng)


# -- files -----------------------------------------------------------------------------------------------------------

_encoder = msgspec.json.Encoder()


def line_of(record: dict) -> bytes:
    """One JSONL line (UTF-8, Arabic unescaped, newline-terminated)."""
    if record.get("__truncate__"):
        clean = {k: v for k, v in record.items() if k != "__truncate__"}
        data = _encoder.encode(clean)
        half = len(data) // 2
        while data[half] & 0xC0 == 0x80:  # not inside a UTF-8 sequence: the line stays UTF-8, only cut short
            half -= 1
        return data[:half] + b"\n"
    return _encoder.encode(record) + b"\n"


@dataclass
class Corpus:
    """What ``write_corpus`` wrote: the gold shards and the corruptions (file, line) → expected code."""

    root: Path
    files: list[Path]
    records: int
    expected: dict[tuple[str, int], str]


def iter_records(
    n: int, seed: int = 0, corrupt_rate: float = 0.0, version: str = CURRENT_VERSION
) -> Iterator[tuple[dict, str | None]]:
    """``n`` records and, for a corrupted one, the code it must trigger (None for a valid record)."""
    gen = Generator(seed, version)
    pick = random.Random(f"corrupt-{seed}")
    kinds = sorted(CORRUPTIONS)
    for i in range(n):
        record = gen.record(i)
        if corrupt_rate and pick.random() < corrupt_rate:
            broken, code = corrupt(record, pick.choice(kinds), pick)
            yield broken, code
        else:
            yield record, None


def write_corpus(
    root: str | Path,
    n: int,
    seed: int = 0,
    *,
    corrupt_rate: float = 0.0,
    shards: int = 1,
    version: str = CURRENT_VERSION,
) -> Corpus:
    """Write ``root/gold/synth-<k>.jsonl`` (``shards`` files of consecutive records) and ``root/raw/*.txt``."""
    root = Path(root)
    (root / "gold").mkdir(parents=True, exist_ok=True)
    (root / "raw").mkdir(parents=True, exist_ok=True)
    per_shard = -(-n // shards)
    files = [root / "gold" / f"synth-{k:05d}.jsonl" for k in range(shards)]
    handles = [open(f, "wb") for f in files]
    expected: dict[tuple[str, int], str] = {}
    try:
        for i, (record, code) in enumerate(iter_records(n, seed, corrupt_rate, version)):
            k = i // per_shard
            line = i % per_shard + 1
            handles[k].write(line_of(record))
            if code is not None:
                expected[str(files[k]), line] = code
            (root / "raw" / f"{record['id']}.txt").write_bytes(raw_text(record).encode("utf-8"))
    finally:
        for handle in handles:
            handle.close()
    return Corpus(root, files, n, expected)


def corrupt_copy(src: str | Path, dst: str | Path, rate: float, seed: int = 0) -> Corpus:
    """A copy of the corpus at ``src`` with a ``rate`` share of its lines corrupted (raw files shared by a link)."""
    src, dst = Path(src), Path(dst)
    (dst / "gold").mkdir(parents=True, exist_ok=True)
    if not (dst / "raw").exists():
        (dst / "raw").symlink_to((src / "raw").resolve(), target_is_directory=True)
    pick = random.Random(f"corrupt-copy-{seed}")
    kinds = sorted(CORRUPTIONS)
    expected: dict[tuple[str, int], str] = {}
    files, records = [], 0
    for path in sorted((src / "gold").glob("*.jsonl")):
        out = dst / "gold" / path.name
        files.append(out)
        with open(path, "rb") as source, open(out, "wb") as target:
            for number, line in enumerate(source, 1):
                records += 1
                if pick.random() < rate:
                    broken, code = corrupt(msgspec.json.decode(line), pick.choice(kinds), pick)
                    expected[str(out), number] = code
                    line = line_of(broken)
                target.write(line)
    return Corpus(dst, files, records, expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corrupt-rate", type=float, default=0.0)
    parser.add_argument("--shards", type=int, default=1)
    args = parser.parse_args()
    corpus = write_corpus(args.out, args.n, args.seed, corrupt_rate=args.corrupt_rate, shards=args.shards)
    print(f"wrote {corpus.records} records in {len(corpus.files)} file(s) under {corpus.root}/gold/", end="")
    print(f", {len(corpus.expected)} corrupted" if corpus.expected else "")


if __name__ == "__main__":
    main()
