"""Headless Chromium driven over the Chrome DevTools Protocol, with aiohttp's websocket client.

No Selenium or Playwright: they download browsers, and this machine reaches no browser
downloads. Debian's ``chromium`` runs with fake camera and microphone (Chromium's own
animated pattern at 30 fps and a beep) and with ICE allowed on loopback, in a temporary
profile that is removed when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable
from typing import Any

import aiohttp

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--use-fake-ui-for-media-stream",
    # Two fake cameras (the web app's picker switches between them), 30 fps.
    "--use-fake-device-for-media-stream=device-count=2,fps=30",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--mute-audio",
    "--window-size=1280,800",
)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class CdpError(RuntimeError):
    pass


class Page:
    """One tab: evaluate JavaScript, wait for conditions, read the console."""

    def __init__(self, browser: Chromium, session_id: str, target_id: str) -> None:
        self.browser = browser
        self.session_id = session_id
        self.target_id = target_id
        self.console: list[str] = []
        self.errors: list[str] = []

    async def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.browser.send(method, params, session_id=self.session_id)

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            text = " ".join(
                str(a.get("value", a.get("description", a.get("type")))) for a in params["args"]
            )
            self.console.append(f"{params['type']}: {text}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            if entry.get("level") == "error" or entry.get("source") == "security":
                self.errors.append(f"{entry.get('source')}: {entry.get('text')}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            exc = details.get("exception", {})
            self.errors.append(exc.get("description") or details.get("text", "?"))

    async def evaluate(self, expression: str, *, timeout: float = 30.0) -> Any:
        """The value of a JavaScript expression (promises awaited), returned by value."""
        result = await asyncio.wait_for(
            self.send(
                "Runtime.evaluate",
                {"expression": expression, "awaitPromise": True, "returnByValue": True},
            ),
            timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CdpError(f"{expression[:80]!r} threw: {text}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, *, timeout: float = 30.0) -> Any:
        """Poll until the expression is truthy; returns its value. Fails with the console."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if loop.time() > deadline:
                raise AssertionError(
                    f"timed out waiting for {expression!r}; console: {self.console[-15:]}; "
                    f"errors: {self.errors[-5:]}"
                )
            await asyncio.sleep(0.1)

    async def fill(self, selector: str, value: str) -> None:
        await self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" el.value = {json.dumps(value)}; el.dispatchEvent(new Event('input')); }})()"
        )

    async def navigate(self, url: str) -> None:
        """Open ``url`` and wait until its page has loaded."""
        await self.send("Page.navigate", {"url": url})
        await self.wait_for(
            f"location.href === {json.dumps(url)} && document.readyState === 'complete'"
        )

    async def add_init_script(self, source: str) -> None:
        await self.send("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    async def click(self, selector: str) -> None:
        """A real mouse click at the element's centre (a user gesture, unlike el.click())."""
        box = await self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.browser.send("Target.closeTarget", {"targetId": self.target_id})


class Chromium:
    """``async with Chromium() as browser: page = await browser.new_page(url)``."""

    def __init__(self, flags: tuple[str, ...] = CHROMIUM_FLAGS) -> None:
        self.flags = flags
        self._proc: asyncio.subprocess.Process | None = None
        self._profile: str | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._pages: dict[str, Page] = {}
        self.listeners: list[Callable[[str, dict[str, Any], str | None], None]] = []
        self._stderr: asyncio.Task[None] | None = None

    async def start(self) -> None:
        path = chromium_path()
        if path is None:
            raise RuntimeError("chromium is not installed (bash tests/run installs it)")
        self._profile = tempfile.mkdtemp(prefix="huddle-chromium-")
        self._proc = await asyncio.create_subprocess_exec(
            path,
            *self.flags,
            "--remote-debugging-port=0",
            f"--user-data-dir={self._profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        url = await asyncio.wait_for(self._devtools_url(), 60)
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(url, max_msg_size=0)
        self._reader = asyncio.create_task(self._read(), name="cdp-reader")

    async def _devtools_url(self) -> str:
        assert self._proc is not None and self._proc.stderr is not None
        seen: list[str] = []
        while True:
            line = await self._proc.stderr.readline()
            if not line:
                raise RuntimeError(f"chromium exited before listening: {seen[-10:]}")
            text = line.decode(errors="replace").strip()
            seen.append(text)
            found = re.search(r"DevTools listening on (ws://\S+)", text)
            if found:
                # Keep draining stderr so Chromium never blocks on a full pipe.
                self._stderr = asyncio.create_task(self._drain_stderr(), name="chromium-stderr")
                return found.group(1)

    async def _drain_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while await self._proc.stderr.readline():
            pass

    async def _read(self) -> None:
        assert self._ws is not None
        async for msg in self._ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    if "error" in data:
                        future.set_exception(CdpError(str(data["error"])))
                    else:
                        future.set_result(data.get("result", {}))
                continue
            session = data.get("sessionId")
            page = self._pages.get(session or "")
            if page is not None:
                page._event(data["method"], data.get("params", {}))
            for listener in self.listeners:
                listener(data["method"], data.get("params", {}), session)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(CdpError("the browser closed the DevTools socket"))

    async def send(
        self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None
    ) -> dict[str, Any]:
        assert self._ws is not None
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[message_id] = future
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        await self._ws.send_str(json.dumps(message))
        return await asyncio.wait_for(future, 60)

    async def new_page(self, url: str | None = None, *, init_script: str | None = None) -> Page:
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        page = Page(self, attached["sessionId"], target["targetId"])
        self._pages[page.session_id] = page
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        await page.send("Log.enable")
        if init_script:
            await page.add_init_script(init_script)
        if url:
            await page.navigate(url)
        return page

    async def stop(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self.send("Browser.close")
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._http is not None:
            await self._http.close()
        proc = self._proc
        if proc is not None and proc.returncode is None:
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)

    async def __aenter__(self) -> Chromium:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


# Records every event the SDK emits, before any page script runs: wraps the engine's one
# emitter (test-only knowledge of the SDK's private `_emit`).
RECORD_EVENTS = r"""
window.__events = [];
window.__engines = [];
(() => {
  let engine;
  Object.defineProperty(window, 'ZegoExpressEngine', {
    configurable: true,
    get() { return engine; },
    set(cls) {
      engine = cls;
      const emit = cls.prototype._emit;
      cls.prototype._emit = function (event, ...args) {
        if (!window.__engines.includes(this)) window.__engines.push(this);
        const plain = JSON.parse(JSON.stringify(args, (k, v) =>
          v instanceof MediaStream || v instanceof Node ? '<object>' : v));
        window.__events.push([event, plain, performance.now()]);
        return emit.call(this, event, ...args);
      };
    },
  });
})();
"""

# Counts frames painted by every <video> in the page (requestVideoFrameCallback).
COUNT_FRAMES = r"""
window.__frames = new Map();
window.__countFrames = (video) => {
  if (window.__frames.has(video)) return;
  const entry = {count: 0, first: null, width: 0, height: 0};
  window.__frames.set(video, entry);
  const tick = (now, meta) => {
    entry.count += 1;
    if (entry.first === null) entry.first = now;
    entry.width = meta.width; entry.height = meta.height;
    video.requestVideoFrameCallback(tick);
  };
  video.requestVideoFrameCallback(tick);
};
new MutationObserver(() => document.querySelectorAll('video').forEach(window.__countFrames))
  .observe(document, {childList: true, subtree: true});
"""

# Reads the stamp Huddle's test pattern carries (app/media/pattern.py) from a <video>: the
# frame counter, checked by its CRC-16, or null.
READ_STAMP = r"""
window.__readStamp = (video) => {
  const w = video.videoWidth, h = video.videoHeight;
  if (!w || !h) return null;
  const canvas = window.__stampCanvas || (window.__stampCanvas = document.createElement('canvas'));
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.drawImage(video, 0, 0, w, h);
  const cell = w / 40, band = Math.round(cell * 3), r = Math.max(1, Math.floor(cell / 4));
  const px = ctx.getImageData(0, 0, w, band).data;
  let value = 0n;
  for (let i = 0; i < 104; i++) {
    const y = Math.floor((Math.floor(i / 40) + 0.5) * cell), x = Math.floor((i % 40 + 0.5) * cell);
    let sum = 0, n = 0;
    for (let yy = y - r; yy < y + r; yy++) for (let xx = x - r; xx < x + r; xx++) {
      const o = (yy * w + xx) * 4;
      sum += 0.299 * px[o] + 0.587 * px[o + 1] + 0.114 * px[o + 2]; n++;
    }
    value = (value << 1n) | (sum / n > 128 ? 1n : 0n);
  }
  if ((value >> 96n) !== 0xB2n) return null;
  const counter = (value >> 64n) & 0xFFFFFFFFn, time = (value >> 16n) & ((1n << 48n) - 1n);
  const bytes = [];
  for (let s = 24n; s >= 0n; s -= 8n) bytes.push(Number((counter >> s) & 0xFFn));
  for (let s = 40n; s >= 0n; s -= 8n) bytes.push(Number((time >> s) & 0xFFn));
  let crc = 0xFFFF;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let k = 0; k < 8; k++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
  }
  return Number(value & 0xFFFFn) === crc ? Number(counter) : null;
};
window.__collectStamps = (video, count, maxMs) => new Promise((resolve) => {
  // Read frames as they are painted until `count` distinct stamps (or `maxMs` passed).
  const stamps = []; let unreadable = 0; const end = performance.now() + maxMs;
  const tick = () => {
    const s = window.__readStamp(video);
    if (s === null) unreadable++; else stamps.push(s);
    if (new Set(stamps).size < count && performance.now() < end) {
      video.requestVideoFrameCallback(tick);
    } else resolve({stamps, unreadable});
  };
  video.requestVideoFrameCallback(tick);
});
"""
