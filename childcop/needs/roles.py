"""One function per role section of "Needs you"; `build` runs the sections a person needs.

Each section is handed the person's scope (`Scope`: the ids of their communities, by
role) and asks one query per kind of item, bounded (`first_rows`) and scoped by those
ids, so its cost does not grow with the number of communities. Where a rule counts working
days or per-community settings that SQL cannot say on every database, the query narrows
to a bounded set of candidates and Python decides, as the jobs that send the emails do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from childcop import permissions
from communities.choices import HELP_WORKFLOW, Stage

from .items import SHOWN, Need, Urgency, first_rows, more

# A newcomer: joined within this many days.
NEWCOMER_DAYS = 30
# Due "soon": within this many days (commitments, reviews of agreements, launch actions).
SOON_DAYS = 14
# Practice-group reports stay open for members' responses this long.
REPORT_RESPONSE_DAYS = 30
# Appointments whose term ends within this many days.
TERM_END_DAYS = 60
# Suggested communities for someone in none yet.
SUGGESTED = 3
# Bounded candidates for the rules Python decides (working days, per-community delays).
CANDIDATES = 50


@dataclass
class Scope:
    user: object
    now: datetime
    today: date
    member: list[int]  # communities (not closed) the person belongs to
    core: list[int]  # … where they are in the core group (coordinators included)
    coordinator: list[int]  # … that they coordinate
    newcomer: list  # memberships (not closed, not core) of the last NEWCOMER_DAYS days
    names: dict[int, str]
    slugs: dict[int, str]
    is_sponsor: bool
    is_admin: bool


def _day(value) -> str:
    return date_format(value, "j M Y")


def _due_urgency(due, today, *, soon=SOON_DAYS) -> Urgency:
    if due < today:
        return Urgency.OVERDUE
    if due <= today + timedelta(days=soon):
        return Urgency.DUE
    return Urgency.WAITING


def build(user, memberships=None, *, is_sponsor=None, now=None) -> list:
    """Every item that needs `user` now. `memberships`: theirs with their communities, when
    the caller has them already (the home page); `is_sponsor` likewise."""
    from communities.models import Membership

    if not (user.is_authenticated and user.is_active):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    if memberships is None:
        memberships = list(Membership.objects.filter(user=user).select_related("community"))
    if is_sponsor is None:
        is_sponsor = permissions.is_sponsor(user)
    live = [m for m in memberships if m.community.stage != Stage.CLOSED]
    scope = Scope(
        user=user,
        now=now,
        today=today,
        member=[m.community_id for m in live],
        core=[m.community_id for m in live if m.is_core],
        coordinator=[m.community_id for m in live if m.is_coordinator],
        newcomer=[
            m
            for m in live
            if not m.is_core and m.joined_on >= today - timedelta(days=NEWCOMER_DAYS)
        ],
        names={m.community_id: m.community.name for m in memberships},
        slugs={m.community_id: m.community.slug for m in memberships},
        is_sponsor=is_sponsor,
        is_admin=permissions.is_program_admin(user),
    )
    needs = []
    if not memberships and not (scope.is_admin or scope.is_sponsor):
        needs += suggested_communities(scope)
    if scope.newcomer:
        needs += newcomer(scope)
    if scope.member:
        needs += member(scope)
    if scope.core:
        needs += core_group(scope)
    if scope.coordinator:
        needs += coordinator(scope)
    needs += launch_work(scope)
    if scope.is_sponsor:
        needs += sponsor(scope)
    if scope.core or scope.is_sponsor or scope.is_admin:  # who owns the commitments
        needs += commitments(scope)
    if scope.is_admin:
        needs += program_admin(scope)
    return needs


# --- newcomer ------------------------------------------------------------------------------


def suggested_communities(scope: Scope) -> list[Need]:
    """In no community yet: the open communities whose members share the person's department
    and job title the most (then the biggest). One query."""
    from communities.models import Community

    user = scope.user
    same = Q(pk__in=[])
    if user.department:
        same |= Q(memberships__user__department__iexact=user.department)
    if user.job_title:
        same |= Q(memberships__user__job_title__iexact=user.job_title)
    communities = (
        Community.objects.filter(is_open=True)
        .exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED])
        .annotate(alike=Count("memberships", filter=same), members=Count("memberships"))
        .order_by("-alike", "-members", "name")
        .values("name", "slug", "domain", "alike")[:SUGGESTED]
    )
    return [
        Need(
            kind="suggested",
            group="Communities for you",
            role="newcomer",
            urgency=Urgency.OPEN,
            text=f"{c['name']}: {c['domain']}"
            + (
                f" ({c['alike']} member{'s' if c['alike'] != 1 else ''} like you)"
                if c["alike"]
                else ""
            ),
            url=reverse("communities:detail", args=[c["slug"]]),
            action="Have a look and join",
        )
        for c in communities
    ]


def newcomer(scope: Scope) -> list[Need]:
    """The next session of each new community (to add to one's calendar), and the
    coordinator's welcome until one has introduced oneself (raised a challenge or asked
    for help there). Two queries."""
    from communities.choices import SessionStatus
    from communities.models import AgendaItem, HelpRequest, Membership, Session
    from communities.rhythm.services.feeds import community_feed_url

    ids = [m.community_id for m in scope.newcomer]
    next_in_community = (
        Session.objects.filter(
            community=OuterRef("community"), status=SessionStatus.PLANNED, starts_at__gte=scope.now
        )
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    sessions = (
        Session.objects.filter(community_id__in=ids, pk=Subquery(next_in_community))
        .select_related("community")
        .order_by("starts_at")
    )
    needs = [
        Need(
            kind="next_session",
            group="Your next sessions",
            role="newcomer",
            urgency=Urgency.OPEN,
            text=f"{session.community.name}: {session.title}, "
            f"{date_format(timezone.localtime(session.starts_at), 'D j M, H:i')}",
            url=community_feed_url(session.community),
            action="Add to my calendar",
            due=timezone.localdate(session.starts_at),
        )
        for session in sessions
    ]
    user = scope.user
    introduced = Exists(
        AgendaItem.objects.filter(community=OuterRef("community"), raised_by=user)
    ) | Exists(HelpRequest.objects.filter(community=OuterRef("community"), asker=user))
    coordinator = (
        Membership.objects.filter(community=OuterRef("community"), is_coordinator=True)
        .exclude(user=user)
        .order_by("joined_on", "pk")
        .values("user__display_name")[:1]
    )
    welcomes = (
        Membership.objects.filter(user=user, community_id__in=ids)
        .exclude(introduced)
        .annotate(coordinator_name=Subquery(coordinator))
        .select_related("community")
        .order_by("-joined_on", "community__name")
    )
    for m in welcomes:
        welcome = (
            f"{m.coordinator_name}, its coordinator, welcomes you to {m.community.name}"
            if m.coordinator_name
            else f"Welcome to {m.community.name}"
        )
        needs.append(
            Need(
                kind="introduce",
                group="Introduce yourself",
                role="newcomer",
                urgency=Urgency.OPEN,
                text=f"{welcome}: say who you are by raising the challenge you bring",
                url=reverse("communities:agenda_create", args=[m.community.slug]),
                action="Raise your challenge",
            )
        )
    return needs


# --- member --------------------------------------------------------------------------------


def member(scope: Scope) -> list[Need]:
    return [
        *help_requests_of_mine(scope),
        *voting_rounds(scope),
        *stories_of_mine(scope),
        *reports_to_respond(scope),
    ]


def help_requests_of_mine(scope: Scope) -> list[Need]:
    """Answers to my requests not marked helpful yet, and "how did it turn out?" follow-ups
    due (`follow_up_days` after the helpful answer, the community's setting). One query."""
    from communities.models import Answer, HelpRequest

    user = scope.user
    requests = list(
        HelpRequest.objects.filter(
            asker=user,
            community_id__in=scope.member,
        )
        .alias(answered=Exists(Answer.objects.filter(request=OuterRef("pk")).exclude(author=user)))
        .filter(
            Q(status=HELP_WORKFLOW.initial, answered=True)
            | Q(status__in=HELP_WORKFLOW.sources("follow_up"), helpful_at__isnull=False)
        )
        .annotate(answer_count=Count("answers"))
        .select_related("community")
        .order_by("created_at", "pk")[:CANDIDATES]
    )
    needs = []
    for r in requests:
        url = reverse("communities:help_detail", args=[r.community.slug, r.pk])
        if r.status == HELP_WORKFLOW.initial:
            needs.append(
                Need(
                    kind="help_answered",
                    group="Answers to your help requests",
                    role="member",
                    urgency=Urgency.WAITING,
                    text=f"“{r.title}” ({r.community.name}) has {r.answer_count} "
                    f"answer{'s' if r.answer_count != 1 else ''}",
                    url=url,
                    action="Mark the one that helped",
                )
            )
            continue
        due = timezone.localdate(r.helpful_at + timedelta(days=r.community.follow_up_days))
        if due <= scope.today:
            needs.append(
                Need(
                    kind="help_follow_up",
                    group="How did it turn out?",
                    role="member",
                    urgency=Urgency.DUE,
                    text=f"“{r.title}” ({r.community.name}): tell the community what "
                    "worked and what did not",
                    url=reverse("communities:help_follow_up", args=[r.community.slug, r.pk]),
                    action="Close the loop",
                    due=due,
                )
            )
    return needs


def voting_rounds(scope: Scope) -> list[Need]:
    """Open voting rounds of my communities where I have votes left. One query."""
    from communities.models import VoteAllowance, VotingRound

    spent = VoteAllowance.objects.filter(round=OuterRef("pk"), voter=scope.user, remaining=0)
    rounds = (
        VotingRound.objects.filter(community_id__in=scope.member, closed_at__isnull=True)
        .exclude(Exists(spent))
        .select_related("community")
        .order_by("opened_at", "pk")
    )
    rows, total = first_rows(rounds)
    needs = [
        Need(
            kind="vote",
            group="Votes to cast",
            role="member",
            urgency=Urgency.OPEN,
            text=f"{r.community.name}: “{r.title}”",
            url=reverse("communities:agenda_round", args=[r.community.slug, r.pk]),
            action="Vote on the learning agenda",
        )
        for r in rows
    ]
    if needs:
        agenda = reverse("communities:agenda", args=[rows[0].community.slug])
        needs += more(needs[0], total, len(rows), agenda, "{n} more round{s}")
    return needs


def stories_of_mine(scope: Scope) -> list[Need]:
    """My value-creation stories returned for changes or still in draft. One query."""
    from value_stories.choices import Status
    from value_stories.models import ValueStory

    stories = (
        ValueStory.objects.filter(
            author=scope.user,
            community_id__in=scope.member,
            status__in=[Status.RETURNED, Status.DRAFT],
        )
        .select_related("community")
        .order_by("-status", "updated_at", "pk")  # returned ones first
    )
    rows, total = first_rows(stories)
    needs = [
        Need(
            kind="my_stories",
            group="Your value-creation stories",
            role="member",
            urgency=Urgency.WAITING if s.status == Status.RETURNED else Urgency.OPEN,
            text=f"“{s.title or 'Untitled story'}” ({s.community.name}): "
            + ("returned with comments" if s.status == Status.RETURNED else "still a draft"),
            url=reverse("value_stories:edit", args=[s.pk]),
            action="Revise and submit" if s.status == Status.RETURNED else "Finish and submit",
        )
        for s in rows
    ]
    list_url = reverse("value_stories:list") + "?author=me"
    return needs + (more(needs[0], total, len(rows), list_url, "{n} more") if needs else [])


def reports_to_respond(scope: Scope) -> list[Need]:
    """Recent progress reports of practice groups in my communities that I have not
    endorsed, critiqued or refined (not my own). One query."""
    from practice_groups.models import ProgressReport, ReportResponse

    user = scope.user
    reports = (
        ProgressReport.objects.filter(
            group__community_id__in=scope.member,
            created_at__gte=scope.now - timedelta(days=REPORT_RESPONSE_DAYS),
        )
        .exclude(author=user)
        .exclude(Exists(ReportResponse.objects.filter(report=OuterRef("pk"), responder=user)))
        .select_related("group__community")
        .order_by("created_at", "pk")
    )
    rows, total = first_rows(reports)
    needs = [
        Need(
            kind="group_report",
            group="Practice-group reports for your response",
            role="member",
            urgency=Urgency.WAITING,
            text=f"{r.group.name} ({r.group.community.name}): “{r.title}”",
            url=reverse("practice_groups:report", args=[r.pk]),
            action="Endorse, critique or refine",
            due=timezone.localdate(r.created_at) + timedelta(days=REPORT_RESPONSE_DAYS),
        )
        for r in rows
    ]
    return needs + (
        more(needs[0], total, len(rows), needs[0].url, "{n} more report{s}") if needs else []
    )


# --- core group ----------------------------------------------------------------------------


def core_group(scope: Scope) -> list[Need]:
    return [*health_checks_to_answer(scope), *unanswered_help(scope)]


def health_checks_to_answer(scope: Scope) -> list[Need]:
    """Open health checks of my core groups without my answer. One query."""
    from communities.health.models import HealthCheck, HealthCheckResponse

    checks = (
        HealthCheck.objects.filter(community_id__in=scope.core, closed_at__isnull=True)
        .exclude(
            Exists(
                HealthCheckResponse.objects.filter(
                    health_check=OuterRef("pk"), respondent=scope.user
                )
            )
        )
        .select_related("community")
        .order_by("answer_by", "pk")
    )
    rows, _ = first_rows(checks, shown=CANDIDATES)
    return [
        Need(
            kind="health_check",
            group="Health checks to answer",
            role="core",
            urgency=_due_urgency(c.answer_by, scope.today, soon=7),
            text=f"{c.community.name}, {c.period_label}: answer by {_day(c.answer_by)}",
            url=reverse("communities:health_check_answer", args=[c.community.slug, c.pk]),
            action="Rate the community",
            due=c.answer_by,
        )
        for c in rows
    ]


def unanswered_help(scope: Scope) -> list[Need]:
    """Help requests in my core groups' communities past the response commitment with no
    answer (working days, as the coordinators' email counts them). One query."""
    from communities.learning.jobs import add_working_days
    from communities.models import Answer, HelpRequest

    candidates = (
        HelpRequest.objects.filter(
            community_id__in=scope.core,
            status=HELP_WORKFLOW.initial,
            # n working days are at least n calendar days: the database narrows
            created_at__lte=scope.now - timedelta(days=1),
        )
        .exclude(asker=scope.user)
        .exclude(Exists(Answer.objects.filter(request=OuterRef("pk"))))
        .select_related("community")
        .order_by("created_at", "pk")[:CANDIDATES]
    )
    needs, late = [], []
    for r in candidates:
        due = add_working_days(r.created_at, r.community.response_commitment_days)
        if due > scope.now:
            continue
        late.append(r)
        needs.append(
            Need(
                kind="help_unanswered",
                group="Help requests with no answer",
                role="core",
                urgency=Urgency.OVERDUE,
                text=f"“{r.title}” ({r.community.name}), asked {_day(r.created_at)}: "
                f"past the {r.community.response_commitment_days}-working-day commitment",
                url=reverse("communities:help_detail", args=[r.community.slug, r.pk])
                + "#answer-form-heading",
                action="Answer it",
                due=timezone.localdate(due),
            )
        )
    shown = needs[:SHOWN]
    if len(needs) > SHOWN:
        help_list = reverse("communities:help_list", args=[late[0].community.slug])
        shown += more(needs[0], len(needs), SHOWN, help_list, "{n} more request{s}")
    return shown


# --- coordinator ---------------------------------------------------------------------------


def coordinator(scope: Scope) -> list[Need]:
    return [
        *stories_to_review(scope),
        *missed_heartbeats(scope),
        *pending_imports(scope),
        *proposals_to_charter(scope),
        *reviews_due(scope),
        *agreement_reviews(scope, scope.coordinator, role="coordinator"),
    ]


def stories_to_review(scope: Scope) -> list[Need]:
    from value_stories.choices import STORY_WORKFLOW
    from value_stories.models import ValueStory

    stories = (
        ValueStory.objects.filter(
            community_id__in=scope.coordinator, status__in=STORY_WORKFLOW.sources("review")
        )
        .exclude(author=scope.user)
        .select_related("community", "author")
        .order_by("submitted_at", "pk")
    )
    rows, total = first_rows(stories)
    needs = [
        Need(
            kind="story_review",
            group="Stories awaiting your review",
            role="coordinator",
            urgency=Urgency.WAITING,
            text=f"“{s.title or 'Untitled story'}” by {s.author or 'a former member'} "
            f"({s.community.name})",
            url=reverse("value_stories:detail", args=[s.pk]),
            action="Review it",
        )
        for s in rows
    ]
    list_url = reverse("value_stories:list") + "?status=submitted"
    return needs + (more(needs[0], total, len(rows), list_url, "{n} more stor{s}") if needs else [])


def missed_heartbeats(scope: Scope) -> list[Need]:
    """Sessions held (past their community's grace days) with no activity logged."""
    from communities.rhythm.jobs import log_activity_url, missed_heartbeat_sessions

    rows, total = first_rows(
        missed_heartbeat_sessions(scope.now).filter(community_id__in=scope.coordinator)
    )
    needs = [
        Need(
            kind="missed_heartbeat",
            group="Sessions with nothing logged",
            role="coordinator",
            urgency=Urgency.OVERDUE,
            text=f"{s.community.name}: {s.title}, "
            f"{date_format(timezone.localtime(s.starts_at), 'D j M')}",
            url=log_activity_url(s),
            action="Log what happened",
            due=timezone.localdate(s.starts_at),
        )
        for s in rows
    ]
    if needs:
        first = rows[0].community.slug
        needs += more(
            needs[0],
            total,
            len(rows),
            reverse("communities:rhythm", args=[first]),
            "{n} more session{s}",
        )
    return needs


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
    rows, total = first_rows(imports)
    needs = [
        Need(
            kind="attendance_import",
            group="Attendance imports to confirm",
            role="coordinator",
            urgency=Urgency.WAITING,
            text=f"{i.filename or 'An attendance file'} for “{i.activity.title}” "
            f"({i.activity.community.name})",
            url=reverse(
                "communities:attendance_import_confirm",
                args=[i.activity.community.slug, i.activity_id, i.pk],
            ),
            action="Check and confirm",
        )
        for i in rows
    ]
    if needs:
        activities = reverse("communities:activities", args=[rows[0].activity.community.slug])
        needs += more(needs[0], total, len(rows), activities, "{n} more import{s}")
    return needs


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
    rows, total = first_rows(groups)
    needs = [
        Need(
            kind="group_proposal",
            group="Practice groups to charter",
            role="coordinator",
            urgency=Urgency.WAITING,
            text=f"{g.name} ({g.community.name}), proposed {_day(g.created_at)}",
            url=reverse("practice_groups:review", args=[g.pk]),
            action="Charter, decline or ask for changes",
        )
        for g in rows
    ]
    if needs:
        groups_url = reverse("practice_groups:list", args=[rows[0].community.slug])
        needs += more(needs[0], total, len(rows), groups_url, "{n} more proposal{s}")
    return needs


def reviews_due(scope: Scope) -> list[Need]:
    """Plan–do–check–act reviews of my communities due within a week or overdue."""
    from communities.stewardship.jobs import due_reviews

    reviews = due_reviews(scope.today + timedelta(days=7)).filter(
        community_id__in=scope.coordinator
    )
    rows, total = first_rows(reviews)
    needs = [
        Need(
            kind="pdca_due",
            group="Plan–do–check–act reviews due",
            role="coordinator",
            urgency=_due_urgency(r.next_review_on, scope.today),
            text=f"{r.community.name}: due {_day(r.next_review_on)}",
            url=reverse("communities:pdca_create", args=[r.community.slug]),
            action="Write the review",
            due=r.next_review_on,
        )
        for r in rows
    ]
    if needs:
        reviews_url = reverse("communities:pdca_reviews", args=[rows[0].community.slug])
        needs += more(needs[0], total, len(rows), reviews_url, "{n} more review{s} due")
    return needs


def agreement_reviews(scope: Scope, ids=None, *, role: str, sponsored=False) -> list[Need]:
    """Agreements (expectations and accountability) whose review date is near or past."""
    from sponsorship.models import Agreement

    agreements = Agreement.objects.filter(
        review_date__lte=scope.today + timedelta(days=SOON_DAYS)
    ).exclude(community__stage=Stage.CLOSED)
    if sponsored:
        agreements = agreements.filter(community__in=_sponsored(scope).values("pk")).exclude(
            community_id__in=scope.coordinator
        )  # said once, as the coordinator
    else:
        agreements = agreements.filter(community_id__in=ids)
    rows, total = first_rows(agreements.select_related("community").order_by("review_date", "pk"))
    needs = [
        Need(
            kind="agreement_review",
            group="Agreements to review",
            role=role,
            urgency=_due_urgency(a.review_date, scope.today),
            text=f"{a.community.name}: expectations and accountability, review "
            + ("overdue since " if a.review_date < scope.today else "due ")
            + _day(a.review_date),
            url=reverse("sponsorship:agreement", args=[a.community.slug]),
            action="Review the agreement",
            due=a.review_date,
        )
        for a in rows
    ]
    if needs:
        # the sponsor dashboard lists the sponsor's; the coordinator's are their communities'
        rest = (
            reverse("sponsorship:dashboard")
            if sponsored
            else reverse("sponsorship:agreement", args=[rows[-1].community.slug])
        )
        needs += more(needs[0], total, len(rows), rest, "{n} more agreement{s}")
    return needs


# --- launch work (whoever was named) --------------------------------------------------------


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
        )  # fmt: skip
        .select_related("community")
        .order_by("pk")[:CANDIDATES]
    )
    needs = []
    for plan in plans:
        what = plan.get_kind_display().lower()
        if plan.due_count:
            needs.append(
                Need(
                    kind="launch_actions",
                    group="Launch actions you own",
                    role="coordinator",
                    urgency=_due_urgency(plan.first_due, scope.today, soon=7),
                    text=f"{plan.community.name}: {plan.due_count} action"
                    f"{'s' if plan.due_count != 1 else ''} of the {what} plan due "
                    + ("since " if plan.first_due < scope.today else "by ")
                    + _day(plan.first_due),
                    url=plan.get_absolute_url(),
                    action="Do or update them",
                    due=plan.first_due,
                )
            )
        if plan.lead_id == user.pk:
            needs.append(
                Need(
                    kind="launch_lead",
                    group="Launches you lead",
                    role="coordinator",
                    urgency=Urgency.OPEN,
                    text=f"You are the {what} lead of {plan.community.name}",
                    url=plan.get_absolute_url(),
                    action="Work on the plan",
                )
            )
    return needs


# --- sponsor -------------------------------------------------------------------------------


def _sponsored(scope: Scope):
    from communities.models import Community

    return Community.objects.filter(permissions.sponsored_communities_q(scope.user)).exclude(
        stage=Stage.CLOSED
    )


def sponsor(scope: Scope) -> list[Need]:
    return [
        *cases_to_endorse(scope),
        *sponsored_flags(scope),
        *agreement_reviews(scope, role="sponsor", sponsored=True),
    ]


def cases_to_endorse(scope: Scope) -> list[Need]:
    """Business cases submitted to me that I have not responded to. One query."""
    from sponsorship.choices import CaseStatus
    from sponsorship.models import BusinessCaseVersion, SponsorResponse

    versions = (
        BusinessCaseVersion.objects.filter(
            status=CaseStatus.SUBMITTED, community__in=_sponsored(scope).values("pk")
        )
        .exclude(Exists(SponsorResponse.objects.filter(version=OuterRef("pk"), sponsor=scope.user)))
        .select_related("community")
        .order_by("submitted_at", "pk")
    )
    rows, total = first_rows(versions)
    needs = [
        Need(
            kind="business_case",
            group="Business cases for your endorsement",
            role="sponsor",
            urgency=Urgency.WAITING,
            text=f"{v.community.name}: version {v.number}"
            + (f", submitted {_day(v.submitted_at)}" if v.submitted_at else ""),
            url=reverse("sponsorship:business_case_version", args=[v.community.slug, v.pk]),
            action="Read, comment or endorse",
        )
        for v in rows
    ]
    list_url = reverse("sponsorship:dashboard")
    return needs + (more(needs[0], total, len(rows), list_url, "{n} more") if needs else [])


def sponsored_flags(scope: Scope) -> list[Need]:
    """The communities I sponsor that the indicators flag. One query."""
    from communities.health.choices import Flag
    from communities.health.models import HealthStatus

    statuses = (
        HealthStatus.objects.filter(community__in=_sponsored(scope).values("pk"), flag_count__gt=0)
        .select_related("community")
        .order_by("-flag_count", "community__name")
    )
    rows, total = first_rows(statuses)
    labels = dict(Flag.choices)
    needs = [
        Need(
            kind="sponsored_flags",
            group="Flags on communities you sponsor",
            role="sponsor",
            urgency=Urgency.WAITING,
            text=f"{s.community.name}: "
            + ", ".join(labels[key] for key in s.flag_keys if key in labels),
            url=reverse("sponsorship:community_dashboard", args=[s.community.slug]),
            action="See its dashboard",
            count=1,
        )
        for s in rows
    ]
    list_url = reverse("sponsorship:dashboard")
    return needs + (
        more(needs[0], total, len(rows), list_url, "{n} more communit{s}") if needs else []
    )


def commitments(scope: Scope) -> list[Need]:
    """Open commitments I own, due soon or overdue, in agreements I may read (my
    communities', or those I sponsor). One query."""
    from sponsorship.choices import CommitmentStatus
    from sponsorship.models import Commitment

    visible = Q(agreement__community_id__in=scope.member)
    if scope.is_sponsor:
        visible |= Q(agreement__community__in=_sponsored(scope).values("pk"))
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
        Need(
            kind="commitment",
            group="Commitments you made",
            role="sponsor" if scope.is_sponsor else "coordinator",
            urgency=_due_urgency(c.due, scope.today),
            text=f"{c.agreement.community.name}: {c.description} — "
            + ("overdue since " if c.due < scope.today else "due ")
            + _day(c.due),
            url=reverse("sponsorship:agreement", args=[c.agreement.community.slug]),
            action="Update the agreement",
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
        Need(
            kind="flags",
            group="Communities with flags",
            role="admin",
            urgency=Urgency.WAITING,
            text=f"{label}: {counts[key]} communit{'ies' if counts[key] != 1 else 'y'}",
            url=f"{overview}?flag={key}",
            action="See them on the overview",
            count=counts[key],
        )
        for key, label in Flag.choices
        if counts[key]
    ]


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
    rows, total = first_rows(requests)
    needs = [
        Need(
            kind="support",
            group="Support requests",
            role="admin",
            urgency=Urgency.WAITING,
            text=f"{r.get_kind_display()} for {r.group or r.community.name}, "
            f"asked {_day(r.created_at)}"
            + (" — nobody has taken it on" if r.handled_by_id is None else " — yours"),
            url=reverse("program:support_update", args=[r.pk]),
            action="Take it on" if r.handled_by_id is None else "Follow it up",
        )
        for r in rows
    ]
    list_url = reverse("program:support_queue") + "?assignee=nobody"
    return needs + (more(needs[0], total, len(rows), list_url, "{n} more") if needs else [])


def stalled_launches(scope: Scope) -> list[Need]:
    from communities.stewardship.services import stalled_days, stalled_plans

    rows, total = first_rows(
        stalled_plans(scope.now)
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("updated_at", "pk")
    )
    needs = [
        Need(
            kind="stalled_launch",
            group="Stalled launches",
            role="admin",
            urgency=Urgency.OVERDUE,
            text=f"{p.community.name}: {p.get_kind_display().lower()} with no progress since "
            f"{_day(p.updated_at)} (over {stalled_days()} days)",
            url=p.get_absolute_url(),
            action="Get it moving",
        )
        for p in rows
    ]
    list_url = reverse("program:launches") + "?stalled=1"
    return needs + (more(needs[0], total, len(rows), list_url, "{n} more") if needs else [])


def terms_ending(scope: Scope) -> list[Need]:
    from sponsorship.models import Appointment

    appointments = (
        Appointment.objects.current(scope.today)
        .filter(term_end__lte=scope.today + timedelta(days=TERM_END_DAYS))
        .select_related("person")
        .order_by("term_end", "pk")
    )
    rows, total = first_rows(appointments)
    needs = [
        Need(
            kind="term_ending",
            group="Appointments ending",
            role="admin",
            urgency=_due_urgency(a.term_end, scope.today),
            text=f"{a.person} ({a.get_role_display().lower()}): term ends {_day(a.term_end)}",
            url=reverse("sponsorship:appointment_detail", args=[a.pk]),
            action="Renew or end it",
            due=a.term_end,
        )
        for a in rows
    ]
    list_url = reverse("sponsorship:appointment_list")
    return needs + (more(needs[0], total, len(rows), list_url, "{n} more") if needs else [])


def overdue_reviews(scope: Scope) -> list[Need]:
    """How many communities' plan–do–check–act reviews are overdue. One query."""
    from communities.stewardship.jobs import due_reviews

    overdue = (
        due_reviews(scope.today - timedelta(days=1))
        .order_by()
        .aggregate(n=Count("pk"), since=Min("next_review_on"))
    )
    if not overdue["n"]:
        return []
    n = overdue["n"]
    return [
        Need(
            kind="pdca_overdue",
            group="Plan–do–check–act reviews overdue",
            role="admin",
            urgency=Urgency.OVERDUE,
            text=f"{n} communit{'ies' if n != 1 else 'y'}, the oldest due {_day(overdue['since'])}",
            url=reverse("program:reviews_due"),
            action="See the reviews due",
            count=n,
            due=overdue["since"],
        )
    ]


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
        Need(
            kind="reports_unsent",
            group="Health reports not sent",
            role="admin",
            urgency=Urgency.OVERDUE,
            text=f"The health reports of {date_format(period, 'F Y')} were not made or sent",
            url=reverse("program:reports"),
            action="Check the program reports",
            due=scope.today.replace(day=3),
        )
    ]
