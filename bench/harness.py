"""Benchmark harness: a throwaway PostgreSQL, the app and a raw baseline under the same load.

Each benchmark starts Comptoir (`comptoir run`, one uvicorn worker unless told) and a raw ASGI +
asyncpg handler doing the same query (with as many processes), loads both with the same bounded
generator in the same run, and prints requests/s, p50, p99 and the ratio app/baseline. Figures
are printed, never asserted: speed targets are read by people, not by unit tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from api.core.settings import PROJECT_ROOT, Settings, process_environment

PYTHON = sys.executable

# The server processes the benches started, by port: `load` reads their CPU time around a run.
_SERVED: dict[int, int] = {}


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def server_cpu_seconds(port: int) -> float | None:
    """User + system CPU seconds of the server on `port` and its descendants (Linux /proc), or
    None when unknown. Wall-clock figures swing with whatever else the machine runs; the CPU a
    server spends per request barely does, so it is the figure to compare between two runs."""
    pid = _SERVED.get(port)
    if pid is None or not Path("/proc").is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    children = _children()
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        pending.extend(children.get(current, []))
    return total / tick


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway cluster (scripts/postgres); yields its asyncpg URL to `postgres`."""
    folder = tempfile.mkdtemp(prefix="comptoir-bench-pg.")
    script = str(PROJECT_ROOT / "scripts" / "postgres")
    url = subprocess.check_output([script, "start", folder, str(free_port())], text=True).strip()
    try:
        yield url
    finally:
        subprocess.run([script, "stop", folder], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    import asyncpg

    async def create() -> None:
        connection = await asyncpg.connect(server_url.replace("+asyncpg", ""))
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@contextlib.contextmanager
def serve(args: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a server process until the block ends; waits for /api/v1/health or / to answer."""
    environment = process_environment() | (env or {})
    process = subprocess.Popen(args, env=environment, cwd=PROJECT_ROOT)
    base_url = f"http://127.0.0.1:{port}"
    _SERVED[port] = process.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base_url + "/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {args}") from None
                time.sleep(0.2)
        yield base_url
    finally:
        _SERVED.pop(port, None)
        process.terminate()
        process.wait(timeout=20)


@contextlib.contextmanager
def serve_comptoir(
    database_url: str, extra_env: dict[str, str] | None = None, *, workers: int = 1
) -> Iterator[str]:
    """`comptoir run` with `workers` HTTP processes (their CPU is read with the parent's)."""
    port = free_port()
    env = {
        "COMPTOIR_DATABASE_URL": database_url,
        # The seeds mint tokens for the default public URL; `comptoir run --port` would
        # otherwise derive another one from its port and refuse them all (401).
        "COMPTOIR_PUBLIC_URL": Settings(database_url=database_url).public_url,
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_DATA_DIR": tempfile.mkdtemp(prefix="comptoir-bench-data."),
        "COMPTOIR_DATABASE_POOL_SIZE": "20",
    } | (extra_env or {})
    args = [PYTHON, "-m", "api.cli", "run", "--port", str(port), "--workers", str(workers)]
    with serve(args, port, env) as url:
        yield url


@contextlib.contextmanager
def serve_baseline(
    app_path: str,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    *,
    workers: int = 1,
) -> Iterator[str]:
    """A raw ASGI app (`module:app`) under uvicorn with `workers` processes, reading
    BENCH_DATABASE_URL."""
    port = free_port()
    args = [PYTHON, "-m", "uvicorn", app_path, "--port", str(port), "--log-level", "warning"]
    args += ["--workers", str(workers)]
    env = {"BENCH_DATABASE_URL": database_url} | (extra_env or {})
    with serve(args, port, env) as url:
        yield url


@dataclass
class LoadResult:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    # CPU seconds the server spent during the run (None: not a server this harness started).
    server_cpu_seconds: float | None = None
    # The machine's load average (1 min) when the run started: what else was running.
    load_average: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds * 1000 / self.requests

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def line(self) -> str:
        cpu = self.cpu_ms_per_request
        return (
            f"{self.label:<34} {self.rps:9.0f} req/s   p50 {self.percentile(0.5):7.2f} ms   "
            f"p99 {self.percentile(0.99):7.2f} ms   errors {self.errors}"
            + ("" if cpu is None else f"   server CPU {cpu:6.2f} ms/req")
            + ("" if self.load_average is None else f"   load {self.load_average:.1f}")
        )


RequestFactory = Callable[[], bytes | None]


def http_request(
    method: str,
    url: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive request."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _keep_alive_worker(
    host: str,
    port: int,
    next_request: RequestFactory,
    stop_at: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    """One HTTP/1.1 keep-alive connection sending requests back to back (a bounded loop).
    Stops at `stop_at` or when the factory has no request left."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            request = next_request()
            if request is None:
                break
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = None
            for header in head.split(b"\r\n"):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":", 1)[1])
            if length is None:
                raise RuntimeError("the load generator needs Content-Length responses")
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if status >= 400:
                errors.append(status)
    finally:
        writer.close()


def load(
    label: str,
    url: str,
    *,
    connections: int = 32,
    seconds: float = 5.0,
    headers: dict[str, str] | None = None,
    requests: RequestFactory | None = None,
    warm_up: bool = True,
) -> LoadResult:
    """Load `url` over `connections` keep-alive connections for `seconds` (after a warm-up):
    GET by default, or whatever `requests()` returns (None = no more work)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if requests is None:
        fixed = http_request("GET", url, headers=headers)

        def requests() -> bytes:
            return fixed

    async def run(duration: float) -> tuple[list[float], list[int], float]:
        latencies: list[float] = []
        errors: list[int] = []
        started = time.perf_counter()
        stop_at = started + duration
        await asyncio.gather(
            *(
                _keep_alive_worker(host, port, requests, stop_at, latencies, errors)
                for _ in range(connections)
            )
        )
        return latencies, errors, time.perf_counter() - started

    if warm_up:
        asyncio.run(run(1.0))  # pools filled, code paths compiled
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    cpu_before = server_cpu_seconds(port)
    latencies, errors, elapsed = asyncio.run(run(seconds))
    cpu_after = server_cpu_seconds(port)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return LoadResult(label, len(latencies), len(errors), elapsed, latencies, cpu, load_average)


def report(title: str, app: LoadResult, baseline: LoadResult) -> None:
    print(f"\n{title}")
    print(app.line())
    print(baseline.line())
    ratio = app.rps / baseline.rps if baseline.rps else float("nan")
    print(f"{'ratio app / baseline':<34} {ratio:9.2f}")
    app_cpu, baseline_cpu = app.cpu_ms_per_request, baseline.cpu_ms_per_request
    if app_cpu is not None and baseline_cpu:
        print(f"{'server CPU per request app / base':<34} {app_cpu / baseline_cpu:9.2f}")
    if app.latencies_ms:
        print(f"{'mean latency (app)':<34} {statistics.fmean(app.latencies_ms):9.2f} ms")


def project_path(*parts: str) -> Path:
    return PROJECT_ROOT.joinpath(*parts)
