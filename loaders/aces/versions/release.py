"""Corpus releases: ``aces release --version X.Y.Z``.

The corpus has its own version (``corpus/VERSION``, read by ``aces.corpus.version``), apart from the schema
version each record carries. A release is planned in full before anything is written (``plan_release``), so a
dry run shows exactly what a real run does:

1. refuse unless the corpus is in a git work tree whose ``corpus/`` and ``CHANGELOG.md`` have no uncommitted
   change, the version is new (above every ``corpus-v*`` tag, not below ``corpus/VERSION``) and its tag is free;
2. validate the corpus (every level; refuse on any error);
3. stamp ``provenance.corpus_version`` on every record whose schema has the field (1.1.0 on), checking the
   stamped records with the validator;
4. diff the corpus against the previous release (its ``gold/`` taken from the previous tag with ``git archive``)
   and write the entry at the top of ``CHANGELOG.md`` at the repository root;
5. write ``corpus/VERSION``; build the dataset folder (``aces.hf.build.build``; the card reads the new version);
6. commit exactly the files it changed and tag the commit ``corpus-vX.Y.Z`` (annotated).

If a step after the first write fails, the files are put back as they were (the build folder is only replaced
by a complete build, see ``aces.hf.build``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tarfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aces import record as rec
from aces.atomic import replace_bytes
from aces.corpus.version import corpus_version, version_file
from aces.paths import corpus_dir, gold_files
from aces.schema import json_schema
from aces.validate import validate
from aces.validate.level3_refs import corpus_dir_of
from aces.validate.runner import Validation
from aces.versions.diff import LAYERS, diff
from aces.versions.render import diff_text

TAG_PREFIX = "corpus-v"
CHANGELOG = "CHANGELOG.md"
CHANGELOG_HEADER = """# Corpus changelog

Releases of the ACES corpus data (`corpus/`), newest first. The corpus version (`corpus/VERSION`) is separate
from the schema version each record is stamped with (`schema/CHANGELOG.md`) and from the Python package version.
Each entry is written by `aces release`: the release is validated, built, tagged `corpus-vX.Y.Z` in git, and its
notes are the `aces diff` from the previous release's tag.
"""
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_MAX_DIFF_LINES = 400
"""Longer diffs are summarised in the changelog; the full one is ``aces diff`` between the two tags' corpora."""


class ReleaseError(Exception):
    """The release cannot be made; the message says what to fix."""


def parse_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.match(text)
    if not match:
        raise ReleaseError(f"version {text!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0)")
    return int(match[1]), int(match[2]), int(match[3])


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def _git_bytes(repo: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def repo_of(corpus: Path) -> Path:
    done = _git(corpus, "rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        raise ReleaseError(f"{corpus} is not inside a git work tree; a release is a git tag, so the corpus must be")
    return Path(done.stdout.strip())


def release_tags(repo: Path) -> list[tuple[tuple[int, int, int], str]]:
    """``corpus-vX.Y.Z`` tags, oldest version first (other names under the prefix are ignored)."""
    names = _git(repo, "tag", "--list", f"{TAG_PREFIX}*").stdout.split()
    out = []
    for name in names:
        match = _VERSION.match(name[len(TAG_PREFIX) :])
        if match:
            out.append(((int(match[1]), int(match[2]), int(match[3])), name))
    return sorted(out)


def records_at(repo: Path, tag: str, corpus_rel: str) -> list[rec.Record]:
    """The gold records of the corpus as tagged (``git archive``; nothing is checked out)."""
    gold = f"{corpus_rel}/gold" if corpus_rel != "." else "gold"
    listed = _git(repo, "ls-tree", "-r", "--name-only", tag, "--", gold).stdout.split()
    if not any(name.endswith(".jsonl") for name in listed):
        return []
    data = _git_bytes(repo, "archive", "--format=tar", tag, "--", gold)
    records = []
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(".jsonl") and member.name.count("/") == gold.count("/") + 1:
                handle = tar.extractfile(member)
                assert handle is not None
                records += [rec.from_json(line) for line in handle.read().splitlines() if line.strip()]
    return records


# ---------------------------------------------------------------- plan


@dataclass
class FileChange:
    """A file the release rewrites: its old bytes (None if new) and the new ones."""

    path: Path
    old: bytes | None
    new: bytes
    what: str


@dataclass
class ReleasePlan:
    version: str
    tag: str
    repo: Path
    corpus: Path
    out_dir: Path
    current: str
    previous_tag: str | None
    date: str
    documents: int
    notes: str
    changes: list[FileChange] = field(default_factory=list)
    unstamped: Counter[str] = field(default_factory=Counter)
    """Records whose schema version has no ``provenance.corpus_version``, by version."""
    warnings: int = 0

    def describe(self) -> str:
        lines = [
            f"release {self.tag} of {self.corpus} (repository {self.repo}): corpus {self.current} -> {self.version}, "
            f"{self.documents} document(s), validated ({self.warnings} warning(s))",
            f"previous release: {self.previous_tag or 'none (first release)'}",
        ]
        lines += [f"write {c.path.relative_to(self.repo)}: {c.what}" for c in self.changes]
        for version, n in sorted(self.unstamped.items()):
            lines.append(f"note: {n} record(s) at schema {version} cannot carry corpus_version (migrate to 1.1.0)")
        lines.append(f"build the dataset into {self.out_dir}")
        lines.append(f"commit {len(self.changes)} file(s) and tag {self.tag}")
        lines += ["", "changelog entry:", "", self.notes]
        return "\n".join(lines)


def _has_corpus_version(schema_version: str) -> bool:
    try:
        provenance = json_schema(schema_version)["$defs"]["provenance"]["properties"]
    except KeyError:
        return False
    return "corpus_version" in provenance


def _stamp(path: Path, version: str, unstamped: Counter[str]) -> FileChange | None:
    """The file with ``provenance.corpus_version`` set on every record whose schema has it (validated)."""
    import msgspec

    old = path.read_bytes()
    lines, changed = [], False
    check = Validation()
    for number, raw in enumerate(old.splitlines(keepends=True), 1):
        body = raw.rstrip(b"\r\n")
        record = rec.from_json(body)
        if not _has_corpus_version(record.schema_version):
            unstamped[record.schema_version] += 1
            lines.append(raw)
            continue
        stamped = msgspec.structs.replace(
            record, provenance=msgspec.structs.replace(record.provenance, corpus_version=version)
        )
        line = rec.to_json(stamped).encode("utf-8") + raw[len(body) :]
        errors = [f for f in check.check_line(line, str(path), number, corpus_dir_of(path)) if f.is_error]
        if errors:
            raise ReleaseError(f"{path}:{number}: the stamped record does not validate: {errors[0].human()}")
        changed |= line != raw
        lines.append(line)
    if not changed:
        return None
    return FileChange(path, old, b"".join(lines), f"provenance.corpus_version = {version}")


def _totals(records: list[rec.Record]) -> str:
    splits = Counter(r.split for r in records)
    schema = ", ".join(sorted({r.schema_version for r in records})) or "none"
    counts = {
        "mentions": sum(len(r.entities) for r in records),
        "clusters": sum(len(r.clusters) for r in records),
        "events": sum(len(r.events) for r in records),
        "arguments": sum(len(e.arguments) for r in records for e in r.events),
        "stances": sum(len(r.stances) for r in records),
    }
    split_text = ", ".join(f"{split} {n}" for split, n in sorted(splits.items()))
    layer_text = ", ".join(f"{n} {name}" for name, n in counts.items())
    return f"schema {schema}; {len(records)} document(s) ({split_text}); {layer_text}"


def release_notes(
    version: str, date: str, records: list[rec.Record], previous: list[rec.Record] | None, previous_tag: str | None
) -> str:
    """The changelog entry: totals, then the diff from the previous release (summary, and in full if short)."""
    lines = [f"## {version} — {date}", "", f"- {_totals(records)}."]
    if previous is None or previous_tag is None:
        lines.append("- First release.")
        return "\n".join(lines) + "\n"
    result = diff(previous, records)
    docs = result["documents"]
    summary = "; ".join(
        f"{layer} +{result['summary'][layer]['added']} −{result['summary'][layer]['removed']} "
        f"~{result['summary'][layer]['changed']}"
        for layer in LAYERS
    )
    lines.append(
        f"- Changes since `{previous_tag}`: documents {len(docs['added'])} added, {len(docs['removed'])} removed, "
        f"{docs['changed']} of {docs['compared']} changed, {len(docs['not_comparable'])} re-ingested; {summary}."
    )
    for label, key in (("Added", "added"), ("Removed", "removed")):
        if docs[key]:
            lines.append(f"- {label}: " + ", ".join(d["id"] for d in docs[key]) + ".")
    if docs["not_comparable"]:
        lines.append("- Text changed (annotations not compared): " + ", ".join(d["id"] for d in docs["not_comparable"]))
    text = diff_text(result, previous_tag, version).rstrip("\n")
    if text.count("\n") < _MAX_DIFF_LINES:
        lines += [
            "",
            f"<details><summary>aces diff {previous_tag} → {version}</summary>",
            "",
            "```text",
            text,
            "```",
            "",
            "</details>",
        ]
    else:
        lines.append(f"- The full diff is {text.count(chr(10))} lines: run `aces diff` on the two tags' corpora.")
    return "\n".join(lines) + "\n"


def _with_entry(changelog: bytes | None, entry: str) -> bytes:
    """Insert ``entry`` above the newest entry (after the header), creating the file's header if needed."""
    text = changelog.decode("utf-8") if changelog is not None else CHANGELOG_HEADER
    at = text.find("\n## ")
    if at == -1:
        return (text.rstrip("\n") + "\n\n" + entry).encode("utf-8")
    return (text[: at + 1] + entry + "\n" + text[at + 1 :]).encode("utf-8")


def plan_release(
    version: str, corpus: Path | None = None, out_dir: Path | None = None, date: str | None = None
) -> ReleasePlan:
    """Everything a release of ``version`` would do, checked; raises ``ReleaseError`` if it must not be made."""
    wanted = parse_version(version)
    corpus = (Path(corpus) if corpus else corpus_dir()).resolve()
    repo = repo_of(corpus)
    corpus_rel = corpus.relative_to(repo).as_posix() if corpus != repo else "."
    tag = f"{TAG_PREFIX}{version}"
    current = corpus_version(corpus)
    tags = release_tags(repo)
    if any(name == tag for _, name in tags):
        raise ReleaseError(f"tag {tag} already exists; choose a new version (latest: {tags[-1][1]})")
    if tags and wanted <= tags[-1][0]:
        raise ReleaseError(f"version {version} is not above the latest release {tags[-1][1]}")
    if _VERSION.match(current) and wanted < parse_version(current):
        raise ReleaseError(f"version {version} is below corpus/VERSION ({current})")
    dirty = _git(repo, "status", "--porcelain", "--", corpus_rel, CHANGELOG).stdout.strip()
    if dirty:
        raise ReleaseError(
            f"uncommitted changes in {corpus_rel}/ or {CHANGELOG} (the tag would not hold what was validated); "
            f"commit or discard them first:\n{dirty}"
        )
    files = gold_files(corpus)
    if not files:
        raise ReleaseError(f"no gold records under {corpus}/gold/*.jsonl")
    report = validate(files)
    if not report.ok:
        shown = "\n".join(f.human() for f in report.findings if f.is_error)
        raise ReleaseError(f"the corpus does not validate ({report.errors} error(s)); fix them first:\n{shown}")
    previous_tag = tags[-1][1] if tags else None
    previous = records_at(repo, previous_tag, corpus_rel) if previous_tag else None
    plan = ReleasePlan(
        version=version,
        tag=tag,
        repo=repo,
        corpus=corpus,
        out_dir=Path(out_dir) if out_dir else repo / "build" / "hf",
        current=current,
        previous_tag=previous_tag,
        date=date or dt.date.today().isoformat(),
        documents=report.records,
        notes="",
        warnings=report.warnings,
    )
    for path in files:
        change = _stamp(path, version, plan.unstamped)
        if change is not None:
            plan.changes.append(change)
    stamped = {c.path: c.new for c in plan.changes}
    records = [
        rec.from_json(line) for path in files for line in stamped.get(path, path.read_bytes()).splitlines() if line
    ]
    plan.notes = release_notes(version, plan.date, records, previous, previous_tag)
    changelog = repo / CHANGELOG
    old_log = changelog.read_bytes() if changelog.is_file() else None
    plan.changes.append(FileChange(changelog, old_log, _with_entry(old_log, plan.notes), f"entry for {version}"))
    if current != version:
        vfile = version_file(corpus)
        old_version = vfile.read_bytes() if vfile.is_file() else None
        plan.changes.append(FileChange(vfile, old_version, f"{version}\n".encode(), f"{current} -> {version}"))
    return plan


# ---------------------------------------------------------------- run


def _restore(changes: list[FileChange]) -> None:
    for change in changes:
        if change.old is None:
            change.path.unlink(missing_ok=True)
        else:
            replace_bytes(change.path, change.old)


def run_release(plan: ReleasePlan, build: bool = True) -> str:
    """Write, build, commit and tag as planned; returns the commit. Files are restored if a step fails."""
    written: list[FileChange] = []
    try:
        for change in plan.changes:
            replace_bytes(change.path, change.new)
            written.append(change)
        if build:
            from aces.hf.build import BuildError
            from aces.hf.build import build as build_dataset

            try:
                build_dataset(plan.corpus, plan.out_dir)
            except BuildError as err:
                raise ReleaseError(f"the dataset does not build: {err}") from err
        paths = [str(c.path.relative_to(plan.repo)) for c in plan.changes]
        _git(plan.repo, "add", "--", *paths)
        _git(plan.repo, "commit", "-q", "-m", f"corpus release {plan.version}", "--", *paths)
    except BaseException:
        _restore(written)
        # Unstage what ``git add`` staged, so a later commit does not pick up the release's content.
        subprocess.run(
            ["git", "-C", str(plan.repo), "restore", "--staged", "--", *[str(c.path) for c in written]],
            capture_output=True,
        )
        raise
    commit = _git(plan.repo, "rev-parse", "HEAD").stdout.strip()
    schema = ", ".join(
        sorted(
            {
                rec.from_json(line).schema_version
                for f in gold_files(plan.corpus)
                for line in f.read_bytes().splitlines()
                if line
            }
        )
    )
    _git(plan.repo, "tag", "-a", plan.tag, "-m", f"ACES corpus {plan.version} (schema {schema})", commit)
    return commit
