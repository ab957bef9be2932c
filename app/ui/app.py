"""The desktop app: start-up, the join dialog, the call window, and shutting down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import logging.handlers
import os
import sys
import threading
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any

import platformdirs
import qasync
from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_ID_NAME, APP_NAME, __version__
from app.cli._logging import TEXT_FORMAT
from app.engine import Engine, EngineConfig
from app.server.embedded import LOCAL_APP_ID, LOCAL_PORT, config_dir, local_url
from app.tasks import TaskSet

from . import crash, diagnostics, i18n
from .bridge import EngineBridge
from .call import CallController, JoinError, JoinRequest
from .call_window import CallWindow
from .join_dialog import JoinDialog
from .resources import icon, stylesheet
from .settings_dialog import SettingsDialog, apply_voice_settings
from .video import close_all_renderers

log = logging.getLogger("huddle.ui")


def open_settings() -> QSettings:
    return QSettings(str(config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def log_dir() -> Path:
    return Path(os.environ.get("HUDDLE_LOG_DIR") or platformdirs.user_log_path(APP_ID_NAME))


class HuddleApp(QObject):
    """Owns the engine for the app's life and moves between the join dialog and the call."""

    def __init__(
        self,
        settings: QSettings,
        *,
        engine_config: EngineConfig | None = None,
        local_port: int = LOCAL_PORT,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.engine = Engine(LOCAL_APP_ID, local_url(local_port), engine_config or EngineConfig())
        apply_voice_settings(self.engine, settings)  # #10: AEC / NS / AGC from the settings
        self.bridge = EngineBridge(self.engine, self)
        self.controller = CallController(self.engine, self.bridge, self, local_port=local_port)
        self.join_dialog = JoinDialog(self.engine, self.bridge, settings)
        self.join_dialog.join_requested.connect(self._on_join_requested)
        self.join_dialog.closed.connect(self.quit)
        self.join_dialog.settings_requested.connect(lambda: self._spawn(self.open_settings()))
        self.call_window: CallWindow | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.crash_dialog: crash.CrashReportDialog | None = None
        self.last_call: diagnostics.CallRecord | None = None
        """The timeline and quality samples of the current (or last) call."""
        self._record_calls()
        self._quit = asyncio.Event()
        self._tasks = TaskSet()

    def _record_calls(self) -> None:
        c, bridge = self.controller, self.bridge

        def event(kind: str, **details: Any) -> None:
            if self.last_call is not None:
                self.last_call.event(kind, **details)

        def sample(direction: str, stream_id: str, quality: Any) -> None:
            if self.last_call is not None and c.request is not None:
                self.last_call.sample(direction, stream_id, quality)

        c.phase_changed.connect(lambda phase, sentence: event("phase", phase=phase, why=sentence))
        c.users_changed.connect(lambda users: event("users", users=users))
        c.remote_added.connect(lambda sid, _r, info: event("stream added", stream_id=sid))
        c.remote_removed.connect(lambda sid: event("stream removed", stream_id=sid))
        c.local_changed.connect(
            lambda: event("local", mic_muted=c.mic_muted, camera_off=c.camera_off)
        )
        c.notice.connect(lambda sentence: event("notice", text=sentence))
        bridge.roomStateChanged.connect(
            lambda room, reason, code, _x: event("room state", reason=reason, code=code)
        )
        bridge.playQualityUpdate.connect(lambda sid, q: sample("play", sid, q))
        bridge.publishQualityUpdate.connect(lambda sid, q: sample("publish", sid, q))

    def export_diagnostics(self, directory: Path | None = None) -> Path:
        """The last call's timeline, quality samples and the logs in a zip; its path."""
        return diagnostics.export(self.last_call, log_dir(), list(_recent.lines), directory)

    def _spawn(self, coro) -> asyncio.Task[Any]:
        return self._tasks.spawn(coro)

    async def run(self) -> None:
        self.show_join()
        self.offer_crash_report()
        await self._quit.wait()
        await self.shutdown()

    def quit(self) -> None:
        self._quit.set()

    def offer_crash_report(self) -> crash.CrashReportDialog | None:
        """Huddle crashed last time (a native crash, or a report written then): offer it."""
        report = crash.unseen_report(self.settings, log_dir())
        if report is None:
            return None
        crash.mark_seen(self.settings, report)
        dialog = self.crash_dialog = crash.CrashReportDialog(report, self.join_dialog)
        dialog.setWindowFlag(Qt.WindowType.Window)
        dialog.show()
        return dialog

    def show_join(self) -> None:
        self.join_dialog.set_busy(False)
        self.join_dialog.show()
        self.join_dialog.raise_()

    # ------------------------------------------------------------ joining

    def _on_join_requested(self, request: JoinRequest) -> None:
        self._spawn(self.join(request))

    async def join(self, request: JoinRequest) -> bool:
        self.last_call = diagnostics.CallRecord()
        self.last_call.event("join", room=request.room_id, mode=request.mode, url=request.url)
        stream = await self.join_dialog.take_stream()
        try:
            await self.controller.join(request, stream)
        except JoinError as exc:
            if stream is not None:
                await self.engine.destroy_stream(stream)
            self.join_dialog.show_error(str(exc))
            await self.join_dialog.reload_devices()
            return False
        window = self.call_window = CallWindow(self.controller, self.bridge, self.settings)
        window.leave_requested.connect(lambda: self._spawn(self.leave(quit_after=window._closing)))
        window.settings_requested.connect(lambda: self._spawn(self.open_settings()))
        window.start()
        window.show()
        self.join_dialog.hide()
        return True

    async def leave(self, *, quit_after: bool = False) -> None:
        """Leave the call (asking nothing); back to the join dialog, which offers to rejoin,
        or quit."""
        request = self.controller.request
        await self.controller.leave()
        window, self.call_window = self.call_window, None
        if window is not None:
            window.finish()
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        if quit_after:
            self.quit()
        else:
            if request is not None:
                self.join_dialog.show_rejoin(request.room_id)
            self.show_join()

    async def open_settings(self) -> SettingsDialog:
        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.raise_()
            return self.settings_dialog
        devices = await self.engine.enum_devices()
        dialog = self.settings_dialog = SettingsDialog(devices, self.settings)
        dialog.applied.connect(self._settings_applied)
        dialog.export_requested.connect(lambda: dialog.show_export(self._export()))
        dialog.show()
        return dialog

    def _export(self) -> tuple[Path | None, str]:
        try:
            return self.export_diagnostics(), ""
        except diagnostics.DiagnosticsError as exc:
            log.warning("exporting diagnostics failed: %s", exc)
            return None, i18n.error_text(exc.code)

    def _settings_applied(self, camera: str | None, mic: str | None, speaker: str | None) -> None:
        apply_voice_settings(self.engine, self.settings)  # #10
        if self.call_window is not None:
            self._spawn(self.controller.use_devices(camera, mic, speaker))
        else:  # the join dialog picks the remembered devices up again
            self._spawn(self.join_dialog.reload_devices())

    async def shutdown(self) -> None:
        """Log out, release every device and the embedded service. Safe to call twice."""
        await self.controller.shutdown()
        await self.join_dialog.release_preview()
        for widget in (self.call_window, self.join_dialog, self.settings_dialog):
            if widget is not None:
                widget.hide()
        await self.engine.destroy_engine()
        close_all_renderers()  # every tile's worker joined: nothing left to hang the exit


# ---------------------------------------------------------------- logging and crashes


class _Recent(logging.Handler):
    """The last lines logged, for crash reports."""

    def __init__(self, size: int = 400) -> None:
        super().__init__()
        self.lines: deque[str] = deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


_recent = _Recent()


def setup_logging(level: str = "info") -> Path:
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "huddle.log"
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter(TEXT_FORMAT))
    stderr.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.handlers[:] = [file_handler, stderr, _recent]
    root.setLevel(level.upper())
    for noisy in ("aiortc", "aioice"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def write_crash_report(kind: str, exc: BaseException) -> Path:
    """Write the exception and the recent log to a file in the log directory; return it."""
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path.write_text(
        f"Huddle {__version__} — {kind}\n\n{text}\nRecent log:\n" + "\n".join(_recent.lines) + "\n",
        encoding="utf-8",
    )
    return path


def tell_user_about_crash(path: Path) -> None:
    app = QApplication.instance()
    if app is None:
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        app.translate("Crash", "Huddle ran into a problem"),
        app.translate(
            "Crash", "Something went wrong inside Huddle. The details are saved in %1."
        ).replace("%1", str(path)),
    )
    box.setWindowIcon(icon("huddle"))
    box.setModal(False)
    box.show()
    _open_boxes.append(box)


_open_boxes: list[QMessageBox] = []


def install_crash_handler(loop: asyncio.AbstractEventLoop) -> None:
    """Uncaught exceptions (Qt slots, threads, tasks) are written to a file and the user told
    where; the app keeps running."""

    def report(kind: str, exc: BaseException) -> None:
        try:
            path = write_crash_report(kind, exc)
            log.error("%s: %s (details in %s)", kind, exc, path)
            tell_user_about_crash(path)
            crash.mark_seen(open_settings(), path)  # told now: not offered again next start
        except Exception:
            traceback.print_exception(exc)

    sys.excepthook = lambda t, e, tb: report("uncaught exception", e)
    threading.excepthook = lambda args: report(f"exception in thread {args.thread}", args.exc_value)

    def loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None or isinstance(exc, asyncio.CancelledError):
            log.warning("asyncio: %s", context.get("message"))
            return
        report(context.get("message", "exception in a task"), exc)

    loop.set_exception_handler(loop_handler)


# ---------------------------------------------------------------- main


def has_display() -> bool:
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def create_qapplication(argv: list[str], settings: QSettings) -> tuple[QApplication, str]:
    QGuiApplication.setDesktopFileName(APP_ID_NAME)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(icon("huddle"))
    app.setStyleSheet(stylesheet())
    app.setQuitOnLastWindowClosed(False)
    language = i18n.pick_language(str(settings.value("ui/language", "")) or None)
    if not i18n.install(app, language):
        log.warning(
            "no translation for %s found in %s; using English", language, i18n.translations_dir()
        )
        language = i18n.SOURCE_LANGUAGE
    return app, language


def run(
    argv: list[str],
    *,
    language: str | None = None,
    prefill: JoinRequest | None = None,
    join_now: bool = False,
) -> int:
    """Start the app and block until it quits; returns the exit status. ``prefill`` fills
    the join dialog (and ``join_now`` presses Join)."""
    if not has_display():
        print(
            "huddle: no graphical display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "Start it from a desktop session, or on a virtual one: xvfb-run -a huddle",
            file=sys.stderr,
        )
        return 1
    log_path = setup_logging()
    crash.arm(log_dir())  # native crashes (segfaults, aborts) leave their stacks for next time
    settings = open_settings()
    if language:
        settings.setValue("ui/language", language)
    qapp, applied = create_qapplication(argv, settings)
    log.info("Huddle %s starting (language %s, log %s)", __version__, applied, log_path)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    install_crash_handler(loop)
    huddle = HuddleApp(settings)
    qapp.aboutToQuit.connect(huddle.quit)

    async def main() -> None:
        if prefill is not None:
            huddle.join_dialog.apply(prefill, toggles=join_now)
            if join_now:
                asyncio.get_running_loop().call_later(0.5, huddle.join_dialog.join_button.click)
        await huddle.run()

    with contextlib.suppress(KeyboardInterrupt), loop:
        loop.run_until_complete(main())
    crash.disarm()  # a clean exit: nothing to report
    return 0
