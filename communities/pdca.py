"""Plan–do–check–act reviews, closure with a legacy, the review-due reminders and demo data.

Who may do what is answered by childcop.permissions (the "PDCA reviews, closure and
cultivation" block); a closed community is read-only there, so every write below refuses.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import paginate, posted

from . import services
from .choices import Stage
from .models import Community, Legacy, Membership, PdcaReview

logger = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 14
REVIEW_DUE = "pdca_review_due"


# --- forms -------------------------------------------------------------------------------


class PdcaReviewForm(forms.ModelForm):
    class Meta:
        model = PdcaReview
        fields = [
            "audience",
            "purpose",
            "members_needs",
            "what_ran",
            "engagement",
            "value_assessed",
            "indicators",
            "stories",
            "sustain",
            "change",
            "act",
            "next_review_on",
        ]
        widgets = {
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
            "stories": forms.CheckboxSelectMultiple,
            "act": forms.RadioSelect,
        }
        for name in ("audience", "purpose", "members_needs", "what_ran", "engagement"):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
        for name in ("value_assessed", "indicators", "sustain", "change"):
            widgets[name] = forms.Textarea(attrs={"rows": 3})

    PARTS = {
        "Plan": ["audience", "purpose", "members_needs"],
        "Do": ["what_ran", "engagement"],
        "Check": ["value_assessed", "indicators", "stories"],
        "Act": ["sustain", "change", "act", "next_review_on"],
    }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from value_stories.choices import Status

        self.fields["stories"].queryset = community.value_stories.filter(
            status=Status.APPROVED
        ).order_by("-id")
        self.fields["stories"].help_text = "Approved value-creation stories of this community."
        self.fields["stories"].label = "Value-creation stories"

    def clean_next_review_on(self):
        value = self.cleaned_data["next_review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The next review lies in the future.")
        return value

    def parts(self):
        return [(title, [self[name] for name in names]) for title, names in self.PARTS.items()]


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Legacy
        fields = ["kept", "members_go", "closing_note"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


# --- views -------------------------------------------------------------------------------


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
            review = form.save(commit=False)
            review.community = community
            review.stage = community.stage
            review.written_by = request.user
            review.save()
            form.save_m2m()
        messages.success(
            request,
            f"The review was saved. The next one is due on {review.next_review_on:%d %b %Y}.",
        )
        return redirect("communities:pdca_reviews", slug=community.slug)
    return render(request, "communities/pdca_form.html", {"community": community, "form": form})


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


@require_http_methods(["GET", "POST"])
def community_close(request, slug):
    """The admin closes a community, recording its legacy; the stage history keeps the note."""
    community = get_community_for_user(request.user, slug, require=permissions.can_close_community)
    form = ClosureForm(posted(request), instance=Legacy.objects.filter(community=community).first())
    if request.method == "POST" and form.is_valid():
        close(community, by=request.user, **form.cleaned_data)
        messages.success(
            request, f"{community.name} is closed. Its history stays readable; its legacy is kept."
        )
        return redirect(community)
    return render(request, "communities/closure_form.html", {"community": community, "form": form})


def legacy(request, slug):
    community = get_community_for_user(request.user, slug)
    record = get_object_or_404(Legacy.objects.select_related("closed_by"), community=community)
    return render(
        request, "communities/closure_legacy.html", {"community": community, "legacy": record}
    )


@transaction.atomic
def close(community, *, by, kept, members_go, closing_note) -> Legacy:
    """Move the community to *closed* (stage history with the note) and keep its legacy."""
    services.change_stage(community, to_stage=Stage.CLOSED, by=by, note=closing_note)
    record, _ = Legacy.objects.update_or_create(
        community=community,
        defaults={
            "kept": kept,
            "members_go": members_go,
            "closing_note": closing_note,
            "closed_by": by,
            "closed_at": timezone.now(),
        },
    )
    return record


# --- the job: reviews falling due ---------------------------------------------------------


def due_reviews(today):
    """The latest review of each open community whose next review is today or past."""
    latest_pk = Subquery(
        PdcaReview.objects.filter(community=OuterRef("community"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return (
        PdcaReview.objects.filter(pk=latest_pk, next_review_on__lte=today)
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("next_review_on", "pk")
    )


def due_key(review) -> str:
    return f"{review.community_id}:{review.next_review_on}"


def review_due_message(review, user) -> EmailMultiAlternatives:
    community = review.community
    context = {
        "user": user,
        "community": community,
        "review": review,
        "url": settings.SITE_URL + reverse("communities:pdca_create", args=[community.slug]),
    }
    return EmailMultiAlternatives(
        subject=f"Plan–do–check–act review due: {community.name}",
        body=render_to_string("communities/email/pdca_review_due.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )


def send_review_reminders(today=None) -> int:
    """Remind the coordinators, once per community and review date (claimed before sending)."""
    from .rhythm.jobs import _send_claimed

    today = today or timezone.localdate()
    sent = 0
    for review in due_reviews(today):
        coordinators = Membership.objects.filter(
            community_id=review.community_id, is_coordinator=True, user__is_active=True
        ).select_related("user")
        for membership in coordinators.order_by("user_id"):
            if _send_claimed(
                membership.user,
                REVIEW_DUE,
                due_key(review),
                lambda r=review, u=membership.user: review_due_message(r, u),
            ):
                sent += 1
    if sent:
        logger.info("Sent %d PDCA review reminder(s)", sent)
    return sent


# --- demo data ----------------------------------------------------------------------------


def seed_demo(rng, now):
    """PDCA reviews, the closed "paper-free-office" with its legacy, checklists, coaching."""
    from childcop.accounts.models import User
    from value_stories.choices import Status

    from .cultivation import seed_demo as seed_cultivation

    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    today = timezone.localdate(now)
    for community in Community.objects.exclude(stage__in=[Stage.CLOSED, Stage.POTENTIAL]).order_by(
        "pk"
    )[:4]:
        if community.pdca_reviews.exists():
            continue
        coordinator = community.memberships.filter(is_coordinator=True).select_related("user")
        author = coordinator.first().user if coordinator.exists() else admin
        for turn in range(rng.randint(1, 3), 0, -1):
            written = now - timedelta(days=90 * turn + rng.randint(0, 10))
            review = PdcaReview.objects.create(
                community=community,
                stage=community.stage,
                audience="Practitioners across the regional offices who share the domain.",
                purpose="Fewer repeated mistakes; ties to the organisation's vision of "
                "learning from practice.",
                members_needs="Quick answers to tricky cases; a place to compare approaches.",
                what_ran="Monthly case clinics, two webinars, a shared checklist.",
                engagement="A steady core of eight; newcomers mostly read, some ask.",
                value_assessed="Members report time saved and fewer escalations.",
                indicators="Attendance per session: 14\nHelp requests answered within 3 days: 80%",
                sustain="The case clinic format.",
                change="Invite newcomers to present a case.",
                act=rng.choice([PdcaReview.Act.LOOP, PdcaReview.Act.NEXT_STAGE]),
                next_review_on=(written + timedelta(days=90)).date(),
                written_by=author,
                created_at=written,
            )
            review.stories.set(community.value_stories.filter(status=Status.APPROVED)[:2])
        # the latest one falls due soon, so the admin's list has something to show
        latest = community.pdca_reviews.order_by("-created_at").first()
        latest.next_review_on = today + timedelta(days=rng.randint(-5, 20))
        latest.save(update_fields=["next_review_on"])

    paper = Community.objects.filter(slug="paper-free-office").first()
    if paper is None:
        paper = services.create_community(
            by=admin,
            name="Paper-free office",
            domain="Working without paper: scanning, e-signatures, digital archives",
            stage=Stage.SUSTAINING,
            is_open=True,
        )
    legacy_text = {
        "kept": "The scanning guide, the e-signature checklist and the archive FAQ stay in "
        "shared memory.",
        "members_go": "Most members joined the Digital workplace community.",
        "closing_note": "Paper-free working is now the norm: the community achieved its purpose.",
    }
    if paper.stage == Stage.CLOSED and not Legacy.objects.filter(community=paper).exists():
        Legacy.objects.create(community=paper, closed_by=admin, **legacy_text)
    if paper.stage != Stage.CLOSED:
        close(
            paper,
            by=admin,
            kept="The scanning guide, the e-signature checklist and the archive FAQ stay in "
            "shared memory.",
            members_go="Most members joined the Digital workplace community.",
            closing_note="Paper-free working is now the norm: the community achieved its purpose.",
        )
    seed_cultivation(rng, now)
