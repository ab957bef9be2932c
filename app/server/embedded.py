"""The room service a desktop install runs for itself ("this computer").

Its secret is made once per install and kept in the user's config directory (mode 0600), so
every ``huddle`` started by that user on this machine signs tokens the same service accepts:
the first one starts the service on 127.0.0.1, the next ones join it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs

from app import APP_ID_NAME

LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 8765
LOCAL_APP_ID = 1


def config_dir() -> Path:
    return Path(os.environ.get("HUDDLE_CONFIG_DIR") or platformdirs.user_config_path(APP_ID_NAME))


def secret_path() -> Path:
    return config_dir() / "secret"


def load_or_create_secret(path: Path | None = None) -> bytes:
    """This install's secret, created (32 random bytes, hex, mode 0600) on first use."""
    path = path or secret_path()
    try:
        data = path.read_bytes().strip()
        if data:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another huddle made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(secret + b"\n")
    return secret
