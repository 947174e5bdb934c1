"""The coordinator section of "Needs you", and the launch work of whoever was named
(launch lead, owner of launch actions)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from communities.choices import Stage

from .items import Kind, Need, Urgency, listed, reads
from .scope import (
    CANDIDATES,
    SOON_DAYS,
    Scope,
    day,
    due_urgency,
    link,
    plural,
    sponsored,
)

MISSED_HEARTBEAT = Kind("missed_heartbeat", "Sessions with nothing logged", "coordinator")
ATTENDANCE_IMPORT = Kind("attendance_import", "Attendance imports to confirm", "coordinator")
GROUP_PROPOSAL = Kind("group_proposal", "Practice groups to charter", "coordinator")
PDCA_DUE = Kind("pdca_due", "Plan–do–check–act reviews due", "coordinator")
LAUNCH_ACTIONS = Kind("launch_actions", "Launch actions you own", "coordinator")
LAUNCH_LEAD = Kind("launch_lead", "Launches you lead", "coordinator")


# --- coordinator ---------------------------------------------------------------------------


def coordinator(scope: Scope) -> list[Need]:
    return [  # stories awaiting review: `stories`
        *missed_heartbeats(scope),
        *pending_imports(scope),
        *proposals_to_charter(scope),
        *reviews_due(scope),
        *agreement_reviews(scope),
    ]


@reads("community", "rhythm", mine=True)
def missed_heartbeats(scope: Scope) -> list[Need]:
    """Sessions held (past their community's grace days) with no activity logged."""
    from communities.rhythm.jobs import log_activity_url, missed_heartbeat_sessions

    mine = [scope.communities[pk] for pk in scope.coordinator]
    sessions = missed_heartbeat_sessions(scope.now, communities=mine)
    return listed(
        MISSED_HEARTBEAT,
        sessions,
        lambda s: MISSED_HEARTBEAT(
            f"{s.community.name}: {s.title}, "
            f"{date_format(timezone.localtime(s.starts_at), 'D j M')}",
            log_activity_url(s),
            "Log what happened",
            urgency=Urgency.OVERDUE,
            due=timezone.localdate(s.starts_at),
        ),
        lambda rows: link("communities:rhythm", rows[-1].community.slug),
        "{n} more session{s}",
    )


@reads("community", "rhythm", mine=True)
def pending_imports(scope: Scope) -> list[Need]:
    from communities.models import AttendanceImport

    imports = (
        AttendanceImport.objects.filter(
            activity__community_id__in=scope.coordinator,
            status=AttendanceImport.Status.PENDING,
        )
        .select_related("activity__community")
        .order_by("created_at", "pk")
    )
    return listed(
        ATTENDANCE_IMPORT,
        imports,
        lambda i: ATTENDANCE_IMPORT(
            f"{i.filename or 'An attendance file'} for “{i.activity.title}” "
            f"({i.activity.community.name})",
            link(
                "communities:attendance_import_confirm",
                i.activity.community.slug,
                i.activity_id,
                i.pk,
            ),
            "Check and confirm",
        ),
        lambda rows: link("communities:activities", rows[-1].activity.community.slug),
        "{n} more import{s}",
    )


@reads("community", "groups", mine=True)
def proposals_to_charter(scope: Scope) -> list[Need]:
    from practice_groups.choices import GROUP_WORKFLOW
    from practice_groups.models import PracticeGroup

    groups = (
        PracticeGroup.objects.filter(
            community_id__in=scope.coordinator, status__in=GROUP_WORKFLOW.sources("review")
        )
        .select_related("community")
        .order_by("created_at", "pk")
    )
    return listed(
        GROUP_PROPOSAL,
        groups,
        lambda g: GROUP_PROPOSAL(
            f"{g.name} ({g.community.name}), proposed {day(g.created_at)}",
            link("practice_groups:review", g.pk),
            "Charter, decline or ask for changes",
        ),
        lambda rows: link("practice_groups:list", rows[-1].community.slug),
        "{n} more proposal{s}",
    )


@reads("community", "stewardship", mine=True)
def reviews_due(scope: Scope) -> list[Need]:
    """Plan–do–check–act reviews of my communities due within a week or overdue."""
    from communities.stewardship.jobs import due_reviews

    reviews = due_reviews(scope.today + timedelta(days=7)).filter(
        community_id__in=scope.coordinator
    )
    return listed(
        PDCA_DUE,
        reviews,
        lambda r: PDCA_DUE(
            f"{r.community.name}: due {day(r.next_review_on)}",
            link("communities:pdca_create", r.community.slug),
            "Write the review",
            urgency=due_urgency(r.next_review_on, scope.today),
            due=r.next_review_on,
        ),
        lambda rows: link("communities:pdca_reviews", rows[-1].community.slug),
        "{n} more review{s} due",
    )


@reads("community", "sponsorship")
def agreement_reviews(scope: Scope, *, as_sponsor=False) -> list[Need]:
    """Agreements (expectations and accountability) whose review date is near or past: of
    the communities I coordinate, or (`as_sponsor`) of those I sponsor and do not coordinate."""
    from sponsorship.models import Agreement

    kind = Kind(
        "agreement_review", "Agreements to review", "sponsor" if as_sponsor else "coordinator"
    )
    agreements = Agreement.objects.filter(
        review_date__lte=scope.today + timedelta(days=SOON_DAYS)
    ).exclude(community__stage=Stage.CLOSED)
    if as_sponsor:  # said once, as the coordinator, to a sponsor who coordinates one
        agreements = agreements.filter(community__in=sponsored(scope).values("pk")).exclude(
            community_id__in=scope.coordinator
        )
        rest = reverse("sponsorship:dashboard")
    else:
        agreements = agreements.filter(community_id__in=scope.coordinator)
        rest = None

    def item(a):
        overdue = a.review_date < scope.today
        return kind(
            f"{a.community.name}: expectations and accountability, review "
            f"{'overdue since' if overdue else 'due'} {day(a.review_date)}",
            link("sponsorship:agreement", a.community.slug),
            "Review the agreement",
            urgency=due_urgency(a.review_date, scope.today),
            due=a.review_date,
        )

    return listed(
        kind,
        agreements.select_related("community").order_by("review_date", "pk"),
        item,
        lambda rows: rest or link("sponsorship:agreement", rows[-1].community.slug),
        "{n} more agreement{s}",
    )


# --- launch work (whoever was named) --------------------------------------------------------


@reads("community", "stewardship")
def launch_work(scope: Scope) -> list[Need]:
    """Open launch or renewal plans I lead, and the action items I own that are due. One
    query; only plans the person may see (`can_view_launch`: the lead, or a member)."""
    from communities.stewardship.models import LAUNCH_WORKFLOW, ActionItem, ActionStatus
    from communities.stewardship.models import LaunchPlan as Plan

    user = scope.user
    soon = scope.today + timedelta(days=7)
    mine_due = Q(
        action_items__owner=user,
        action_items__status=ActionStatus.OPEN,
        action_items__due_on__lte=soon,
    )
    owned = Exists(
        ActionItem.objects.filter(
            plan=OuterRef("pk"), owner=user, status=ActionStatus.OPEN, due_on__lte=soon
        )
    )
    visible = Q() if scope.is_admin else Q(lead=user) | Q(community_id__in=scope.member)
    plans = (
        Plan.objects.filter(status__in=LAUNCH_WORKFLOW.sources("edit"))
        .exclude(community__stage=Stage.CLOSED)
        .filter(Q(lead=user) | Q(owned))
        .filter(visible)
        .annotate(
            due_count=Count("action_items", filter=mine_due),
            first_due=Min("action_items__due_on", filter=mine_due),
        )
        .select_related("community")
        .order_by("pk")[:CANDIDATES]
    )
    needs = []
    for plan in plans:
        what = plan.get_kind_display().lower()
        if plan.due_count:
            n, first = plan.due_count, plan.first_due
            needs.append(
                LAUNCH_ACTIONS(
                    f"{plan.community.name}: {n} action{plural(n)} of the {what} plan due "
                    f"{'since' if first < scope.today else 'by'} {day(first)}",
                    plan.get_absolute_url(),
                    "Do or update them",
                    urgency=due_urgency(first, scope.today, soon=7),
                    due=first,
                )
            )
        if plan.lead_id == user.pk:
            needs.append(
                LAUNCH_LEAD(
                    f"You are the {what} lead of {plan.community.name}",
                    plan.get_absolute_url(),
                    "Work on the plan",
                    urgency=Urgency.OPEN,
                )
            )
    return needs
