"""``huddle-token``: mint a login token; prints the token alone on stdout."""

from __future__ import annotations

import argparse
import os
import sys

from app.protocol.limits import ProtocolError
from app.server.tokens import DEFAULT_TTL_SECONDS, MAX_LIFETIME_SECONDS, mint_token

from ._secret import SECRET_ARG_HELP, SecretError, read_secret, secret_arg_warning


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huddle-token",
        description="Mint a Huddle login token (HS256 JWT) and print it on stdout.",
    )
    parser.add_argument("--app-id", type=int, required=True, help="the app ID the service serves")
    parser.add_argument("--secret", help=SECRET_ARG_HELP)
    parser.add_argument("--secret-file", help="read the server secret from this file")
    parser.add_argument("--user", required=True, help="the user ID the token is for")
    parser.add_argument("--room", help="limit the token to this room ID")
    parser.add_argument(
        "--ttl",
        type=float,
        default=DEFAULT_TTL_SECONDS,
        help="seconds until expiry (default 1 day, which is also the longest a service "
        "accepts unless started with a longer --max-token-lifetime)",
    )
    parser.add_argument("--no-publish", action="store_true", help="the user may not publish")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.secret:
        print(secret_arg_warning("huddle-token"), file=sys.stderr)
    if args.ttl > MAX_LIFETIME_SECONDS:
        print(
            f"huddle-token: warning: a service refuses tokens living longer than its "
            f"--max-token-lifetime ({MAX_LIFETIME_SECONDS // 3600} hours by default)",
            file=sys.stderr,
        )
    try:
        secret = read_secret(args.secret, args.secret_file, os.environ)
        token = mint_token(
            app_id=args.app_id,
            secret=secret,
            user_id=args.user,
            room_id=args.room,
            ttl=args.ttl,
            can_publish=not args.no_publish,
        )
    except (SecretError, ProtocolError, ValueError) as exc:
        print(f"huddle-token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
