"""Synthetic sources: a moving test pattern that carries its frame counter and capture time in
its pixels, and a sine tone.

The stamp is a band of large black-and-white cells across the top of the frame: an 8-bit
preamble, a 32-bit frame counter, the capture time (microseconds of the Unix epoch, modulo
2**48) and a CRC-16 over both. Cells are 1/40 of the frame width, so the stamp survives lossy
compression and scaling, and ``read_stamp`` decodes it from any received frame; a frame whose
CRC does not match is not counted as verified.
"""

from __future__ import annotations

import binascii
import math
import time
from dataclasses import dataclass

import av
import cv2
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from ._track import (
    AUDIO_RATE,
    AUDIO_SAMPLES,
    AUDIO_TIME_BASE,
    VIDEO_CLOCK_RATE,
    VIDEO_TIME_BASE,
    Pacer,
)

CELLS_PER_ROW = 40
ROWS = 3
PREAMBLE = 0b10110010
TIME_MODULUS = 1 << 48
_BITS = 8 + 32 + 48 + 16
_BLACK, _WHITE = 16, 235


@dataclass(frozen=True, slots=True)
class Stamp:
    counter: int
    """Frames since the source started, from 0."""
    capture_us: int
    """Capture time: microseconds since the Unix epoch, modulo 2**48."""

    def age_ms(self, now_us: int | None = None) -> float:
        """Milliseconds from capture to ``now_us`` (default: now). Same machine only."""
        now = time.time_ns() // 1000 if now_us is None else now_us
        return ((now - self.capture_us) % TIME_MODULUS) / 1000.0


def _crc(counter: int, capture_us: int) -> int:
    return binascii.crc_hqx(counter.to_bytes(4, "big") + capture_us.to_bytes(6, "big"), 0xFFFF)


def _bits(counter: int, capture_us: int) -> np.ndarray:
    value = (PREAMBLE << 96) | (counter << 64) | (capture_us << 16) | _crc(counter, capture_us)
    bits = [(value >> (_BITS - 1 - i)) & 1 for i in range(_BITS)]
    # Cells past the payload alternate, so the band always looks like a band.
    bits += [i % 2 for i in range(CELLS_PER_ROW * ROWS - _BITS)]
    return np.array(bits, dtype=np.uint8)


def _cell_geometry(width: int) -> tuple[float, int]:
    cell = width / CELLS_PER_ROW
    return cell, round(cell * ROWS)


def band_height(width: int) -> int:
    """Rows of the frame the stamp occupies."""
    return _cell_geometry(width)[1]


def write_stamp(luma: np.ndarray, counter: int, capture_us: int) -> None:
    """Paint the stamp into a luma plane (H x W, uint8) in place."""
    width = luma.shape[1]
    band = band_height(width)
    bits = _bits(counter & 0xFFFFFFFF, capture_us % TIME_MODULUS)
    cells = np.where(bits.reshape(ROWS, CELLS_PER_ROW), _WHITE, _BLACK).astype(np.uint8)
    luma[:band, :] = cv2.resize(cells, (width, band), interpolation=cv2.INTER_NEAREST)


def read_stamp(frame: av.VideoFrame) -> Stamp | None:
    """Decode the stamp of a received frame, or None when it is absent or corrupt."""
    if frame.format.name not in ("yuv420p", "yuvj420p", "nv12", "gray"):
        frame = frame.reformat(format="yuv420p")
    plane = frame.planes[0]
    luma = np.frombuffer(plane, np.uint8).reshape(frame.height, plane.line_size)
    return read_stamp_luma(luma[:, : frame.width])


def read_stamp_luma(luma: np.ndarray) -> Stamp | None:
    height, width = luma.shape
    cell, band = _cell_geometry(width)
    if band > height or cell < 4:
        return None
    # Sample the middle half of each cell, away from edges the codec smears.
    ys = ((np.arange(ROWS) + 0.5) * cell).astype(int)
    xs = ((np.arange(CELLS_PER_ROW) + 0.5) * cell).astype(int)
    r = max(1, int(cell / 4))
    samples = np.empty((ROWS, CELLS_PER_ROW))
    for i, y in enumerate(ys):
        strip = luma[y - r : y + r, :].astype(np.float32).mean(axis=0)
        samples[i] = [strip[x - r : x + r].mean() for x in xs]
    bits = (samples.reshape(-1)[:_BITS] > (_BLACK + _WHITE) / 2).astype(int)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    if value >> 96 != PREAMBLE:
        return None
    counter = (value >> 64) & 0xFFFFFFFF
    capture_us = (value >> 16) & (TIME_MODULUS - 1)
    if value & 0xFFFF != _crc(counter, capture_us):
        return None
    return Stamp(counter, capture_us)


class _Background:
    """A colour field wider than the frame; each frame is a window sliding across it."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        span = width * 2
        x = np.linspace(0, 4 * math.pi, span, endpoint=False)
        y = np.linspace(0, 1, height)[:, None]
        self.y = (90 + 60 * np.sin(x)[None, :] * (0.6 + 0.4 * y)).astype(np.uint8)
        cx = np.linspace(0, 2 * math.pi, span // 2, endpoint=False)
        self.u = (128 + 80 * np.cos(cx))[None, :].repeat(height // 2, 0).astype(np.uint8)
        self.v = (128 + 80 * np.sin(cx))[None, :].repeat(height // 2, 0).astype(np.uint8)

    def frame(self, index: int) -> np.ndarray:
        w, h = self.width, self.height
        shift = (index * 4) % w
        out = np.empty((h * 3 // 2, w), np.uint8)
        out[:h] = self.y[:, shift : shift + w]
        half = shift // 2
        out[h : h + h // 4] = self.u[:, half : half + w // 2].reshape(h // 4, w)
        out[h + h // 4 :] = self.v[:, half : half + w // 2].reshape(h // 4, w)
        return out


class PatternSource(MediaStreamTrack):
    """A camera stand-in: a moving colour field, a clock, and the machine-readable stamp."""

    kind = "video"

    def __init__(
        self, width: int = 640, height: int = 480, fps: float = 30.0, label: str = ""
    ) -> None:
        super().__init__()
        if width % 4 or height % 4 or width < 160 or height < 120:
            raise ValueError(
                f"pattern size must be multiples of 4, at least 160x120: {width}x{height}"
            )
        self.width, self.height, self.fps = width, height, fps
        self.label = label
        self._background = _Background(width, height)
        self._pacer = Pacer(fps, VIDEO_CLOCK_RATE)
        self.frames_captured = 0

    def render(self, counter: int, capture_us: int) -> np.ndarray:
        """One yuv420p frame as an (H*3/2) x W array."""
        data = self._background.frame(counter)
        h, w = self.height, self.width
        luma = data[:h]
        write_stamp(luma, counter, capture_us)
        # Grey chroma under the band, so it reads black and white to people too. Each
        # stored chroma row holds two rows of the half-width plane: four luma rows.
        rows = (band_height(w) + 3) // 4
        data[h : h + rows] = 128
        data[h + h // 4 : h + h // 4 + rows] = 128
        text = f"{self.label}  #{counter}" if self.label else f"#{counter}"
        scale = self.width / 640
        cv2.putText(
            luma,
            text,
            (int(16 * scale), self.height - int(24 * scale)),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.2 * scale,
            235,
            max(1, int(3 * scale)),
            cv2.LINE_AA,
        )
        return data

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._pacer.next()
        counter = self.frames_captured
        self.frames_captured += 1
        frame = av.VideoFrame.from_ndarray(
            self.render(counter, time.time_ns() // 1000), format="yuv420p"
        )
        frame.pts, frame.time_base = pts, VIDEO_TIME_BASE
        return frame


class ToneSource(MediaStreamTrack):
    """A microphone stand-in: a continuous sine tone, 48 kHz mono, in 20 ms frames."""

    kind = "audio"

    def __init__(self, frequency: float = 440.0, amplitude: float = 0.3) -> None:
        super().__init__()
        if not 20 <= frequency <= AUDIO_RATE / 2:
            raise ValueError(f"tone frequency must be 20 Hz to 24 kHz: {frequency}")
        self.frequency = frequency
        self.amplitude = amplitude
        self._pacer = Pacer(AUDIO_RATE / AUDIO_SAMPLES, AUDIO_RATE)
        self._sample = 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        await self._pacer.next()
        pts = self._sample
        t = (np.arange(AUDIO_SAMPLES) + pts) / AUDIO_RATE
        self._sample += AUDIO_SAMPLES
        wave = (self.amplitude * 32767 * np.sin(2 * np.pi * self.frequency * t)).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(wave.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts, frame.time_base = pts, AUDIO_TIME_BASE
        return frame


def dominant_frequency(samples: np.ndarray, rate: int = AUDIO_RATE) -> float:
    """The strongest frequency in a mono signal, in Hz (for checking a received tone)."""
    windowed = samples.astype(np.float64) * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(windowed))
    spectrum[0] = 0
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])
