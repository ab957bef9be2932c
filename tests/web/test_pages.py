"""The page routes without a browser: who gets development tokens, from which service."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from app.server import RoomServer, ServiceConfig, verify_token
from app.server.embedded import LocalService
from tests.conftest import APP_ID, BIN, CLI_SECRET, SECRET
from tests.helpers import free_port

pytestmark = pytest.mark.slow  # services or processes: not in tests/run --fast

BODY = json.dumps({"room_id": "standup", "user_id": "ann"})


async def post(url: str, *, host: str | None = None, origin: str | None = None):
    headers = {"Content-Type": "application/json"}
    if host:
        headers["Host"] = host
    if origin:
        headers["Origin"] = origin
    async with aiohttp.ClientSession() as http, http.post(url, data=BODY, headers=headers) as r:
        return r.status, await r.json()


async def test_tokens_are_off_by_default() -> None:
    async with RoomServer(ServiceConfig(app_id=APP_ID, secret=SECRET)) as server:
        status, body = await post(f"{server.http_url}/api/dev-token", origin=server.http_url)
        assert (status, body["name"]) == (403, "DEV_TOKENS_DISABLED")
        async with aiohttp.ClientSession() as http, http.get(server.http_url + "/") as page:
            assert page.status == 200  # the page itself is served; it asks for a token


async def test_the_embedded_service_serves_the_page_and_tokens_for_loopback_only(tmp_path) -> None:
    port = free_port()
    service = LocalService(url=f"ws://127.0.0.1:{port}/ws", port=port, secret=b"s" * 64)
    assert await service.ensure_running()
    try:
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http, http.get(f"{base}/?room=x") as page:
            assert page.status == 200 and "huddle-express.js" in await page.text()
        status, body = await post(f"{base}/api/dev-token", origin=base)
        assert status == 200
        verify_token(body["token"], app_id=1, secret=b"s" * 64, user_id="ann", room_id="standup")
        for name in (f"localhost:{port}",):
            status, _ = await post(f"{base}/api/dev-token", host=name, origin=f"http://{name}")
            assert status == 200
        # A site whose name was re-pointed at 127.0.0.1 (DNS rebinding) is same-origin with
        # itself, but not a loopback name: refused.
        evil = f"attacker.example:{port}"
        status, body = await post(f"{base}/api/dev-token", host=evil, origin=f"http://{evil}")
        assert (status, body["name"]) == (403, "DEV_TOKEN_REFUSED")
    finally:
        await service.stop()


async def test_huddle_server_dev_tokens_flag_is_loud(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(CLI_SECRET + "\n")
    proc = await asyncio.create_subprocess_exec(
        BIN / "huddle-server",
        "--port",
        "0",
        "--secret-file",
        str(secret_file),
        "--dev-tokens",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        first = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        second = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert first.startswith("listening on ws://127.0.0.1:")
        assert "dev tokens ON" in second and second.strip().endswith("/")
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    logs = (await proc.stderr.read()).decode()
    assert "DEV TOKENS ARE ON" in logs


@pytest.mark.parametrize("path", ["/app/nothing.js", "/app/..%2f..%2fpyproject.toml"])
async def test_only_the_app_files_are_served(path: str) -> None:
    async with (
        RoomServer(ServiceConfig(app_id=APP_ID, secret=SECRET)) as server,
        aiohttp.ClientSession() as http,
        http.get(server.http_url + path) as response,
    ):
        assert response.status == 404
