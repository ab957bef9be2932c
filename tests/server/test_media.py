"""The service's rules for SFU rooms, as plain Python: the media router is a recorder behind
the same interface as ``JanusRouter`` (which ``test_janus.py`` drives against a real Janus)."""

from __future__ import annotations

from typing import Any

import pytest

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import PROTOCOL_VERSION, ProtocolError
from app.server import RoomService, ServiceConfig, mint_token
from app.server.media import MediaEvents, MediaLink, MediaMode
from tests.conftest import APP_ID, SECRET
from tests.helpers import Clock
from tests.server.test_rooms import Client


class RecordingRouter:
    """Records what the service asks of its SFU; the test plays Janus's part."""

    mode: MediaMode = "sfu"

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.events: MediaEvents | None = None
        self.down = False
        self.links: dict[str, MediaLink] = {}

    def bind(self, events: MediaEvents) -> None:
        self.events = events

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    @property
    def healthy(self) -> bool:
        return not self.down

    def stats(self) -> dict[str, Any]:
        return {"janus": [{"up": not self.down}]}

    def check(self, room_key: tuple[int, str]) -> None:
        if self.down:
            raise ProtocolError(ErrorCode.MEDIA_SERVER_UNAVAILABLE)

    def open_room(self, room_key: tuple[int, str]) -> None:
        self.calls.append(("open_room", room_key[1]))

    def close_room(self, room_key: tuple[int, str]) -> None:
        self.calls.append(("close_room", room_key[1]))

    def publish(self, room_key: tuple[int, str], link: MediaLink) -> None:
        self.links[link.id] = link
        self.calls.append(("publish", link.stream_id))

    def play(self, room_key: tuple[int, str], link: MediaLink) -> None:
        self.links[link.id] = link
        self.calls.append(("play", link.stream_id))

    def signal(self, link: MediaLink, message: m.Signal) -> None:
        self.calls.append(("signal", link.stream_id, message.kind))

    def end(self, link: MediaLink) -> None:
        self.calls.append(("end", link.stream_id, "uplink" if link.receiver is None else "play"))

    def take(self) -> list[tuple[Any, ...]]:
        got, self.calls = self.calls, []
        return got


@pytest.fixture
def router() -> RecordingRouter:
    return RecordingRouter()


@pytest.fixture
def clock() -> Clock:
    return Clock(1000.0)


@pytest.fixture
def service(router: RecordingRouter, clock: Clock) -> RoomService:
    config = ServiceConfig(app_id=APP_ID, secret=SECRET)
    return RoomService(config, clock=clock, sfu=router)


def of(events: list[m.ServerMessage], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def test_a_publish_opens_one_uplink_and_plays_go_to_the_sfu(service, router) -> None:
    alice, bob, carol = Client(service), Client(service), Client(service)
    login = alice.login("r", "alice")
    assert isinstance(login, m.LoginOk) and login.media == "sfu"
    bob.login("r", "bob")
    carol.login("r", "carol")
    assert isinstance(alice.publish("cam"), m.Ok)
    [request] = of(alice.events(), m.PlayRequest)
    assert (request.stream_id, request.peer, request.player) == ("cam", "sfu", None)
    assert router.take() == [("open_room", "r"), ("publish", "cam")]

    # The publisher's offer goes to the SFU; the SFU's answer comes back to it.
    alice.send(m.Signal(id=alice.nid(), session_id=request.session_id, kind="offer", sdp="o"))
    assert router.take() == [("signal", "cam", "offer")]
    router.events.link_signal(router.links[request.session_id], "answer", sdp="a")
    [answer] = of(alice.events(), m.RelayedSignal)
    assert (answer.session_id, answer.kind, answer.sdp) == (request.session_id, "answer", "a")

    # Two plays: two downlinks from the SFU, and nothing asked of the publisher.
    plays = [c.send(m.Play(id=c.nid(), stream_id="cam")) for c in (bob, carol)]
    assert router.take() == [("play", "cam"), ("play", "cam")]
    assert not of(alice.events(), m.PlayRequest)
    router.events.link_signal(router.links[plays[0].session_id], "offer", sdp="janus")
    [offer] = of(bob.events(), m.RelayedSignal)
    assert (offer.session_id, offer.kind) == (plays[0].session_id, "offer")
    bob.send(m.Signal(id=bob.nid(), session_id=plays[0].session_id, kind="answer", sdp="b"))
    assert router.take() == [("signal", "cam", "answer")]

    # Unpublishing ends the uplink (silently) and the plays (PUBLISHER_LEFT).
    alice.send(m.Unpublish(id=alice.nid(), stream_id="cam"))
    assert sorted(router.take()) == [
        ("end", "cam", "play"),
        ("end", "cam", "play"),
        ("end", "cam", "uplink"),
    ]
    for client in (bob, carol):
        [closed] = of(client.events(), m.SessionClosed)
        assert closed.code == ErrorCode.PUBLISHER_LEFT
    assert not of(alice.events(), m.SessionClosed)


def test_the_sfu_room_goes_with_its_last_user(service, router) -> None:
    alice, bob = Client(service), Client(service)
    alice.login("r", "alice")
    bob.login("r", "bob")
    alice.publish("cam")
    bob.send(m.Play(id=bob.nid(), stream_id="cam"))
    router.take()
    alice.send(m.Logout(id=alice.nid()))
    assert sorted(router.take()) == [("end", "cam", "play"), ("end", "cam", "uplink")]
    bob.send(m.Logout(id=bob.nid()))
    assert router.take() == [("close_room", "r")]


def test_a_lost_uplink_ends_its_plays_and_asks_the_publisher_again(service, router) -> None:
    alice, bob = Client(service), Client(service)
    alice.login("r", "alice")
    bob.login("r", "bob")
    alice.publish("cam")
    [first] = of(alice.events(), m.PlayRequest)
    play = bob.send(m.Play(id=bob.nid(), stream_id="cam"))
    router.take()

    router.events.link_failed(router.links[first.session_id], ErrorCode.MEDIA_SERVER_HANGUP, "x")
    events = alice.events()
    [closed] = of(events, m.SessionClosed)
    assert (closed.session_id, closed.code) == (first.session_id, ErrorCode.MEDIA_SERVER_HANGUP)
    [again] = of(events, m.PlayRequest)
    assert again.peer == "sfu" and again.session_id != first.session_id
    [closed] = of(bob.events(), m.SessionClosed)
    assert (closed.session_id, closed.code) == (play.session_id, ErrorCode.MEDIA_SERVER_HANGUP)
    assert router.take() == [("end", "cam", "uplink"), ("end", "cam", "play"), ("publish", "cam")]

    # A publisher whose connection failed gives its uplink up; it is asked again, boundedly.
    for _ in range(10):
        alice.send(m.StopPlay(id=alice.nid(), session_id=again.session_id))
        requests = of(alice.events(), m.PlayRequest)
        if not requests:
            break
        [again] = requests
    else:
        pytest.fail("the uplink was asked for again without end")


def test_no_media_server_refuses_publish_and_play_with_its_code(service, router) -> None:
    alice, bob = Client(service), Client(service)
    alice.login("r", "alice")
    bob.login("r", "bob")
    alice.publish("cam")
    router.down = True
    refused = alice.publish("cam-2")
    assert isinstance(refused, m.Error) and refused.code == ErrorCode.MEDIA_SERVER_UNAVAILABLE
    refused = bob.send(m.Play(id=bob.nid(), stream_id="cam"))
    assert isinstance(refused, m.Error) and refused.code == ErrorCode.MEDIA_SERVER_UNAVAILABLE
    assert not service.healthy


def test_a_p2p_room_on_an_sfu_service_never_touches_the_sfu(service, router) -> None:
    alice, bob = Client(service), Client(service)
    login = alice.send(
        m.Login(
            id=alice.nid(),
            version=1,
            app_id=APP_ID,
            room_id="small",
            user_id="alice",
            token=mint_token(app_id=APP_ID, secret=SECRET, user_id="alice"),
            media="p2p",
        )
    )
    assert login.media == "p2p"
    assert bob.login("small", "bob").media == "p2p"
    alice.publish("cam")
    assert not of(alice.events(), m.PlayRequest)
    play = bob.send(m.Play(id=bob.nid(), stream_id="cam"))
    [request] = of(alice.events(), m.PlayRequest)
    assert (request.session_id, request.peer, request.player.user_id) == (
        play.session_id,
        "user",
        "bob",
    )
    assert router.take() == []


# ---------------------------------------------------------------- resuming in an SFU room


def _relogin(client: Client, user: str, **fields: Any) -> m.ServerMessage:
    token = mint_token(app_id=APP_ID, secret=SECRET, user_id=user)
    return client.send(
        m.Login(
            id=client.nid(),
            version=PROTOCOL_VERSION,
            app_id=APP_ID,
            room_id="r",
            user_id=user,
            token=token,
            **fields,
        )
    )


def _sfu_call(service: RoomService, router: RecordingRouter) -> tuple[Client, Client, str, str]:
    """Alice publishes cam through the SFU, Bob plays it: (alice, bob, uplink, downlink)."""
    alice, bob = Client(service), Client(service)
    alice.login("r", "alice")
    bob.login("r", "bob")
    alice.publish("cam")
    [request] = of(alice.events(), m.PlayRequest)
    play = bob.send(m.Play(id=bob.nid(), stream_id="cam"))
    assert isinstance(play, m.PlayOk)
    bob.events()
    router.take()
    return alice, bob, request.session_id, play.session_id


def test_a_kept_session_keeps_its_sfu_sessions_and_resumes_them(service, router, clock) -> None:
    alice, bob, uplink, _downlink = _sfu_call(service, router)
    resume_token = alice.session.resume_token
    service.disconnect(alice.session, "socket closed", resumable=True)
    service.disconnect(bob.session, "socket closed", resumable=True)
    assert router.take() == [], "the SFU's sessions stay while the clients may come back"
    # Janus answers the uplink meanwhile: kept for alice's resume.
    router.events.link_signal(router.links[uplink], "answer", sdp="a")
    again = Client(service)
    reply = _relogin(again, "alice", resume_token=resume_token)
    assert isinstance(reply, m.LoginOk) and reply.resumed and reply.media == "sfu"
    assert reply.plays == [uplink]
    [answer] = of(again.events(), m.RelayedSignal)
    assert (answer.session_id, answer.sdp) == (uplink, "a")
    # The uplink's client end is the new connection: what it sends goes to the SFU.
    again.send(m.Signal(id=again.nid(), session_id=uplink, kind="end_of_candidates"))
    assert router.take() == [("signal", "cam", "end_of_candidates")]
    # Bob was not resumed: at the end of the grace his downlink is released, and only it.
    clock.now += 15
    service.sweep()
    assert router.take() == [("end", "cam", "play")]
    assert service.stats()["play_sessions"] == 1  # the uplink


def test_the_end_of_the_grace_releases_the_sfu_sessions(service, router, clock) -> None:
    alice, _bob, _uplink, _downlink = _sfu_call(service, router)
    service.disconnect(alice.session, "socket closed", resumable=True)
    clock.now += 15
    service.sweep()
    assert sorted(router.take()) == [("end", "cam", "play"), ("end", "cam", "uplink")]


def test_a_resumed_session_is_not_closed_for_not_logging_in(service, router, clock) -> None:
    alice = Client(service)
    token = alice.login("r", "alice").resume_token
    service.disconnect(alice.session, "socket closed", resumable=True)
    again = Client(service)
    assert _relogin(again, "alice", resume_token=token).resumed
    clock.now += 11  # past the login deadline of the new connection
    service.sweep()
    assert not again.outbox.closed and service.stats()["users"] == 1


def test_a_restarted_sfu_service_gives_republished_streams_new_uplinks(router) -> None:
    service = RoomService(
        ServiceConfig(app_id=APP_ID, secret=SECRET), clock=Clock(1000.0), sfu=router
    )
    alice, bob = Client(service), Client(service)
    reply = _relogin(
        alice,
        "alice",
        media="sfu",
        publications=[m.Publication(stream_id="cam")],
        plays=[m.HeldPlay(session_id="u1", stream_id="cam", role="publisher", peer_user_id="x")],
    )
    assert isinstance(reply, m.LoginOk) and reply.publications == ["cam"] and reply.plays == []
    [request] = of(alice.events(), m.PlayRequest)
    assert (request.stream_id, request.peer) == ("cam", "sfu")
    assert router.take() == [("open_room", "r"), ("publish", "cam")]
    # A player's session with the old service's SFU is not taken: it plays again at once.
    held = m.HeldPlay(session_id="p1", stream_id="cam", role="player", peer_user_id="alice")
    reply = _relogin(bob, "bob", plays=[held])
    assert isinstance(reply, m.LoginOk) and reply.plays == []
