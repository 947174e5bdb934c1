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

from childcop import aggregates, needs, parts, permissions
from childcop.accounts.models import User
from childcop.context_processors import remember_sponsor
from communities.choices import Stage
from communities.models import Community, Membership, StageChange

SUGGESTIONS = 5


class ProgramFigures:
    """The home page's figures over the whole program (communities by stage, memberships,
    communities without a coordinator, members per community, the communities anyone may
    join), assembled from a part per community (childcop.parts.cached_parts): after a
    write in one community — someone joins, say — that community's part alone is read
    again, whatever the size of the program. Plain data, cached."""

    @staticmethod
    def compute(variant, ids) -> dict:
        coordinated = Exists(
            Membership.objects.filter(community=OuterRef("pk"), is_coordinator=True)
        )
        found = dict.fromkeys(ids)  # a community deleted since: no part
        for row in (
            Community.objects.filter(pk__in=ids)
            .annotate(members=Count("memberships"), coordinated=coordinated)
            .values_list("pk", "name", "slug", "domain", "stage", "is_open", "members",
                         "coordinated")
        ):  # fmt: skip
            found[row[0]] = row
        return found

    @staticmethod
    def start() -> dict:
        return {}

    @staticmethod
    def add(total: dict, part, sign: int) -> None:
        if part is None:
            return
        if sign > 0:
            total[part[0]] = part
        else:
            total.pop(part[0], None)

    @staticmethod
    def finish(total: dict) -> dict:
        communities = sorted(total.values(), key=lambda p: (p[1], p[0]))
        by_stage = {}
        for part in communities:
            by_stage[part[4]] = by_stage.get(part[4], 0) + 1
        without = [
            {"name": name, "slug": slug}
            for _, name, slug, _, stage, _, _, coordinated in communities
            if stage != Stage.CLOSED and not coordinated
        ]
        # Communities anyone may join (open, launched, not closed), the biggest first.
        joinable = [
            (pk, name, slug, domain, members)
            for pk, name, slug, domain, stage, is_open, members, _ in communities
            if is_open and stage not in (Stage.POTENTIAL, Stage.CLOSED)
        ]
        joinable.sort(key=lambda c: (-c[4], c[1]))
        member_counts = {part[0]: part[6] for part in communities if part[6]}
        return {
            "by_stage": by_stage,
            "memberships": sum(member_counts.values()),
            "without_coordinator": without[:10],
            "without_coordinator_count": len(without),
            "member_counts": member_counts,
            "joinable": joinable,
        }


def program_figures(current: dict) -> dict:
    """The program's figures (`ProgramFigures`) and the number of people, each cached:
    `current`, the tokens of "program" (the list of communities), "people" and
    "communities" (aggregates.tokens)."""
    ids = aggregates.cached(
        "program",
        "community-ids",
        lambda: list(Community.objects.order_by("pk").values_list("pk", flat=True)),
        current=current["program"],
    )
    figures = parts.cached_parts(
        "figures", dict.fromkeys(ids, "all"), ProgramFigures,
        current=current[aggregates.COMMUNITIES],
    )  # fmt: skip
    people = aggregates.cached(
        "people",
        "active",
        lambda: User.objects.filter(is_active=True).count(),
        current=current["people"],
    )
    return {**figures, "people": people}


def warm_program_figures(ids) -> None:
    """After a write to a few communities (childcop.warming): the program's figures with
    their new parts, as the home page asks for them."""
    program_figures(aggregates.tokens(["program", "people", aggregates.COMMUNITIES]))


# What the program's figures on the home page show (its cached fragment's key).
FIGURES_SHOWN = [
    "stages", "communities", "people", "memberships", "without_coordinator",
    "without_coordinator_count",
]  # fmt: skip


@require_GET
def home(request):
    user = request.user
    # Program-wide figures come from the cache (one query for their generations, with the
    # generation of "Needs you"): they read every membership, and the page must cost the
    # same in a program of any size.
    # with what a newcomer's "Needs you" items show (childcop.needs.memberships_of)
    memberships = needs.home_memberships(user)
    current = aggregates.tokens(
        ["program", "people", "stage-changes", aggregates.COMMUNITIES,
         *needs.token_names(m.community_id for m in memberships)]
    )  # fmt: skip
    figures = program_figures(current)
    for m in memberships:
        m.member_count = figures["member_counts"].get(m.community_id, 0)
    is_sponsor = permissions.is_sponsor(user)
    remember_sponsor(request, is_sponsor)
    # What waits for the person, first (childcop.needs: a few queries per role they hold,
    # whatever the number of their communities; kept until anything they read changes).
    waiting, needs_key = needs.for_person(
        user, memberships, is_sponsor=is_sponsor, current=current, with_key=True
    )
    context = {
        "memberships": memberships,
        "is_sponsor": is_sponsor,
        "needs": needs.grouped(waiting),
        "needs_count": sum(need.count for need in waiting),
        # the section as drawn is kept under this (a program admin's holds some eighty lines)
        "needs_key": needs_key,
        "needs_minutes": needs.KEPT_MINUTES * 60,
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
            # asked only when drawn: kept as drawn under the generation of stage changes
            "recent_changes": StageChange.objects.exclude(from_stage="").select_related(
                "community", "changed_by"
            )[:6],
        }
        # the figures as shown; the stage changes under their generation
        context["program"]["figures_key"] = aggregates.fragment_key(
            *(context["program"][key] for key in FIGURES_SHOWN)
        )
        context["program"]["changes_key"] = aggregates.fragment_key(current["stage-changes"])
    else:
        mine = {m.community_id for m in memberships}
        context["suggestions"] = [
            {"name": name, "slug": slug, "domain": domain, "member_count": n}
            for pk, name, slug, domain, n in figures["joinable"][: SUGGESTIONS + len(mine)]
            if pk not in mine
        ][:SUGGESTIONS]
    # "My communities" as drawn is kept under what it shows
    context["mine_key"] = aggregates.fragment_key(
        [
            (m.community_id, m.community.name, m.community.slug, m.community.domain,
             m.community.stage, m.level, m.is_coordinator, m.joined_on, m.member_count)
            for m in memberships
        ],
        context.get("suggestions"),
    )  # fmt: skip
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
