"""The newcomer, member and core group sections of "Needs you"."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from communities.choices import HELP_WORKFLOW, Stage

from .items import SHOWN, Kind, Need, Urgency, first_rows_by, listed, more, reads
from .scope import (
    CANDIDATES,
    REPORT_RESPONSE_DAYS,
    SUGGESTED,
    Scope,
    day,
    due_urgency,
    link,
    plural,
)

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


# --- newcomer ------------------------------------------------------------------------------


@reads("community", "membership", "people")
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
            + (f" ({c['alike']} member{plural(c['alike'])} like you)" if c["alike"] else ""),
            link("communities:detail", c["slug"]),
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
                    link("communities:agenda_create", community.slug),
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


@reads("community", "help", mine=True)
def help_requests(scope: Scope) -> list[Need]:
    """Two queries for three kinds: my requests — answers to them not marked helpful yet,
    and "how did it turn out?" follow-ups due (`follow_up_days` after the helpful answer,
    the community's setting); and, for the core group, requests in their communities past
    the response commitment with no answer (working days, as the coordinators' email
    counts them). Two plain queries rather than one ranked by kind: building the ranked
    one cost several times what both cost together."""
    from communities.learning.jobs import add_working_days
    from communities.models import Answer, HelpRequest

    user = scope.user
    answered_by_others = Exists(Answer.objects.filter(request=OuterRef("pk")).exclude(author=user))
    answered = Q(status=HELP_WORKFLOW.initial, answered=True)
    follow = Q(status__in=HELP_WORKFLOW.sources("follow_up"), helpful_at__isnull=False)
    rows = {"answered": [], "follow": [], "late": []}
    for r in (
        HelpRequest.objects.filter(asker=user, community_id__in=scope.member)
        .alias(answered=answered_by_others)
        .filter(answered | follow)
        .annotate(answer_count=Count("answers"))
        .select_related("community")
        .order_by("created_at", "pk")[: 2 * CANDIDATES]
    ):
        rows["answered" if r.status == HELP_WORKFLOW.initial else "follow"].append(r)
    if scope.core:
        rows["late"] = list(
            HelpRequest.objects.filter(
                community_id__in=scope.core,
                status=HELP_WORKFLOW.initial,
                # n working days are at least n calendar days: the database narrows
                created_at__lte=scope.now - timedelta(days=1),
            )
            .exclude(asker=user)
            .exclude(Exists(Answer.objects.filter(request=OuterRef("pk"))))
            .select_related("community")
            .order_by("created_at", "pk")[:CANDIDATES]
        )
    rows["follow"] = rows["follow"][:CANDIDATES]
    needs = []
    for r in rows.get("answered", [])[:SHOWN]:
        needs.append(
            HELP_ANSWERED(
                f"“{r.title}” ({r.community.name}) has {r.answer_count} answer{plural(r.answer_count)}",
                link("communities:help_detail", r.community.slug, r.pk),
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
                    link("communities:help_follow_up", r.community.slug, r.pk),
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
            f"“{r.title}” ({r.community.name}), asked {day(r.created_at)}: past the "
            f"{r.community.response_commitment_days}-working-day commitment",
            link("communities:help_detail", r.community.slug, r.pk) + "#answer-form-heading",
            "Answer it",
            urgency=Urgency.OVERDUE,
            due=timezone.localdate(due),
        )
        for r, due in overdue[:SHOWN]
    ]
    if overdue:
        help_list = link("communities:help_list", overdue[-1][0].community.slug)
        needs += more(HELP_UNANSWERED, len(overdue), SHOWN, help_list, "{n} more request{s}")
    return needs


@reads("community", "agenda", mine=True)
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
            link("communities:agenda_round", r.community.slug, r.pk),
            "Vote on the learning agenda",
            urgency=Urgency.OPEN,
        ),
        lambda rows: link("communities:agenda", rows[-1].community.slug),
        "{n} more round{s}",
    )


@reads("community", "stories", "people", mine=True)
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
            link("value_stories:edit", s.pk),
            "Revise and submit" if returned else "Finish and submit",
            urgency=Urgency.WAITING if returned else Urgency.OPEN,
        )

    def to_review(s):
        return STORY_REVIEW(
            f"“{s.title or 'Untitled story'}” by {s.author or 'a former member'} "
            f"({s.community.name})",
            link("value_stories:detail", s.pk),
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


@reads("community", "groups", mine=True)
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
            link("practice_groups:report", r.pk),
            "Endorse, critique or refine",
            due=timezone.localdate(r.created_at) + timedelta(days=REPORT_RESPONSE_DAYS),
        ),
        lambda rows: link("practice_groups:list", rows[-1].group.community.slug),
        "{n} more report{s}",
    )


# --- core group ----------------------------------------------------------------------------


def core_group(scope: Scope) -> list[Need]:
    return health_checks_to_answer(scope)  # help requests waiting: `help_requests`


@reads("community", "health", mine=True)
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
            f"{c.community.name}, {c.period_label}: answer by {day(c.answer_by)}",
            link("communities:health_check_answer", c.community.slug, c.pk),
            "Rate the community",
            urgency=due_urgency(c.answer_by, scope.today, soon=7),
            due=c.answer_by,
        ),
        lambda rows: link("communities:health_checks", rows[-1].community.slug),
        "{n} more health check{s}",
    )
