"""The SDK file itself: its error table matches Python's, it stays small, the seed fixture is
the seed's page. No browser needed."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
import rjsmin

from app.protocol.errors import ErrorCode, js_block, replace_js_block
from app.server.pages import web_root

SDK = web_root() / "sdk" / "huddle-express.js"
FIXTURE = Path(__file__).with_name("seed_index.html")
MAX_MINIFIED = 60 * 1024


def test_the_error_table_is_generated_from_error_code() -> None:
    source = SDK.read_text(encoding="utf-8")
    assert replace_js_block(source) == source, (
        "run: python -m app.protocol --js --write web/sdk/huddle-express.js"
    )
    block = js_block()
    for code in ErrorCode:
        assert f'[{int(code)}, "{code.name}",' in block


def minified(source: str) -> bytes:
    return rjsmin.jsmin(source).encode()


def test_the_sdk_is_small_and_has_no_dependencies() -> None:
    source = SDK.read_text(encoding="utf-8")
    small = minified(source)
    assert len(small) <= MAX_MINIFIED, f"{len(small)} bytes minified"
    assert len(gzip.compress(small)) < len(small)
    # Plain script: no imports, no require, no fetches of other code.
    assert not re.search(r"^\s*import\s|require\(|importScripts\(", source, re.M)


def _seed_html() -> str | None:
    for parent in Path(__file__).resolve().parents:
        guides = sorted((parent / "shared" / "seeds").glob("*.txt"))
        for guide in guides:
            found = re.search(r"```html\n(.*?)```", guide.read_text(encoding="utf-8"), re.S)
            if found and "ZegoExpressEngine" in found.group(1):
                return found.group(1)
    return None


def test_the_fixture_is_the_seed_page_but_for_the_script_source() -> None:
    original = _seed_html()
    if original is None:
        pytest.skip("the seed guide (shared/seeds) is not beside this checkout")
    ours = FIXTURE.read_text(encoding="utf-8").splitlines()
    theirs = original.splitlines()
    assert len(ours) == len(theirs)
    changed = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    assert changed == [
        (
            '    <script src="/sdk/huddle-express.js"></script>',
            '    <script src="ZegoExpressWebRTC-x.x.x.js"></script>',
        )
    ]
