"""The voice switches: the processor's parts, headsets, the config defaults."""

from __future__ import annotations

from app.engine import EngineConfig
from app.engine._apm import AudioProcessor, looks_like_headset


def test_the_processor_switches_parts_and_skips_aec_with_a_headset() -> None:
    processor = AudioProcessor(aec=True, ans=True, agc=False)
    assert processor.active and processor.echo_cancelling
    processor.configure(headset=True)
    assert not processor.echo_cancelling and processor.active  # noise suppression stays
    processor.configure(ans=False)
    assert not processor.active  # nothing left to do: blocks pass untouched
    assert looks_like_headset("Jabra Evolve2 Headset") and looks_like_headset("AirPods Pro")
    assert not looks_like_headset("Built-in Audio Analog Stereo")
    assert EngineConfig().enable_aec and EngineConfig().opus_fec
