"""Benchmark childcop at program scale, in PostgreSQL: `make bench` (`python -m childcop.bench`).

One run:

1. Two PostgreSQL databases: the large program (500 communities, 30,000 people,
   1,000,000 attendance records, 20,000 value-creation stories and everything around
   them; childcop.bench_data) and the same program at one tenth. The database is
   DATABASE_URL when it is a PostgreSQL URL, else postgres://postgres@127.0.0.1:5432/
   childcop_bench; the small one is the same name with "_small". Each is created when
   missing and seeded in bulk; a seeded database is reused while its marker (generator
   version and scale) matches (--rebuild seeds again). A database without the
   benchmark's marker that holds tables is never touched.
2. Both served by gunicorn at once (production settings: DEBUG off, a random secret,
   CHILDCOP_TESTING=1 so that no collected static files or HTTPS are needed), with
   childcop.bench_settings: a Server-Timing middleware reports the time each request
   spent in the process, and two baselines: the bare response (a trivial view served by
   the same process, signed in, a few bytes and no template: the target's reference) and
   the layout page (an empty page of the product's layout, signed in: reported).
3. A load generator (threads, keep-alive HTTP) sends every page of both sizes, warm-up
   first, then REQUESTS timed requests each, shuffled together so that both sizes and
   the baselines see the same conditions (one client by default, so that the machine's
   cores do not turn contention into noise; --concurrency to load it). The server time
   of each page: median and 95th percentile, as a multiple of the bare response's median
   (same size; of the layout page's too, reported), and large/small. Then each page's first view after a write (every cached
   aggregate made stale first): informative.
4. The SQL queries of each page at both sizes (Django's test client, in process), which
   must be equal; the monthly health report job on the large program for one community in
   ten and for all of them (time, best of two runs, and queries).

Results: var/bench/results.json and a table on stdout. Exit status 1 when a target is
missed, 2 when a page or a step fails.

    python -m childcop.bench [--requests N] [--concurrency C] [--workers W] [--cold N]
                             [--rebuild] [--no-job]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import queue
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
RESULTS = BENCH_DIR / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/childcop_bench"
SMALL_SCALE = 0.1

# Targets (issue 8, acceptance 1–3).
MAX_BASELINE_RATIO = 10.0  # a page's median server time, large program, over the bare response's
MAX_SCALE_RATIO = 1.5  # a page's median server time, large over small
# The report job's time for all communities over its time for one tenth: at most linear
# (10× for 10× the communities), with this allowance for the machine's noise.
JOB_TIME_TOLERANCE = 1.25
# Its queries (emails aside) per batch: the same whatever the batch holds, give or take this.
JOB_QUERY_TOLERANCE = 1.25


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # {community} is the timed community's slug
    role: str  # admin, coordinator or sponsor (childcop.bench_data)
    needs: str = ""  # a path that must resolve for the page to exist yet


# The baselines (childcop.bench_server): the target is against the first, "a trivial view
# served by the same process" (issue 8): a few bytes without a template, signed in; the
# second, an empty page of the product's layout, is reported beside it.
BARE = Page("bare", "bare response (baseline)", "/__bench__/bare/", "admin")
LAYOUT = Page("trivial", "layout page (reported)", "/__bench__/trivial/", "admin")
PAGES = [
    Page("home_admin", "home page", "/", "admin"),
    Page("home_member", "home page", "/", "coordinator"),
    Page("community", "community page", "/communities/{community}/", "coordinator"),
    Page("sponsor_dashboard", "sponsor dashboard", "/sponsorship/dashboard/", "sponsor"),
    Page("program_overview", "program overview", "/program/", "admin", needs="/program/"),
    Page("value_matrix", "value matrix", "/stories/matrix/", "admin"),
]


def say(message: str = "") -> None:
    print(message, flush=True)


# --- databases ----------------------------------------------------------------------------


def database_urls() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        url = DEFAULT_URL
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "childcop_bench"
    small = urlunsplit(parts._replace(path=f"/{name}_small"))
    return urlunsplit(parts._replace(path=f"/{name}")), small


def shown(url: str) -> str:
    """A database URL without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("pgsql://", "postgres://", 1), autocommit=True)


def ensure_database(url: str, scale: float, *, rebuild: bool) -> str:
    """Create the database when missing, drop a stale or unfinished one; say which."""
    import psycopg

    from childcop.bench_data import VERSION

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with _connect(maintenance) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"make bench needs PostgreSQL and could not reach {shown(maintenance)}: {error}\n"
            "Start PostgreSQL there (user postgres, trust or a password in the URL), or set "
            "DATABASE_URL=postgres://user:password@host:5432/childcop_bench (the user may "
            "create databases)."
        ) from None
    if exists:
        with _connect(url) as conn:
            ours = conn.execute("SELECT to_regclass('bench_marker') IS NOT NULL").fetchone()[0]
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()[0]
            marker = None
            if ours:
                marker = conn.execute("SELECT version, scale FROM bench_marker LIMIT 1").fetchone()
        if not ours and tables:
            raise SystemExit(
                f"{shown(url)} holds tables but is not a benchmark database (no bench_marker "
                "table): refusing to touch it. Point DATABASE_URL elsewhere."
            )
        if not ours:
            with _connect(url) as conn:
                _create_marker(conn)
            return "new"
        if marker and marker[0] == VERSION and math.isclose(marker[1], scale) and not rebuild:
            return "reused"
        why = "--rebuild" if rebuild and marker else "stale or unfinished"
        say(f"Dropping {shown(url)} ({why}).")
        with _connect(maintenance) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    with _connect(maintenance) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with _connect(url) as conn:
        _create_marker(conn)
    return "new"


def _create_marker(conn) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_marker (version text NOT NULL, "
        "scale double precision NOT NULL, seeded_at timestamptz NOT NULL, "
        "seconds double precision, counts jsonb)"
    )


def postgres_version(url: str) -> str:
    with _connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


# --- Django subprocesses ------------------------------------------------------------------


def django_env(url: str, secret: str) -> dict:
    env = dict(os.environ)
    for name in ("CELERY_BROKER_URL", "CHILDCOP_PAGE_SIZE", "DJANGO_SECURE_SSL_REDIRECT",
                 "DJANGO_SECURE_COOKIES", "DJANGO_HSTS_SECONDS"):  # fmt: skip
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "childcop.bench_settings",
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_DEBUG": "0",
            "CHILDCOP_TESTING": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "CHILDCOP_VAR_DIR": str(BENCH_DIR),
            "DJANGO_LOG_LEVEL": "WARNING",
            "EMAIL_URL": "memorymail://",
            "PYTHONPATH": str(BASE_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def probe(step: str, env: dict, out: Path, *args: str) -> dict:
    command = [sys.executable, "-m", "childcop.bench_probe", step, "--out", str(out), *args]
    completed = subprocess.run(command, env=env, cwd=BASE_DIR, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise SystemExit(f"The benchmark's {step} step failed (exit {completed.returncode}).")
    return json.loads(out.read_text())


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
    samples: list = field(default_factory=list)  # (server ms, db ms, queries, client ms)
    errors: list = field(default_factory=list)
    cold: list = field(default_factory=list)  # (server ms, queries): first views after a write


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
                    conn.request("GET", target.path, headers={"Cookie": target.cookie})
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


def cold_views(targets: list[Target], *, requests: int) -> None:
    """First views after a write: before each request, every cached aggregate and summary
    is made stale (/__bench__/invalidate/, as any write does), so the page computes what it
    caches. Sequential; informative (the targets are about the pages as they are served)."""
    for target in targets:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=300)
        for _ in range(requests):
            for path in ("/__bench__/invalidate/", target.path):
                conn.request("GET", path, headers={"Cookie": target.cookie})
                response = conn.getresponse()
                response.read()
                if response.status not in (200, 204):
                    target.errors.append(f"cold: HTTP {response.status}")
            app, _db, queries = _server_timing(response.getheader("Server-Timing", ""))
            target.cold.append((app, queries))
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
        "cold_median_ms": round(statistics.median(c[0] for c in target.cold), 2)
        if target.cold
        else None,
        "cold_queries": target.cold[0][1] if target.cold else None,
        "errors": target.errors[:5],
    }


# --- the report ---------------------------------------------------------------------------


def evaluate(pages, timings, queries, job) -> tuple[list[dict], list[str], list[str]]:
    """Rows per page with their ratios and checks; the misses; the failures."""
    rows, misses, failures = [], [], []
    baseline = {size: timings[size][BARE.key] for size in ("large", "small")}
    for page in pages:
        row = {"key": page.key, "page": page.label, "path": page.path, "role": page.role}
        for size in ("large", "small"):
            timing = dict(timings[size][page.key])
            q = queries[size].get(page.key, {})
            timing["queries"] = q.get("queries")
            timing["status"] = q.get("status")
            if timing.get("median_ms") and baseline[size].get("median_ms"):
                timing["x_baseline"] = round(timing["median_ms"] / baseline[size]["median_ms"], 2)
            layout = timings[size][LAYOUT.key].get("median_ms")
            if timing.get("median_ms") and layout:
                timing["x_layout"] = round(timing["median_ms"] / layout, 2)
            row[size] = timing
            if q.get("status") != 200:
                failures.append(
                    f"{page.label} ({page.role}, {size}): {q.get('error') or 'HTTP ' + str(q.get('status'))}"
                )
            elif timing.get("errors") or not timing.get("requests"):
                errors = "; ".join(timing.get("errors") or ["no answer"])
                failures.append(f"{page.label} ({page.role}, {size}) under load: {errors}")
        large, small = row["large"], row["small"]
        if large.get("median_ms") and small.get("median_ms"):
            row["scale_ratio"] = round(large["median_ms"] / small["median_ms"], 2)
        checks = {
            "x_baseline": large.get("x_baseline") is not None
            and large["x_baseline"] <= MAX_BASELINE_RATIO,
            "scale_ratio": row.get("scale_ratio") is not None
            and row["scale_ratio"] <= MAX_SCALE_RATIO,
            "queries_equal": large.get("queries") is not None
            and large.get("queries") == small.get("queries"),
        }
        row["checks"] = checks
        row["ok"] = all(checks.values())
        name = f"{page.label} ({page.role})"
        if not checks["x_baseline"]:
            misses.append(
                f"{name}: median {large.get('x_baseline')}× the bare response "
                f"(target ≤ {MAX_BASELINE_RATIO:g}×)"
            )
        if not checks["scale_ratio"]:
            misses.append(
                f"{name}: large/small {row.get('scale_ratio')} (target ≤ {MAX_SCALE_RATIO:g})"
            )
        if not checks["queries_equal"]:
            misses.append(
                f"{name}: {large.get('queries')} queries large, {small.get('queries')} small"
            )
        rows.append(row)
    if job and job.get("available"):
        runs = job["runs"]
        tenth, everything, one = runs["tenth"], runs["all"], runs["all_one_batch"]
        # Emails aside (one INSERT each, their claim). A batch's count varies by a query or
        # two with its data (a sub-query with nothing to look up is skipped), hence the
        # tolerance; a query per community would multiply it by ten.
        job["checks"] = {
            # a batch holding every community costs what a batch of one tenth costs
            "queries_constant_per_batch": one["queries_without_emails"]
            <= tenth["queries_without_emails"] * JOB_QUERY_TOLERANCE,
            # the scheduled run costs that much per batch (the program report included)
            "queries_per_batch_in_the_scheduled_run": everything["queries_without_emails"]
            <= everything["batches"] * one["queries_without_emails"] * JOB_QUERY_TOLERANCE,
            # time at most linear in the number of communities
            "time_linear": everything["seconds"]
            <= tenth["seconds"]
            * everything["communities"]
            / tenth["communities"]
            * JOB_TIME_TOLERANCE,
        }
        job["time_ratio"] = round(everything["seconds"] / tenth["seconds"], 2)
        job["communities_ratio"] = round(everything["communities"] / tenth["communities"], 2)
        for check, ok in job["checks"].items():
            if not ok:
                misses.append(f"report job: {check.replace('_', ' ')} missed")
    return rows, misses, failures


def table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def _x(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_report(result: dict) -> None:
    timings, rows = result["timings"], result["pages"]

    def baseline(page):
        L, S = timings["large"][page.key], timings["small"][page.key]
        base_l = timings["large"][BARE.key].get("median_ms")
        base_s = timings["small"][BARE.key].get("median_ms")
        ratio = L.get("median_ms") / S["median_ms"] if S.get("median_ms") else None
        return (
            [page.label, page.role, _ms(L.get("median_ms")), _ms(L.get("p95_ms")),
             _ms(S.get("median_ms")), _ms(S.get("p95_ms")),
             _x(L["median_ms"] / base_l if base_l and L.get("median_ms") else None),
             _x(S["median_ms"] / base_s if base_s and S.get("median_ms") else None),
             _x(ratio), "-", "-", ""]
        )  # fmt: skip

    baselines = [baseline(BARE), baseline(LAYOUT)]
    body = []
    for r in rows:
        L, S = r["large"], r["small"]
        body.append(
            [r["page"], r["role"], _ms(L.get("median_ms")), _ms(L.get("p95_ms")),
             _ms(S.get("median_ms")), _ms(S.get("p95_ms")), _x(L.get("x_baseline")),
             _x(S.get("x_baseline")), _x(r.get("scale_ratio")), str(L.get("queries", "-")),
             str(S.get("queries", "-")), "ok" if r["ok"] else "MISSED"]
        )  # fmt: skip
    headers = ["page", "as", "large med ms", "p95", "small med ms", "p95", "×bare L",
               "×bare S", "L/S", "queries L", "S", "result"]  # fmt: skip
    say(table(headers, baselines + body, set(range(2, 11))))
    say(
        f"Targets: large median ≤ {MAX_BASELINE_RATIO:g}× the bare response; large/small ≤ "
        f"{MAX_SCALE_RATIO:g}; the same queries at both sizes. Server time measured in the "
        "process (Server-Timing). Against the layout page, the large medians are: "
        + ", ".join(f"{r['page']} ({r['role']}) {_x(r['large'].get('x_layout'))}×" for r in rows)
        + "."
    )
    cold_rows = [
        [r["page"], r["role"], _ms(r["large"].get("cold_median_ms")),
         _ms(r["small"].get("cold_median_ms")),
         _x(r["large"]["cold_median_ms"] / r["small"]["cold_median_ms"]
            if r["large"].get("cold_median_ms") and r["small"].get("cold_median_ms") else None),
         str(r["large"].get("cold_queries", "-")), str(r["small"].get("cold_queries", "-"))]
        for r in rows
    ]  # fmt: skip
    say()
    say("First view after a write (every cached aggregate stale, computed by the request):")
    say(table(["page", "as", "large med ms", "small med ms", "L/S", "queries L", "S"],
              cold_rows, set(range(2, 7))))  # fmt: skip
    job = result.get("job") or {}
    if job.get("available"):
        say()
        runs = job["runs"]
        job_rows = [
            [name, str(run["communities"]), str(run["batches"]), f"{run['seconds']:.2f}",
             str(run["queries"]), str(run["emails"]), str(run["queries_without_emails"])]
            for name, run in [("one tenth", runs["tenth"]), ("all (scheduled run)", runs["all"]),
                              ("all, one batch", runs["all_one_batch"])]
        ]  # fmt: skip
        say(f"Monthly health report job, {job['period'][:7]}, large program:")
        say(table(["run", "communities", "batches", "seconds", "queries", "emails",
                   "queries less emails"], job_rows, set(range(1, 7))))  # fmt: skip
        say(
            f"Time all/tenth: {job['time_ratio']} for {job['communities_ratio']}× the "
            f"communities. Checks: "
            + ", ".join(f"{k.replace('_', ' ')} {'ok' if v else 'MISSED'}" for k, v in job["checks"].items())
        )  # fmt: skip
    elif job:
        say(f"\nMonthly report job: not measured ({job.get('reason', 'not available')}).")


# --- main ---------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m childcop.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page and size (60)"
    )
    parser.add_argument(
        "--warmup", type=int, default=5, help="warm-up requests per page and size (5)"
    )
    parser.add_argument("--concurrency", type=int, default=1, help="concurrent clients (1)")
    parser.add_argument(
        "--cold", type=int, default=5, help="first views after a write, per page and size (5)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (2)")
    parser.add_argument(
        "--reuse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="reuse seeded databases whose marker matches (default: on)",
    )
    parser.add_argument("--rebuild", action="store_true", help="seed both databases again")
    parser.add_argument("--no-job", dest="job", action="store_false", help="skip the report job")
    args = parser.parse_args(argv)  # fmt: skip
    if args.requests < 1 or args.concurrency < 1 or args.workers < 1:
        parser.error("--requests, --concurrency and --workers must be at least 1")
    rebuild = args.rebuild or not args.reuse
    started = time.perf_counter()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    urls = dict(zip(("large", "small"), database_urls(), strict=True))
    scales = {"large": 1.0, "small": SMALL_SCALE}

    prepared, envs = {}, {}
    for size in ("large", "small"):
        state = ensure_database(urls[size], scales[size], rebuild=rebuild)
        say(f"{size} program: {shown(urls[size])} ({'reused' if state == 'reused' else 'new'})")
        envs[size] = django_env(urls[size], secret)
        prepared[size] = probe("prepare", envs[size], BENCH_DIR / f"prepare-{size}.json",
                               "--scale", str(scales[size]))  # fmt: skip
        marker = prepared[size]["marker"]
        counts = marker["counts"]
        say(
            f"  {counts.get('communities.Community', 0):,} communities, "
            f"{counts.get('accounts.User', 0):,} people, "
            f"{counts.get('communities.Attendance', 0):,} attendance records, "
            f"{counts.get('value_stories.ValueStory', 0):,} stories; seeded "
            f"{marker['seeded_at'][:16]} in {marker['seconds']:.0f} s"
        )

    available = prepared["large"]["subjects"]["available"]
    pages = [p for p in PAGES if not p.needs or available.get(p.needs)]
    skipped = [p for p in PAGES if p not in pages]
    for page in skipped:
        say(f"Not measured yet: {page.label} ({page.path} does not resolve).")

    servers = {}
    timings = {"large": {}, "small": {}}
    try:
        for size in ("large", "small"):
            servers[size] = Server(size, envs[size], args.workers)
        targets = []
        for size, server in servers.items():
            sessions = prepared[size]["sessions"]
            cookies = {r: f"{sessions['cookie_name']}={c}" for r, c in sessions["cookies"].items()}
            server.wait(cookies["admin"])
            slug = prepared[size]["subjects"]["community"]["slug"]
            for page in [BARE, LAYOUT, *pages]:
                targets.append(Target(size, page, server.port, page.path.format(community=slug),
                                      cookies[page.role]))  # fmt: skip
        say(
            f"Load: {args.requests} timed requests per page and size after {args.warmup} "
            f"warm-up, {args.concurrency} concurrent clients, {args.workers} gunicorn workers "
            f"per size ({len(targets) * (args.requests + args.warmup)} requests)…"
        )
        seconds = load(targets, requests=args.requests, warmup=args.warmup,
                       concurrency=args.concurrency)  # fmt: skip
        cold = [t for t in targets if t.page.key not in (BARE.key, LAYOUT.key)]
        say(f"First views after a write: {args.cold} per page and size…")
        cold_views(cold, requests=args.cold)
        for target in targets:
            timings[target.size][target.page.key] = summary(target)
    finally:
        for server in servers.values():
            server.stop()
    say(f"Timed phase: {seconds:.0f} s, {len(targets) * args.requests / seconds:.0f} requests/s.")

    queries = {}
    for size in ("large", "small"):
        users = {r: u["id"] for r, u in prepared[size]["subjects"]["users"].items()}
        slug = prepared[size]["subjects"]["community"]["slug"]
        page_specs = [{"key": p.key, "path": p.path.format(community=slug), "role": p.role}
                      for p in pages]  # fmt: skip
        queries[size] = probe("queries", envs[size], BENCH_DIR / f"queries-{size}.json",
                              "--pages", json.dumps(page_specs), "--users", json.dumps(users))  # fmt: skip

    job = None
    if args.job:
        job = probe("job", envs["large"], BENCH_DIR / "job.json")

    rows, misses, failures = evaluate(pages, timings, queries, job)
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": postgres_version(urls["large"]),
            "platform": platform.platform(),
        },
        "settings": {
            "requests": args.requests,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
        },
        "targets": {
            "baseline": BARE.key,
            "max_baseline_ratio": MAX_BASELINE_RATIO,
            "max_scale_ratio": MAX_SCALE_RATIO,
        },
        "data": {
            size: {
                "database": shown(urls[size]),
                "scale": scales[size],
                "seeded_at": prepared[size]["marker"]["seeded_at"],
                "seed_seconds": prepared[size]["marker"]["seconds"],
                "seeded_now": prepared[size]["seeded_now"],
                "counts": prepared[size]["marker"]["counts"],
                "timed_community": prepared[size]["subjects"]["community"],
                "sponsor_portfolio": prepared[size]["subjects"]["portfolio"],
                "status_refresh": prepared[size].get("status_refresh"),
            }
            for size in ("large", "small")
        },
        "timings": timings,
        "pages": rows,
        "not_measured": [asdict(p) for p in skipped],
        "job": job,
        "misses": misses,
        "failures": failures,
    }
    RESULTS.write_text(json.dumps(result, indent=2, default=str))
    say()
    print_report(result)
    say()
    say(
        f"Results: {RESULTS.relative_to(BASE_DIR)}. Total time: {time.perf_counter() - started:.0f} s."
    )
    if failures:
        say(f"FAILED: {len(failures)} failure(s):")
        for failure in failures:
            say(f"  - {failure}")
        return 2
    if misses:
        say(f"FAILED: {len(misses)} target(s) missed:")
        for miss in misses:
            say(f"  - {miss}")
        return 1
    say("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
