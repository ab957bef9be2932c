"""Render the web app's screenshots for docs/web.md from a real call in headless Chromium.

.venv/bin/python -m tests.web.screenshots      # writes docs/screenshots/web-*.png
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import replace
from pathlib import Path

from app.engine import CustomConfig, Engine, RoomConfig, User
from app.server import RoomServer, ServiceConfig, mint_token
from tests.helpers import TEST_ENGINE_CONFIG

from .cdp import Chromium

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SECRET = b"screenshot-secret-0123456789-abcdefgh"


async def main() -> None:
    async with (
        RoomServer(ServiceConfig(app_id=1, secret=SECRET), dev_tokens="on") as server,
        Chromium() as browser,
    ):
        engine = Engine(1, server.url, replace(TEST_ENGINE_CONFIG))
        try:
            token = mint_token(app_id=1, secret=SECRET, user_id="ada")
            await engine.login_room(
                "standup", token, User("ada", "Ada Lovelace"), RoomConfig(user_update=True)
            )
            stream = await engine.create_stream(custom=CustomConfig(video="pattern", audio="tone"))
            await engine.start_publishing_stream("ada-cam", stream)
            page = await browser.new_page(server.http_url + "/?room=standup")
            await page.wait_for("document.querySelector('#camera').options.length > 0")
            await asyncio.sleep(1)
            await shoot(page, "web-join.png")
            await page.fill("#name", "Bea")
            await page.click("#join-button")
            await page.wait_for("document.querySelectorAll('.tile video').length === 2")
            await page.click("#chat-toggle")
            await page.fill("#chat-input", "hello from the browser")
            await page.evaluate("document.querySelector('#chat-form').requestSubmit()")
            await engine.send_broadcast_message("hi Bea!")
            await asyncio.sleep(3)
            await shoot(page, "web-call.png")
        finally:
            await engine.destroy_engine()


async def shoot(page, name: str) -> None:
    shot = await page.send("Page.captureScreenshot", {"format": "png"})
    (OUT / name).write_bytes(base64.b64decode(shot["data"]))
    print(OUT / name)


if __name__ == "__main__":
    asyncio.run(main())
