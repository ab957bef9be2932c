"""Room rules as plain Python: no socket, a fake clock, outboxes that record."""

from __future__ import annotations

import pytest

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import PROTOCOL_VERSION, CloseCode
from app.server import RoomService, ServiceConfig, mint_token
from tests.conftest import APP_ID, SECRET
from tests.helpers import Clock


class Outbox:
    def __init__(self) -> None:
        self.sent: list[m.ServerMessage] = []
        self.closed: tuple[int, str] | None = None

    def send(self, data: bytes) -> None:
        self.sent.append(m.decode_server(data))

    def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def take(self) -> list[m.ServerMessage]:
        got, self.sent = self.sent, []
        return got


class Client:
    """A session plus its outbox, with helpers to send requests as frames."""

    def __init__(self, service: RoomService) -> None:
        self.service = service
        self.outbox = Outbox()
        self.session = service.connect(self.outbox, peer="test")
        self._id = 0

    def send(self, message: m.ClientMessage) -> m.ServerMessage:
        """Send one request; return its reply, leaving events in the outbox."""
        self.service.handle_frame(self.session, m.encode(message))
        replies = [x for x in self.outbox.sent if getattr(x, "id", None) == message.id]
        assert len(replies) == 1, f"expected exactly one reply, got {replies}"
        self.outbox.sent.remove(replies[0])
        return replies[0]

    def nid(self) -> int:
        self._id += 1
        return self._id

    def login(
        self, room: str, user: str, *, user_update: bool = True, **token_kw
    ) -> m.ServerMessage:
        token = mint_token(app_id=APP_ID, secret=SECRET, user_id=user, **token_kw)
        return self.send(
            m.Login(
                id=self.nid(),
                version=PROTOCOL_VERSION,
                app_id=APP_ID,
                room_id=room,
                user_id=user,
                user_name=user.title(),
                token=token,
                user_update=user_update,
            )
        )

    def publish(self, stream_id: str, **kw) -> m.ServerMessage:
        return self.send(m.Publish(id=self.nid(), stream_id=stream_id, **kw))

    def events(self) -> list[m.ServerMessage]:
        return self.outbox.take()


@pytest.fixture
def clock() -> Clock:
    return Clock(start=1000.0)


@pytest.fixture
def service(clock: Clock) -> RoomService:
    config = ServiceConfig(app_id=APP_ID, secret=SECRET, heartbeat_interval=5, heartbeat_timeout=15)
    return RoomService(config, clock=clock)


def error_code(reply: m.ServerMessage) -> ErrorCode:
    assert isinstance(reply, m.Error), reply
    return ErrorCode(reply.code)


def test_room_exists_from_first_login_and_vanishes_with_last_user(service: RoomService) -> None:
    a, b = Client(service), Client(service)
    reply = a.login("r1", "alice")
    assert isinstance(reply, m.LoginOk) and reply.users == [] and reply.streams == []
    assert service.stats()["rooms"] == 1
    reply = b.login("r1", "bob")
    assert isinstance(reply, m.LoginOk)
    assert [u.user_id for u in reply.users] == ["alice"]
    service.disconnect(a.session)
    assert service.stats()["rooms"] == 1
    assert isinstance(b.send(m.Logout(id=b.nid())), m.Ok)
    assert service.stats() | {"uptime": 0} == {
        "rooms": 0,
        "users": 0,
        "streams": 0,
        "play_sessions": 0,
        "connections": 1,
        "detached": 0,
        "uptime": 0,
    }


def test_login_answers_with_current_users_and_streams(service: RoomService) -> None:
    a, b = Client(service), Client(service)
    a.login("r1", "alice")
    a.publish("cam-a", extra_info="hello")
    reply = b.login("r1", "bob")
    assert isinstance(reply, m.LoginOk)
    assert reply.user == m.UserInfo(user_id="bob", user_name="Bob")
    assert [(s.stream_id, s.user.user_id, s.extra_info) for s in reply.streams] == [
        ("cam-a", "alice", "hello")
    ]
    assert reply.heartbeat_interval == 5


def test_user_updates_go_only_to_sessions_that_asked(service: RoomService) -> None:
    watcher, quiet, newcomer = Client(service), Client(service), Client(service)
    watcher.login("r1", "w", user_update=True)
    quiet.login("r1", "q", user_update=False)
    watcher.events(), quiet.events()
    newcomer.login("r1", "n")
    assert watcher.events() == [
        m.UserUpdate(
            room_id="r1", update_type="ADD", users=[m.UserInfo(user_id="n", user_name="N")]
        )
    ]
    assert quiet.events() == []
    service.disconnect(newcomer.session)
    assert [(e.update_type, e.users[0].user_id) for e in watcher.events()] == [("DELETE", "n")]
    assert quiet.events() == []


def test_two_rooms_never_see_each_others_events(service: RoomService) -> None:
    a, b, c = Client(service), Client(service), Client(service)
    a.login("r1", "alice")
    c.login("r2", "carol")
    b.login("r1", "bob")
    b.publish("s-b")
    b.send(m.SendBroadcast(id=b.nid(), message="hi r1"))
    assert c.events() == []
    assert {type(e) for e in a.events()} == {m.UserUpdate, m.StreamUpdate, m.BroadcastMessage}


def test_stream_ids_are_unique_across_rooms(service: RoomService) -> None:
    a, b = Client(service), Client(service)
    a.login("r1", "alice")
    b.login("r2", "bob")
    assert isinstance(a.publish("same"), m.Ok)
    assert error_code(b.publish("same")) is ErrorCode.STREAM_ID_TAKEN
    assert isinstance(a.publish("same"), m.Ok)  # the owner publishing again is a no-op
    a.send(m.Unpublish(id=a.nid(), stream_id="same"))
    assert isinstance(b.publish("same"), m.Ok)


def test_stream_updates_go_to_everyone_but_the_publisher(service: RoomService) -> None:
    a, b, c = Client(service), Client(service), Client(service)
    for client, user in ((a, "a"), (b, "b"), (c, "c")):
        client.login("r1", user, user_update=False)
    a.events(), b.events(), c.events()
    a.publish("s1")
    assert a.events() == []
    for other in (b, c):
        [event] = other.events()
        assert isinstance(event, m.StreamUpdate) and event.update_type == "ADD"
        assert event.streams[0].stream_id == "s1"
    a.send(m.UpdateStream(id=a.nid(), stream_id="s1", extra_info="x", video_muted=True))
    [event] = b.events()
    assert isinstance(event, m.StreamInfoUpdate)
    assert (event.streams[0].extra_info, event.streams[0].video_muted) == ("x", True)
    assert (
        error_code(b.send(m.UpdateStream(id=b.nid(), stream_id="s1"))) is ErrorCode.NOT_STREAM_OWNER
    )
    assert error_code(b.send(m.Unpublish(id=b.nid(), stream_id="s1"))) is ErrorCode.NOT_STREAM_OWNER


@pytest.mark.parametrize("how", ["logout", "drop", "kick"])
def test_leaving_deletes_streams_and_tells_others(service: RoomService, how: str) -> None:
    a, b = Client(service), Client(service)
    a.login("r1", "alice")
    a.publish("s1")
    a.publish("s2")
    b.login("r1", "bob")
    b.events()
    if how == "logout":
        a.send(m.Logout(id=a.nid()))
    elif how == "drop":
        service.disconnect(a.session)
    else:
        Client(service).login("r9", "alice")  # same user ID elsewhere kicks the old session
    events = b.events()
    assert [(type(e).__name__, e.update_type) for e in events] == [
        ("StreamUpdate", "DELETE"),
        ("UserUpdate", "DELETE"),
    ]
    assert sorted(s.stream_id for s in events[0].streams) == ["s1", "s2"]
    assert service.stats()["streams"] == 0


def test_duplicate_login_kicks_the_older_session(service: RoomService) -> None:
    old, new = Client(service), Client(service)
    old.login("r1", "alice")
    old.events()
    assert isinstance(new.login("r1", "alice"), m.LoginOk)
    [kick] = old.events()
    assert isinstance(kick, m.Kickout)
    assert kick.code == ErrorCode.KICKED_DUPLICATE_LOGIN
    assert old.outbox.closed == (CloseCode.KICKED, "KICKED_DUPLICATE_LOGIN")
    assert old.session.closed
    assert service.stats()["users"] == 1


def test_heartbeat_timeout_drops_silent_sessions(service: RoomService, clock: Clock) -> None:
    a, b = Client(service), Client(service)
    a.login("r1", "alice")
    b.login("r1", "bob")
    b.publish("s-b")
    a.events()
    clock.now += 10
    assert isinstance(a.send(m.Heartbeat(id=a.nid())), m.HeartbeatAck)
    clock.now += 10  # bob silent for 20 s, alice for 10 s
    assert service.sweep() == 1
    assert b.outbox.closed == (CloseCode.HEARTBEAT_TIMEOUT, "HEARTBEAT_TIMEOUT")
    assert [(type(e).__name__, e.update_type) for e in a.events()] == [
        ("StreamUpdate", "DELETE"),
        ("UserUpdate", "DELETE"),
    ]
    assert service.sweep() == 0


def test_requests_before_login_are_refused_and_session_lives(service: RoomService) -> None:
    a = Client(service)
    assert error_code(a.publish("s1")) is ErrorCode.NOT_LOGGED_IN
    assert error_code(a.send(m.SendBroadcast(id=a.nid(), message="x"))) is ErrorCode.NOT_LOGGED_IN
    assert isinstance(a.send(m.Heartbeat(id=a.nid())), m.HeartbeatAck)
    assert isinstance(a.login("r1", "alice"), m.LoginOk)
    assert error_code(a.login("r1", "alice")) is ErrorCode.ALREADY_LOGGED_IN


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("room_id", "", ErrorCode.ROOM_ID_INVALID),
        ("room_id", "x" * 129, ErrorCode.ROOM_ID_INVALID),
        ("room_id", "has space", ErrorCode.ROOM_ID_INVALID),
        ("user_id", "u" * 65, ErrorCode.USER_ID_INVALID),
        ("user_id", "名字", ErrorCode.USER_ID_INVALID),
        ("user_name", "n" * 257, ErrorCode.USER_NAME_INVALID),
        ("user_name", "bell\x07", ErrorCode.USER_NAME_INVALID),
        ("app_id", 99, ErrorCode.APP_ID_MISMATCH),
        ("version", 99, ErrorCode.UNSUPPORTED_VERSION),
        ("token", "not-a-token", ErrorCode.TOKEN_MALFORMED),
    ],
)
def test_login_limits(service: RoomService, field: str, value: object, code: ErrorCode) -> None:
    a = Client(service)
    fields = dict(
        id=1,
        version=PROTOCOL_VERSION,
        app_id=APP_ID,
        room_id="r1",
        user_id="alice",
        user_name="Alice",
        token=mint_token(app_id=APP_ID, secret=SECRET, user_id="alice"),
    )
    fields[field] = value
    reply = a.send(m.Login(**fields))
    assert error_code(reply) is code
    assert repr(value)[:20] in reply.message or field in ("app_id", "version", "token")
    assert not a.session.closed and service.stats()["rooms"] == 0


def test_stream_and_message_limits(service: RoomService) -> None:
    a = Client(service)
    a.login("r1", "alice")
    assert error_code(a.publish("bad id")) is ErrorCode.STREAM_ID_INVALID
    assert error_code(a.publish("s" * 257)) is ErrorCode.STREAM_ID_INVALID
    assert isinstance(a.publish("s" * 256), m.Ok)
    assert error_code(a.publish("x", extra_info="e" * 1025)) is ErrorCode.EXTRA_INFO_INVALID
    assert (
        error_code(a.send(m.SendBroadcast(id=a.nid(), message="é" * 513)))
        is ErrorCode.MESSAGE_INVALID
    )
    assert error_code(a.send(m.SendBroadcast(id=a.nid(), message=""))) is ErrorCode.MESSAGE_INVALID
    assert isinstance(a.send(m.SendBroadcast(id=a.nid(), message="é" * 512)), m.MessageAck)
    for i in range(7):
        assert isinstance(a.publish(f"more{i}"), m.Ok)
    assert error_code(a.publish("ninth")) is ErrorCode.TOO_MANY_STREAMS


def test_no_publish_privilege_is_refused_at_publish_time(service: RoomService) -> None:
    a = Client(service)
    assert isinstance(a.login("r1", "viewer", can_publish=False), m.LoginOk)
    assert error_code(a.publish("s1")) is ErrorCode.TOKEN_NO_PUBLISH_PRIVILEGE


def test_broadcast_rate_limits(service: RoomService, clock: Clock) -> None:
    users = [Client(service) for _ in range(7)]
    for i, client in enumerate(users):
        client.login("r1", f"u{i}")
    a = users[0]
    results = [a.send(m.SendBroadcast(id=a.nid(), message=f"m{i}")) for i in range(3)]
    assert [type(r).__name__ for r in results] == ["MessageAck", "MessageAck", "Error"]
    assert error_code(results[2]) is ErrorCode.RATE_LIMITED and "user" in results[2].message
    # Ten a second for the whole room: users 1..4 send two each, so the room is full.
    for client in users[1:5]:
        for _ in range(2):
            assert isinstance(
                client.send(m.SendBroadcast(id=client.nid(), message="x")), m.MessageAck
            )
    refused = users[5].send(m.SendBroadcast(id=users[5].nid(), message="x"))
    assert error_code(refused) is ErrorCode.RATE_LIMITED and "room" in refused.message
    clock.now += 1.01
    assert isinstance(users[5].send(m.SendBroadcast(id=users[5].nid(), message="x")), m.MessageAck)
    assert not any(c.session.closed for c in users)


def test_barrage_and_custom_command_rate_limits(service: RoomService, clock: Clock) -> None:
    a, b = Client(service), Client(service)
    a.login("r1", "alice")
    b.login("r1", "bob")
    kinds = [type(a.send(m.SendBarrage(id=a.nid(), message="b"))) for _ in range(21)]
    assert kinds == [m.MessageAck] * 20 + [m.Error]
    kinds = [
        type(a.send(m.SendCustomCommand(id=a.nid(), command="c", to_user_ids=["bob"])))
        for _ in range(201)
    ]
    assert kinds == [m.Ok] * 200 + [m.Error]
    clock.now += 1.01
    assert isinstance(a.send(m.SendBarrage(id=a.nid(), message="b")), m.MessageAck)


def test_custom_command_reaches_only_named_users(service: RoomService) -> None:
    a, b, c = Client(service), Client(service), Client(service)
    a.login("r1", "alice", user_update=False)
    b.login("r1", "bob", user_update=False)
    c.login("r1", "carol", user_update=False)
    a.send(m.SendCustomCommand(id=a.nid(), command="ping", to_user_ids=["carol", "nobody"]))
    assert b.events() == []
    assert c.events() == [
        m.CustomCommand(
            room_id="r1", from_user=m.UserInfo(user_id="alice", user_name="Alice"), command="ping"
        )
    ]
    a.send(m.SendCustomCommand(id=a.nid(), command="all"))
    assert [e.command for e in b.events()] == ["all"]
    reply = a.send(m.SendCustomCommand(id=a.nid(), command="x", to_user_ids=["bad id"]))
    assert error_code(reply) is ErrorCode.RECIPIENTS_INVALID


def test_play_relays_signals_only_within_a_session(service: RoomService) -> None:
    pub, player, stranger = Client(service), Client(service), Client(service)
    pub.login("r1", "pub", user_update=False)
    player.login("r1", "player", user_update=False)
    stranger.login("r2", "stranger", user_update=False)
    pub.publish("cam")
    player.events()
    assert error_code(stranger.send(m.Play(id=1, stream_id="cam"))) is ErrorCode.STREAM_NOT_FOUND
    assert error_code(pub.send(m.Play(id=pub.nid(), stream_id="cam"))) is ErrorCode.PLAY_FAILED
    reply = player.send(m.Play(id=player.nid(), stream_id="cam"))
    assert isinstance(reply, m.PlayOk) and reply.stream.stream_id == "cam"
    [request] = pub.events()
    assert request == m.PlayRequest(
        session_id=reply.session_id,
        stream_id="cam",
        player=m.UserInfo(user_id="player", user_name="Player"),
    )
    sid = reply.session_id
    assert isinstance(
        pub.send(m.Signal(id=pub.nid(), session_id=sid, kind="offer", sdp="v=0")), m.Ok
    )
    assert player.events() == [m.RelayedSignal(session_id=sid, kind="offer", sdp="v=0")]
    cand = m.IceCandidate(candidate="candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdp_mid="0")
    player.send(m.Signal(id=player.nid(), session_id=sid, kind="candidate", candidate=cand))
    assert pub.events() == [m.RelayedSignal(session_id=sid, kind="candidate", candidate=cand)]
    # A third party cannot inject into the session, and a bad signal is refused.
    bad = stranger.send(m.Signal(id=2, session_id=sid, kind="offer", sdp="v=0"))
    assert error_code(bad) is ErrorCode.PLAY_SESSION_NOT_FOUND
    assert (
        error_code(pub.send(m.Signal(id=pub.nid(), session_id=sid, kind="answer")))
        is ErrorCode.BAD_MESSAGE
    )
    # The publisher stopping the stream closes the session on the player's side.
    pub.send(m.Unpublish(id=pub.nid(), stream_id="cam"))
    closed, deleted = player.events()
    assert isinstance(closed, m.SessionClosed) and closed.code == ErrorCode.PUBLISHER_LEFT
    assert isinstance(deleted, m.StreamUpdate) and deleted.update_type == "DELETE"
    assert service.stats()["play_sessions"] == 0


def test_stop_play_tells_the_publisher(service: RoomService) -> None:
    pub, player = Client(service), Client(service)
    pub.login("r1", "pub")
    player.login("r1", "player")
    pub.publish("cam")
    sid = player.send(m.Play(id=player.nid(), stream_id="cam")).session_id
    pub.events()
    assert isinstance(player.send(m.StopPlay(id=player.nid(), session_id=sid)), m.Ok)
    [closed] = pub.events()
    assert isinstance(closed, m.SessionClosed) and closed.code == ErrorCode.PLAY_STOPPED
    assert (
        error_code(player.send(m.StopPlay(id=player.nid(), session_id=sid)))
        is ErrorCode.PLAY_SESSION_NOT_FOUND
    )


def test_bad_frames_get_error_replies_and_flooders_are_closed(service: RoomService) -> None:
    a = Client(service)
    a.login("r1", "alice")
    for frame, code, request_id in [
        (b"not json", ErrorCode.NOT_JSON, None),
        (b"[]", ErrorCode.BAD_MESSAGE, None),
        (b'{"type": "dance", "id": 5}', ErrorCode.UNKNOWN_TYPE, 5),
        (b'{"type": "publish", "id": 6}', ErrorCode.BAD_MESSAGE, 6),
        (b" " * (64 * 1024 + 1), ErrorCode.FRAME_TOO_LARGE, None),
    ]:
        service.handle_frame(a.session, frame)
        [reply] = a.events()
        assert (error_code(reply), reply.id) == (code, request_id)
    assert not a.session.closed
    for _ in range(60):
        service.handle_frame(a.session, b"garbage")
    assert a.session.closed
    assert a.outbox.closed == (CloseCode.POLICY_VIOLATION, "FLOODING")
    assert service.stats()["users"] == 0


def test_excess_frames_are_rate_limited(service: RoomService, clock: Clock) -> None:
    a = Client(service)
    a.login("r1", "alice")
    for i in range(399):
        service.handle_frame(a.session, m.encode(m.Heartbeat(id=100 + i)))
    service.handle_frame(a.session, m.encode(m.Heartbeat(id=1000)))
    [*acks, refused] = a.events()
    assert len(acks) == 399 and error_code(refused) is ErrorCode.RATE_LIMITED
    clock.now += 1.01
    assert isinstance(a.send(m.Heartbeat(id=2000)), m.HeartbeatAck)


def test_room_full(clock: Clock) -> None:
    service = RoomService(
        ServiceConfig(app_id=APP_ID, secret=SECRET, max_users_per_room=2), clock=clock
    )
    a, b, c = Client(service), Client(service), Client(service)
    a.login("r1", "a")
    b.login("r1", "b")
    assert error_code(c.login("r1", "c")) is ErrorCode.ROOM_FULL
    assert isinstance(Client(service).login("r1", "a"), m.LoginOk)  # replacing oneself is allowed


# ---------------------------------------------------------------- resuming after a drop


def relogin(client: Client, room: str, user: str, **fields) -> m.ServerMessage:
    token = mint_token(app_id=APP_ID, secret=SECRET, user_id=user)
    return client.send(
        m.Login(
            id=client.nid(),
            version=PROTOCOL_VERSION,
            app_id=APP_ID,
            room_id=room,
            user_id=user,
            token=token,
            user_update=True,
            **fields,
        )
    )


def call(service: RoomService) -> tuple[Client, Client, str, str]:
    """Alice publishes cam-a, Bob plays it: (alice, bob, play session ID, alice's token)."""
    a, b = Client(service), Client(service)
    reply = a.login("r1", "alice")
    assert isinstance(reply, m.LoginOk) and reply.resume_token and reply.resume_grace == 15
    a.publish("cam-a")
    b.login("r1", "bob")
    play = b.send(m.Play(id=b.nid(), stream_id="cam-a"))
    assert isinstance(play, m.PlayOk)
    a.events(), b.events()
    return a, b, play.session_id, reply.resume_token


def test_a_dropped_session_is_kept_through_the_grace_and_resumed_whole(
    service: RoomService, clock: Clock
) -> None:
    a, b, play_id, token = call(service)
    service.disconnect(a.session, "socket closed", resumable=True)
    assert b.events() == [], "the others see nothing while it may come back"
    assert service.stats()["detached"] == 1 and service.stats()["streams"] == 1
    # Meanwhile: bob signals alice, chats, and carol joins.
    assert isinstance(
        b.send(m.Signal(id=b.nid(), session_id=play_id, kind="end_of_candidates")), m.Ok
    )
    b.send(m.SendBroadcast(id=b.nid(), message="still there?"))
    Client(service).login("r1", "carol")
    clock.now += 10
    service.sweep()
    again = Client(service)
    reply = relogin(again, "r1", "alice", resume_token=token)
    assert isinstance(reply, m.LoginOk) and reply.resumed
    assert reply.session_id == a.session.id and reply.resume_token == token
    assert reply.publications == ["cam-a"] and reply.plays == [play_id]
    assert sorted(u.user_id for u in reply.users) == ["bob", "carol"]
    missed = again.events()
    assert [type(e).__name__ for e in missed] == ["RelayedSignal", "BroadcastMessage", "UserUpdate"]
    # The play session goes on between the same ends, and nobody saw alice leave.
    assert isinstance(
        again.send(m.Signal(id=again.nid(), session_id=play_id, kind="end_of_candidates")), m.Ok
    )
    assert [type(e).__name__ for e in b.events()] == ["UserUpdate", "RelayedSignal"]  # carol
    assert service.stats()["detached"] == 0 and service.stats()["play_sessions"] == 1


def test_past_the_grace_the_session_leaves_and_its_token_is_void(
    service: RoomService, clock: Clock
) -> None:
    a, b, play_id, token = call(service)
    service.disconnect(a.session, "socket closed", resumable=True)
    clock.now += 14.9
    service.sweep()
    assert b.events() == []
    b.send(m.Heartbeat(id=b.nid()))  # bob stays
    clock.now += 0.2
    service.sweep()
    events = b.events()
    assert [(type(e).__name__, getattr(e, "update_type", None)) for e in events] == [
        ("SessionClosed", None),
        ("StreamUpdate", "DELETE"),
        ("UserUpdate", "DELETE"),
    ]
    assert events[0].session_id == play_id and events[0].code == ErrorCode.PUBLISHER_LEFT
    reply = relogin(Client(service), "r1", "alice", resume_token=token)
    assert isinstance(reply, m.LoginOk) and not reply.resumed and reply.streams == []


def test_a_resume_takes_over_a_connection_not_yet_seen_to_drop(service: RoomService) -> None:
    a, b, play_id, token = call(service)
    again = Client(service)
    reply = relogin(again, "r1", "alice", resume_token=token)
    assert isinstance(reply, m.LoginOk) and reply.resumed and reply.plays == [play_id]
    assert a.outbox.closed is not None and a.outbox.closed[0] == CloseCode.GOING_AWAY
    service.disconnect(a.session, "socket closed", resumable=True)  # the old socket, at last
    assert b.events() == [] and service.stats()["users"] == 2
    assert isinstance(
        again.send(m.Signal(id=again.nid(), session_id=play_id, kind="end_of_candidates")), m.Ok
    )


def test_a_resume_token_is_only_good_for_its_own_user_and_room(service: RoomService) -> None:
    a, b, _play_id, token = call(service)
    service.disconnect(a.session, "socket closed", resumable=True)
    reply = relogin(Client(service), "r1", "mallory", resume_token=token)
    assert isinstance(reply, m.LoginOk) and not reply.resumed
    reply = relogin(Client(service), "r2", "alice", resume_token=token)  # kicks the kept one
    assert isinstance(reply, m.LoginOk) and not reply.resumed
    assert service.stats()["detached"] == 0
    assert any(isinstance(e, m.StreamUpdate) and e.update_type == "DELETE" for e in b.events())


def test_grace_zero_leaves_at_once(clock: Clock) -> None:
    service = RoomService(ServiceConfig(app_id=APP_ID, secret=SECRET, resume_grace=0), clock=clock)
    a, b, _play_id, token = call_with(service)
    again = relogin(Client(service), "r1", "alice", resume_token=token)  # a is still connected
    assert isinstance(again, m.LoginOk) and not again.resumed
    assert a.outbox.closed == (CloseCode.KICKED, "KICKED_DUPLICATE_LOGIN")
    a, b, _play_id, _token = call_with(service, "r2")
    service.disconnect(a.session, "socket closed", resumable=True)
    assert any(isinstance(e, m.StreamUpdate) for e in b.events())
    with pytest.raises(ValueError, match="resume_grace"):
        ServiceConfig(app_id=APP_ID, secret=SECRET, resume_grace=-1)


def call_with(service: RoomService, room: str = "r1") -> tuple[Client, Client, str, str]:
    a, b = Client(service), Client(service)
    token = a.login(room, "alice").resume_token
    a.publish(f"cam-{room}")
    b.login(room, "bob")
    play = b.send(m.Play(id=b.nid(), stream_id=f"cam-{room}"))
    a.events(), b.events()
    return a, b, play.session_id, token


def test_a_restarted_service_takes_back_publications_and_play_sessions_without_offers(
    clock: Clock,
) -> None:
    """The service forgot everything; both ends re-announce, in either order."""
    config = ServiceConfig(app_id=APP_ID, secret=SECRET)
    service = RoomService(config, clock=clock)
    bob, alice = Client(service), Client(service)
    # The player comes back first: its claim waits for the publisher.
    reply = relogin(
        bob,
        "r1",
        "bob",
        resume_token="from-before-the-restart",
        plays=[m.HeldPlay(session_id="p1", stream_id="cam-a", role="player", peer_user_id="alice")],
    )
    assert isinstance(reply, m.LoginOk) and not reply.resumed and reply.plays == ["p1"]
    assert reply.streams == []
    assert isinstance(
        bob.send(m.Signal(id=bob.nid(), session_id="p1", kind="end_of_candidates")), m.Ok
    )
    reply = relogin(
        alice,
        "r1",
        "alice",
        publications=[m.Publication(stream_id="cam-a", extra_info="x")],
        plays=[
            m.HeldPlay(session_id="p1", stream_id="cam-a", role="publisher", peer_user_id="bob")
        ],
    )
    assert (
        isinstance(reply, m.LoginOk) and reply.publications == ["cam-a"] and reply.plays == ["p1"]
    )
    assert service.stats()["play_sessions"] == 1 and service.stats()["streams"] == 1
    events = bob.events()
    assert [type(e).__name__ for e in events] == ["UserUpdate", "StreamUpdate"]
    assert events[1].streams[0].extra_info == "x"
    assert not any(isinstance(e, m.PlayRequest) for e in alice.events()), "no new negotiation"
    # The service relays between them again.
    alice.send(m.Signal(id=alice.nid(), session_id="p1", kind="end_of_candidates"))
    assert [type(e).__name__ for e in bob.events()] == ["RelayedSignal"]


def test_a_claim_whose_other_end_never_comes_back_ends_with_the_grace(clock: Clock) -> None:
    service = RoomService(ServiceConfig(app_id=APP_ID, secret=SECRET), clock=clock)
    bob = Client(service)
    held = m.HeldPlay(session_id="p1", stream_id="cam-a", role="player", peer_user_id="alice")
    relogin(bob, "r1", "bob", plays=[held])
    bob.events()
    clock.now += 15
    service.sweep()
    (closed,) = bob.events()
    assert isinstance(closed, m.SessionClosed) and closed.session_id == "p1"
    assert closed.code == ErrorCode.PUBLISHER_LEFT


def test_claims_that_do_not_match_are_refused(clock: Clock) -> None:
    service = RoomService(ServiceConfig(app_id=APP_ID, secret=SECRET), clock=clock)
    bob, alice, eve = Client(service), Client(service), Client(service)
    relogin(
        bob,
        "r1",
        "bob",
        plays=[m.HeldPlay(session_id="p1", stream_id="cam-a", role="player", peer_user_id="alice")],
    )
    # Eve claims to be the publisher of bob's play session: not the user bob named.
    reply = relogin(
        eve,
        "r1",
        "eve",
        publications=[m.Publication(stream_id="cam-a")],
        plays=[
            m.HeldPlay(session_id="p1", stream_id="cam-a", role="publisher", peer_user_id="bob")
        ],
    )
    assert reply.plays == [] and reply.publications == ["cam-a"]
    # A publisher cannot hold a play session of a stream it does not publish.
    reply = relogin(
        alice,
        "r1",
        "alice",
        plays=[
            m.HeldPlay(session_id="p1", stream_id="cam-a", role="publisher", peer_user_id="bob")
        ],
    )
    assert reply.plays == [] and reply.publications == []
    too_many = [
        m.HeldPlay(session_id=f"p{i}", stream_id="s", role="player", peer_user_id="x")
        for i in range(65)
    ]
    assert error_code(relogin(Client(service), "r1", "zed", plays=too_many)) == (
        ErrorCode.TOO_MANY_PLAYS_HELD
    )
    assert service.stats()["users"] == 3, "a refused login joins nothing"


def test_a_kept_session_holds_at_most_a_megabyte_of_missed_messages(
    service: RoomService, clock: Clock
) -> None:
    a, b, _play_id, _token = call(service)
    service.disconnect(a.session, "socket closed", resumable=True)
    # ~1 KiB commands to alice, 100 a second for 11 s (within the grace): a thousand pass the
    # byte bound long before the count's.
    for i in range(1100):
        clock.now += 0.01
        command = f"{i:04d}" + "x" * 1000
        b.send(m.SendCustomCommand(id=b.nid(), command=command, to_user_ids=["alice"]))
    assert service.stats()["detached"] == 1
    service.sweep()
    assert service.stats()["detached"] == 0, "it left: it missed too much to resume"
    assert any(isinstance(e, m.StreamUpdate) for e in b.events())
