"""Two ``huddle-bot`` processes through ``huddle-server --janus`` and a real Janus (SFU)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.cli.test_bot import bot, finish, until_publishing
from tests.conftest import BIN, CLI_SECRET


@pytest.fixture
async def cli_sfu_server(tmp_path: Path, janus):
    """``huddle-server --port 0 --janus URL`` as a real process: its ws URL."""
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
        "--janus",
        janus.url,
        env={**os.environ, "HUDDLE_JANUS_SECRET": janus.api_secret},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
    assert line.startswith("listening on ws://127.0.0.1:"), line
    yield line.removeprefix("listening on ")
    if proc.returncode is None:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)


@pytest.mark.timeout(120)
async def test_two_bots_through_janus(cli_sfu_server) -> None:
    publisher = await bot(cli_sfu_server, "pub", "--publish", "pattern", "--duration", "10")
    await until_publishing(publisher)
    player = await bot(cli_sfu_server, "player", "--play", "all", "--duration", "6")
    status, lines, err = await finish(player)
    assert status == 0, err
    summary = lines[-1]["summary"]
    assert summary["login"] and summary["error_code"] is None and summary["failures"] == []
    played = summary["played"]["pub-main"]
    assert played["frames"] > 0
    assert played["verified"] >= 0.95 * played["frames"]
    assert played["audio_frames"] > 0
    print(f"through Janus: {played['fps']} fps, {played['verified']}/{played['frames']} verified")
    status, _, err = await finish(publisher)
    assert status == 0, err
