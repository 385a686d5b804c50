"""A headless Chromium, driven over the DevTools protocol, to check and photograph the report page.

Used by the report's browser test and by ``tools/update_report_screenshot.py``
(the same code path makes the README's screenshot). The protocol runs over
a pair of pipes (``--remote-debugging-pipe``: JSON messages ended by a NUL
byte on file descriptors 3 and 4), so nothing but the standard library is
needed and no port is opened. The browser gets a fresh profile folder,
which is removed afterwards, and only the process started here is ever
stopped.

Console errors are everything a person would see in the developer tools'
console as an error: ``console.error`` and failed ``console.assert`` calls,
uncaught exceptions, and the browser's own error log (a blocked load, a
Content-Security-Policy violation, a failed request).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# The flags this machine's closed network needs (no background connections), as root in a container.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe")


class BrowserUnavailable(RuntimeError):
    """No Chromium to run."""


class BrowserError(RuntimeError):
    """The browser failed, or answered a command with an error."""


def find_browser() -> str | None:
    """``$THT_GEN_CHROMIUM``, else the first Chromium or Chrome on ``PATH``."""
    given = os.environ.get("THT_GEN_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class ConsoleMessage:
    source: str   # console, exception or log
    level: str
    text: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.source} {self.level}: {self.text}" + (f" ({self.url})" if self.url else "")


@dataclass
class PageLoad:
    url: str
    messages: list[ConsoleMessage] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[ConsoleMessage]:
        return [m for m in self.messages if m.level in ("error", "assert")]


class HeadlessBrowser:
    """One Chromium process and one page (tab) in it; use as a context manager."""

    def __init__(self, executable: str | None = None, *, timeout: float = 30.0) -> None:
        found = executable or find_browser()
        if found is None:
            raise BrowserUnavailable("no Chromium found (install Debian's chromium package, or set "
                                     "THT_GEN_CHROMIUM to a Chromium or Chrome executable)")
        self.executable = found
        self.timeout = timeout
        self._pid: int | None = None
        self._profile: str | None = None
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._session: str | None = None
        self._read_fd = -1
        self._write_fd = -1

    # -- the process -------------------------------------------------------------------------

    def __enter__(self) -> HeadlessBrowser:
        self._profile = tempfile.mkdtemp(prefix="tht-gen-chromium-")
        ours_read, theirs_write = os.pipe()
        theirs_read, ours_write = os.pipe()
        # The browser reads the protocol on descriptor 3 and writes on 4. posix_spawn puts the pipes
        # there without running Python between fork and exec (a preexec_fn would, and Heat's eventlet,
        # when imported, warns about every such fork). Above 10, neither end is 3 or 4 already; all
        # of Python's own descriptors are close-on-exec (PEP 446).
        child_read = fcntl.fcntl(theirs_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_write = fcntl.fcntl(theirs_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(theirs_read)
        os.close(theirs_write)
        argv = [self.executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_DUP2, child_read, 3),
                   (os.POSIX_SPAWN_DUP2, child_write, 4)]
        try:
            self._pid = os.posix_spawn(self.executable, argv, dict(os.environ), file_actions=actions)
        except OSError as exc:
            shutil.rmtree(self._profile, ignore_errors=True)
            raise BrowserUnavailable(f"cannot start {self.executable}: {exc}") from None
        finally:
            os.close(child_read)
            os.close(child_write)
        self._read_fd, self._write_fd = ours_read, ours_write
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._pid is not None and not self._exited(0):
                try:
                    self.call("Browser.close")
                except (BrowserError, OSError):
                    pass
                if not self._exited(10):
                    os.kill(self._pid, signal.SIGKILL)  # the process this object started, by its id
                    self._exited(10)
        finally:
            for fd in (self._read_fd, self._write_fd):
                if fd >= 0:
                    os.close(fd)
            self._read_fd = self._write_fd = -1
            if self._profile:
                shutil.rmtree(self._profile, ignore_errors=True)

    def _exited(self, timeout: float) -> bool:
        """Whether the browser process has ended (reaped), waiting up to ``timeout`` seconds."""
        assert self._pid is not None
        deadline = time.monotonic() + timeout
        while True:
            pid, _status = os.waitpid(self._pid, os.WNOHANG)
            if pid:
                self._pid = None
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    # -- the protocol ------------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: bool = False) -> dict[str, Any]:
        """Send one command and wait for its answer (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        answer = self._read_until(lambda m: m.get("id") == message["id"])
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error'].get('message', answer['error'])}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def _read_until(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return dict(message)
                self._events.append(message)
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._read_fd], [], [], max(remaining, 0))
            if not ready:
                raise BrowserError(f"no answer from the browser in {self.timeout:.0f} s")
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise BrowserError("the browser closed its end of the protocol pipe")
            self._buffer += chunk

    # -- what tests and tools need -------------------------------------------------------------

    def open(self, url: str, *, width: int = 1400, height: int = 1000, javascript: bool = True,
             settle: float = 0.2) -> PageLoad:
        """Load ``url`` in the page at the given viewport and wait for its load event; return what
        the console and the network saw."""
        self._events.clear()
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)
        self.call("Emulation.setScriptExecutionDisabled", {"value": not javascript}, session=True)
        self.call("Page.navigate", {"url": url}, session=True)
        self._read_until(lambda m: m.get("method") == "Page.loadEventFired")
        # Messages logged right after the load event (a script's last lines) arrive shortly after it.
        end = time.monotonic() + settle
        while time.monotonic() < end:
            self.call("Runtime.evaluate", {"expression": "1"}, session=True)
            time.sleep(0.05)
        load = PageLoad(url)
        for event in self._events:
            load_event(load, event)
        return load

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values only)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        """A PNG of the viewport, or of ``clip`` ({x, y, width, height} in page coordinates)."""
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.call("Page.captureScreenshot", params, session=True)["data"])


def load_event(load: PageLoad, event: dict[str, Any]) -> None:
    method = event.get("method")
    params = event.get("params", {})
    if method == "Runtime.consoleAPICalled":
        text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
        level = {"warning": "warning", "error": "error", "assert": "assert"}.get(params.get("type"), "info")
        load.messages.append(ConsoleMessage("console", level, text))
    elif method == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        text = details.get("exception", {}).get("description") or details.get("text", "")
        load.messages.append(ConsoleMessage("exception", "error", text, details.get("url", "")))
    elif method == "Log.entryAdded":
        entry = params.get("entry", {})
        load.messages.append(ConsoleMessage("log", entry.get("level", "info"), entry.get("text", ""),
                                            entry.get("url", "")))
    elif method == "Network.requestWillBeSent":
        load.requests.append(params.get("request", {}).get("url", ""))


SCREENSHOT_SIZE = (1400, 1150)


def photograph_report(html_path: str | os.PathLike[str], *, executable: str | None = None,
                      size: tuple[int, int] = SCREENSHOT_SIZE) -> tuple[PageLoad, bytes, dict[str, Any]]:
    """Open a report page, and return what loading it logged, a PNG of its top (the header, the
    diagram and the start of the matrix) and facts about the matrix as the browser laid it out."""
    url = Path(html_path).resolve().as_uri()
    with HeadlessBrowser(executable) as browser:
        load = browser.open(url, width=size[0], height=size[1])
        facts = browser.evaluate(MATRIX_FACTS)
        png = browser.screenshot({"x": 0, "y": 0, "width": size[0], "height": size[1]})
    return load, png, facts


# The matrix as laid out: its box, its rows and cells, and where one "runs" cell is drawn.
MATRIX_FACTS = """(() => {
  const table = document.getElementById('matrix-table');
  if (!table) { return null; }
  const box = table.getBoundingClientRect();
  const on = table.querySelector('td.on');
  const cell = on ? on.getBoundingClientRect() : null;
  return {
    top: box.top + window.scrollY, left: box.left, width: box.width, height: box.height,
    rows: table.tBodies[0].rows.length, roles: table.querySelectorAll('th.role').length,
    on: table.querySelectorAll('td.on').length,
    onCell: cell ? {x: cell.left, y: cell.top + window.scrollY, width: cell.width, height: cell.height} : null,
    onColour: on ? getComputedStyle(on).backgroundColor : null,
    toolsVisible: !document.getElementById('matrix-tools').hidden,
  };
})()"""
