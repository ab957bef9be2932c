"""``python -m app.protocol``: print the error-code table that is docs/errors.md."""

import sys

from .errors import markdown_table

sys.stdout.write(markdown_table())
