"""Login tokens: HS256 JWTs minted from the app ID and a server secret.

A token binds a user ID, optionally a room ID, the privileges to log in and to publish, an
issue time, an expiry and a nonce. Tokens are stateless, so any service node holding the
secret can check any token. The service trusts nothing a token does not carry: no ``room_id``
claim means any room, but a missing privilege means no privilege.
"""

from __future__ import annotations

import contextlib
import secrets
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import jwt

from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError, check_room_id, check_user_id

ISSUER = "huddle"
LEEWAY_SECONDS = 30
"""Clock skew tolerated between the minting machine and the service."""
DEFAULT_TTL_SECONDS = 24 * 3600
RECOMMENDED_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class Privileges:
    login: bool = True
    publish: bool = True


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified token says."""

    app_id: int
    user_id: str
    room_id: str | None
    privileges: Privileges
    issued_at: int
    expires_at: int
    nonce: str = field(repr=False)


class TokenError(ProtocolError):
    """A token was refused; ``code`` names the reason."""


def secret_warning(secret: bytes) -> str | None:
    """A sentence to log when the secret is weaker than recommended, else None."""
    if len(secret) < RECOMMENDED_SECRET_BYTES:
        return (
            f"the server secret is {len(secret)} bytes; "
            f"{RECOMMENDED_SECRET_BYTES} or more are recommended for HS256"
        )
    return None


def mint_token(
    *,
    app_id: int,
    secret: bytes | str,
    user_id: str,
    room_id: str | None = None,
    ttl: float = DEFAULT_TTL_SECONDS,
    can_login: bool = True,
    can_publish: bool = True,
    now: float | None = None,
) -> str:
    """Sign a token for ``user_id`` (and only ``room_id``, when given)."""
    check_user_id(user_id)
    if room_id is not None:
        check_room_id(room_id)
    if ttl <= 0:
        raise ValueError(f"ttl must be positive, got {ttl}")
    issued = int(time.time() if now is None else now)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "app_id": int(app_id),
        "user_id": user_id,
        "privileges": {"login": can_login, "publish": can_publish},
        "iat": issued,
        "exp": issued + int(ttl),
        "nonce": secrets.token_hex(8),
    }
    if room_id is not None:
        claims["room_id"] = room_id
    with _short_keys_allowed():
        return jwt.encode(claims, _key(secret), algorithm="HS256")


def verify_token(
    token: str,
    *,
    secret: bytes | str,
    app_id: int,
    user_id: str,
    room_id: str,
    now: float | None = None,
) -> Claims:
    """Check a login token against the login it arrived with; raises :class:`TokenError`."""
    claims = _decode(token, secret, now)
    if claims.app_id != app_id:
        raise TokenError(
            ErrorCode.TOKEN_APP_ID_MISMATCH,
            f"The token was issued for app ID {claims.app_id}, not {app_id}.",
        )
    if claims.user_id != user_id:
        raise TokenError(
            ErrorCode.TOKEN_USER_ID_MISMATCH,
            f"The token was issued for user ID {claims.user_id!r}, not {user_id!r}.",
        )
    if claims.room_id is not None and claims.room_id != room_id:
        raise TokenError(
            ErrorCode.TOKEN_ROOM_MISMATCH,
            f"The token was issued for room {claims.room_id!r}, not {room_id!r}.",
        )
    if not claims.privileges.login:
        raise TokenError(ErrorCode.TOKEN_NO_LOGIN_PRIVILEGE)
    return claims


def token_user_id(token: str) -> str | None:
    """The user ID a token claims, read without checking it (the service does that); None
    when it cannot be read. For clients that are given a token and need to know who they are."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    user_id = claims.get("user_id")
    return user_id if isinstance(user_id, str) else None


@contextlib.contextmanager
def _short_keys_allowed() -> Iterator[None]:
    # Secrets shorter than 32 bytes work but PyJWT warns on every call; the service logs one
    # warning of its own at start-up instead (see ``secret_warning``).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        yield


def _key(secret: bytes | str) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the server secret must not be empty")
    return key


def _decode(token: str, secret: bytes | str, now: float | None) -> Claims:
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise TokenError(ErrorCode.TOKEN_MALFORMED)
    try:
        with _short_keys_allowed():
            payload = jwt.decode(
                token,
                _key(secret),
                algorithms=["HS256"],
                issuer=ISSUER,
                leeway=LEEWAY_SECONDS,
                # Expiry and issue time are checked below against ``now`` so tests can move time.
                options={"require": ["exp", "iat"], "verify_exp": False, "verify_iat": False},
            )
    except jwt.InvalidSignatureError:
        raise TokenError(ErrorCode.TOKEN_BAD_SIGNATURE) from None
    except jwt.InvalidTokenError as exc:
        raise TokenError(
            ErrorCode.TOKEN_MALFORMED, f"{ErrorCode.TOKEN_MALFORMED.message} ({exc})"
        ) from None
    claims = _claims(payload)
    current = time.time() if now is None else now
    if current > claims.expires_at + LEEWAY_SECONDS:
        raise TokenError(
            ErrorCode.TOKEN_EXPIRED,
            f"The token expired {int(current - claims.expires_at)} s ago.",
        )
    if claims.issued_at > current + LEEWAY_SECONDS:
        raise TokenError(ErrorCode.TOKEN_NOT_YET_VALID)
    return claims


def _claims(payload: dict[str, object]) -> Claims:
    """Build Claims from a signature-checked payload, refusing any claim of the wrong kind."""
    app_id = payload.get("app_id")
    user_id = payload.get("user_id")
    room_id = payload.get("room_id")
    privileges = payload.get("privileges", {})
    iat, exp, nonce = payload.get("iat"), payload.get("exp"), payload.get("nonce", "")
    if (
        not isinstance(app_id, int)
        or isinstance(app_id, bool)
        or not isinstance(user_id, str)
        or not (room_id is None or isinstance(room_id, str))
        or not isinstance(privileges, dict)
        or not all(isinstance(v, bool) for v in privileges.values())
        or not isinstance(iat, int | float)
        or not isinstance(exp, int | float)
        or not isinstance(nonce, str)
    ):
        raise TokenError(
            ErrorCode.TOKEN_MALFORMED,
            f"{ErrorCode.TOKEN_MALFORMED.message} A claim has the wrong type.",
        )
    return Claims(
        app_id=app_id,
        user_id=user_id,
        room_id=room_id,
        # A privilege the token does not name is not granted.
        privileges=Privileges(
            login=privileges.get("login", False), publish=privileges.get("publish", False)
        ),
        issued_at=int(iat),
        expires_at=int(exp),
        nonce=nonce,
    )
