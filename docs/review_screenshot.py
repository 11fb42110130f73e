"""Make docs/review.png, the screenshot of a `licex review` page in docs/cli.md, from a document in
the repository, so that it always shows what the page shows now:

    python docs/review_screenshot.py            # writes docs/review.png
    python docs/review_screenshot.py --document corpus/documents/text-layer/002_3fa2e29c17b4fcd1.pdf -o /tmp/r.png

It runs the installed `licex` (`licex extract --rules-only --text-dir`, then `licex review`) on
the document (a scan by default, so the page images and their boxes show), opens the licence's
page in headless Chromium (Debian's `chromium`; `--no-sandbox`, so it runs as root too; the page
names Noto Sans CJK, which Debian's fonts-noto-cjk installs), clicks the first value the record
flags (or the value of the lowest confidence) so that its box is highlighted, and takes the
screenshot.

`Browser` drives Chromium over the DevTools protocol on a pipe (`--remote-debugging-pipe`): no
port, no package beyond the standard library. tests/test_review_browser.py uses it too.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = "corpus/documents/scanned/000_71bd26811b5d6e82.pdf"
SIZE = (1600, 1000)


class BrowserError(RuntimeError):
    pass


class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol on a pipe. It records
    every request the page makes (`requests`) and every console error and uncaught exception
    (`errors`)."""

    def __init__(self, size: tuple[int, int] = SIZE, reduced_motion: bool = True, timeout: float = 30) -> None:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise BrowserError("chromium is not installed (apt install chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="licex-chromium-")
        commands_read, self._commands = os.pipe()  # we write commands, Chromium reads fd 3
        self._answers, answers_write = os.pipe()  # Chromium writes fd 4, we read

        def pipes() -> None:  # in the child, before exec: the two pipes as fd 3 and fd 4, inherited
            # (first moved above 4: a pipe may already be fd 3 or 4, where dup2 would do nothing)
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, answers_write)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             f"--user-data-dir={self.profile}", f"--window-size={size[0]},{size[1]}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pipes, close_fds=False)
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
        if reduced_motion:
            self.call("Emulation.setEmulatedMedia",
                      {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})

    # --- the protocol ---------------------------------------------------------------------------

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its answer (the events before it are recorded)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def call(self, method: str, params: dict | None = None) -> dict[str, Any]:
        """A command to the page."""
        return self.send(method, params, self.session)

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise BrowserError(f"no answer from chromium in {self.timeout:g} s")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed its pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self._event(message)
        return message

    def _event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        method, params = message["method"], message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params["exceptionDetails"], ensure_ascii=False)[:500])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(json.dumps(params.get("args"), ensure_ascii=False)[:500])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"{params['entry'].get('url', '')}: {params['entry'].get('text', '')}")

    def wait_for(self, method: str) -> dict[str, Any]:
        """The next event `method` (after those already recorded)."""
        seen = len(self.events)
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and event.get("sessionId") == self.session:
                    return event
            seen = len(self.events)
            self._read()

    # --- what a test or the screenshot does -----------------------------------------------------

    def open(self, url: str) -> None:
        """Load `url` and wait until it and its images have loaded."""
        self.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the element `selector` as a user does: the mouse pressed and released at the middle
        of its first box (a link wrapped over two lines has two)."""
        where = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent",
                      {"type": kind, "x": where[0], "y": where[1], "button": "left", "clickCount": 1})
        self.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def screenshot(self, path: Path) -> None:
        Path(path).write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


# The value a screenshot clicks: the first flagged value with evidence, else the value of the
# lowest confidence (marked data-shot for the click).
FIRST_VALUE = """(() => {
  let link = document.querySelector(".flags a[data-jump]");
  if (!link) {
    let lowest = 2;
    document.querySelectorAll(".record .conf").forEach(conf => {
      const value = conf.previousElementSibling, shown = parseFloat(conf.textContent);
      if (value && value.matches("a[data-jump]") && shown < lowest) { lowest = shown; link = value; }
    });
  }
  link = link || document.querySelector(".record a[data-jump]");
  link.setAttribute("data-shot", "");
})()"""


def licex(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "licex.cli", *args], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--document", default=DOCUMENT, help="a PDF or page image in the repository")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "review.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="licex-review-") as work:
        work = Path(work)
        licex("extract", args.document, "--rules-only", "--text-dir", str(work / "texts"), "-o", str(work / "pred.jsonl"))
        licex("review", str(work / "pred.jsonl"), "--text-dir", str(work / "texts"), "-o", str(work / "review"))
        page = next((work / "review" / "licences").glob("*.html"))
        with Browser() as browser:
            browser.open(page.as_uri())
            browser.evaluate(FIRST_VALUE)
            browser.click("[data-shot]")
            time.sleep(2)  # the flash over: the box shown highlighted
            browser.screenshot(args.output)
            if browser.errors:
                raise SystemExit(f"the page logged errors: {browser.errors}")
    print(f"{os.path.relpath(args.output)} <- {args.document}")


if __name__ == "__main__":
    main()
