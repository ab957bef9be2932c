"""``python -m app.protocol``: print the error-code table that is docs/errors.md.

``python -m app.protocol --js`` prints the same table as the browser SDK's block, and
``python -m app.protocol --js --write web/sdk/huddle-express.js`` puts it in that file between
its ``BEGIN GENERATED ERROR CODES`` and ``END GENERATED ERROR CODES`` lines.
"""

import argparse
import sys
from pathlib import Path

from .errors import js_block, markdown_table, replace_js_block

parser = argparse.ArgumentParser(prog="python -m app.protocol")
parser.add_argument("--js", action="store_true", help="the browser SDK's error table")
parser.add_argument("--write", metavar="FILE", help="with --js: replace the block in FILE")
args = parser.parse_args()
if not args.js:
    sys.stdout.write(markdown_table())
elif args.write:
    path = Path(args.write)
    path.write_text(replace_js_block(path.read_text(encoding="utf-8")), encoding="utf-8")
else:
    sys.stdout.write(js_block())
