"""``aces.atomic.replace_bytes``: a new file gets the mode ``open()`` would give it, an existing file keeps its own."""

from __future__ import annotations

import os

from aces.atomic import replace_bytes


def test_modes(tmp_path) -> None:
    old = os.umask(0o027)
    try:
        replace_bytes(tmp_path / "new.txt", b"x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640  # 0666 & ~umask, not mkstemp's 0600
        (tmp_path / "kept.txt").write_bytes(b"a")
        os.chmod(tmp_path / "kept.txt", 0o604)
        replace_bytes(tmp_path / "kept.txt", b"b")
        assert (tmp_path / "kept.txt").stat().st_mode & 0o777 == 0o604
        assert (tmp_path / "kept.txt").read_bytes() == b"b"
    finally:
        os.umask(old)
