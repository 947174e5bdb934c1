"""Support requests to the social learning team: a coordinator asks for their community
(practice groups ask from their group page, practice_groups.views.support_create), and the
team's queue under /program/support/ where a program admin takes each request on.

The requests are SupportRequest rows (community, optional group; communities.health.models);
the workflows are services.support.request_support / update_support.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import done, paginate, posted

from ..choices import SupportStatus
from ..filters import SupportFilter
from ..forms import SupportAssignForm, SupportRequestForm, SupportUpdateForm, program_admins
from ..models import SupportRequest
from ..services.support import request_support, update_support

RECENT_REQUESTS = 20  # shown to the coordinator beside the form

STATUS_RANK = Case(
    *(When(status=value, then=Value(rank)) for rank, value in enumerate(SupportStatus.values)),
    default=Value(len(SupportStatus.values)),
    output_field=IntegerField(),
)


@require_http_methods(["GET", "POST"])
def support_request(request, slug):
    """A coordinator asks the social learning team for coaching, launch help, facilitation,
    technology or logistics; the page lists the community's requests and their answers."""
    community = get_community_for_user(
        request.user, slug, require=permissions.can_request_community_support
    )
    form = SupportRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        support = request_support(form, community=community, by=request.user)
        return done(
            request,
            f"Your request for {support.get_kind_display().lower()} is in the social learning "
            "team's queue. You will find its status and their note below.",
            "communities:support_request",
            community.slug,
        )
    requests = community.support_requests.select_related(
        "group", "requested_by", "handled_by"
    ).order_by("-created_at", "-id")[:RECENT_REQUESTS]
    return render(
        request,
        "communities/health/support_request.html",
        {"community": community, "form": form, "requests": requests},
    )


def _require_queue(request):
    if not permissions.can_manage_support(request.user):
        raise PermissionDenied


def _queue(request):
    queryset = (
        SupportRequest.objects.select_related("community", "group", "requested_by", "handled_by")
        .annotate(status_rank=STATUS_RANK)
        .order_by("status_rank", "-created_at", "-id")
    )
    return SupportFilter(request.GET, queryset=queryset, request=request)


@require_GET
def support_queue(request):
    """The social learning team's queue: requests from coordinators and practice groups."""
    _require_queue(request)
    partial = bool(request.htmx and not request.htmx.boosted)  # the table only
    filterset = _queue(request)
    admins = list(program_admins().only("pk", "display_name", "email"))
    context = {
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        # each row's select: these, and its assignee if they have left the team since
        "admins": admins,
        "admin_ids": {admin.pk for admin in admins},
        "statuses": SupportStatus.choices,
        "partial": partial,
    }
    template = (
        "communities/health/_support_table.html"
        if partial
        else "communities/health/support_queue.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def support_update(request, pk):
    """Assign a request and move its status (the queue's inline form), or also write the note
    the requester reads (this page)."""
    _require_queue(request)
    support = get_object_or_404(
        SupportRequest.objects.select_related("community", "group", "requested_by", "handled_by"),
        pk=pk,
    )
    quick = request.method == "POST" and request.POST.get("quick") == "1"
    form = (SupportAssignForm if quick else SupportUpdateForm)(posted(request), instance=support)
    if request.method == "POST" and form.is_valid():
        support = update_support(form, by=request.user)
        assignee = f" — assigned to {support.handled_by}" if support.handled_by else ""
        messages.success(
            request,
            f"{support.get_kind_display()} for {support.group or support.community}: "
            f"{support.get_status_display().lower()}{assignee}.",
        )
        target = redirect("program:support_queue")
        query = QueryDict(request.POST.get("query", "").removeprefix("?")).urlencode()
        if query:
            target["Location"] += f"?{query}"
        return target
    if quick:  # an invalid quick edit: the full form with the errors, the note as it was
        data = request.POST.copy()
        data["note"] = support.note
        form = SupportUpdateForm(data, instance=support)
        form.is_valid()
    return render(
        request, "communities/health/support_update.html", {"form": form, "support": support}
    )
