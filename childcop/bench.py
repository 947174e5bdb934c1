"""Benchmark the main pages at program scale: `make bench` (`python -m childcop.bench`).

It builds a throwaway SQLite database under var/bench/, seeds a large program with
bulk inserts (200 communities, 5,000 people, about 40,000 memberships with
leadership roles, by default), then requests the main pages through Django's test
client as a program admin and as a member, and prints for each page the median and
95th-percentile time and the number of SQL queries, against targets. It exits 1
when a target is missed, 2 when a page does not answer 200.

Settings are the normal ones (childcop.settings), in production mode (DEBUG off,
a random secret), with CHILDCOP_TESTING=1 so that it needs no collected static files,
no HTTPS and no configured secret. The environment is set before Django starts.

    python -m childcop.bench [--requests N] [--scale F] [--reuse]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import statistics
import sys
import time
import traceback
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
DB_PATH = BENCH_DIR / "bench.sqlite3"
SEED_MARKER = BENCH_DIR / "seeded"

# The program the benchmark builds, at --scale 1.
COMMUNITIES = 200
PEOPLE = 5_000
MEMBERSHIPS = 40_000
BIGGEST_COMMUNITY = 2_000  # the community whose pages are timed: the worst case
MEMBER_COMMUNITIES = 12  # how many communities the timed member belongs to
SEARCH = "data"


@dataclass(frozen=True)
class Target:
    """What a page must meet. The query ceiling catches an N+1 on a page of 25 rows;
    the tests pin exact counts with django_assert_num_queries."""

    median_ms: float = 150.0
    p95_ms: float = 300.0
    max_queries: int = 20

    def __str__(self):
        return f"<{self.median_ms:g}/{self.p95_ms:g} ms, <={self.max_queries} q"


# (label, path; {slug} is the timed community), with its target.
PAGES = [
    ("home", "/", Target()),
    ("communities", "/communities/", Target()),
    ("communities search", f"/communities/?q={SEARCH}&stage=maturing", Target()),
    ("community", "/communities/{slug}/", Target()),
    ("member directory", "/communities/{slug}/members/", Target()),
    ("activities", "/communities/{slug}/activities/", Target()),
    ("rhythm", "/communities/{slug}/rhythm/", Target()),
    ("value matrix", "/stories/matrix/", Target()),
    ("people", "/people/", Target()),
]
ROLES = ["admin", "member"]


def configure_environment() -> None:
    """Point the normal settings at a throwaway database, in production mode."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "childcop.settings",
            "CHILDCOP_VAR_DIR": str(BENCH_DIR),
            "DATABASE_URL": f"sqlite:///{DB_PATH}",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "CHILDCOP_TESTING": "1",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    # The embedded broker and console email: nothing outside var/bench/ is touched.
    for name in ("CELERY_BROKER_URL", "EMAIL_URL", "CHILDCOP_PAGE_SIZE"):
        os.environ.pop(name, None)


def fresh_database() -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    SEED_MARKER.unlink(missing_ok=True)


# --- Seeding -----------------------------------------------------------------------

TOPICS = [
    "data protection", "field safety", "agile delivery", "procurement", "customer voice",
    "data science", "leadership", "records management", "green operations", "cyber security",
    "project management", "knowledge management", "user research", "supply chain",
    "financial planning", "onboarding", "quality assurance", "data engineering",
    "risk management", "public speaking", "software testing", "logistics",
    "innovation", "facilities", "health and wellbeing",
]  # fmt: skip
KINDS = ["network", "circle", "guild", "forum", "lab", "exchange", "practice", "community"]
AREAS = [
    "everyday projects", "field operations", "the head office", "partner organisations",
    "regional teams", "new services", "audits and reviews", "our daily work",
]  # fmt: skip
FIRST = [
    "Amira", "Kofi", "Mei", "Noah", "Cora", "Sofia", "Liam", "Aisha", "Jonas", "Priya",
    "Mateo", "Yuki", "Fatima", "Lars", "Chloé", "Tariq", "Ingrid", "Diego", "Zara", "Omar",
    "Hannah", "Ravi", "Elena", "Kwame", "Sven", "Leila", "Tomás", "Ana", "Felix", "Nadia",
]  # fmt: skip
LAST = [
    "Haddad", "Mensah", "Tanaka", "Fischer", "Lindqvist", "Reyes", "Okafor", "Novak",
    "Kowalski", "Sato", "Nguyen", "Ibrahim", "Johansson", "Rossi", "Dubois", "Patel",
    "Schmidt", "Moreau", "Silva", "Costa", "Jensen", "Ahmed", "Müller", "Kim", "Popescu",
]  # fmt: skip
LEVEL_WEIGHTS = {"core": 3, "active": 12, "occasional": 25, "peripheral": 45, "transactional": 15}
STAGE_WEIGHTS = {
    "potential": 10,
    "coalescing": 20,
    "maturing": 30,
    "sustaining": 25,
    "transforming": 10,
    "closed": 5,
}
STAGE_PATH = ["potential", "coalescing", "maturing", "sustaining", "transforming", "closed"]


def _community_sizes(rng, count, people, total, biggest):
    """Community sizes: one big community, then a long tail (roughly Zipf), summing to ~total."""
    biggest = min(biggest, people, total)
    weights = [1 / (rank + 1) ** 0.6 for rank in range(1, count)]
    rest = max(total - biggest, 0)
    scale = rest / sum(weights) if weights else 0
    sizes = [min(people, max(5, round(w * scale))) for w in weights]
    rng.shuffle(sizes)
    return [biggest, *sizes]


def seed(scale: float) -> dict:
    """Seed a program with bulk inserts; return what the timing needs."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from childcop.accounts.factories import DEPARTMENTS, JOB_TITLES
    from childcop.accounts.models import User
    from communities.models import (
        Community,
        LeadershipAssignment,
        Membership,
        Objective,
        StageChange,
    )

    rng = random.Random(2026)  # noqa: S311 — benchmark data, not security
    n_communities = max(2, round(COMMUNITIES * scale))
    n_people = max(50, round(PEOPLE * scale))
    n_memberships = max(100, round(MEMBERSHIPS * scale))
    biggest = max(20, round(BIGGEST_COMMUNITY * scale))
    now = timezone.now()
    today = timezone.localdate()
    unusable = make_password(None)

    with transaction.atomic():
        admins = [
            User(
                email=f"admin{n}@bench.example.org",
                display_name=f"Program Admin {n}",
                job_title="Social learning advisor",
                department="Social Learning Team",
                is_program_admin=True,
                is_staff=True,
                password=unusable,
            )
            for n in (1, 2)
        ]
        people = [
            User(
                email=f"person{n:05d}@bench.example.org",
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                job_title=rng.choice(JOB_TITLES),
                department=rng.choice(DEPARTMENTS),
                password=unusable,
                date_joined=now - timedelta(days=rng.randint(0, 1500)),
            )
            for n in range(n_people)
        ]
        User.objects.bulk_create(admins + people, batch_size=2000)
        user_ids = dict(User.objects.values_list("email", "pk"))
        admin_id = user_ids["admin1@bench.example.org"]
        person_ids = [user_ids[p.email] for p in people]

        # Communities: the first is the biggest, maturing and open: the one whose pages are timed.
        names = [f"{t.capitalize()} {k}" for k in KINDS for t in TOPICS]
        rng.shuffle(names)
        stages, stage_weights = zip(*STAGE_WEIGHTS.items(), strict=True)
        communities = []
        for index in range(n_communities):
            name = names[index] if index < len(names) else f"{names[index % len(names)]} {index}"
            topic = name.rsplit(" ", 1)[0]
            stage = "maturing" if index == 0 else rng.choices(stages, stage_weights)[0]
            communities.append(
                Community(
                    name=name,
                    slug=slugify(name),
                    domain=f"{topic} in {rng.choice(AREAS)}",
                    purpose=f"Help everyone who works on {topic.lower()} learn from each other "
                    "and **improve our practice**, one session at a time.",
                    vision="A place where *everyone* can ask for help and share what works.",
                    strategy="- Monthly sessions\n- A shared learning agenda\n- Help requests",
                    value_proposition="Faster answers, fewer repeated mistakes, better careers.",
                    stage=stage,
                    is_open=index == 0 or rng.random() < 0.85,
                )
            )
        Community.objects.bulk_create(communities, batch_size=500)
        community_ids = dict(Community.objects.values_list("slug", "pk"))
        ordered_ids = [community_ids[c.slug] for c in communities]

        stage_changes, objectives = [], []
        for community, cid in zip(communities, ordered_ids, strict=True):
            path = STAGE_PATH[: STAGE_PATH.index(community.stage) + 1]
            start = now - timedelta(days=120 * len(path) + rng.randint(0, 300))
            previous = ""
            for step, to_stage in enumerate(path):
                stage_changes.append(
                    StageChange(
                        community_id=cid,
                        from_stage=previous,
                        to_stage=to_stage,
                        changed_by_id=admin_id,
                        changed_at=start + timedelta(days=120 * step),
                        note="Community created." if not previous else "After the PDCA review.",
                    )
                )
                previous = to_stage
            for position, status in enumerate(["achieved", "in_progress", "planned"]):
                objectives.append(
                    Objective(
                        community_id=cid,
                        title=f"Objective {position + 1} of {community.name}",
                        status=status,
                        position=position,
                    )
                )
        StageChange.objects.bulk_create(stage_changes, batch_size=1000)
        Objective.objects.bulk_create(objectives, batch_size=1000)

        # Memberships: who is in which community.
        sizes = _community_sizes(rng, n_communities, n_people, n_memberships, biggest)
        member_id = person_ids[0]  # the timed member: in the biggest community and a few more
        levels, level_weights = zip(*LEVEL_WEIGHTS.items(), strict=True)
        memberships = []
        for index, (cid, size) in enumerate(zip(ordered_ids, sizes, strict=True)):
            chosen = rng.sample(person_ids, size)
            if index < MEMBER_COMMUNITIES and member_id not in chosen:
                chosen[-1] = member_id
            if index in (3, 4, 5):  # the admin coordinates a few communities
                chosen[0] = admin_id
            has_coordinator = index < 10 or rng.random() < 0.93
            for position, uid in enumerate(chosen):
                coordinator = has_coordinator and position < (2 if size > 300 else 1)
                if coordinator or position < max(3, size // 30):
                    level = "core"
                else:
                    level = rng.choices(levels, level_weights)[0]
                if uid == member_id:
                    coordinator, level = False, "active"
                memberships.append(
                    Membership(
                        community_id=cid,
                        user_id=uid,
                        level=level,
                        is_coordinator=coordinator,
                        joined_on=today - timedelta(days=rng.randint(0, 1100)),
                        added_by_id=admin_id if position % 3 == 0 else None,
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=2000)

        # Leadership roles: a few per community, more in big ones; some people hold two.
        membership_ids = {
            (cid, uid): pk for pk, cid, uid in Membership.objects.values_list("pk", "community_id", "user_id")
        }  # fmt: skip
        roles = [
            "community_keeper", "social_reporter", "agenda_activist",
            "external_messenger", "critical_friend", "institutional_broker",
        ]  # fmt: skip
        assignments = []
        by_community: dict[int, list[int]] = {}
        for m in memberships:
            by_community.setdefault(m.community_id, []).append(m.user_id)
        for cid, uids in by_community.items():
            for uid in uids[: 3 + len(uids) // 40]:
                for role in rng.sample(roles, rng.choice([1, 1, 2])):
                    assignments.append(
                        LeadershipAssignment(membership_id=membership_ids[(cid, uid)], role=role)
                    )
        LeadershipAssignment.objects.bulk_create(assignments, batch_size=2000)

    return {
        "communities": len(communities),
        "people": len(admins) + len(people),
        "memberships": len(memberships),
        "leadership roles": len(assignments),
        "stage changes": len(stage_changes),
    }


def subjects() -> dict:
    """The users and the community the timing uses (also for --reuse)."""
    from django.db.models import Count

    from childcop.accounts.models import User
    from communities.models import Community

    admin = User.objects.get(email="admin1@bench.example.org")
    member = User.objects.get(email="person00000@bench.example.org")
    community = (
        Community.objects.filter(memberships__user=member)
        .annotate(size=Count("memberships"))
        .order_by("-size", "pk")
        .first()
    )  # the biggest community, which the member belongs to
    return {"admin": admin, "member": member, "community": community}


# --- Timing ------------------------------------------------------------------------


@dataclass
class Result:
    page: str
    path: str
    role: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    target: Target
    error: str = ""

    @property
    def misses(self) -> list[str]:
        if self.error or self.status != 200:
            return [self.error or f"HTTP {self.status}"]
        missed = []
        if self.median_ms > self.target.median_ms:
            missed.append("median")
        if self.p95_ms > self.target.p95_ms:
            missed.append("p95")
        if self.queries > self.target.max_queries:
            missed.append("queries")
        return missed


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_page(client, label, path, role, target, requests, warmup=2) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        # Counted apart from the timed requests: capturing queries slows them down.
        # Read the count at once: every request clears the connection's query log.
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries = len(captured.captured_queries)
        if response.status_code != 200:
            return Result(label, path, role, response.status_code, queries, 0, 0, target)
        for _ in range(warmup):
            client.get(path)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                return Result(label, path, role, response.status_code, queries, 0, 0, target)
    except Exception as error:  # noqa: BLE001 — reported in the table, and the run fails
        traceback.print_exc()
        return Result(label, path, role, 0, 0, 0, 0, target, error=type(error).__name__)
    return Result(
        label,
        path,
        role,
        200,
        queries,
        statistics.median(samples),
        percentile(samples, 0.95),
        target,
    )


def print_table(results: list[Result]) -> None:
    headers = ["page", "role", "status", "median ms", "p95 ms", "queries", "target", "result"]
    rows = [
        [
            f"{r.page} {r.path}",
            r.role,
            str(r.status or "-"),
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            str(r.queries),
            str(r.target),
            "ok" if not r.misses else "MISSED: " + ", ".join(r.misses),
        ]
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    numeric = {2, 3, 4, 5}

    def line(cells):
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m childcop.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--requests", type=int, default=20, help="timed requests per page and role (default 20)"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the program's size (default 1.0)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse var/bench/ if it was seeded already"
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.scale <= 0:
        parser.error("--requests must be at least 1 and --scale positive")

    started = time.perf_counter()
    configure_environment()
    reuse = args.reuse and SEED_MARKER.exists()
    if not reuse:
        fresh_database()

    import django

    # Whitenoise warns that staticfiles/ is missing: the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    print(f"childcop bench: {connection.vendor} database at {DB_PATH.relative_to(BASE_DIR)}")
    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - step:.1f} s.")
    if reuse:
        print("Reusing the seeded program (--reuse).")
    else:
        step = time.perf_counter()
        counts = seed(args.scale)
        SEED_MARKER.write_text(f"scale={args.scale}\n")
        summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        print(f"Seeded {summary} in {time.perf_counter() - step:.1f} s.")

    who = subjects()
    community = who["community"]
    print(
        f"Timing {args.requests} requests per page (after 2 warm-up requests) as a program admin "
        f"and as a member; <slug> is {community.slug} "
        f"({community.memberships.count():,} members)."
    )
    print()

    results = []
    for role in ROLES:
        client = Client()
        client.force_login(who[role])
        for label, path, target in PAGES:
            url = path.format(slug=community.slug)
            result = time_page(client, label, url, role, target, args.requests)
            result.path = path.replace("{slug}", "<slug>")
            results.append(result)
    print_table(results)

    errors = [r for r in results if r.error or r.status != 200]
    missed = [r for r in results if r.misses]
    print()
    print(f"Total time: {time.perf_counter() - started:.1f} s.")
    if errors:
        print(f"FAILED: {len(errors)} page(s) did not answer 200.")
        return 2
    if missed:
        print(f"FAILED: {len(missed)} of {len(results)} page timings missed their targets.")
        return 1
    print(f"All {len(results)} page timings met their targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
