"""``huddle-server``: run the room service.

Prints ``listening on ws://HOST:PORT/ws`` on stdout once it accepts connections; SIGINT or
SIGTERM closes every socket with GOING_AWAY and exits 0. Logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import signal
import sys

import msgspec

from app import __version__
from app.protocol.messages import IceServer
from app.server.rooms import ServiceConfig
from app.server.tokens import secret_warning
from app.server.web import RoomServer

from ._logging import setup_logging
from ._secret import SECRET_ENV, SecretError, read_secret

log = logging.getLogger("huddle.server")


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
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    parser.add_argument("--log-format", default="json", choices=["json", "text"])
    parser.add_argument("--version", action="version", version=f"huddle-server {__version__}")
    return parser


async def serve(config: ServiceConfig, host: str, port: int) -> None:
    server = RoomServer(config, host=host, port=port)
    await server.start()
    print(f"listening on {server.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await server.stop()


def raise_open_file_limit() -> int:
    """Let this process hold as many sockets as the system allows (one per client)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


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
            resume_grace=args.resume_grace,
        )
    except (SecretError, msgspec.ValidationError, msgspec.DecodeError, ValueError) as exc:
        print(f"huddle-server: {exc}", file=sys.stderr)
        return 2
    if warning := secret_warning(secret):
        log.warning(warning)
    try:
        asyncio.run(serve(config, args.host, args.port))
    except OSError as exc:
        print(
            f"huddle-server: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
