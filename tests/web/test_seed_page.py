"""The seed's own sample page, unchanged but for its script source and its appID, server and
token, in a real Chromium, in a call with a desktop engine."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
from aiohttp import web

from app.engine import CustomConfig, PlayerState, UpdateType
from app.server import RoomServer, ServiceConfig
from tests.conftest import APP_ID, SECRET
from tests.helpers import until

from .cdp import COUNT_FRAMES, READ_STAMP, RECORD_EVENTS
from .conftest import Received

pytestmark = pytest.mark.asyncio(loop_scope="module")

_PATTERN = CustomConfig(video="pattern", audio="tone", tone_hz=440)

FIXTURE = Path(__file__).with_name("seed_index.html")


def seed_page(app_id: int, server: str, token: str) -> str:
    """The fixture with the three values a developer fills in."""
    html = FIXTURE.read_text(encoding="utf-8")
    html = html.replace("let appID = 0", f"let appID = {app_id}", 1)
    html = html.replace('let server = ""', f"let server = {json.dumps(server)}", 1)
    return html.replace("let token = ``;", f"let token = `{token}`;", 1)


@pytest_asyncio.fixture(loop_scope="module")
async def seed_server(web_token):
    """The room service, also serving the seed page at /seed (the developer's own page would
    be served by the developer's server; here it is same-origin for simplicity)."""
    config = ServiceConfig(
        app_id=APP_ID, secret=SECRET, heartbeat_interval=1.0, heartbeat_timeout=4.0
    )
    server = RoomServer(config)

    async def page(request: web.Request) -> web.Response:
        html = seed_page(APP_ID, f"ws://{request.host}/ws", web_token("user1", "123"))
        return web.Response(text=html, content_type="text/html")

    server.app.router.add_get("/seed", page)
    async with server:
        yield server


async def test_the_seed_page_and_a_desktop_engine_see_and_hear_each_other(
    browser, seed_server, desktop
) -> None:
    engine, _ = await desktop("ada", "123", url=seed_server.url)
    stream = await engine.create_stream(custom=_PATTERN)
    assert await engine.start_publishing_stream("ada-cam", stream)
    played: dict = {}

    async def on_streams(room_id, update_type, streams, extended) -> None:
        if update_type == UpdateType.ADD:
            for info in streams:
                played[info.stream_id] = await engine.start_playing_stream(info.stream_id)

    engine.on("roomStreamUpdate", on_streams)

    page = await browser.new_page(init_script=RECORD_EVENTS + COUNT_FRAMES + READ_STAMP)
    try:
        await page.navigate(f"{seed_server.http_url}/seed")
        # The seed's flow: log in, publish the camera, play the stream already in the room.
        await page.wait_for(
            "__events.some(([e, a]) => e === 'playerStateUpdate' && a[0].state === 'PLAYING')",
            timeout=60,
        )
        await page.wait_for(
            "__events.some(([e, a]) => e === 'publisherStateUpdate' && a[0].state === 'PUBLISHING')"
        )
        events = await page.evaluate("__events.map(([e, a]) => [e, a])")
        room = [a[1] for e, a in events if e == "roomStateChanged"]
        assert room[:2] == ["LOGINING", "LOGINED"]
        added = [a for e, a in events if e == "roomStreamUpdate"]
        assert added[0][1] == "ADD" and added[0][2][0]["streamID"] == "ada-cam"
        assert added[0][2][0]["user"] == {"userID": "ada", "userName": "Ada"}
        users = [a for e, a in events if e == "roomUserUpdate"]
        assert users[0][1] == "ADD" and users[0][2] == [{"userID": "ada", "userName": "Ada"}]
        player = [a[0]["state"] for e, a in events if e == "playerStateUpdate"]
        assert player[:2] == ["PLAY_REQUESTING", "PLAYING"]
        publisher = [a[0]["state"] for e, a in events if e == "publisherStateUpdate"]
        assert publisher[:2] == ["PUBLISH_REQUESTING", "PUBLISHING"]

        # Browser side: the remote <video> paints the pattern; its counters read in order.
        remote = "document.querySelector('#remote-video video')"
        await page.wait_for(f"{remote} && __frames.get({remote})?.count > 30")
        got = await page.evaluate(f"__collectStamps({remote}, 20, 30000)", timeout=60)
        stamps = got["stamps"]
        assert len(stamps) >= 20, got
        # In order; a callback that runs late may read the same frame twice.
        assert stamps == sorted(stamps) and len(set(stamps)) >= 20
        size = await page.evaluate(f"[__frames.get({remote}).width, __frames.get({remote}).height]")
        assert size == [640, 480]
        # Its audio: the tone's packets are decoded (getStats of the SDK's peer connection).
        audio = await page.evaluate(
            "(async () => { const p = __engines[0]._playbacks.get('ada-cam');"
            " const r = await p.session.pc.getStats(); let a = null;"
            " r.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio') a = s; });"
            " return [a.totalSamplesReceived, a.totalAudioEnergy]; })()"
        )
        assert audio[0] > 48000 * 0.5 and audio[1] > 0, audio

        # Desktop side: the browser's camera arrives at 640x480 with moving content and sound.
        await until(lambda: len(played) == 1, timeout=30)
        remote_stream = next(iter(played.values()))
        received = Received(remote_stream)
        await until(
            lambda: engine.playing[remote_stream.stream_id] == PlayerState.PLAYING, timeout=30
        )
        await until(lambda: len(received.luma) >= 45 and len(received.samples) >= 50, timeout=30)
        assert (remote_stream.width, remote_stream.height) == (640, 480)
        assert np.std(received.luma) > 0.0 or len(set(received.luma)) > 1
        assert float(np.abs(received.audio).max()) > 0

        # The seed stops on DELETE: the desktop leaves, the page's player stops.
        await engine.stop_publishing_stream("ada-cam")
        await page.wait_for(
            "__events.some(([e, a]) => e === 'roomStreamUpdate' && a[1] === 'DELETE')"
        )
        await page.wait_for(
            "__events.filter(([e]) => e === 'playerStateUpdate').at(-1)[1][0].state === 'NO_PLAY'"
        )
        assert not page.errors, page.errors
    finally:
        await page.close()
        await asyncio.sleep(0)
