"""Two ``huddle-bot`` processes in one room over a ``huddle-server`` process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import av

from app.media import read_stamp
from app.server import mint_token
from tests.conftest import BIN, CLI_SECRET


async def bot(
    url: str, user: str, *args: str, secret: str = CLI_SECRET
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        BIN / "huddle-bot",
        "--server",
        url,
        "--app-id",
        "1",
        "--room",
        "r1",
        "--user",
        user,
        "--ice-host",
        "127.0.0.1",
        "--json",
        *args,
        *(("--secret", secret) if "--token" not in args else ()),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def until_publishing(proc: asyncio.subprocess.Process) -> None:
    """Read the bot's JSON lines until its stream is PUBLISHING (``finish`` reads the rest)."""
    async with asyncio.timeout(20):
        while line := await proc.stdout.readline():
            event = json.loads(line)
            if event.get("event") == "publisherStateUpdate":
                if event["args"][0]["state"] == "PUBLISHING":
                    return
    raise AssertionError("the bot ended before publishing")


async def finish(proc: asyncio.subprocess.Process) -> tuple[int, list[dict], str]:
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    lines = [json.loads(line) for line in out.decode().splitlines()]
    return proc.returncode, lines, err.decode()


async def test_two_bots_publish_and_play_the_pattern(cli_server, tmp_path: Path) -> None:
    _, url = cli_server
    publisher = await bot(url, "pub", "--publish", "pattern", "--duration", "9")
    await until_publishing(publisher)
    player = await bot(url, "player", "--play", "all", "--duration", "6", "--record", str(tmp_path))
    status, lines, err = await finish(player)
    assert status == 0, err
    summary = lines[-1]["summary"]
    assert summary["login"] and summary["error_code"] is None and summary["failures"] == []
    played = summary["played"]["pub-main"]
    assert played["frames"] >= 150
    assert played["verified"] >= 0.95 * played["frames"]
    assert played["fps"] >= 28
    assert 0 < played["first_frame_ms"] < 2000
    assert 0 < played["latency_ms_p50"] < 200
    assert played["audio_frames"] > 200
    events = [line["event"] for line in lines[:-1]]
    assert events[:3] == ["roomStateChanged", "roomStateChanged", "roomUserUpdate"]
    assert "playerStateUpdate" in events and "playQualityUpdate" in events

    with av.open(played["recording"]) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
        frames = list(container.decode(video=0))
    assert len(frames) >= 100 and read_stamp(frames[-1]) is not None

    status, lines, err = await finish(publisher)
    assert status == 0, err
    assert lines[-1]["summary"]["published"] == ["pub-main"]


async def test_a_forged_token_exits_2_naming_the_error(cli_server) -> None:
    _, url = cli_server
    forged = mint_token(
        app_id=1, secret="not-the-service-secret-0123456789", user_id="eve", room_id="r1"
    )
    status, lines, err = await finish(await bot(url, "eve", "--token", forged, "--duration", "1"))
    assert status == 2
    assert lines[-1]["summary"]["error_name"] == "TOKEN_BAD_SIGNATURE"
    assert lines[-1]["summary"]["error_code"] == 2002
    assert "TOKEN_BAD_SIGNATURE" in err and "Traceback" not in err
    status, lines, err = await finish(await bot(url, "eve", "--duration", "1", secret="wrong"))
    assert status == 2 and lines[-1]["summary"]["error_name"] == "TOKEN_BAD_SIGNATURE"


async def test_playing_a_stream_that_never_comes_fails(cli_server) -> None:
    _, url = cli_server
    status, lines, _err = await finish(await bot(url, "p", "--play", "ghost", "--duration", "1"))
    assert status == 1
    assert lines[-1]["summary"]["failures"] == ["ghost was never played"]


async def test_a_missing_media_file_fails_with_its_code(cli_server, tmp_path: Path) -> None:
    _, url = cli_server
    missing = str(tmp_path / "missing.mp4")
    status, lines, err = await finish(
        await bot(url, "p", "--publish", missing, "--duration", "0.5")
    )
    assert status == 1
    summary = lines[-1]["summary"]
    assert summary["error_name"] == "MEDIA_FILE_ERROR" and summary["published"] == []
    assert "Traceback" not in err
