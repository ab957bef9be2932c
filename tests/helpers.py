"""Helpers shared by the test packages and by ``tests/ui/screenshots.py``.

A plain module: it imports no conftest, so the screenshot script (run outside pytest, on a
real X server) can use it without picking up the test session's settings.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.engine import CustomConfig, Engine, EngineConfig, LocalStream, RoomConfig, User

if TYPE_CHECKING:
    from app.ui.app import HuddleApp

TEST_ENGINE_CONFIG = EngineConfig(
    host_addresses=["127.0.0.1"],
    speaker=False,
    quality_interval=0.5,
    request_timeout=3.0,
)
"""Loopback only, no speaker, quick quality events and requests. Engines change their config
(the app sets ``speaker``): give each engine its own copy, ``dataclasses.replace(...)``."""

PATTERN_AND_TONE = CustomConfig(video="pattern", audio="tone")


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds, polling; fails the test on timeout."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Clock:
    """A fake clock for code that takes ``clock=``: reads ``now``, moved by the test."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


SEQUENCE_EVENTS = (
    "roomStateChanged",
    "roomUserUpdate",
    "roomStreamUpdate",
    "publisherStateUpdate",
    "playerStateUpdate",
    "remoteCameraStatusUpdate",
    "remoteMicStatusUpdate",
    "roomStreamExtraInfoUpdate",
    "IMRecvBroadcastMessage",
    "IMRecvBarrageMessage",
    "IMRecvCustomCommand",
)
OTHER_EVENTS = (
    "publishQualityUpdate",
    "playQualityUpdate",
    "capturedSoundLevelUpdate",
    "soundLevelUpdate",
    "deviceError",
)


def _summary(event: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """A compact, comparable form of an event for asserting whole sequences."""
    if event == "roomStateChanged":
        return ("room", str(args[1]), args[2])
    if event == "roomUserUpdate":
        return ("user", str(args[1]), sorted(u.user_id for u in args[2]))
    if event == "roomStreamUpdate":
        return ("stream", str(args[1]), sorted(s.stream_id for s in args[2]))
    if event in ("publisherStateUpdate", "playerStateUpdate"):
        kind = "publisher" if event == "publisherStateUpdate" else "player"
        return (kind, args[0].stream_id, str(args[0].state), args[0].error_code)
    if event == "remoteCameraStatusUpdate":
        return ("camera", args[0], str(args[1]))
    if event == "remoteMicStatusUpdate":
        return ("mic", args[0], str(args[1]))
    if event == "roomStreamExtraInfoUpdate":
        return ("extra", [(s.stream_id, s.extra_info) for s in args[1]])
    if event == "IMRecvCustomCommand":
        return ("command", args[1].user_id, args[2])
    kind = "broadcast" if event == "IMRecvBroadcastMessage" else "barrage"
    return (kind, [(c.from_user.user_id, c.message) for c in args[1]])


class Recorder:
    """Everything an engine emitted, in order."""

    def __init__(self, engine: Engine) -> None:
        self.raw: list[tuple[str, tuple[Any, ...]]] = []
        for event in SEQUENCE_EVENTS + OTHER_EVENTS:
            engine.on(event, lambda *args, e=event: self.raw.append((e, args)))

    @property
    def sequence(self) -> list[tuple[Any, ...]]:
        return [_summary(e, a) for e, a in self.raw if e in SEQUENCE_EVENTS]

    def of(self, event: str) -> list[tuple[Any, ...]]:
        return [a for e, a in self.raw if e == event]

    def take(self) -> list[tuple[Any, ...]]:
        """The sequence so far, then start afresh."""
        got = self.sequence
        self.raw.clear()
        return got


async def join_guest(
    app: HuddleApp,
    user_id: str,
    name: str,
    *,
    source: CustomConfig | None = PATTERN_AND_TONE,
    config: EngineConfig = TEST_ENGINE_CONFIG,
    made: list[Engine] | None = None,
) -> tuple[Engine, Recorder, LocalStream | None]:
    """Another user in the app's room: a real engine on the app's embedded service, logged in
    and, given a ``source``, publishing it as ``{user_id}-cam``. The engine is added to
    ``made`` (for the caller to destroy) before anything can fail."""
    local, request = app.controller.local, app.controller.request
    engine = Engine(local.app_id, local.url, replace(config))
    if made is not None:
        made.append(engine)
    recorder = Recorder(engine)
    token = local.token(user_id, request.room_id)
    assert await engine.login_room(
        request.room_id, token, User(user_id, name), RoomConfig(user_update=True)
    )
    stream = None
    if source is not None:
        stream = await engine.create_stream(custom=source)
        await engine.start_publishing_stream(f"{user_id}-cam", stream)
    return engine, recorder, stream
