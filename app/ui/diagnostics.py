"""What support needs after a bad call: the last call's state timeline, its quality samples and
the logs, exported as one zip ("Export diagnostics" in the settings)."""

from __future__ import annotations

import collections
import dataclasses
import json
import platform
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import platformdirs

from app import __version__
from app.protocol.errors import ErrorCode

MAX_EVENTS = 5000
MAX_SAMPLES = 5000


class DiagnosticsError(OSError):
    code = ErrorCode.DIAGNOSTICS_FAILED


def default_export_dir() -> Path:
    """Where exports go: the user's downloads folder (their home if there is none)."""
    downloads = Path(platformdirs.user_downloads_dir())
    return downloads if downloads.is_dir() else Path.home()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


class CallRecord:
    """The timeline and quality samples of one call (the app keeps the last one)."""

    def __init__(self) -> None:
        self.started = time.time()
        self.events: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_EVENTS)
        self.samples: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_SAMPLES)

    def event(self, kind: str, **details: Any) -> None:
        self.events.append({"t": round(time.time(), 3), "event": kind, **_plain(details)})

    def sample(self, direction: str, stream_id: str, quality: Any) -> None:
        self.samples.append(
            {"t": round(time.time(), 3), "direction": direction, "stream_id": stream_id}
            | _plain(quality)
        )


def system_info() -> dict[str, Any]:
    import aiortc
    import av
    import PySide6

    return {
        "huddle": __version__,
        "python": sys.version,
        "platform": platform.platform(),
        "pyav": av.__version__,
        "ffmpeg": {k: str(v) for k, v in av.library_versions.items()},
        "aiortc": aiortc.__version__,
        "pyside6": PySide6.__version__,
    }


def export(
    record: CallRecord | None,
    log_dir: Path,
    recent_log: list[str],
    directory: Path | None = None,
) -> Path:
    """Write ``huddle-diagnostics-<time>.zip`` into ``directory``; return its path. Raises
    ``DiagnosticsError`` when it cannot be written."""
    directory = directory or default_export_dir()
    path = directory / f"huddle-diagnostics-{time.strftime('%Y%m%d-%H%M%S')}.zip"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("system.json", json.dumps(system_info(), indent=2))
            if record is not None:
                archive.writestr(
                    "timeline.jsonl",
                    "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in record.events),
                )
                archive.writestr(
                    "quality.jsonl",
                    "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in record.samples),
                )
            archive.writestr("recent.log", "\n".join(recent_log) + "\n")
            if log_dir.is_dir():
                for log_file in (
                    sorted(log_dir.glob("huddle.log*")) + sorted(log_dir.glob("crash-*.log"))[-5:]
                ):
                    archive.write(log_file, f"logs/{log_file.name}")
    except OSError as exc:
        raise DiagnosticsError(f"{ErrorCode.DIAGNOSTICS_FAILED.message} ({exc})") from None
    return path
