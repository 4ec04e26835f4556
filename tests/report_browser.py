"""A real headless Chromium for the report tests, driven over the DevTools protocol with ``websocket-client``.

Chromium's ``--dump-dom``/``--screenshot`` switches cannot report console errors, so the test talks CDP directly: one
websocket to the browser, a page target attached in flat mode, ``Runtime``/``Log``/``Page`` domains on. Chromium is
started with ``--remote-debugging-port=0`` and announces the port it chose in ``DevToolsActivePort`` in its profile,
so parallel test runs never collide on a port. Nothing here installs anything: a missing Chromium is a failure that
names ``scripts/ci/install-chromium.sh``.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import time
from pathlib import Path

import websocket

from aces.report.screenshot import FLAGS  # the same offline, quiet switches as the docs screenshot

CHROMIUM = Path("/usr/bin/chromium")


class Browser:
    """One Chromium process and one page; ``errors`` collects console errors, exceptions and failed loads."""

    def __init__(self, width: int = 1280, height: int = 1400, timeout: float = 60) -> None:
        assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: run scripts/ci/install-chromium.sh first"
        self.timeout = timeout
        self.profile = tempfile.TemporaryDirectory(prefix="aces-cdp-")
        args = [str(CHROMIUM), *FLAGS, f"--user-data-dir={self.profile.name}", f"--window-size={width},{height}"]
        args += ["--remote-debugging-port=0", "about:blank"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self.ws = websocket.create_connection(self._ws_url(), timeout=timeout, suppress_origin=True)
            self.next_id = 0
            self.events: list[dict] = []
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable", session=True)
        except BaseException:
            self.close()
            raise

    def _ws_url(self) -> str:
        announce = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}: {self.process.stderr.read()!r}")
            lines = announce.read_text().split("\n") if announce.is_file() else []
            if len(lines) >= 2 and lines[1]:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise TimeoutError("chromium did not announce its DevTools port")

    def call(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        seen = 0
        while time.monotonic() < deadline:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == self.session:
                    return event
            seen = len(self.events)
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(f"no {method} within {self.timeout} s")

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        self.evaluate("1")  # drain: console messages emitted during load arrive before this reply

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries (failed loads, CSP, …) since the last ``open``."""
        out = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                out.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                out.append(f"log: {entry.get('text')} {entry.get('url', '')}")
        return out

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.profile.cleanup()
