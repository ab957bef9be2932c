"""A real Chromium (one per test module) against a real room service and real engines.

Every async fixture here runs on the module's event loop, as the module's tests do
(``pytestmark = pytest.mark.asyncio(loop_scope="module")``): the browser outlives a test.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import pytest_asyncio

from app.engine import Engine, EngineConfig, RoomConfig, User
from app.server import RoomServer, ServiceConfig, mint_token
from tests.conftest import APP_ID, SECRET
from tests.engine.conftest import Received
from tests.helpers import TEST_ENGINE_CONFIG, Recorder

from .cdp import Chromium, chromium_path

__all__ = ["Received"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if chromium_path() is None:
        skip = pytest.mark.skip(reason="chromium is not installed (bash tests/run installs it)")
        for item in items:
            if "browser" in getattr(item, "fixturenames", ()):
                item.add_marker(skip)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser():
    async with Chromium() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def web_server():
    """A room service serving the page and the SDK, with development tokens on."""
    config = ServiceConfig(
        app_id=APP_ID, secret=SECRET, heartbeat_interval=1.0, heartbeat_timeout=4.0
    )
    async with RoomServer(config, dev_tokens="on") as running:
        yield running


@pytest.fixture
def web_token():
    def make(user_id: str, room_id: str | None = None) -> str:
        return mint_token(app_id=APP_ID, secret=SECRET, user_id=user_id, room_id=room_id)

    return make


ENGINE_CONFIG: EngineConfig = replace(
    TEST_ENGINE_CONFIG, reconnect_timeout=30.0, reconnect_backoff=(0.2, 1.0), play_timeout=10.0
)


@pytest_asyncio.fixture(loop_scope="module")
async def desktop(web_server, web_token):
    """``await desktop("ada", room)`` -> (engine, recorder): a desktop engine, logged in."""
    made: list[Engine] = []

    async def make(user_id: str, room: str, url: str | None = None) -> tuple[Engine, Recorder]:
        engine = Engine(APP_ID, url or web_server.url, replace(ENGINE_CONFIG))
        made.append(engine)
        recorder = Recorder(engine)
        ok = await engine.login_room(
            room, web_token(user_id), User(user_id, user_id.title()), RoomConfig(user_update=True)
        )
        assert ok, recorder.sequence
        return engine, recorder

    yield make
    for engine in made:
        await engine.destroy_engine()
