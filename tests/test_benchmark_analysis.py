"""The benchmarks' measures themselves: given a recording whose faults are known, they find
those faults and nothing else. (No service or device: the fast tier.)"""

from __future__ import annotations

import numpy as np

from benchmarks._audio_rig import CHANNELS, MOUTH_A, RATE, SPEAKER_B
from benchmarks.audio_path import speech_dropouts


def syllables(seconds: float) -> tuple[np.ndarray, list[int]]:
    """Speech-like bursts: 200 ms of shaped noise, 100 ms of silence; their middles."""
    rng = np.random.default_rng(3)
    voice = np.zeros(int(seconds * RATE))
    middles = []
    length, period = RATE // 5, int(0.3 * RATE)
    for start in range(RATE // 2, len(voice) - period, period):
        level = rng.uniform(4000, 12000)
        voice[start : start + length] = level * np.hanning(length) ** 0.3 * rng.normal(0, 1, length)
        middles.append(start + length // 2)
    return voice, middles


def recording(mouth: np.ndarray, ear: np.ndarray) -> np.ndarray:
    out = np.zeros((len(mouth), CHANNELS))
    out[:, MOUTH_A] = mouth
    out[:, SPEAKER_B] = ear[: len(mouth)]
    return out


def delayed(signal: np.ndarray, ms: float, gain: float = 0.8) -> np.ndarray:
    shift = int(ms * RATE / 1000)
    return np.concatenate([np.zeros(shift), gain * signal])[: len(signal)]


def test_speech_dropouts_finds_the_holes_punched_in_speech_and_nothing_in_a_clean_copy() -> None:
    mouth, middles = syllables(14.0)
    clean = delayed(mouth, 80)
    # The playout delay moves by 20 ms halfway: each stretch is aligned on its own.
    half = len(mouth) // 2
    clean[half:] = delayed(mouth, 100)[half:]

    result = speech_dropouts(recording(mouth, clean))
    assert result["dropouts_per_minute"] == 0 and result["speech_lost_percent"] == 0
    assert (result["delay_ms"]["min"], result["delay_ms"]["max"]) == (80.0, 100.0)

    holed = clean.copy()
    punched = middles[4::3]  # after the first second, which is not measured
    for middle in punched:
        at = middle + int((80 if middle < half else 100) * RATE / 1000)
        holed[at - RATE // 50 : at + RATE // 50] = 0  # 40 ms of silence in mid-word
    result = speech_dropouts(recording(mouth, holed))
    # The last stretch shorter than 4 s is not measured: a hole or two there goes unseen.
    assert len(punched) - 3 <= result["dropouts"] <= len(punched)
    assert 0 < result["speech_lost_percent"] < 30
