"""``huddle``: the desktop app's entry point.

Until the desktop window lands (issue #4) it runs the embedded room service of "this computer"
in the foreground, with the per-install secret, so engines and bots on this machine can join.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from app import __version__
from app.server.embedded import (
    LOCAL_APP_ID,
    LOCAL_HOST,
    LOCAL_PORT,
    load_or_create_secret,
    secret_path,
)
from app.server.rooms import ServiceConfig

from ._logging import setup_logging
from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="huddle", description="Huddle: self-hosted video calls.")
    parser.add_argument("--port", type=int, default=LOCAL_PORT)
    parser.add_argument("--version", action="version", version=f"huddle {__version__}")
    args = parser.parse_args(argv)
    setup_logging("info", "text")
    config = ServiceConfig(app_id=LOCAL_APP_ID, secret=load_or_create_secret())
    print(f"room service for this computer; token secret in {secret_path()}", file=sys.stderr)
    try:
        asyncio.run(serve(config, LOCAL_HOST, args.port))
    except OSError as exc:
        print(f"huddle: cannot listen on {LOCAL_HOST}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
