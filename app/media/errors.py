"""Media failures, numbered from the project's one error table."""

from __future__ import annotations

from app.protocol.errors import ErrorCode


class MediaError(Exception):
    """A device or file could not be opened or failed while in use."""

    def __init__(self, code: ErrorCode, message: str | None = None, *, device: str = "") -> None:
        self.code = code
        self.device = device
        self.message = message or code.message
        super().__init__(f"{code.name} ({int(code)}): {self.message}")
