"""The browser side of the room service: the web app at ``/``, the JavaScript SDK at
``/sdk/huddle-express.js``, and (only when asked for) development tokens at
``POST /api/dev-token``.

Everything here is served with a strict Content-Security-Policy: scripts, styles and media
from this origin only, sockets to this origin only, no inline code, no framing. The files live
in ``web/`` at the top of the source tree (``sys._MEIPASS/web`` in the installed bundle).

Development tokens let the page log in without an app backend. They are off by default. When
on, a token is minted only for a same-origin ``POST`` with a JSON body (a cross-site page cannot
send one without a CORS preflight, which this service never grants) whose ``Host`` is one the
service expects (so a DNS-rebinding site that points its own name at this service is refused).
``docs/web.md`` says what that still exposes.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import msgspec
from aiohttp import web

from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError

from .tokens import mint_token

log = logging.getLogger("huddle.server")

DevTokens = Literal["off", "local", "on"]
"""``off``: no tokens. ``local``: only to pages on a loopback host (the desktop app's own
service). ``on`` (``huddle-server --dev-tokens``): also to pages on the host it listens on."""

DEV_TOKEN_TTL = 3600
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self' {sockets}; font-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(self), display-capture=(self), "
    "geolocation=(), payment=(), usb=()",
    "Cache-Control": "no-cache",
}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_APP_FILES = ("app.js", "app.css", "icon.svg")


def web_root() -> Path:
    """Where ``web/`` is: in the bundle (the .deb), beside ``app/`` in a source tree, or under
    ``share/huddle`` of the environment a wheel was installed into."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "web"
    source = Path(__file__).resolve().parents[2] / "web"
    if source.is_dir():
        return source
    return Path(sys.prefix) / "share" / "huddle" / "web"


@dataclass(frozen=True)
class PageConfig:
    app_id: int
    secret: bytes
    dev_tokens: DevTokens = "off"
    listen_host: str = "127.0.0.1"


PAGE_CONFIG_KEY = web.AppKey("pages", PageConfig)


def _headers(request: web.Request, path: Path) -> dict[str, str]:
    headers = dict(SECURITY_HEADERS)
    headers["Content-Type"] = _TYPES.get(path.suffix, "application/octet-stream")
    if path.suffix == ".html":
        # CSP 'self' covers ws:/wss: of this host in current browsers; name them for older ones.
        host = request.host
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(
            sockets=f"ws://{host} wss://{host}"
        )
    else:
        # The SDK may be loaded by a developer's page on another origin.
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return headers


def _file(request: web.Request, relative: str) -> web.StreamResponse:
    path = web_root() / relative
    if not path.is_file():
        log.warning("the web files are missing: %s", path)
        raise web.HTTPNotFound(text=f"{relative} is not installed with this room service.\n")
    return web.Response(body=path.read_bytes(), headers=_headers(request, path))


async def _index(request: web.Request) -> web.StreamResponse:
    return _file(request, "app/index.html")


async def _app_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in _APP_FILES:
        raise web.HTTPNotFound()
    return _file(request, f"app/{name}")


async def _favicon(request: web.Request) -> web.StreamResponse:
    return _file(request, "app/icon.svg")


async def _sdk(request: web.Request) -> web.StreamResponse:
    return _file(request, "sdk/huddle-express.js")


class _DevTokenRequest(msgspec.Struct, forbid_unknown_fields=False):
    room_id: str
    user_id: str


def _refuse(status: int, code: ErrorCode, message: str | None = None) -> web.Response:
    body = {"code": int(code), "name": code.name, "message": message or code.message}
    return web.json_response(body, status=status, headers=SECURITY_HEADERS)


def _host_allowed(config: PageConfig, hostname: str) -> bool:
    if hostname in LOOPBACK_NAMES:
        return True
    if config.dev_tokens != "on":
        return False
    listen = config.listen_host.strip("[]")
    try:
        wildcard = ipaddress.ip_address(listen).is_unspecified
    except ValueError:
        wildcard = False
    return wildcard or hostname == listen


async def _dev_token(request: web.Request) -> web.Response:
    config = request.app[PAGE_CONFIG_KEY]
    if config.dev_tokens == "off":
        return _refuse(403, ErrorCode.DEV_TOKENS_DISABLED)
    host = request.host
    hostname = (request.url.host or "").strip("[]")
    origin = request.headers.get("Origin")
    if (
        not _host_allowed(config, hostname)
        or origin not in (f"http://{host}", f"https://{host}")
        or request.content_type != "application/json"
    ):
        log.warning("dev token refused: host=%r origin=%r", host, origin)
        return _refuse(403, ErrorCode.DEV_TOKEN_REFUSED)
    try:
        asked = msgspec.json.decode(await request.read(), type=_DevTokenRequest)
        token = mint_token(
            app_id=config.app_id,
            secret=config.secret,
            user_id=asked.user_id,
            room_id=asked.room_id,
            ttl=DEV_TOKEN_TTL,
        )
    except ProtocolError as exc:
        return _refuse(400, exc.code, exc.message)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return _refuse(400, ErrorCode.BAD_MESSAGE, f"{ErrorCode.BAD_MESSAGE.message} {exc}")
    log.info("dev token minted for %r in room %r", asked.user_id, asked.room_id)
    return web.json_response(
        {"app_id": config.app_id, "token": token, "expires_in": DEV_TOKEN_TTL},
        headers=SECURITY_HEADERS,
    )


def add_page_routes(app: web.Application, config: PageConfig) -> None:
    """Serve the web app, the SDK and (when ``config.dev_tokens`` says so) dev tokens."""
    app[PAGE_CONFIG_KEY] = config
    app.router.add_get("/", _index)
    app.router.add_get("/app/{name}", _app_file)
    app.router.add_get("/favicon.ico", _favicon)
    app.router.add_get("/sdk/huddle-express.js", _sdk)
    app.router.add_post("/api/dev-token", _dev_token)
    if config.dev_tokens != "off":
        log.warning(
            "DEV TOKENS ARE ON (%s): pages on %s may mint a token for any user in any room. "
            "Use only for development or on a single-user machine.",
            config.dev_tokens,
            "loopback hosts" if config.dev_tokens == "local" else "this service's host",
        )
