"""Media failures, numbered from the project's one error table."""

from __future__ import annotations

from app.protocol.errors import CodedError, ErrorCode


class MediaError(CodedError):
    """A device or file could not be opened or failed while in use."""

    def __init__(self, code: ErrorCode, message: str | None = None, *, device: str = "") -> None:
        super().__init__(code, message)
        self.device = device
