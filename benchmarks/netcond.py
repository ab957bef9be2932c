"""Calls over a bad network: loss, delay and jitter, a signalling cut, a service restart.

    sudo .venv/bin/python benchmarks/netcond.py [--json] [--markdown] [--duration S]
        [--conditions clean loss10 loss20 delay50j10-loss10 sigcut restart] [--stacks huddle stock]

Runs as root: it makes two network namespaces of its own (``hnc<pid>a``, the publisher's side,
and ``hnc<pid>b``, the player's and the room service's) and removes them when it ends, however
it ends. No packet leaves them:

- The namespaces are joined by a **user-space relay** of this script (``_relay``): one TUN
  device in each (10.77.0.1/24 and 10.77.0.2/24), and a process that reads each IP packet from
  one and writes it into the other after the condition's delay: ``delay ± jitter`` drawn
  uniformly per packet, never before the packet ahead of it (a path that varies its delay,
  not one that reorders).
- **Random loss** is nftables in the player's namespace: ``meta l4proto udp numgen random mod
  100 < N drop`` on the TUN device, on the way in and on the way out, so each direction loses
  N % of its UDP (media, RTCP, ICE); the signalling (TCP) is not touched.
- The room service (``huddle-server``) listens on the player's loopback; both clients reach it
  through a **TCP proxy** of this script (``_proxy``), the publisher across the relay. The
  ``sigcut`` condition has the proxy drop every connection and refuse new ones for 1 s; the
  ``restart`` condition kills the service with SIGKILL and starts it again 1 s later on the
  same port (with no memory of the call). Both happen ``--event-at`` seconds into the window,
  on a clean path.

For each condition a publisher process (``benchmarks/_peer.py``: the engine, or bare aiortc as
shipped) sends the test pattern (640x480@30 VP8) and a tone; a player process decodes both.
From the player: fps shown (frames decoded per second), frames missing (by the counter stamped
in each frame), freezes (gaps between decoded frames) over 200 ms and 500 ms and the longest,
latency capture → decoded p50/p95 (stamped in the pixels), the first frame (from asking to
play, under the condition), audio gaps per minute (a jump in the received audio's timeline, or
the tone turning to silence, as decoded from the network: before Huddle's jitter buffer fills
the losses, which ``audio_path.py`` measures at a speaker) and, for Huddle, every
room/publisher/player state event. The window (``--warmup`` then ``--duration`` seconds)
starts at the player's first frame, so a set-up slowed by loss counts once, as the first
frame, and not again as a freeze.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import json
import os
import random
import secrets
import selectors
import signal
import struct
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import PYTHON, ROOT, finish, machine, parser, read_json, table

ADDRESS = {"a": "10.77.0.1", "b": "10.77.0.2"}
TUN_NAME = "hnc0"
PREFIX = 24

CONDITIONS: dict[str, dict[str, Any]] = {
    "clean": {"loss": 0, "delay": 0, "jitter": 0},
    "loss10": {"loss": 10, "delay": 0, "jitter": 0},
    "loss20": {"loss": 20, "delay": 0, "jitter": 0},
    "delay50j10-loss10": {"loss": 10, "delay": 50, "jitter": 10},
    "sigcut": {"loss": 0, "delay": 0, "jitter": 0, "event": "cut"},
    "restart": {"loss": 0, "delay": 0, "jitter": 0, "event": "restart"},
}
HUDDLE_ONLY = {"sigcut", "restart"}


# ---------------------------------------------------------------- namespaces


def sh(*command: str, stdin: str | None = None) -> None:
    subprocess.run(command, input=stdin, text=True, check=True, capture_output=True)


class Namespaces:
    """Two network namespaces named after this process; ``close()`` removes them."""

    def __init__(self) -> None:
        tag = f"hnc{os.getpid()}"
        self.names = {"a": f"{tag}a", "b": f"{tag}b"}
        self.made: list[str] = []

    def create(self) -> None:
        for name in self.names.values():
            sh("ip", "netns", "add", name)
            self.made.append(name)
            sh("ip", "-n", name, "link", "set", "lo", "up")

    def address_tun(self) -> None:
        """Give the relay's TUN devices their addresses (once the relay made them)."""
        for side, name in self.names.items():
            sh("ip", "-n", name, "addr", "add", f"{ADDRESS[side]}/{PREFIX}", "dev", TUN_NAME)
            sh("ip", "-n", name, "link", "set", TUN_NAME, "up")

    def set_loss(self, percent: int) -> None:
        """Drop ``percent`` % of UDP each way on the player's side of the link (nftables)."""
        ns = self.names["b"]
        rules = "table inet huddle_netcond\ndelete table inet huddle_netcond\n"
        if percent:
            drop = f"meta l4proto udp numgen random mod 100 < {percent} drop"
            rules += (
                "table inet huddle_netcond {\n"
                "  chain in { type filter hook input priority 0; policy accept;\n"
                f'    iifname "{TUN_NAME}" {drop}\n'
                "  }\n"
                "  chain out { type filter hook output priority 0; policy accept;\n"
                f'    oifname "{TUN_NAME}" {drop}\n'
                "  }\n"
                "}\n"
            )
        sh("ip", "netns", "exec", ns, "nft", "-f", "-", stdin=rules)

    def exec_prefix(self, side: str) -> list[str]:
        return ["ip", "netns", "exec", self.names[side]]

    def close(self) -> None:
        for name in reversed(self.made):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        self.made.clear()


# ---------------------------------------------------------------- the relay (its own process)

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def _open_tun_in(namespace: str) -> int:
    """A TUN device named ``TUN_NAME`` in ``namespace``: its file descriptor."""
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {namespace}")
        fd = os.open("/dev/net/tun", os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", TUN_NAME.encode(), IFF_TUN | IFF_NO_PI))
        os.set_blocking(fd, False)
    finally:
        libc.setns(home, CLONE_NEWNET)
        os.close(home)
        os.close(target)
    return fd


def relay_main(ns_a: str, ns_b: str) -> None:
    """Move IP packets between the two TUN devices, each after ``delay ± jitter`` ms (read from
    stdin as ``delay MS JITTER_MS`` lines), in order. Ends when stdin closes."""
    fds = {"a": _open_tun_in(ns_a), "b": _open_tun_in(ns_b)}
    other = {"a": "b", "b": "a"}
    queues: dict[str, deque[tuple[float, bytes]]] = {"a": deque(), "b": deque()}
    last = {"a": 0.0, "b": 0.0}
    delay = jitter = 0.0
    selector = selectors.DefaultSelector()
    for side, fd in fds.items():
        selector.register(fd, selectors.EVENT_READ, side)
    os.set_blocking(sys.stdin.fileno(), False)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "control")
    print(json.dumps({"ready": True}), flush=True)
    pending = b""
    while True:
        now = time.monotonic()
        due = [q[0][0] for q in queues.values() if q]
        timeout = max(0.0, min(due) - now) if due else 0.5
        for key, _ in selector.select(timeout):
            side = key.data
            if side == "control":
                chunk = os.read(sys.stdin.fileno(), 4096)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    words = line.split()
                    if len(words) == 3 and words[0] == b"delay":
                        delay, jitter = float(words[1]) / 1000, float(words[2]) / 1000
                continue
            for _ in range(64):  # bounded: drain what is there, then look at the clock
                try:
                    packet = os.read(fds[side], 65536)
                except BlockingIOError:
                    break
                now = time.monotonic()
                if delay or jitter:
                    at = max(now + delay + random.uniform(-jitter, jitter), last[side])
                    last[side] = at
                    queues[side].append((at, packet))
                else:
                    with contextlib.suppress(OSError):
                        os.write(fds[other[side]], packet)
        now = time.monotonic()
        for side, q in queues.items():
            while q and q[0][0] <= now:
                with contextlib.suppress(OSError):
                    os.write(fds[other[side]], q.popleft()[1])


# ---------------------------------------------------------------- the TCP proxy (its own process)


async def proxy_main(listen_port: int, target_port: int) -> None:
    """Forward TCP on ``listen_port`` (every address of this namespace) to 127.0.0.1's
    ``target_port``. ``cut S`` on stdin drops every connection and refuses new ones for S
    seconds. Ends when stdin closes."""
    connections: set[asyncio.StreamWriter] = set()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            writer.close()
            return
        connections.update((writer, up_writer))
        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            connections.discard(writer)
            connections.discard(up_writer)

    async def listen() -> asyncio.Server:
        return await asyncio.start_server(serve, None, listen_port, reuse_address=True)

    server = await listen()
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    control = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(control), sys.stdin)
    while line := await control.readline():
        words = line.split()
        if len(words) == 2 and words[0] == b"cut":
            server.close()
            for writer in list(connections):
                writer.transport.abort()
            connections.clear()
            await asyncio.sleep(float(words[1]))
            server = await listen()
            print(json.dumps({"restored": True}), flush=True)
    server.close()


# ---------------------------------------------------------------- the orchestrator


class Lab:
    """The namespaces, the relay, the room service and the proxy for one run."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.ns = Namespaces()
        self.relay: asyncio.subprocess.Process | None = None
        self.proxy: asyncio.subprocess.Process | None = None
        self.server: asyncio.subprocess.Process | None = None
        self.server_port = 0
        self.proxy_port = 0

    async def __aenter__(self) -> Lab:
        try:
            self.ns.create()
            self.relay = await asyncio.create_subprocess_exec(
                PYTHON,
                __file__,
                "_relay",
                self.ns.names["a"],
                self.ns.names["b"],
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            await read_json(self.relay, "ready", 30)
            self.ns.address_tun()
            await self.start_server(0)
            self.proxy_port = self.server_port + 1 if self.server_port < 65000 else 20000
            self.proxy = await asyncio.create_subprocess_exec(
                *self.ns.exec_prefix("b"),
                PYTHON,
                __file__,
                "_proxy",
                str(self.proxy_port),
                str(self.server_port),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            await read_json(self.proxy, "ready", 30)
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        for process in (self.proxy, self.server, self.relay):
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        self.ns.close()

    async def start_server(self, port: int) -> None:
        self.server = await asyncio.create_subprocess_exec(
            *self.ns.exec_prefix("b"),
            str(Path(PYTHON).parent / "huddle-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--app-id",
            "1",
            "--log-level",
            "warning",
            "--heartbeat-timeout",
            "60",
            env={**os.environ, "HUDDLE_SECRET": self.secret},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert self.server.stdout is not None
        line = (await asyncio.wait_for(self.server.stdout.readline(), 30)).decode().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"huddle-server did not start: {line!r}")
        self.server_port = int(line.rsplit(":", 1)[1].split("/")[0])

    async def restart_server(self, pause: float) -> None:
        """SIGKILL the service, and start it again on the same port ``pause`` seconds later."""
        assert self.server is not None
        self.server.send_signal(signal.SIGKILL)
        await self.server.wait()
        await asyncio.sleep(pause)
        await self.start_server(self.server_port)

    async def cut(self, seconds: float) -> None:
        assert self.proxy is not None and self.proxy.stdin is not None
        self.proxy.stdin.write(f"cut {seconds}\n".encode())
        await read_json(self.proxy, "restored", seconds + 30)

    def url(self, side: str) -> str:
        host = "127.0.0.1" if side == "b" else ADDRESS["b"]
        return f"ws://{host}:{self.proxy_port}/ws"

    def condition(self, spec: dict[str, Any]) -> None:
        self.ns.set_loss(spec["loss"])
        assert self.relay is not None and self.relay.stdin is not None
        self.relay.stdin.write(f"delay {spec['delay']} {spec['jitter']}\n".encode())

    async def spawn(self, side: str, role: str, *args: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            *self.ns.exec_prefix(side),
            PYTHON,
            "-m",
            "benchmarks._peer",
            role,
            "--host-address",
            ADDRESS[side],
            *args,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )


async def run_condition(
    lab: Lab, stack: str, name: str, args: argparse.Namespace
) -> dict[str, Any]:
    spec = CONDITIONS[name]
    lab.condition(spec)
    media = ["--codec", "VP8", "--audio", "--warmup", str(args.warmup)]
    publisher = player = None
    published: dict[str, Any] = {}
    try:
        if stack == "huddle":
            room = f"{name}-{secrets.token_hex(3)}"
            common = ["--secret", lab.secret, "--room", room, *media]
            publisher = await lab.spawn(
                "a", "huddle-publish", "--server", lab.url("a"), "--user", "pub", *common
            )
            await read_json(publisher, "ready")
            playout = ["--playout-delay"] if args.playout_delay else []
            player = await lab.spawn(
                "b", "huddle-netplay", "--server", lab.url("b"), "--user", "play", *common, *playout
            )
            await read_json(player, "ready")
        else:
            publisher = await lab.spawn("a", "stock-publish", *media)
            offer = await read_json(publisher, "offer")
            player = await lab.spawn("b", "stock-netplay", *media)
            assert player.stdin is not None and publisher.stdin is not None
            player.stdin.write((json.dumps({"offer": offer}) + "\n").encode())
            answer = await read_json(player, "answer")
            publisher.stdin.write((json.dumps({"answer": answer}) + "\n").encode())
        # The clock starts at the first frame: at 10 % loss a lost DTLS packet can hold the
        # set-up for seconds (stock aiortc took over 5 s in one run of three under load), and
        # the set-up is reported on its own (first_frame_ms), not as a freeze.
        with contextlib.suppress(TimeoutError):
            await read_json(player, "first_frame_ms", timeout=args.setup_timeout)
        started = time.monotonic()
        event = spec.get("event")
        event_at = event_end = None
        if event:
            await asyncio.sleep(args.warmup + args.event_at)
            event_at = time.monotonic()
            if event == "cut":
                await lab.cut(1.0)
            else:
                await lab.restart_server(1.0)
            event_end = time.monotonic()
        await asyncio.sleep(max(0.0, args.warmup + args.duration - (time.monotonic() - started)))
        played = await finish(player)
        published = await finish(publisher)
    finally:
        for process in (player, publisher):
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
    row = {"stack": stack, "condition": name, **played}
    if event_at is not None and event_end is not None:
        # The longest gap between frames from the cut (or the kill) to 2 s after it was over:
        # what the event cost the picture. (Monotonic clocks agree across processes.)
        begin = event_at - played["started_monotonic"]
        end = event_end + 2.0 - played["started_monotonic"]
        during = [g for at, g in played["gaps_over_100ms"] if at + g / 1000 > begin and at < end]
        row["event_gap_ms"] = max(during, default="<100")
    if "events" in published:
        row["publisher_events"] = published["events"]
    if stack == "huddle":
        row["events"] = played["events"]
    else:
        row.pop("events", None)
    return row


async def main(args: argparse.Namespace) -> dict[str, Any]:
    if os.geteuid() != 0:
        raise SystemExit("netcond.py makes network namespaces: run it as root")
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)  # still clean up
    secret = secrets.token_hex(32)
    runs = []
    async with Lab(secret) as lab:
        for name in args.conditions:
            for stack in args.stacks:
                if stack == "stock" and name in HUDDLE_ONLY:
                    continue
                row = await run_condition(lab, stack, name, args)
                runs.append(row)
                print(
                    f"# {name:18} {stack:6} fps {row['fps']} longest freeze "
                    f"{row['longest_freeze_ms']} ms p95 {row['latency_ms']['p95']} ms "
                    f"first {row['first_frame_ms']} ms",
                    file=sys.stderr,
                )
    return {
        "benchmark": "netcond",
        "machine": machine(),
        "seconds": args.duration,
        "conditions": {n: CONDITIONS[n] for n in args.conditions},
        "namespaces": list(lab.ns.names.values()),
        "runs": runs,
    }


def _state_events(row: dict[str, Any]) -> str:
    """The state events of both ends during the window, less the call's own start (logging in,
    and the first REQUESTING -> PUBLISHING / PLAYING)."""
    seen = []
    for who, events in (("play", row.get("events", [])), ("pub", row.get("publisher_events", []))):
        start = {"LOGINING", "LOGINED", "PUBLISH_REQUESTING", "PUBLISHING", "PLAY_REQUESTING"}
        start.add("PLAYING")
        for event in events:
            if event[2] in start:
                start.discard(event[2])
                continue
            seen.append(f"{who}:{event[2]}")
    return " ".join(seen) or "none"


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for r in result["runs"]:
        rows.append(
            [
                r["condition"],
                r["stack"],
                r["fps"],
                r["frames_missing"],
                r["freezes_200ms"],
                r["freezes_500ms"],
                r["longest_freeze_ms"],
                r["latency_ms"]["p50"],
                r["latency_ms"]["p95"],
                r["first_frame_ms"],
                r["audio_gaps_per_min"],
                r.get("event_gap_ms", ""),
                _state_events(r) if r["stack"] == "huddle" else "",
            ]
        )
    headers = [
        "condition",
        "stack",
        "fps shown",
        "frames missing",
        "freezes >200 ms",
        "freezes >500 ms",
        "longest freeze ms",
        "latency p50 ms",
        "latency p95 ms",
        "first frame ms",
        "audio gaps /min",
        "gap at the event ms",
        "state events",
    ]
    return table(headers, rows)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_relay":
        relay_main(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "_proxy":
        asyncio.run(proxy_main(int(sys.argv[2]), int(sys.argv[3])))
    else:
        cli = parser(__doc__)
        cli.add_argument("--duration", type=float, default=15.0, help="seconds measured per run")
        cli.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
        cli.add_argument(
            "--setup-timeout",
            type=float,
            default=30.0,
            help="seconds to wait for the first frame before measuring anyway",
        )
        cli.add_argument(
            "--event-at", type=float, default=4.0, help="seconds into the window of a cut/restart"
        )
        cli.add_argument(
            "--conditions", nargs="+", default=list(CONDITIONS), choices=list(CONDITIONS)
        )
        cli.add_argument(
            "--playout-delay", action="store_true", help="Huddle's player paces frames"
        )
        cli.add_argument(
            "--stacks", nargs="+", default=["huddle", "stock"], choices=["huddle", "stock"]
        )
        args = cli.parse_args()
        outcome = asyncio.run(main(args))
        if args.json or not args.markdown:
            print(json.dumps(outcome, indent=2, ensure_ascii=False))
        if args.markdown:
            print(markdown(outcome))
