"""Engines against a real room service on 127.0.0.1, every packet on loopback."""

from __future__ import annotations

from dataclasses import replace

import av
import numpy as np
import pytest

from app.engine import Engine, EngineConfig, RemoteStream, RoomConfig, User
from app.media import read_stamp
from app.server import RoomServer, ServiceConfig
from app.server.janus import JanusRouter
from tests.conftest import APP_ID
from tests.helpers import TEST_ENGINE_CONFIG, Recorder

BOTH_TRANSPORTS = {"test_call", "test_lifecycle", "test_resume"}
"""Modules whose tests run twice: peer to peer, and through a real Janus (SFU)."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if "media_mode" in metafunc.fixturenames and module in BOTH_TRANSPORTS:
        metafunc.parametrize("media_mode", ["p2p", "sfu"], indirect=True)


@pytest.fixture
def media_mode(request: pytest.FixtureRequest) -> str:
    """``p2p`` or ``sfu``: how the service routes the media (``sfu``: through Janus)."""
    return getattr(request, "param", "p2p")


def _sfu_router(request: pytest.FixtureRequest, media_mode: str) -> JanusRouter | None:
    if media_mode != "sfu":
        return None
    janus = request.getfixturevalue("janus")
    return JanusRouter([janus.url], api_secret=janus.api_secret)


@pytest.fixture
async def server(service_config: ServiceConfig, media_mode: str, request: pytest.FixtureRequest):
    async with RoomServer(service_config, sfu=_sfu_router(request, media_mode)) as running:
        yield running


@pytest.fixture
async def room_server(
    service_config: ServiceConfig, media_mode: str, request: pytest.FixtureRequest
):
    """``await room_server(port=0, config=None)``, routing media by ``media_mode``; every one is
    stopped at teardown."""
    started: list[RoomServer] = []

    async def start(*, port: int = 0, config: ServiceConfig | None = None) -> RoomServer:
        running = RoomServer(
            config or service_config, port=port, sfu=_sfu_router(request, media_mode)
        )
        started.append(running)
        await running.start()
        return running

    yield start
    for running in started:
        await running.stop()


class Received:
    """Decoded frames of a played stream: stamps read from the video, samples of the audio."""

    def __init__(self, remote: RemoteStream) -> None:
        self.stamps: list[int] = []
        self.unreadable = 0
        self.samples: list[np.ndarray] = []
        self.luma: list[float] = []
        remote.add_video_sink(self._video)
        remote.add_audio_sink(self._audio)

    def _video(self, frame: av.VideoFrame) -> None:
        stamp = read_stamp(frame)
        if stamp is None:
            self.unreadable += 1
        else:
            self.stamps.append(stamp.counter)
        luma = np.frombuffer(frame.planes[0], np.uint8)
        self.luma.append(float(luma.mean()))

    def _audio(self, frame: av.AudioFrame) -> None:
        data = frame.to_ndarray().reshape(-1, len(frame.layout.channels)).mean(axis=1)
        self.samples.append(data)

    @property
    def audio(self) -> np.ndarray:
        return np.concatenate(self.samples) if self.samples else np.zeros(0)


@pytest.fixture
def engine_config(media_mode: str) -> EngineConfig:
    return replace(
        TEST_ENGINE_CONFIG,
        reconnect_timeout=20.0,
        reconnect_backoff=(0.1, 0.5),
        play_timeout=8.0,
        media_mode=media_mode,
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
