"""Project-level pages: the home page and the health endpoint."""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from childcop import permissions
from childcop.accounts.models import User
from communities.choices import Stage
from communities.models import Community, Membership, StageChange


def home(request):
    user = request.user
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("community")
        .annotate(member_count=Count("community__memberships", distinct=True))
        .order_by("-is_coordinator", "community__name")
    )
    memberships = list(memberships)
    context = {"memberships": memberships, "is_sponsor": permissions.is_sponsor(user)}
    # The coordinator's cultivation checklist: what is still open this quarter (one query,
    # none for someone who coordinates nothing).
    from communities.cultivation import current_quarter, open_activities

    open_by_community = open_activities(user, memberships)
    context["cultivation"] = [
        (m.community, open_by_community[m.community_id])
        for m in memberships
        if m.community_id in open_by_community and open_by_community[m.community_id]
    ]
    context["quarter"] = current_quarter()
    if permissions.is_program_admin(user):
        without_coordinator = Community.objects.exclude(stage=Stage.CLOSED).exclude(
            Exists(Membership.objects.filter(community=OuterRef("pk"), is_coordinator=True))
        )
        by_stage = dict(Community.objects.values_list("stage").annotate(n=Count("id")).order_by())
        context["program"] = {
            "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
            "communities": sum(by_stage.values()),
            "people": User.objects.filter(is_active=True).count(),
            "memberships": Membership.objects.count(),
            "without_coordinator": without_coordinator.order_by("name")[:10],
            "without_coordinator_count": without_coordinator.count(),
            "recent_changes": StageChange.objects.exclude(from_stage="").select_related(
                "community", "changed_by"
            )[:6],
        }
    else:
        context["suggestions"] = (
            Community.objects.for_user(user)
            .filter(is_open=True)
            .exclude(Q(stage=Stage.CLOSED) | Q(memberships__user=user))
            .annotate(member_count=Count("memberships"))
            .order_by("-member_count", "name")[:5]
        )
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
