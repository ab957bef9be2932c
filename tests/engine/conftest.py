"""Engines against a real room service on 127.0.0.1, every packet on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from app.engine import Engine, EngineConfig, RoomConfig, User
from tests.conftest import APP_ID

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


async def until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Wait until ``predicate()`` holds, polling; fails the test on timeout."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


@pytest.fixture
def engine_config() -> EngineConfig:
    return EngineConfig(
        host_addresses=["127.0.0.1"],
        speaker=False,
        quality_interval=0.5,
        request_timeout=3.0,
        reconnect_timeout=20.0,
        reconnect_backoff=(0.1, 0.5),
        play_timeout=8.0,
    )


@pytest.fixture
async def engines(server, engine_config, token):
    """``await engines("alice")`` -> (engine, recorder), logged in to room-1."""
    made: list[Engine] = []

    async def make(
        user_id: str,
        room: str = "room-1",
        *,
        login: bool = True,
        user_update: bool = True,
        config: EngineConfig | None = None,
        url: str | None = None,
    ) -> tuple[Engine, Recorder]:
        engine = Engine(APP_ID, url or server.url, config or engine_config)
        made.append(engine)
        recorder = Recorder(engine)
        if login:
            ok = await engine.login_room(
                room,
                token(user_id),
                User(user_id, user_id.title()),
                RoomConfig(user_update=user_update),
            )
            assert ok, recorder.sequence
        return engine, recorder

    yield make
    for engine in made:
        await engine.destroy_engine()
