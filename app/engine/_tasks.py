"""One owner per lifetime for the engine's background tasks.

The engine has two lifetimes: the engine's own (from ``Engine()`` to ``destroy_engine()``) and
a room connection's (from a login being adopted to the socket going away). Each owns a
:class:`TaskGroup`; closing it cancels its tasks, waits for them and logs any that failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

log = logging.getLogger("huddle.engine")


class TaskGroup:
    """Tasks started with :meth:`spawn` live until they finish or :meth:`aclose` is called."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        state = "closed" if self._closing is not None else "open"
        return f"<TaskGroup {self.name} {state} tasks={len(self._tasks)}>"

    @property
    def closed(self) -> bool:
        return self._closing is not None

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a task owned here. Once closed, the task is cancelled at once."""
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        if self._closing is not None:
            log.debug("%s is closed; %s not started", self.name, name)
            task.cancel()
            return task
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("task %s failed", task.get_name(), exc_info=task.exception())

    async def aclose(self) -> None:
        """Cancel every task (but the one calling this) and wait for them. A second call waits
        for the first to finish."""
        if self._closing is not None:
            await asyncio.shield(self._closing)
            return
        self._closing = asyncio.get_running_loop().create_future()
        try:
            current = asyncio.current_task()
            tasks = [t for t in self._tasks if t is not current]
            for task in tasks:
                task.cancel()
            # A task that failed (before or while being cancelled) is logged by ``_done``.
            await asyncio.gather(*tasks, return_exceptions=True)
            if tasks:
                log.debug("%s closed (%d tasks)", self.name, len(tasks))
        finally:
            self._closing.set_result(None)
