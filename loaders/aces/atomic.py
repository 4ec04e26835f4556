"""Replace an output, file or folder, so that a reader (or a crash) only ever sees the old one or the new one.

Every writer of ACES goes through here:

- ``replace_bytes``: the new bytes go to a temporary file in the same directory (same filesystem, so the rename
  is atomic), which is flushed and fsynced, given the old file's permissions, and renamed over the target with
  ``os.replace``; the directory is fsynced so the rename itself survives a power cut. On any failure the
  temporary file is removed and the target is left as it was.
- ``staging_folder`` + ``replace_folder``: a folder output is written whole into a hidden staging folder beside
  it, then swapped into place in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, undone
  on failure). Whatever a killed run left (``.NAME.<purpose>-*`` staging folders, ``.NAME.old-*`` folders) is
  removed by the next run (``clean_leftovers``), which first puts back an old folder a kill left aside.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".aces-tmp"
"""Temporary files end with this (never ``.jsonl``, so no reader of a corpus directory picks one up)."""


def write_all(handle: BinaryIO, data: bytes) -> None:
    """Write every byte (a separate function so tests can make it fail half-way)."""
    view = memoryview(data)
    while view:
        written = handle.write(view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some filesystems do not open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def replace_bytes(path: Path, data: bytes) -> None:
    """Make ``path`` hold exactly ``data``, atomically; raises ``OSError`` and leaves ``path`` as it was on failure."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        # The mode the file has, or, for a new file, the one open() would give it (mkstemp makes 0600).
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


# --------------------------------------------------------------------------------------------- folders

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _renameat2() -> object | None:
    """libc's ``renameat2``, where the platform has it (Linux, glibc 2.28+); else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        call = libc.renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return call


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False when the system cannot (then nothing changed)."""
    call = _renameat2()
    if call is None:
        return False
    status = call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if status != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the filesystem or kernel cannot exchange
            return False
        raise OSError(errno, os.strerror(errno), str(a))
    return True


STAGING_PURPOSES = ("building", "assembling", "exporting")
"""What a staging folder is for (``.NAME.<purpose>-*``): only these, and set-aside ``.NAME.old-*`` folders, are a
killed run's leftovers; other hidden folders beside an output (a sharded build's parts) are someone's work."""


def clean_leftovers(out_dir: Path) -> None:
    """Remove what killed runs left beside ``out_dir``; if ``out_dir`` is missing but an old copy was set aside
    (a kill between two renames), put the newest old copy back first. Call it holding the folder's lock."""
    out_dir = Path(out_dir)
    parent = out_dir.parent
    if not parent.is_dir():
        return
    prefix = f".{out_dir.name}."
    olds = sorted((p for p in parent.iterdir() if p.name.startswith(prefix + "old-")), key=lambda p: p.stat().st_mtime)
    if not out_dir.exists() and olds:
        olds.pop().replace(out_dir)
    leftovers = tuple(f"{prefix}{purpose}-" for purpose in (*STAGING_PURPOSES, "old"))
    for path in parent.iterdir():
        if path.name.startswith(leftovers) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def staging_folder(out_dir: Path, purpose: str) -> Iterator[Path]:
    """A new hidden folder beside ``out_dir`` (same filesystem, so it can be swapped into place), removed if the
    block fails. The block holds a lock on the folder that holds ``out_dir`` (``flock``, released when the process
    ends, even by a kill): a second writer there waits, so two runs never race. Leftovers of killed runs are
    cleaned once the lock is held."""
    import fcntl

    if purpose not in STAGING_PURPOSES:
        raise ValueError(f"staging purpose {purpose!r} is not one of {STAGING_PURPOSES}")
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(out_dir.parent, os.O_RDONLY)  # the parent directory itself is the lock: nothing is left behind
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        clean_leftovers(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{purpose}-", dir=out_dir.parent))
        staging.chmod(0o755)
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        os.close(lock)  # (closing the descriptor releases the lock)


def replace_folder(staging: Path, out_dir: Path) -> None:
    """Put the finished ``staging`` folder at ``out_dir``: ``out_dir`` is always the previous folder or the new
    one, never half-written. With an atomic exchange there is no moment without ``out_dir``; with two renames, a
    kill between them leaves the old folder as ``.NAME.old-*``, which the next ``staging_folder`` puts back."""
    staging, out_dir = Path(staging), Path(out_dir)
    if not out_dir.exists():
        staging.replace(out_dir)
        _fsync_dir(out_dir.parent)
        return
    if exchange(staging, out_dir):
        _fsync_dir(out_dir.parent)
        shutil.rmtree(staging, ignore_errors=True)  # (the old folder, now under the staging name)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    aside.rmdir()  # a unique free name beside out_dir
    out_dir.replace(aside)
    try:
        staging.replace(out_dir)
    except BaseException:
        aside.replace(out_dir)
        raise
    _fsync_dir(out_dir.parent)
    shutil.rmtree(aside, ignore_errors=True)
