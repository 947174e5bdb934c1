"""Project-level pages: the home page and the health endpoint."""

import logging
import sys

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from childcop import aggregates, needs, permissions
from childcop.accounts.models import User
from childcop.context_processors import remember_sponsor
from communities.choices import Stage
from communities.models import Community, Membership, StageChange

SUGGESTIONS = 5


def program_figures() -> dict:
    """Figures over the whole program, computed once per generation of the "program"
    aggregate (childcop.aggregates: any write to communities, memberships or people
    starts a new one). Plain data, cached."""
    coordinated = Exists(Membership.objects.filter(community=OuterRef("pk"), is_coordinator=True))
    without_coordinator = Community.objects.exclude(stage=Stage.CLOSED).exclude(coordinated)
    member_counts = dict(
        Membership.objects.values_list("community_id").annotate(n=Count("id")).order_by()
    )
    # Communities anyone may join (open, launched, not closed), the biggest first.
    joinable = [
        (c["pk"], c["name"], c["slug"], c["domain"], member_counts.get(c["pk"], 0))
        for c in Community.objects.filter(is_open=True)
        .exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED])
        .values("pk", "name", "slug", "domain")
    ]
    joinable.sort(key=lambda c: (-c[4], c[1]))
    return {
        "by_stage": dict(Community.objects.values_list("stage").annotate(n=Count("id")).order_by()),
        "people": User.objects.filter(is_active=True).count(),
        "memberships": sum(member_counts.values()),
        "without_coordinator": list(
            without_coordinator.order_by("name").values("name", "slug")[:10]
        ),
        "without_coordinator_count": without_coordinator.count(),
        "member_counts": member_counts,
        "joinable": joinable,
    }


@require_GET
def home(request):
    user = request.user
    # Program-wide figures come from the cache (one query for their generation): they read
    # every membership, and the page must cost the same in a program of any size.
    # (with the generation of "Needs you", in the same query)
    current = aggregates.tokens(["program", aggregates.NEEDS])
    figures = aggregates.cached("program", "figures", program_figures, current=current["program"])
    # with what a newcomer's "Needs you" items show (childcop.needs.memberships_of)
    memberships = list(needs.memberships_of(user).order_by("-is_coordinator", "community__name"))
    for m in memberships:
        m.member_count = figures["member_counts"].get(m.community_id, 0)
    is_sponsor = permissions.is_sponsor(user)
    remember_sponsor(request, is_sponsor)
    # What waits for the person, first (childcop.needs: a few queries per role they hold,
    # whatever the number of their communities; kept until anything they read changes).
    waiting = needs.for_person(
        user, memberships, is_sponsor=is_sponsor, current=current[aggregates.NEEDS]
    )
    context = {
        "memberships": memberships,
        "is_sponsor": is_sponsor,
        "needs": needs.grouped(waiting),
        "needs_count": sum(need.count for need in waiting),
    }
    # The coordinator's cultivation checklist: what is still open this quarter (one query,
    # none for someone who coordinates nothing).
    from communities.stewardship.services import current_quarter, open_activities

    open_by_community = open_activities(user, memberships)
    context["cultivation"] = [
        (m.community, open_by_community[m.community_id])
        for m in memberships
        if m.community_id in open_by_community and open_by_community[m.community_id]
    ]
    context["quarter"] = current_quarter()
    if permissions.is_program_admin(user):
        by_stage = figures["by_stage"]
        context["program"] = {
            "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
            "communities": sum(by_stage.values()),
            "people": figures["people"],
            "memberships": figures["memberships"],
            "without_coordinator": figures["without_coordinator"],
            "without_coordinator_count": figures["without_coordinator_count"],
            "recent_changes": StageChange.objects.exclude(from_stage="").select_related(
                "community", "changed_by"
            )[:6],
        }
    else:
        mine = {m.community_id for m in memberships}
        context["suggestions"] = [
            {"name": name, "slug": slug, "domain": domain, "member_count": n}
            for pk, name, slug, domain, n in figures["joinable"][: SUGGESTIONS + len(mine)]
            if pk not in mine
        ][:SUGGESTIONS]
    return render(request, "home.html", context)


@require_GET
@never_cache
@permissions.public
def healthz(request):
    """Database and broker reachability, as JSON: 200 when both answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 — any failure means "not reachable"
        checks["database"] = f"error: {error.__class__.__name__}"
    try:
        from django.conf import settings

        from childcop.celery import app

        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel  # noqa: B018 — opening the channel proves the broker answers
        checks["broker"] = "ok"
    except Exception as error:  # noqa: BLE001
        checks["broker"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@require_GET
@permissions.public
def admin_login(request, extra_context=None):
    """The admin signs people in through the product's own login page, never a second form."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            next_url = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(next_url if safe else "admin:index")
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(reverse("account_login") + "?" + urlencode({"next": next_url}))


# The database down, restarting, locked past the wait, or a statement cut by its timeout.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
logger = logging.getLogger(__name__)


def database_unavailable(request, exception):
    """The 503 page: rendered without the database (no signed-in person, no session)."""
    logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """handler500: an unavailable database answers 503 wherever it was found; anything
    else is Django's own 500 page."""
    from django.views.defaults import server_error as django_server_error

    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    return django_server_error(request)
