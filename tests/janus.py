"""A real Janus (Debian's ``janus``, VideoRoom plugin) for tests and benchmarks.

Janus is started in a temporary directory with a generated configuration that loads only the
WebSocket transport (bound to 127.0.0.1 on a free port) and the VideoRoom plugin, protected by an
API secret and a non-default admin secret. Janus (libnice) skips loopback interfaces when it
gathers ICE candidates, so each instance gets an interface of its own carrying one 127.x.y.z
address, named after the process so that two runs at once never collide, and removed when Janus
stops. Every packet stays on this machine.

The interface is one end of a ``veth`` pair, not an ``ifb``: libnice sends from the interface
its candidate was gathered on (the packets leave through that device), and an ``ifb`` drops
whatever it is asked to transmit. A veth pair hands them to its other end, where, with
``route_localnet`` and ``accept_local`` set on the two ends only, they are delivered locally like
any loopback packet; replies to 127.x.y.z are local deliveries.

Creating the interface needs root (CAP_NET_ADMIN); ``bash tests/run`` runs as root.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

JANUS = shutil.which("janus") or "/usr/bin/janus"
LIB = Path("/usr/lib/x86_64-linux-gnu/janus")
_counter = itertools.count(1)


def janus_missing() -> str | None:
    """Why Janus cannot run here, or None when it can."""
    if not Path(JANUS).exists():
        return "janus is not installed (apt-get install janus)"
    if not (_lib_dir() / "plugins" / "libjanus_videoroom.so").exists():
        return f"Janus's VideoRoom plugin is not in {_lib_dir()}"
    return None


def _lib_dir() -> Path:
    for candidate in (LIB, *Path("/usr/lib").glob("*/janus")):
        if (candidate / "plugins").is_dir():
            return candidate
    return LIB


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=10)


def remove_stale_interfaces() -> None:
    """Remove ``jlo<pid>...`` interfaces left by runs that were killed before their teardown."""
    listing = _ip("-o", "link", "show", "type", "veth", check=False).stdout
    for name in re.findall(r"^\d+: (jlo(\d+)n\d+)[:@]", listing, re.MULTILINE):
        iface, pid = name
        if not Path(f"/proc/{pid}").exists():
            _ip("link", "del", iface, check=False)


class JanusProcess:
    """One Janus process; ``start()`` returns once its WebSocket API answers.

    ``url`` is the ``ws://127.0.0.1:PORT`` URL for ``huddle-server --janus``; ``api_secret`` its
    ``--janus-secret``.
    """

    def __init__(self, *, api_secret: str | None = None, debug_level: int | None = None) -> None:
        n = next(_counter)
        pid = os.getpid()
        self.iface = f"jlo{pid % 10_000_000}n{n}"[:15]
        self.peer_iface = "jlp" + self.iface[3:]
        # One address per instance: 127.<pid bits>.<n>.  (never 127.0.0.1, which libnice skips)
        self.address = f"127.{1 + pid % 200}.{(pid // 200) % 250 + 1}.{1 + n % 250}"
        self.port = free_port()
        self.api_secret = api_secret or secrets.token_hex(16)
        self.admin_secret = secrets.token_hex(16)
        # HUDDLE_JANUS_DEBUG=7 (and HUDDLE_JANUS_NICE=1 for libnice) when chasing a problem.
        self.debug_level = debug_level or int(os.environ.get("HUDDLE_JANUS_DEBUG", "3"))
        self.url = f"ws://127.0.0.1:{self.port}"
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._iface_made = False

    # ------------------------------------------------------------ configuration

    def _write_config(self, root: Path) -> None:
        lib = _lib_dir()
        for kind, names in {
            "plugins": ["libjanus_videoroom.so"],
            "transports": ["libjanus_websockets.so"],
            "events": [],
            "loggers": [],
        }.items():
            folder = root / kind
            folder.mkdir()
            for name in names:
                (folder / name).symlink_to(lib / kind / name)
        (root / "janus.jcfg").write_text(
            f"""general: {{
    configs_folder = "{root}"
    plugins_folder = "{root}/plugins"
    transports_folder = "{root}/transports"
    events_folder = "{root}/events"
    loggers_folder = "{root}/loggers"
    debug_level = {self.debug_level}
    server_name = "huddle-test"
    api_secret = "{self.api_secret}"
    admin_secret = "{self.admin_secret}"
    session_timeout = 60
    protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys",
                         "/usr", "/var"]
}}
certificates: {{
}}
media: {{
}}
nat: {{
    nice_debug = {"true" if os.environ.get("HUDDLE_JANUS_NICE") else "false"}
    ignore_mdns = true
    ice_enforce_list = "{self.iface}"
}}
plugins: {{
}}
transports: {{
}}
loggers: {{
}}
events: {{
}}
"""
        )
        (root / "janus.transport.websockets.jcfg").write_text(
            f"""general: {{
    json = "compact"
    ws = true
    ws_port = {self.port}
    ws_ip = "127.0.0.1"
    wss = false
}}
admin: {{
    admin_ws = false
    admin_wss = false
}}
"""
        )
        (root / "janus.plugin.videoroom.jcfg").write_text(
            f"""general: {{
    admin_key = "{self.api_secret}"
    lock_rtp_forward = true
}}
"""
        )

    # ------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 30.0) -> None:
        reason = janus_missing()
        if reason:
            raise RuntimeError(reason)
        remove_stale_interfaces()
        self._dir = Path(tempfile.mkdtemp(prefix="huddle-janus-"))
        self._write_config(self._dir)
        try:
            _ip("link", "add", self.iface, "type", "veth", "peer", "name", self.peer_iface)
            self._iface_made = True
            _ip("addr", "add", f"{self.address}/8", "dev", self.iface)
            for iface in (self.iface, self.peer_iface):
                for key in ("route_localnet", "accept_local"):
                    Path(f"/proc/sys/net/ipv4/conf/{iface}/{key}").write_text("1")
                _ip("link", "set", iface, "up")
        except (subprocess.CalledProcessError, OSError) as exc:
            self.stop()
            detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) else exc
            raise RuntimeError(
                f"could not create the interface {self.iface} for Janus's ICE address "
                f"({detail}); the Janus tests need root (CAP_NET_ADMIN)"
            ) from None
        log = open(self._dir / "janus.log", "wb")
        self._proc = subprocess.Popen(
            [JANUS, "-F", str(self._dir), "-C", str(self._dir / "janus.jcfg"), "-o"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self._dir,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                text = self.log_tail()
                self.stop()
                raise RuntimeError(f"janus exited at start:\n{text}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.1)
        text = self.log_tail()
        self.stop()
        raise RuntimeError(f"janus did not open its WebSocket port in {timeout:g} s:\n{text}")

    def log_tail(self, size: int = 4000) -> str:
        if self._dir is None:
            return ""
        path = self._dir / "janus.log"
        if not path.exists():
            return ""
        return path.read_bytes()[-size:].decode(errors="replace")

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def kill(self) -> None:
        """Stop Janus abruptly (SIGKILL), as a crash would; ``stop()`` still cleans up."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(10)

    def stop(self) -> None:
        """Stop Janus, remove its interface and its directory. Safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if self._iface_made:
            _ip("link", "del", self.iface, check=False)
            self._iface_made = False
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> JanusProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
