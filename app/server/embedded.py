"""The room service a desktop install runs for itself ("this computer").

Its secret is made once per install and kept in the user's config directory (mode 0600), so
every ``huddle`` started by that user on this machine signs tokens the same service accepts:
the first one starts the service on 127.0.0.1, the next ones join it.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import aiohttp
import platformdirs

from app import APP_ID_NAME

from .rooms import ServiceConfig
from .tokens import mint_token
from .web import RoomServer

log = logging.getLogger("huddle.server")

LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 8765
LOCAL_APP_ID = 1


def local_url(port: int = LOCAL_PORT) -> str:
    """The signalling URL of the room service of this computer on ``port``."""
    return f"ws://{LOCAL_HOST}:{port}/ws"


def config_dir() -> Path:
    return Path(os.environ.get("HUDDLE_CONFIG_DIR") or platformdirs.user_config_path(APP_ID_NAME))


def secret_path() -> Path:
    return config_dir() / "secret"


def load_or_create_secret(path: Path | None = None) -> bytes:
    """This install's secret, created (32 random bytes, hex, mode 0600) on first use."""
    path = path or secret_path()
    try:
        data = path.read_bytes().strip()
        if data:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another huddle made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(secret + b"\n")
    return secret


@dataclass
class LocalService:
    """The room service of this computer: run by this process, or by another ``huddle``."""

    url: str
    port: int
    secret: bytes = field(repr=False)
    server: RoomServer | None = None
    """Set when this process runs it."""

    @property
    def app_id(self) -> int:
        return LOCAL_APP_ID

    def token(self, user_id: str, room_id: str) -> str:
        return mint_token(app_id=LOCAL_APP_ID, secret=self.secret, user_id=user_id, room_id=room_id)

    async def ensure_running(self) -> bool:
        """Start the service here if nobody answers on the port (the ``huddle`` that ran it
        quit). Returns True if this process runs it now."""
        return await self._start_unless_answered() == "here"

    async def _start_unless_answered(self) -> Literal["here", "answered", "taken"]:
        """Where the service runs: "here", "answered" (another ``huddle`` answered on the
        port), or "taken" (the port could not be bound: someone else took it first)."""
        if self.server is not None:
            return "here"
        if await _huddle_answers(self.port):
            return "answered"
        # The page at http://127.0.0.1:PORT/ may mint tokens, for loopback hosts only.
        server = RoomServer(
            ServiceConfig(app_id=LOCAL_APP_ID, secret=self.secret),
            host=LOCAL_HOST,
            port=self.port,
            dev_tokens="local",
        )
        try:
            await server.start()
        except OSError:
            return "taken"
        log.info("now running the room service of this computer on port %d", self.port)
        self.server = server
        return "here"

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            await server.stop()


class LocalServiceError(Exception):
    pass


async def _huddle_answers(port: int) -> bool:
    """Is a Huddle room service answering on 127.0.0.1:port?"""
    try:
        timeout = aiohttp.ClientTimeout(total=2)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.get(f"http://{LOCAL_HOST}:{port}/healthz") as response,
        ):
            body = await response.json(content_type=None)
            return response.status == 200 and body.get("status") == "ok" and "rooms" in body
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError):
        return False


async def start_or_join_local(port: int = LOCAL_PORT) -> LocalService:
    """The room service of this computer, started here unless another ``huddle`` runs it.

    Raises LocalServiceError when the port is taken by something that is not Huddle.
    """
    service = LocalService(url=local_url(port), port=port, secret=load_or_create_secret())
    # Only a port taken by someone else needs a second look: it may be a ``huddle`` that
    # started its service just now.
    if await service._start_unless_answered() != "taken" or await _huddle_answers(port):
        return service
    raise LocalServiceError(
        f"Port {port} on this computer is used by another program, not a Huddle room service."
    )
