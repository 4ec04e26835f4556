"""A PNG of a report page, drawn by headless Chromium from disk: the picture in the docs is the page itself.

Uses Chromium's own ``--screenshot`` switch (no DevTools client needed) with the switches that keep it offline and
quiet: no GPU, no QUIC, no first-run, no background networking, no component update, no sync, a throwaway profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


class ScreenshotError(RuntimeError):
    """Chromium is missing or did not write the picture; the message says what to do."""


def chromium() -> str:
    """Path of the Chromium binary (Debian's ``chromium``); raises ``ScreenshotError`` when it is not installed."""
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if not found:
        raise ScreenshotError("chromium not found: run scripts/ci/install-chromium.sh (apt-get install chromium)")
    return found


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 1400, timeout: float = 120) -> Path:
    """Draw ``page`` (an HTML file) at ``width``×``height`` CSS pixels into ``png``."""
    png = png.resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aces-chromium-") as profile:
        args = [chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
        args += [f"--screenshot={png}", page.resolve().as_uri()]
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise ScreenshotError(f"chromium did not finish within {timeout} s") from err
    if done.returncode != 0 or not png.is_file():
        raise ScreenshotError(f"chromium exited with {done.returncode} and wrote no {png}: {done.stderr[-800:]}")
    return png
