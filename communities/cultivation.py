"""The coordinator's quarterly cultivation checklist and the social learning team's coaching."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import paginate, posted

from .choices import Level
from .models import (
    CULTIVATING_EXAMPLES,
    CoachingSession,
    Community,
    CultivatingActivity,
    CultivationCheck,
    Membership,
)

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_of(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def current_quarter() -> str:
    return quarter_of(timezone.localdate())


def previous_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def open_activities(user, memberships) -> dict:
    """Per coordinated community id, the cultivating activities not done this quarter.

    One query (none when the user coordinates nothing): the checks marked done.
    """
    coordinated = [m.community_id for m in memberships if m.is_coordinator]
    if not coordinated:
        return {}
    done = set(
        CultivationCheck.objects.filter(
            coordinator=user, quarter=current_quarter(), done=True, community_id__in=coordinated
        ).values_list("community_id", "activity")
    )
    return {
        community_id: [a for a in CultivatingActivity if (community_id, a.value) not in done]
        for community_id in coordinated
    }


class ChecklistForm(forms.Form):
    def __init__(self, *args, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for activity in CultivatingActivity:
            check = checks.get(activity.value)
            self.fields[f"{activity.value}-done"] = forms.BooleanField(
                label=f"{activity.label}: done",
                required=False,
                initial=bool(check and check.done),
            )
            self.fields[f"{activity.value}-note"] = forms.CharField(
                label=f"{activity.label}: note",
                required=False,
                max_length=2000,
                initial=check.note if check else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What was done, or what needs attention.",
            )
            self.rows.append(
                (
                    activity,
                    CULTIVATING_EXAMPLES[activity],
                    self[f"{activity.value}-done"],
                    self[f"{activity.value}-note"],
                )
            )


@require_http_methods(["GET", "POST"])
def checklist(request, slug):
    """The signed-in coordinator's (or core member's) checklist for a quarter."""
    community = get_community_for_user(request.user, slug, require=permissions.can_read_checklist)
    quarter = request.GET.get("quarter") or current_quarter()
    if not QUARTER_RE.match(quarter):
        raise Http404("No such quarter.")
    if request.method == "POST" and not permissions.can_keep_checklist(request.user, community):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(
            permissions.CLOSED_MESSAGE if permissions.is_read_only(community) else ""
        )
    checks = {
        c.activity: c
        for c in CultivationCheck.objects.filter(
            community=community, coordinator=request.user, quarter=quarter
        )
    }
    form = ChecklistForm(posted(request), checks=checks)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for activity in CultivatingActivity:
                CultivationCheck.objects.update_or_create(
                    community=community,
                    coordinator=request.user,
                    quarter=quarter,
                    activity=activity.value,
                    defaults={
                        "done": form.cleaned_data[f"{activity.value}-done"],
                        "note": form.cleaned_data[f"{activity.value}-note"],
                    },
                )
        messages.success(request, f"Your cultivation checklist for {quarter} was saved.")
        return redirect(f"{request.path}?quarter={quarter}")
    done = sum(1 for c in checks.values() if c.done)
    history = (
        CultivationCheck.objects.filter(community=community, coordinator=request.user, done=True)
        .values_list("quarter", flat=True)
        .order_by("-quarter")
    )
    quarters = sorted({current_quarter(), quarter, *history}, reverse=True)
    context = {
        "community": community,
        "form": form,
        "quarter": quarter,
        "quarters": quarters,
        "done": done,
        "total": len(CultivatingActivity),
        "can_write": permissions.can_keep_checklist(request.user, community),
    }
    return render(request, "communities/cultivation.html", context)


class CoachingForm(forms.ModelForm):
    class Meta:
        model = CoachingSession
        fields = ["leaders", "held_on", "topics", "follow_up"]
        widgets = {
            "leaders": forms.CheckboxSelectMultiple,
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, community, **kwargs):
        from childcop.accounts.models import User

        super().__init__(*args, **kwargs)
        leaders = Membership.objects.filter(community=community).filter(
            is_coordinator=True
        ) | Membership.objects.filter(community=community, level=Level.CORE)
        self.fields["leaders"].queryset = User.objects.filter(
            pk__in=leaders.values("user_id")
        ).order_by("display_name", "email")
        self.fields["leaders"].help_text = "The community's coordinators and core group."

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("Log a coaching session once it was held.")
        return value


def coaching_list(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_read_coaching)
    sessions = community.coaching_sessions.select_related("coach").prefetch_related("leaders")
    return render(
        request,
        "communities/cultivation_coaching.html",
        {
            "community": community,
            "page": paginate(request, sessions),
            "can_log": permissions.can_log_coaching(request.user, community),
        },
    )


@require_http_methods(["GET", "POST"])
def coaching_create(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_log_coaching)
    form = CoachingForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            session = form.save(commit=False)
            session.community = community
            session.coach = request.user
            session.save()
            form.save_m2m()
        messages.success(request, "The coaching session was logged.")
        return redirect("communities:coaching", slug=community.slug)
    return render(
        request,
        "communities/cultivation_coaching_form.html",
        {"community": community, "form": form},
    )


def seed_demo(rng, now):
    """Checklists across several quarters for the demo coordinator; two coaching sessions."""
    from childcop.accounts.models import User

    coordinator = User.objects.filter(email="coordinator@example.org").first()
    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    if coordinator is None:
        return
    today = timezone.localdate(now)
    quarters = [quarter_of(today)]
    for _ in range(3):
        quarters.append(previous_quarter(quarters[-1]))
    coordinated = Community.objects.filter(
        memberships__user=coordinator, memberships__is_coordinator=True
    ).distinct()
    for community in coordinated:
        for index, quarter in enumerate(quarters):
            for activity in CultivatingActivity:
                done = rng.random() < (0.4 if index == 0 else 0.8)
                CultivationCheck.objects.get_or_create(
                    community=community,
                    coordinator=coordinator,
                    quarter=quarter,
                    activity=activity.value,
                    defaults={
                        "done": done,
                        "note": "Done, see the activity log." if done else "Needs attention.",
                    },
                )
        if not community.coaching_sessions.exists():
            for days, topics in [
                (75, "Growing the core group; sharing the facilitation of case clinics."),
                (20, "Preparing the business case for the sponsor meeting."),
            ]:
                session = CoachingSession.objects.create(
                    community=community,
                    held_on=today - timedelta(days=days),
                    topics=topics,
                    follow_up="Check in after the next session.",
                    coach=admin,
                )
                session.leaders.add(coordinator)
