"""Getting the room back after the signalling socket dropped, without touching media.

Media flows peer to peer; the room service only relays signalling. So when the socket drops
(a blip, a restart of the service) the engine keeps every peer connection and logs in again:

* with the **resume token** the service gave at login: a service that kept the session (for
  its grace, 15 s by default) gives it back whole, same session, streams and play sessions,
  and replays what the session missed;
* with what it still **publishes and holds** (its publications and the play sessions of its
  peer connections): a service that does not know the session (it restarted with no memory)
  takes those as they are, with no new negotiation (``docs/protocol.md``, "Resuming").

Only what the service did not take is negotiated again. This module holds the parts of that
which need no engine: what to re-announce, what the reply kept, and when to try again.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.protocol import messages as m

QUICK_TRIES = 8
"""Attempts made ``QUICK_WAIT`` apart before backing off: a blip is over in a second or two,
and a restarted service is back in about as long. (A refused connection costs nothing.)"""
QUICK_WAIT = 0.2


def reconnect_waits(first: float, longest: float) -> Iterator[float]:
    """Seconds to wait before each attempt: the first at once, then ``QUICK_TRIES - 1`` quick
    ones, then doubling from ``first`` (at least twice the quick wait) to ``longest``, each
    ±20 %."""
    yield 0.0
    for _ in range(QUICK_TRIES - 1):
        yield QUICK_WAIT * random.uniform(0.8, 1.2)
    delay = max(first, 2 * QUICK_WAIT)
    while True:
        yield min(delay, longest) * random.uniform(0.8, 1.2)
        delay = min(delay * 2, longest)


@dataclass(frozen=True)
class Held:
    """What the engine still has when the socket drops."""

    publications: list[m.Publication]
    plays: list[m.HeldPlay]


def held(
    publications: Iterable[tuple[m.Publication, Iterable[tuple[str, str]]]],
    playbacks: Iterable[tuple[str, str | None, str | None]],
) -> Held:
    """What to re-announce: each published stream (with the ``(session ID, player's user ID)``
    of its peer connections), and each playback as ``(stream ID, session ID, publisher's user
    ID)`` (those with no session or no known publisher hold nothing)."""
    pubs, plays = [], []
    for publication, peers in publications:
        pubs.append(publication)
        for session_id, player in peers:
            plays.append(
                m.HeldPlay(
                    session_id=session_id,
                    stream_id=publication.stream_id,
                    role="publisher",
                    peer_user_id=player,
                )
            )
    for stream_id, session_id, publisher in playbacks:
        if session_id is not None and publisher:
            plays.append(
                m.HeldPlay(
                    session_id=session_id,
                    stream_id=stream_id,
                    role="player",
                    peer_user_id=publisher,
                )
            )
    return Held(pubs, plays)


@dataclass(frozen=True)
class Kept:
    """What the service's reply to the re-login kept."""

    resumed: bool
    publications: frozenset[str]
    plays: frozenset[str]

    @classmethod
    def of(cls, reply: m.LoginOk) -> Kept:
        return cls(reply.resumed, frozenset(reply.publications), frozenset(reply.plays))

    def publication(self, stream_id: str) -> bool:
        return stream_id in self.publications

    def play(self, session_id: str | None) -> bool:
        return session_id is not None and session_id in self.plays
