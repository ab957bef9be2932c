"""Where the commands read the server secret from: a file, the environment, or an argument."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

SECRET_ENV = "HUDDLE_SECRET"
SECRET_ARG_HELP = (
    "the server secret (prefer --secret-file or HUDDLE_SECRET: arguments are visible to other "
    "users of this machine)"
)


def secret_arg_warning(prog: str) -> str:
    """What a command prints when given the secret on its command line."""
    return (
        f"{prog}: warning: --secret puts the secret where other users of this machine can read "
        f"it (ps, /proc); prefer --secret-file PATH or {SECRET_ENV}"
    )


class SecretError(Exception):
    pass


def read_secret(
    arg: str | None, path: str | None, environ: Mapping[str, str], *, required: bool = True
) -> bytes | None:
    """The secret from ``--secret``, else ``--secret-file``, else ``$HUDDLE_SECRET``."""
    if arg:
        return arg.encode()
    if path:
        try:
            data = Path(path).read_bytes().strip()
        except OSError as exc:
            raise SecretError(f"cannot read the secret file {path!r}: {exc.strerror}") from None
        if not data:
            raise SecretError(f"the secret file {path!r} is empty")
        return data
    if environ.get(SECRET_ENV):
        return environ[SECRET_ENV].encode()
    if required:
        raise SecretError(f"no secret given: use --secret-file PATH or set {SECRET_ENV}")
    return None
