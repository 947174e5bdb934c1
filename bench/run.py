"""One run of the benchmark (`python -m bench`): the databases, the Django steps in
subprocesses (bench.probe), the servers and the load, the results and the exit status."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import bench
from bench.config import (
    BARE,
    BASE_DIR,
    BENCH_DIR,
    DEFAULT_URL,
    LAYOUT,
    MAX_BASELINE_RATIO,
    MAX_SCALE_RATIO,
    PAGES,
    RESULTS,
    SMALL_SCALE,
    say,
)
from bench.load import Server, Target, cold_views, load, summary, undo_writes
from bench.report import evaluate, print_report

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

    from bench.figures import VERSION

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
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_DEBUG": "0",
            "CHILDCOP_TESTING": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "CHILDCOP_VAR_DIR": str(BENCH_DIR),
            "DJANGO_LOG_LEVEL": "WARNING",
            "EMAIL_URL": "memorymail://",
            # Each process's own memory cache, as the figures in the README were measured
            # (both sizes' servers would otherwise share one file cache under var/bench/),
            # holding as many entries as a shared cache (Redis) would: a part per community
            # of the large program's cached figures (the default culls past 300 entries).
            "CACHE_URL": "locmemcache://?max_entries=1000000",
            "PYTHONPATH": str(BASE_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def probe(step: str, env: dict, out: Path, *args: str) -> dict:
    command = [sys.executable, "-m", "bench.probe", step, "--out", str(out), *args]
    completed = subprocess.run(command, env=env, cwd=BASE_DIR, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise SystemExit(f"The benchmark's {step} step failed (exit {completed.returncode}).")
    return json.loads(out.read_text())


# --- main ---------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=bench.__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page and size (60)"
    )
    parser.add_argument(
        "--warmup", type=int, default=5, help="warm-up requests per page and size (5)"
    )
    parser.add_argument("--concurrency", type=int, default=1, help="concurrent clients (1)")
    parser.add_argument(
        "--cold",
        type=int,
        default=20,
        help="first views after a write (and after a release), per page and size (20)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (2)")
    parser.add_argument(
        "--reuse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="reuse seeded databases whose marker matches (default: on)",
    )
    parser.add_argument("--rebuild", action="store_true", help="seed both databases again")
    parser.add_argument(
        "--no-job", dest="job", action="store_false", help="skip the report and landscape jobs"
    )
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
            tokens = sessions.get("tokens", {})
            for page in [BARE, LAYOUT, *pages]:
                bearer = f"Bearer {tokens[page.role]}" if page.token else ""
                targets.append(Target(size, page, server.port, page.path.format(community=slug),
                                      cookies[page.role], bearer, community=slug))  # fmt: skip
        say(
            f"Load: {args.requests} timed requests per page and size after {args.warmup} "
            f"warm-up, {args.concurrency} concurrent clients, {args.workers} gunicorn workers "
            f"per size ({len(targets) * (args.requests + args.warmup)} requests)…"
        )
        seconds = load(targets, requests=args.requests, warmup=args.warmup,
                       concurrency=args.concurrency)  # fmt: skip
        cold = [t for t in targets if t.page.key not in (BARE.key, LAYOUT.key)]
        say(f"First views after a write: {args.cold} per page and size…")
        try:
            cold_views(cold, requests=args.cold, after="write")
        finally:
            undo_writes(cold)
        say(f"First views after a release: {args.cold} per page and size…")
        cold_views(cold, requests=args.cold, after="release")
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
        page_specs = [{"key": p.key, "path": p.path.format(community=slug), "role": p.role,
                       "token": p.token} for p in pages]  # fmt: skip
        queries[size] = probe("queries", envs[size], BENCH_DIR / f"queries-{size}.json",
                              "--pages", json.dumps(page_specs), "--users", json.dumps(users))  # fmt: skip

    job = None
    if args.job:
        job = probe("job", envs["large"], BENCH_DIR / "job.json")

    landscape_job = None
    if args.job:
        landscape_job = {
            size: probe("landscape", envs[size], BENCH_DIR / f"landscape-{size}.json")
            for size in ("large", "small")
        }

    rows, misses, failures = evaluate(pages, timings, queries, job, landscape_job)
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
        "landscape_job": landscape_job,
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
