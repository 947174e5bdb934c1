"""Stewardship workflows and the queries they share: a launch plan's progress and stalled
plans, opening and completing plans, closing a community with its legacy, the quarterly
cultivation checklist. Every write that touches several rows is one transaction.

Every change to a launch plan touches its `updated_at`: a plan untouched for
`CHILDCOP_LAUNCH_STALLED_DAYS` days (14 unless set) is *stalled*.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.choices import Level, Stage
from communities.models import Membership

from .models import (
    LAUNCH_WORKFLOW,
    PROCESS_FIELDS,
    ActionItem,
    ActionStatus,
    CandidateStatus,
    Conversation,
    CultivatingActivity,
    CultivationCheck,
    LaunchKind,
    LaunchPlan,
    LeaderCandidate,
    Legacy,
)

# --- launch plans: progress and stalled plans ------------------------------------------


def stalled_days() -> int:
    return int(getattr(settings, "CHILDCOP_LAUNCH_STALLED_DAYS", 14))


def stalled_before(now=None, days=None):
    return (now or timezone.now()) - timedelta(days=stalled_days() if days is None else days)


def stalled_plans(now=None, days=None):
    """Open plans with no progress for `days` days (the setting unless given): the plans
    still worked on (`LAUNCH_WORKFLOW`'s "edit") last touched before then."""
    return LaunchPlan.objects.filter(
        status__in=LAUNCH_WORKFLOW.sources("edit"), updated_at__lt=stalled_before(now, days)
    )


def is_stalled(plan, threshold) -> bool:
    """One plan of `stalled_plans`: still worked on, last touched before `threshold`."""
    return LAUNCH_WORKFLOW.allows(plan.status, "edit") and plan.updated_at < threshold


def _count(model, **filters):
    rows = (
        model.objects.filter(plan=OuterRef("pk"), **filters)
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows), 0)


def with_progress(queryset):
    """Annotate what `progress()` needs, in the same query (constant queries on lists)."""
    return queryset.annotate(
        conversation_count=_count(Conversation),
        leaders_accepted=_count(LeaderCandidate, status=CandidateStatus.ACCEPTED),
        actions_total=_count(ActionItem),
        actions_open=_count(ActionItem, status=ActionStatus.OPEN),
    )


def progress(plan) -> list[dict]:
    """The checklist: each step, whether it is done, and which one is next."""
    slug, pk = plan.community.slug, plan.pk
    discovery, workshop = PROCESS_FIELDS.values()

    def url(name):
        return reverse(f"communities:{name}", args=[slug, pk])

    steps = [
        {
            "key": "conversations",
            "label": "1. Conversations with potential members",
            "done": plan.conversation_count > 0,
            "detail": f"{plan.conversation_count} logged",
            "url": url("launch_conversation"),
        },
        {
            "key": "value",
            "label": "2. Value proposition",
            "done": plan.value_accepted_at is not None,
            "detail": "accepted" if plan.value_accepted_at else "not accepted yet",
            "url": url("launch_value"),
        },
        {
            "key": "leaders",
            "label": "3. Internal leaders",
            "done": plan.leaders_accepted > 0,
            "detail": f"{plan.leaders_accepted} accepted",
            "url": url("launch_leader_add"),
        },
        {
            "key": "design",
            "label": "4. Launch design",
            "done": bool(plan.approach and plan.launch_activities and plan.follow_up),
            "detail": "approach, launch activities and follow-up",
            "url": url("launch_design"),
        },
        {
            "key": "discovery",
            "label": "Discovery and preparation",
            "done": all(getattr(plan, f) for f in discovery),
            "detail": f"{sum(bool(getattr(plan, f)) for f in discovery)} of {len(discovery)}",
            "url": url("launch_process"),
        },
        {
            "key": "workshop",
            "label": "Launch workshop design",
            "done": all(getattr(plan, f) for f in workshop),
            "detail": f"{sum(bool(getattr(plan, f)) for f in workshop)} of {len(workshop)}",
            "url": url("launch_process"),
        },
        {
            "key": "actions",
            "label": "Action plan and next steps",
            "done": plan.actions_total > 0 and plan.actions_open == 0,
            "detail": f"{plan.actions_total - plan.actions_open} of {plan.actions_total} closed",
            "url": url("launch_action_add"),
        },
    ]
    next_step = next((s for s in steps if not s["done"]), None)
    for step in steps:
        step["is_next"] = step is next_step
    return steps


def is_complete(steps) -> bool:
    return all(step["done"] for step in steps)


# --- launch plans: workflows -------------------------------------------------------------


def open_plan(community, *, kind, lead, by, now=None) -> LaunchPlan:
    now = now or timezone.now()
    return LaunchPlan.objects.create(
        community=community, kind=kind, lead=lead, opened_by=by, opened_at=now, updated_at=now
    )


@transaction.atomic
def save_to_plan(plan, record):
    """Save a conversation, a candidate or an action item of the plan, and touch the plan."""
    record.plan = plan
    record.save()
    plan.touch()
    return record


def value_summary(plan) -> str:
    parts = [
        ("Value to the organisation", plan.value_to_organisation),
        ("Value to people", plan.value_to_people),
        ("How a community could help", plan.how_community_helps),
        ("What success would look like", plan.success_looks_like),
        ("Why people would participate", plan.why_participate),
    ]
    return "\n\n".join(f"**{label}.** {text.strip()}" for label, text in parts if text.strip())


@transaction.atomic
def accept_value_proposition(plan, *, now=None) -> None:
    """Accepting the value proposition fills the community's."""
    now = now or timezone.now()
    plan.value_accepted_at = now
    plan.updated_at = now
    plan.save(update_fields=["value_accepted_at", "updated_at"])
    community = plan.community
    community.value_proposition = value_summary(plan)
    community.save(update_fields=["value_proposition", "updated_at"])


@transaction.atomic
def respond_candidate(candidate, *, status, roles=(), by) -> Membership | None:
    """A candidate who accepts joins the core group (and may get leadership roles).

    `by` is who records the answer: the candidate accepting someone else's invitation, or a
    coordinator or program admin (`permissions.can_answer_candidacy`); nobody else's
    acceptance of themselves passes `communities.services`' self-promotion check."""
    plan = candidate.plan
    candidate.status = status
    candidate.responded_at = timezone.now()
    candidate.save(update_fields=["status", "responded_at"])
    plan.touch()
    if status != CandidateStatus.ACCEPTED:
        return None
    membership = Membership.objects.filter(community=plan.community, user=candidate.person).first()
    if membership is None:
        return services.add_member(
            plan.community,
            candidate.person,
            by=by,
            level=Level.CORE,
            roles=roles,
            invited_by=candidate.invited_by,
        )
    current = set(membership.leadership_roles.values_list("role", flat=True))
    return services.update_membership(
        membership,
        level=Level.CORE if not membership.is_core else membership.level,
        is_coordinator=membership.is_coordinator,
        roles=current | set(roles),
        by=by,
        invited_by=candidate.invited_by,
    )


@transaction.atomic
def complete_plan(plan, *, by, note="") -> None:
    """Close the plan; a launch moves the community from potential to coalescing."""
    plan = LaunchPlan.objects.select_for_update().select_related("community").get(pk=plan.pk)
    if not LAUNCH_WORKFLOW.allows(plan.status, "complete"):
        raise ValueError("This plan is already completed.")
    if plan.kind == LaunchKind.LAUNCH and plan.community.stage == Stage.POTENTIAL:
        services.change_stage(plan.community, to_stage=Stage.COALESCING, by=by, note=note)
    now = timezone.now()
    plan.status = LAUNCH_WORKFLOW.target("complete")
    plan.completed_at = now
    plan.updated_at = now
    plan.save(update_fields=["status", "completed_at", "updated_at"])


# --- closure -----------------------------------------------------------------------------


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


# --- the cultivation checklist -----------------------------------------------------------


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


@transaction.atomic
def keep_checklist(community, *, coordinator, quarter, answers) -> None:
    """Store a coordinator's checklist for a quarter: `answers` maps each activity's value
    to its (done, note)."""
    for activity in CultivatingActivity:
        done, note = answers[activity.value]
        CultivationCheck.objects.update_or_create(
            community=community,
            coordinator=coordinator,
            quarter=quarter,
            activity=activity.value,
            defaults={"done": done, "note": note},
        )
