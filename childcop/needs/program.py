"""The sponsor and social learning team sections of "Needs you"."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format

from communities.choices import Stage

from .items import Kind, Need, Urgency, first_rows, listed, reads
from .leaders import agreement_reviews
from .scope import (
    CANDIDATES,
    SOON_DAYS,
    TERM_END_DAYS,
    Scope,
    day,
    due_urgency,
    link,
    plural,
    sponsored,
)

BUSINESS_CASE = Kind("business_case", "Business cases for your endorsement", "sponsor")
SPONSORED_FLAGS = Kind("sponsored_flags", "Flags on communities you sponsor", "sponsor")
FLAGS = Kind("flags", "Communities with flags", "admin")
SUPPORT = Kind("support", "Support requests", "admin")
STALLED_LAUNCH = Kind("stalled_launch", "Stalled launches", "admin")
TERM_ENDING = Kind("term_ending", "Appointments ending", "admin")
PDCA_OVERDUE = Kind("pdca_overdue", "Plan–do–check–act reviews overdue", "admin")
REPORTS_UNSENT = Kind("reports_unsent", "Health reports not sent", "admin")


# --- sponsor -------------------------------------------------------------------------------


def sponsor(scope: Scope) -> list[Need]:
    return [
        *cases_to_endorse(scope),
        *sponsored_flags(scope),
        *agreement_reviews(scope, as_sponsor=True),
    ]


@reads("community", "sponsorship")
def cases_to_endorse(scope: Scope) -> list[Need]:
    """Business cases submitted to me that I have not responded to. One query."""
    from sponsorship.choices import CaseStatus
    from sponsorship.models import BusinessCaseVersion, SponsorResponse

    mine = SponsorResponse.objects.filter(version=OuterRef("pk"), sponsor=scope.user)
    versions = (
        BusinessCaseVersion.objects.filter(
            status=CaseStatus.SUBMITTED, community__in=sponsored(scope).values("pk")
        )
        .exclude(Exists(mine))
        .select_related("community")
        .order_by("submitted_at", "pk")
    )
    return listed(
        BUSINESS_CASE,
        versions,
        lambda v: BUSINESS_CASE(
            f"{v.community.name}: version {v.number}"
            + (f", submitted {day(v.submitted_at)}" if v.submitted_at else ""),
            link("sponsorship:business_case_version", v.community.slug, v.pk),
            "Read, comment or endorse",
        ),
        lambda rows: reverse("sponsorship:dashboard"),
    )


@reads("community", "health", "sponsorship")
def sponsored_flags(scope: Scope) -> list[Need]:
    """The communities I sponsor that the indicators flag. One query."""
    from communities.health.choices import Flag
    from communities.health.models import HealthStatus

    statuses = (
        HealthStatus.objects.filter(community__in=sponsored(scope).values("pk"), flag_count__gt=0)
        .select_related("community")
        .order_by("-flag_count", "community__name")
    )
    labels = dict(Flag.choices)
    return listed(
        SPONSORED_FLAGS,
        statuses,
        lambda s: SPONSORED_FLAGS(
            f"{s.community.name}: "
            + ", ".join(labels[key] for key in s.flag_keys if key in labels),
            link("sponsorship:community_dashboard", s.community.slug),
            "See its dashboard",
        ),
        lambda rows: reverse("sponsorship:dashboard"),
        "{n} more communit{s}",
    )


@reads("community", "sponsorship", "people")
def commitments(scope: Scope) -> list[Need]:
    """Open commitments I own, due soon or overdue, in agreements I may read (my
    communities', or those I sponsor). One query."""
    from sponsorship.choices import CommitmentStatus
    from sponsorship.models import Commitment

    role = "sponsor" if scope.is_sponsor else "admin" if scope.is_admin else "core"
    kind = Kind("commitment", "Commitments you made", role)
    visible = Q(agreement__community_id__in=scope.member)
    if scope.is_sponsor:
        visible |= Q(agreement__community__in=sponsored(scope).values("pk"))
    if scope.is_admin:
        visible = Q()
    rows, _ = first_rows(
        Commitment.objects.filter(
            visible,
            owner=scope.user,
            status=CommitmentStatus.OPEN,
            due__lte=scope.today + timedelta(days=SOON_DAYS),
        )
        .exclude(agreement__community__stage=Stage.CLOSED)
        .select_related("agreement__community")
        .order_by("due", "pk"),
        shown=CANDIDATES,
    )
    return [
        kind(
            f"{c.agreement.community.name}: {c.description} — "
            f"{'overdue since' if c.due < scope.today else 'due'} {day(c.due)}",
            link("sponsorship:agreement", c.agreement.community.slug),
            "Mark it done",
            urgency=due_urgency(c.due, scope.today),
            due=c.due,
        )
        for c in rows
    ]


# --- program admin -------------------------------------------------------------------------


def program_admin(scope: Scope) -> list[Need]:
    return [
        *flags(scope),
        *support_requests(scope),
        *stalled_launches(scope),
        *terms_ending(scope),
        *overdue_reviews(scope),
        *reports_unsent(scope),
    ]


@reads("community", "health")
def flags(scope: Scope) -> list[Need]:
    """How many communities each flag is raised on, linking to the filtered overview. One
    aggregate query."""
    from communities.health.choices import Flag
    from communities.health.models import HealthStatus

    counts = HealthStatus.objects.exclude(community__stage=Stage.CLOSED).aggregate(
        **{key: Count("pk", filter=Q(flags__contains=f" {key} ")) for key in Flag.values}
    )
    overview = reverse("program:overview")
    return [
        FLAGS(
            f"{label}: {counts[key]} communit{plural(counts[key], 'ies', 'y')}",
            f"{overview}?flag={key}",
            "See them on the overview",
            count=counts[key],
        )
        for key, label in Flag.choices
        if counts[key]
    ]


@reads("community", "health", "groups", "people")
def support_requests(scope: Scope) -> list[Need]:
    """Open support requests nobody took on, or that I took on. One query."""
    from communities.health.choices import SupportStatus
    from communities.health.models import SupportRequest

    requests = (
        SupportRequest.objects.filter(status__in=[SupportStatus.OPEN, SupportStatus.IN_PROGRESS])
        .filter(Q(handled_by__isnull=True) | Q(handled_by=scope.user))
        .select_related("community", "group")
        .order_by(F("handled_by").asc(nulls_first=True), "created_at", "pk")
    )

    def item(r):
        nobody = r.handled_by_id is None
        return SUPPORT(
            f"{r.get_kind_display()} for {r.group or r.community.name}, asked "
            f"{day(r.created_at)} — {'nobody has taken it on' if nobody else 'yours'}",
            link("program:support_update", r.pk),
            "Take it on" if nobody else "Follow it up",
        )

    unassigned = reverse("program:support_queue") + "?assignee=nobody"
    return listed(SUPPORT, requests, item, lambda rows: unassigned)


@reads("community", "stewardship")
def stalled_launches(scope: Scope) -> list[Need]:
    from communities.stewardship.services import stalled_days, stalled_plans

    plans = (
        stalled_plans(scope.now)
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("updated_at", "pk")
    )
    stalled = reverse("program:launches") + "?stalled=1"
    return listed(
        STALLED_LAUNCH,
        plans,
        lambda p: STALLED_LAUNCH(
            f"{p.community.name}: {p.get_kind_display().lower()} with no progress since "
            f"{day(p.updated_at)} (over {stalled_days()} days)",
            p.get_absolute_url(),
            "Get it moving",
            urgency=Urgency.OVERDUE,
        ),
        lambda rows: stalled,
    )


@reads("sponsorship", "people")
def terms_ending(scope: Scope) -> list[Need]:
    from sponsorship.models import Appointment

    appointments = (
        Appointment.objects.current(scope.today)
        .filter(term_end__lte=scope.today + timedelta(days=TERM_END_DAYS))
        .select_related("person")
        .order_by("term_end", "pk")
    )
    return listed(
        TERM_ENDING,
        appointments,
        lambda a: TERM_ENDING(
            f"{a.person} ({a.get_role_display().lower()}): term ends {day(a.term_end)}",
            link("sponsorship:appointment_detail", a.pk),
            "Renew or end it",
            urgency=due_urgency(a.term_end, scope.today),
            due=a.term_end,
        ),
        lambda rows: reverse("sponsorship:appointment_list"),
    )


@reads("community", "stewardship")
def overdue_reviews(scope: Scope) -> list[Need]:
    """How many communities' plan–do–check–act reviews are overdue. One query."""
    from communities.stewardship.jobs import due_reviews

    overdue = (
        due_reviews(scope.today - timedelta(days=1))
        .order_by()
        .aggregate(n=Count("pk"), since=Min("next_review_on"))
    )
    n = overdue["n"]
    if not n:
        return []
    return [
        PDCA_OVERDUE(
            f"{n} communit{plural(n, 'ies', 'y')}, the oldest due {day(overdue['since'])}",
            reverse("program:reviews_due"),
            "See the reviews due",
            urgency=Urgency.OVERDUE,
            count=n,
            due=overdue["since"],
        )
    ]


@reads("health")
def reports_unsent(scope: Scope) -> list[Need]:
    """Last month's health reports not made yet (the daily job makes them on the first days
    of a month, then emails them): after the 2nd, a sign that the job is not running."""
    from communities.health.models import ProgramReport

    if scope.today.day <= 2:
        return []
    period = (scope.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if ProgramReport.objects.filter(period=period).exists():
        return []
    return [
        REPORTS_UNSENT(
            f"The health reports of {date_format(period, 'F Y')} were not made or sent",
            reverse("program:reports"),
            "Check the program reports",
            urgency=Urgency.OVERDUE,
            due=scope.today.replace(day=3),
        )
    ]
