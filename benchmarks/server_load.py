"""The room service under load: N WebSocket clients over M rooms against huddle-server.

    .venv/bin/python benchmarks/server_load.py [--json] [--markdown] [--clients 1000] [--rooms 100]

Client processes (``--workers``, separate from the service's) log every client in at a steady
rate, timing each login (request -> login_ok). Then, for ``--duration`` seconds, one user per
room sends a broadcast every second (within the per-user and per-room limits) stamped with the
send time; every other user in the room times its arrival. The service's CPU and memory are
read from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import secrets
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from app.protocol import messages as m
from app.protocol.limits import PROTOCOL_VERSION
from app.server.tokens import mint_token
from benchmarks._common import (
    PYTHON,
    ROOT,
    machine,
    parser,
    percentiles,
    process_cpu_seconds,
    process_rss_mb,
    run,
    start_server,
    stop,
    table,
)

SCRIPT = Path(__file__).resolve()


class Client:
    def __init__(self, room: str, user: str) -> None:
        self.room, self.user = room, user
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.ids = itertools.count(1)
        self.login_ms: float | None = None
        self.arrivals: list[float] = []  # ms from send to arrival
        self.fanout: dict[int, float] = {}  # message send time (us) -> latest arrival ms
        self.errors = 0

    async def login(self, http: aiohttp.ClientSession, url: str, secret: str) -> None:
        self.ws = await http.ws_connect(url, autoping=True, max_msg_size=2**20)
        token = mint_token(app_id=1, secret=secret, user_id=self.user, room_id=self.room)
        started = time.perf_counter()
        await self.ws.send_bytes(
            m.encode(
                m.Login(
                    id=next(self.ids),
                    version=PROTOCOL_VERSION,
                    app_id=1,
                    room_id=self.room,
                    user_id=self.user,
                    token=token,
                    user_update=True,
                )
            )
        )
        while True:
            message = m.decode_server((await self.ws.receive()).data)
            if isinstance(message, m.LoginOk):
                self.login_ms = (time.perf_counter() - started) * 1000
                return
            if isinstance(message, m.Error):
                raise RuntimeError(f"login refused: {message.name}")

    async def listen(self) -> None:
        assert self.ws is not None
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            message = m.decode_server(frame.data)
            if isinstance(message, m.BroadcastMessage):
                now_us = time.time() * 1e6
                for chat in message.messages:
                    sent_us = int(chat.message)
                    self.arrivals.append((now_us - sent_us) / 1000)
            elif isinstance(message, m.Error):
                self.errors += 1

    async def heartbeat(self) -> None:
        assert self.ws is not None
        while True:
            await asyncio.sleep(10)
            await self.ws.send_bytes(m.encode(m.Heartbeat(id=next(self.ids))))

    async def broadcast(self) -> None:
        assert self.ws is not None
        await self.ws.send_bytes(
            m.encode(m.SendBroadcast(id=next(self.ids), message=str(int(time.time() * 1e6))))
        )


async def worker(args: argparse.Namespace) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rooms = [f"room-{r}" for r in range(args.first_room, args.first_room + args.my_rooms)]
    clients = [Client(room, f"{room}-user-{u}") for room in rooms for u in range(args.per_room)]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        interval = 1 / args.login_rate
        logins = []
        for client in clients:
            logins.append(asyncio.ensure_future(client.login(http, args.url, args.secret)))
            await asyncio.sleep(interval)
        await asyncio.gather(*logins)
        tasks = [asyncio.ensure_future(c.listen()) for c in clients]
        tasks += [asyncio.ensure_future(c.heartbeat()) for c in clients]
        print(json.dumps({"ready": len(clients)}), flush=True)
        reader = asyncio.StreamReader()
        await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
        )
        await reader.readline()  # "go"
        senders = [clients[i * args.per_room] for i in range(len(rooms))]
        end = time.monotonic() + args.duration

        async def send_every_second(sender: Client, offset: float) -> None:
            # Rooms take turns across the second instead of all at once, as real rooms do.
            await asyncio.sleep(0.5 + offset)
            while time.monotonic() < end:
                tick = time.monotonic()
                await sender.broadcast()
                await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

        await asyncio.gather(
            *(send_every_second(s, i / len(senders)) for i, s in enumerate(senders))
        )
        await asyncio.sleep(2.0)  # the last deliveries
        result = {
            "login_ms": [c.login_ms for c in clients],
            "arrivals_ms": [a for c in clients for a in c.arrivals],
            "errors": sum(c.errors for c in clients),
        }
        print(json.dumps({"result": result}), flush=True)
        for task in tasks:
            task.cancel()
        for client in clients:
            if client.ws is not None:
                await client.ws.close()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    server, url = await start_server(1, secret)
    per_room = args.clients // args.rooms
    rooms_each = [
        args.rooms // args.workers + (1 if i < args.rooms % args.workers else 0)
        for i in range(args.workers)
    ]
    workers = []
    try:
        first = 0
        for count in rooms_each:
            workers.append(
                await asyncio.create_subprocess_exec(
                    PYTHON,
                    str(SCRIPT),
                    "--worker",
                    "--url",
                    url,
                    "--secret",
                    secret,
                    "--first-room",
                    str(first),
                    "--my-rooms",
                    str(count),
                    "--per-room",
                    str(per_room),
                    "--login-rate",
                    str(args.login_rate / args.workers),
                    "--duration",
                    str(args.duration),
                    cwd=ROOT,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    limit=2**26,  # the result line holds every arrival time
                )
            )
            first += count
        login_started = time.monotonic()
        for process in workers:
            line = await asyncio.wait_for(process.stdout.readline(), 600)
            assert "ready" in json.loads(line), line
        login_seconds = time.monotonic() - login_started
        rss_after_logins = process_rss_mb(server.pid)
        cpu_before = process_cpu_seconds(server.pid)
        started = time.monotonic()
        for process in workers:
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        results = []
        for process in workers:
            line = await asyncio.wait_for(process.stdout.readline(), args.duration + 120)
            results.append(json.loads(line)["result"])
        cpu = process_cpu_seconds(server.pid) - cpu_before
        elapsed = time.monotonic() - started
        rss_end = process_rss_mb(server.pid)
    finally:
        for process in workers:
            await stop(process)
        await stop(server)
    logins = [ms for r in results for ms in r["login_ms"] if ms is not None]
    arrivals = [ms for r in results for ms in r["arrivals_ms"]]
    expected = args.rooms * (per_room - 1) * int(args.duration)
    return {
        "benchmark": "server_load",
        "machine": machine(),
        "clients": per_room * args.rooms,
        "rooms": args.rooms,
        "login_rate_per_s": args.login_rate,
        "login_seconds": round(login_seconds, 1),
        "login_ms": percentiles(logins),
        "broadcasts_per_s": args.rooms,
        "deliveries_per_s": round(len(arrivals) / args.duration),
        "delivered": f"{len(arrivals)} of ~{expected}",
        "fanout_ms": percentiles(arrivals),
        "errors": sum(r["errors"] for r in results),
        "server_cpu_percent": round(100 * cpu / elapsed, 1),
        "server_rss_mb": {"after_logins": rss_after_logins, "end": rss_end},
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [
            "login (request → reply)",
            result["login_ms"]["p50"],
            result["login_ms"]["p99"],
            result["login_ms"]["max"],
        ],
        [
            "broadcast fan-out (send → each arrival)",
            result["fanout_ms"]["p50"],
            result["fanout_ms"]["p99"],
            result["fanout_ms"]["max"],
        ],
    ]
    return (
        table(
            [
                "at " + f"{result['clients']} clients / {result['rooms']} rooms (ms)",
                "p50",
                "p99",
                "max",
            ],
            rows,
        )
        + f"\n\nService CPU during the broadcasts: {result['server_cpu_percent']} % of one core; "
        f"memory {result['server_rss_mb']['after_logins']} MB after the logins; "
        f"{result['deliveries_per_s']} deliveries/s; errors: {result['errors']}"
    )


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--clients", type=int, default=1000)
    cli.add_argument("--rooms", type=int, default=100)
    cli.add_argument("--workers", type=int, default=2)
    cli.add_argument("--login-rate", type=float, default=200.0, help="logins per second")
    cli.add_argument("--duration", type=float, default=20.0, help="seconds of broadcasts")
    # worker-only
    cli.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    cli.add_argument("--url", help=argparse.SUPPRESS)
    cli.add_argument("--secret", help=argparse.SUPPRESS)
    cli.add_argument("--first-room", type=int, default=0, help=argparse.SUPPRESS)
    cli.add_argument("--my-rooms", type=int, default=0, help=argparse.SUPPRESS)
    cli.add_argument("--per-room", type=int, default=10, help=argparse.SUPPRESS)
    arguments = cli.parse_args()
    if arguments.worker:
        asyncio.run(worker(arguments))
    else:
        run(main, markdown, arguments)
