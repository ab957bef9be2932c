"""The per-install secret of the embedded service."""

from __future__ import annotations

import stat
from pathlib import Path

from app.server.embedded import load_or_create_secret


def test_secret_is_made_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "config" / "secret"
    first = load_or_create_secret(path)
    assert len(first) == 64 and first.isalnum()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first
