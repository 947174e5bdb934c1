"""Plan–do–check–act reviews: a community's review history, writing a review, and the
program admins' list of reviews due.

Who may do what is answered by childcop.permissions (the "PDCA reviews, closure and
cultivation" block); a closed community is read-only there, so writing a review refuses.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import done, paginate, posted, save_with
from communities.choices import Stage
from communities.models import Community

from ..forms import PdcaReviewForm
from ..models import PdcaReview

DUE_WITHIN_DAYS = 14


@require_GET
def review_list(request, slug):
    """The review history of one community: its members (and admins) read it."""
    community = get_community_for_user(request.user, slug, require=permissions.can_read_reviews)
    reviews = (
        community.pdca_reviews.select_related("written_by")
        .prefetch_related("stories")
        .order_by("-created_at", "-id")
    )
    context = {
        "community": community,
        "page": paginate(request, reviews),
        "can_write": permissions.can_write_review(request.user, community),
        "read_only": permissions.is_read_only(community),
    }
    return render(request, "communities/pdca_list.html", context)


@require_GET
def review_detail(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_read_reviews)
    review = get_object_or_404(
        community.pdca_reviews.select_related("written_by").prefetch_related("stories"), pk=pk
    )
    return render(
        request, "communities/pdca_detail.html", {"community": community, "review": review}
    )


@require_http_methods(["GET", "POST"])
def review_create(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_write_review)
    form = PdcaReviewForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            review = save_with(
                form, community=community, stage=community.stage, written_by=request.user
            )
        due = f"The next one is due on {review.next_review_on:%d %b %Y}."
        return done(request, f"The review was saved. {due}", "communities:pdca_reviews", slug)
    return render(request, "communities/pdca_form.html", {"community": community, "form": form})


@require_GET
def reviews_due(request):
    """Program admins: communities whose next review is due within 14 days, or overdue."""
    permissions.require_program_admin(request.user)
    today = timezone.localdate()
    latest = PdcaReview.objects.filter(community=OuterRef("pk")).order_by("-created_at", "-id")
    communities = (
        Community.objects.exclude(stage=Stage.CLOSED)
        .annotate(
            next_review_on=Subquery(latest.values("next_review_on")[:1]),
            last_review_at=Subquery(latest.values("created_at")[:1]),
        )
        .filter(next_review_on__lte=today + timedelta(days=DUE_WITHIN_DAYS))
        .order_by("next_review_on", "name")
    )
    return render(
        request,
        "communities/pdca_due.html",
        {"page": paginate(request, communities), "today": today},
    )
