"""``huddle-server --tls-cert/--tls-key``: wss:// and https://, with a certificate made here."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import ipaddress
import json
import ssl
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.engine import Engine, ErrorCode, RoomConfig, User
from app.server.tokens import mint_token
from tests.helpers import TEST_ENGINE_CONFIG
from tests.server import hostile
from tests.server.hostile import HOSTILE_SECRET

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]  # services: not in tests/run --fast


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "huddle test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture
async def tls_server(tmp_path: Path):
    cert, key = self_signed(tmp_path)
    proc, url = await hostile.start_cli_server("--tls-cert", str(cert), "--tls-key", str(key))
    yield url, cert
    await hostile.stop_process(proc)


def token(user: str) -> str:
    return mint_token(app_id=1, secret=HOSTILE_SECRET, user_id=user, room_id="r")


async def test_wss_and_https_with_the_ca_file(tls_server) -> None:
    url, cert = tls_server
    assert url.startswith("wss://127.0.0.1:")
    https = url.replace("wss://", "https://").removesuffix("/ws")
    context = ssl.create_default_context(cafile=str(cert))
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{https}/healthz", ssl=context) as response:
            assert (await response.json())["status"] == "ok"
        # Plain text to the TLS port gets nothing.
        with pytest.raises(aiohttp.ClientError):
            await http.get(https.replace("https://", "http://") + "/healthz")

    engine = Engine(1, url, dataclasses.replace(TEST_ENGINE_CONFIG, ca_file=str(cert)))
    try:
        assert await engine.login_room("r", token("alice"), User("alice"), RoomConfig())
    finally:
        await engine.destroy_engine()


async def test_an_unverified_certificate_is_refused_with_its_code(tls_server) -> None:
    url, _cert = tls_server
    engine = Engine(1, url, dataclasses.replace(TEST_ENGINE_CONFIG))
    states: list[tuple[str, int]] = []
    engine.on("roomStateChanged", lambda room, reason, code, ext: states.append((reason, code)))
    try:
        assert not await engine.login_room("r", token("alice"), User("alice"), RoomConfig())
    finally:
        await engine.destroy_engine()
    assert states[-1] == ("LOGIN_FAILED", ErrorCode.TLS_CERTIFICATE_INVALID)


async def test_huddle_bot_joins_over_wss_with_ca_file_and_warns_about_secret(tls_server) -> None:
    url, cert = tls_server
    proc = await asyncio.create_subprocess_exec(
        hostile.BIN / "huddle-bot",
        "--server",
        url,
        "--ca-file",
        str(cert),
        "--app-id",
        "1",
        "--room",
        "r",
        "--user",
        "bot",
        "--secret",
        HOSTILE_SECRET,
        "--duration",
        "0.5",
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    summary = json.loads(out.decode().strip().splitlines()[-1])["summary"]
    assert summary["login"] is True
    assert "huddle-bot: warning: --secret puts the secret where" in err.decode()


async def test_tls_options_go_together(tmp_path: Path) -> None:
    cert, _key = self_signed(tmp_path)
    with pytest.raises(RuntimeError, match="did not start"):
        await hostile.start_cli_server("--tls-cert", str(cert))
