"""What every benchmark shares: percentiles, CPU accounting, the machine, JSON and markdown."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99/max/mean of a sample (None when it is empty), rounded to 0.1."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None, "n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
        "n": len(ordered),
    }


class CpuMeter:
    """CPU time of this process (every thread) over a window, as % of one core."""

    def __init__(self) -> None:
        self._start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime, time.monotonic()

    def percent(self) -> float:
        cpu, wall = self._sample()
        return round(100 * (cpu - self._start[0]) / max(1e-6, wall - self._start[1]), 1)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of another process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def process_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import aiortc
    import av

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "aiortc": aiortc.__version__,
        "pyav": av.__version__,
        "kernel": platform.release(),
        "date": time.strftime("%Y-%m-%d"),
    }


def emit(result: dict[str, Any], *, as_json: bool, markdown: str | None) -> None:
    """Print the result: JSON (``--json``), a markdown table (``--markdown``), or both."""
    if as_json or markdown is None:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    if markdown is not None:
        print(markdown)


def table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join("–" if v is None else str(v) for v in row) + " |")
    return "\n".join(lines)


async def start_server(app_id: int, secret: str) -> tuple[asyncio.subprocess.Process, str]:
    """``huddle-server --port 0`` as its own process: (process, ws URL)."""
    env = {**os.environ, "HUDDLE_SECRET": secret}
    process = await asyncio.create_subprocess_exec(
        str(Path(PYTHON).parent / "huddle-server"),
        "--port",
        "0",
        "--app-id",
        str(app_id),
        "--log-level",
        "warning",
        "--heartbeat-timeout",
        "60",
        # Every benchmark client comes from 127.0.0.1: no per-address cap.
        "--max-connections-per-ip",
        "0",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
    if not line.startswith("listening on "):
        raise RuntimeError(f"huddle-server did not start: {line!r}")
    return process, line.removeprefix("listening on ")


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()


async def spawn(role: str, *args: str) -> asyncio.subprocess.Process:
    """One side of a call (``benchmarks/_peer.py``) as its own process, talking JSON lines."""
    return await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "benchmarks._peer",
        role,
        *args,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


async def read_json(process: asyncio.subprocess.Process, key: str, timeout: float = 60) -> Any:
    """The value of ``key`` in the first JSON line from ``process`` that has it."""
    assert process.stdout is not None
    while True:
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"a peer exited before sending {key!r}")
        message = json.loads(line)
        if key in message:
            return message[key]


async def finish(process: asyncio.subprocess.Process) -> dict[str, Any]:
    """Close a peer's stdin (its signal to stop) and return its result."""
    assert process.stdin is not None
    process.stdin.close()
    result = await read_json(process, "result", timeout=60)
    await process.wait()
    return result


def parser(doc: str) -> argparse.ArgumentParser:
    """A benchmark's command line: ``--json`` and ``--markdown``; add its own options."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the JSON summary")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    return parser


def run(
    main: Callable[[argparse.Namespace], Awaitable[dict[str, Any]]],
    markdown: Callable[[dict[str, Any]], str],
    args: argparse.Namespace,
) -> None:
    """Run a benchmark and print what ``--json`` / ``--markdown`` ask for."""
    outcome = asyncio.run(main(args))
    emit(outcome, as_json=args.json, markdown=markdown(outcome) if args.markdown else None)
