"""The room service a desktop install runs for itself ("this computer").

Its secret is made once per install and kept in the user's config directory (the file 0600,
the directory 0700, both the user's own), so every ``huddle`` started by that user on this
machine signs tokens the same service accepts: the first one starts the service on 127.0.0.1,
the next ones join it, but only once it has proved it holds that secret (``GET /proof``, see
:mod:`app.protocol.proof`): another user's program listening on the port first gets nothing.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import aiohttp
import platformdirs

from app import APP_ID_NAME
from app.protocol.proof import service_proves

from .rooms import ServiceConfig
from .tokens import MIN_SECRET_BYTES, mint_token
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


class LocalServiceError(Exception):
    pass


def load_or_create_secret(path: Path | None = None) -> bytes:
    """This install's secret: 32 random bytes (hex) in a file only this user can read.

    The directory is made 0700 and the file 0600, both owned by this user. A file that is
    not (another owner, readable by others, not a regular file, empty or too short) is
    replaced by a new secret, with a warning saying why; tokens minted with the old one stop
    working, which is the point.
    """
    path = path or secret_path()
    _private_directory(path.parent)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return _create_secret(path)
    except OSError as exc:  # e.g. a symbolic link (ELOOP)
        return _replace_secret(path, f"it cannot be opened safely ({exc.strerror})")
    try:
        info = os.fstat(fd)
        data = os.read(fd, 4096).strip() if stat.S_ISREG(info.st_mode) else b""
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode):
        return _replace_secret(path, "it is not a regular file")
    if info.st_uid != os.getuid():
        return _replace_secret(path, f"it is owned by user ID {info.st_uid}, not you")
    if info.st_mode & 0o077:
        return _replace_secret(
            path, f"other users could read it (mode {stat.S_IMODE(info.st_mode):04o})"
        )
    if len(data) < MIN_SECRET_BYTES:
        return _replace_secret(path, "it is empty" if not data else f"it is {len(data)} bytes")
    return data


def _private_directory(directory: Path) -> None:
    """Make ``directory`` (0700) or check it is this user's and closed to others."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise LocalServiceError(
            f"{directory} must be a directory of your own to keep this computer's room "
            f"service secret in (it is owned by user ID {info.st_uid}); remove it or set "
            "HUDDLE_CONFIG_DIR."
        )
    if info.st_mode & 0o077:
        log.warning(
            "%s was open to other users (mode %04o); made it 0700",
            directory,
            stat.S_IMODE(info.st_mode),
        )
        directory.chmod(0o700)


def _create_secret(path: Path) -> bytes:
    secret = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another huddle made it first: use theirs (checked)
        return load_or_create_secret(path)
    with os.fdopen(fd, "wb") as f:
        f.write(secret + b"\n")
    return secret


def _replace_secret(path: Path, why: str) -> bytes:
    log.warning(
        "the secret file %s was not safe to use: %s; made a new one (tokens signed with the "
        "old one are refused from now on)",
        path,
        why,
    )
    secret = secrets.token_hex(32).encode()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secret + b"\n")
    os.replace(temporary, path)  # replaces a link or a foreign file, never writes through it
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
        if await huddle_proves(self.port, self.secret):
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


async def huddle_proves(port: int, secret: bytes) -> bool:
    """Is this user's Huddle room service on 127.0.0.1:port? Only a service holding
    ``secret`` answers the challenge; nothing else is sent to whatever listens there."""
    async with aiohttp.ClientSession() as http:
        return await service_proves(http, f"http://{LOCAL_HOST}:{port}", port, secret, 2.0)


async def start_or_join_local(port: int = LOCAL_PORT) -> LocalService:
    """The room service of this computer, started here unless another ``huddle`` runs it.

    Raises LocalServiceError when the port is taken by something that is not Huddle.
    """
    service = LocalService(url=local_url(port), port=port, secret=load_or_create_secret())
    # Only a port taken by someone else needs a second look: it may be a ``huddle`` that
    # started its service just now.
    if await service._start_unless_answered() != "taken" or await huddle_proves(
        port, service.secret
    ):
        return service
    raise LocalServiceError(
        f"Port {port} on this computer is used by a program that could not prove it is your "
        "Huddle room service (another user's Huddle, or another program), so nothing was sent "
        "to it. Close that program, or join another server."
    )
