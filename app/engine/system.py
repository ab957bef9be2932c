"""``check_system_requirements``: real probes of this machine, not constants."""

from __future__ import annotations

import asyncio
import os

import av
import numpy as np
from aiortc import RTCPeerConnection
from aiortc.codecs import CODECS

from app.media import list_cameras, list_microphones, list_screens

from .data import SystemRequirements

# PyAV encoders for the codecs the seed asks about; aiortc must also packetize them.
_ENCODERS = {"H264": "libx264", "H265": "libx265", "VP8": "libvpx", "VP9": "libvpx-vp9"}


def _codec_support() -> tuple[dict[str, bool], dict[str, str]]:
    rtp = {c.mimeType.split("/")[1].upper() for c in CODECS["video"]}
    support, errors = {}, {}
    for name, encoder in _ENCODERS.items():
        try:
            av.codec.Codec(encoder, "w")
            has_encoder = True
        except Exception:
            has_encoder = False
        support[name] = has_encoder and name in rtp
        if not has_encoder:
            errors[f"videoCodec.{name}"] = f"this PyAV build has no {encoder} encoder"
        elif name not in rtp:
            errors[f"videoCodec.{name}"] = f"aiortc cannot send {name} over RTP"
    return support, errors


def _custom_capture() -> bool:
    frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="bgr24")
    return frame.reformat(format="yuv420p").width == 64


async def _web_rtc() -> str | None:
    """None if a peer connection can make an offer (DTLS certificate, codecs); else why not."""
    pc = RTCPeerConnection()
    try:
        pc.addTransceiver("video", direction="recvonly")
        offer = await pc.createOffer()
        return None if "m=video" in offer.sdp else "the offer has no video section"
    except Exception as exc:
        return str(exc) or type(exc).__name__
    finally:
        await pc.close()


async def probe() -> SystemRequirements:
    loop = asyncio.get_running_loop()
    errors: dict[str, str] = {}
    web_rtc_error = await _web_rtc()
    if web_rtc_error:
        errors["webRTC"] = web_rtc_error
    cameras = await loop.run_in_executor(None, list_cameras)
    if not cameras:
        errors["camera"] = "no V4L2 camera under /dev/video*"
    microphones = await loop.run_in_executor(None, list_microphones)
    if not microphones:
        errors["microphone"] = "PortAudio lists no input device"
    screens = await loop.run_in_executor(None, list_screens)
    if not screens:
        errors["screenSharing"] = (
            "no display to capture"
            if not os.environ.get("DISPLAY")
            else "the display lists no screen"
        )
    codecs, codec_errors = await loop.run_in_executor(None, _codec_support)
    errors.update(codec_errors)
    try:
        custom = await loop.run_in_executor(None, _custom_capture)
    except Exception as exc:
        custom = False
        errors["customCapture"] = str(exc)
    processing_error = await loop.run_in_executor(None, _audio_processing)
    if processing_error:
        errors["audioProcessing"] = processing_error
    return SystemRequirements(
        web_rtc=web_rtc_error is None,
        custom_capture=custom,
        camera=bool(cameras),
        microphone=bool(microphones),
        video_codec=codecs,
        screen_sharing=bool(screens),
        err_info=errors,
        audio_processing=processing_error is None,
    )


def _audio_processing() -> str | None:
    """Make WebRTC's audio processing module and run one 10 ms frame pair through it."""
    from ._apm import AudioProcessor

    processor = AudioProcessor(aec=True, ans=True, agc=False)
    if not processor.active:
        return processor.unavailable or "the audio processing module could not be made"
    return None
