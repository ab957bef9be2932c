"""The bundle's entry point: one executable, run as huddle, huddle-server, huddle-token or
huddle-bot (the .deb links each name to it)."""

import sys
from pathlib import Path

from app.cli import bot, huddle, server, token

COMMANDS = {
    "huddle-server": server.main,
    "huddle-token": token.main,
    "huddle-bot": bot.main,
}


def main() -> int:
    return COMMANDS.get(Path(sys.argv[0]).name, huddle.main)()


if __name__ == "__main__":
    sys.exit(main())
