"""The pre-call check: can this machine make a Huddle call?

It starts a private room service on 127.0.0.1, probes the devices and codecs, logs two engines
in, publishes the test pattern and tone from one and plays them on the other over real WebRTC,
and checks what arrives. No display or Qt is needed (``huddle --self-test``); the app runs the
same check from its settings, with progress.

Missing devices are reported but do not fail the check: a machine with no camera or
microphone can still join and watch. WebRTC, the service, and the media path must work.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from app import __version__
from app.engine import CustomConfig, Engine, EngineConfig, HuddleError, RoomConfig, User
from app.media import read_stamp
from app.server import RoomServer, ServiceConfig, mint_token

Progress = Callable[[str, float], None]
"""Called with what is being checked and how far along the check is (0 to 1)."""

# The steps ``progress`` is told about, in order.
STEP_DEVICES = "devices and codecs"
STEP_SERVICE = "room service"
STEP_LOGIN = "logging in"
STEP_PUBLISH = "publishing the test pattern and tone"
STEP_PLAY = "playing it over WebRTC"
STEP_VERIFY = "checking what arrives"
STEP_CLEANUP = "cleaning up"
STEP_DONE = "done"

VERIFY_SECONDS = 3.0
MIN_VERIFIED = 0.9
MIN_FPS = 20.0


@dataclass
class SelfTestReport:
    passed: bool = False
    version: str = __version__
    devices: dict[str, Any] = field(default_factory=dict)
    """The seed's system requirements: webRTC, camera, microphone, videoCodec, ..."""
    login_ms: float | None = None
    first_frame_ms: float | None = None
    frames: int = 0
    frames_verified: int = 0
    fps: float = 0.0
    audio_frames: int = 0
    rtt_ms: float | None = None
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


async def run_self_test(
    progress: Progress | None = None, *, timeout: float = 20.0
) -> SelfTestReport:
    """Run the whole check; never raises for a failure (it is in the report)."""
    report = SelfTestReport()
    step = progress or (lambda _what, _fraction: None)
    try:
        async with asyncio.timeout(timeout):
            await _check(report, step)
    except TimeoutError:
        report.failures.append(f"the check did not finish within {timeout:g} s")
    except HuddleError as exc:
        report.failures.append(f"{exc.code.name}: {exc.message}")
    report.passed = not report.failures
    step(STEP_DONE, 1.0)
    return report


async def _check(report: SelfTestReport, step: Progress) -> None:
    config = EngineConfig(host_addresses=["127.0.0.1"], speaker=False, quality_interval=1.0)
    step(STEP_DEVICES, 0.05)
    probe = Engine(1, "ws://127.0.0.1:9/ws", config)
    requirements = await probe.check_system_requirements()
    await probe.destroy_engine()
    report.devices = requirements.to_dict()
    if not requirements.web_rtc:
        report.failures.append(f"WebRTC is not available: {requirements.err_info.get('webRTC')}")
        return
    if not requirements.video_codec.get("VP8"):
        report.failures.append("the VP8 codec is not available")
    for device in ("camera", "microphone"):
        if not getattr(requirements, device):
            report.warnings.append(f"no {device}: {requirements.err_info.get(device, '')}".strip())
    if not requirements.audio_processing:
        report.warnings.append(
            "no echo cancellation or noise suppression: "
            + requirements.err_info.get("audioProcessing", "")
        )

    step(STEP_SERVICE, 0.2)
    secret = secrets.token_hex(32).encode()
    async with RoomServer(ServiceConfig(app_id=1, secret=secret), port=0) as server:
        sender = Engine(1, server.url, config)
        receiver = Engine(1, server.url, config)
        try:
            step(STEP_LOGIN, 0.3)
            room = f"self-test-{secrets.token_hex(4)}"
            started = time.monotonic()
            for engine, user in ((sender, "sender"), (receiver, "receiver")):
                token = mint_token(app_id=1, secret=secret, user_id=user, room_id=room)
                if not await engine.login_room(room, token, User(user), RoomConfig()):
                    report.failures.append(f"the {user} could not log in to the room service")
                    return
            report.login_ms = round((time.monotonic() - started) * 1000 / 2, 1)

            step(STEP_PUBLISH, 0.45)
            stream = await sender.create_stream(custom=CustomConfig(video="pattern", audio="tone"))
            if not await sender.start_publishing_stream("self-test", stream):
                report.failures.append("the test stream could not be published")
                return
            step(STEP_PLAY, 0.55)
            played_at = time.monotonic()
            remote = await receiver.start_playing_stream("self-test")
            if not await remote.wait_first_frame(10):
                report.failures.append("no frame arrived within 10 s (WebRTC did not connect)")
                return
            report.first_frame_ms = round((time.monotonic() - played_at) * 1000, 1)

            step(STEP_VERIFY, 0.7)
            counted = {"frames": 0, "verified": 0}

            def check(frame: Any) -> None:
                counted["frames"] += 1
                counted["verified"] += read_stamp(frame) is not None

            rtts: list[float] = []
            receiver.on(
                "playQualityUpdate",
                lambda _stream, stats: stats.rtt_ms is not None and rtts.append(stats.rtt_ms),
            )
            remote.add_video_sink(check)
            audio_before = remote.audio_frames
            await asyncio.sleep(VERIFY_SECONDS)
            remote.remove_video_sink(check)
            report.frames, report.frames_verified = counted["frames"], counted["verified"]
            report.fps = round(report.frames / VERIFY_SECONDS, 1)
            report.audio_frames = remote.audio_frames - audio_before
            report.rtt_ms = rtts[-1] if rtts else None
            if report.frames == 0 or report.frames_verified < MIN_VERIFIED * report.frames:
                report.failures.append(
                    f"only {report.frames_verified} of {report.frames} frames arrived intact"
                )
            if report.fps < MIN_FPS:
                report.failures.append(
                    f"video arrived at {report.fps} fps (at least {MIN_FPS:g} expected)"
                )
            if report.audio_frames == 0:
                report.failures.append("no audio arrived")
        finally:
            step(STEP_CLEANUP, 0.95)
            await receiver.destroy_engine()
            await sender.destroy_engine()


def summary(report: SelfTestReport) -> str:
    """The report as lines a person reads."""
    devices = report.devices
    codecs = ", ".join(
        f"{name} {'yes' if ok else 'no'}" for name, ok in devices.get("videoCodec", {}).items()
    )
    lines = [
        f"Huddle {report.version} self-test: {'PASS' if report.passed else 'FAIL'}",
        f"  WebRTC: {'yes' if devices.get('webRTC') else 'no'}; codecs: {codecs}",
        f"  camera: {'yes' if devices.get('camera') else 'no'}; "
        f"microphone: {'yes' if devices.get('microphone') else 'no'}; "
        f"screen sharing: {'yes' if devices.get('screenSharing') else 'no'}",
        f"  login: {report.login_ms} ms; first frame: {report.first_frame_ms} ms; "
        f"round trip: {report.rtt_ms} ms",
        f"  frames: {report.frames_verified} of {report.frames} intact at {report.fps} fps; "
        f"audio frames: {report.audio_frames}",
    ]
    lines += [f"  warning: {w}" for w in report.warnings]
    lines += [f"  FAILED: {f}" for f in report.failures]
    return "\n".join(lines)
