"""`make loadtest` (`python -m bench.loadtest`): many people at once on the production shape.

The shape of docker-compose.yml on this machine: gunicorn with its worker count
(WEB_CONCURRENCY, 3), PostgreSQL, a Redis server of the run's own (a free port), a Celery
worker (concurrency 2) and beat, on the production settings (DEBUG off, a random secret;
CHILDCOP_TESTING=1 only so that no collected static files or HTTPS are needed), serving
the benchmark's large program (`make bench`'s generator builds it when missing, in
`…_loadtest`: LOADTEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/childcop_loadtest).

Fifty simulated people (bench/locustfile.py) — 32 members, 10 coordinators, 5 sponsors,
3 program admins, each with a password set for the run — arrive two a second, sign in
through the login form, and act for 60 s, pausing 1–5 s. Then a saturation run: the same
people without pauses. Prints per page and in total requests/s, median / p95 / p99 and
errors; writes var/loadtest/results.json; exits 1 when the paced run has an error or a
page's p95 above 500 ms once everyone is in (sign-ins, timed while people arrive, are
reported apart), or when the saturation run has an error.

Options: --users N (50), --seconds S (60), --saturation-seconds S (30), --workers N
(3), --rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "loadtest"
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/childcop_loadtest"
P95_TARGET_MS = 500
MIX = {"member": 32, "coordinator": 10, "sponsor": 5, "admin": 3}


def say(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the people of the run (a Django process on the load-test database) ----------------


def accounts(out: Path, mix: dict, password: str) -> None:
    """Choose the run's people, give them the run's password, open a voting round in each
    member's community; write them as JSON for the locustfile."""
    import random

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from bench.figures import ADMIN_EMAIL, SPONSOR_EMAIL
    from childcop.accounts.models import User
    from communities.choices import Level, Stage
    from communities.learning.models import AgendaItem, VotingRound
    from communities.models import Community, Membership
    from sponsorship.models import Appointment

    rng = random.Random(2026)  # noqa: S311 — load-test sample
    people = []
    admins = [ADMIN_EMAIL] + list(
        User.objects.filter(is_program_admin=True, is_active=True)
        .exclude(email=ADMIN_EMAIL)
        .order_by("pk")
        .values_list("email", flat=True)[: mix["admin"] - 1]
    )
    people += [{"role": "admin", "email": e} for e in admins]
    sponsors = (
        [SPONSOR_EMAIL]
        + list(
            Appointment.objects.current()  # a sponsor whose term has ended has no dashboard
            .filter(role="sponsor")
            .exclude(person__email=SPONSOR_EMAIL)
            .order_by("person_id")
            .values_list("person__email", flat=True)
            .distinct()[: mix["sponsor"] - 1]
        )
    )
    people += [{"role": "sponsor", "email": e} for e in sponsors]
    live = Community.objects.exclude(stage=Stage.CLOSED).annotate(size=Count("memberships"))
    communities = list(live.filter(size__gte=20).order_by("pk"))
    rng.shuffle(communities)
    taken = set()
    for community in communities[: mix["coordinator"]]:
        coordinator = (
            Membership.objects.filter(community=community, is_coordinator=True)
            .exclude(user_id__in=taken)
            .select_related("user")
            .first()
        )
        if coordinator is None:
            continue
        taken.add(coordinator.user_id)
        attendees = list(
            Membership.objects.filter(community=community)
            .order_by("?")
            .values_list("user_id", flat=True)[:40]
        )
        people.append({"role": "coordinator", "email": coordinator.user.email,
                       "community": community.slug, "attendees": [str(a) for a in attendees]})  # fmt: skip
    per_community = 4
    for community in communities[mix["coordinator"] :]:
        if sum(p["role"] == "member" for p in people) >= mix["member"]:
            break
        voting = VotingRound.objects.filter(community=community, closed_at__isnull=True).first()
        if voting is None:
            voting = VotingRound.objects.create(community=community, votes_per_member=20)
        item = AgendaItem.objects.create(community=community, title="Retention schedules")
        members = (
            Membership.objects.filter(
                community=community,
                is_coordinator=False,
                level__in=[Level.ACTIVE, Level.OCCASIONAL],
                user__is_active=True,
            )
            .exclude(user_id__in=taken)
            .select_related("user")[:per_community]
        )
        for membership in members:
            taken.add(membership.user_id)
            people.append({"role": "member", "email": membership.user.email,
                           "community": community.slug, "round": voting.pk, "item": item.pk})  # fmt: skip
    hashed = make_password(password)
    User.objects.filter(email__in=[p["email"] for p in people]).update(
        password=hashed, is_active=True
    )
    for person in people:
        person["password"] = password
    out.write_text(json.dumps(people, indent=2))


# --- the production shape -------------------------------------------------------------


class Shape:
    """Redis, gunicorn, a Celery worker and beat, started and stopped together."""

    def __init__(self, env: dict, workers: int):
        self.env = env
        self.workers = workers
        self.processes: list[subprocess.Popen] = []
        self.port = free_port()
        self.redis_port = free_port()

    def _start(self, name: str, command: list[str]):
        log = open(OUT_DIR / f"{name}.log", "ab")  # noqa: SIM115 — the process keeps it
        self.processes.append(
            subprocess.Popen(  # noqa: S603 — our own argument list, no shell
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def start(self):
        redis = shutil.which("redis-server")
        if not redis:
            raise SystemExit("make loadtest needs Redis: apt-get install redis-server")
        self._start("redis", [redis, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"])  # fmt: skip
        self.env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        self._start("web", [str(BIN / "gunicorn"), "childcop.wsgi",
                            f"--bind=127.0.0.1:{self.port}", f"--workers={self.workers}",
                            "--timeout=60", "--graceful-timeout=30"])  # fmt: skip
        self._start("worker", [str(BIN / "celery"), "--app=childcop", "worker",
                               "--loglevel=WARNING", "--concurrency=2"])  # fmt: skip
        self._start("beat", [str(BIN / "celery"), "--app=childcop", "beat", "--loglevel=WARNING",
                             "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
                             f"--schedule={OUT_DIR / 'beat-schedule'}"])  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"The web server did not answer /healthz: see {OUT_DIR / 'web.log'}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        import signal

        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def locust(shape: Shape, people: Path, out: Path, *, users: int, seconds: float,
           pauses: bool) -> dict:  # fmt: skip
    command = [sys.executable, str(BASE_DIR / "bench" / "locustfile.py"), "--host", shape.url,
               "--people", str(people), "--users", str(users), "--seconds", str(seconds),
               "--out", str(out)] + ([] if pauses else ["--no-pauses"])  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True)  # noqa: S603
    return json.loads(out.read_text())


def table(result: dict, title: str) -> None:
    say(f"\n{title} ({result['seconds']:.0f} s measured after the ramp)")
    say(f"{'page':44} {'req/s':>7} {'median':>7} {'p95':>6} {'p99':>6} {'errors':>6}")
    rows = list(result["pages"].items()) + [("total", result["total"])]
    for name, row in rows:
        say(f"{name:44} {row['rps']:7.2f} {row['median_ms']:7.0f} {row['p95_ms']:6.0f} "
            f"{row['p99_ms']:6.0f} {row['errors']:6d}")  # fmt: skip
    for name, row in result["ramp"]["pages"].items():
        if name.startswith("sign"):
            say(f"{name + ' (ramp)':44} {row['rps']:7.2f} {row['median_ms']:7.0f} "
                f"{row['p95_ms']:6.0f} {row['p99_ms']:6.0f} {row['errors']:6d}")  # fmt: skip
    for sample in result["error_samples"] + result["ramp"]["error_samples"]:
        say(f"  error: {sample['name']}: {sample['error']} ×{sample['count']}")


def misses(result: dict) -> list[str]:
    found = []
    for phase in (result, result["ramp"]):
        for name, row in phase["pages"].items():
            if row["errors"]:
                found.append(f"{name}: {row['errors']} errors")
            if phase is result and row["p95_ms"] > P95_TARGET_MS:
                found.append(f"{name}: p95 {row['p95_ms']} ms > {P95_TARGET_MS} ms")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--saturation-seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    from bench.run import django_env, ensure_database, probe, shown

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL)
    state = ensure_database(url, 1.0, rebuild=args.rebuild)
    say(f"Large program: {shown(url)} ({state})")
    secret = secrets.token_urlsafe(50)
    env = django_env(url, secret)
    probe("prepare", env, OUT_DIR / "prepare.json", "--scale", "1.0")
    env["DJANGO_SETTINGS_MODULE"] = "childcop.settings"
    env["DJANGO_LOG_LEVEL"] = "WARNING"
    people = OUT_DIR / "people.json"
    password = secrets.token_urlsafe(16)
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import sys; from bench.loadtest import accounts; "
         f"accounts(__import__('pathlib').Path({str(people)!r}), {MIX!r}, {password!r})"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    chosen = json.loads(people.read_text())
    say(f"{len(chosen)} people: " + ", ".join(
        f"{sum(p['role'] == r for p in chosen)} {r}s" for r in MIX))  # fmt: skip

    load = os.getloadavg()
    shape = Shape(env, args.workers)
    shape.start()
    say(f"Production shape up: gunicorn ×{args.workers}, Celery worker ×2 and beat, Redis, "
        f"PostgreSQL; load average before: {load[0]:.1f} (2 cores)")  # fmt: skip
    try:
        paced = locust(shape, people, OUT_DIR / "paced.json", users=args.users,
                       seconds=args.seconds, pauses=True)  # fmt: skip
        saturated = locust(shape, people, OUT_DIR / "saturation.json", users=args.users,
                           seconds=args.saturation_seconds, pauses=False)  # fmt: skip
    finally:
        shape.stop()
    table(paced, f"{args.users} people, pauses of 1–5 s")
    table(saturated, f"Saturation: {args.users} people, no pauses")
    missed = misses(paced) + [m for m in misses(saturated) if "errors" in m]
    results = {
        "database": shown(url),
        "workers": args.workers,
        "load_average_before": load,
        "paced": paced,
        "saturation": saturated,
        "missed": missed,
    }
    (OUT_DIR / "results.json").write_text(json.dumps(results, indent=2))
    say(f"\nSaturation throughput: {saturated['total']['rps']:.1f} requests/s with "
        f"{saturated['total']['errors']} errors. Results: {OUT_DIR / 'results.json'}")  # fmt: skip
    if missed:
        say("Targets missed:\n  " + "\n  ".join(missed))
        return 1
    say("Targets met: 0 errors, every page's p95 at most 500 ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
