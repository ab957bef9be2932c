"""The challenge a room service answers to prove it holds a secret, before a client trusts it.

The desktop app runs (or joins) "this computer"'s room service on a fixed port of 127.0.0.1,
where any local program could listen first. Before it sends a token, SDP or chat there, the
client sends a fresh random nonce to ``GET /proof?nonce=…``; only a service started with this
user's secret can answer ``HMAC(key, nonce | port)``, where ``key`` is derived from the secret
(so the answer is never a token signature) and ``port`` is the one the client connected to (so
a squatter cannot relay the challenge to a genuine service on another port).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets

import aiohttp

PROOF_PATH = "/proof"
_KEY_LABEL = b"huddle room service proof v1"
_NONCE_RE = re.compile(r"[0-9a-f]{32,128}")


def valid_nonce(nonce: str) -> bool:
    return bool(_NONCE_RE.fullmatch(nonce))


def make_nonce() -> str:
    return secrets.token_hex(32)


def answer(secret: bytes, nonce: str, port: int) -> str:
    """What a service holding ``secret`` answers to ``nonce`` on ``port``."""
    key = hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, f"{nonce}|{port}".encode(), hashlib.sha256).hexdigest()


async def service_proves(
    http: aiohttp.ClientSession, base_url: str, port: int, secret: bytes, timeout: float = 5.0
) -> bool:
    """Does the service at ``base_url`` (``http://host:port``) answer a fresh challenge as only
    a holder of ``secret`` can? Any failure (no answer, a wrong one, an error) is False."""
    nonce = make_nonce()
    try:
        async with (
            asyncio.timeout(timeout),
            http.get(f"{base_url}{PROOF_PATH}", params={"nonce": nonce}) as response,
        ):
            if response.status != 200:
                return False
            body = await response.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError):
        return False
    got = body.get("proof") if isinstance(body, dict) else None
    return isinstance(got, str) and hmac.compare_digest(got, answer(secret, nonce, port))
