"""Crashes Python cannot catch (a segfault in a native library, an abort): ``faulthandler``
writes every thread's stack to a file in the log directory, and the next start offers to show
it, as it does for a Python crash report written while the user was away.

While the app runs, faulthandler writes to ``native-<pid>.pending`` (armed, empty). A clean
exit removes it; a native crash leaves it with the stacks. The next start turns every pending
file of a process that is gone into ``crash-<time>.log`` (with the end of ``huddle.log``,
which the crashed process wrote up to its last line) and offers the newest report not yet
offered.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import time
from pathlib import Path
from typing import IO

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__

from .resources import icon

PENDING_SUFFIX = ".pending"
SEEN_KEY = "crash/seen"
LOG_TAIL_LINES = 200

_armed: tuple[IO[str], Path] | None = None


def arm(directory: Path) -> Path:
    """Send native crashes' stacks (every thread) to a pending file in ``directory``."""
    global _armed
    disarm(remove=True)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"native-{os.getpid()}{PENDING_SUFFIX}"
    stream = path.open("w", encoding="utf-8")
    faulthandler.enable(stream, all_threads=True)
    _armed = (stream, path)
    return path


def disarm(*, remove: bool = True) -> None:
    """A clean exit: stop faulthandler writing to the pending file and remove it."""
    global _armed
    if _armed is None:
        return
    stream, path = _armed
    _armed = None
    with contextlib.suppress(Exception):
        faulthandler.disable()
    stream.close()
    if remove:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def collect_native_crashes(directory: Path) -> list[Path]:
    """Turn the pending files of processes that are gone into crash reports; return them.
    An empty pending file (the process was killed, not crashed) is just removed."""
    reports = []
    if not directory.is_dir():
        return reports
    for pending in sorted(directory.glob(f"native-*{PENDING_SUFFIX}")):
        try:
            pid = int(pending.stem.removeprefix("native-"))
        except ValueError:
            continue
        if pid != os.getpid() and _alive(pid):
            continue  # another Huddle running now
        stacks = pending.read_text(encoding="utf-8", errors="replace").strip()
        if not stacks:
            pending.unlink(missing_ok=True)
            continue
        when = time.localtime(pending.stat().st_mtime)
        report = directory / f"crash-{time.strftime('%Y%m%d-%H%M%S', when)}-native.log"
        log_tail = ""
        log_file = directory / "huddle.log"
        if log_file.exists():
            lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
            log_tail = "\n".join(lines[-LOG_TAIL_LINES:])
        report.write_text(
            f"Huddle {__version__} — native crash (process {pid})\n\n{stacks}\n\n"
            f"End of huddle.log:\n{log_tail}\n",
            encoding="utf-8",
        )
        pending.unlink(missing_ok=True)
        reports.append(report)
    return reports


def mark_seen(settings: QSettings, report: Path) -> None:
    seen = set(_seen(settings))
    seen.add(report.name)
    settings.setValue(SEEN_KEY, sorted(seen)[-50:])
    settings.sync()


def _seen(settings: QSettings) -> list[str]:
    value = settings.value(SEEN_KEY, [])
    if isinstance(value, str):
        return [value]
    return list(value or [])


def unseen_report(settings: QSettings, directory: Path) -> Path | None:
    """The newest crash report the user has not been offered yet, or None."""
    collect_native_crashes(directory)
    seen = set(_seen(settings))
    reports = sorted(
        (p for p in directory.glob("crash-*.log") if p.name not in seen),
        key=lambda p: p.stat().st_mtime,
    )
    return reports[-1] if reports else None


class CrashReportDialog(QDialog):
    """Huddle crashed last time: say so, and show the report on request."""

    def __init__(self, report: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setObjectName("crashReport")
        self.setWindowTitle(self.tr("Huddle closed unexpectedly"))
        self.setWindowIcon(icon("huddle"))
        self.setModal(False)
        self.message = QLabel(
            self.tr(
                "Huddle closed unexpectedly the last time it ran. A report was saved in %1. "
                "Sending it to whoever looks after your Huddle helps them fix it."
            ).replace("%1", str(report))
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setObjectName("crashDetails")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.details.setFont(mono)
        self.details.hide()
        buttons = QDialogButtonBox()
        self.show_button = QPushButton(self.tr("Show the report"))
        self.show_button.clicked.connect(self.show_report)
        self.folder_button = QPushButton(self.tr("Open its folder"))
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(report.parent)))
        )
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(560, 160)

    def show_report(self) -> None:
        self.details.setPlainText(self.report.read_text(encoding="utf-8", errors="replace"))
        self.details.show()
        self.show_button.setEnabled(False)
        self.resize(max(self.width(), 760), 520)
