"""Engine events as Qt signals: the one place the app listens to the engine.

qasync runs the engine on the Qt thread, so these emit directly; widgets connect to signals
and never hold engine handlers themselves.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.engine import Engine


class EngineBridge(QObject):
    roomStateChanged = Signal(str, str, int, dict)  # room_id, reason, error_code, extended_data
    roomUserUpdate = Signal(str, str, list)  # room_id, update_type, users
    roomStreamUpdate = Signal(str, str, list)  # room_id, update_type, streams
    remoteCameraStatusUpdate = Signal(str, str)  # stream_id, OPEN/MUTE
    remoteMicStatusUpdate = Signal(str, str)
    publishQualityUpdate = Signal(str, object)  # stream_id, StreamQuality
    playQualityUpdate = Signal(str, object)
    broadcastMessage = Signal(str, list)  # room_id, [ChatMessage]
    barrageMessage = Signal(str, list)
    customCommand = Signal(str, object, str)  # room_id, from User, command
    capturedSoundLevelUpdate = Signal(float)
    soundLevelUpdate = Signal(list)  # [SoundLevel]
    deviceError = Signal(int, str)

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        on = engine.on
        on(
            "roomStateChanged",
            lambda r, reason, c, x: self.roomStateChanged.emit(r, str(reason), c, x),
        )
        on("roomUserUpdate", lambda r, kind, users: self.roomUserUpdate.emit(r, str(kind), users))
        on("roomStreamUpdate", lambda r, kind, s, _x: self.roomStreamUpdate.emit(r, str(kind), s))
        on("remoteCameraStatusUpdate", lambda s, st: self.remoteCameraStatusUpdate.emit(s, str(st)))
        on("remoteMicStatusUpdate", lambda s, st: self.remoteMicStatusUpdate.emit(s, str(st)))
        on("publishQualityUpdate", self.publishQualityUpdate.emit)
        on("playQualityUpdate", self.playQualityUpdate.emit)
        on("IMRecvBroadcastMessage", self.broadcastMessage.emit)
        on("IMRecvBarrageMessage", self.barrageMessage.emit)
        on("IMRecvCustomCommand", self.customCommand.emit)
        on(
            "capturedSoundLevelUpdate",
            lambda level: self.capturedSoundLevelUpdate.emit(float(level)),
        )
        on("soundLevelUpdate", self.soundLevelUpdate.emit)
        on("deviceError", self.deviceError.emit)
