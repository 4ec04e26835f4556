"""Where the corpus lives: ``$ACES_CORPUS``, else the clone's ``corpus/``, else the copy a wheel carries; and where
an installed package builds (the user cache, never site-packages)."""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from pathlib import Path

PACKAGED = Path(__file__).parent / "data"
"""What a wheel carries beside the code (pyproject.toml's force-include): ``corpus/`` and ``DATASHEET.md``."""
CACHE_NAME = "aces"


class MissingData(FileNotFoundError):
    """Something a command reads is not there (a corpus, its gold files, the schema, a built folder): a usage or
    path problem, reported in one line with exit status 2; the message names what is missing and what to do."""


def repo_root() -> Path:
    """The checkout this package's ``loaders/aces`` sits in (for an installed package: a folder holding nothing)."""
    return Path(__file__).resolve().parents[2]


def in_clone() -> bool:
    """True when this is the ``loaders/aces`` of a checkout: its ``corpus/`` and ``build/`` are used, not the copy
    a wheel carries and the user cache."""
    here = Path(__file__).resolve().parent
    return here.parent.name == "loaders" and (repo_root() / "pyproject.toml").is_file()


def corpus_dir() -> Path:
    """``$ACES_CORPUS``, else ``corpus/`` of the clone, else the corpus packaged in the wheel."""
    if "ACES_CORPUS" in os.environ:
        return Path(os.environ["ACES_CORPUS"])
    return repo_root() / "corpus" if in_clone() else PACKAGED / "corpus"


def cache_dir() -> Path:
    """The user cache of ACES, where the platform keeps caches (platformdirs: ``$XDG_CACHE_HOME/aces`` or
    ``~/.cache/aces`` on Linux, ``~/Library/Caches/aces`` on macOS). Deleting it loses nothing that cannot be
    rebuilt."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(CACHE_NAME, appauthor=False))


def gold_files(corpus: Path | None = None) -> list[Path]:
    return sorted((corpus or corpus_dir()).glob("gold/*.jsonl"))


def require_gold(corpus: Path) -> list[Path]:
    """The gold files of ``corpus``, or ``MissingData`` saying the folder is missing or holds none."""
    files = gold_files(corpus)
    if not files:
        what = "holds no gold/*.jsonl files" if Path(corpus).is_dir() else "does not exist"
        raise MissingData(
            f"{corpus}: the corpus folder {what}; pass --corpus with the corpus directory or set ACES_CORPUS"
        )
    return files


def queue_files(corpus: Path | None = None) -> list[Path]:
    """The records waiting for annotation: ``CORPUS/queue/*.jsonl``."""
    return sorted((corpus or corpus_dir()).glob("queue/*.jsonl"))


# --------------------------------------------------------------------------------------------- names from data
# Ids and paths in records and files are data, not trusted: every file name made from them, and every raw file a
# record points at, goes through here, so nothing leaves the corpus or the output folder.

RAW = "raw"
RAW_READ_LIMIT = 256 * 2**20
"""The largest raw file read (bytes): a record pointing at a device or a huge file is refused, not read."""
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")
"""The schema's ``$defs/doc_id`` pattern (the same in every version): no separator, no leading dot."""


class UnsafePath(ValueError):
    """A name or path taken from data that would leave its folder or is not a regular file; the message says why."""


def doc_file(folder: Path, doc_id: str, suffix: str) -> Path:
    """``folder / (doc_id + suffix)`` for a document id of the schema's form; any other id is refused before a
    path is made (``../x``, ``a/b``, an empty or over-long id)."""
    if not isinstance(doc_id, str) or not _DOC_ID.fullmatch(doc_id):
        raise UnsafePath(f"document id {doc_id!r} is not of the form [a-z0-9][a-z0-9._-]*: no file is named after it")
    return folder / f"{doc_id}{suffix}"


@functools.cache
def _real(folder: str) -> str:
    return os.path.realpath(folder)


def raw_file(corpus: Path, raw_path: str) -> Path:
    """The raw file a record's ``provenance.raw_path`` names: a relative path under ``corpus/raw/`` that stays
    inside it once symlinks are resolved, and names a regular file."""
    parts = raw_path.split("/") if isinstance(raw_path, str) else []
    if len(parts) < 2 or parts[0] != RAW or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise UnsafePath(f"raw_path {raw_path!r} is not raw/<name> inside the corpus")
    path = os.path.join(corpus, *parts)
    root = _real(os.path.join(corpus, RAW))
    real = os.path.realpath(path)
    if not real.startswith(root + os.sep):
        raise UnsafePath(f"raw_path {raw_path!r} leads out of {corpus}/raw/ (through a symlink)")
    return Path(path)


def read_raw(corpus: Path, raw_path: str, limit: int = RAW_READ_LIMIT) -> bytes:
    """The bytes of the raw file ``raw_path`` names (see ``raw_file``), refused if it is not a regular file or is
    larger than ``limit``; ``FileNotFoundError`` when it does not exist."""
    path = raw_file(corpus, raw_path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(f"raw_path {raw_path!r} is not a regular file")
        if info.st_size > limit:
            raise UnsafePath(f"raw file {raw_path!r} has {info.st_size} bytes, over the {limit}-byte limit")
        parts = []
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def why_unreadable(path: Path) -> str | None:
    """Why the file at ``path`` cannot be read, as a predicate ("does not exist", "is a broken symbolic link …") to
    follow the path in a message, in words that point at the fix; None when it can be read.

    A dangling symbolic link is named as one: ``os.access`` and ``stat`` report it as "permission denied" or "no
    such file", which sends the user looking at modes or spellings instead of at the link. Nothing is opened (a
    FIFO would block)."""
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "is a symbolic link loop (the link leads back to itself)"
        if err.errno in (errno.ENOENT, errno.ENOTDIR) and os.path.islink(path):
            return f"is a broken symbolic link (to {os.readlink(path)}, which does not exist)"
        if err.errno == errno.ENOENT:
            return "does not exist"
        if err.errno == errno.EACCES:
            return "cannot be read (permission denied on a folder on its way)"
        return f"cannot be read ({err.strerror})"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None
