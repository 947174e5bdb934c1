"""The servers the benchmark times (gunicorn) and its load generator: keep-alive HTTP
clients in threads, reading each answer's Server-Timing header."""

from __future__ import annotations

import http.client
import math
import queue
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import BASE_DIR, BENCH_DIR, LAYOUT, Page

# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the product (bench settings) on a free local port."""

    def __init__(self, name: str, env: dict, workers: int):
        self.name, self.port = name, free_port()
        self.log = BENCH_DIR / f"server-{name}.log"
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        command = [
            gunicorn, "childcop.wsgi", f"--bind=127.0.0.1:{self.port}", f"--workers={workers}",
            "--worker-tmp-dir=/dev/shm" if Path("/dev/shm").is_dir() else "--worker-tmp-dir=/tmp",  # noqa: S108
            "--timeout=120", "--log-level=warning", "--keep-alive=30",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            cwd=BASE_DIR,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self, cookie_header: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The {self.name} server stopped; see {self.log}.")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", LAYOUT.path, headers={"Cookie": cookie_header})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return
                raise SystemExit(
                    f"The {self.name} server answered {response.status} to {LAYOUT.path}."
                )
            except OSError:
                time.sleep(0.3)
        raise SystemExit(
            f"The {self.name} server did not answer in {timeout:.0f} s; see {self.log}."
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the load generator -------------------------------------------------------------------


@dataclass
class Target:
    size: str
    page: Page
    port: int
    path: str
    cookie: str
    authorization: str = ""  # "Bearer <token>" for the API's endpoints
    samples: list = field(default_factory=list)  # (server ms, db ms, queries, client ms)
    errors: list = field(default_factory=list)
    community: str = ""  # the timed community's slug, where the writes happen
    cold: list = field(default_factory=list)  # (server ms, queries): first views after a write
    release: list = field(default_factory=list)  # (server ms, queries): after a new release
    writes: list = field(default_factory=list)  # server ms of the round of writes before each

    def headers(self) -> dict:
        if self.authorization:  # as a reporting tool reads: the token, no session
            return {"Authorization": self.authorization}
        return {"Cookie": self.cookie}


def _server_timing(header: str) -> tuple[float, float, int]:
    app = db = 0.0
    queries = 0
    for part in header.split(","):
        items = [item.strip() for item in part.split(";")]
        values = dict(item.split("=", 1) for item in items[1:] if "=" in item)
        if items[0] == "app":
            app = float(values.get("dur", 0))
        elif items[0] == "db":
            db = float(values.get("dur", 0))
            queries = int(values.get("desc", '"0').strip('"').split()[0])
    return app, db, queries


def load(targets: list[Target], *, requests: int, warmup: int, concurrency: int) -> float:
    """Warm-up, then `requests` timed requests per target, all shuffled together and sent
    by `concurrency` threads over keep-alive connections. Returns the timed phase's seconds."""
    rng = random.Random(8)  # noqa: S311

    def run(jobs, record):
        work = queue.Queue()
        for job in jobs:
            work.put(job)

        def worker():
            connections = {}
            while True:
                try:
                    target = work.get_nowait()
                except queue.Empty:
                    break
                conn = connections.get(target.port)
                if conn is None:
                    conn = connections[target.port] = http.client.HTTPConnection(
                        "127.0.0.1", target.port, timeout=300
                    )
                started = time.perf_counter()
                try:
                    conn.request("GET", target.path, headers=target.headers())
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    connections.pop(target.port, None)
                    target.errors.append(f"{type(error).__name__}: {error}")
                    continue
                client_ms = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    target.errors.append(f"HTTP {response.status}")
                elif record:
                    app, db, queries = _server_timing(response.getheader("Server-Timing", ""))
                    target.samples.append((app, db, queries, client_ms))
            for conn in connections.values():
                conn.close()

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    warm = [t for t in targets for _ in range(warmup)]
    rng.shuffle(warm)
    run(warm, record=False)
    timed = [t for t in targets for _ in range(requests)]
    rng.shuffle(timed)
    started = time.perf_counter()
    run(timed, record=True)
    return time.perf_counter() - started


def cold_views(targets: list[Target], *, requests: int, after: str = "write") -> None:
    """First views after a write (`after="write"`): before each request, one round of
    ordinary writes in the timed community (/__bench__/write/: a person joins, an activity
    with its attendance is logged, a member asks for help, a story is approved), as the
    product writes them, so that each page recomputes what those writes change. After a
    release (`after="release"`): every cached aggregate and summary is made stale first
    (/__bench__/invalidate/), so the page computes everything it caches. Sequential, in
    rounds of every page at both sizes (so that what the machine does meanwhile weighs on
    each page and size alike)."""
    conns = {
        id(target): http.client.HTTPConnection("127.0.0.1", target.port, timeout=300)
        for target in targets
    }
    for _ in range(requests):
        for target in targets:
            conn = conns[id(target)]
            before = (
                f"/__bench__/write/?community={target.community}"
                if after == "write"
                else "/__bench__/invalidate/"
            )
            for path, headers in (
                (before, {"Cookie": target.cookie}),
                (target.path, target.headers()),
            ):
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status not in (200, 204):
                    target.errors.append(f"{after}: HTTP {response.status} for {path}")
                if path == before and after == "write":  # what the writes' request cost
                    target.writes.append(_server_timing(response.getheader("Server-Timing", ""))[0])
            app, _db, queries = _server_timing(response.getheader("Server-Timing", ""))
            (target.cold if after == "write" else target.release).append((app, queries))
    for conn in conns.values():
        conn.close()


def undo_writes(targets: list[Target]) -> None:
    """Delete what /__bench__/write/ wrote (once per server)."""
    for port, cookie in {t.port: t.cookie for t in targets}.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", "/__bench__/write/?undo=1", headers={"Cookie": cookie})
        conn.getresponse().read()
        conn.close()


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(target: Target) -> dict:
    if not target.samples:
        return {"requests": 0, "errors": target.errors[:5]}
    app = [s[0] for s in target.samples]
    return {
        "requests": len(app),
        "median_ms": round(statistics.median(app), 2),
        "p95_ms": round(percentile(app, 0.95), 2),
        "db_median_ms": round(statistics.median(s[1] for s in target.samples), 2),
        "server_queries": target.samples[0][2],
        "client_median_ms": round(statistics.median(s[3] for s in target.samples), 2),
        "write_median_ms": round(statistics.median(target.writes), 2) if target.writes else None,
        "cold_median_ms": round(statistics.median(c[0] for c in target.cold), 2)
        if target.cold
        else None,
        "cold_queries": target.cold[0][1] if target.cold else None,
        "release_median_ms": round(statistics.median(c[0] for c in target.release), 2)
        if target.release
        else None,
        "release_queries": target.release[0][1] if target.release else None,
        "errors": target.errors[:5],
    }
