"""The embedded service of "this computer": its secret file, and proving itself on its port."""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
from pathlib import Path

import pytest
from aiohttp import web

from app.engine import Engine, ErrorCode, RoomConfig, User
from app.protocol import proof
from app.server.embedded import (
    LocalServiceError,
    huddle_proves,
    load_or_create_secret,
    start_or_join_local,
)
from tests.helpers import TEST_ENGINE_CONFIG, free_port

pytestmark = pytest.mark.slow  # services or processes: not in tests/run --fast


def test_secret_is_made_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "config" / "secret"
    first = load_or_create_secret(path)
    assert len(first) == 64 and first.isalnum()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_or_create_secret(path) == first


@pytest.mark.parametrize(
    ("content", "mode", "why"),
    [
        (b"", 0o600, "it is empty"),
        (b"short\n", 0o600, "it is 5 bytes"),
        (b"a" * 64, 0o644, "other users could read it (mode 0644)"),
    ],
)
def test_a_bad_secret_file_is_replaced_saying_why(
    tmp_path: Path, caplog, content: bytes, mode: int, why: str
) -> None:
    path = tmp_path / "secret"
    path.write_bytes(content)
    path.chmod(mode)
    with caplog.at_level(logging.WARNING, "huddle.server"):
        secret = load_or_create_secret(path)
    assert len(secret) == 64 and secret != content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().strip() == secret
    assert why in caplog.text and "made a new one" in caplog.text


@pytest.mark.skipif(os.getuid() != 0, reason="making a file of another owner needs root")
def test_a_secret_file_owned_by_someone_else_is_replaced(tmp_path: Path, caplog) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"b" * 64)
    path.chmod(0o600)
    os.chown(path, 65534, 65534)
    with caplog.at_level(logging.WARNING, "huddle.server"):
        secret = load_or_create_secret(path)
    assert secret != b"b" * 64 and path.stat().st_uid == os.getuid()
    assert "owned by user ID 65534" in caplog.text


def test_a_link_is_replaced_never_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"c" * 64)
    path = tmp_path / "cfg" / "secret"
    path.parent.mkdir()
    path.symlink_to(elsewhere)
    secret = load_or_create_secret(path)
    assert not path.is_symlink() and path.read_bytes().strip() == secret
    assert elsewhere.read_bytes() == b"c" * 64


def test_an_open_directory_is_closed_and_a_foreign_one_refused(tmp_path: Path) -> None:
    directory = tmp_path / "cfg"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    load_or_create_secret(directory / "secret")
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    if os.getuid() == 0:
        foreign = tmp_path / "foreign"
        foreign.mkdir()
        os.chown(foreign, 65534, 65534)
        with pytest.raises(LocalServiceError, match="directory of your own"):
            load_or_create_secret(foreign / "secret")


class Squatter:
    """Another user's program on the port: answers /healthz exactly like Huddle, /proof with
    what it can (a made-up answer), and records everything sent to /ws."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.ws_attempts = 0
        self.proof_requests = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/proof", self.proof)
        app.router.add_get("/ws", self.ws)
        return app

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"status": "ok", "version": "0.1.0", "rooms": 0, "users": 0, "streams": 0,
             "play_sessions": 0, "connections": 0, "uptime": 1.0}
        )  # fmt: skip

    async def proof(self, request: web.Request) -> web.Response:
        self.proof_requests += 1
        nonce = request.query.get("nonce", "")
        guess = proof.answer(b"a guess at the secret, 32 bytes long", nonce, request.url.port)
        return web.json_response({"proof": guess})

    async def ws(self, request: web.Request) -> web.WebSocketResponse:
        self.ws_attempts += 1
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            self.received.append(msg.data)
        return ws


@pytest.fixture
async def squatter():
    fake = Squatter()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield fake, port
    await runner.cleanup()


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("HUDDLE_CONFIG_DIR", str(tmp_path / "huddle"))
    return tmp_path / "huddle"


async def test_a_squatter_on_the_port_gets_no_token(squatter, config_dir) -> None:
    fake, port = squatter
    with pytest.raises(LocalServiceError, match="could not prove it is your Huddle"):
        await start_or_join_local(port)
    assert fake.proof_requests >= 1  # it was asked, and failed
    assert fake.ws_attempts == 0 and fake.received == []


async def test_the_engine_sends_nothing_to_an_unproven_local_service(squatter, tmp_path) -> None:
    fake, port = squatter
    secret = load_or_create_secret(tmp_path / "secret")
    config = dataclasses.replace(TEST_ENGINE_CONFIG, local_service_secret=secret)
    engine = Engine(1, f"ws://127.0.0.1:{port}/ws", config)
    states: list[tuple[str, int]] = []
    engine.on("roomStateChanged", lambda room, reason, code, ext: states.append((reason, code)))
    try:
        assert not await engine.login_room("r", "a-token", User("alice"), RoomConfig())
    finally:
        await engine.destroy_engine()
    assert states[-1] == ("LOGIN_FAILED", ErrorCode.LOCAL_SERVICE_UNPROVEN)
    assert fake.ws_attempts == 0 and fake.received == []


async def test_the_real_service_proves_itself_and_a_second_huddle_joins_it(config_dir) -> None:
    port = free_port()
    first = await start_or_join_local(port)
    try:
        assert first.server is not None  # this one runs it
        assert await huddle_proves(port, first.secret)
        assert not await huddle_proves(port, b"another user's secret, 32 bytes!")
        second = await start_or_join_local(port)
        assert second.server is None and second.secret == first.secret  # joined, not started
        engine = Engine(1, second.url, dataclasses.replace(
            TEST_ENGINE_CONFIG, local_service_secret=second.secret
        ))  # fmt: skip
        try:
            ok = await engine.login_room("r", second.token("bob", "r"), User("bob"), RoomConfig())
            assert ok
        finally:
            await engine.destroy_engine()
    finally:
        await first.stop()
