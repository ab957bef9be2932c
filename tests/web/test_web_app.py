"""The web app at / in a real Chromium, in a call with a desktop engine: join, see and hear
each other, mute, camera off (released) and on, chat both ways, leave; and a service restart
mid-call, which both sides ride out."""

from __future__ import annotations

import json

import aiohttp
import pytest
import pytest_asyncio

from app.engine import CustomConfig, DeviceStatus, UpdateType
from app.server import RoomServer, ServiceConfig
from tests.conftest import APP_ID, SECRET
from tests.helpers import free_port, until

from .cdp import COUNT_FRAMES, READ_STAMP
from .conftest import Received

pytestmark = pytest.mark.asyncio(loop_scope="module")

PATTERN = CustomConfig(video="pattern", audio="tone", tone_hz=440)


def playing_on_add(engine, played: dict) -> None:
    async def on_streams(room_id, update_type, streams, extended) -> None:
        for info in streams:
            if update_type == UpdateType.ADD:
                played[info.stream_id] = await engine.start_playing_stream(info.stream_id)
            else:
                played.pop(info.stream_id, None)
                await engine.stop_playing_stream(info.stream_id)

    engine.on("roomStreamUpdate", on_streams)


def grows_by(tile_expression: str, frames: int) -> str:
    """JavaScript, true once the <video> in the tile has shown ``frames`` more frames than when
    this first saw it (counted again from a new element if the tile's element is replaced)."""
    return f"""(() => {{
      const video = {tile_expression}?.querySelector('video');
      const entry = video && __frames.get(video);
      if (!entry) return false;
      if (window.__mark?.video !== video) window.__mark = {{video, count: entry.count}};
      return entry.count >= window.__mark.count + {frames};
    }})()"""


async def join(page, name: str) -> None:
    await page.wait_for("document.querySelector('#camera').options.length > 0")
    await page.fill("#name", name)
    await page.click("#join-button")
    await page.wait_for("!document.querySelector('#call').hidden", timeout=30)


def tile(key_js: str) -> str:
    return f"document.querySelector(`.tile[data-key='${{{key_js}}}']`)"


async def test_the_page_is_served_with_a_strict_policy(web_server) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{web_server.http_url}/?room=abc") as response:
            assert response.status == 200
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
            assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        async with http.get(f"{web_server.http_url}/sdk/huddle-express.js") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/javascript")
        async with http.get(f"{web_server.http_url}/app/../../pyproject.toml") as response:
            assert response.status == 404
        # Dev tokens: only for a same-origin JSON POST.
        url = f"{web_server.http_url}/api/dev-token"
        body = json.dumps({"room_id": "abc", "user_id": "eve"})
        async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
            assert r.status == 403 and (await r.json())["code"] == 8023  # no Origin
        evil = {"Content-Type": "application/json", "Origin": "http://evil.example"}
        async with http.post(url, data=body, headers=evil) as r:
            assert r.status == 403 and (await r.json())["code"] == 8023
        good = {"Content-Type": "application/json", "Origin": web_server.http_url}
        async with http.post(url, data=body, headers=good) as r:
            assert r.status == 200 and (await r.json())["app_id"] == APP_ID
        bad = json.dumps({"room_id": "abc", "user_id": "has space"})
        async with http.post(url, data=bad, headers=good) as r:
            assert r.status == 400 and (await r.json())["name"] == "USER_ID_INVALID"


async def test_join_call_mute_camera_chat_leave(browser, web_server, desktop) -> None:
    engine, log = await desktop("ada", "standup")
    stream = await engine.create_stream(custom=PATTERN)
    assert await engine.start_publishing_stream("ada-cam", stream)
    played: dict = {}
    playing_on_add(engine, played)

    page = await browser.new_page(init_script=COUNT_FRAMES + READ_STAMP)
    try:
        await page.navigate(f"{web_server.http_url}/?room=standup")
        assert await page.evaluate("document.querySelector('#room').value") == "standup"
        await join(page, "Bea")
        # The browser sees Ada's pattern, in order.
        ada = tile("'ada'")
        await page.wait_for(
            f"{ada}?.querySelector('video') && "
            f"__frames.get({ada}.querySelector('video'))?.count > 20",
            timeout=30,
        )
        got = await page.evaluate(
            f"__collectStamps({ada}.querySelector('video'), 10, 20000)", timeout=60
        )
        assert len(set(got["stamps"])) >= 10 and got["stamps"] == sorted(got["stamps"]), got
        # Ada sees and hears Bea.
        await until(lambda: len(played) == 1, timeout=30)
        bea_stream = next(iter(played))
        assert bea_stream.startswith("Bea-") and bea_stream.endswith("-cam")
        received = Received(played[bea_stream])
        await until(lambda: len(received.luma) > 20 and len(received.samples) > 20, timeout=30)
        assert (played[bea_stream].width, played[bea_stream].height) == (640, 480)

        # Mute: Ada is told; the tile of Bea (hers) shows the mark.
        await page.click("#mic")
        await until(lambda: (bea_stream, DeviceStatus.MUTE) in log.of("remoteMicStatusUpdate"))
        assert (
            await page.evaluate("document.querySelector('#mic').getAttribute('aria-pressed')")
            == "true"
        )
        await page.click("#mic")
        await until(lambda: log.of("remoteMicStatusUpdate")[-1] == (bea_stream, DeviceStatus.OPEN))

        # Camera off releases the camera; on again, Ada's frames resume.
        await page.click("#cam")
        await until(lambda: (bea_stream, DeviceStatus.MUTE) in log.of("remoteCameraStatusUpdate"))
        await page.wait_for("document.querySelector('.tile.me.camera-off') !== null")
        await page.wait_for(
            "[...document.querySelectorAll('video')].every(v => !v.srcObject ||"
            " v.srcObject.getVideoTracks().every(t => t.readyState === 'ended' || !t.label"
            " || !t.label.includes('fake')))"
        )
        await page.click("#cam")
        await until(
            lambda: log.of("remoteCameraStatusUpdate")[-1] == (bea_stream, DeviceStatus.OPEN)
        )
        before = len(received.luma)
        await until(lambda: len(received.luma) > before + 20, timeout=20)

        # Ada mutes: Bea's page shows it on Ada's tile.
        await engine.mute_publish_stream_audio(stream, True)
        await page.wait_for(f"!{ada}.querySelector('.muted-mark').hidden")

        # Share the screen: Ada gets a second stream, and it goes when sharing stops.
        await page.click("#share")
        await until(lambda: any(k.endswith("-screen") for k in played), timeout=30)
        screen_id = next(k for k in played if k.endswith("-screen"))
        await until(lambda: played[screen_id].width > 0, timeout=30)
        await page.click("#share")
        await until(lambda: screen_id not in played, timeout=30)
        assert await page.evaluate("document.querySelector('#share').textContent") == "Share screen"

        # Chat both ways.
        await page.click("#chat-toggle")
        await page.fill("#chat-input", "hello from the browser 👋")
        await page.evaluate("document.querySelector('#chat-form').requestSubmit()")
        await until(
            lambda: any(
                m.message == "hello from the browser 👋"
                for (_, msgs) in log.of("IMRecvBroadcastMessage")
                for m in msgs
            )
        )
        await engine.send_broadcast_message("hi from the desktop")
        await page.wait_for(
            "[...document.querySelectorAll('#messages li')].some(li =>"
            " li.textContent.includes('hi from the desktop'))"
        )

        # Leave: Ada sees Bea and her stream go; the page is back at the join form.
        await page.click("#leave")
        await page.wait_for("!document.querySelector('#join').hidden")
        await until(lambda: any(a[1] == UpdateType.DELETE for a in log.of("roomUserUpdate")))
        assert not played
        assert not page.errors, page.errors
    finally:
        await page.close()


@pytest_asyncio.fixture(loop_scope="module")
async def restartable():
    """A service on a fixed port that the test can stop and start again."""
    port = free_port()
    config = ServiceConfig(
        app_id=APP_ID, secret=SECRET, heartbeat_interval=1.0, heartbeat_timeout=4.0
    )
    servers: list[RoomServer] = []

    async def start() -> RoomServer:
        server = RoomServer(config, port=port, dev_tokens="on")
        servers.append(server)
        await server.start()
        return server

    yield start
    for server in servers:
        await server.stop()


async def test_both_ends_reconnect_after_the_service_restarts(
    browser, restartable, desktop
) -> None:
    server = await restartable()
    engine, _ = await desktop("cy", "retro", url=server.url)
    stream = await engine.create_stream(custom=PATTERN)
    assert await engine.start_publishing_stream("cy-cam", stream)
    played: dict = {}
    playing_on_add(engine, played)

    page = await browser.new_page(init_script=COUNT_FRAMES)
    try:
        await page.navigate(f"{server.http_url}/?room=retro")
        await join(page, "Dee")
        cy = tile("'cy'")
        await page.wait_for(f"__frames.get({cy}?.querySelector('video'))?.count > 10", timeout=30)
        await until(lambda: len(played) == 1, timeout=30)

        await server.stop()
        await page.wait_for(
            "document.querySelector('#room-state').dataset.reason === 'RECONNECTING'"
        )
        assert "reconnecting" in await page.evaluate(
            "document.querySelector('#room-state').textContent"
        )
        await restartable()
        await page.wait_for(
            "document.querySelector('#room-state').dataset.reason === 'RECONNECTED'", timeout=60
        )
        # Both directions play again. The tile's <video> may be new (the stream can go and come
        # back while the desktop end reconnects too): 20 frames on whichever element it shows.
        await page.wait_for(grows_by(cy, 20), timeout=60)
        await until(
            lambda: len(played) == 1 and next(iter(played.values())).video_frames > 0, timeout=60
        )
        remote = next(iter(played.values()))
        frames = remote.video_frames
        await until(lambda: remote.video_frames > frames + 20, timeout=30)
        # The browser logs each refused attempt while the service is down; nothing else.
        errors = [e for e in page.errors if "ERR_CONNECTION_REFUSED" not in e]
        assert not errors, errors
    finally:
        await page.close()


async def test_the_page_speaks_chinese_when_asked(browser, web_server) -> None:
    page = await browser.new_page(f"{web_server.http_url}/?room=x&lang=zh_CN")
    try:
        await page.wait_for("document.documentElement.lang === 'zh-CN'")
        texts = await page.evaluate(
            "[document.querySelector('#join-button').textContent,"
            " document.querySelector('#share').textContent,"
            " document.querySelector('#chat-input').placeholder]"
        )
        assert texts == ["加入", "共享屏幕", "消息（回车发送）"]
        assert not page.errors, page.errors
    finally:
        await page.close()
