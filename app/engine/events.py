"""Event names (the seed's own strings), what each handler receives, and the emitter.

Register handlers with ``engine.on(name, handler)`` before ``login_room`` so none is missed.
A handler may be a plain function or a coroutine function (its coroutine runs as a task). A
handler that raises is logged and never breaks the engine.

===============================  ==========================================================
event                            handler arguments
===============================  ==========================================================
``roomStateChanged``             ``room_id, reason: RoomStateReason, error_code: int,
                                 extended_data: dict``
``roomUserUpdate``               ``room_id, update_type: UpdateType, users: list[User]``
                                 (only with ``RoomConfig(user_update=True)``)
``roomStreamUpdate``             ``room_id, update_type: UpdateType, streams: list[StreamInfo],
                                 extended_data: dict`` (other users' streams only)
``roomStreamExtraInfoUpdate``    ``room_id, streams: list[StreamInfo]``
``remoteCameraStatusUpdate``     ``stream_id, status: DeviceStatus``
``remoteMicStatusUpdate``        ``stream_id, status: DeviceStatus``
``publisherStateUpdate``         ``result: PublisherStateResult``
``publishQualityUpdate``         ``stream_id, stats: StreamQuality``
``playerStateUpdate``            ``result: PlayerStateResult``
``playQualityUpdate``            ``stream_id, stats: StreamQuality``
``IMRecvBroadcastMessage``       ``room_id, messages: list[ChatMessage]``
``IMRecvBarrageMessage``         ``room_id, messages: list[ChatMessage]``
``IMRecvCustomCommand``          ``room_id, from_user: User, command: str``
``capturedSoundLevelUpdate``     ``sound_level: float`` (0-100, the local microphone)
``soundLevelUpdate``             ``levels: list[SoundLevel]`` (every published and played stream)
``deviceError``                  ``error_code: int, device_name: str``
===============================  ==========================================================
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, Literal, Protocol, get_args

log = logging.getLogger("huddle.engine")

EventName = Literal[
    "roomStateChanged",
    "roomUserUpdate",
    "roomStreamUpdate",
    "roomStreamExtraInfoUpdate",
    "remoteCameraStatusUpdate",
    "remoteMicStatusUpdate",
    "publisherStateUpdate",
    "publishQualityUpdate",
    "playerStateUpdate",
    "playQualityUpdate",
    "IMRecvBroadcastMessage",
    "IMRecvBarrageMessage",
    "IMRecvCustomCommand",
    "capturedSoundLevelUpdate",
    "soundLevelUpdate",
    "deviceError",
]
EVENT_NAMES: frozenset[str] = frozenset(get_args(EventName))

Handler = Callable[..., Any]


class Emit(Protocol):
    """Fire an event (``Emitter.emit``): how the engine's parts report to the app."""

    def __call__(self, event: EventName, /, *args: Any) -> None: ...


class Emitter:
    """Plain callbacks by event name; ``emit`` calls them in registration order."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def on(self, event: EventName, handler: Handler) -> Handler:
        if event not in EVENT_NAMES:
            raise ValueError(f"unknown event {event!r}; known: {', '.join(sorted(EVENT_NAMES))}")
        self._handlers.setdefault(event, []).append(handler)
        return handler

    def off(self, event: EventName, handler: Handler | None = None) -> None:
        """Remove one handler, or every handler of the event when none is given."""
        if handler is None:
            self._handlers.pop(event, None)
        elif handler in self._handlers.get(event, []):
            self._handlers[event].remove(handler)

    def emit(self, event: EventName, *args: Any) -> None:
        for handler in list(self._handlers.get(event, ())):
            try:
                result = handler(*args)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._tasks.add(task)
                    task.add_done_callback(self._task_done)
            except Exception:
                log.exception("a %s handler raised", event)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a handler task raised", exc_info=task.exception())

    def remove_all_listeners(self) -> None:
        self._handlers.clear()
        for task in list(self._tasks):
            task.cancel()
