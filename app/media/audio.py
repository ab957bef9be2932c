"""Microphone and speaker through sounddevice (PortAudio), at 48 kHz.

Every played stream is an input of one :class:`Mixer`; the speaker's PortAudio callback pulls
the sum, in 10 ms blocks. An input either pulls from a source of its own (the engine's
adaptive jitter buffer) or is written decoded frames. The microphone captures 10 ms blocks and
keeps at most a few of them: nobody reading means old audio is dropped, never sent late.
Both take an optional hook called on their PortAudio thread (the engine's echo canceller:
the microphone's blocks go through it, the speaker's output is its reference). PortAudio is
loaded on first use, so a machine without it (or without a sound card) still runs everything
else and gets a clear NO_MICROPHONE / NO_SPEAKER error here.

Closing a stream never cancels a callback that is running Python: see :class:`_PortAudioStream`.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from app.protocol.errors import ErrorCode

from ._track import AUDIO_RATE, AUDIO_SAMPLES, AUDIO_TIME_BASE, open_in_executor
from .errors import MediaError

log = logging.getLogger("huddle.media")

SPEAKER_CHANNELS = 2
SPEAKER_BLOCK = 480
"""10 ms per speaker callback."""
SPEAKER_LATENCIES = (0.02, 0.03, 0.05, 0.08)
"""The speaker's device buffer, in steps: it opens with the first (the least delay) and moves
to the next after ``UNDERRUNS_TO_GROW`` underruns within ``UNDERRUN_WINDOW`` seconds, as
WebRTC's PulseAudio output grows its latency on underflow. An underrun is a gap the listener
hears, and silence the echo canceller's reference never sees (the echo then comes later than
the canceller expects and it loses it for seconds); a machine too loaded for 20 ms (dozens
of underruns a minute measured here with nine sessions sharing two cores) rode it out at
50 ms. A quiet machine keeps 20 ms for the whole call.

After ``QUIET_TO_SHRINK`` seconds without an underrun it steps back down (WebRTC's output
never does: one bad moment cost 10 ms for the rest of the call). A smaller buffer that has
to grow again within that time is tried again only after twice as long, and so on."""
REALTIME_PRIORITY = 5
"""SCHED_FIFO priority asked for PortAudio's callback threads (PulseAudio's own default): a
callback that waits for a CPU behind a build or a browser is late, and a late speaker
callback is an underrun. Granted to root or with ``RLIMIT_RTPRIO`` (``/etc/security/
limits.conf``, as audio distributions set up); otherwise the threads run as before."""
UNDERRUNS_TO_GROW = 3
UNDERRUN_WINDOW = 10.0
QUIET_TO_SHRINK = 60.0
SETTLE_TIME = 1.0
"""Underruns in the first second after opening are the device starting, not the load."""
MIC_BLOCK = 480
"""10 ms per microphone callback (the echo canceller's frame)."""
MIC_MAX_BLOCKS = 6
"""Blocks kept for a reader that is late; older ones are dropped (60 ms at most)."""
PREBUFFER_SAMPLES = AUDIO_RATE * 20 // 1000
"""An input written decoded frames waits for 20 ms of audio before it starts."""
MAX_BUFFER_SAMPLES = AUDIO_RATE * 80 // 1000
"""Beyond 80 ms queued in such an input, the oldest audio is dropped."""

BlockHook = Callable[[np.ndarray, float, bool], np.ndarray | None]
"""Called on a PortAudio thread with a mono int16 block, the device's delay (seconds), and
whether the device lost its place before this block (an underrun played silence, an
overflow lost input, or the stream just started): the echo canceller realigns then."""


class AudioPull(Protocol):
    """A mixer input's own source: the next ``count`` mono samples, or None (silence)."""

    def read(self, count: int) -> np.ndarray | None: ...


def _device_delay(time_info: Any, kind: str, fallback: float) -> float:
    """Seconds between the hardware and this callback, from PortAudio's timestamps."""
    try:
        now = time_info.currentTime
        edge = time_info.inputBufferAdcTime if kind == "input" else time_info.outputBufferDacTime
    except AttributeError:
        return fallback
    delay = (now - edge) if kind == "input" else (edge - now)
    return delay if now > 0 and edge > 0 and 0 <= delay < 1 else fallback


def _sounddevice() -> Any:
    """Import sounddevice, turning a missing PortAudio into a MediaError."""
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library not found
        raise MediaError(
            ErrorCode.DEVICE_ERROR, f"PortAudio is not available ({exc}); install libportaudio2."
        ) from None
    if not _exit_hook:
        # Registered after sounddevice's own (which terminates PortAudio, aborting whatever is
        # still open), so it runs first: atexit runs the last registered first.
        _exit_hook.append(close_all_streams)
        atexit.register(close_all_streams)
    return sounddevice


CLOSE_WAIT = 0.1
"""Seconds ``close()`` waits for the device to be released before it returns (it is released
in the background after that: a microphone may call back only every few hundred ms)."""
EXIT_WAIT = 3.0
"""Seconds :func:`close_all_streams` waits for each stream still closing."""

_open_streams: set[_PortAudioStream] = set()
_open_lock = threading.Lock()
_exit_hook: list[Callable[[], None]] = []


def _make_realtime() -> bool:
    """Run the calling thread (a PortAudio callback's) with ``REALTIME_PRIORITY``, if allowed.

    The thread mostly sleeps (it waits for the device, then for the GIL, both blocking), so
    it cannot starve the machine; it only gets the CPU first when its block is due."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
    except (AttributeError, OSError):  # not Linux, or not allowed
        return False
    return True


class _PortAudioStream:
    """One sounddevice stream, closed without ever cancelling a callback that runs Python.

    PortAudio's ALSA (and so PulseAudio) host API aborts a stream (``Pa_AbortStream``, and
    ``Pa_CloseStream`` on a running stream) with ``pthread_cancel`` on its callback thread. If
    that thread is inside the Python callback at the time, or waiting for the GIL (a
    cancellation point), it is torn down halfway through the interpreter and the process dies
    later with SIGSEGV or SIGILL. So nothing here aborts: closing asks the callback to end the
    stream (it raises ``CallbackAbort`` at its next call), then ``Pa_StopStream`` joins
    PortAudio's thread (which leaves its loop by itself) and only a stopped stream is closed.
    That waits for the device's next callback, so it runs on a thread of its own; ``close()``
    waits ``CLOSE_WAIT`` for it.

    Every open stream is also kept here until it is closed, so a stream its owner forgot is
    never garbage-collected with its cffi callback while PortAudio still calls it, and
    :func:`close_all_streams` (at exit, and by the tests before they stop PulseAudio) closes
    what is left the same way.
    """

    def __init__(self, what: str, on_finished: Callable[[], None] | None = None) -> None:
        self.what = what
        self.stream: Any = None
        self.stopping = False
        self.closed = threading.Event()
        self._closer: threading.Thread | None = None
        self._on_finished = on_finished
        self.realtime: bool | None = None
        """Whether the callback thread runs with real-time priority (None: not called yet)."""
        self.called = False
        """Set by the owner's callback after its first call."""

    def _finished(self) -> None:
        if self._on_finished is not None:
            self._on_finished()

    def open(self, make: Callable[..., Any], **kwargs: Any) -> None:
        """Create and start the stream (on an executor thread); ``kwargs`` for sounddevice."""
        stream = make(**kwargs, finished_callback=self._finished)
        with _open_lock:
            _open_streams.add(self)
        self.stream = stream
        try:
            stream.start()
        except BaseException:
            self.close()
            raise

    def check(self) -> None:
        """Called first in the callback: end the stream if closing was asked for. The first
        call also asks for real-time priority for the callback thread."""
        if self.realtime is None:
            self.realtime = _make_realtime()
        if self.stopping:
            raise _sounddevice().CallbackAbort

    def close(self) -> None:
        """Stop and release the stream (in the background after ``CLOSE_WAIT``). Safe to call
        twice, from any thread but the callback's."""
        stream, self.stream = self.stream, None
        if stream is None:
            return
        self.stopping = True
        self._closer = threading.Thread(
            target=self._shut, args=(stream,), name="huddle-portaudio-close", daemon=True
        )
        self._closer.start()
        self.closed.wait(CLOSE_WAIT)

    def _shut(self, stream: Any) -> None:
        try:
            stream.stop()  # joins PortAudio's thread once it has left its loop
            stream.close()
        except Exception:
            log.exception("closing the %s failed", self.what)
        finally:
            with _open_lock:
                _open_streams.discard(self)
            self.closed.set()


def close_all_streams() -> list[str]:
    """Close every PortAudio stream still open (see :class:`_PortAudioStream`) and wait for
    them; returns what they were, for a warning about the owner that forgot them."""
    with _open_lock:
        left = list(_open_streams)
    forgotten = [stream.what for stream in left if stream.stream is not None]
    for stream in left:
        stream.close()
    for stream in left:
        if not stream.closed.wait(EXIT_WAIT):
            log.warning("the %s did not close within %.0f s", stream.what, EXIT_WAIT)
    return forgotten


@dataclass(frozen=True, slots=True)
class AudioDevice:
    index: int
    name: str
    is_default: bool


def audio_devices(kind: str) -> list[AudioDevice]:
    """Input (``kind="input"``) or output devices PortAudio can see; empty without PortAudio."""
    try:
        sd = _sounddevice()
        devices = sd.query_devices()
        default_in, default_out = sd.default.device
    except Exception as exc:  # no PortAudio (MediaError), or PortAudio failing to start
        log.info("no audio devices: %s", exc)
        return []
    channels = "max_input_channels" if kind == "input" else "max_output_channels"
    default = default_in if kind == "input" else default_out
    return [
        AudioDevice(index=i, name=d["name"], is_default=i == default)
        for i, d in enumerate(devices)
        if d[channels] > 0
    ]


def resolve_audio_device(kind: str, device: int | str | None) -> int | None:
    """An index for a device given by index, name (or part of it), or None for the default."""
    devices = audio_devices(kind)
    missing = ErrorCode.NO_MICROPHONE if kind == "input" else ErrorCode.NO_SPEAKER
    if not devices:
        raise MediaError(missing, device=str(device or ""))
    if device is None or device == "":
        return None
    if isinstance(device, int) or device.isdigit():
        index = int(device)
        if any(d.index == index for d in devices):
            return index
    else:
        matches = [d for d in devices if device.lower() in d.name.lower()]
        if matches:
            return matches[0].index
    what = "microphone" if kind == "input" else "speaker"
    raise MediaError(
        ErrorCode.DEVICE_NOT_FOUND, f"No {what} matches {device!r}.", device=str(device)
    )


def _name(device: object) -> str:
    return str(device) if device is not None else "(default)"


def _open_error(kind: str, device: object, exc: Exception) -> MediaError:
    text = str(exc)
    busy = "busy" in text.lower() or "unanticipated host error" in text.lower()
    what = "microphone" if kind == "input" else "speaker"
    return MediaError(
        ErrorCode.DEVICE_BUSY if busy else ErrorCode.DEVICE_ERROR,
        f"The {what} {device if device is not None else '(default)'} could not be opened: {text}",
        device=str(device or ""),
    )


class MicrophoneSource(MediaStreamTrack):
    """A microphone as a 48 kHz mono audio track in 20 ms frames, captured in 10 ms blocks.

    ``process``, if given, gets every block on the capture thread with the input delay and
    returns the block to send (the echo canceller)."""

    kind = "audio"

    def __init__(self, device: int | str | None = None, process: BlockHook | None = None) -> None:
        super().__init__()
        self.device = device
        self.process = process
        self._portaudio = _PortAudioStream(f"microphone {_name(device)}", self._finished)
        self._stream: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._blocks: collections.deque[np.ndarray] = collections.deque()
        self._queued = 0
        self._ready = asyncio.Event()
        self._pts = 0
        self.dropped = 0
        """Blocks dropped because nobody read them in time."""
        self.error: MediaError | None = None

    @classmethod
    async def open(
        cls, device: int | str | None = None, process: BlockHook | None = None
    ) -> MicrophoneSource:
        source = cls(device, process)
        source._loop = asyncio.get_running_loop()
        await open_in_executor(source._open, source.stop)
        return source

    def _open(self) -> None:
        sd = _sounddevice()
        index = resolve_audio_device("input", self.device)
        try:
            self._portaudio.open(
                sd.InputStream,
                device=index,
                samplerate=AUDIO_RATE,
                channels=1,
                dtype="int16",
                blocksize=MIC_BLOCK,
                latency="low",
                callback=self._callback,
            )
        except sd.PortAudioError as exc:
            raise _open_error("input", self.device, exc) from None
        self._stream = self._portaudio.stream
        log.info("microphone %s open", self.device if self.device is not None else "(default)")

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: object) -> None:
        self._portaudio.check()
        block = indata[:, 0].copy()
        process = self.process
        if process is not None:
            stream = self._stream
            fallback = stream.latency if stream is not None else 0.02
            lost = bool(status and getattr(status, "input_overflow", False))
            try:
                processed = process(block, _device_delay(time_info, "input", fallback), lost)
                if processed is not None:
                    block = processed
            except Exception:  # never let the hook kill the capture thread
                log.exception("microphone processing failed")
                self.process = None
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._push, block)

    def _finished(self) -> None:
        if self.readyState == "live" and self._loop and not self._loop.is_closed():
            self.error = MediaError(ErrorCode.DEVICE_ERROR, "The microphone stopped.")
            self._loop.call_soon_threadsafe(self._ready.set)

    def _push(self, block: np.ndarray) -> None:
        self._blocks.append(block)
        self._queued += len(block)
        while len(self._blocks) > MIC_MAX_BLOCKS:
            self._queued -= len(self._blocks.popleft())
            self.dropped += 1
        self._ready.set()

    async def recv(self) -> av.AudioFrame:
        while self._queued < AUDIO_SAMPLES:
            if self.readyState != "live" or self.error is not None:
                raise MediaStreamError
            self._ready.clear()
            await self._ready.wait()
        parts = []
        needed = AUDIO_SAMPLES
        while needed:
            head = self._blocks[0]
            take = min(needed, len(head))
            parts.append(head[:take])
            if take == len(head):
                self._blocks.popleft()
            else:
                self._blocks[0] = head[take:]
            needed -= take
        self._queued -= AUDIO_SAMPLES
        block = np.concatenate(parts)
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts, frame.time_base = self._pts, AUDIO_TIME_BASE
        self._pts += len(block)
        return frame

    def stop(self) -> None:
        """Stop capturing and release the device. Safe to call twice."""
        super().stop()
        self._stream = None
        self._portaudio.close()
        self._ready.set()


class MixerInput:
    """One played stream's audio on its way to the speaker.

    Everything is mixed in mono (a call's voices are mono; FFmpeg's mono-to-stereo upmix
    would cost 3 dB) and the sum goes to both speaker channels.
    """

    def __init__(self, mixer: Mixer) -> None:
        self._mixer = mixer
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
        self._chunks: collections.deque[np.ndarray] = collections.deque()
        self._queued = 0
        self._started = False
        self._source: AudioPull | None = None
        self.muted = False
        self.volume = 1.0

    @property
    def source(self) -> AudioPull | None:
        """What this input pulls from (None: it is written frames)."""
        return self._source

    def attach(self, source: AudioPull | None) -> None:
        """Pull from ``source`` from now on (frames written are then ignored)."""
        with self._mixer._lock:
            self._source = source
            self._chunks.clear()
            self._queued = 0

    def write(self, frame: av.AudioFrame) -> None:
        """Queue a decoded frame (any rate and layout); called on the event loop."""
        if self._source is not None:
            return
        for out in self._resampler.resample(frame):
            samples = out.to_ndarray().reshape(-1)
            with self._mixer._lock:
                self._chunks.append(samples)
                self._queued += len(samples)
                while self._queued > MAX_BUFFER_SAMPLES and len(self._chunks) > 1:
                    self._queued -= len(self._chunks.popleft())

    def _take(self, count: int) -> np.ndarray | None:
        """Up to ``count`` frames for the speaker thread; called with the mixer lock held."""
        if self._source is not None:
            return self._source.read(count)
        if not self._started:
            if self._queued < PREBUFFER_SAMPLES:
                return None
            self._started = True
        if not self._queued:
            self._started = False  # ran dry: build the cushion again
            return None
        out = np.zeros(count, np.int16)
        filled = 0
        while filled < count and self._chunks:
            chunk = self._chunks[0]
            take = min(count - filled, len(chunk))
            out[filled : filled + take] = chunk[:take]
            filled += take
            if take == len(chunk):
                self._chunks.popleft()
            else:
                self._chunks[0] = chunk[take:]
        self._queued -= filled
        return out

    def close(self) -> None:
        self._mixer._remove(self)


class Mixer:
    """Sums every input into one stereo 48 kHz signal, with clipping."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inputs: list[MixerInput] = []

    def add_input(self) -> MixerInput:
        mixer_input = MixerInput(self)
        with self._lock:
            self._inputs.append(mixer_input)
        return mixer_input

    def _remove(self, mixer_input: MixerInput) -> None:
        with self._lock:
            if mixer_input in self._inputs:
                self._inputs.remove(mixer_input)

    @property
    def inputs(self) -> int:
        return len(self._inputs)

    def read(self, count: int) -> np.ndarray:
        """The next ``count`` frames of the mix, (count, 2) int16; silence where nothing is
        queued."""
        return np.repeat(self.read_mono(count)[:, None], SPEAKER_CHANNELS, axis=1)

    def read_mono(self, count: int) -> np.ndarray:
        """The next ``count`` samples of the mix, mono int16."""
        total = np.zeros(count, np.int32)
        with self._lock:
            for mixer_input in self._inputs:
                samples = mixer_input._take(count)
                if samples is not None and not mixer_input.muted:
                    samples = samples[:count]
                    if mixer_input.volume == 1.0:
                        total[: len(samples)] += samples
                    else:
                        total[: len(samples)] += (samples * mixer_input.volume).astype(np.int32)
        return np.clip(total, -32768, 32767).astype(np.int16)


class Speaker:
    """A speaker playing a :class:`Mixer`. Open it with ``await Speaker.open(...)``.

    ``played``, if given, sees every block played (mono) with the output delay, on the
    speaker's thread (the echo canceller's reference).

    The device buffer starts small, grows a step when underruns keep coming and steps back
    after a quiet spell (see ``SPEAKER_LATENCIES``): a new stream is opened with the other
    buffer, and the old one is closed once the new one plays, so a switch costs one short
    gap."""

    def __init__(
        self,
        device: int | str | None = None,
        mixer: Mixer | None = None,
        played: BlockHook | None = None,
        latencies: tuple[float, ...] = SPEAKER_LATENCIES,
    ) -> None:
        self.device = device
        self.mixer = mixer or Mixer()
        self.played = played
        self.latencies = latencies
        self.step = 0
        """Index of the device buffer in use, in ``latencies``."""
        self._portaudio: _PortAudioStream | None = None
        self._opened_at = 0.0
        self._underrun_times: collections.deque[float] = collections.deque()
        self._last_underrun = float("-inf")
        self._shrunk_at = float("-inf")
        self._failed_at = float("-inf")
        self.quiet_to_shrink = QUIET_TO_SHRINK
        """Seconds without an underrun before the buffer steps down (doubles each time a
        smaller buffer fails again)."""
        self._switching = False
        self._closed = False
        self._switch_lock = threading.Lock()
        self.frames_played = 0
        self.underflows = 0
        """Callbacks PortAudio reported as late (the device played silence meanwhile)."""

    @property
    def latency(self) -> float:
        """The device buffer asked for, in seconds."""
        return self.latencies[self.step]

    @property
    def realtime(self) -> bool | None:
        """Whether the callback thread got real-time priority (None before the first call)."""
        portaudio = self._portaudio
        return portaudio.realtime if portaudio is not None else None

    @classmethod
    async def open(
        cls,
        device: int | str | None = None,
        mixer: Mixer | None = None,
        played: BlockHook | None = None,
        latencies: tuple[float, ...] = SPEAKER_LATENCIES,
    ) -> Speaker:
        speaker = cls(device, mixer, played, latencies)
        await open_in_executor(speaker._open, speaker.close)
        return speaker

    def _open(self) -> None:
        """Open (or reopen, with the buffer of ``self.step``) the device; the old stream, if
        any, goes silent at once and is closed."""
        sd = _sounddevice()
        index = resolve_audio_device("output", self.device)
        portaudio = _PortAudioStream(f"speaker {_name(self.device)}")

        def callback(outdata: np.ndarray, frames: int, time_info: Any, status: object) -> None:
            self._callback(portaudio, outdata, frames, time_info, status)

        try:
            portaudio.open(
                sd.OutputStream,
                device=index,
                samplerate=AUDIO_RATE,
                channels=SPEAKER_CHANNELS,
                dtype="int16",
                blocksize=SPEAKER_BLOCK,
                latency=self.latency,
                callback=callback,
            )
        except sd.PortAudioError as exc:
            raise _open_error("output", self.device, exc) from None
        with self._switch_lock:
            old, self._portaudio = self._portaudio, portaudio
            self._opened_at = _now()
            self._underrun_times.clear()
            closed = self._closed
        if old is not None:
            old.close()
        if closed:  # closed while this stream opened
            portaudio.close()
            return
        log.info(
            "speaker %s open, %.0f ms buffer",
            self.device if self.device is not None else "(default)",
            self.latency * 1000,
        )

    def _callback(
        self,
        portaudio: _PortAudioStream,
        outdata: np.ndarray,
        frames: int,
        time_info: Any,
        status: object,
    ) -> None:
        portaudio.check()
        if portaudio is not self._portaudio:  # replaced by another buffer size: closing
            outdata.fill(0)
            return
        mono = self.mixer.read_mono(frames)
        outdata[:] = mono[:, None]
        self.frames_played += frames
        lost = not portaudio.called  # a new stream: a new relation to the microphone
        portaudio.called = True
        if status and getattr(status, "output_underflow", False):
            self.underflows += 1
            lost = True
            self._underrun()
        else:
            self._maybe_shrink()
        played = self.played
        if played is not None:
            stream = portaudio.stream
            fallback = stream.latency if stream is not None else 0.02
            try:
                played(mono, _device_delay(time_info, "output", fallback), lost)
            except Exception:
                log.exception("speaker reference failed")
                self.played = None

    def _underrun(self) -> None:
        """Count an underrun; too many too close together: a larger buffer."""
        now = _now()
        if now - self._opened_at < SETTLE_TIME or self._switching:
            return
        times = self._underrun_times
        times.append(now)
        while times and now - times[0] > UNDERRUN_WINDOW:
            times.popleft()
        self._last_underrun = now
        if len(times) >= UNDERRUNS_TO_GROW and self.step + 1 < len(self.latencies):
            if now - self._shrunk_at < self.quiet_to_shrink:  # the smaller one failed again
                self.quiet_to_shrink *= 2
            self._switch(+1)

    def _maybe_shrink(self) -> None:
        if not self.step or self._switching:
            return
        now = _now()
        since = max(self._opened_at, self._last_underrun, self._failed_at)
        if now - since > self.quiet_to_shrink:
            self._shrunk_at = now
            self._switch(-1)

    def _switch(self, change: int) -> None:
        """Move ``change`` steps (on a thread of its own: a stream is never opened or closed
        from its callback)."""
        self._switching = True
        self.step += change
        name = "huddle-speaker-grow" if change > 0 else "huddle-speaker-shrink"
        threading.Thread(target=self._reopen, args=(change,), name=name, daemon=True).start()

    def _reopen(self, change: int) -> None:
        if change > 0:
            log.warning(
                "the speaker underran %d times in %.0f s: %.0f ms buffer from now on",
                UNDERRUNS_TO_GROW,
                UNDERRUN_WINDOW,
                self.latency * 1000,
            )
        else:
            log.info(
                "the speaker has not underrun for %.0f s: %.0f ms buffer again",
                self.quiet_to_shrink,
                self.latency * 1000,
            )
        try:
            if not self._closed:
                self._open()
        except MediaError as exc:  # the old stream plays on
            self.step -= change
            self._failed_at = _now()  # (a step down is tried again after a quiet spell)
            log.warning("the speaker could not be reopened: %s", exc.message)
        finally:
            self._switching = False

    def close(self) -> None:
        """Stop playing and release the device. Safe to call twice."""
        with self._switch_lock:
            self._closed = True
            portaudio, self._portaudio = self._portaudio, None
        if portaudio is not None:
            portaudio.close()


def _now() -> float:
    return time.monotonic()
