"""The JavaScript SDK's API beyond the seed's flow, in a Chromium that enforces the default
autoplay policy (sound needs a click): system probes, devices, messages, extra info, quality
events, switching cameras under a live publish, numbered errors, the autoplay prompt."""

from __future__ import annotations

import pytest
import pytest_asyncio
from aiohttp import web

from app.engine import CustomConfig, UpdateType
from app.server import RoomServer, ServiceConfig
from tests.conftest import APP_ID, SECRET
from tests.helpers import until

from .cdp import CHROMIUM_FLAGS, RECORD_EVENTS, Chromium
from .conftest import Received

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>sdk</title>
<script src="/sdk/huddle-express.js"></script></head>
<body><div id="remote"></div><div id="local"></div></body></html>"""


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser():
    """This module's browser keeps Chromium's default autoplay policy: sound needs a click."""
    flags = tuple(f for f in CHROMIUM_FLAGS if not f.startswith("--autoplay-policy"))
    async with Chromium(flags) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def sdk_server():
    config = ServiceConfig(
        app_id=APP_ID, secret=SECRET, heartbeat_interval=1.0, heartbeat_timeout=4.0
    )
    server = RoomServer(config)

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    server.app.router.add_get("/sdk-test", page)
    async with server:
        yield server


async def test_probes_and_devices(browser, sdk_server) -> None:
    page = await browser.new_page(f"{sdk_server.http_url}/sdk-test")
    try:
        found = await page.evaluate("new ZegoExpressEngine(1, '').checkSystemRequirements()")
        assert set(found) == {
            "webRTC",
            "customCapture",
            "camera",
            "microphone",
            "videoCodec",
            "screenSharing",
            "errInfo",
        }
        assert found["webRTC"] and found["customCapture"] and found["screenSharing"]
        assert found["camera"] and found["microphone"]
        assert set(found["videoCodec"]) == {"H264", "H265", "VP8", "VP9"}
        assert found["videoCodec"]["VP8"] is True
        devices = await page.evaluate("new ZegoExpressEngine(1, '').enumDevices()")
        assert len(devices["cameras"]) == 2 and devices["microphones"]
        assert set(devices["cameras"][0]) == {"deviceID", "deviceName"}
    finally:
        await page.close()


async def test_errors_are_numbered_like_python(browser, sdk_server, web_token) -> None:
    page = await browser.new_page(f"{sdk_server.http_url}/sdk-test", init_script=RECORD_EVENTS)
    try:
        refused = await page.evaluate(
            f"new ZegoExpressEngine({APP_ID}, '').loginRoom('r9', 'not-a-token', {{userID: 'u9'}})"
            ".then(() => null, e => [e.code, e.errorName, e.msg, e instanceof HuddleError])"
        )
        assert refused[:2] == [2001, "TOKEN_MALFORMED"] and refused[3] is True
        events = await page.evaluate("__events.map(([e, a]) => [e, a])")
        assert events == [
            ["roomStateChanged", ["r9", "LOGINING", 0, ""]],
            ["roomStateChanged", ["r9", "LOGIN_FAILED", 2001, events[1][1][3]]],
        ]
        token = web_token("u9")
        missing = await page.evaluate(
            f"(async () => {{ const zg = new ZegoExpressEngine({APP_ID}, '');"
            f" await zg.loginRoom('r9', '{token}', {{userID: 'u9'}});"
            " return zg.startPlayingStream('nobody-cam').then(() => null, e => e.code); })()"
        )
        assert missing == 4002
        unreachable = await page.evaluate(
            "new ZegoExpressEngine(1, 'ws://127.0.0.1:9/ws').loginRoom('r', 't', {userID: 'u'})"
            ".then(() => null, e => e.code)"
        )
        assert unreachable == 8001
    finally:
        await page.close()


CALL = """(async () => {
  const zg = window.zg = new ZegoExpressEngine(%(app)d, '', {qualityIntervalMs: 1000});
  await zg.loginRoom('api', '%(token)s', {userID: 'web', userName: 'Web'}, {userUpdate: true});
  window.local = await zg.createZegoStream({camera: {videoQuality: 2}});
  zg.startPublishingStream('web-cam', local, {extraInfo: 'first'});
  await zg.startPlayingStream('ada-cam');
  return true;
})()"""


async def test_messages_extra_info_quality_devices_and_autoplay(
    browser, sdk_server, desktop, web_token
) -> None:
    engine, log = await desktop("ada", "api", url=sdk_server.url)
    stream = await engine.create_stream(custom=CustomConfig(video="pattern", audio="tone"))
    assert await engine.start_publishing_stream("ada-cam", stream)
    played: dict = {}

    async def on_streams(room_id, update_type, streams, extended) -> None:
        if update_type == UpdateType.ADD:
            for info in streams:
                played[info.stream_id] = await engine.start_playing_stream(info.stream_id)

    engine.on("roomStreamUpdate", on_streams)
    page = await browser.new_page(f"{sdk_server.http_url}/sdk-test", init_script=RECORD_EVENTS)
    try:
        await page.evaluate(CALL % {"app": APP_ID, "token": web_token("web")})
        await until(lambda: "web-cam" in played, timeout=30)
        received = Received(played["web-cam"])
        await until(lambda: len(received.luma) > 10, timeout=30)

        # Messages both ways, with the seed's shapes.
        result = await page.evaluate("zg.sendBarrageMessage('api', 'whee')")
        assert result["errorCode"] == 0 and result["messageID"] > 0
        await until(lambda: log.of("IMRecvBarrageMessage"))
        assert log.of("IMRecvBarrageMessage")[0][1][0].message == "whee"
        result = await page.evaluate("zg.sendCustomCommand('api', '{\"hand\":1}', ['ada'])")
        assert result["errorCode"] == 0
        await until(lambda: log.of("IMRecvCustomCommand"))
        assert log.of("IMRecvCustomCommand")[0][2] == '{"hand":1}'
        await engine.send_custom_command("pong", ["web"])
        got = await page.wait_for("__events.find(([e]) => e === 'IMRecvCustomCommand')?.[1]")
        assert got == ["api", {"userID": "ada", "userName": "Ada"}, "pong"]
        too_long = await page.evaluate("zg.sendBroadcastMessage('api', 'x'.repeat(2000))")
        assert too_long["errorCode"] == 1105

        # Extra info reaches the desktop.
        result = await page.evaluate("zg.setStreamExtraInfo('web-cam', 'second')")
        assert result == {"errorCode": 0, "extendedData": ""}
        await until(lambda: log.of("roomStreamExtraInfoUpdate"))
        assert log.of("roomStreamExtraInfoUpdate")[-1][1][0].extra_info == "second"

        # Quality events every interval, from getStats().
        await page.wait_for(
            "__events.some(([e, a]) => e === 'publishQualityUpdate' && a[1].video.videoFPS > 0)"
            " && __events.some(([e, a]) => e === 'playQualityUpdate'"
            " && a[1].video.frameWidth === 640 && a[1].video.videoBitrate > 0)",
            timeout=30,
        )
        stats = await page.evaluate(
            "__events.find(([e, a]) => e === 'playQualityUpdate' && a[1].video.videoBitrate > 0)[1]"
        )
        assert stats[0] == "ada-cam"
        assert {"videoBitrate", "videoFPS", "frameWidth", "frameHeight", "videoQuality"} <= set(
            stats[1]["video"]
        )
        assert stats[1]["video"]["videoBitrate"] > 0

        # A camera opened afresh under the live publish (no renegotiation): the desktop keeps
        # receiving. (Chromium's second fake camera is a depth camera, not a picture.)
        switched = await page.evaluate(
            "(async () => { const before = local.videoTrack;"
            " const r = await zg.useVideoDevice(local, before.getSettings().deviceId);"
            " return [r.errorCode, before !== local.videoTrack, before.readyState]; })()"
        )
        assert switched == [0, True, "ended"]
        frames = len(received.luma)
        await until(lambda: len(received.luma) > frames + 20, timeout=20)
        # Autoplay, in a tab that only watches (a tab that captures may play sound at once):
        # the view is blocked until a click; the SDK's prompt takes the click and resumes it.
        viewer = await browser.new_page(f"{sdk_server.http_url}/sdk-test")
        try:
            await viewer.evaluate(
                f"(async () => {{ window.zg = new ZegoExpressEngine({APP_ID}, '');"
                f" await zg.loginRoom('api', '{web_token('viewer')}', {{userID: 'viewer'}});"
                " const s = await zg.startPlayingStream('ada-cam');"
                " window.view = zg.createRemoteStreamView(s);"
                " view.on('autoplayFailed', () => { window.blocked = true; });"
                " window.played = await view.play('remote', {enableAutoplayDialog: true}); })()"
            )
            assert await viewer.evaluate("window.played") is False
            assert await viewer.evaluate("window.blocked") is True
            await viewer.wait_for("document.querySelector('.huddle-autoplay-button') !== null")
            await viewer.click(".huddle-autoplay-button")
            await viewer.wait_for("document.querySelector('.huddle-autoplay') === null")
            await viewer.wait_for("!view.videoElement.paused && view.videoElement.currentTime > 0")
            assert not viewer.errors, viewer.errors
        finally:
            await viewer.evaluate("zg.destroyEngine()")
            await viewer.close()
        assert not page.errors, page.errors
    finally:
        await page.evaluate("window.zg && zg.destroyEngine()")
        await page.close()
