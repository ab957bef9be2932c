"""``huddle-bot``: a headless participant built on the engine.

It logs in, optionally publishes the synthetic pattern and tone or a media file, plays the
streams it is told to (checking the pattern's stamps), optionally records them, and reports.
With ``--json`` every event is one JSON line on stdout and the last line is
``{"summary": {...}}``. Exit status: 0 success, 2 login refused, 1 any other failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import enum
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from app import __version__
from app.engine import (
    EVENT_NAMES,
    CustomConfig,
    Engine,
    EngineConfig,
    ErrorCode,
    PlayError,
    PublishOptions,
    RemoteStream,
    RoomConfig,
    StreamInfo,
    UpdateType,
    User,
)
from app.media import StreamRecorder, read_stamp
from app.server.tokens import mint_token
from app.tasks import TaskSet

from ._logging import setup_logging
from ._secret import SECRET_ARG_HELP, SecretError, read_secret, secret_arg_warning

EXIT_OK, EXIT_FAILED, EXIT_LOGIN_REFUSED = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huddle-bot",
        description="A headless Huddle participant: publish a test pattern, play and check it.",
    )
    parser.add_argument(
        "--server", required=True, help="room service URL, ws://HOST:PORT/ws or wss://…"
    )
    parser.add_argument(
        "--ca-file",
        help="PEM certificate (or CA) that signed a wss:// service's certificate "
        "(default: the system's trusted authorities)",
    )
    parser.add_argument("--app-id", type=int, required=True)
    auth = parser.add_mutually_exclusive_group()
    auth.add_argument("--token", help="a login token for --user")
    auth.add_argument("--secret", help=SECRET_ARG_HELP + ", to mint a token here")
    auth.add_argument("--secret-file", help="read the secret from this file")
    parser.add_argument("--room", required=True, help="room ID")
    parser.add_argument("--user", required=True, help="user ID")
    parser.add_argument("--name", default="", help="display name (default: the user ID)")
    parser.add_argument(
        "--publish",
        metavar="pattern|tone|FILE",
        help="publish the test pattern with a 440 Hz tone, the tone alone, or a media file",
    )
    parser.add_argument("--stream-id", help="ID of the published stream (default: USER-main)")
    parser.add_argument("--codec", choices=["VP8", "H264"], default="VP8")
    parser.add_argument("--size", default="640x480", help="pattern size (default 640x480)")
    parser.add_argument("--fps", type=float, default=30.0, help="pattern frame rate (default 30)")
    parser.add_argument(
        "--play", nargs="+", metavar="all|ID", default=[], help="play every stream, or these IDs"
    )
    parser.add_argument("--record", metavar="DIR", help="record each played stream to DIR/ID.mkv")
    parser.add_argument(
        "--duration", type=float, help="seconds to stay (default: until SIGINT or SIGTERM)"
    )
    parser.add_argument("--json", action="store_true", help="events and summary as JSON lines")
    parser.add_argument(
        "--ice-host",
        action="append",
        metavar="ADDR",
        help="gather ICE host candidates only on ADDR (repeatable; 127.0.0.1 for loopback)",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["debug", "info", "warning", "error"]
    )
    parser.add_argument("--version", action="version", version=f"huddle-bot {__version__}")
    return parser


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


class _Played:
    """What arrived on one played stream."""

    def __init__(self, remote: RemoteStream, recorder: StreamRecorder | None) -> None:
        self.remote = remote
        self.recorder = recorder
        self.frames = 0
        self.verified = 0
        self.latencies: list[float] = []
        self.first_at: float | None = None
        self.last_at: float | None = None
        remote.add_video_sink(self._video)
        remote.add_audio_sink(self._audio)

    def _video(self, frame: Any) -> None:
        now = time.monotonic()
        self.first_at = self.first_at or now
        self.last_at = now
        self.frames += 1
        stamp = read_stamp(frame)
        if stamp is not None:
            self.verified += 1
            self.latencies.append(stamp.age_ms())
        if self.recorder is not None:
            self.recorder.add_video(frame)

    def _audio(self, frame: Any) -> None:
        if self.recorder is not None:
            self.recorder.add_audio(frame)

    def summary(self) -> dict[str, Any]:
        span = (self.last_at - self.first_at) if self.first_at and self.last_at else 0.0
        fps = (self.frames - 1) / span if span > 0 else 0.0
        latency = sorted(self.latencies)
        return {
            "frames": self.frames,
            "verified": self.verified,
            "fps": round(fps, 2),
            "first_frame_ms": _round(self.remote.first_frame_ms),
            "latency_ms_p50": _round(statistics.median(latency)) if latency else None,
            "latency_ms_p95": _round(latency[int(0.95 * (len(latency) - 1))]) if latency else None,
            "audio_frames": self.remote.audio_frames,
            "recording": str(self.recorder.path) if self.recorder else None,
        }


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


class Bot:
    def __init__(self, args: argparse.Namespace, token: str) -> None:
        self.args = args
        self.token = token
        config = EngineConfig(host_addresses=args.ice_host, speaker=False, ca_file=args.ca_file)
        self.engine = Engine(args.app_id, args.server, config)
        self.played: dict[str, _Played] = {}
        self.published: list[str] = []
        self.error: tuple[int, str] | None = None
        self.login_ok = False
        self.failures: list[str] = []
        self._stop = asyncio.Event()
        self._play_tasks = TaskSet()

    def _print(self, obj: dict[str, Any]) -> None:
        if self.args.json:
            print(json.dumps(_jsonable(obj), ensure_ascii=False), flush=True)

    def _watch_events(self) -> None:
        for name in sorted(EVENT_NAMES):
            self.engine.on(name, lambda *a, n=name: self._print({"event": n, "args": list(a)}))
        self.engine.on("roomStreamUpdate", self._on_streams)

    def _wants(self, stream_id: str) -> bool:
        return "all" in self.args.play or stream_id in self.args.play

    def _on_streams(self, room_id: str, kind: str, streams: list[StreamInfo], extra: Any) -> None:
        if kind == UpdateType.ADD:
            for info in streams:
                if self._wants(info.stream_id) and info.stream_id not in self.played:
                    self._play_tasks.spawn(self._play(info))

    async def _play(self, info: StreamInfo) -> None:
        recorder = None
        if self.args.record:
            recorder = StreamRecorder(
                Path(self.args.record) / f"{info.stream_id}.mkv", video=info.video, audio=info.audio
            )
        try:
            remote = await self.engine.start_playing_stream(info.stream_id)
        except PlayError as exc:
            self.failures.append(f"play {info.stream_id}: {exc.code.name}")
            if recorder is not None:
                recorder.close()
            return
        self.played[info.stream_id] = _Played(remote, recorder)

    async def _publish(self) -> bool:
        spec = self.args.publish
        width, height = (int(x) for x in self.args.size.lower().split("x"))
        if spec == "pattern":
            custom = CustomConfig(
                video="pattern",
                audio="tone",
                width=width,
                height=height,
                fps=self.args.fps,
                label=self.args.user,
            )
        elif spec == "tone":
            custom = CustomConfig(audio="tone")
        else:
            custom = CustomConfig(file=spec)
        stream = await self.engine.create_stream(custom=custom)
        stream_id = self.args.stream_id or f"{self.args.user}-main"
        ok = await self.engine.start_publishing_stream(
            stream_id, stream, PublishOptions(video_codec=self.args.codec)
        )
        if ok:
            self.published.append(stream_id)
        else:
            self.failures.append(f"publish {stream_id}")
        return ok

    async def run(self) -> int:
        self._watch_events()
        user = User(self.args.user, self.args.name or self.args.user)
        self.engine.on(
            "roomStateChanged",
            lambda room, reason, code, extra: self._note_error(code) if code else None,
        )
        self.login_ok = await self.engine.login_room(
            self.args.room, self.token, user, RoomConfig(user_update=True)
        )
        if not self.login_ok:
            return EXIT_LOGIN_REFUSED
        self.error = None
        try:
            if self.args.publish:
                await self._publish()
        except Exception as exc:  # a device or file the bot was told to use
            code = getattr(exc, "code", ErrorCode.PUBLISH_FAILED)
            self._note_error(code)
            self.failures.append(f"publish: {exc}")
        if self.args.duration is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.args.duration)
        else:
            await self._stop.wait()
        for stream_id in self.args.play:
            if stream_id != "all" and stream_id not in self.played:
                self.failures.append(f"{stream_id} was never played")
        return EXIT_FAILED if self.failures else EXIT_OK

    def _note_error(self, code: int) -> None:
        self.error = (code, ErrorCode.from_wire(code).name)

    def stop(self) -> None:
        self._stop.set()

    async def close(self) -> dict[str, Any]:
        self._play_tasks.cancel()
        played = {sid: p.summary() for sid, p in self.played.items()}
        await self.engine.destroy_engine()
        for p in self.played.values():
            if p.recorder is not None:
                await asyncio.to_thread(p.recorder.close)
        return {
            "login": self.login_ok,
            "error_code": self.error[0] if self.error else None,
            "error_name": self.error[1] if self.error else None,
            "published": self.published,
            "played": played,
            "failures": self.failures,
        }


async def run_bot(args: argparse.Namespace, token: str) -> tuple[int, dict[str, Any]]:
    bot = Bot(args, token)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, bot.stop)
    try:
        status = await bot.run()
    finally:
        summary = await bot.close()
    return status, summary


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, "text")
    if args.secret:
        print(secret_arg_warning("huddle-bot"), file=sys.stderr)
    try:
        if args.token:
            token = args.token
        else:
            secret = read_secret(args.secret, args.secret_file, os.environ)
            assert secret is not None
            token = mint_token(
                app_id=args.app_id, secret=secret, user_id=args.user, room_id=args.room
            )
    except (SecretError, ValueError) as exc:
        print(f"huddle-bot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # e.g. a user ID the token cannot carry
        print(f"huddle-bot: cannot make a token: {exc}", file=sys.stderr)
        return EXIT_LOGIN_REFUSED
    status, summary = asyncio.run(run_bot(args, token))
    if args.json:
        print(json.dumps({"summary": summary}, ensure_ascii=False), flush=True)
    else:
        print(_human(summary, status))
    if status == EXIT_LOGIN_REFUSED:
        print(
            f"huddle-bot: login refused: {summary['error_name']} ({summary['error_code']})",
            file=sys.stderr,
        )
    return status


def _human(summary: dict[str, Any], status: int) -> str:
    lines = [f"login: {'ok' if summary['login'] else 'refused'}"]
    if summary["error_name"]:
        lines.append(f"error: {summary['error_name']} ({summary['error_code']})")
    for stream_id in summary["published"]:
        lines.append(f"published {stream_id}")
    for stream_id, p in summary["played"].items():
        lines.append(
            f"played {stream_id}: {p['frames']} frames ({p['verified']} verified) "
            f"at {p['fps']} fps, "
            f"first frame {p['first_frame_ms']} ms, latency p50 {p['latency_ms_p50']} ms, "
            f"{p['audio_frames']} audio frames"
        )
    lines.extend(f"failed: {f}" for f in summary["failures"])
    lines.append("result: " + ("ok" if status == EXIT_OK else "failed"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
