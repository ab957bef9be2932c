"""Media sources and sinks, with no network knowledge.

Sources are aiortc ``MediaStreamTrack``s producing PyAV frames: cameras (OpenCV), microphones
(sounddevice), screens (mss), media files (PyAV), and the synthetic pattern and tone. Sinks: the
speaker (one mixer for every played stream) and a file recorder.
"""

from .audio import MicrophoneSource, Mixer, MixerInput, Speaker
from .camera import CameraSource
from .devices import DeviceInfo, list_cameras, list_microphones, list_screens, list_speakers
from .errors import MediaError
from .file import MediaFileSource, StreamRecorder
from .pattern import PatternSource, Stamp, ToneSource, dominant_frequency, read_stamp
from .screen import ScreenSource

__all__ = [
    "CameraSource",
    "DeviceInfo",
    "MediaError",
    "MediaFileSource",
    "MicrophoneSource",
    "Mixer",
    "MixerInput",
    "PatternSource",
    "ScreenSource",
    "Speaker",
    "Stamp",
    "StreamRecorder",
    "ToneSource",
    "dominant_frequency",
    "list_cameras",
    "list_microphones",
    "list_screens",
    "list_speakers",
    "read_stamp",
]
