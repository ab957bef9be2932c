"""Login tokens: HS256 JWTs minted from the app ID and a server secret.

A token binds a user ID, optionally a room ID, the privileges to log in and to publish, an
issue time, an expiry and a unique ID (``jti``). Tokens are stateless, so any service node
holding the secret can check any token. The service trusts nothing a token does not carry: no
``room_id`` claim means any room, but a missing privilege means no privilege. A service can
cap how long a token may live (24 h by default) and accept each token once (:class:`UsedTokens`).
"""

from __future__ import annotations

import contextlib
import heapq
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
MAX_LIFETIME_SECONDS = 24 * 3600
"""The longest a token may live (expiry minus issue time) unless the service says otherwise."""
MIN_SECRET_BYTES = 32
HOW_TO_MAKE_A_SECRET = "make one with: openssl rand -hex 32"


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
    jti: str = field(default="", repr=False)
    """The token's unique ID ("" for a token minted without one)."""


class TokenError(ProtocolError):
    """A token was refused; ``code`` names the reason."""


def check_secret(secret: bytes) -> bytes:
    """The secret, if strong enough to sign tokens; else ValueError with a sentence saying how
    to make one. A short HMAC secret can be guessed offline from any one token."""
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the server secret is {len(secret)} bytes; it must be at least {MIN_SECRET_BYTES} "
            f"random bytes: {HOW_TO_MAKE_A_SECRET}"
        )
    return secret


class UsedTokens:
    """The IDs of tokens already used to log in, each kept until its token expires.

    For single-use tokens: a token seen before is refused. Memory is bounded by the tokens
    alive at once (a token that expired cannot log in anyway, so its ID is forgotten).
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._seen)

    def use(self, jti: str, forget_after: float, now: float) -> bool:
        """Record ``jti``; False if it was already used (and not yet forgotten)."""
        while self._expiry and self._expiry[0][0] < now:
            _, old = heapq.heappop(self._expiry)
            self._seen.pop(old, None)
        if jti in self._seen:
            return False
        self._seen[jti] = forget_after
        heapq.heappush(self._expiry, (forget_after, jti))
        return True


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
        "jti": secrets.token_urlsafe(16),
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
    max_lifetime: float | None = MAX_LIFETIME_SECONDS,
) -> Claims:
    """Check a login token against the login it arrived with; raises :class:`TokenError`.

    ``max_lifetime``: refuse a token whose expiry is further than this from its issue time
    (None: any lifetime)."""
    claims = _decode(token, secret, now)
    if max_lifetime is not None and claims.expires_at - claims.issued_at > max_lifetime:
        raise TokenError(
            ErrorCode.TOKEN_LIFETIME_TOO_LONG,
            f"The token lives {_duration(claims.expires_at - claims.issued_at)}; this service "
            f"accepts at most {_duration(max_lifetime)}.",
        )
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


def _duration(seconds: float) -> str:
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:g} hours"
    return f"{seconds:g} s"


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
    # PyJWT warns on every call with a secret shorter than 32 bytes. The service refuses such a
    # secret at start (``check_secret``); a client minting with one only makes tokens the
    # service refuses, which is the error it should see.
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
    iat, exp, jti = payload.get("iat"), payload.get("exp"), payload.get("jti", "")
    if (
        not isinstance(app_id, int)
        or isinstance(app_id, bool)
        or not isinstance(user_id, str)
        or not (room_id is None or isinstance(room_id, str))
        or not isinstance(privileges, dict)
        or not all(isinstance(v, bool) for v in privileges.values())
        or not isinstance(iat, int | float)
        or not isinstance(exp, int | float)
        or not isinstance(jti, str)
        or len(jti) > 256
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
        jti=jti,
    )
