"""Random frames at /ws: the service answers or closes, never crashes, never leaks a room."""

from __future__ import annotations

import asyncio
import json

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.protocol import messages as m
from app.protocol.limits import CloseCode
from tests.conftest import APP_ID
from tests.wsclient import WsClient

TAGS = sorted(t.__struct_config__.tag for t in m.ClientMessage.__args__)
FIELDS = [
    "id",
    "version",
    "app_id",
    "room_id",
    "user_id",
    "user_name",
    "token",
    "user_update",
    "stream_id",
    "extra_info",
    "video",
    "audio",
    "video_muted",
    "audio_muted",
    "session_id",
    "kind",
    "sdp",
    "candidate",
    "message",
    "command",
    "to_user_ids",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "r1", "s1", "alice", "offer", "ADD", "x" * 300])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Objects shaped like requests: a real type tag and a random subset of real field names.
request_like = st.builds(
    lambda tag, fields: json.dumps({"type": tag, **fields}),
    st.sampled_from(TAGS),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6),
)
frames = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    json_values.map(json.dumps),
    request_like,
    request_like,
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(frames, min_size=1, max_size=25), log_in=st.booleans())
async def test_random_frames(server, token, batch: list[str | bytes], log_in: bool) -> None:
    client = await WsClient.connect(server.url)
    try:
        if log_in:
            reply = await client.login("fuzz", "fuzzer", token("fuzzer"), app_id=APP_ID)
            assert isinstance(reply, m.LoginOk)
        for frame in batch:
            await client.send_raw(frame)
        # Still answering: a heartbeat gets its ack, unless the flood guard closed us.
        try:
            ack = await client.request(m.Heartbeat(id=10**9))
            assert isinstance(ack, m.HeartbeatAck)
        except ConnectionError:
            assert client.close_code == CloseCode.POLICY_VIOLATION
    finally:
        await client.close()
    # Nothing leaks: once the socket is gone, so is its connection; a logged-in session is
    # kept for a resume (and only that: it leaves when the grace is over).
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            async with http.get(f"{server.http_url}/healthz") as resp:
                health = await resp.json()
            if health["connections"] == 0:
                break
            await asyncio.sleep(0.01)
    kept = health["detached"]
    assert kept in (0, 1)
    assert (health["status"], health["rooms"], health["users"], health["connections"]) == (
        "ok",
        kept,
        kept,
        0,
    )
    server.service.sweep()  # the kept session, if any, leaves once its grace is over
    for session in list(server.service._detached.values()):
        server.service.disconnect(session, "test over")
    assert server.service.stats()["users"] == 0


async def test_service_is_healthy_after_the_fuzz(server, token) -> None:
    # Runs after test_random_frames in file order; repeats a short fuzz burst itself so it
    # also holds when run alone.
    client = await WsClient.connect(server.url)
    for frame in ["{", "[]", '{"type":"signal"}', "\x00" * 100, '{"type":"login","id":"x"}']:
        await client.send_raw(frame)
    await client.close()
    async with aiohttp.ClientSession() as http, http.get(f"{server.http_url}/healthz") as resp:
        health = await resp.json()
    assert health["status"] == "ok"
    good = await WsClient.connect(server.url)
    try:
        assert isinstance(
            await good.login("after", "alice", token("alice"), app_id=APP_ID), m.LoginOk
        )
    finally:
        await good.close()
