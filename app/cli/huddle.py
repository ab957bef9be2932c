"""``huddle``: the desktop app (``python -m app`` too).

With no arguments it opens the join dialog. ``--room`` and ``--name`` fill it in, and
``--join`` joins at once (handy for scripts and a second window on the same machine). A
``huddle://join?room=...&server=...`` link (the desktop entry's URL handler passes one) fills in
the room and the server.
"""

from __future__ import annotations

import argparse
import sys

from app import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="huddle", description="Huddle: self-hosted video calls.")
    parser.add_argument("link", nargs="?", help="a huddle://join?room=...&server=... link to open")
    parser.add_argument("--room", help="room ID to fill in")
    parser.add_argument("--name", help="your display name")
    parser.add_argument("--server", help="a room service URL (default: this computer)")
    parser.add_argument("--app-id", type=int, default=1, help="the remote server's app ID")
    parser.add_argument("--token", help="a login token for --server")
    parser.add_argument("--join", action="store_true", help="join at once with what is given")
    parser.add_argument(
        "--mic-off", action="store_true", help="with --join: join with the microphone muted"
    )
    parser.add_argument(
        "--camera-off", action="store_true", help="with --join: join with the camera off"
    )
    parser.add_argument("--language", choices=["en", "zh_CN"], help="use this language from now on")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this machine can make a call (no window), exit 0 on pass",
    )
    parser.add_argument("--json", action="store_true", help="with --self-test: a JSON report")
    parser.add_argument("--version", action="version", version=f"huddle {__version__}")
    return parser


def self_test(as_json: bool) -> int:
    import asyncio
    import json
    import logging

    from app.selftest import run_self_test, summary

    logging.basicConfig(level=logging.ERROR)
    report = asyncio.run(run_self_test())
    print(json.dumps(report.to_dict(), indent=2) if as_json else summary(report))
    return 0 if report.passed else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        return self_test(args.json)
    # Qt is imported only here, so --help, --version and --self-test need no display or Qt.
    from app.ui.app import run
    from app.ui.call import JoinRequest

    if args.link:
        from app.ui.links import LinkError, parse_join_link

        try:
            link = parse_join_link(args.link)
        except LinkError as exc:
            print(f"huddle: error {int(exc.code)}: {exc}", file=sys.stderr)
            return 2
        args.room = args.room or link.room_id
        args.server = args.server or link.server or None
    if args.join and not (args.room and args.name):
        print("huddle: --join needs --room and --name", file=sys.stderr)
        return 2
    request = None
    if args.room or args.name or args.server:
        request = JoinRequest(
            room_id=args.room or "",
            user_name=args.name or "",
            mode="remote" if args.server else "local",
            url=args.server or "",
            app_id=args.app_id,
            token=args.token or "",
            # --join says how to join: unmuted unless told, never a remembered "muted".
            mic_muted=args.mic_off,
            camera_off=args.camera_off,
        )
    return run(sys.argv[:1], language=args.language, prefill=request, join_now=args.join)


if __name__ == "__main__":
    sys.exit(main())
