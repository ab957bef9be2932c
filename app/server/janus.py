"""Janus (VideoRoom) as Huddle's SFU: a client of Janus's WebSocket API and the router on it.

The room service is Janus's only client. Each :class:`JanusNode` keeps one WebSocket and one
Janus session to a Janus instance (``api_secret`` on every request, a keepalive every 25 s,
reconnecting with backoff when the socket drops). :class:`JanusRouter` places each Huddle room on
the least loaded node that is up, creates a private VideoRoom there (with the plugin's
``admin_key`` and a secret of its own) and destroys it with the last user; a published stream is
one VideoRoom publisher (the client's offer in ``joinandconfigure``, Janus's answer relayed
back), a play is one subscriber handle (Janus's offer relayed to the player, its answer sent
with ``start``). Every request has a deadline: when Janus is down or stuck, the clients get a
numbered 6xxx error, never a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError

from .media import MediaEvents, MediaLink, MediaMode

log = logging.getLogger("huddle.server.janus")

KEEPALIVE_INTERVAL = 25.0
"""Seconds between keepalives; Janus drops a session silent for ``session_timeout`` (60 s)."""
REQUEST_TIMEOUT = 10.0
FEED_TIMEOUT = 15.0
"""How long a play waits for the publisher's media to reach Janus before it fails."""
RECONNECT_DELAYS = (0.5, 1.0, 2.0, 5.0)
VIDEO_CODECS = "vp8,h264,vp9"


class JanusError(Exception):
    """Janus answered with an error, did not answer in time, or is not connected."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(f"{code.name}: {detail}")
        self.code = code
        self.detail = detail


Handler = Callable[[dict[str, Any]], None]


class JanusNode:
    """One Janus instance: a WebSocket, one Janus session on it, requests and handle events."""

    def __init__(
        self,
        url: str,
        *,
        api_secret: str | None,
        on_down: Callable[[JanusNode], None],
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.url = url
        self._secret = api_secret
        self._on_down = on_down
        self._timeout = request_timeout
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._handles: dict[int, Handler] = {}
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._session_id: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._up = asyncio.Event()
        self.rooms = 0
        self.publishers = 0
        self.subscribers = 0
        self.last_error = "not connected yet"

    def __repr__(self) -> str:
        return f"<JanusNode {self.url} {'up' if self.up else 'down'}>"

    @property
    def up(self) -> bool:
        return self._up.is_set()

    @property
    def load(self) -> tuple[int, int, int]:
        return (self.publishers, self.rooms, self.subscribers)

    def stats(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "up": self.up,
            "rooms": self.rooms,
            "publishers": self.publishers,
            "subscribers": self.subscribers,
            **({} if self.up else {"error": self.last_error}),
        }

    # ------------------------------------------------------------ the connection

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"huddle-janus-{self.url}")

    async def wait_up(self, timeout: float) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._up.wait()
        return self.up

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        failures = 0
        self._http = aiohttp.ClientSession()
        try:
            while True:
                try:
                    await self._connect()
                    failures = 0
                    await self._serve()
                except asyncio.CancelledError:
                    self.last_error = "closed"
                    raise
                except Exception as exc:  # any failure: count it, go down, try again
                    self.last_error = str(exc) or type(exc).__name__
                    log.warning("janus %s: %s", self.url, self.last_error)
                finally:
                    self._went_down()
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                await asyncio.sleep(delay)
        finally:
            ws, self._ws = self._ws, None
            if ws is not None:
                with contextlib.suppress(Exception):
                    await ws.close()
            await self._http.close()
            self._http = None

    async def _connect(self) -> None:
        assert self._http is not None
        async with asyncio.timeout(self._timeout):
            self._ws = await self._http.ws_connect(
                self.url, protocols=("janus-protocol",), heartbeat=None, max_msg_size=0
            )
        reader = asyncio.create_task(self._read(self._ws), name="huddle-janus-reader")
        self._reader = reader
        reply = await self._call({"janus": "create"}, session=False)
        self._session_id = int(reply["data"]["id"])
        self._up.set()
        log.info("janus %s up (session %s)", self.url, self._session_id)

    async def _serve(self) -> None:
        """Keep the session alive until the socket closes or a keepalive fails."""
        reader = self._reader
        while True:
            done, _ = await asyncio.wait({reader}, timeout=KEEPALIVE_INTERVAL)
            if done:
                raise ConnectionError("the WebSocket to Janus closed")
            await self._call({"janus": "keepalive"})

    def _went_down(self) -> None:
        was_up = self.up
        self._up.clear()
        self._session_id = None
        reader = getattr(self, "_reader", None)
        if reader is not None:
            reader.cancel()
        ws, self._ws = self._ws, None
        if ws is not None:
            self._closer = asyncio.ensure_future(ws.close())
        for future in self._pending.values():
            if not future.done():
                future.set_exception(
                    JanusError(ErrorCode.MEDIA_SERVER_UNAVAILABLE, f"Janus at {self.url} is down")
                )
        self._pending.clear()
        handles, self._handles = self._handles, {}
        self.rooms = self.publishers = self.subscribers = 0
        if was_up:
            log.warning("janus %s down: %s", self.url, self.last_error)
            self._on_down(self)
        del handles

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                message = frame.json()
            except ValueError:
                log.warning("janus %s sent a frame that is not JSON", self.url)
                continue
            self._dispatch(message)
        self.last_error = f"the WebSocket to Janus closed (code {ws.close_code})"

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("janus")
        transaction = message.get("transaction")
        future = self._pending.get(transaction) if transaction else None
        if future is not None and kind != "ack":
            if not future.done():
                future.set_result(message)
            return
        if kind in ("ack", "keepalive", "timeout"):
            if kind == "timeout":
                self.last_error = "Janus timed the session out"
            return
        sender = message.get("sender")
        handler = self._handles.get(sender) if isinstance(sender, int) else None
        if handler is not None:
            try:
                handler(message)
            except Exception:
                log.exception("handling a Janus %s event failed", kind)

    # ------------------------------------------------------------ requests

    async def _call(
        self, payload: dict[str, Any], *, session: bool = True, handle: int | None = None
    ) -> dict[str, Any]:
        ws = self._ws
        if ws is None or ws.closed:
            raise JanusError(ErrorCode.MEDIA_SERVER_UNAVAILABLE, f"Janus at {self.url} is down")
        transaction = f"h{next(self._ids)}"
        payload = {**payload, "transaction": transaction}
        if self._secret:
            payload["apisecret"] = self._secret
        if session:
            if self._session_id is None:
                raise JanusError(ErrorCode.MEDIA_SERVER_UNAVAILABLE, f"Janus at {self.url} is down")
            payload["session_id"] = self._session_id
        if handle is not None:
            payload["handle_id"] = handle
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = future
        try:
            await ws.send_json(payload)
            async with asyncio.timeout(self._timeout):
                reply = await future
        except TimeoutError:
            raise JanusError(
                ErrorCode.MEDIA_SERVER_TIMEOUT,
                f"Janus at {self.url} did not answer a {payload.get('janus')} request "
                f"within {self._timeout:g} s",
            ) from None
        except (ConnectionError, aiohttp.ClientError, RuntimeError) as exc:
            raise JanusError(
                ErrorCode.MEDIA_SERVER_UNAVAILABLE, f"Janus at {self.url}: {exc}"
            ) from None
        finally:
            self._pending.pop(transaction, None)
        if reply.get("janus") == "error":
            error = reply.get("error", {})
            raise JanusError(
                ErrorCode.MEDIA_SERVER_REFUSED,
                f"Janus error {error.get('code')}: {error.get('reason')}",
            )
        return reply

    async def attach(self, on_event: Handler) -> int:
        reply = await self._call({"janus": "attach", "plugin": "janus.plugin.videoroom"})
        handle = int(reply["data"]["id"])
        self._handles[handle] = on_event
        return handle

    async def detach(self, handle: int) -> None:
        """Detach a handle (Janus hangs its peer connection up). Never raises."""
        if self._handles.pop(handle, None) is None:
            return
        with contextlib.suppress(JanusError):
            await self._call({"janus": "detach"}, handle=handle)

    async def message(
        self, handle: int | None, body: dict[str, Any], jsep: dict[str, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """A VideoRoom request: its data (a synchronous reply or the event it led to) and
        Janus's JSEP, if any. A VideoRoom error raises JanusError (MEDIA_SERVER_REFUSED)."""
        payload: dict[str, Any] = {"janus": "message", "body": body}
        if jsep is not None:
            payload["jsep"] = jsep
        if handle is None:
            handle = await self._control_handle()
        reply = await self._call(payload, handle=handle)
        data = reply.get("plugindata", {}).get("data", {})
        if "error_code" in data or data.get("videoroom") == "error":
            raise JanusError(
                ErrorCode.MEDIA_SERVER_REFUSED,
                f"VideoRoom error {data.get('error_code')}: {data.get('error')}",
            )
        return data, reply.get("jsep")

    async def trickle(self, handle: int, candidate: dict[str, Any]) -> None:
        await self._call({"janus": "trickle", "candidate": candidate}, handle=handle)

    async def _control_handle(self) -> int:
        """One handle per session for room management (create, destroy)."""
        session = self._session_id
        cached = getattr(self, "_control", None)
        if cached is not None and cached[0] == session:
            return cached[1]
        handle = await self.attach(lambda _event: None)
        self._control = (session, handle)
        return handle


# ---------------------------------------------------------------- the router


@dataclass(eq=False)
class _Room:
    key: tuple[int, str]
    node: JanusNode | None = None
    janus_id: int = 0
    secret: str = field(default_factory=lambda: secrets.token_hex(12))
    ready: asyncio.Task[None] | None = None
    feeds: dict[str, _Uplink] = field(default_factory=dict)
    closed: bool = False


@dataclass(eq=False)
class _Uplink:
    link: MediaLink
    room: _Room
    handle: int | None = None
    feed: int | None = None
    live: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    closed: bool = False


@dataclass(eq=False)
class _Downlink:
    link: MediaLink
    room: _Room
    handle: int | None = None
    offered: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    closed: bool = False


class JanusRouter:
    """The SFU media router: one Janus VideoRoom per Huddle room, on the least loaded node."""

    mode: MediaMode = "sfu"

    def __init__(
        self,
        urls: list[str],
        *,
        api_secret: str | None = None,
        admin_key: str | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
        feed_timeout: float = FEED_TIMEOUT,
    ) -> None:
        if not urls:
            raise ValueError("the Janus router needs at least one Janus URL")
        self._admin_key = admin_key if admin_key is not None else api_secret
        self._feed_timeout = feed_timeout
        self.nodes = [
            JanusNode(
                url, api_secret=api_secret, on_down=self._node_down, request_timeout=request_timeout
            )
            for url in urls
        ]
        self._events: MediaEvents | None = None
        self._rooms: dict[tuple[int, str], _Room] = {}
        self._links: dict[str, _Uplink | _Downlink] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def bind(self, events: MediaEvents) -> None:
        self._events = events

    # ------------------------------------------------------------ lifecycle

    async def start(self, wait: float = 5.0) -> None:
        """Connect to every node; waits up to ``wait`` seconds for them (down ones keep trying
        in the background, and count as down until they answer)."""
        for node in self.nodes:
            node.start()
        await asyncio.gather(*(node.wait_up(wait) for node in self.nodes))

    async def close(self) -> None:
        for room in list(self._rooms.values()):
            self.close_room(room.key)
        tasks = list(self._tasks)
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*(node.close() for node in self.nodes))

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("janus task %s failed", task.get_name(), exc_info=task.exception())

    # ------------------------------------------------------------ health

    @property
    def healthy(self) -> bool:
        return any(node.up for node in self.nodes)

    def stats(self) -> dict[str, Any]:
        return {"janus": [node.stats() for node in self.nodes]}

    def check(self, room_key: tuple[int, str]) -> None:
        """Refuse at once (MEDIA_SERVER_UNAVAILABLE) when no node can take this room's media."""
        room = self._rooms.get(room_key)
        if room is not None and room.node is not None and room.node.up:
            return
        if not self.healthy:
            down = "; ".join(f"{n.url}: {n.last_error}" for n in self.nodes)
            raise ProtocolError(
                ErrorCode.MEDIA_SERVER_UNAVAILABLE,
                f"{ErrorCode.MEDIA_SERVER_UNAVAILABLE.message} ({down})",
            )

    # ------------------------------------------------------------ rooms

    def open_room(self, room_key: tuple[int, str]) -> None:
        room = self._rooms.get(room_key)
        if room is None:
            room = self._rooms[room_key] = _Room(room_key)
        self._place(room)

    def _place(self, room: _Room) -> None:
        if room.node is not None and room.node.up:
            return
        nodes = [n for n in self.nodes if n.up]
        if not nodes:
            room.node, room.ready = None, None
            return
        node = min(nodes, key=lambda n: n.load)
        room.node = node
        room.janus_id = secrets.randbelow(2**52) + 1
        node.rooms += 1
        room.ready = self._spawn(self._create_room(room, node), f"huddle-janus-room-{room.key}")

    async def _create_room(self, room: _Room, node: JanusNode) -> None:
        body: dict[str, Any] = {
            "request": "create",
            "room": room.janus_id,
            "description": f"huddle {room.key[0]}/{room.key[1]}"[:120],
            "is_private": True,
            "secret": room.secret,
            "publishers": 1000,
            "bitrate": 0,
            "fir_freq": 0,
            "audiocodec": "opus",
            "videocodec": VIDEO_CODECS,
            "notify_joining": False,
        }
        if self._admin_key:
            body["admin_key"] = self._admin_key
        await node.message(None, body)
        log.info("janus room %s for %s on %s", room.janus_id, room.key, node.url)

    async def _room_ready(self, room: _Room) -> JanusNode:
        failed = room.ready is not None and room.ready.done() and not room.ready.cancelled()
        if failed and room.ready.exception() is not None:
            room.node, room.ready = None, None  # creating it failed: place it again
        if room.node is None or not room.node.up:
            self._place(room)
        node, ready = room.node, room.ready
        if node is None or ready is None:
            raise JanusError(ErrorCode.MEDIA_SERVER_UNAVAILABLE, "no Janus node is up")
        await asyncio.shield(ready)
        return node

    def close_room(self, room_key: tuple[int, str]) -> None:
        room = self._rooms.pop(room_key, None)
        if room is None:
            return
        room.closed = True
        for link in [x for x in self._links.values() if x.room is room]:
            self.end(link.link)
        node, ready = room.node, room.ready
        if node is not None and ready is not None:
            self._spawn(self._destroy_room(room, node, ready), f"huddle-janus-destroy-{room.key}")

    async def _destroy_room(self, room: _Room, node: JanusNode, ready: asyncio.Task[None]) -> None:
        with contextlib.suppress(Exception):
            await ready
        if not node.up:
            return
        node.rooms = max(0, node.rooms - 1)
        with contextlib.suppress(JanusError):
            await node.message(
                None, {"request": "destroy", "room": room.janus_id, "secret": room.secret}
            )
            log.info("janus room %s destroyed", room.janus_id)

    def _node_down(self, node: JanusNode) -> None:
        """A node went away: its rooms lose their placement and their media links fail."""
        for room in self._rooms.values():
            if room.node is node:
                room.node, room.ready = None, None
        for state in list(self._links.values()):
            if state.room.node is None:
                detail = f"Janus at {node.url} is down"
                self._fail(state, ErrorCode.MEDIA_SERVER_UNAVAILABLE, detail)

    # ------------------------------------------------------------ links

    def publish(self, room_key: tuple[int, str], link: MediaLink) -> None:
        """An uplink: the publisher's offer will come as a signal."""
        room = self._rooms.get(room_key)
        if room is None:
            room = self._rooms[room_key] = _Room(room_key)
        old = room.feeds.get(link.stream_id)
        if old is not None:
            self.end(old.link)
        state = _Uplink(link, room)
        room.feeds[link.stream_id] = state
        self._links[link.id] = state
        self._place(room)

    def play(self, room_key: tuple[int, str], link: MediaLink) -> None:
        """A downlink: subscribe once the stream's uplink is live; Janus's offer is relayed."""
        room = self._rooms.get(room_key)
        if room is None:
            room = self._rooms[room_key] = _Room(room_key)
        state = _Downlink(link, room)
        self._links[link.id] = state
        state.task = self._spawn(self._subscribe(state), f"huddle-janus-play-{link.id}")

    def signal(self, link: MediaLink, message: m.Signal) -> None:
        state = self._links.get(link.id)
        if state is None:
            return
        if isinstance(state, _Uplink):
            if message.kind == "offer" and message.sdp:
                if state.task is not None:
                    state.task.cancel()
                state.task = self._spawn(
                    self._publish(state, message.sdp), f"huddle-janus-publish-{link.id}"
                )
            elif message.kind in ("candidate", "end_of_candidates"):
                self._spawn(self._trickle(state, message), f"huddle-janus-trickle-{link.id}")
        elif message.kind == "answer" and message.sdp:
            self._spawn(self._start(state, message.sdp), f"huddle-janus-start-{link.id}")
        elif message.kind in ("candidate", "end_of_candidates"):
            self._spawn(self._trickle(state, message), f"huddle-janus-trickle-{link.id}")

    def end(self, link: MediaLink) -> None:
        state = self._links.pop(link.id, None)
        if state is None or state.closed:
            return
        state.closed = True
        if state.task is not None:
            state.task.cancel()
        if isinstance(state, _Uplink) and state.room.feeds.get(link.stream_id) is state:
            del state.room.feeds[link.stream_id]
        node = state.room.node
        if state.handle is not None and node is not None:
            if isinstance(state, _Uplink):
                node.publishers = max(0, node.publishers - 1)
            else:
                node.subscribers = max(0, node.subscribers - 1)
            self._spawn(node.detach(state.handle), f"huddle-janus-detach-{link.id}")

    def _fail(self, state: _Uplink | _Downlink, code: ErrorCode, detail: str) -> None:
        if state.closed:
            return
        log.warning("media link %s failed: %s (%s)", state.link.id, code.name, detail)
        link = state.link
        self.end(link)
        if self._events is not None:
            self._events.link_failed(link, code, f"{code.message} ({detail})")

    # ------------------------------------------------------------ publishing

    async def _publish(self, state: _Uplink, sdp: str) -> None:
        try:
            node = await self._room_ready(state.room)
            if state.handle is None:
                state.handle = await node.attach(lambda event: self._on_uplink_event(state, event))
                node.publishers += 1
            data, jsep = await node.message(
                state.handle,
                {
                    "request": "joinandconfigure",
                    "ptype": "publisher",
                    "room": state.room.janus_id,
                    "display": state.link.stream_id,
                    "audio": True,
                    "video": True,
                    "data": False,
                },
                {"type": "offer", "sdp": sdp},
            )
            if jsep is None or jsep.get("type") != "answer":
                raise JanusError(ErrorCode.MEDIA_SERVER_REFUSED, "Janus sent no answer")
            state.feed = int(data["id"])
            if self._events is not None and not state.closed:
                self._events.link_signal(state.link, "answer", sdp=jsep["sdp"])
            log.info("janus feed %s for %s", state.feed, state.link.stream_id)
        except asyncio.CancelledError:
            raise
        except JanusError as exc:
            self._fail(state, exc.code, exc.detail)
        except Exception as exc:
            self._fail(state, ErrorCode.MEDIA_SERVER_REFUSED, repr(exc))

    def _on_uplink_event(self, state: _Uplink, event: dict[str, Any]) -> None:
        kind = event.get("janus")
        if kind == "webrtcup":
            state.live.set()
        elif kind in ("hangup", "detached"):
            reason = event.get("reason", kind)
            detail = f"Janus hung up the publisher: {reason}"
            self._fail(state, ErrorCode.MEDIA_SERVER_HANGUP, detail)

    # ------------------------------------------------------------ playing

    async def _subscribe(self, state: _Downlink) -> None:
        try:
            node = await self._room_ready(state.room)
            uplink = await self._live_uplink(state)
            state.handle = await node.attach(lambda event: self._on_downlink_event(state, event))
            node.subscribers += 1
            _data, jsep = await node.message(
                state.handle,
                {
                    "request": "join",
                    "ptype": "subscriber",
                    "room": state.room.janus_id,
                    "streams": [{"feed": uplink.feed}],
                    "autoupdate": False,
                },
            )
            if jsep is None or jsep.get("type") != "offer":
                raise JanusError(ErrorCode.MEDIA_SERVER_REFUSED, "Janus sent no offer")
            if self._events is not None and not state.closed:
                state.offered.set()
                self._events.link_signal(state.link, "offer", sdp=jsep["sdp"])
        except asyncio.CancelledError:
            raise
        except JanusError as exc:
            self._fail(state, exc.code, exc.detail)
        except Exception as exc:
            self._fail(state, ErrorCode.MEDIA_SERVER_REFUSED, repr(exc))

    async def _live_uplink(self, state: _Downlink) -> _Uplink:
        """The stream's uplink once its media reaches Janus (a subscriber can only join then)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._feed_timeout
        while True:
            uplink = state.room.feeds.get(state.link.stream_id)
            if uplink is not None and uplink.feed is not None and uplink.live.is_set():
                return uplink
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise JanusError(
                    ErrorCode.MEDIA_PUBLISHER_NOT_READY,
                    f"stream {state.link.stream_id!r} did not reach Janus "
                    f"within {self._feed_timeout:g} s",
                )
            if uplink is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min(remaining, 0.5)):
                        await uplink.live.wait()
            else:
                await asyncio.sleep(min(remaining, 0.05))

    async def _start(self, state: _Downlink, sdp: str) -> None:
        try:
            await state.offered.wait()
            node = state.room.node
            if node is None or state.handle is None:
                raise JanusError(ErrorCode.MEDIA_SERVER_UNAVAILABLE, "no Janus node")
            await node.message(
                state.handle,
                {"request": "start", "room": state.room.janus_id},
                {"type": "answer", "sdp": sdp},
            )
        except asyncio.CancelledError:
            raise
        except JanusError as exc:
            self._fail(state, exc.code, exc.detail)

    def _on_downlink_event(self, state: _Downlink, event: dict[str, Any]) -> None:
        if event.get("janus") in ("hangup", "detached"):
            reason = event.get("reason", event.get("janus"))
            self._fail(state, ErrorCode.MEDIA_SERVER_HANGUP, f"Janus hung up the player: {reason}")

    async def _trickle(self, state: _Uplink | _Downlink, message: m.Signal) -> None:
        node = state.room.node
        if node is None or state.handle is None:
            return
        if message.kind == "end_of_candidates" or message.candidate is None:
            candidate: dict[str, Any] = {"completed": True}
        else:
            candidate = {
                "candidate": message.candidate.candidate,
                "sdpMid": message.candidate.sdp_mid,
                "sdpMLineIndex": message.candidate.sdp_mline_index,
            }
        with contextlib.suppress(JanusError):
            await node.trickle(state.handle, candidate)
