"""Closing a community with its legacy (the social learning team), and reading the legacy.

A closed community is read-only: `childcop.permissions` refuses every write to it.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import done, posted

from .. import services
from ..forms import ClosureForm
from ..models import Legacy


@require_http_methods(["GET", "POST"])
def community_close(request, slug):
    """The admin closes a community, recording its legacy; the stage history keeps the note."""
    community = get_community_for_user(request.user, slug, require=permissions.can_close_community)
    form = ClosureForm(posted(request), instance=Legacy.objects.filter(community=community).first())
    if request.method == "POST" and form.is_valid():
        services.close(community, by=request.user, **form.cleaned_data)
        return done(
            request,
            f"{community.name} is closed. Its history stays readable; its legacy is kept.",
            community,
        )
    return render(request, "communities/closure_form.html", {"community": community, "form": form})


@require_GET
def legacy(request, slug):
    community = get_community_for_user(request.user, slug)
    record = get_object_or_404(Legacy.objects.select_related("closed_by"), community=community)
    return render(
        request, "communities/closure_legacy.html", {"community": community, "legacy": record}
    )
