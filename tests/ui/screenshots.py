"""Render the real app under an X server and save screenshots for the README.

    python -m tests.ui.screenshots OUT_DIR [LANGUAGE]

Needs DISPLAY (Xvfb in the tests). Writes join.png and call.png (or join_LANG.png and
call_LANG.png, for another language), and for English the other screens: presenter.png (a
shared screen large), picker.png (choosing what to share), sharing.png (the bar while you
share), stats.png (where latency goes), narrow.png (a 640-pixel window), settings.png,
rejoin.png (the join screen after leaving) and crash.png (the offer after a crash). Run by
tests/ui/test_screenshots.py.
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
from app.ui.app import HuddleApp, create_qapplication, log_dir, open_settings
from app.ui.call import encode_command
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
    await guests[1].send_custom_command(encode_command("hand", up=True))
    await guests[0].send_custom_command(encode_command("react", emoji="👏"))
    window.people_action.trigger()
    await asyncio.sleep(2.0)  # the barrage is mid-flight, the speaker highlighted
    save_window(window, out / f"call{suffix}.png")
    if language == "en":
        await tour(huddle, window, guests, out)
    for engine in guests:
        await engine.destroy_engine()
    huddle.quit()
    await run


async def tour(huddle: HuddleApp, window, guests: list[Engine], out: Path) -> None:
    """The other screens a person meets, each saved as it shows on the X server."""
    window.people_action.trigger()
    window.stats_action.trigger()
    await until(lambda: "jitter" in window.tiles["grace-cam"].stats_text, timeout=15)
    await asyncio.sleep(0.5)
    save_window(window, out / "stats.png")
    window.stats_action.trigger()

    # Someone presents: their screen large, people in a strip.
    screen = await guests[0].create_stream(
        custom=CustomConfig(video="pattern", width=1280, height=720, label="Slides")
    )
    await guests[0].start_publishing_stream("grace-screen", screen)
    await until(lambda: "grace-screen" in window.tiles, timeout=15)
    await until(lambda: window.tiles["grace-screen"].frames_painted > 3, timeout=15)
    await asyncio.sleep(0.8)
    save_window(window, out / "presenter.png")
    await guests[0].stop_publishing_stream("grace-screen")
    await until(lambda: "grace-screen" not in window.tiles, timeout=15)

    # Choosing what to share, then sharing it.
    picker = window.open_screen_picker()
    await until(lambda: picker.screens.count() > 0, timeout=15)
    await asyncio.sleep(0.8)
    save_window(picker, out / "picker.png")
    picker.share_button.click()
    await until(lambda: window.sharing_bar.isVisible(), timeout=15)
    await until(lambda: window.screen_tile is not None and window.screen_tile.frames_painted)
    await asyncio.sleep(0.8)
    save_window(window, out / "sharing.png")
    window.stop_sharing.click()
    await until(lambda: not window.sharing_bar.isVisible(), timeout=15)

    window.resize(640, 520)
    await asyncio.sleep(0.8)
    save_window(window, out / "narrow.png")
    window.fit_to_screen()

    dialog = await huddle.open_settings()
    await asyncio.sleep(0.8)
    save_window(dialog, out / "settings.png")
    dialog.close()

    window.leave_action.trigger()
    await until(lambda: huddle.join_dialog.isVisible() and huddle.call_window is None)
    await asyncio.sleep(0.8)
    save_window(huddle.join_dialog, out / "rejoin.png")

    report = log_dir() / "crash-20260101-120000-native.log"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        "Huddle — native crash (process 4242)\n\nFatal Python error: Segmentation fault\n"
    )
    offer = huddle.offer_crash_report()
    assert offer is not None
    offer.show_report()
    await asyncio.sleep(0.8)
    save_window(offer, out / "crash.png")
    offer.close()


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
