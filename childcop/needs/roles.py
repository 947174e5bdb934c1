"""One function per role section of "Needs you"; `build` runs the sections a person needs.

Each section is handed the person's scope (`Scope`: the ids of their communities, by
role) and asks one query per kind of item, bounded (`listed`, `first_rows`) and scoped by
those ids, so its cost does not grow with the number of communities. Where a rule counts
working days or per-community settings that SQL cannot say on every database, the query
narrows to a bounded set of candidates and Python decides, as the jobs that send the
emails do.
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

from .items import SHOWN, Kind, Need, Urgency, first_rows, first_rows_by, listed, more

# A newcomer: joined within this many days.
NEWCOMER_DAYS = 30
# Due "soon": within this many days (commitments, reviews of agreements).
SOON_DAYS = 14
# Practice-group reports stay open for members' responses this long.
REPORT_RESPONSE_DAYS = 30
# Appointments whose term ends within this many days.
TERM_END_DAYS = 60
# Suggested communities for someone in none yet.
SUGGESTED = 3
# Bounded candidates for the rules Python decides (working days, per-community delays).
CANDIDATES = 50

SUGGESTED_KIND = Kind("suggested", "Communities for you", "newcomer")
NEXT_SESSION = Kind("next_session", "Your next sessions", "newcomer")
INTRODUCE = Kind("introduce", "Introduce yourself", "newcomer")
HELP_ANSWERED = Kind("help_answered", "Answers to your help requests", "member")
HELP_FOLLOW_UP = Kind("help_follow_up", "How did it turn out?", "member")
VOTE = Kind("vote", "Votes to cast", "member")
MY_STORIES = Kind("my_stories", "Your value-creation stories", "member")
GROUP_REPORT = Kind("group_report", "Practice-group reports for your response", "member")
HEALTH_CHECK = Kind("health_check", "Health checks to answer", "core")
HELP_UNANSWERED = Kind("help_unanswered", "Help requests with no answer", "core")
STORY_REVIEW = Kind("story_review", "Stories awaiting your review", "coordinator")
MISSED_HEARTBEAT = Kind("missed_heartbeat", "Sessions with nothing logged", "coordinator")
ATTENDANCE_IMPORT = Kind("attendance_import", "Attendance imports to confirm", "coordinator")
GROUP_PROPOSAL = Kind("group_proposal", "Practice groups to charter", "coordinator")
PDCA_DUE = Kind("pdca_due", "Plan–do–check–act reviews due", "coordinator")
LAUNCH_ACTIONS = Kind("launch_actions", "Launch actions you own", "coordinator")
LAUNCH_LEAD = Kind("launch_lead", "Launches you lead", "coordinator")
BUSINESS_CASE = Kind("business_case", "Business cases for your endorsement", "sponsor")
SPONSORED_FLAGS = Kind("sponsored_flags", "Flags on communities you sponsor", "sponsor")
FLAGS = Kind("flags", "Communities with flags", "admin")
SUPPORT = Kind("support", "Support requests", "admin")
STALLED_LAUNCH = Kind("stalled_launch", "Stalled launches", "admin")
TERM_ENDING = Kind("term_ending", "Appointments ending", "admin")
PDCA_OVERDUE = Kind("pdca_overdue", "Plan–do–check–act reviews overdue", "admin")
REPORTS_UNSENT = Kind("reports_unsent", "Health reports not sent", "admin")


@dataclass
class Scope:
    user: object
    now: datetime
    today: date
    member: list[int]  # communities (not closed) the person belongs to
    core: list[int]  # … where they are in the core group (coordinators included)
    coordinator: list[int]  # … that they coordinate
    newcomer: list  # memberships (not closed, not core) of the last NEWCOMER_DAYS days
    communities: dict  # id -> community, of the memberships (not closed)
    is_sponsor: bool
    is_admin: bool


def _day(value) -> str:
    return date_format(value, "j M Y")


def _s(n: int, many: str = "s", one: str = "") -> str:
    return one if n == 1 else many


def _due_urgency(due, today, *, soon=SOON_DAYS) -> Urgency:
    if due < today:
        return Urgency.OVERDUE
    if due <= today + timedelta(days=soon):
        return Urgency.DUE
    return Urgency.WAITING


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def memberships_of(user, now=None):
    """The person's memberships with their communities; those of a newcomer (not core,
    joined in the last NEWCOMER_DAYS days) carry what the newcomer's items show: the
    community's next session, its coordinator's name, and whether the person introduced
    themselves there (raised a challenge or asked for help). One query (the home page's
    own list of memberships); the sub-queries run for a newcomer's rows only."""
    from django.db.models import Case, CharField, DateTimeField, When

    from communities.choices import Level, SessionStatus
    from communities.models import AgendaItem, HelpRequest, Membership, Session

    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=NEWCOMER_DAYS)
    new = Q(joined_on__gte=since, is_coordinator=False) & ~Q(level=Level.CORE)
    next_session = Session.objects.filter(
        community=OuterRef("community"), status=SessionStatus.PLANNED, starts_at__gte=now
    ).order_by("starts_at", "pk")
    coordinator = (
        Membership.objects.filter(community=OuterRef("community"), is_coordinator=True)
        .exclude(user=user)
        .order_by("joined_on", "pk")
        .values("user__display_name")[:1]
    )
    introduced = Exists(
        AgendaItem.objects.filter(community=OuterRef("community"), raised_by=user)
    ) | Exists(HelpRequest.objects.filter(community=OuterRef("community"), asker=user))

    def if_new(value, field):
        return Case(When(new, then=value), default=None, output_field=field)

    return (
        Membership.objects.filter(user=user)
        .select_related("community")
        .annotate(
            next_session_title=if_new(Subquery(next_session.values("title")[:1]), CharField()),
            next_session_at=if_new(Subquery(next_session.values("starts_at")[:1]), DateTimeField()),
            coordinator_name=if_new(Subquery(coordinator), CharField()),
            introduced=Case(When(new, then=introduced), default=True),
        )
    )


def build(user, memberships=None, *, is_sponsor=None, now=None) -> list[Need]:
    """Every item that needs `user` now. `memberships`: theirs from `memberships_of`, when
    the caller has them already (the home page); `is_sponsor` likewise."""
    if not (user.is_authenticated and user.is_active):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    if memberships is None:
        memberships = list(memberships_of(user, now))
    if is_sponsor is None:
        is_sponsor = permissions.is_sponsor(user)
    live = [m for m in memberships if m.community.stage != Stage.CLOSED]
    joined_since = today - timedelta(days=NEWCOMER_DAYS)
    scope = Scope(
        user=user,
        now=now,
        today=today,
        member=[m.community_id for m in live],
        core=[m.community_id for m in live if m.is_core],
        coordinator=[m.community_id for m in live if m.is_coordinator],
        newcomer=[m for m in live if not m.is_core and m.joined_on >= joined_since],
        communities={m.community_id: m.community for m in live},
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
        SUGGESTED_KIND(
            f"{c['name']}: {c['domain']}"
            + (f" ({c['alike']} member{_s(c['alike'])} like you)" if c["alike"] else ""),
            _url("communities:detail", c["slug"]),
            "Have a look and join",
            urgency=Urgency.OPEN,
        )
        for c in communities
    ]


def newcomer(scope: Scope) -> list[Need]:
    """The next session of each new community (to add to one's calendar: the community's
    calendar feed), and the coordinator's welcome until one has introduced oneself. No
    query: `memberships_of` read them with the memberships."""
    from communities.rhythm.services.feeds import community_feed_url

    needs = []
    for m in sorted(scope.newcomer, key=lambda m: m.next_session_at or scope.now):
        community = m.community
        if m.next_session_at is not None:
            needs.append(
                NEXT_SESSION(
                    f"{community.name}: {m.next_session_title}, "
                    f"{date_format(timezone.localtime(m.next_session_at), 'D j M, H:i')}",
                    community_feed_url(community),
                    "Add to my calendar",
                    urgency=Urgency.OPEN,
                    due=timezone.localdate(m.next_session_at),
                )
            )
        if not m.introduced:
            welcome = (
                f"{m.coordinator_name}, its coordinator, welcomes you to {community.name}"
                if m.coordinator_name
                else f"Welcome to {community.name}"
            )
            needs.append(
                INTRODUCE(
                    f"{welcome}: say who you are by raising the challenge you bring",
                    _url("communities:agenda_create", community.slug),
                    "Raise your challenge",
                    urgency=Urgency.OPEN,
                )
            )
    return needs


# --- member --------------------------------------------------------------------------------


def member(scope: Scope) -> list[Need]:
    """As a member (and, in the same queries, as the core group and the coordinator: help
    requests waiting for an answer, stories awaiting review)."""
    return [
        *help_requests(scope),
        *voting_rounds(scope),
        *stories(scope),
        *reports_to_respond(scope),
    ]


def help_requests(scope: Scope) -> list[Need]:
    """One query for three kinds: answers to my requests not marked helpful yet; "how did it
    turn out?" follow-ups due (`follow_up_days` after the helpful answer, the community's
    setting); and, for the core group, requests in their communities past the response
    commitment with no answer (working days, as the coordinators' email counts them)."""
    from django.db.models import Case, CharField, Value, When

    from communities.learning.jobs import add_working_days
    from communities.models import Answer, HelpRequest

    user = scope.user
    answered_by_others = Exists(Answer.objects.filter(request=OuterRef("pk")).exclude(author=user))
    answered = Q(asker=user, status=HELP_WORKFLOW.initial, answered=True)
    follow = Q(asker=user, status__in=HELP_WORKFLOW.sources("follow_up"), helpful_at__isnull=False)
    late = Q(
        community_id__in=scope.core,
        status=HELP_WORKFLOW.initial,
        # n working days are at least n calendar days: the database narrows
        created_at__lte=scope.now - timedelta(days=1),
        any_answer=False,
    ) & ~Q(asker=user)
    category = Case(
        When(answered, then=Value("answered")),
        When(follow, then=Value("follow")),
        default=Value("late"),
        output_field=CharField(),
    )
    rows, _ = first_rows_by(
        HelpRequest.objects.filter(community_id__in=scope.member)
        .alias(
            answered=answered_by_others,
            any_answer=Exists(Answer.objects.filter(request=OuterRef("pk"))),
        )
        .filter(answered | follow | late)
        .annotate(answer_count=Count("answers"))
        .select_related("community"),
        category,
        [F("created_at").asc(), F("pk").asc()],
        shown=CANDIDATES,
    )
    needs = []
    for r in rows.get("answered", [])[:SHOWN]:
        needs.append(
            HELP_ANSWERED(
                f"“{r.title}” ({r.community.name}) has {r.answer_count} answer{_s(r.answer_count)}",
                _url("communities:help_detail", r.community.slug, r.pk),
                "Mark the one that helped",
            )
        )
    for r in rows.get("follow", []):
        due = timezone.localdate(r.helpful_at + timedelta(days=r.community.follow_up_days))
        if due <= scope.today:
            needs.append(
                HELP_FOLLOW_UP(
                    f"“{r.title}” ({r.community.name}): tell the community what worked and "
                    "what did not",
                    _url("communities:help_follow_up", r.community.slug, r.pk),
                    "Close the loop",
                    urgency=Urgency.DUE,
                    due=due,
                )
            )
    overdue = [
        (r, add_working_days(r.created_at, r.community.response_commitment_days))
        for r in rows.get("late", [])
    ]
    overdue = [(r, due) for r, due in overdue if due <= scope.now]
    needs += [
        HELP_UNANSWERED(
            f"“{r.title}” ({r.community.name}), asked {_day(r.created_at)}: past the "
            f"{r.community.response_commitment_days}-working-day commitment",
            _url("communities:help_detail", r.community.slug, r.pk) + "#answer-form-heading",
            "Answer it",
            urgency=Urgency.OVERDUE,
            due=timezone.localdate(due),
        )
        for r, due in overdue[:SHOWN]
    ]
    if overdue:
        help_list = _url("communities:help_list", overdue[-1][0].community.slug)
        needs += more(HELP_UNANSWERED, len(overdue), SHOWN, help_list, "{n} more request{s}")
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
    return listed(
        VOTE,
        rounds,
        lambda r: VOTE(
            f"{r.community.name}: “{r.title}”",
            _url("communities:agenda_round", r.community.slug, r.pk),
            "Vote on the learning agenda",
            urgency=Urgency.OPEN,
        ),
        lambda rows: _url("communities:agenda", rows[-1].community.slug),
        "{n} more round{s}",
    )


def stories(scope: Scope) -> list[Need]:
    """One query for two kinds: my value-creation stories returned for changes or still in
    draft, and, for a coordinator, the stories of their communities awaiting review (not
    their own)."""
    from django.db.models import Case, CharField, Value, When

    from value_stories.choices import STORY_WORKFLOW, Status
    from value_stories.models import ValueStory

    user = scope.user
    mine = Q(author=user, status__in=[Status.RETURNED, Status.DRAFT])
    review = Q(
        community_id__in=scope.coordinator, status__in=STORY_WORKFLOW.sources("review")
    ) & ~Q(author=user)
    rows, totals = first_rows_by(
        ValueStory.objects.filter(community_id__in=scope.member)
        .filter(mine | review)
        .select_related("community", "author"),
        Case(When(review, then=Value("review")), default=Value("mine"), output_field=CharField()),
        # returned before drafts; the oldest first
        [F("status").desc(), F("updated_at").asc(), F("pk").asc()],
    )

    def my_story(s):
        returned = s.status == Status.RETURNED
        return MY_STORIES(
            f"“{s.title or 'Untitled story'}” ({s.community.name}): "
            + ("returned with comments" if returned else "still a draft"),
            _url("value_stories:edit", s.pk),
            "Revise and submit" if returned else "Finish and submit",
            urgency=Urgency.WAITING if returned else Urgency.OPEN,
        )

    def to_review(s):
        return STORY_REVIEW(
            f"“{s.title or 'Untitled story'}” by {s.author or 'a former member'} "
            f"({s.community.name})",
            _url("value_stories:detail", s.pk),
            "Review it",
        )

    listed_rows = {"mine": rows.get("mine", []), "review": rows.get("review", [])}
    needs = [my_story(s) for s in listed_rows["mine"]]
    needs += more(
        MY_STORIES,
        totals.get("mine", 0),
        len(listed_rows["mine"]),
        reverse("value_stories:list") + "?author=me",
        "{n} more",
    )
    needs += [to_review(s) for s in listed_rows["review"]]
    needs += more(
        STORY_REVIEW,
        totals.get("review", 0),
        len(listed_rows["review"]),
        reverse("value_stories:list") + "?status=submitted",
        "{n} more stor{s}",
    )
    return needs


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
    return listed(
        GROUP_REPORT,
        reports,
        lambda r: GROUP_REPORT(
            f"{r.group.name} ({r.group.community.name}): “{r.title}”",
            _url("practice_groups:report", r.pk),
            "Endorse, critique or refine",
            due=timezone.localdate(r.created_at) + timedelta(days=REPORT_RESPONSE_DAYS),
        ),
        lambda rows: _url("practice_groups:list", rows[-1].group.community.slug),
        "{n} more report{s}",
    )


# --- core group ----------------------------------------------------------------------------


def core_group(scope: Scope) -> list[Need]:
    return health_checks_to_answer(scope)  # help requests waiting: `help_requests`


def health_checks_to_answer(scope: Scope) -> list[Need]:
    """Open health checks of my core groups without my answer. One query."""
    from communities.health.models import HealthCheck, HealthCheckResponse

    mine = HealthCheckResponse.objects.filter(health_check=OuterRef("pk"), respondent=scope.user)
    checks = (
        HealthCheck.objects.filter(community_id__in=scope.core, closed_at__isnull=True)
        .exclude(Exists(mine))
        .select_related("community")
        .order_by("answer_by", "pk")
    )
    return listed(
        HEALTH_CHECK,
        checks,
        lambda c: HEALTH_CHECK(
            f"{c.community.name}, {c.period_label}: answer by {_day(c.answer_by)}",
            _url("communities:health_check_answer", c.community.slug, c.pk),
            "Rate the community",
            urgency=_due_urgency(c.answer_by, scope.today, soon=7),
            due=c.answer_by,
        ),
        lambda rows: _url("communities:health_checks", rows[-1].community.slug),
        "{n} more health check{s}",
    )


# --- coordinator ---------------------------------------------------------------------------


def coordinator(scope: Scope) -> list[Need]:
    return [  # stories awaiting review: `stories`
        *missed_heartbeats(scope),
        *pending_imports(scope),
        *proposals_to_charter(scope),
        *reviews_due(scope),
        *agreement_reviews(scope),
    ]


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
        lambda rows: _url("communities:rhythm", rows[-1].community.slug),
        "{n} more session{s}",
    )


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
            _url(
                "communities:attendance_import_confirm",
                i.activity.community.slug,
                i.activity_id,
                i.pk,
            ),
            "Check and confirm",
        ),
        lambda rows: _url("communities:activities", rows[-1].activity.community.slug),
        "{n} more import{s}",
    )


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
            f"{g.name} ({g.community.name}), proposed {_day(g.created_at)}",
            _url("practice_groups:review", g.pk),
            "Charter, decline or ask for changes",
        ),
        lambda rows: _url("practice_groups:list", rows[-1].community.slug),
        "{n} more proposal{s}",
    )


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
            f"{r.community.name}: due {_day(r.next_review_on)}",
            _url("communities:pdca_create", r.community.slug),
            "Write the review",
            urgency=_due_urgency(r.next_review_on, scope.today),
            due=r.next_review_on,
        ),
        lambda rows: _url("communities:pdca_reviews", rows[-1].community.slug),
        "{n} more review{s} due",
    )


def agreement_reviews(scope: Scope, *, sponsored=False) -> list[Need]:
    """Agreements (expectations and accountability) whose review date is near or past: of
    the communities I coordinate, or (`sponsored`) of those I sponsor and do not coordinate."""
    from sponsorship.models import Agreement

    kind = Kind(
        "agreement_review", "Agreements to review", "sponsor" if sponsored else "coordinator"
    )
    agreements = Agreement.objects.filter(
        review_date__lte=scope.today + timedelta(days=SOON_DAYS)
    ).exclude(community__stage=Stage.CLOSED)
    if sponsored:  # said once, as the coordinator, to a sponsor who coordinates one
        agreements = agreements.filter(community__in=_sponsored(scope).values("pk")).exclude(
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
            f"{'overdue since' if overdue else 'due'} {_day(a.review_date)}",
            _url("sponsorship:agreement", a.community.slug),
            "Review the agreement",
            urgency=_due_urgency(a.review_date, scope.today),
            due=a.review_date,
        )

    return listed(
        kind,
        agreements.select_related("community").order_by("review_date", "pk"),
        item,
        lambda rows: rest or _url("sponsorship:agreement", rows[-1].community.slug),
        "{n} more agreement{s}",
    )


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
                    f"{plan.community.name}: {n} action{_s(n)} of the {what} plan due "
                    f"{'since' if first < scope.today else 'by'} {_day(first)}",
                    plan.get_absolute_url(),
                    "Do or update them",
                    urgency=_due_urgency(first, scope.today, soon=7),
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
        *agreement_reviews(scope, sponsored=True),
    ]


def cases_to_endorse(scope: Scope) -> list[Need]:
    """Business cases submitted to me that I have not responded to. One query."""
    from sponsorship.choices import CaseStatus
    from sponsorship.models import BusinessCaseVersion, SponsorResponse

    mine = SponsorResponse.objects.filter(version=OuterRef("pk"), sponsor=scope.user)
    versions = (
        BusinessCaseVersion.objects.filter(
            status=CaseStatus.SUBMITTED, community__in=_sponsored(scope).values("pk")
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
            + (f", submitted {_day(v.submitted_at)}" if v.submitted_at else ""),
            _url("sponsorship:business_case_version", v.community.slug, v.pk),
            "Read, comment or endorse",
        ),
        lambda rows: reverse("sponsorship:dashboard"),
    )


def sponsored_flags(scope: Scope) -> list[Need]:
    """The communities I sponsor that the indicators flag. One query."""
    from communities.health.choices import Flag
    from communities.health.models import HealthStatus

    statuses = (
        HealthStatus.objects.filter(community__in=_sponsored(scope).values("pk"), flag_count__gt=0)
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
            _url("sponsorship:community_dashboard", s.community.slug),
            "See its dashboard",
        ),
        lambda rows: reverse("sponsorship:dashboard"),
        "{n} more communit{s}",
    )


def commitments(scope: Scope) -> list[Need]:
    """Open commitments I own, due soon or overdue, in agreements I may read (my
    communities', or those I sponsor). One query."""
    from sponsorship.choices import CommitmentStatus
    from sponsorship.models import Commitment

    kind = Kind("commitment", "Commitments you made", "sponsor" if scope.is_sponsor else "core")
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
        kind(
            f"{c.agreement.community.name}: {c.description} — "
            f"{'overdue since' if c.due < scope.today else 'due'} {_day(c.due)}",
            _url("sponsorship:agreement", c.agreement.community.slug),
            "Update the agreement",
            urgency=_due_urgency(c.due, scope.today),
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
        FLAGS(
            f"{label}: {counts[key]} communit{_s(counts[key], 'ies', 'y')}",
            f"{overview}?flag={key}",
            "See them on the overview",
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

    def item(r):
        nobody = r.handled_by_id is None
        return SUPPORT(
            f"{r.get_kind_display()} for {r.group or r.community.name}, asked "
            f"{_day(r.created_at)} — {'nobody has taken it on' if nobody else 'yours'}",
            _url("program:support_update", r.pk),
            "Take it on" if nobody else "Follow it up",
        )

    unassigned = reverse("program:support_queue") + "?assignee=nobody"
    return listed(SUPPORT, requests, item, lambda rows: unassigned)


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
            f"{_day(p.updated_at)} (over {stalled_days()} days)",
            p.get_absolute_url(),
            "Get it moving",
            urgency=Urgency.OVERDUE,
        ),
        lambda rows: stalled,
    )


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
            f"{a.person} ({a.get_role_display().lower()}): term ends {_day(a.term_end)}",
            _url("sponsorship:appointment_detail", a.pk),
            "Renew or end it",
            urgency=_due_urgency(a.term_end, scope.today),
            due=a.term_end,
        ),
        lambda rows: reverse("sponsorship:appointment_list"),
    )


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
            f"{n} communit{_s(n, 'ies', 'y')}, the oldest due {_day(overdue['since'])}",
            reverse("program:reviews_due"),
            "See the reviews due",
            urgency=Urgency.OVERDUE,
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
        REPORTS_UNSENT(
            f"The health reports of {date_format(period, 'F Y')} were not made or sent",
            reverse("program:reports"),
            "Check the program reports",
            urgency=Urgency.OVERDUE,
            due=scope.today.replace(day=3),
        )
    ]
