"""Replace a file's contents so that a reader (or a crash) only ever sees the old bytes or the new ones.

The new bytes go to a temporary file in the same directory (same filesystem, so the rename is atomic), which is
flushed and fsynced, given the old file's permissions, and renamed over the target with ``os.replace``; the
directory is fsynced so the rename itself survives a power cut. On any failure the temporary file is removed
and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
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
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
