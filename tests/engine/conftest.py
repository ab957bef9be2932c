"""Engines against a real room service on 127.0.0.1, every packet on loopback."""

from __future__ import annotations

from dataclasses import replace

import av
import numpy as np
import pytest

from app.engine import Engine, EngineConfig, RemoteStream, RoomConfig, User
from app.media import read_stamp
from tests.conftest import APP_ID
from tests.helpers import TEST_ENGINE_CONFIG, Recorder


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
def engine_config() -> EngineConfig:
    return replace(
        TEST_ENGINE_CONFIG, reconnect_timeout=20.0, reconnect_backoff=(0.1, 0.5), play_timeout=8.0
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
