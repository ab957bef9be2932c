"""One side of a benchmark call, as its own process (``python -m benchmarks._peer ROLE ...``).

Roles:
  huddle-publish  an engine publishing the pattern through a huddle-server
  huddle-play     an engine playing it (optionally painting into the real VideoTile, offscreen)
  stock-publish   bare aiortc: the pattern on an RTCPeerConnection (aiortc's own media path)
  stock-play      bare aiortc: the receiving RTCPeerConnection

Stock peers exchange SDP through the orchestrator: JSON lines on stdout and stdin. Every peer
prints ``{"result": {...}}`` when its stdin closes. Latencies come from the pattern's stamp:
its capture time against the time a frame reaches this process's code (decoded) or is drawn
in the tile's paint event (painted).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import queue
import sys
import threading
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.engine import CustomConfig, Engine, EngineConfig, PublishOptions, RoomConfig, User
from app.engine import _aiortc_seams as seams
from app.media import PatternSource, ToneSource, read_stamp
from app.server.tokens import mint_token
from benchmarks._common import CpuMeter, percentiles

STREAM = "bench"


def say(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


async def lines() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


class Measure:
    """Collects decoded and painted latencies and frame counts after a warm-up. With
    ``stamps=False`` it only counts frames (no stamp reading: CPU figures stay the app's)."""

    def __init__(self, warmup: float, *, stamps: bool = True) -> None:
        self.stamps = stamps
        self.start = time.monotonic() + warmup
        self.decoded: list[float] = []
        self.painted: list[float] = []
        self.frames = self.verified = self.painted_frames = 0
        self.first_at: float | None = None
        self._stamps: queue.Queue[tuple[Any, float] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read_stamps, daemon=True)
        self._reader.start()

    @property
    def measuring(self) -> bool:
        return time.monotonic() >= self.start

    def on_decoded(self, frame: Any) -> None:
        """On the event loop, for every frame: note the time; read the stamp elsewhere."""
        if self.measuring:
            self.first_at = self.first_at or time.monotonic()
            self.frames += 1
            if self.stamps:
                self._stamps.put((frame, time.time()))

    def _read_stamps(self) -> None:
        while (item := self._stamps.get()) is not None:
            frame, arrived = item
            stamp = read_stamp(frame)
            if stamp is not None:
                self.verified += 1
                self.decoded.append(stamp.age_ms(int(arrived * 1e6)))

    def on_painted(self, stamp: Any, painted_at: float) -> None:
        if self.measuring and (stamp is not None or not self.stamps):
            self.painted_frames += 1
            if stamp is not None:
                self.painted.append(stamp.age_ms(int(painted_at * 1e6)))

    def result(self) -> dict[str, Any]:
        self._stamps.put(None)
        self._reader.join(timeout=10)
        span = time.monotonic() - (self.first_at or time.monotonic())
        return {
            "decoded_ms": percentiles(self.decoded),
            "painted_ms": percentiles(self.painted),
            "fps_decoded": round(self.frames / span, 1) if span > 0 else 0.0,
            "fps_painted": round(self.painted_frames / span, 1) if span > 0 else 0.0,
            "frames": self.frames,
            "verified": self.verified,
        }


def make_tile(measure: Measure, width: int, height: int):
    from app.ui.video import VideoTile

    tile = VideoTile("bench")
    tile.resize(width, height)
    tile.frame_probe = read_stamp if measure.stamps else None
    tile.paint_probe = measure.on_painted
    tile.show()
    return tile


def qt_loop():
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])
    app.setQuitOnLastWindowClosed(False)  # closing a tile is not quitting
    return qasync.QEventLoop(app)


# ---------------------------------------------------------------- Huddle


def make_engine(args: argparse.Namespace, **config: Any) -> Engine:
    """An engine for ``args.server`` gathering on ``args.host_address`` (loopback by default),
    no speaker."""
    return Engine(
        1, args.server, EngineConfig(host_addresses=[args.host_address], speaker=False, **config)
    )


class Timeline:
    """What a viewer on a bad network sees (``benchmarks/netcond.py``): every decoded frame's
    arrival time and stamp, the audio's continuity, and the engine's state events.

    ``start()`` marks the moment playing was asked for (first frame counts from it); fps,
    freezes, missing frames and latency count from ``warmup`` seconds after it, or from the
    first frame if that comes later (a slow set-up is ``first_frame_ms``, not a freeze). The
    first frame is also said at once (``{"first_frame_ms": ...}``), so the orchestrator can
    start its clock from it."""

    def __init__(self, warmup: float) -> None:
        self.warmup = warmup
        self.started = time.monotonic()
        self.arrivals: list[float] = []
        self.counters: list[int] = []
        self.latency: list[float] = []
        self.first_at: float | None = None
        self.audio_frames = 0
        self.audio_gaps = 0
        self.audio_first: float | None = None
        self._audio_next_pts: int | None = None
        self._audio_silent = False
        self.events: list[list[Any]] = []
        self._stamps: queue.Queue[tuple[Any, float] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read_stamps, daemon=True)
        self._reader.start()

    def start(self) -> None:
        self.started = time.monotonic()

    def event(self, *what: Any) -> None:
        self.events.append([round(time.monotonic() - self.started, 3), *map(str, what)])

    def on_video(self, frame: Any) -> None:
        now = time.monotonic()
        if self.first_at is None:
            self.first_at = now
            say({"first_frame_ms": round((now - self.started) * 1000, 1)})
        if now - self.started >= self.warmup:
            self.arrivals.append(now)
            self._stamps.put((frame, time.time()))

    def _read_stamps(self) -> None:
        while (item := self._stamps.get()) is not None:
            frame, arrived = item
            stamp = read_stamp(frame)
            if stamp is not None:
                self.counters.append(stamp.counter)
                self.latency.append(stamp.age_ms(int(arrived * 1e6)))

    def on_audio(self, frame: Any) -> None:
        """An audible gap: the received audio's timeline jumps (frames never played), or the
        tone turns to silence (frames concealed with nothing)."""
        now = time.monotonic()
        if now - self.started < self.warmup:
            return
        self.audio_first = self.audio_first or now
        self.audio_frames += 1
        gap = False
        if frame.pts is not None:
            if self._audio_next_pts is not None and frame.pts > self._audio_next_pts + 1:
                gap = True
            self._audio_next_pts = frame.pts + frame.samples
        samples = frame.to_ndarray()
        silent = float(abs(samples.astype("float32")).mean()) < 100.0
        if silent and not self._audio_silent:
            gap = True
        self._audio_silent = silent
        self.audio_gaps += gap

    def result(self) -> dict[str, Any]:
        end = time.monotonic()
        self._stamps.put(None)
        self._reader.join(timeout=10)
        begin = max(self.started + self.warmup, self.first_at or 0.0)
        times = [begin, *self.arrivals, end]
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
        span = end - begin
        seen = set(self.counters)
        missing = (max(seen) - min(seen) + 1 - len(seen)) if seen else None
        audio_span = end - self.audio_first if self.audio_first else 0.0
        return {
            "seconds": round(span, 1),
            "frames": len(self.arrivals),
            "fps": round(len(self.arrivals) / span, 1) if span > 0 else 0.0,
            "frames_missing": missing,
            "started_monotonic": self.started,
            "gaps_over_100ms": [  # when (seconds after asking to play) and how long
                [round(a - self.started, 2), round(g, 1)]
                for a, g in zip(times, gaps, strict=False)
                if g > 100
            ],
            "freezes_200ms": sum(g > 200 for g in gaps),
            "freezes_500ms": sum(g > 500 for g in gaps),
            "longest_freeze_ms": round(max(gaps), 1),
            "latency_ms": percentiles(self.latency),
            "first_frame_ms": (
                round((self.first_at - self.started) * 1000, 1) if self.first_at else None
            ),
            "audio_frames": self.audio_frames,
            "audio_gaps_per_min": (
                round(self.audio_gaps * 60 / audio_span, 1) if audio_span > 0 else None
            ),
            "events": list(self.events),
        }


def record_events(engine: Engine, timeline: Timeline) -> None:
    """Note the engine's room, publisher and player state changes on the timeline."""
    engine.on(
        "roomStateChanged",
        lambda _room, reason, code, _extended: timeline.event("room", reason.name, code),
    )
    engine.on(
        "publisherStateUpdate",
        lambda r: timeline.event("publisher", r.state.name, r.error_code),
    )
    engine.on("playerStateUpdate", lambda r: timeline.event("player", r.state.name, r.error_code))


async def login(engine: Engine, args: argparse.Namespace, user: str | None = None) -> Engine:
    """Log ``engine`` in to ``args.room`` as ``user`` (default ``args.user``)."""
    user = user or args.user
    token = mint_token(app_id=1, secret=args.secret, user_id=user, room_id=args.room)
    assert await engine.login_room(args.room, token, User(user), RoomConfig())
    return engine


async def join(args: argparse.Namespace, **config: Any) -> Engine:
    return await login(make_engine(args, **config), args)


async def huddle_publish(args: argparse.Namespace) -> dict[str, Any]:
    timeline = Timeline(0.0)
    engine = make_engine(args)
    record_events(engine, timeline)
    await login(engine, args)
    stream = await engine.create_stream(
        custom=CustomConfig(
            video="pattern",
            audio="tone" if args.audio else None,
            width=args.width,
            height=args.height,
            fps=args.fps,
        )
    )
    await engine.start_publishing_stream(
        args.stream, stream, PublishOptions(video_codec=args.codec)
    )
    say({"ready": True})
    cpu = CpuMeter()
    await (await lines()).read()  # until the orchestrator closes stdin
    result = {"cpu_percent": cpu.percent(), "events": list(timeline.events)}
    await engine.destroy_engine()
    return result


async def huddle_netplay(args: argparse.Namespace) -> dict[str, Any]:
    """Play the stream and keep its timeline (``benchmarks/netcond.py``)."""
    timeline = Timeline(args.warmup)
    engine = make_engine(args, jitter_buffer=args.jitter_buffer, playout_delay=args.playout_delay)
    record_events(engine, timeline)
    await login(engine, args)
    timeline.start()
    remote = await engine.start_playing_stream(args.stream)
    remote.add_video_sink(timeline.on_video)
    remote.add_audio_sink(timeline.on_audio)
    connected_at: list[float] = []

    async def watch_connection() -> None:  # diagnostics: ICE + DTLS, apart from the video
        for _ in range(3000):
            playback = engine._playing.playbacks.get(args.stream)
            pc = getattr(playback, "_pc", None)
            if pc is not None and pc.connectionState == "connected":
                connected_at.append(time.monotonic())
                return
            await asyncio.sleep(0.01)

    watcher = asyncio.ensure_future(watch_connection())
    say({"ready": True})
    await (await lines()).read()
    watcher.cancel()
    result = timeline.result()
    if connected_at:
        result["connected_ms"] = round((connected_at[0] - timeline.started) * 1000, 1)
    playback = engine._playing.playbacks.get(args.stream)  # diagnostics: the jitter buffer
    jitter = getattr(playback, "_jitter", None)
    if jitter is not None:
        result["jitter_buffer"] = {**vars(jitter.stats), "rtt_ms": round(jitter.rtt * 1000, 1)}
        if jitter.playout is not None:
            result["jitter_buffer"]["playout_ms"] = round(jitter.playout.target * 1000, 1)
            result["jitter_buffer"]["jitter_ms"] = round(jitter.playout.jitter * 1000, 1)
    await engine.destroy_engine()
    return result


async def huddle_play(args: argparse.Namespace) -> dict[str, Any]:
    measure = Measure(args.warmup)
    tile = make_tile(measure, args.width, args.height) if args.paint else None
    engine = await join(args, jitter_buffer=args.jitter_buffer)
    remote = await engine.start_playing_stream(args.stream)
    remote.add_video_sink(measure.on_decoded)
    if tile is not None:
        remote.add_video_sink(tile.set_frame)
    cpu = None

    async def start_cpu() -> None:
        nonlocal cpu
        await asyncio.sleep(args.warmup)
        cpu = CpuMeter()

    warm = asyncio.ensure_future(start_cpu())
    await (await lines()).read()
    await warm
    result = {**measure.result(), "cpu_percent": cpu.percent() if cpu else None}
    await engine.destroy_engine()
    return result


async def huddle_joins(args: argparse.Namespace) -> dict[str, Any]:
    """Join, play, wait for the first frame decoded and painted; leave; again (``--joins``)."""
    from app.ui.video import VideoTile

    joins = []
    for i in range(args.joins):
        tile = VideoTile("first frame")
        tile.resize(args.width, args.height)
        tile.show()
        painted = asyncio.Event()
        tile.paint_probe = lambda _probe, _at, done=painted: done.set()
        engine = make_engine(args)
        started = time.monotonic()
        await login(engine, args, f"{args.user}-{i}")
        logged_in = time.monotonic()
        remote = await engine.start_playing_stream(args.stream)
        remote.add_video_sink(tile.set_frame)
        await asyncio.wait_for(remote.wait_first_frame(), 10)
        decoded = time.monotonic()
        await asyncio.wait_for(painted.wait(), 10)
        drawn = time.monotonic()
        joins.append(
            {
                "login_ms": round((logged_in - started) * 1000, 1),
                "first_decoded_ms": round((decoded - started) * 1000, 1),
                "first_painted_ms": round((drawn - started) * 1000, 1),
            }
        )
        await engine.destroy_engine()
        tile.close()
        tile.deleteLater()
        await asyncio.sleep(0.3)
    return {"joins": joins}


async def huddle_call(args: argparse.Namespace) -> dict[str, Any]:
    """One side of a 1:1 call as the app makes it: publish camera-like video and audio, play
    the other side and paint it."""
    measure = Measure(args.warmup, stamps=False)
    tile = make_tile(measure, args.width, args.height)
    engine = await join(args)
    stream = await engine.create_stream(
        custom=CustomConfig(video="pattern", audio="tone", width=args.width, height=args.height)
    )
    await engine.start_publishing_stream(f"{args.user}-cam", stream)
    other = f"{args.other}-cam"
    arrived = asyncio.Event()
    engine.on(
        "roomStreamUpdate",
        lambda *_: other in {s.stream_id for s in engine.streams} and arrived.set(),
    )
    if other not in {s.stream_id for s in engine.streams}:
        await asyncio.wait_for(arrived.wait(), 30)
    remote = await engine.start_playing_stream(other)
    remote.add_video_sink(measure.on_decoded)
    remote.add_video_sink(tile.set_frame)
    say({"ready": True})
    await asyncio.sleep(args.warmup)
    cpu = CpuMeter()
    await (await lines()).read()
    result = {**measure.result(), "cpu_percent": cpu.percent(), "audio_frames": remote.audio_frames}
    await engine.destroy_engine()
    return result


async def _play_into_grid(engine: Engine, args: argparse.Namespace, wait: float) -> dict:
    """Play the room's ``--expect`` streams (waiting ``wait`` s for them) into a grid of real
    VideoTiles (a 1280x960 window), then measure painted and received fps and CPU until
    stdin closes."""
    from app.ui.grid import VideoGrid
    from app.ui.video import VideoTile

    grid = VideoGrid()
    grid.resize(1280, 960)
    grid.show()
    enough = asyncio.Event()
    engine.on("roomStreamUpdate", lambda *_: len(engine.streams) >= args.expect and enough.set())
    if len(engine.streams) < args.expect:
        await asyncio.wait_for(enough.wait(), wait)
    tiles = []
    for info in engine.streams:
        tile = VideoTile(info.stream_id)
        grid.add_tile(tile)
        remote = await engine.start_playing_stream(info.stream_id)
        remote.add_video_sink(tile.set_frame)
        tiles.append(tile)
    say({"ready": True})
    await asyncio.sleep(args.warmup)
    painted = [t.frames_painted for t in tiles]
    received = [t.frames_received for t in tiles]
    cpu = CpuMeter()
    started = time.monotonic()
    await (await lines()).read()
    elapsed = time.monotonic() - started
    return {
        "tile_size": [tiles[0].width(), tiles[0].height()] if tiles else None,
        "fps_painted": [
            round((t.frames_painted - p) / elapsed, 1) for t, p in zip(tiles, painted, strict=True)
        ],
        "fps_received": [
            round((t.frames_received - r) / elapsed, 1)
            for t, r in zip(tiles, received, strict=True)
        ],
        "cpu_percent": cpu.percent(),
    }


async def huddle_grid(args: argparse.Namespace) -> dict[str, Any]:
    """Play ``--expect`` streams into a grid of real VideoTiles (a 1280x960 window)."""
    engine = await join(args)
    result = await _play_into_grid(engine, args, wait=60)
    await engine.destroy_engine()
    return result


async def huddle_fanout_publish(args: argparse.Namespace) -> dict[str, Any]:
    """Publish camera-like video and audio; report CPU and the uplink (every peer connection's
    bytes, from ``publishQualityUpdate``) over the measured span."""
    engine = await join(args, quality_interval=1.0)
    kbps: list[float] = []
    peers: list[int] = []
    measuring = False

    def on_quality(stream_id: str, quality: Any) -> None:
        if measuring and quality.peers:
            kbps.append((quality.video_kbps + quality.audio_kbps) * quality.peers)
            peers.append(quality.peers)

    engine.on("publishQualityUpdate", on_quality)
    stream = await engine.create_stream(
        custom=CustomConfig(
            video="pattern", audio="tone", width=args.width, height=args.height, fps=args.fps
        )
    )
    await engine.start_publishing_stream(
        args.stream, stream, PublishOptions(video_codec=args.codec)
    )
    say({"ready": True})
    reader = await lines()
    await reader.readline()  # "measure": the viewers are playing
    await asyncio.sleep(1.5)  # one quality interval with every viewer in
    measuring = True
    cpu = CpuMeter()
    await reader.read()
    result = {
        "cpu_percent": cpu.percent(),
        "uplink_kbps": round(sum(kbps) / len(kbps), 1) if kbps else None,
        "peer_connections": max(peers) if peers else 0,
    }
    await engine.destroy_engine()
    return result


async def huddle_viewers(args: argparse.Namespace) -> dict[str, Any]:
    """``--viewers`` engines in this process, each playing the stream (no painting): frames
    decoded per second and frames whose stamp reads, per viewer."""
    engines = [
        await login(make_engine(args), args, f"{args.user}-{i}") for i in range(args.viewers)
    ]
    measures = []
    for engine in engines:
        measure = Measure(args.warmup)
        remote = await engine.start_playing_stream(args.stream)
        remote.add_video_sink(measure.on_decoded)
        measures.append((measure, remote))
    await asyncio.wait_for(
        asyncio.gather(*(remote.wait_first_frame() for _, remote in measures)), 60
    )
    say({"ready": True})
    await (await lines()).read()
    results = [measure.result() for measure, _ in measures]
    for engine in engines:
        await engine.destroy_engine()
    return {
        "fps": [r["fps_decoded"] for r in results],
        "frames": [r["frames"] for r in results],
        "verified": [r["verified"] for r in results],
        "decoded_ms_p50": [r["decoded_ms"]["p50"] for r in results],
    }


async def huddle_member(args: argparse.Namespace) -> dict[str, Any]:
    """One member of an all-to-all room: publish camera-like video and audio, play every other
    member (``--expect`` of them) and paint each into a tile of a real grid."""
    engine = await join(args)
    stream = await engine.create_stream(
        custom=CustomConfig(video="pattern", audio="tone", width=args.width, height=args.height)
    )
    await engine.start_publishing_stream(f"{args.user}-cam", stream)
    result = await _play_into_grid(engine, args, wait=120)
    await engine.destroy_engine()
    return result


# ---------------------------------------------------------------- stock aiortc


def _stock_pc():
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def _gather(pc, description) -> None:
    # Only so the candidates are 127.0.0.1 (aioice skips loopback): aiortc's media path is as
    # shipped, its jitter buffer included.
    with seams.host_addresses([_host_address]):
        await pc.setLocalDescription(description)


_host_address = "127.0.0.1"


async def stock_publish(args: argparse.Namespace) -> dict[str, Any]:
    from aiortc import RTCRtpSender, RTCSessionDescription

    seams.install()
    pc = _stock_pc()
    video = pc.addTransceiver(
        PatternSource(args.width, args.height, args.fps), direction="sendonly"
    )
    codecs = RTCRtpSender.getCapabilities("video").codecs
    video.setCodecPreferences(
        [c for c in codecs if c.mimeType == f"video/{args.codec}"]
        + [c for c in codecs if c.mimeType == "video/rtx"]
    )
    if args.audio:
        pc.addTransceiver(ToneSource(), direction="sendonly")
    await _gather(pc, await pc.createOffer())
    say({"offer": pc.localDescription.sdp})
    reader = await lines()
    answer = json.loads(await reader.readline())["answer"]
    await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
    cpu = CpuMeter()
    await reader.read()
    result = {"cpu_percent": cpu.percent()}
    await pc.close()
    return result


async def stock_play(args: argparse.Namespace) -> dict[str, Any]:
    from aiortc import RTCSessionDescription
    from aiortc.mediastreams import MediaStreamError

    seams.install()
    measure = Measure(args.warmup)
    tile = make_tile(measure, args.width, args.height) if args.paint else None
    pc = _stock_pc()
    readers = []

    async def read(track) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video":
                measure.on_decoded(frame)
                if tile is not None:
                    tile.set_frame(frame)

    pc.on("track", lambda track: readers.append(asyncio.ensure_future(read(track))))
    reader = await lines()
    offer = json.loads(await reader.readline())["offer"]
    await pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
    await _gather(pc, await pc.createAnswer())
    say({"answer": pc.localDescription.sdp})
    await asyncio.sleep(args.warmup)
    cpu = CpuMeter()
    await reader.read()
    result = {**measure.result(), "cpu_percent": cpu.percent()}
    for task in readers:
        task.cancel()
    await pc.close()
    return result


async def stock_netplay(args: argparse.Namespace) -> dict[str, Any]:
    """Bare aiortc playing the stock publisher's offer; keeps the same timeline."""
    from aiortc import RTCSessionDescription
    from aiortc.mediastreams import MediaStreamError

    seams.install()
    timeline = Timeline(args.warmup)
    pc = _stock_pc()
    readers = []

    async def read(track) -> None:
        sink = timeline.on_video if track.kind == "video" else timeline.on_audio
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            sink(frame)

    pc.on("track", lambda track: readers.append(asyncio.ensure_future(read(track))))
    reader = await lines()
    offer = json.loads(await reader.readline())["offer"]
    timeline.start()
    await pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
    await _gather(pc, await pc.createAnswer())
    say({"answer": pc.localDescription.sdp})
    await reader.read()
    result = timeline.result()
    for task in readers:
        task.cancel()
    await pc.close()
    return result


ROLES = {
    "huddle-publish": huddle_publish,
    "huddle-play": huddle_play,
    "huddle-netplay": huddle_netplay,
    "huddle-joins": huddle_joins,
    "huddle-call": huddle_call,
    "huddle-grid": huddle_grid,
    "huddle-fanout-publish": huddle_fanout_publish,
    "huddle-viewers": huddle_viewers,
    "huddle-member": huddle_member,
    "stock-publish": stock_publish,
    "stock-play": stock_play,
    "stock-netplay": stock_netplay,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=sorted(ROLES))
    parser.add_argument("--server", default="")
    parser.add_argument("--secret", default="")
    parser.add_argument("--room", default="bench")
    parser.add_argument("--user", default="peer")
    parser.add_argument("--stream", default=STREAM)
    parser.add_argument("--codec", default="VP8")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--audio", action="store_true")
    parser.add_argument("--paint", action="store_true")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--jitter-buffer", default="frame", choices=["frame", "stock"])
    parser.add_argument("--joins", type=int, default=10)
    parser.add_argument("--other", default="")
    parser.add_argument("--expect", type=int, default=4)
    parser.add_argument("--viewers", type=int, default=1)
    parser.add_argument("--host-address", default="127.0.0.1", help="ICE host candidate")
    parser.add_argument("--playout-delay", action="store_true")
    args = parser.parse_args()
    global _host_address
    _host_address = args.host_address
    role = ROLES[args.role]
    painting = args.paint or args.role in (
        "huddle-joins",
        "huddle-call",
        "huddle-grid",
        "huddle-member",
    )
    loop = qt_loop() if painting else asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        result = loop.run_until_complete(role(args))
    finally:
        loop.close()
    say({"result": result})


if __name__ == "__main__":
    main()
