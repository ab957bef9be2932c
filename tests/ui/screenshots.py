"""Render the real app under an X server and save screenshots for the README.

    python -m tests.ui.screenshots OUT_DIR [LANGUAGE]

Needs DISPLAY (Xvfb in the tests). Writes join.png and call.png (or join_LANG.png only, for
another language). Run by tests/ui/test_screenshots.py.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import replace
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from app.engine import CustomConfig, Engine
from app.ui.app import HuddleApp, create_qapplication, open_settings
from tests.helpers import TEST_ENGINE_CONFIG, free_port, join_guest, until


def save_window(widget, path: Path) -> None:
    """What the X server shows of the window (not a re-render: style sheets draw as on screen).
    Await a short sleep first so the loop has painted and flushed."""
    geometry = widget.frameGeometry()
    screen = QApplication.primaryScreen()
    shot = screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height())
    if not shot.save(str(path)):
        raise SystemExit(f"could not save {path}")


async def guest(huddle: HuddleApp, user_id: str, name: str) -> Engine:
    """A participant publishing the pattern labelled with their first name; the stream is
    kept as ``engine.stream`` for muting."""
    source = CustomConfig(video="pattern", audio="tone", label=name.split()[0])
    engine, _, stream = await join_guest(huddle, user_id, name, source=source)
    engine.stream = stream
    return engine


async def shoot(out: Path, language: str) -> None:
    huddle = HuddleApp(
        open_settings(), engine_config=replace(TEST_ENGINE_CONFIG), local_port=free_port()
    )
    run = asyncio.ensure_future(huddle.run())
    dialog = huddle.join_dialog
    await until(lambda: dialog.isVisible() and dialog._preview_task is None, timeout=15)
    dialog.room.setText("design-review")
    dialog.name.setText("Ada Lovelace")
    suffix = "" if language == "en" else f"_{language}"
    await asyncio.sleep(0.8)
    save_window(dialog, out / f"join{suffix}.png")
    if language != "en":
        huddle.quit()
        await run
        return

    dialog.join_button.click()
    await until(lambda: huddle.call_window is not None, timeout=15)
    window = huddle.call_window
    guests = [
        await guest(huddle, "grace", "Grace Hopper"),
        await guest(huddle, "linus", "Linus Torvalds"),
        await guest(huddle, "margaret", "Margaret Hamilton"),
    ]
    await guests[1].mute_publish_stream_audio(guests[1].stream, True)
    await guests[2].mute_publish_stream_video(guests[2].stream, True)
    guests[0].set_sound_level_delegate(True, 300)
    await until(
        lambda: (
            len(window.tiles) == 3
            and all(t.frames_painted for t in list(window.tiles.values())[:2])
        ),
        timeout=15,
    )
    await guests[0].send_broadcast_message("Morning! The new build is up.")
    await guests[1].send_broadcast_message("Looks good on my side 👍")
    await huddle.controller.send_message("Let's go through the designs.", False)
    await until(lambda: all(t.quality is not None for t in window.tiles.values()), timeout=15)
    await guests[2].send_barrage_message("🎉 Shipped!")
    await asyncio.sleep(2.0)  # the barrage is mid-flight, the speaker highlighted
    save_window(window, out / "call.png")
    for engine in guests:
        await engine.destroy_engine()
    huddle.quit()
    await run


def main() -> int:
    out = Path(sys.argv[1])
    language = sys.argv[2] if len(sys.argv) > 2 else "en"
    out.mkdir(parents=True, exist_ok=True)
    settings = open_settings()
    settings.setValue("ui/language", language)
    qapp, _ = create_qapplication([sys.argv[0]], settings)
    assert isinstance(qapp, QApplication) and os.environ.get("DISPLAY")
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(shoot(out, language))
    return 0


if __name__ == "__main__":
    sys.exit(main())
