"""Shared set-up: headless Qt, short timers, a real room service on 127.0.0.1."""

from __future__ import annotations

import os

# Must be set before anything imports Qt (pytest-qt aborts without a platform).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.server import RoomServer, ServiceConfig, mint_token

APP_ID = 7
SECRET = b"test-secret-0123456789-abcdefghijkl"


@pytest.fixture
def service_config() -> ServiceConfig:
    return ServiceConfig(
        app_id=APP_ID, secret=SECRET, heartbeat_interval=0.5, heartbeat_timeout=2.0
    )


@pytest.fixture
async def server(service_config: ServiceConfig):
    async with RoomServer(service_config) as running:
        yield running


@pytest.fixture
def token():
    """``token(user_id, room_id=None, **kw)``: a valid token for the test service."""

    def make(user_id: str, room_id: str | None = None, **kwargs) -> str:
        return mint_token(app_id=APP_ID, secret=SECRET, user_id=user_id, room_id=room_id, **kwargs)

    return make
