"""What the benchmark adds to the product it serves (`make bench`), and nothing else uses.

- `ServerTimingMiddleware`, outermost: the time the process spent on each request, from
  the first middleware in to the response out, in a `Server-Timing` header, with the
  number of SQL queries and the time spent in them. The load generator reads it, so the
  figures exclude the network and the client.
- `bare`: the baseline, "a trivial view served by the same process" (issue 8): signed
  in, through the whole middleware stack (session, user, CSRF, messages…), answered with
  a few bytes and no template. Pages are measured as multiples of it.
- `trivial`: the layout page, reported beside it: the product's layout with nothing in
  it, no query of its own: what every page of the layout costs before it does anything.
- `write`: what people do in one community between two views of a page, written as the
  product writes it (its services and models, so its signals and invalidations run): a
  person joins, the coordinator logs an activity dated today with twenty attendees, a
  member asks for help, a story is approved. The next view of a page is its first view
  after a write. `?undo=1` deletes what the benchmark wrote, at the end of a run.
- `invalidate`: starts a new generation of every cached aggregate (childcop.aggregates), as
  no single write does but a new release does (its cache prefix is new): the next view of a
  page computes everything it caches ("after a release", reported).

bench.settings puts both in place; the product's settings and URLs do not know them.
"""

from __future__ import annotations

import time

from django.db import connections
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = {"queries": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["queries"] += 1
                counter["seconds"] += time.perf_counter() - started

        started = time.perf_counter()
        with connections["default"].execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["Server-Timing"] = (
            f"app;dur={elapsed * 1000:.3f}, "
            f'db;dur={counter["seconds"] * 1000:.3f};desc="{counter["queries"]} queries"'
        )
        return response


_EMPTY_PAGE = None


@require_GET
def trivial(request):
    """The layout page (reported beside the baseline): a signed-in page of the product's
    layout (base.html: navigation, messages, CSRF token) with nothing in it — no query
    and no logic of its own. Every product page pays this much before doing anything."""
    global _EMPTY_PAGE
    if _EMPTY_PAGE is None:
        from django.template import engines

        _EMPTY_PAGE = engines["django"].from_string(
            '{% extends "base.html" %}{% block title %}Baseline{% endblock %}'
            "{% block content %}<p>Nothing here.</p>{% endblock %}"
        )
    return HttpResponse(_EMPTY_PAGE.render({}, request))


@require_GET
def bare(request):
    """The baseline the targets use: a signed-in request answered with a few bytes, no
    template at all."""
    return HttpResponse(
        f"<!doctype html><title>ok</title><p>Signed in as {request.user.pk}.</p>",
        content_type="text/html; charset=utf-8",
    )


# What the benchmark writes carries this mark (titles), so that it can delete it again.
WRITTEN = "Benchmark write"


@require_GET
def write(request):
    """One round of ordinary writes in the community `?community=<slug>` (see the module)."""
    import random

    from django.db import transaction

    from childcop.accounts.models import User
    from communities.choices import ActivityType, Format
    from communities.learning.models import HelpRequest
    from communities.models import Activity, Attendance, Community, LevelChange, Membership
    from communities.services import join
    from value_stories.choices import Status
    from value_stories.models import ValueStory

    if request.GET.get("undo"):
        with transaction.atomic():
            for model in (Activity, HelpRequest, ValueStory):
                model.objects.filter(title__startswith=WRITTEN).delete()
            LevelChange.objects.filter(
                user__job_title=WRITTEN, changed_at__date__gte=timezone.localdate()
            ).delete()
            Membership.objects.filter(user__job_title=WRITTEN).delete()
            User.objects.filter(job_title=WRITTEN).update(job_title="")
        return HttpResponse(status=204)
    community = Community.objects.get(slug=request.GET["community"])
    members = list(
        Membership.objects.filter(community=community).values_list("user_id", flat=True)[:400]
    )
    rng = random.Random()  # noqa: S311
    coordinator = (
        Membership.objects.filter(community=community, is_coordinator=True)
        .values_list("user_id", flat=True)
        .first()
    )
    with transaction.atomic():
        # a person of the program who is not a member yet joins (marked to be undone)
        newcomer = (
            User.objects.filter(is_active=True, job_title="", pk__gte=rng.randrange(1, 30000))
            .exclude(memberships__community=community)
            .order_by("pk")
            .first()
        )
        if newcomer is not None:
            join(community, newcomer)
            User.objects.filter(pk=newcomer.pk).update(job_title=WRITTEN)
        # the coordinator logs an activity with its attendance (as save_activity does)
        activity = Activity.objects.create(
            community=community,
            date=timezone.localdate(),
            title=f"{WRITTEN}: working session",
            activity_type=ActivityType.values[0],
            format=Format.values[0],
            logged_by_id=coordinator,
        )
        Attendance.objects.bulk_create(
            [
                Attendance(activity=activity, user_id=pk)
                for pk in rng.sample(members, min(20, len(members)))
            ],
            ignore_conflicts=True,
        )
        # a member asks for help
        HelpRequest.objects.create(
            community=community,
            asker_id=rng.choice(members),
            title=f"{WRITTEN}: a question",
            challenge="How do others handle this?",
        )
        # a story is approved
        ValueStory.objects.create(
            community=community,
            author_id=rng.choice(members),
            title=f"{WRITTEN}: a story",
            status=Status.APPROVED,
            activity=activity,
        )
    return HttpResponse(status=204)


@require_GET
def invalidate(request):
    """Every cached aggregate and summary is stale from now on (new random tokens)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE childcop_aggregategeneration "
            "SET token = md5(random()::text || clock_timestamp()::text)"
        )
    return HttpResponse(status=204)
