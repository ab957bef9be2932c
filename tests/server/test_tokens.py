"""Every way a token is refused, each with its own code."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from app.protocol.errors import ErrorCode
from app.server.tokens import LEEWAY_SECONDS, TokenError, mint_token, verify_token

SECRET = b"k" * 32
CHECK = dict(secret=SECRET, app_id=1, user_id="alice", room_id="r1")


def refused(token: str, **overrides) -> ErrorCode:
    with pytest.raises(TokenError) as info:
        verify_token(token, **(CHECK | overrides))
    return info.value.code


def test_a_good_token_verifies_with_its_claims() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="alice", room_id="r1", can_publish=False)
    claims = verify_token(token, **CHECK)
    assert (claims.app_id, claims.user_id, claims.room_id) == (1, "alice", "r1")
    assert claims.privileges.login and not claims.privileges.publish
    assert claims.expires_at - claims.issued_at == 24 * 3600
    assert len(claims.jti) >= 16
    assert (
        verify_token(mint_token(app_id=1, secret=SECRET, user_id="alice"), **CHECK).jti
        != claims.jti
    )


def test_a_token_without_room_is_good_for_any_room() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="alice")
    assert verify_token(token, **(CHECK | {"room_id": "anything"})).room_id is None


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 5000, "e30.e30.e30"])
def test_malformed(token: str) -> None:
    assert refused(token) is ErrorCode.TOKEN_MALFORMED


def test_bad_signature() -> None:
    token = mint_token(app_id=1, secret=b"another-secret-of-32-bytes-length", user_id="alice")
    assert refused(token) is ErrorCode.TOKEN_BAD_SIGNATURE


def test_forged_claims_break_the_signature() -> None:
    header, payload, signature = mint_token(app_id=1, secret=SECRET, user_id="mallory").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["user_id"] = "alice"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert refused(f"{header}.{forged}.{signature}") is ErrorCode.TOKEN_BAD_SIGNATURE


def test_none_algorithm_is_refused() -> None:
    unsigned = jwt.encode(
        {"iss": "huddle", "app_id": 1, "user_id": "alice", "iat": 0, "exp": 2**40},
        key=None,
        algorithm="none",
    )
    assert refused(unsigned) is ErrorCode.TOKEN_MALFORMED


def test_expired() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="alice", ttl=60, now=time.time() - 3600)
    assert refused(token) is ErrorCode.TOKEN_EXPIRED
    # Within the leeway it is still good.
    fresh = mint_token(app_id=1, secret=SECRET, user_id="alice", ttl=60)
    verify_token(fresh, **CHECK, now=time.time() + 60 + LEEWAY_SECONDS - 1)


def test_not_yet_valid() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="alice", now=time.time() + 3600)
    assert refused(token) is ErrorCode.TOKEN_NOT_YET_VALID


def test_wrong_app_id() -> None:
    token = mint_token(app_id=2, secret=SECRET, user_id="alice")
    assert refused(token) is ErrorCode.TOKEN_APP_ID_MISMATCH


def test_user_id_mismatch() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="bob")
    assert refused(token) is ErrorCode.TOKEN_USER_ID_MISMATCH


def test_room_mismatch() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="alice", room_id="r2")
    assert refused(token) is ErrorCode.TOKEN_ROOM_MISMATCH


def test_no_login_privilege() -> None:
    token = mint_token(app_id=1, secret=SECRET, user_id="alice", can_login=False)
    assert refused(token) is ErrorCode.TOKEN_NO_LOGIN_PRIVILEGE


def test_missing_privileges_are_not_granted() -> None:
    now = int(time.time())
    bare = jwt.encode(
        {"iss": "huddle", "app_id": 1, "user_id": "alice", "iat": now, "exp": now + 60},
        SECRET,
        algorithm="HS256",
    )
    assert refused(bare) is ErrorCode.TOKEN_NO_LOGIN_PRIVILEGE


@pytest.mark.parametrize(
    "claims",
    [
        {"app_id": "1", "user_id": "alice"},
        {"app_id": True, "user_id": "alice"},
        {"app_id": 1, "user_id": ["alice"]},
        {"app_id": 1, "user_id": "alice", "privileges": {"login": "yes"}},
        {"app_id": 1, "user_id": "alice", "room_id": 5},
    ],
)
def test_claims_of_the_wrong_type_are_malformed(claims: dict) -> None:
    now = int(time.time())
    token = jwt.encode(
        {"iss": "huddle", "iat": now, "exp": now + 60, **claims}, SECRET, algorithm="HS256"
    )
    assert refused(token) is ErrorCode.TOKEN_MALFORMED


def test_missing_expiry_is_malformed() -> None:
    token = jwt.encode(
        {"iss": "huddle", "app_id": 1, "user_id": "alice", "iat": 0}, SECRET, algorithm="HS256"
    )
    assert refused(token) is ErrorCode.TOKEN_MALFORMED
