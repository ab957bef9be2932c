"""One side of the audio benchmark, as its own process (``python -m benchmarks._audio_peer``).

Roles:
  huddle  an engine that publishes its microphone as ``--me`` and plays ``--other`` on its
          speaker (devices from ``PULSE_SOURCE`` / ``PULSE_SINK``, see ``_audio_rig``)
  stock   a whole call in bare aiortc, as an aiortc app would write it: the microphone
          (sounddevice, 20 ms blocks) on one RTCPeerConnection, the other's received track
          written to a sounddevice speaker; both ends in this process (micA -> spkB)

Every peer prints ``{"ready": true}`` once audio plays and ``{"result": {...}}`` when its
stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
from typing import Any

from app.engine import CameraConfig, Engine, EngineConfig, RoomConfig, User
from app.engine import _aiortc_seams as seams
from app.server.tokens import mint_token
from benchmarks._common import CpuMeter


def say(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


async def stdin_closed() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()


async def huddle(args: argparse.Namespace) -> dict[str, Any]:
    known = {f.name for f in dataclasses.fields(EngineConfig)}
    options = {k: v for k, v in json.loads(args.config).items() if k in known}
    engine = Engine(1, args.server, EngineConfig(host_addresses=["127.0.0.1"], **options))
    token = mint_token(app_id=1, secret=args.secret, user_id=args.me, room_id=args.room)
    assert await engine.login_room(args.room, token, User(args.me), RoomConfig())
    stream = await engine.create_stream(camera=CameraConfig(video=False, audio=True))
    await engine.start_publishing_stream(args.me, stream)
    if args.other:
        arrived = asyncio.Event()
        engine.on(
            "roomStreamUpdate",
            lambda *_: args.other in {s.stream_id for s in engine.streams} and arrived.set(),
        )
        if args.other not in {s.stream_id for s in engine.streams}:
            await asyncio.wait_for(arrived.wait(), 60)
        remote = await engine.start_playing_stream(args.other)
        for _ in range(600):
            if remote.audio_frames:
                break
            await asyncio.sleep(0.05)
    say({"ready": True, "ignored_config": sorted(set(json.loads(args.config)) - known)})
    cpu = CpuMeter()
    await stdin_closed()
    result: dict[str, Any] = {"cpu_percent": cpu.percent()}
    stats = getattr(engine, "audio_stats", None)
    if callable(stats):
        result["audio"] = stats()
    await engine.destroy_engine()
    return result


async def stock(args: argparse.Namespace) -> dict[str, Any]:
    import collections
    import fractions

    import av
    import numpy as np
    import sounddevice as sd
    from aiortc import RTCConfiguration, RTCPeerConnection
    from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

    seams.install()
    loop = asyncio.get_running_loop()

    class Microphone(MediaStreamTrack):
        kind = "audio"

        def __init__(self) -> None:
            super().__init__()
            self.queue: asyncio.Queue[np.ndarray] = asyncio.Queue()
            self.pts = 0

        def callback(self, indata: np.ndarray, *_: object) -> None:
            loop.call_soon_threadsafe(self.queue.put_nowait, indata[:, 0].copy())

        async def recv(self) -> av.AudioFrame:
            block = await self.queue.get()
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = 48000, self.pts
            frame.time_base = fractions.Fraction(1, 48000)
            self.pts += len(block)
            return frame

    played: collections.deque[np.ndarray] = collections.deque()

    def speak(outdata: np.ndarray, frames: int, *_: object) -> None:
        out = np.zeros(frames, np.int16)
        filled = 0
        while filled < frames and played:
            chunk = played[0]
            take = min(frames - filled, len(chunk))
            out[filled : filled + take] = chunk[:take]
            filled += take
            if take == len(chunk):
                played.popleft()
            else:
                played[0] = chunk[take:]
        outdata[:] = out[:, None]

    mic = Microphone()
    os.environ["PULSE_SOURCE"] = "micA"
    capture = sd.InputStream(
        samplerate=48000, channels=1, dtype="int16", blocksize=960, callback=mic.callback
    )
    os.environ["PULSE_SINK"] = "spkB"
    speaker = sd.OutputStream(
        samplerate=48000, channels=1, dtype="int16", blocksize=480, latency="low", callback=speak
    )
    speaker.start()

    sender = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    receiver = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    sender.addTransceiver(mic, direction="sendonly")
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
    got_audio = asyncio.Event()

    async def read(track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            for out in resampler.resample(frame):
                played.append(out.to_ndarray().reshape(-1))
            got_audio.set()

    tasks = []
    receiver.on("track", lambda track: tasks.append(asyncio.ensure_future(read(track))))
    with seams.host_addresses(["127.0.0.1"]):
        await sender.setLocalDescription(await sender.createOffer())
        await receiver.setRemoteDescription(sender.localDescription)
        await receiver.setLocalDescription(await receiver.createAnswer())
    await sender.setRemoteDescription(receiver.localDescription)
    for _ in range(600):  # capture from when media can flow: no start-up backlog
        if sender.connectionState == "connected":
            break
        await asyncio.sleep(0.05)
    capture.start()
    await asyncio.wait_for(got_audio.wait(), 30)
    say({"ready": True})
    cpu = CpuMeter()
    await stdin_closed()
    result = {"cpu_percent": cpu.percent()}
    for task in tasks:
        task.cancel()
    await sender.close()
    await receiver.close()
    capture.close()
    speaker.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["huddle", "stock"])
    parser.add_argument("--server", default="")
    parser.add_argument("--secret", default="")
    parser.add_argument("--room", default="audio")
    parser.add_argument("--me", default="a")
    parser.add_argument("--other", default="")
    parser.add_argument("--config", default="{}", help="EngineConfig fields, as JSON")
    args = parser.parse_args()
    role = huddle if args.role == "huddle" else stock
    result = asyncio.run(role(args))
    say({"result": result})


if __name__ == "__main__":
    main()
