"""The pattern's stamp survives what a video path does to pixels."""

from __future__ import annotations

import av
import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.media.pattern import (
    TIME_MODULUS,
    PatternSource,
    Stamp,
    read_stamp,
    read_stamp_luma,
    write_stamp,
)


@settings(max_examples=60, deadline=None)
@given(
    counter=st.integers(0, 2**32 - 1),
    capture_us=st.integers(0, TIME_MODULUS - 1),
    size=st.sampled_from([(160, 120), (320, 240), (640, 480), (1280, 720), (1920, 1080)]),
    quality=st.integers(20, 95),
)
def test_stamp_survives_jpeg_compression(counter: int, capture_us: int, size, quality: int) -> None:
    width, height = size
    luma = np.random.default_rng(counter % 1000).integers(40, 200, (height, width), dtype=np.uint8)
    write_stamp(luma, counter, capture_us)
    _, jpeg = cv2.imencode(".jpg", luma, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert read_stamp_luma(cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)) == Stamp(counter, capture_us)


def test_stamp_survives_scaling() -> None:
    luma = np.full((480, 640), 100, np.uint8)
    write_stamp(luma, 1234, 5678)
    for size in ((320, 240), (1280, 960)):
        scaled = cv2.resize(luma, size, interpolation=cv2.INTER_AREA)
        assert read_stamp_luma(scaled) == Stamp(1234, 5678)


def test_a_frame_without_a_stamp_or_with_a_damaged_one_is_not_read() -> None:
    assert read_stamp_luma(np.full((480, 640), 128, np.uint8)) is None
    luma = np.full((480, 640), 100, np.uint8)
    write_stamp(luma, 99, 100)
    luma[:, 300:340] = 255 - luma[:, 300:340]  # flip a column of cells
    assert read_stamp_luma(luma) is None


async def test_pattern_frames_are_paced_and_counted() -> None:
    source = PatternSource(320, 240, fps=50)
    frames = [await source.recv() for _ in range(10)]
    stamps = [read_stamp(f) for f in frames]
    assert [s.counter for s in stamps] == list(range(10))
    assert all(isinstance(f, av.VideoFrame) and (f.width, f.height) == (320, 240) for f in frames)
    elapsed = (stamps[-1].capture_us - stamps[0].capture_us) / 1e6
    assert 0.15 <= elapsed <= 0.3  # nine intervals of 20 ms
    assert [f.pts for f in frames] == sorted(f.pts for f in frames)
