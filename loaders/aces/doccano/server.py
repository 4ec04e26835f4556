"""A local doccano 1.8.4 server on 127.0.0.1: its own venv, SQLite home, admin from the environment, clean stop.

doccano's pins clash with the project's (pydantic, numpy), so the server lives in a virtualenv of its own under
the cache directory, built by ``scripts/doccano/setup_server_venv.sh`` the first time it is needed. It runs as
gunicorn on ``config.wsgi`` bound to 127.0.0.1 (``doccano webserver`` would bind 0.0.0.0), with Celery tasks
executed eagerly inside the web process so no broker or worker is needed. The server process runs in its own
process group, which ``stop`` ends as a whole, and only once ``server.json`` proves it is that server (``state``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from aces.doccano.state import HOST, StateError, Verdict, identify, observe, read_state, state_path, write_state
from aces.paths import cache_dir, repo_root

DOCCANO_VERSION = "1.8.4"
SETUP_SCRIPT = Path("scripts") / "doccano" / "setup_server_venv.sh"

_SETTINGS = '''"""Written by aces.doccano.server: doccano's production settings, Celery run inside the web process."""
import os

from config.settings.production import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_STORE_EAGER_RESULT = True  # the export view reads the task result back from the database
# Uploads wait in the server home, not inside the server venv's site-packages.
DJANGO_DRF_FILEPOND_UPLOAD_TMP = os.path.join(os.environ["DOCCANO_HOME"], "upload-tmp")
DJANGO_DRF_FILEPOND_ALLOW_EXTERNAL_UPLOAD_DIR = True
'''

_MIGRATE = """
import django
from django.core import management

django.setup()
management.call_command("migrate", verbosity=0)
management.call_command("create_roles", verbosity=0)
"""

_BOOTSTRAP = (
    _MIGRATE
    + """
import os
from django.contrib.auth import get_user_model

user, _ = get_user_model().objects.get_or_create(username=os.environ["ACES_DOCCANO_USER"])
user.is_staff = user.is_superuser = True
user.set_password(os.environ["ACES_DOCCANO_PASSWORD"])
user.save()
"""
)


class ServerError(RuntimeError):
    """The server could not be set up, started or reached; the message says what to do."""


def default_venv() -> Path:
    """``ACES_DOCCANO_VENV`` or a venv per doccano and Python version under the cache directory."""
    if os.environ.get("ACES_DOCCANO_VENV"):
        return Path(os.environ["ACES_DOCCANO_VENV"])
    return cache_dir() / f"doccano-{DOCCANO_VERSION}-py{sys.version_info.major}{sys.version_info.minor}"


def default_home() -> Path:
    """``ACES_DOCCANO_HOME`` or ``doccano-home`` under the cache directory (database, uploads, log, pid file)."""
    return Path(os.environ.get("ACES_DOCCANO_HOME") or cache_dir() / "doccano-home")


def ensure_server_venv(venv: Path | None = None, quiet: bool = False) -> Path:
    """Build the server venv if it is missing or outdated (about a minute), else return at once."""
    venv = venv or default_venv()
    script = repo_root() / SETUP_SCRIPT
    if not script.is_file():
        raise ServerError(f"{SETUP_SCRIPT} not found: run aces doccano from a clone of the ACES repository")
    env = dict(os.environ, PYTHON=getattr(sys, "_base_executable", sys.executable))
    result = subprocess.run(["bash", str(script), str(venv)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise ServerError(f"setting up the doccano server venv in {venv} failed:\n{tail}")
    if not quiet and "installed in" in result.stdout:
        print(result.stdout.strip(), file=sys.stderr)
    return venv


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _backend_dir(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages/backend"))
    if not found:
        raise ServerError(f"no doccano backend in {venv}; delete that directory and run again to rebuild it")
    return found[0]


def _secret_key(home: Path) -> str:
    """Django's secret key, made once per home. The file is born owner-only (``os.open`` with mode 0600, never a
    world-readable file chmod'ed later) under a temporary name, then linked into place whole: a crash never leaves
    an empty key, and of two first starts the second reads the key the first made."""
    path = home / "secret_key"
    if not path.exists():
        partial = home / f".secret_key.{os.getpid()}"
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(48).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(partial, path)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return path.read_text(encoding="utf-8").strip()


def _status(url: str) -> int | None:
    """HTTP status of GET ``url`` (None when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, OSError):
        return None


class DoccanoServer:
    """One doccano server: ``with DoccanoServer(home, user, password) as server: server.url``.

    The password is handed to the bootstrap process through its environment, never on a command line or in a log.
    """

    def __init__(
        self, home: Path, username: str, password: str, port: int | None = None, venv: Path | None = None
    ) -> None:
        if not password:
            raise ServerError("no password for the doccano admin: set ACES_DOCCANO_PASSWORD")
        self.home = Path(home).resolve()
        self.username, self.password = username, password
        self.port = port
        self.venv = venv
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.home / "server.log"

    def _env(self, venv: Path) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(
            DOCCANO_HOME=str(self.home),
            DATABASE_URL=f"sqlite:///{self.home / 'db.sqlite3'}",
            MEDIA_ROOT=str(self.home / "media"),
            SECRET_KEY=_secret_key(self.home),
            DJANGO_SETTINGS_MODULE="aces_doccano_settings",
            PYTHONPATH=os.pathsep.join([str(_backend_dir(venv)), str(self.home)]),
            DEBUG="False",
        )
        return env

    def start(self, timeout: float = 90.0) -> DoccanoServer:
        """Set up (venv, database, admin), start gunicorn on 127.0.0.1 and wait until the API answers."""
        venv = self.venv = ensure_server_venv(self.venv)
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "aces_doccano_settings.py").write_text(_SETTINGS, encoding="utf-8")
        (self.home / "upload-tmp").mkdir(exist_ok=True)
        env = self._env(venv)
        backend = _backend_dir(venv)
        database = self.home / "db.sqlite3"
        if not database.exists():
            shutil.copyfile(self._template(venv, env, backend), database)
        self._python(
            venv, env, backend, _BOOTSTRAP, ACES_DOCCANO_USER=self.username, ACES_DOCCANO_PASSWORD=self.password
        )
        self.port = self.port or free_port()
        command = [
            str(venv / "bin" / "gunicorn"),
            f"--bind={HOST}:{self.port}",
            f"--chdir={backend}",
            "--workers=1",
            "--threads=4",
            "--timeout=600",
            "config.wsgi",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=backend, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_ready(timeout)
        write_state(self.home, observe(self.process.pid, self.port))
        return self

    def _python(self, venv: Path, env: dict[str, str], backend: Path, code: str, **extra: str) -> None:
        done = subprocess.run(
            [str(venv / "bin" / "python"), "-c", code],
            cwd=backend,
            env=dict(env, **extra),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-10:])
            raise ServerError(f"initialising the doccano database in {self.home} failed:\n{tail}")

    def _template(self, venv: Path, env: dict[str, str], backend: Path) -> Path:
        """A migrated database without users, kept beside the venv: a new home copies it instead of migrating."""
        template = venv / ".aces-template.sqlite3"
        if not template.exists():
            partial = venv / f".aces-template.{os.getpid()}.sqlite3"  # two first starts must not collide
            partial.unlink(missing_ok=True)
            self._python(venv, dict(env, DATABASE_URL=f"sqlite:///{partial}"), backend, _MIGRATE)
            partial.replace(template)
        return template

    def _wait_ready(self, timeout: float) -> None:
        """Poll ``/v1/me`` until it answers 403 (up, not logged in); ``/v1/health/`` needs a Celery worker."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(f"doccano exited while starting (port {self.port} taken?):\n{self._log_tail()}")
            if _status(f"{self.url}/v1/me") == 403:
                return
            time.sleep(0.25)
        self.stop()
        raise ServerError(f"doccano did not answer on {self.url} within {timeout:.0f} s:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """End the server's whole process group (gunicorn master and workers) and forget its ``server.json``
        (only if it names this server: another server's record in the same home is left alone)."""
        if self.process is None:
            return
        pid = self.process.pid
        stop_group(pid, child=self.process)
        self.process = None
        try:
            if read_state(self.home).pid == pid:
                state_path(self.home).unlink(missing_ok=True)
        except StateError:
            pass

    def __enter__(self) -> DoccanoServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_group(pid: int, grace: float = 10.0, child: subprocess.Popen | None = None) -> bool:
    """SIGTERM the process group led by ``pid``, SIGKILL it after ``grace`` seconds; False if it was gone.

    ``child`` is the leader when this process started it: it must be reaped, or it lingers as a zombie. A pid
    below 2 is refused: ``killpg`` would signal the caller's own group (0), init's (1) or fail (negative).
    """
    if isinstance(pid, bool) or not isinstance(pid, int) or pid < 2:
        raise ValueError(f"refusing to signal process group {pid!r}")
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if child is not None:
            child.poll()
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if child is not None:
        child.wait(timeout=5)
    return True


def running(home: Path | None = None) -> dict | None:
    """The ``{"pid", "port", "url"}`` of a server started by ``aces doccano serve`` in ``home``, if it answers
    (None for no ``server.json``, an unreadable one, or a server that does not answer)."""
    try:
        state = read_state(home or default_home())
    except StateError:
        return None
    if _status(f"{state.url}/v1/me") != 403:
        return None
    return {"pid": state.pid, "port": state.port, "url": state.url}


class NotOurServer(ServerError):
    """``server.json`` names a live process that is not the server it recorded: it was not signalled."""


def stop_recorded(home: Path) -> str:
    """Stop the server ``home/server.json`` records, only if the live process is provably that server; return what
    happened. A stale record (its process gone, or its pid now someone else's) is removed. Raises ``StateError``
    for a missing or unreadable record, ``NotOurServer`` when the pid belongs to another process."""
    state = read_state(home)
    verdict, why = identify(state)
    if verdict is Verdict.OURS:
        # (The check and the signal are two steps: the pid would have to exit and be reused in between.)
        stop_group(state.pid)
        state_path(home).unlink(missing_ok=True)
        return f"stopped doccano at {state.url}"
    state_path(home).unlink(missing_ok=True)
    if verdict is Verdict.GONE:
        return f"doccano at {state.url} was not running ({why}); removed the stale {state_path(home)}"
    raise NotOurServer(f"not stopping pid {state.pid}: {why}; removed the stale {state_path(home)}")
