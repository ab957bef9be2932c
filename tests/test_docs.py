"""The documentation stays true to the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.protocol import messages as m
from app.protocol.errors import markdown_table

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_errors_md_is_generated_from_the_code() -> None:
    assert (DOCS / "errors.md").read_text() == markdown_table(), (
        "docs/errors.md is stale: run `python -m app.protocol > docs/errors.md`"
    )


def test_every_protocol_example_decodes() -> None:
    text = (DOCS / "protocol.md").read_text()
    examples = re.findall(r"^(→|←) (\{.*\})$", text, flags=re.MULTILINE)
    assert len(examples) >= 20
    seen_client, seen_server = set(), set()
    for direction, body in examples:
        json.loads(body)
        if direction == "→":
            seen_client.add(type(m.decode_client(body)))
        else:
            seen_server.add(type(m.decode_server(body)))
    assert seen_client == set(m.ClientMessage.__args__), "every request has an example"
    assert seen_server == set(m.ServerMessage.__args__), "every reply and event has an example"
