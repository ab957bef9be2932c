"""Room messages: broadcast, barrage and custom commands, sent and received."""

from __future__ import annotations

from collections.abc import Callable

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError, check_message, check_recipients

from ._session import RoomLink
from .data import ChatMessage, RoomState, User
from .errors import HuddleError, MessageError, raise_as


class Messaging:
    def __init__(self, link: RoomLink) -> None:
        self._link = link

    async def _send(self, build: Callable[[int], m.ClientMessage]) -> m.ServerMessage:
        if self._link.room_state() is not RoomState.CONNECTED:
            raise MessageError(ErrorCode.INVALID_STATE, "Log in to a room before sending messages.")
        try:
            return await self._link.peer.request(build)
        except HuddleError as exc:
            raise_as(MessageError, exc)

    async def send_chat(self, kind: type[m.SendBroadcast | m.SendBarrage], message: str) -> int:
        try:
            check_message(message)
        except ProtocolError as exc:
            raise_as(MessageError, exc)
        reply = await self._send(lambda rid: kind(id=rid, message=message))
        assert isinstance(reply, m.MessageAck)
        return reply.message_id

    async def send_custom_command(self, command: str, to_user_ids: list[str] | None) -> None:
        recipients = list(to_user_ids or [])
        try:
            check_message(command)
            check_recipients(recipients)
        except ProtocolError as exc:
            raise_as(MessageError, exc)
        await self._send(
            lambda rid: m.SendCustomCommand(id=rid, command=command, to_user_ids=recipients)
        )

    # ------------------------------------------------------------ received (from the dispatcher)

    def on_broadcast(self, msg: m.BroadcastMessage) -> None:
        chats = [ChatMessage._from_wire(c) for c in msg.messages]
        self._link.emit("IMRecvBroadcastMessage", msg.room_id, chats)

    def on_barrage(self, msg: m.BarrageMessage) -> None:
        chats = [ChatMessage._from_wire(c) for c in msg.messages]
        self._link.emit("IMRecvBarrageMessage", msg.room_id, chats)

    def on_custom_command(self, msg: m.CustomCommand) -> None:
        self._link.emit(
            "IMRecvCustomCommand", msg.room_id, User._from_wire(msg.from_user), msg.command
        )
