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


def test_without_livekit_the_microphone_goes_out_unprocessed_and_it_is_said_once(
    monkeypatch,
) -> None:
    import builtins

    from app.engine._voice import Voice
    from app.protocol.errors import ErrorCode

    real_import = builtins.__import__

    def no_livekit(name, *args, **kwargs):
        if name == "livekit" or name.startswith("livekit."):
            raise ImportError("No module named 'livekit'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_livekit)
    said = []
    voice = Voice(EngineConfig(), on_error=lambda code, what: said.append((code, what)))
    capture = voice.capture_hook()
    voice.capture_hook()
    assert said == [(int(ErrorCode.AUDIO_PROCESSING_UNAVAILABLE), "microphone")]
    import numpy as np

    block = np.arange(480, dtype=np.int16)
    assert capture(block, 0.01) is block
