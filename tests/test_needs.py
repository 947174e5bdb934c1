""" "Needs you" (childcop.needs): each role's items appear from the program's state and go
once the thing is done or the reader loses access; the home page's query count does not
grow with the number of communities; the weekly summary goes out once per person and week.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childcop import needs, permissions
from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import SentEmail
from childcop.needs import jobs
from communities.choices import HelpStatus, Level
from communities.factories import (
    AnswerFactory,
    CommunityFactory,
    CoordinatorFactory,
    HelpRequestFactory,
    MembershipFactory,
    SessionFactory,
)
from communities.health.choices import SupportKind, SupportStatus
from communities.health.models import HealthCheck, HealthCheckResponse, HealthStatus, SupportRequest
from communities.models import AttendanceImport, VoteAllowance, VotingRound
from practice_groups.choices import GroupStatus
from practice_groups.factories import PracticeGroupFactory, ProgressReportFactory
from practice_groups.models import ReportResponse
from sponsorship.choices import AppointmentStatus, CaseStatus
from sponsorship.factories import (
    AgreementFactory,
    BusinessCaseVersionFactory,
    CommitmentFactory,
    SponsorAppointmentFactory,
)
from sponsorship.models import Appointment, SponsorResponse
from tests.commands import command_output, schedules_created_twice
from tests.waits import wait_for
from value_stories.choices import Status
from value_stories.factories import ValueStoryFactory

pytestmark = pytest.mark.django_db

OLD = timezone.localdate() - timedelta(days=400)  # joined long ago: no newcomer items


def kinds(user, **options):
    """The kinds of items waiting for `user`, computed now; and the home page's, kept per
    item function until a write to what it reads (childcop.needs.roles.for_person): the
    same after every write these tests make, as the product makes it."""
    now = Counter(need.kind for need in needs.build(user, **options))
    if not options:
        memberships = list(needs.memberships_of(user))
        kept = needs.for_person(user, memberships, is_sponsor=permissions.is_sponsor(user))
        assert Counter(need.kind for need in kept) == now
        assert kept == needs.build(user, memberships, is_sponsor=permissions.is_sponsor(user))
    return now


def regular(community, user=None, **fields):
    return MembershipFactory(
        community=community, user=user or UserFactory(), joined_on=OLD, **fields
    ).user


# --- each role's items, there while they wait and gone once done ---------------------------


def test_newcomer_with_no_community_gets_the_three_best_matching_communities():
    person = UserFactory(department="Privacy Office", job_title="Privacy counsel")
    best = CommunityFactory(name="Privacy law")
    for _ in range(2):
        regular(best, UserFactory(department="Privacy Office"))
    second = CommunityFactory(name="Contracts")
    regular(second, UserFactory(job_title="privacy counsel"))
    for i in range(3):  # bigger, but nobody alike
        other = CommunityFactory(name=f"Other {i}")
        for _ in range(4):
            regular(other)
    CommunityFactory(name="Members only", is_open=False)
    suggested = [n for n in needs.build(person) if n.kind == "suggested"]
    assert [n.url for n in suggested][:2] == [best.get_absolute_url(), second.get_absolute_url()]
    assert len(suggested) == 3
    MembershipFactory(community=best, user=person)
    assert "suggested" not in kinds(person)


def test_newcomer_gets_next_sessions_to_add_to_a_calendar_and_the_welcome_until_introduced():
    community = CommunityFactory()
    coordinator = CoordinatorFactory(community=community, joined_on=OLD).user
    newcomer = MembershipFactory(community=community).user
    SessionFactory(community=community, starts_at=timezone.now() + timedelta(days=3))
    items = {n.kind: n for n in needs.build(newcomer)}
    assert items["next_session"].action == "Add to my calendar"
    assert items["next_session"].url.endswith(f"/calendar/community/{community.calendar_token}.ics")
    assert coordinator.display_name in items["introduce"].text
    HelpRequestFactory(community=community, asker=newcomer)
    assert "introduce" not in kinds(newcomer)
    # a month later, no longer a newcomer
    newcomer.memberships.update(joined_on=OLD)
    assert "next_session" not in kinds(newcomer)


def test_member_items_go_once_done(community, member, coordinator):
    member.memberships.update(joined_on=OLD)
    question = HelpRequestFactory(community=community, asker=member)
    answer = AnswerFactory(request=question, author=coordinator)
    voting = VotingRound.objects.create(community=community)
    story = ValueStoryFactory(community=community, author=member, status=Status.RETURNED)
    group = PracticeGroupFactory(community=community)
    report = ProgressReportFactory(group=group, author=coordinator)
    assert kinds(member) == {
        "help_answered": 1,
        "vote": 1,
        "my_stories": 1,
        "group_report": 1,
    }
    # marked helpful: now the follow-up is due once the community's delay has passed
    answer.helpful = True
    answer.save()
    question.status = HelpStatus.ANSWERED
    question.helpful_at = timezone.now() - timedelta(days=community.follow_up_days + 1)
    question.save()
    VoteAllowance.objects.create(round=voting, voter=member, remaining=0)
    story.status = Status.SUBMITTED
    story.save()
    ReportResponse.objects.create(report=report, responder=member, kind="endorse")
    assert kinds(member) == {"help_follow_up": 1}
    question.status = HelpStatus.CLOSED
    question.save()
    assert kinds(member) == {}


def test_core_group_items_go_once_done(community, core_member, member):
    core_member.memberships.update(joined_on=OLD)
    check = HealthCheck.objects.create(
        community=community,
        period_start=timezone.localdate() - timedelta(days=90),
        period_end=timezone.localdate(),
        answer_by=timezone.localdate() + timedelta(days=3),
    )
    late = HelpRequestFactory(community=community, asker=member)
    HelpRequestFactory(community=community, asker=member)  # asked today: not late yet
    type(late).objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=10))
    items = {n.kind: n for n in needs.build(core_member)}
    assert set(items) == {"health_check", "help_unanswered"}
    assert items["health_check"].urgency == needs.Urgency.DUE
    assert items["help_unanswered"].url.startswith(
        reverse("communities:help_detail", args=[community.slug, late.pk])
    )
    HealthCheckResponse.objects.create(health_check=check, respondent=core_member)
    AnswerFactory(request=late, author=core_member)
    assert kinds(core_member) == {}


def test_coordinator_items_go_once_done(community, coordinator, member):
    coordinator.memberships.update(joined_on=OLD)
    story = ValueStoryFactory(community=community, author=member, status=Status.SUBMITTED)
    session = SessionFactory(community=community, starts_at=timezone.now() - timedelta(days=10))
    from communities.factories import ActivityFactory

    activity = ActivityFactory(community=community)
    AttendanceImport.objects.create(activity=activity, filename="teams.csv")
    proposal = PracticeGroupFactory(community=community, status=GroupStatus.PROPOSED)
    from communities.factories import PdcaReviewFactory

    PdcaReviewFactory(community=community, next_review_on=timezone.localdate() - timedelta(days=1))
    agreement = AgreementFactory(
        community=community, review_date=timezone.localdate() + timedelta(days=5)
    )
    items = {n.kind: n for n in needs.build(coordinator)}
    assert set(items) == {
        "story_review",
        "missed_heartbeat",
        "attendance_import",
        "group_proposal",
        "pdca_due",
        "agreement_review",
    }
    assert items["pdca_due"].urgency == needs.Urgency.OVERDUE
    # grouped: the most urgent groups first
    groups = needs.grouped(needs.build(coordinator))
    assert groups[0].urgency == needs.Urgency.OVERDUE
    assert [g.urgency for g in groups] == sorted(g.urgency for g in groups)
    story.status = Status.APPROVED
    story.save()
    ActivityFactory(community=community, session=session)
    AttendanceImport.objects.update(status=AttendanceImport.Status.APPLIED)
    proposal.status = GroupStatus.ACTIVE
    proposal.save()
    PdcaReviewFactory(community=community, next_review_on=timezone.localdate() + timedelta(days=90))
    agreement.review_date = timezone.localdate() + timedelta(days=180)
    agreement.save()
    assert kinds(coordinator) == {}


def test_launch_lead_and_due_actions():
    from communities.stewardship.models import ActionItem, LaunchPlan, LaunchStatus

    community = CommunityFactory(stage="potential")
    lead = UserFactory()
    plan = LaunchPlan.objects.create(community=community, lead=lead)
    ActionItem.objects.create(
        plan=plan, title="Book the room", owner=lead, due_on=timezone.localdate()
    )
    assert kinds(lead) == {"launch_lead": 1, "launch_actions": 1}
    plan.status = LaunchStatus.COMPLETED
    plan.save()
    assert kinds(lead) == {}


def test_sponsor_items_go_once_done(community, sponsor, coordinator):
    version = BusinessCaseVersionFactory(
        community=community, status=CaseStatus.SUBMITTED, submitted_at=timezone.now()
    )
    agreement = AgreementFactory(community=community, review_date=timezone.localdate())
    CommitmentFactory(
        agreement=agreement, side="sponsor", owner=sponsor, due=timezone.localdate() - timedelta(1)
    )
    HealthStatus.objects.create(
        community=community,
        computed_at=timezone.now(),
        flags=HealthStatus.encode_flags(["no_story"]),
        flag_count=1,
    )
    items = {n.kind: n for n in needs.build(sponsor)}
    assert set(items) == {"business_case", "agreement_review", "commitment", "sponsored_flags"}
    assert items["commitment"].urgency == needs.Urgency.OVERDUE
    assert items["sponsored_flags"].url == reverse(
        "sponsorship:community_dashboard", args=[community.slug]
    )
    SponsorResponse.objects.create(version=version, sponsor=sponsor, kind="endorse")
    agreement.commitments.update(status="done")
    agreement.review_date = timezone.localdate() + timedelta(days=120)
    agreement.save()
    HealthStatus.objects.update(flags="", flag_count=0)
    assert kinds(sponsor) == {}


def test_program_admin_items(community, admin_user):
    HealthStatus.objects.create(
        community=community,
        computed_at=timezone.now(),
        flags=HealthStatus.encode_flags(["no_story", "missed_heartbeat"]),
        flag_count=2,
    )
    support = SupportRequest.objects.create(
        community=community, kind=SupportKind.COACHING, description="Help!"
    )
    SupportRequest.objects.create(
        community=community,
        kind=SupportKind.LOGISTICS,
        description="Elsewhere",
        handled_by=ProgramAdminFactory(),
    )  # someone else's: not listed
    from communities.stewardship.models import LaunchPlan

    stalled = LaunchPlan.objects.create(
        community=CommunityFactory(stage="potential"),
        updated_at=timezone.now() - timedelta(days=60),
    )
    appointment = SponsorAppointmentFactory(term_end=timezone.localdate() + timedelta(days=30))
    from communities.factories import PdcaReviewFactory

    PdcaReviewFactory(community=community, next_review_on=timezone.localdate() - timedelta(9))
    items = needs.build(admin_user, now=timezone.now().replace(day=15))
    found = Counter(n.kind for n in items)
    assert found == {
        "flags": 2,
        "support": 1,
        "stalled_launch": 1,
        "term_ending": 1,
        "pdca_overdue": 1,
        "reports_unsent": 1,
    }
    flag_urls = {n.url for n in items if n.kind == "flags"}
    assert flag_urls == {"/program/?flag=no_story", "/program/?flag=missed_heartbeat"}
    support.status = SupportStatus.DONE
    support.save()
    stalled.status = "completed"
    stalled.save()
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.ENDED)
    assert "support" not in kinds(admin_user)
    assert "stalled_launch" not in kinds(admin_user)
    assert "term_ending" not in kinds(admin_user)


# --- links only to what the reader may see --------------------------------------------------


def test_items_disappear_when_the_reader_loses_access(community, member, sponsor, coordinator):
    VotingRound.objects.create(community=community)
    BusinessCaseVersionFactory(
        community=community, status=CaseStatus.SUBMITTED, submitted_at=timezone.now()
    )
    assert "vote" in kinds(member)
    assert "business_case" in kinds(sponsor)
    member.memberships.all().delete()  # left the community
    Appointment.objects.filter(person=sponsor).update(status=AppointmentStatus.ENDED)
    assert "vote" not in kinds(member)
    assert "business_case" not in kinds(sponsor)


def test_every_link_of_every_role_opens_for_its_reader(community, users, clients):
    """Each item's link answers 200 to the person it is shown to (no 403 or 404)."""
    member, coordinator = users["member"], users["coordinator"]
    VotingRound.objects.create(community=community)
    AnswerFactory(request=HelpRequestFactory(community=community, asker=member))
    ValueStoryFactory(community=community, author=member, status=Status.SUBMITTED)
    PracticeGroupFactory(community=community, status=GroupStatus.PROPOSED)
    BusinessCaseVersionFactory(
        community=community, status=CaseStatus.SUBMITTED, submitted_at=timezone.now()
    )
    AgreementFactory(community=community, review_date=timezone.localdate())
    SupportRequest.objects.create(community=community, kind=SupportKind.COACHING, description="?")
    HealthCheck.objects.create(
        community=community,
        period_start=timezone.localdate() - timedelta(days=90),
        period_end=timezone.localdate(),
        answer_by=timezone.localdate() + timedelta(days=3),
    )
    seen = 0
    for role in ("member", "core", "coordinator", "sponsor", "admin"):
        for need in needs.build(users[role]):
            if need.url.startswith("/"):
                response = clients[role].get(need.url.split("#")[0])
                assert response.status_code == 200, (role, need)
                seen += 1
    assert seen >= 8
    assert coordinator  # the coordinator's own items were among them


# --- the home page --------------------------------------------------------------------------


def test_home_shows_needs_most_urgent_first_and_an_empty_state(community, clients, users):
    member = users["member"]
    member.memberships.update(joined_on=OLD)
    response = clients["member"].get("/")
    assert "Nothing needs you right now" in response.text
    AnswerFactory(request=HelpRequestFactory(community=community, asker=member, title="Q1"))
    VotingRound.objects.create(community=community, title="Most pressing?")
    page = clients["member"].get("/").text
    assert "Nothing needs you right now" not in page
    assert page.index("Answers to your help requests") < page.index("Votes to cast")
    assert "Mark the one that helped" in page


def test_sponsor_dashboard_in_the_navigation_for_sponsors_only(clients):
    dashboard = reverse("sponsorship:dashboard")
    assert f'href="{dashboard}"' in clients["sponsor"].get(reverse("people:list")).text
    assert f'href="{dashboard}"' not in clients["member"].get(reverse("people:list")).text
    assert f'href="{dashboard}"' not in clients["member"].get("/").text


@pytest.mark.parametrize("communities", [1, 40])
def test_home_query_count_is_the_same_in_1_and_40_communities(
    client, django_assert_num_queries, communities
):
    """A coordinator of every community, and a portfolio sponsor of all of them: each
    community has something waiting of each kind."""
    person = UserFactory()
    portfolio = []
    for i in range(communities):
        community = CommunityFactory(name=f"Community {i:02d}")
        CoordinatorFactory(community=community, user=person)
        author = regular(community)
        ValueStoryFactory(community=community, author=author, status=Status.SUBMITTED)
        PracticeGroupFactory(community=community, status=GroupStatus.PROPOSED)
        AgreementFactory(community=community, review_date=timezone.localdate())
        BusinessCaseVersionFactory(community=community, status=CaseStatus.SUBMITTED)
        VotingRound.objects.create(community=community)
        portfolio.append(community)
    SponsorAppointmentFactory(person=person, communities=portfolio)
    client.force_login(person)
    client.get("/")  # the program figures and "Needs you" kept
    # session + user, the generations of the figures and of "Needs you" (one query),
    # memberships (with the newcomer's next sessions and welcomes), am I a sponsor, the
    # cultivation checklist
    with django_assert_num_queries(6):
        kept = client.get("/")
    assert kept.context["needs_count"] >= 4 * communities
    # After a write to the voting rounds, the voting rounds alone are asked again (each
    # item function's items are kept under the generations of the areas it reads)
    VotingRound.objects.create(community=portfolio[0], title="One more round")
    with django_assert_num_queries(6 + 1):
        response = client.get("/")
    assert response.context["needs_count"] == kept.context["needs_count"] + 1
    # After a write that does not say what it changes, all of "Needs you" is asked again:
    # help requests (mine, and those late in my core groups), voting rounds, stories (mine
    # and to review), reports (member); health checks (core group); missed heartbeats,
    # attendance imports, proposals, reviews due, agreements (coordinator); launch work;
    # business cases, flags, agreements (sponsor); commitments
    from childcop import aggregates

    aggregates.invalidate()
    with django_assert_num_queries(6 + 5 + 1 + 5 + 1 + 3 + 1):
        again = client.get("/")
    assert again.context["needs_count"] == response.context["needs_count"]


# --- the weekly summary ---------------------------------------------------------------------


def test_weekly_summary_once_per_person_and_week(community, member):
    member.weekly_summary = True
    member.save()
    UserFactory(weekly_summary=False)  # off by default and here: nothing
    VotingRound.objects.create(community=community, title="Most pressing?")
    monday = timezone.now()
    assert jobs.send_weekly_summaries(now=monday) == 1
    assert jobs.send_weekly_summaries(now=monday) == 0
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [member.email]
    assert "Most pressing?" in email.body and "Vote on the learning agenda" in email.body
    assert "http" in email.body.split("Vote on the learning agenda: ")[1][:10]
    assert SentEmail.objects.get().key == jobs.week_key(monday)
    # the next week: again
    assert jobs.send_weekly_summaries(now=monday + timedelta(days=7)) == 1


def test_weekly_summary_not_sent_when_nothing_waits_and_off_by_default(member):
    assert UserFactory().weekly_summary is False
    member.weekly_summary = True
    member.save()
    member.memberships.update(joined_on=OLD)
    assert jobs.send_weekly_summaries() == 0
    assert not mail.outbox
    assert "Sent 0 weekly summaries." in command_output("send_weekly_summaries")


def test_weekly_summary_on_the_profile_page(client, member):
    client.force_login(member)
    page = client.get(reverse("profile")).text
    assert 'name="weekly_summary"' in page and "Monday morning" in page
    client.post(reverse("profile"), {"display_name": "Mo", "weekly_summary": "on"})
    member.refresh_from_db()
    assert member.weekly_summary is True


def test_weekly_summary_schedule_is_monday_morning_and_idempotent():
    from django.apps import apps as django_apps

    from childcop.celery import app
    from communities import tasks  # registers the tasks

    assert tasks.send_weekly_summaries.name == "communities.tasks.send_weekly_summaries"

    migration, tasks = schedules_created_twice(
        "communities.migrations.0024_weekly_summary_schedule"
    )
    crontab = tasks["communities.tasks.send_weekly_summaries"].crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "7", "1")
    assert app.tasks["communities.tasks.send_weekly_summaries"]
    migration.delete_schedules(django_apps, None)
    assert not tasks["communities.tasks.send_weekly_summaries"].__class__.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_weekly_summary_once_even_when_run_twice(worker):
    from communities.tasks import send_weekly_summaries

    community = CommunityFactory()
    people = [UserFactory(weekly_summary=True) for _ in range(2)]
    for person in people:
        MembershipFactory(community=community, user=person, level=Level.ACTIVE, joined_on=OLD)
    VotingRound.objects.create(community=community)
    worker(send_weekly_summaries)
    worker(send_weekly_summaries)
    assert wait_for(lambda: len(mail.outbox) >= 2)
    assert worker.idle()  # both deliveries have run: a duplicate would be there
    assert Counter(m.to[0] for m in mail.outbox) == {p.email: 1 for p in people}
