"""Two ``huddle-bot`` processes through ``huddle-server --janus`` and a real Janus (SFU)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.test_bot import bot, finish, until_publishing
from tests.conftest import huddle_server_process


@pytest.fixture
async def cli_sfu_server(tmp_path: Path, janus):
    """``huddle-server --port 0 --janus URL`` as a real process: its ws URL."""
    env = {**os.environ, "HUDDLE_JANUS_SECRET": janus.api_secret}
    async with huddle_server_process(tmp_path, "--janus", janus.url, env=env) as (_, url):
        yield url


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
