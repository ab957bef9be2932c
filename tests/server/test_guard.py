"""The guard's and the token store's rules, without sockets."""

from __future__ import annotations

import pytest

from app.protocol import proof
from app.protocol.limits import request_id_of
from app.server.guard import GuardConfig, client_address, normalize_origin
from app.server.tokens import UsedTokens


def test_addresses_are_counted_per_ipv4_and_per_ipv6_64() -> None:
    assert client_address("198.51.100.7") == "198.51.100.7"
    assert client_address("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_address("2001:db8:1:2:aaaa::1") == client_address("2001:db8:1:2:bbbb::9")
    assert client_address("2001:db8:1:2::1") != client_address("2001:db8:1:3::1")


def test_origins_are_normalized_and_checked() -> None:
    assert normalize_origin(" HTTPS://App.Example.com/ ") == "https://app.example.com"
    assert normalize_origin("*") == "*"
    with pytest.raises(ValueError, match="https://host"):
        normalize_origin("app.example.com")
    with pytest.raises(ValueError, match="max_outbox_bytes"):
        GuardConfig(max_outbox_bytes=0)
    with pytest.raises(ValueError, match="handshake_timeout"):
        GuardConfig(handshake_timeout=0)


def test_used_tokens_are_refused_until_they_expire() -> None:
    used = UsedTokens()
    assert used.use("a", forget_after=100, now=0)
    assert not used.use("a", forget_after=100, now=50)
    assert used.use("b", forget_after=200, now=60)
    assert used.use("a", forget_after=300, now=101)  # expired: forgotten, memory returned
    assert len(used) == 2


@pytest.mark.parametrize(
    ("frame", "request_id"),
    [
        (b'{"type":"heartbeat","id":41}', 41),
        (b'{"id":42,"type":"signal","sdp":"' + b"x" * 70000 + b'"}', 42),
        (b'{"type":"heartbeat","id":true}', None),
        (b'{"type":"heartbeat","id":"7"}', None),
        (b"\xff not json", None),
        ('{"id": 9}', 9),
    ],
)
def test_the_id_of_a_refused_frame_is_read_when_it_can_be(frame, request_id) -> None:
    assert request_id_of(frame) == request_id


def test_a_proof_is_bound_to_the_secret_the_nonce_and_the_port() -> None:
    secret = b"s" * 32
    nonce = proof.make_nonce()
    assert proof.valid_nonce(nonce) and not proof.valid_nonce("xyz")
    answer = proof.answer(secret, nonce, 8765)
    assert answer == proof.answer(secret, nonce, 8765)
    assert answer != proof.answer(secret, nonce, 8766)
    assert answer != proof.answer(b"t" * 32, nonce, 8765)
    assert answer != proof.answer(secret, proof.make_nonce(), 8765)
