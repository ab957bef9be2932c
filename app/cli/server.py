"""``huddle-server``: run the room service.

Prints ``listening on ws://HOST:PORT/ws`` (``wss://`` with ``--tls-cert``) on stdout once it
accepts connections; SIGINT or SIGTERM closes every socket with GOING_AWAY and exits 0. Logs
go to stderr. Limits and their defaults: ``docs/security.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import signal
import ssl
import sys

import msgspec

from app import __version__
from app.protocol.messages import IceServer
from app.server.guard import GuardConfig
from app.server.janus import JanusRouter
from app.server.rooms import ServiceConfig
from app.server.web import RoomServer

from ._logging import setup_logging
from ._secret import SECRET_ENV, SecretError, read_secret

log = logging.getLogger("huddle.server")

JANUS_SECRET_ENV = "HUDDLE_JANUS_SECRET"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huddle-server", description="Run the Huddle room service."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on (default 8765; 0 picks a free one)",
    )
    parser.add_argument("--app-id", type=int, default=1, help="the app ID served (default 1)")
    parser.add_argument(
        "--secret-file", help=f"file holding the token secret (else ${SECRET_ENV} is read)"
    )
    parser.add_argument(
        "--heartbeat-timeout",
        type=float,
        default=30.0,
        help="seconds of silence before a session is dropped (default 30)",
    )
    parser.add_argument(
        "--resume-grace",
        type=float,
        default=15.0,
        help="seconds a session whose connection dropped keeps its streams and play sessions "
        "for the client to resume before the others see it leave (default 15; 0: at once)",
    )
    parser.add_argument(
        "--ice-servers",
        help='JSON list handed to clients, e.g. [{"urls":["turn:host:3478"],"username":"u",'
        '"credential":"p"}] (default: none)',
    )
    limits = parser.add_argument_group("security limits (docs/security.md)")
    defaults = GuardConfig()
    limits.add_argument(
        "--tls-cert", help="PEM certificate chain: serve wss:// and https:// (with --tls-key)"
    )
    limits.add_argument("--tls-key", help="PEM private key of --tls-cert")
    limits.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also let web pages from ORIGIN (https://host[:port]) open /ws; repeatable. "
        "The service's own origin is always allowed; clients sending no Origin are not "
        "browsers and are allowed",
    )
    limits.add_argument(
        "--max-connections",
        type=int,
        default=defaults.max_connections,
        help=f"TCP connections at once (default {defaults.max_connections}, "
        "and at most the open-file limit allows)",
    )
    limits.add_argument(
        "--max-connections-per-ip",
        type=int,
        default=defaults.max_connections_per_ip,
        help=f"TCP connections at once from one address (default "
        f"{defaults.max_connections_per_ip}; 0: no cap)",
    )
    limits.add_argument(
        "--handshake-timeout",
        type=float,
        default=defaults.handshake_timeout,
        help=f"seconds to send a request head or finish TLS (default "
        f"{defaults.handshake_timeout:g})",
    )
    limits.add_argument(
        "--login-timeout",
        type=float,
        default=10.0,
        help="seconds a socket may stay without logging in to a room (default 10)",
    )
    limits.add_argument(
        "--max-send-buffer",
        type=int,
        default=defaults.max_outbox_bytes,
        metavar="BYTES",
        help=f"bytes waiting for one slow client before it is closed (default "
        f"{defaults.max_outbox_bytes})",
    )
    limits.add_argument(
        "--max-token-lifetime",
        type=float,
        default=24.0,
        metavar="HOURS",
        help="refuse tokens living longer than this (default 24; 0: any lifetime)",
    )
    limits.add_argument(
        "--single-use-tokens",
        action="store_true",
        help="accept each token for one login only (clients need a fresh token to log back in)",
    )
    parser.add_argument(
        "--dev-tokens",
        action="store_true",
        help="let the web page at / mint tokens for any user (development only; off by default)",
    )
    parser.add_argument(
        "--janus",
        action="append",
        metavar="URL",
        default=[],
        help="a Janus WebSocket API URL (ws://127.0.0.1:8188); repeat for several nodes. Rooms "
        "then send their media through Janus (SFU), each on the least loaded node",
    )
    parser.add_argument(
        "--janus-secret",
        help="Janus's api_secret (visible to other users in the process list: prefer "
        f"--janus-secret-file or ${JANUS_SECRET_ENV})",
    )
    parser.add_argument(
        "--janus-secret-file",
        help=f"file holding Janus's api_secret (else ${JANUS_SECRET_ENV} is read)",
    )
    parser.add_argument(
        "--janus-admin-key-file",
        help="file holding the VideoRoom plugin's admin_key (default: the api_secret)",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    parser.add_argument("--log-format", default="json", choices=["json", "text"])
    parser.add_argument("--version", action="version", version=f"huddle-server {__version__}")
    return parser


async def serve(
    config: ServiceConfig,
    host: str,
    port: int,
    guard: GuardConfig | None = None,
    ssl_context: ssl.SSLContext | None = None,
    dev_tokens: bool = False,
    sfu: JanusRouter | None = None,
) -> None:
    server = RoomServer(
        config,
        host=host,
        port=port,
        guard=guard,
        ssl_context=ssl_context,
        dev_tokens="on" if dev_tokens else "off",
        sfu=sfu,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    if sfu is not None:
        for node in sfu.nodes:
            if not node.up:
                log.warning("janus %s is not reachable yet: %s", node.url, node.last_error)
    # Only now: whoever reads this line may signal at once.
    print(f"listening on {server.url}", flush=True)
    if dev_tokens:
        print(f"web page (dev tokens ON) at {server.http_url}/", flush=True)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await server.stop()


def tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """The server's TLS context from a PEM certificate chain and key, or None without them."""
    if not cert and not key:
        return None
    if not cert or not key:
        raise ValueError("--tls-cert and --tls-key go together")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"cannot load the TLS certificate {cert!r} and key {key!r}: {exc}") from (
            None
        )
    return context


def raise_open_file_limit() -> int:
    """Let this process hold as many sockets as the system allows (one per client)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def _read_file(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def janus_router(args: argparse.Namespace) -> JanusRouter | None:
    """The SFU router for ``--janus`` URLs, or None (peer to peer only)."""
    if not args.janus:
        return None
    for url in args.janus:
        if not url.startswith(("ws://", "wss://")):
            raise ValueError(f"--janus wants a ws:// or wss:// URL, got {url!r}")
    if args.janus_secret:
        api_secret = args.janus_secret
    elif args.janus_secret_file:
        api_secret = _read_file(args.janus_secret_file)
    else:
        api_secret = os.environ.get(JANUS_SECRET_ENV, "")
    if not api_secret:
        raise ValueError(
            "--janus needs Janus's api_secret: --janus-secret, --janus-secret-file or "
            f"${JANUS_SECRET_ENV}"
        )
    admin_key = _read_file(args.janus_admin_key_file) if args.janus_admin_key_file else None
    return JanusRouter(args.janus, api_secret=api_secret, admin_key=admin_key)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    raise_open_file_limit()
    try:
        secret = read_secret(None, args.secret_file, os.environ)
        assert secret is not None
        ice_servers = (
            msgspec.json.decode(args.ice_servers, type=list[IceServer]) if args.ice_servers else []
        )
        config = ServiceConfig(
            app_id=args.app_id,
            secret=secret,
            heartbeat_interval=min(10.0, args.heartbeat_timeout / 3),
            heartbeat_timeout=args.heartbeat_timeout,
            ice_servers=ice_servers,
            login_timeout=args.login_timeout,
            max_token_lifetime=args.max_token_lifetime * 3600 or None,
            single_use_tokens=args.single_use_tokens,
            resume_grace=args.resume_grace,
        )
        guard = GuardConfig(
            max_connections=args.max_connections,
            max_connections_per_ip=args.max_connections_per_ip,
            handshake_timeout=args.handshake_timeout,
            max_outbox_bytes=args.max_send_buffer,
            allow_origins=args.allow_origin,
        )
        ssl_context = tls_context(args.tls_cert, args.tls_key)
    except (SecretError, msgspec.ValidationError, msgspec.DecodeError, ValueError) as exc:
        print(f"huddle-server: {exc}", file=sys.stderr)
        return 2
    try:
        sfu = janus_router(args)
    except (OSError, ValueError) as exc:
        print(f"huddle-server: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(config, args.host, args.port, guard, ssl_context, args.dev_tokens, sfu))
    except OSError as exc:
        print(
            f"huddle-server: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
