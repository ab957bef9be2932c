"""The engine's exceptions: one root, one subclass per operation, each with an error code."""

from __future__ import annotations

from typing import NoReturn

from app.protocol.errors import CodedError, ErrorCode


class HuddleError(CodedError):
    """Root of every engine error. ``code`` is an :class:`ErrorCode`; ``message`` a sentence."""

    @classmethod
    def of(cls, exc: BaseException, default: ErrorCode = ErrorCode.INTERNAL_ERROR) -> HuddleError:
        """Wrap anything raised below the engine (protocol, media) as this class."""
        if isinstance(exc, cls):
            return exc
        if isinstance(exc, CodedError):
            return cls(exc.code, exc.message)
        return cls(default, str(exc) or None)


class LoginError(HuddleError):
    """Logging in (or back in) to a room failed."""


class PublishError(HuddleError):
    """Publishing or changing a published stream failed."""


class PlayError(HuddleError):
    """Playing a stream failed."""


class MessageError(HuddleError):
    """A broadcast, barrage or custom command was refused."""


class DeviceError(HuddleError):
    """A camera, microphone, speaker, screen or media file failed."""


class EngineStateError(HuddleError):
    """The call is not allowed now: not logged in, already logged in, or destroyed."""


class RequestTimeoutError(HuddleError, TimeoutError):
    """The room service did not answer in time."""


class ServerConnectionError(HuddleError, ConnectionError):
    """The room service could not be reached, or the connection to it was lost."""


def raise_as(cls: type[HuddleError], exc: BaseException) -> NoReturn:
    """Raise ``exc`` as a ``cls`` (itself when it already is one), keeping it as the cause."""
    error = cls.of(exc)
    if error is exc:
        raise exc
    raise error from exc
