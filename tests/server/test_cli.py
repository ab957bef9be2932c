"""``huddle-server`` and ``huddle-token`` as a user runs them: real processes, real sockets."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess

import aiohttp
import pytest

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from tests.conftest import BIN
from tests.conftest import CLI_SECRET as SECRET
from tests.wsclient import WsClient


def huddle_token(*args: str, secret: str = SECRET) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "huddle-token", "--app-id", "1", "--secret", secret, *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


async def test_server_prints_its_line_answers_healthz_and_stops_on_sigterm(cli_server) -> None:
    proc, url = cli_server
    http_url = url.replace("ws://", "http://").removesuffix("/ws")
    async with aiohttp.ClientSession() as http, http.get(f"{http_url}/healthz") as resp:
        assert (await resp.json())["status"] == "ok"
    client = await WsClient.connect(url)
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 10) == 0
    assert await client.wait_closed() == 1001  # GOING_AWAY
    await client.close()
    logs = [json.loads(line) for line in (await proc.stderr.read()).decode().splitlines()]
    assert {"listening on " + url, "shutting down"} <= {entry["msg"] for entry in logs}
    assert all({"ts", "level", "logger", "msg"} <= entry.keys() for entry in logs)


async def test_sigint_also_exits_zero(cli_server) -> None:
    proc, _ = cli_server
    proc.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(proc.wait(), 10) == 0


async def test_tokens_from_huddle_token_log_in_and_bad_ones_are_refused(cli_server) -> None:
    _, url = cli_server
    good = huddle_token("--user", "alice", "--room", "r1")
    assert good.returncode == 0
    # The secret on the command line is visible to other users: said, once, on stderr.
    assert good.stderr.startswith("huddle-token: warning: --secret puts the secret where")
    token = good.stdout.strip()
    assert token.count(".") == 2 and "\n" not in token

    cases = [
        (token, "alice", "r1", None),
        (
            huddle_token(
                "--user", "alice", secret="forged-secret-forged-secret-forged"
            ).stdout.strip(),
            "alice",
            "r1",
            ErrorCode.TOKEN_BAD_SIGNATURE,
        ),
        (token, "alice", "r2", ErrorCode.TOKEN_ROOM_MISMATCH),
        (token, "bob", "r1", ErrorCode.TOKEN_USER_ID_MISMATCH),
        ("not.a.token", "alice", "r1", ErrorCode.TOKEN_MALFORMED),
    ]
    for candidate, user, room, expected in cases:
        client = await WsClient.connect(url)
        reply = await client.login(room, user, candidate, app_id=1)
        await client.close()
        if expected is None:
            assert isinstance(reply, m.LoginOk), reply
        else:
            assert isinstance(reply, m.Error) and reply.code == expected, reply
            assert reply.name == expected.name

    # An expired token (the command cannot mint one in the past), checked by the server.
    from app.server.tokens import mint_token

    expired = mint_token(app_id=1, secret=SECRET, user_id="alice", ttl=10, now=0)
    client = await WsClient.connect(url)
    reply = await client.login("r1", "alice", expired, app_id=1)
    await client.close()
    assert isinstance(reply, m.Error) and reply.code == ErrorCode.TOKEN_EXPIRED


def test_no_publish_tokens_are_refused_at_publish() -> None:
    from app.server.tokens import verify_token

    token = huddle_token("--user", "viewer", "--no-publish").stdout.strip()
    claims = verify_token(token, secret=SECRET.encode(), app_id=1, user_id="viewer", room_id="any")
    assert claims.privileges.login and not claims.privileges.publish


def test_huddle_token_reads_the_secret_from_the_environment() -> None:
    result = subprocess.run(
        [BIN / "huddle-token", "--app-id", "1", "--user", "alice"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "HUDDLE_SECRET": SECRET},
    )
    assert result.returncode == 0 and result.stdout.count(".") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app-id", "1", "--user", "bad user"], "user ID"),
        (["--app-id", "1", "--user", "alice", "--ttl", "0"], "ttl"),
    ],
)
def test_huddle_token_refuses_bad_input_with_a_sentence(args: list[str], message: str) -> None:
    result = subprocess.run(
        [BIN / "huddle-token", "--secret", "s", *args], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_huddle_server_without_a_secret_says_so() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HUDDLE_SECRET"}
    result = subprocess.run(
        [BIN / "huddle-server", "--port", "0"], capture_output=True, text=True, timeout=30, env=env
    )
    assert result.returncode == 2
    assert "no secret given" in result.stderr and "Traceback" not in result.stderr


def test_huddle_server_refuses_a_short_secret_saying_how_to_make_one(tmp_path) -> None:
    short = tmp_path / "secret"
    short.write_text("s\n")
    result = subprocess.run(
        [BIN / "huddle-server", "--port", "0", "--secret-file", str(short)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "1 bytes; it must be at least 32" in result.stderr
    assert "openssl rand -hex 32" in result.stderr


def test_huddle_server_refuses_a_negative_resume_grace() -> None:
    env = {**os.environ, "HUDDLE_SECRET": "x" * 64}
    result = subprocess.run(
        [BIN / "huddle-server", "--port", "0", "--resume-grace", "-1"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert result.returncode == 2
    assert "resume_grace" in result.stderr and "Traceback" not in result.stderr
