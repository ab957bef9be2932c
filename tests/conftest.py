"""Shared set-up: headless Qt, real audio devices, a real room service on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

# Must be set before anything imports Qt (pytest-qt aborts without a platform).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.server import RoomServer, ServiceConfig, mint_token
from app.server.janus import JanusRouter
from tests import devices
from tests.janus import JanusProcess, janus_missing

MIC_HZ = devices.MIC_HZ

FAST_TIER = os.environ.get("HUDDLE_FAST_TIER") == "1"
"""``bash tests/run --fast``: only the tests marked neither ``slow`` nor using a service."""
SLOW_FIXTURES = frozenset(
    {
        "pulse",
        "xvfb",
        "server",
        "room_server",
        "janus",
        "sfu_server",
        "cli_server",
        "engines",
        "browser",
        "web_server",
        "desktop",
        "make_huddle",
        "qtbot",
    }
)
"""A test using any of these starts a service, a device or a window: the slow tier."""
SLOW_FILES = ("tests/packaging/", "tests/test_benchmarks.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tier: tests that start services, devices, windows or processes."""
    slow = pytest.mark.slow
    for item in items:
        path = Path(str(item.path)).relative_to(config.rootpath).as_posix()
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or path.startswith(SLOW_FILES):
            item.add_marker(slow)


@pytest.fixture(autouse=True)
def _fast_tier_has_no_sockets(request: pytest.FixtureRequest, monkeypatch) -> None:
    """In the fast tier, a test that opens a network socket fails at once, saying it belongs
    to the slow tier (mark it ``@pytest.mark.slow``)."""
    if not FAST_TIER or request.node.get_closest_marker("slow"):
        return
    import socket

    def refuse() -> None:
        raise RuntimeError("the fast tier opens no network socket: mark this test slow")

    real_bind, real_connect = socket.socket.bind, socket.socket.connect

    def bind(sock, address):
        if sock.family == socket.AF_UNIX:
            return real_bind(sock, address)
        return refuse()

    def connect(sock, address):
        if sock.family == socket.AF_UNIX:
            return real_connect(sock, address)
        return refuse()

    monkeypatch.setattr(socket.socket, "bind", bind)
    monkeypatch.setattr(socket.socket, "connect", connect)


def pytest_sessionstart(session: pytest.Session) -> None:
    # PortAudio lists its devices once, when first loaded: the sound server must be up first.
    if not FAST_TIER:
        devices.start_pulseaudio()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    devices.stop_all()


@pytest.fixture(scope="session")
def pulse() -> devices.Pulse:
    """A running PulseAudio with a null sink (the speaker) and a sine source (the microphone)."""
    if devices.PULSE is None:
        pytest.skip(f"PulseAudio is not available: {devices.PULSE_ERROR}")
    return devices.PULSE


@pytest.fixture(scope="session")
def xvfb() -> str:
    """A virtual X display; returns its DISPLAY value."""
    display = devices.start_xvfb()
    if display is None:
        pytest.skip(f"Xvfb is not available: {devices.XVFB_ERROR}")
    return display


APP_ID = 7
SECRET = b"test-secret-0123456789-abcdefghijkl"
CLI_SECRET = "cli-secret-with-enough-bytes-0123456789"
BIN = Path(sys.executable).parent


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
async def room_server(service_config: ServiceConfig):
    """``await room_server(port=0, config=None)``: another started service (the test's
    ``service_config`` unless given); every one is stopped at teardown, stopped already or not.
    """
    started: list[RoomServer] = []

    async def start(*, port: int = 0, config: ServiceConfig | None = None) -> RoomServer:
        running = RoomServer(config or service_config, port=port)
        started.append(running)
        await running.start()
        return running

    yield start
    for running in started:
        await running.stop()


@pytest.fixture(scope="session")
def janus():
    """A real Janus for the session (WebSocket API on 127.0.0.1, ICE on its own interface)."""
    reason = janus_missing()
    if reason:
        pytest.skip(reason)
    with JanusProcess() as running:
        yield running


@pytest.fixture
async def sfu_server(service_config: ServiceConfig, janus: JanusProcess):
    """A room service whose rooms send their media through ``janus``."""
    router = JanusRouter([janus.url], api_secret=janus.api_secret)
    async with RoomServer(service_config, sfu=router) as running:
        assert router.healthy, janus.log_tail()
        yield running


@pytest.fixture
def token():
    """``token(user_id, room_id=None, **kw)``: a valid token for the test service."""

    def make(user_id: str, room_id: str | None = None, **kwargs) -> str:
        return mint_token(app_id=APP_ID, secret=SECRET, user_id=user_id, room_id=room_id, **kwargs)

    return make


@contextlib.asynccontextmanager
async def huddle_server_process(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, stderr: int | None = None
):
    """``huddle-server --port 0 --app-id 1`` signed with ``CLI_SECRET`` (and ``args``) as a real
    process: (process, ws URL); stopped on the way out. Its stderr (the logs) is dropped
    unless ``stderr`` says otherwise."""
    secret_file = tmp_path / "secret"
    secret_file.write_text(CLI_SECRET + "\n")
    proc = await asyncio.create_subprocess_exec(
        BIN / "huddle-server",
        "--port",
        "0",
        "--app-id",
        "1",
        "--secret-file",
        str(secret_file),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL if stderr is None else stderr,
    )
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
        assert line.startswith("listening on ws://127.0.0.1:") and line.endswith("/ws"), line
        yield proc, line.removeprefix("listening on ")
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.fixture
async def cli_server(tmp_path: Path):
    """``huddle-server --port 0`` as a real process: (process, ws URL)."""
    async with huddle_server_process(tmp_path, stderr=asyncio.subprocess.PIPE) as running:
        yield running
