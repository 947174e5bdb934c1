"""The benchmark's steps that run inside Django, against one benchmark database.

bench.run runs each in a subprocess whose environment points DATABASE_URL at the
database and DJANGO_SETTINGS_MODULE at bench.settings (production mode):

    python -m bench.probe prepare --scale 1 --out var/bench/prepare-large.json
    python -m bench.probe queries --pages '<json>' --subjects '<json>' --out …
    python -m bench.probe job --out var/bench/job.json

- prepare: migrate; seed the program unless the database's marker says it is seeded
  (bench.data); refresh the health status rows when that job exists; sign the
  timed people in (sessions in the database, for the load generator's cookies).
- queries: the SQL queries each page runs, through Django's test client in this process.
- job: the monthly health report job for one tenth of the communities and for all.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import traceback
from pathlib import Path


def _setup():
    import warnings

    import django

    # Whitenoise warns that staticfiles/ is missing: the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def _say(message: str) -> None:
    print(message, flush=True)


class QueryCounter:
    """Counts the queries run on the default connection (cheaper than capturing them)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# --- prepare ----------------------------------------------------------------------------


def _marker(cursor):
    cursor.execute("SELECT version, scale, seeded_at, seconds, counts FROM bench_marker LIMIT 1")
    row = cursor.fetchone()
    if row is None:
        return None
    version, scale, seeded_at, seconds, counts = row
    if isinstance(counts, str):
        counts = json.loads(counts)
    return {
        "version": version,
        "scale": scale,
        "seeded_at": seeded_at.isoformat(),
        "seconds": seconds,
        "counts": counts,
    }


def refresh_status() -> dict:
    """HealthStatus rows for every community, by the product's own job, when it exists."""
    try:
        from communities.health import jobs
    except ImportError:
        return {"available": False}
    refresh = getattr(jobs, "refresh", None)
    if refresh is None:
        return {"available": False}
    from django.db import connection

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        written = refresh()
    return {
        "available": True,
        "rows": written,
        "seconds": round(time.perf_counter() - started, 2),
        "queries": counter.count,
    }


def landscape() -> dict:
    """Time the landscape job (its layout apart): the faster of two runs, and its queries."""
    try:
        from communities.landscape.jobs import refresh
    except ImportError as error:
        return {"available": False, "reason": str(error)}
    from django.db import connection

    runs = []
    for _ in range(2):
        counter, inserts = QueryCounter(), InsertCounter()
        with connection.execute_wrapper(counter), connection.execute_wrapper(inserts):
            result = refresh()
        # the reads are what must not grow with the program; its writes are a few INSERTs
        # and, on PostgreSQL, one COPY of the links and one of the brokers' ties (a COPY
        # runs outside the cursor's execute(): not counted), elsewhere one INSERT per 2,000
        runs.append({**result, "queries": counter.count, "inserts": inserts.count,
                     "reads": counter.count - inserts.count})  # fmt: skip
    return {"available": True, **min(runs, key=lambda run: run["seconds"])}


class InsertCounter(QueryCounter):
    def __call__(self, execute, sql, params, many, context):
        self.count += sql.lstrip().upper().startswith("INSERT")
        return execute(sql, params, many, context)


def subjects() -> dict:
    """The timed people, the community whose page is timed, and what exists to time."""
    from django.db.models import Count
    from django.urls import Resolver404, resolve

    from bench.figures import ADMIN_EMAIL, COORDINATOR_EMAIL, SPONSOR_EMAIL
    from childcop.accounts.models import User
    from communities.models import Community, Membership

    users = {
        "admin": User.objects.get(email=ADMIN_EMAIL),
        "coordinator": User.objects.get(email=COORDINATOR_EMAIL),
        "sponsor": User.objects.get(email=SPONSOR_EMAIL),
    }
    coordinated = Membership.objects.filter(user=users["coordinator"], is_coordinator=True).values(
        "community_id"
    )
    community = (
        Community.objects.filter(pk__in=coordinated)
        .annotate(size=Count("memberships"))
        .order_by("-size", "pk")
        .first()
    )
    from communities.models import Attendance
    from sponsorship.models import Appointment

    portfolio = (
        Appointment.objects.filter(person=users["sponsor"], role="sponsor")
        .values_list("communities", flat=True)
        .count()
    )
    available = {}
    for path in ("/program/", "/api/v1/activities/", "/program/landscape/"):
        try:
            resolve(path)
            available[path] = True
        except Resolver404:
            available[path] = False
    return {
        "users": {role: {"id": u.pk, "email": u.email} for role, u in users.items()},
        "community": {
            "slug": community.slug,
            "name": community.name,
            "members": community.size,
            "attendance": Attendance.objects.filter(activity__community=community).count(),
        },
        "portfolio": portfolio,
        "available": available,
    }


def force_login(client, user) -> None:
    """Sign the client in as `user`; a program admin also gives the second step of two-step
    sign-in, as at the login form (an authenticator app is set up for them when missing)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import RequestFactory

    from childcop import permissions

    client.force_login(user)
    if not permissions.requires_two_step(user):
        return
    authenticator = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        or TOTP.activate(user, generate_totp_secret()).instance
    )
    request = RequestFactory().get("/")
    request.user, request.session = user, client.session
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()


def sign_in(user_ids: dict) -> dict:
    """A session per timed person, as a browser would hold after signing in."""
    from django.conf import settings
    from django.test import Client

    from childcop.accounts.models import User

    cookies, tokens = {}, {}
    for role, user_id in user_ids.items():
        client = Client()
        user = User.objects.get(pk=user_id)
        force_login(client, user)
        cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[role] = api_token(user)
    return {"cookie_name": settings.SESSION_COOKIE_NAME, "cookies": cookies, "tokens": tokens}


def api_token(user) -> str:
    """A personal access token of the user's reading every area (the benchmark's earlier
    ones deleted): its plaintext."""
    from childcop.api.choices import Area
    from childcop.api.models import ApiToken

    ApiToken.objects.filter(user=user, name="bench").delete()
    return ApiToken.issue(user=user, name="bench", areas=Area.values)[1]


def prepare(scale: float) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from bench.data import seed
    from bench.figures import VERSION

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    with connection.cursor() as cursor:
        marker = _marker(cursor)
    result = {"migrate_seconds": round(migrated, 1)}
    if marker is None:
        _say(f"Seeding the program at scale {scale:g} (generated in bulk, then COPY):")
        started = time.perf_counter()
        counts = seed(scale, log=_say)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_marker (version, scale, seeded_at, seconds, counts) "
                "VALUES (%s, %s, now(), %s, %s)",
                [VERSION, scale, seconds, json.dumps(counts)],
            )
            marker = _marker(cursor)
        _say(f"Seeded in {seconds:.0f} s.")
        result["seeded_now"] = True
    else:
        result["seeded_now"] = False
    result["marker"] = marker

    from communities.models import HealthStatus

    if result["seeded_now"] or not HealthStatus.objects.exists():
        status = refresh_status()
        if status["available"]:
            _say(
                f"Health status refreshed: {status['rows']} communities in "
                f"{status['seconds']} s, {status['queries']} queries."
            )
        result["status_refresh"] = status
    try:
        from communities.models import LandscapeSnapshot
    except ImportError:
        LandscapeSnapshot = None
    if LandscapeSnapshot is not None and (
        result["seeded_now"] or not LandscapeSnapshot.objects.exists()
    ):
        result["landscape_refresh"] = landscape()
        _say(f"Landscape computed: {result['landscape_refresh']}.")
    result["subjects"] = subjects()
    ids = {role: u["id"] for role, u in result["subjects"]["users"].items()}
    result["sessions"] = sign_in(ids)
    return result


# --- queries ----------------------------------------------------------------------------


def count_queries(pages: list[dict], user_ids: dict) -> dict:
    """Each page's SQL queries, for its viewer, after one warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from childcop.accounts.models import User

    results = {}
    clients = {}
    for page in pages:
        role = page["role"]
        if role not in clients:
            clients[role] = Client()
            force_login(clients[role], User.objects.get(pk=user_ids[role]))
        client = clients[role]
        headers = {}
        if page.get("token"):  # as a reporting tool reads: the token, no session
            client = Client()
            headers["authorization"] = f"Bearer {api_token(User.objects.get(pk=user_ids[role]))}"
        try:
            client.get(page["path"], headers=headers)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page["path"], headers=headers)
            results[page["key"]] = {
                "status": response.status_code,
                "queries": len(captured.captured_queries),
                "sql": [q["sql"] for q in captured.captured_queries],
                "bytes": len(response.content),
            }
        except Exception as error:  # noqa: BLE001 — reported, and the run fails
            traceback.print_exc()
            results[page["key"]] = {"status": 0, "error": f"{type(error).__name__}: {error}"}
    return results


# --- the monthly report job -------------------------------------------------------------


def _clear_period(period) -> None:
    from childcop.accounts.models import SentEmail
    from communities.health.jobs.reports import KIND, PROGRAM_KIND
    from communities.models import HealthReport, ProgramReport

    HealthReport.objects.filter(period=period).delete()
    ProgramReport.objects.filter(period=period).delete()
    SentEmail.objects.filter(kind__in=[KIND, PROGRAM_KIND]).delete()


# What one email costs in its own transaction: the claim's INSERT, the notification's INSERT
# and the UPDATE of the recipient's unread count (their preference is read per batch).
QUERIES_PER_EMAIL = 3


def _run_job(period, community_ids, *, batch_size=None) -> dict:
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test import override_settings

    from communities.health.jobs import generate_reports

    _clear_period(period)
    mail.outbox = []
    batch_size = batch_size or settings.CHILDCOP_HEALTH_BATCH_SIZE
    counter = QueryCounter()
    with override_settings(CHILDCOP_HEALTH_BATCH_SIZE=batch_size):
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = generate_reports(period, community_ids=community_ids, send_emails=True)
        seconds = time.perf_counter() - started
    emails = result.get("emails", 0) + result.get("program_emails", 0)
    return {
        "communities": result["communities"],
        "batch_size": batch_size,
        "batches": math.ceil(result["communities"] / batch_size),
        "seconds": round(seconds, 3),
        "queries": counter.count,
        "emails": emails,
        # each email is a transaction of its own (mail.send_claimed): its claim, its
        # notification and the recipient's unread count; the rest is the job's own
        "queries_without_emails": counter.count - QUERIES_PER_EMAIL * emails,
        "program_report": result.get("program_report") is not None,
    }


def job() -> dict:
    try:
        from communities.health.services.reports import default_period, reportable_communities
    except ImportError as error:
        return {"available": False, "reason": str(error)}
    from django.core import mail

    period = default_period()
    ids = list(reportable_communities(period).order_by("pk").values_list("pk", flat=True))
    tenth = ids[::10]  # one community in ten, across the program (not the oldest tenth)
    mail.outbox = []
    _say(f"Monthly report job for {period:%B %Y}: {len(tenth)} communities, then all {len(ids)}…")
    _run_job(period, tenth)  # warm-up: templates compiled, caches filled

    def best(*args, **kwargs):
        # the faster of two runs: the machine's other work only ever adds time
        first, second = _run_job(*args, **kwargs), _run_job(*args, **kwargs)
        return min(first, second, key=lambda run: run["seconds"])

    runs = {
        # one tenth of the communities
        "tenth": best(period, tenth),
        # the job as the monthly schedule runs it: every community, and the program report
        "all": best(period, None),
        # every community in ONE batch: a batch's queries must not depend on its size
        "all_one_batch": _run_job(period, ids, batch_size=len(ids)),
    }
    _clear_period(period)
    return {"available": True, "period": period.isoformat(), "runs": runs}


# --- command line -------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("step", choices=["prepare", "queries", "job", "landscape"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pages", default="[]", help="JSON: [{key, path, role}]")
    parser.add_argument("--users", default="{}", help="JSON: {role: user id}")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    _setup()
    if args.step == "prepare":
        result = prepare(args.scale)
    elif args.step == "queries":
        result = count_queries(json.loads(args.pages), json.loads(args.users))
    elif args.step == "landscape":
        result = landscape()
    else:
        result = job()
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
