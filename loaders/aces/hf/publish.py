"""Publish a built dataset folder to the Hugging Face Hub and tag the commit with the corpus version.

``plan`` only reads the folder (the dry run makes no network call and reads no token); ``publish`` creates the
dataset repository if needed, uploads the folder in one commit (removing parquet files the folder no longer has)
and tags that commit ``v<corpus version>`` unless another tag is given. Every failure is a ``PublishError``
whose message says what to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from aces.corpus.version import UNVERSIONED
from aces.hf import croissant
from aces.hf.build import MARKER
from aces.schema import labels

ACCEPT_FLAG = "--accept-licence-risk"


class PublishError(Exception):
    """Publishing cannot proceed; the message says why and what to do."""


@dataclass(frozen=True)
class PublishPlan:
    folder: Path
    repo_id: str
    tag: str
    corpus_version: str
    schema_version: str
    files: tuple[tuple[str, int], ...]
    restricted: dict[str, int] = field(default_factory=dict)
    """Licences of documents in the folder that are not cleared for redistribution → how many documents."""

    @property
    def licence_warning(self) -> str | None:
        """What publishing would hand out without a right to, or None when every document may be redistributed."""
        if not self.restricted:
            return None
        which = ", ".join(f"{n} document(s) under {name!r}" for name, n in self.restricted.items())
        return f"not cleared for redistribution: {which}"

    def format(self) -> str:
        """The dry-run listing: target, tag, then every file with its size."""
        total = sum(size for _, size in self.files)
        width = max(len(name) for name, _ in self.files)
        lines = [
            f"target: https://huggingface.co/datasets/{self.repo_id} (branch main), tag {self.tag}",
            f"corpus {self.corpus_version}, schema {self.schema_version}, from {self.folder}",
            *(f"  {name:<{width}}  {size:>12,} B" for name, size in self.files),
            f"{len(self.files)} files, {total:,} B",
        ]
        return "\n".join(lines)


def plan(folder: Path, repo_id: str, tag: str | None = None) -> PublishPlan:
    """What ``publish`` would upload, read from the folder alone (no network, no token).

    ``croissant.json`` is checked with mlcroissant here, so an invalid one is caught before anything is sent.
    """
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    folder = Path(folder)
    if repo_id.count("/") != 1:
        raise PublishError(f"--repo-id {repo_id!r} must be ORG/NAME (an organisation or user, then the dataset)")
    try:
        validate_repo_id(repo_id)
    except HFValidationError as err:
        raise PublishError(f"--repo-id {repo_id!r} is not a valid Hub repository id: {err}") from None
    marker = folder / MARKER
    if not marker.is_file() or not (folder / "README.md").is_file():
        raise PublishError(f"{folder} is not a built ACES dataset; run `aces build --out {folder}` first")
    try:
        croissant.check(folder / croissant.FILENAME)
    except (ValueError, OSError) as err:
        raise PublishError(f"{err}; rebuild the folder with `aces build`") from None
    info = json.loads(marker.read_text(encoding="utf-8"))
    if info.get("validated") is not True:
        raise PublishError(
            f"{folder} was built without validating the corpus (`--no-validate`, or by an older aces); rebuild it "
            f"with `aces build --out {folder}` from a corpus that validates"
        )
    version = info["corpus_version"]
    files = tuple(
        (path.relative_to(folder).as_posix(), path.stat().st_size)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    schema_version = info["schema_version"]
    return PublishPlan(
        folder, repo_id, tag or f"v{version}", version, schema_version, files, restricted(info, schema_version)
    )


def restricted(info: dict, schema_version: str) -> dict[str, int]:
    """Licences of the built documents that are not redistributable, with counts (``redistributable`` in
    ``labels.json``; the help of ``aces publish`` says which). A folder whose marker lists no licences (built by
    an older aces) counts as entirely unknown."""
    inventory = labels(schema_version).licenses
    if "licences" not in info:
        return {"(not listed: built by an older aces)": sum(info["rows"]["documents"].values())}
    return {
        name: n for name, n in info["licences"].items() if not inventory.get(name, {}).get("redistributable", False)
    }


def publish(
    the_plan: PublishPlan, *, token: str | None = None, private: bool = False, accept_licence_risk: bool = False
) -> str:
    """Upload the planned folder and tag the commit; returns the commit URL.

    A folder with documents that are not cleared for redistribution is refused unless ``accept_licence_risk``:
    the maintainers, not the tool, decide to publish them."""
    from huggingface_hub import HfApi, get_token

    if the_plan.licence_warning and not accept_licence_risk:
        raise PublishError(
            f"{the_plan.licence_warning}; leave them out of the corpus, or pass {ACCEPT_FLAG} if you hold the right "
            "to publish them"
        )
    if the_plan.corpus_version == UNVERSIONED:
        raise PublishError("the corpus has no version: write one (e.g. 0.1.0) to corpus/VERSION, rebuild, publish")
    token = token or get_token()
    if not token:
        raise PublishError("no Hugging Face token: run `hf auth login` or set HF_TOKEN, then publish again")
    api = HfApi(token=token)
    step = "creating the repository"
    try:
        api.create_repo(the_plan.repo_id, repo_type="dataset", private=private, exist_ok=True)
        step = "checking the tag"
        refs = api.list_repo_refs(the_plan.repo_id, repo_type="dataset")
        if any(t.name == the_plan.tag for t in refs.tags):
            raise PublishError(
                f"tag {the_plan.tag} already exists on {the_plan.repo_id}: bump corpus/VERSION and rebuild, "
                "or pass another --revision"
            )
        step = "uploading"
        commit = api.upload_folder(
            folder_path=the_plan.folder,
            repo_id=the_plan.repo_id,
            repo_type="dataset",
            commit_message=f"ACES corpus {the_plan.corpus_version} (schema {the_plan.schema_version})",
            allow_patterns=[name for name, _ in the_plan.files],
            delete_patterns=["*.parquet", "*/*.parquet"],
        )
        step = f"tagging {the_plan.tag}"
        api.create_tag(
            the_plan.repo_id,
            tag=the_plan.tag,
            revision=commit.oid,
            repo_type="dataset",
            tag_message=f"ACES corpus {the_plan.corpus_version}",
        )
    except PublishError:
        raise
    except Exception as err:  # network, auth, permissions: all reported the same way, without a traceback
        what = f"{type(err).__name__}: {err}"
        raise PublishError(f"publishing to {the_plan.repo_id} failed while {step}: {what}") from err
    return commit.commit_url
