"""Push records to a doccano project and pull its export back, through doccano-client 1.1.1 (``beta`` API).

doccano-client 1.2.x pins pydantic<2 and would downgrade spaCy; 1.1.1 installs beside the project's stack. Its
``beta`` client logs in (session + CSRF), creates projects, label types, spans and relations; upload and
export, which it lacks or targets at older servers, go through its authenticated session to doccano 1.8's
``/v1/fp/process/``, ``/upload``, ``/download`` and ``/v1/tasks/status`` endpoints.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests
from doccano_client.beta import DoccanoClient
from doccano_client.beta.controllers.project import ProjectController
from doccano_client.beta.models import Project
from doccano_client.beta.models.projects import ProjectTypes
from doccano_client.beta.models.relation_type import RelationType
from doccano_client.beta.models.span_type import SpanType

from aces.doccano.convert import dumps_jsonl, records_to_doccano, relation_types, span_labels
from aces.record import Record
from aces.schema import labels

UPLOAD_BATCH = 25
"""Documents per uploaded file: small enough for a progress bar that moves, large enough to be quick."""

_PALETTE = ["#1e88e5", "#43a047", "#e53935", "#8e24aa", "#fb8c00", "#00897b", "#6d4c41", "#3949ab", "#c0ca33"]
_EVENT_COLOUR, _STANCE_COLOUR, _OTHER_COLOUR = "#f4511e", "#d81b60", "#757575"


class SyncError(RuntimeError):
    """A push or pull failed for a reason the user can fix; the message is one line that says which."""


@dataclass(frozen=True)
class PushResult:
    project_id: int
    uploaded: int
    skipped: int


def _http_error(err: Exception, what: str) -> SyncError:
    response = getattr(err, "response", None)
    status = f" (HTTP {response.status_code})" if response is not None else ""
    return SyncError(f"{what} failed{status}: {err.__class__.__name__}")


def connect(url: str, username: str, password: str) -> DoccanoClient:
    """A logged-in client; a server that is down or a refused login is a ``SyncError``, not a traceback."""
    if not password:
        raise SyncError("no doccano password: set ACES_DOCCANO_PASSWORD (and ACES_DOCCANO_USER if not admin)")
    client = DoccanoClient(url.rstrip("/"))
    try:
        client.login(username, password)
    except requests.ConnectionError as err:
        raise SyncError(f"no doccano server answers at {url}: start one with `aces doccano serve`") from err
    except (requests.HTTPError, ValueError) as err:
        raise SyncError(
            f"login to {url} as {username!r} failed: check ACES_DOCCANO_USER/ACES_DOCCANO_PASSWORD"
        ) from err
    return client


def find_project(client: DoccanoClient, name: str) -> ProjectController | None:
    try:
        return next((p for p in client.projects.all() if p.project.name == name), None)
    except requests.RequestException as err:
        raise _http_error(err, "listing projects") from err


def _span_colour(version: str, label: str) -> str:
    meaning = span_labels(version)[label]
    if meaning.kind == "mention":
        return _PALETTE[list(labels(version).entity_types).index(meaning.type) % len(_PALETTE)]
    return {"trigger": _EVENT_COLOUR, "stance": _STANCE_COLOUR}.get(meaning.kind, _OTHER_COLOUR)


def ensure_label_types(project: ProjectController, version: str) -> None:
    """Create every span and relation type of schema ``version`` that the project does not have yet."""
    try:
        have_spans = {c.span_type.text for c in project.span_types.all()}
        for label in span_labels(version):
            if label not in have_spans:
                project.span_types.create(SpanType(text=label, background_color=_span_colour(version, label)))
        have_relations = {c.relation_type.text for c in project.relation_types.all()}
        for rtype in relation_types(version):
            if rtype not in have_relations:
                project.relation_types.create(RelationType(text=rtype, background_color=_OTHER_COLOUR))
    except requests.RequestException as err:
        raise _http_error(err, "creating label types") from err


def create_project(client: DoccanoClient, name: str, version: str) -> ProjectController:
    """A SequenceLabeling project with relations and overlapping spans, shared annotations, no grapheme mode.

    Collaborative annotation makes the pushed pre-annotations visible to every annotator; grapheme mode stays
    off because it merges Arabic diacritics into clusters and would move offsets off code points.
    """
    spec = Project(
        name=name,
        description=f"ACES documents, schema {version}. Labels and relations: docs/DOCCANO.md.",
        project_type=ProjectTypes.SEQUENCE_LABELING,
        guideline="See corpus/GUIDELINES.md and docs/DOCCANO.md in the ACES repository.",
        collaborative_annotation=True,
        allow_overlapping=True,
        use_relation=True,
        grapheme_mode=False,
    )
    try:
        project = client.projects.create(spec)
    except requests.RequestException as err:
        raise _http_error(err, f"creating project {name!r}") from err
    ensure_label_types(project, version)
    return project


def pushed_doc_ids(client: DoccanoClient, project: ProjectController) -> set[str]:
    """The ``aces_id`` of every example already in the project."""
    out: set[str] = set()
    url = f"{project.projects_url}/{project.id}/examples"
    params = {"limit": 200, "offset": 0}
    while True:
        response = client.client_session.get(url, params=params)
        if not response.ok:
            raise SyncError(f"listing the examples of project {project.id} failed (HTTP {response.status_code})")
        page = response.json()
        out.update(str(ex.get("meta", {}).get("aces_id")) for ex in page["results"])
        if not page.get("next"):
            return out
        params["offset"] += params["limit"]


def _wait_task(client: DoccanoClient, task_id: str, what: str, timeout: float = 600.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.client_session.get(f"{client.api_url}/tasks/status/{task_id}")
        if not response.ok:
            raise SyncError(f"{what}: task status failed (HTTP {response.status_code})")
        status = response.json()
        if status.get("error"):
            raise SyncError(f"{what} failed on the server: {status['error'].get('text', status['error'])}")
        if status.get("ready"):
            return status.get("result")
        time.sleep(0.5)
    raise SyncError(f"{what}: the server did not finish within {timeout:.0f} s")


def upload_rows(client: DoccanoClient, project_id: int, rows: Sequence[dict], name: str = "aces.jsonl") -> None:
    """Upload one JSONL file (UTF-8 stated explicitly: auto-detection guesses Windows-1254 on short Arabic)."""
    session = client.client_session
    body = dumps_jsonl(rows).encode("utf-8")
    response = session.post(
        f"{client.api_url}/fp/process/",
        files={"filepond": (name, body, "application/octet-stream")},
        headers={"content-type": None, "accept": None},  # multipart, and filepond answers text/plain
    )
    if not response.ok:
        raise SyncError(f"uploading {name} failed (HTTP {response.status_code})")
    payload = {
        "uploadIds": [response.text],
        "format": "JSONL",
        "task": "RelationExtraction",
        "encoding": "utf_8",
        "column_data": "text",
        "column_label": "label",
        "delimiter": "",
    }
    response = session.post(f"{client.api_url}/projects/{project_id}/upload", json=payload)
    if not response.ok:
        raise SyncError(f"importing {name} failed (HTTP {response.status_code}): {response.text[:200]}")
    result = _wait_task(client, response.json()["task_id"], f"importing {name}")
    errors = result.get("error", []) if isinstance(result, dict) else []
    if errors:
        first = errors[0]
        raise SyncError(
            f"doccano rejected {len(errors)} line(s) of {name}, first line {first.get('line')}: {first.get('message')}"
        )


def push(
    client: DoccanoClient,
    project_name: str,
    records: Sequence[Record],
    progress: Callable[[int], None] | None = None,
) -> PushResult:
    """Create the project if needed and upload the records it does not hold yet, with their annotations."""
    if not records:
        raise SyncError("no documents to push")
    versions = {r.schema_version for r in records}
    if len(versions) != 1:
        raise SyncError(f"documents of several schema versions ({', '.join(sorted(versions))}); push them apart")
    version = versions.pop()
    project = find_project(client, project_name)
    if project is None:
        project = create_project(client, project_name, version)
        already: set[str] = set()
    else:
        ensure_label_types(project, version)
        already = pushed_doc_ids(client, project)
    todo = [r for r in records if r.id not in already]
    for start in range(0, len(todo), UPLOAD_BATCH):
        batch = todo[start : start + UPLOAD_BATCH]
        upload_rows(client, project.id, records_to_doccano(batch), f"aces-{start // UPLOAD_BATCH + 1:04d}.jsonl")
        if progress is not None:
            progress(len(batch))
    return PushResult(project.id, len(todo), len(records) - len(todo))


def export_jsonl(client: DoccanoClient, project_name: str) -> str:
    """The project's JSONL export (all examples, approved or not) as text."""
    project = find_project(client, project_name)
    if project is None:
        raise SyncError(f"no project named {project_name!r} on the server")
    session = client.client_session
    url = f"{project.projects_url}/{project.id}/download"
    response = session.post(url, json={"format": "JSONL", "exportApproved": False})
    if not response.ok:
        raise SyncError(f"starting the export of {project_name!r} failed (HTTP {response.status_code})")
    task_id = response.json()["task_id"]
    _wait_task(client, task_id, f"exporting {project_name!r}")
    response = session.get(url, params={"taskId": task_id}, headers={"accept": None})
    if not response.ok:
        raise SyncError(f"downloading the export of {project_name!r} failed (HTTP {response.status_code})")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = [n for n in archive.namelist() if n.endswith(".jsonl")]
        if len(names) != 1:
            raise SyncError(
                f"project {project_name!r} exported {len(names)} JSONL files; ACES projects share annotations "
                "(collaborative annotation on), so there must be exactly one"
            )
        return archive.read(names[0]).decode("utf-8")
