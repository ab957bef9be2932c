"""``python -m app`` is ``huddle``."""

import sys

from app.cli.huddle import main

sys.exit(main())
