"""Automatic indicators and flags (communities/health/indicators/) on hand-built data."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.choices import AgendaStatus, Level, SessionStatus, Stage
from communities.factories import (
    ActivityFactory,
    AgendaItemFactory,
    AnswerFactory,
    AttendanceFactory,
    CommunityFactory,
    CoordinatorFactory,
    HelpRequestFactory,
    LeadershipAssignmentFactory,
    MembershipFactory,
    SessionFactory,
)
from communities.health import indicators
from communities.health.choices import Flag
from communities.health.indicators import CommunityHealth, compute, month_starts
from communities.models import AgendaItem, Community, HealthCheck, HealthReport, LevelChange
from practice_groups.factories import PracticeGroupFactory, ProgressReportFactory
from practice_groups.models import ReportResponse
from sponsorship.factories import AgreementFactory, SponsorAppointmentFactory
from sponsorship.models import BusinessCaseVersion
from value_stories.factories import ApprovedStoryFactory, ValueStoryFactory

UTC = timezone.get_fixed_timezone(0)
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
MONTHS = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
QUERIES = 22  # see compute(): one per source, whatever the number of communities


def at(day, hour=12):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def old_community(**kwargs):
    """A community created a year before NOW (old enough for every flag)."""
    community = CommunityFactory(**kwargs)
    Community.objects.filter(pk=community.pk).update(created_at=NOW - timedelta(days=365))
    community.refresh_from_db()
    return community


def healthy(community, *, now=NOW):
    """Everything that keeps a community free of flags."""
    coordinator = CoordinatorFactory(community=community, joined_on=TODAY - timedelta(days=400))
    SponsorAppointmentFactory(communities=[community])
    ApprovedStoryFactory(community=community, approved_at=now - timedelta(days=10))
    HealthCheck.objects.create(
        community=community,
        period_start=TODAY - timedelta(days=30),
        period_end=TODAY,
        answer_by=TODAY + timedelta(days=21),
        opened_at=now - timedelta(days=10),
    )
    activity = ActivityFactory(community=community, date=TODAY - timedelta(days=3))
    AttendanceFactory(activity=activity, user=coordinator.user)
    return coordinator


def health_of(community, **kwargs):
    return compute([community.pk], now=NOW, **kwargs)[community.pk]


def values(health, key):
    return health.indicator(key).values


def flag(health, key):
    return next((f for f in health.flags if f.key == key), None)


def raised_between(community, key, records, field, *, days):
    """No `key` flag while the `field` of `records` is `days[0]` days old; the flag (returned)
    once it is `days[1]` days old."""
    before, after = days
    records.update(**{field: NOW - timedelta(days=before)})
    assert flag(health_of(community), key) is None
    records.update(**{field: NOW - timedelta(days=after)})
    return flag(health_of(community), key)


# --- periods ---------------------------------------------------------------------------


def test_month_starts_cross_the_year():
    assert month_starts(date(2026, 2, 14), 4) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1),
    ]  # fmt: skip


@pytest.mark.django_db
def test_four_periods_oldest_first_and_every_indicator_available():
    community = old_community()
    health = health_of(community)
    assert health.periods == MONTHS
    assert all(len(i.values) == 4 and i.available for i in health.indicators)
    assert {i.group for i in health.indicators} <= set(indicators.GROUPS)
    assert compute([]) == {}


@pytest.mark.django_db
def test_a_past_period_is_judged_at_its_end():
    community = old_community()
    SessionFactory(community=community, starts_at=at(date(2026, 3, 30)))
    SessionFactory(community=community, starts_at=at(date(2026, 4, 2)))
    health = health_of(community, period=date(2026, 3, 1))
    assert health.periods == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), MONTHS[1]]
    assert values(health, "sessions_planned") == [0, 0, 0, 1]  # April's session is later
    assert health.status["sessions_planned"] == 1


# --- rhythm ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_rhythm_adherence_is_held_over_planned_and_none_without_sessions():
    community = old_community()
    held = SessionFactory(community=community, starts_at=at(date(2026, 2, 3)))
    ActivityFactory(community=community, session=held, date=date(2026, 2, 3))
    SessionFactory(community=community, starts_at=at(date(2026, 2, 17)))
    SessionFactory(
        community=community, starts_at=at(date(2026, 4, 7)), status=SessionStatus.CANCELLED
    )
    may = SessionFactory(community=community, starts_at=at(date(2026, 5, 5)))
    ActivityFactory(community=community, session=may, date=date(2026, 5, 5))
    SessionFactory(community=community, starts_at=at(date(2026, 5, 26)))  # not yet
    ActivityFactory(community=community, date=date(2026, 3, 9))  # no session
    health = health_of(community)
    assert values(health, "rhythm_adherence") == [50, None, None, 100]
    assert values(health, "sessions_planned") == [2, 0, 0, 1]
    assert values(health, "sessions_held") == [1, 0, 0, 1]
    assert values(health, "activities") == [1, 1, 0, 1]
    assert health.indicator("rhythm_adherence").breakdown == {"planned": 1, "held": 1}
    assert health.status["sessions_planned"] == 1 and health.status["sessions_held"] == 1
    assert health.status["last_activity_on"] == date(2026, 5, 5)


@pytest.mark.django_db
def test_a_session_within_its_heartbeat_grace_is_not_counted_as_missed():
    """Planned = held, or past the community's grace by now (as the missed-heartbeat flag
    and the coordinators' warning email count it)."""
    community = old_community(heartbeat_grace_days=3)
    held = SessionFactory(community=community, starts_at=NOW - timedelta(days=5))
    ActivityFactory(community=community, session=held, date=TODAY - timedelta(days=5))
    waiting = SessionFactory(community=community, starts_at=NOW - timedelta(days=2))
    health = health_of(community)
    assert values(health, "rhythm_adherence")[-1] == 100  # the one in grace is not missed
    assert values(health, "sessions_planned")[-1] == 1
    assert (health.status["sessions_planned"], health.status["sessions_held"]) == (1, 1)
    # Held within its grace: planned and held.
    ActivityFactory(community=community, session=waiting, date=TODAY - timedelta(days=2))
    health = health_of(community)
    assert values(health, "sessions_planned")[-1] == values(health, "sessions_held")[-1] == 2
    # Past the grace with nothing logged: missed.
    SessionFactory(community=community, starts_at=NOW - timedelta(days=3, minutes=1))
    health = health_of(community)
    assert values(health, "rhythm_adherence")[-1] == 67
    assert (health.status["sessions_planned"], health.status["sessions_held"]) == (3, 2)
    # Each community's own grace.
    patient = old_community(heartbeat_grace_days=10)
    SessionFactory(community=patient, starts_at=NOW - timedelta(days=5))
    result = compute([community.pk, patient.pk], now=NOW)
    assert values(result[patient.pk], "sessions_planned")[-1] == 0
    assert values(result[patient.pk], "rhythm_adherence")[-1] is None
    assert values(result[community.pk], "sessions_planned")[-1] == 3


@pytest.mark.django_db
def test_a_past_months_sessions_count_once_their_grace_is_over_by_now():
    community = old_community(heartbeat_grace_days=3)
    SessionFactory(community=community, starts_at=at(date(2026, 3, 30)))
    # Computed on 1 April, the session of 30 March may still be logged; later it is missed.
    early = compute([community.pk], period=date(2026, 3, 1), now=at(date(2026, 4, 1), 6))
    assert values(early[community.pk], "sessions_planned")[-1] == 0
    later = compute([community.pk], period=date(2026, 3, 1), now=NOW)
    assert values(later[community.pk], "rhythm_adherence")[-1] == 0


@pytest.mark.django_db
def test_a_community_with_nothing_has_zero_counts_and_no_shares():
    community = old_community()
    health = health_of(community)
    assert values(health, "rhythm_adherence") == [None] * 4  # never a fake 0 %
    assert values(health, "help_answered_in_time") == [None] * 4
    assert values(health, "sessions_planned") == [0] * 4
    assert values(health, "attendance") == [0] * 4
    assert values(health, "members") == [None, None, None, 0]  # no snapshots yet
    assert values(health, "agreement_review_current") == [None] * 4  # no agreement
    assert health.status["last_activity_on"] is None


# --- participation ---------------------------------------------------------------------


@pytest.mark.django_db
def test_attendance_records_and_distinct_attendees_per_month():
    community = old_community()
    alice, bob = UserFactory(), UserFactory()
    for day in (date(2026, 3, 2), date(2026, 3, 16)):
        activity = ActivityFactory(community=community, date=day)
        AttendanceFactory(activity=activity, user=alice)
        AttendanceFactory(activity=activity, user=bob)
    AttendanceFactory(activity=ActivityFactory(community=community, date=TODAY), user=alice)
    AttendanceFactory(activity=ActivityFactory(date=date(2026, 3, 2)), user=alice)  # elsewhere
    health = health_of(community)
    assert values(health, "attendance") == [0, 4, 0, 1]
    assert values(health, "attendees") == [0, 2, 0, 1]


@pytest.mark.django_db
def test_participation_distribution_and_core_group_now():
    community = old_community()
    CoordinatorFactory(community=community)
    MembershipFactory.create_batch(2, community=community, level=Level.CORE)
    MembershipFactory.create_batch(3, community=community, level=Level.ACTIVE)
    MembershipFactory(community=community, level=Level.TRANSACTIONAL)
    health = health_of(community)
    members = health.indicator("members")
    assert members.current == 7
    assert members.breakdown == {
        "coordinator": 1, "core": 2, "active": 3, "occasional": 0, "peripheral": 0,
        "transactional": 1,
    }  # fmt: skip
    assert [label for _, label, _ in indicators.breakdown_rows(members)][:2] == [
        "Coordinator",
        "Core group",
    ]
    assert health.indicator("core_group").current == 3
    assert health.indicator("coordinators").current == 1


@pytest.mark.django_db
def test_movement_inwards_and_outwards_per_month():
    community = old_community()
    user = UserFactory()

    def move(from_level, to_level, when):
        LevelChange.objects.create(
            community=community, user=user, from_level=from_level, to_level=to_level,
            changed_at=when,
        )  # fmt: skip

    move(Level.PERIPHERAL, Level.ACTIVE, at(date(2026, 2, 10)))
    move(Level.OCCASIONAL, Level.ACTIVE, at(date(2026, 2, 11)))
    move(Level.ACTIVE, Level.TRANSACTIONAL, at(date(2026, 4, 1)))
    move("", Level.PERIPHERAL, at(date(2026, 4, 2)))  # joining is no move
    move(Level.ACTIVE, Level.CORE, at(date(2026, 5, 1)))
    move(Level.ACTIVE, Level.CORE, at(date(2025, 12, 1)))  # before the four months
    health = health_of(community)
    assert values(health, "moved_inwards") == [2, 0, 0, 1]
    assert values(health, "moved_outwards") == [0, 0, 1, 0]


@pytest.mark.django_db
def test_state_indicators_read_their_past_from_the_stored_reports():
    community = old_community()
    MembershipFactory.create_batch(2, community=community)
    snapshot = compute([community.pk], period=date(2026, 3, 1), now=NOW)[community.pk]
    snapshot.indicator("members").values[-1] = 9  # as it was frozen in March
    HealthReport.objects.create(community=community, period=MONTHS[1], data=snapshot.as_json())
    HealthReport.objects.create(community=community, period=MONTHS[2], data={"indicators": []})
    health = health_of(community)
    assert values(health, "members") == [None, 9, None, 2]
    assert values(health, "core_group") == [None, 0, None, 0]


# --- leadership ------------------------------------------------------------------------


@pytest.mark.django_db
def test_leadership_roles_filled_of_six():
    community = old_community()
    keeper = MembershipFactory(community=community)
    LeadershipAssignmentFactory(membership=keeper, role="community_keeper")
    LeadershipAssignmentFactory(membership=keeper, role="social_reporter")
    LeadershipAssignmentFactory(
        membership=MembershipFactory(community=community), role="community_keeper"
    )
    roles = health_of(community).indicator("leadership_roles")
    assert roles.current == 2
    assert roles.label == "Leadership roles filled (of 6)"
    assert roles.breakdown["community_keeper"] == 2
    assert roles.breakdown["critical_friend"] == 0


# --- learning loops, agenda, practice groups -------------------------------------------


@pytest.mark.django_db
def test_help_requests_answered_within_the_working_day_commitment():
    community = old_community(response_commitment_days=2)
    friday = at(date(2026, 3, 6))
    # Friday + 2 working days = Tuesday 10 March, 12:00
    in_time = HelpRequestFactory(community=community, created_at=friday)
    AnswerFactory(request=in_time, created_at=at(date(2026, 3, 10)))
    AnswerFactory(request=in_time, created_at=at(date(2026, 3, 20)))  # a later one
    late = HelpRequestFactory(community=community, created_at=friday)
    AnswerFactory(request=late, created_at=at(date(2026, 3, 10), hour=13))
    HelpRequestFactory(community=community, created_at=friday)  # never answered: late
    HelpRequestFactory(community=community, created_at=NOW - timedelta(hours=1))  # not yet due
    closed = HelpRequestFactory(
        community=community, created_at=at(date(2026, 1, 5)), status="closed",
        closed_at=at(date(2026, 4, 8)),
    )  # fmt: skip
    AnswerFactory(request=closed, created_at=at(date(2026, 1, 6)))
    health = health_of(community)
    assert values(health, "help_requests") == [0, 3, 0, 1]
    assert values(health, "help_answered_in_time") == [None, 33, None, None]
    assert values(health, "loops_closed") == [0, 0, 1, 0]


@pytest.mark.django_db
def test_agenda_items_addressed_and_practice_groups():
    community = old_community()
    item = AgendaItemFactory(community=community, status=AgendaStatus.ADDRESSED)
    AgendaItem.objects.filter(pk=item.pk).update(updated_at=at(date(2026, 4, 9)))
    AgendaItemFactory(community=community, status=AgendaStatus.BEING_ADDRESSED)
    group = PracticeGroupFactory(community=community, status="active")
    PracticeGroupFactory(community=community, status="proposed")
    report = ProgressReportFactory(group=group)
    for day in (date(2026, 3, 3), date(2026, 4, 3)):  # counted once, in March
        ReportResponse.objects.create(
            report=report, responder=UserFactory(), kind="endorse", created_at=at(day)
        )
    critiqued = ProgressReportFactory(group=group)
    ReportResponse.objects.create(
        report=critiqued, responder=UserFactory(), kind="critique", created_at=NOW
    )
    health = health_of(community)
    assert values(health, "agenda_addressed") == [0, 0, 1, 0]
    assert health.indicator("practice_groups_active").current == 1
    assert values(health, "reports_endorsed") == [0, 1, 0, 0]


# --- value creation, sponsorship -------------------------------------------------------


@pytest.mark.django_db
def test_stories_by_month_of_approval_and_by_cycle():
    community = old_community()
    ApprovedStoryFactory(community=community, approved_at=at(date(2026, 2, 2)))
    ApprovedStoryFactory(
        community=community, approved_at=at(date(2026, 5, 2)), claims_realized=True
    )
    ApprovedStoryFactory(
        community=community, approved_at=at(date(2026, 5, 3)), claims_potential=False
    )
    ValueStoryFactory(community=community, status="submitted")  # not approved yet
    health = health_of(community)
    stories = health.indicator("stories")
    assert stories.values == [1, 0, 0, 2]
    assert stories.breakdown["immediate"] == 2
    assert stories.breakdown["potential"] == 1
    assert stories.breakdown["realized"] == 1
    assert health.status["stories"] == 2  # approved within the 90-day window


@pytest.mark.django_db
def test_sponsor_engagement():
    community = old_community()
    health = health_of(community)
    assert health.indicator("sponsors").current == 0
    assert health.indicator("business_case_endorsed").current == 0
    BusinessCaseVersion.objects.create(community=community, number=1, status="endorsed")
    BusinessCaseVersion.objects.create(community=community, number=2, status="draft")
    AgreementFactory(community=community, review_date=TODAY)
    SponsorAppointmentFactory(communities=[community])
    SponsorAppointmentFactory(scope="program")
    SponsorAppointmentFactory(communities=[community], status="ended")
    SponsorAppointmentFactory(communities=[community], term_end=TODAY - timedelta(days=1))
    health = health_of(community)
    assert health.indicator("sponsors").current == 2
    assert health.indicator("business_case_endorsed").current == 1
    assert health.indicator("agreement_review_current").current == 1
    BusinessCaseVersion.objects.create(community=community, number=3, status="submitted")
    community.agreement.review_date = TODAY - timedelta(days=1)
    community.agreement.save()
    health = health_of(community)
    assert health.indicator("business_case_endorsed").current == 0
    assert health.indicator("agreement_review_current").current == 0


# --- flags -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_healthy_community_raises_no_flag():
    community = old_community()
    healthy(community)
    assert health_of(community).flags == []


@pytest.mark.django_db
def test_every_flag_carries_its_advice_and_a_detail():
    community = old_community()
    SessionFactory(community=community, starts_at=NOW - timedelta(days=5))
    health = health_of(community)
    assert set(health.flag_keys) == {
        Flag.MISSED_HEARTBEAT, Flag.NO_COORDINATOR, Flag.NO_SPONSOR, Flag.NO_STORY,
        Flag.HEALTH_CHECK_OVERDUE,
    }  # fmt: skip
    assert health.flag_keys == sorted(health.flag_keys, key=list(Flag.values).index)
    for raised in health.flags:
        assert raised.label == Flag(raised.key).label
        assert raised.explanation and raised.action and raised.detail


@pytest.mark.django_db
def test_missed_heartbeat_after_the_grace_days():
    community = old_community(heartbeat_grace_days=3)
    healthy(community)
    SessionFactory(community=community, title="Case clinic", starts_at=NOW - timedelta(days=2))
    assert flag(health_of(community), Flag.MISSED_HEARTBEAT) is None  # still in grace
    SessionFactory(community=community, title="Old clinic", starts_at=NOW - timedelta(days=31))
    assert flag(health_of(community), Flag.MISSED_HEARTBEAT) is None  # too long ago
    logged = SessionFactory(community=community, starts_at=NOW - timedelta(days=4))
    ActivityFactory(community=community, session=logged, date=TODAY - timedelta(days=4))
    assert flag(health_of(community), Flag.MISSED_HEARTBEAT) is None
    SessionFactory(community=community, title="Lost clinic", starts_at=NOW - timedelta(days=4))
    raised = flag(health_of(community), Flag.MISSED_HEARTBEAT)
    assert raised and "Lost clinic" in raised.detail and "16 May 2026" in raised.detail


@pytest.mark.django_db
def test_no_coordinator():
    community = old_community()
    healthy(community)
    assert flag(health_of(community), Flag.NO_COORDINATOR) is None
    community.memberships.update(is_coordinator=False)
    assert flag(health_of(community), Flag.NO_COORDINATOR)


@pytest.mark.django_db
def test_a_deactivated_coordinator_is_no_coordinator():
    community = old_community()
    coordinator = healthy(community)
    coordinator.user.is_active = False
    coordinator.user.save()
    health = health_of(community)
    raised = flag(health, Flag.NO_COORDINATOR)
    assert raised and "Nobody is a coordinator" in raised.detail
    assert health.indicator("coordinators").current == 0
    assert health.indicator("members").current == 1  # still a member, at their level
    assert flag(health, Flag.LEADER_NEGLECT) is None  # nobody to neglect anything
    CoordinatorFactory(community=community, joined_on=TODAY - timedelta(days=400))
    health = health_of(community)
    assert flag(health, Flag.NO_COORDINATOR) is None
    assert health.indicator("coordinators").current == 1


@pytest.mark.django_db
def test_leader_neglect_when_one_person_holds_every_role():
    community = old_community()
    coordinator = healthy(community)
    LeadershipAssignmentFactory(membership=coordinator, role="community_keeper")
    assert flag(health_of(community), Flag.LEADER_NEGLECT) is None  # one role only
    LeadershipAssignmentFactory(membership=coordinator, role="social_reporter")
    raised = flag(health_of(community), Flag.LEADER_NEGLECT)
    assert raised and "holds all 2 leadership roles" in raised.detail
    LeadershipAssignmentFactory(
        membership=MembershipFactory(community=community), role="critical_friend"
    )
    assert flag(health_of(community), Flag.LEADER_NEGLECT) is None  # shared now


@pytest.mark.django_db
@override_settings(CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS=60)
def test_leader_neglect_when_every_coordinator_is_inactive():
    community = old_community()
    healthy(community)
    community.activities.all().delete()
    coordinator = community.memberships.get()
    other = CoordinatorFactory(community=community, joined_on=TODAY - timedelta(days=400))
    AttendanceFactory(
        activity=ActivityFactory(community=community, date=TODAY - timedelta(days=60)),
        user=coordinator.user,
    )
    ActivityFactory(community=community, date=TODAY - timedelta(days=70), logged_by=other.user)
    raised = flag(health_of(community), Flag.LEADER_NEGLECT)
    assert raised and "since 21 Mar 2026" in raised.detail  # 60 days: inactive
    ActivityFactory(community=community, date=TODAY - timedelta(days=59), logged_by=other.user)
    assert flag(health_of(community), Flag.LEADER_NEGLECT) is None  # one is active
    community.activities.filter(date=TODAY - timedelta(days=59)).delete()
    CoordinatorFactory(community=community, joined_on=TODAY - timedelta(days=10))
    assert flag(health_of(community), Flag.LEADER_NEGLECT) is None  # a newcomer


@pytest.mark.django_db
def test_no_sponsor_or_agreement_review_passed():
    community = old_community()
    healthy(community)
    assert flag(health_of(community), Flag.NO_SPONSOR) is None
    AgreementFactory(community=community, review_date=TODAY)
    assert flag(health_of(community), Flag.NO_SPONSOR) is None  # due today: not passed
    community.agreement.review_date = TODAY - timedelta(days=1)
    community.agreement.save()
    raised = flag(health_of(community), Flag.NO_SPONSOR)
    assert raised and "19 May 2026" in raised.detail
    community.agreement.delete()
    from sponsorship.models import Appointment

    Appointment.objects.update(status="ended")
    raised = flag(health_of(community), Flag.NO_SPONSOR)
    assert raised and "No officially appointed" in raised.detail
    SponsorAppointmentFactory(scope="program")  # a program-wide sponsor covers everyone
    assert flag(health_of(community), Flag.NO_SPONSOR) is None


@pytest.mark.django_db
def test_deactivated_sponsors_do_not_cover_a_community():
    community = old_community()
    healthy(community)
    from sponsorship.models import Appointment

    Appointment.objects.update(status="ended")
    named = SponsorAppointmentFactory(communities=[community]).person
    program_wide = SponsorAppointmentFactory(scope="program").person
    assert health_of(community).indicator("sponsors").current == 2
    for person in (named, program_wide):
        person.is_active = False
        person.save()
    health = health_of(community)
    assert health.indicator("sponsors").current == 0
    raised = flag(health, Flag.NO_SPONSOR)
    assert raised and "No officially appointed" in raised.detail


@pytest.mark.django_db
def test_the_program_overviews_sponsor_column_leaves_deactivated_sponsors_out():
    from communities.health.views.overview import sponsors_by_community

    community = old_community()
    SponsorAppointmentFactory(communities=[community], person=UserFactory(display_name="Ann"))
    SponsorAppointmentFactory(
        communities=[community], person=UserFactory(display_name="Gone", is_active=False)
    )
    SponsorAppointmentFactory(scope="program", person=UserFactory(display_name="Portfolio"))
    SponsorAppointmentFactory(
        scope="program", person=UserFactory(display_name="Retired", is_active=False)
    )
    named, program_wide = sponsors_by_community([community.pk])

    def name(entry):  # a name, or an (id, name) pair
        return entry if isinstance(entry, str) else entry[-1]

    assert {pk: [name(e) for e in names] for pk, names in named.items()} == {community.pk: ["Ann"]}
    assert [name(e) for e in program_wide] == ["Portfolio"]


@pytest.mark.django_db
@override_settings(CHILDCOP_FLAG_NO_STORY_DAYS=90)
def test_no_story_only_for_a_community_older_than_the_window():
    young = CommunityFactory(name="Started minutes ago")
    assert flag(compute([young.pk])[young.pk], Flag.NO_STORY) is None
    created = Community.objects.filter(pk=young.pk)
    raised = raised_between(young, Flag.NO_STORY, created, "created_at", days=(89, 90))
    assert raised and "none yet" in raised.detail


@pytest.mark.django_db
@override_settings(CHILDCOP_FLAG_NO_STORY_DAYS=90)
def test_no_story_in_the_window():
    community = old_community()
    healthy(community)
    stories = community.value_stories
    raised = raised_between(community, Flag.NO_STORY, stories, "approved_at", days=(89, 91))
    assert raised and "18 Feb 2026" in raised.detail
    assert health_of(community).status["stories"] == 0


def attend(community, people, day):
    activity = ActivityFactory(community=community, date=day)
    for person in people:
        AttendanceFactory(activity=activity, user=person)


@pytest.mark.django_db
@override_settings(CHILDCOP_PARTICIPATION_WINDOW_DAYS=90, CHILDCOP_FLAG_PARTICIPATION_DROP=25)
def test_participation_falling_by_more_than_the_share():
    community = old_community()
    coordinator = healthy(community)
    people = [coordinator.user, *UserFactory.create_batch(7)]
    attend(community, people, TODAY - timedelta(days=100))  # 8 in the window before
    attend(community, people[:6], TODAY - timedelta(days=10))  # 6 now: -25 %, not more
    health = health_of(community)
    assert (health.status["participants"], health.status["participants_before"]) == (6, 8)
    assert flag(health, Flag.PARTICIPATION_FALLING) is None
    community.activities.filter(date=TODAY - timedelta(days=10)).delete()
    community.activities.filter(date=TODAY - timedelta(days=3)).delete()
    attend(community, people[:5], TODAY - timedelta(days=10))  # 5 now: -37.5 %
    raised = flag(health_of(community), Flag.PARTICIPATION_FALLING)
    assert raised and "5 people" in raised.detail and "against 8" in raised.detail


@pytest.mark.django_db
def test_participation_falling_ignores_a_tiny_base():
    community = old_community()
    healthy(community)
    community.activities.all().delete()
    attend(community, UserFactory.create_batch(4), TODAY - timedelta(days=100))
    health = health_of(community)
    assert (health.status["participants"], health.status["participants_before"]) == (0, 4)
    assert flag(health, Flag.PARTICIPATION_FALLING) is None


@pytest.mark.django_db
@override_settings(CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS=120)
def test_health_check_overdue():
    community = old_community()
    healthy(community)
    checks, overdue = HealthCheck.objects, Flag.HEALTH_CHECK_OVERDUE
    raised = raised_between(community, overdue, checks, "opened_at", days=(119, 121))
    assert raised and "19 Jan 2026" in raised.detail
    HealthCheck.objects.all().delete()
    assert "No health check" in flag(health_of(community), Flag.HEALTH_CHECK_OVERDUE).detail
    Community.objects.filter(pk=community.pk).update(created_at=NOW - timedelta(days=100))
    assert flag(health_of(community), Flag.HEALTH_CHECK_OVERDUE) is None  # too young


@pytest.mark.django_db
def test_closed_communities_raise_no_flags_and_potential_ones_only_missed_heartbeats():
    closed = old_community(stage=Stage.CLOSED)
    potential = old_community(stage=Stage.POTENTIAL)
    for community in (closed, potential):
        SessionFactory(community=community, starts_at=NOW - timedelta(days=5))
    result = compute([closed.pk, potential.pk], now=NOW)
    assert result[closed.pk].flags == []
    assert result[potential.pk].flag_keys == [Flag.MISSED_HEARTBEAT]
    assert result[closed.pk].indicator("sessions_planned").current == 1  # still computed


# --- the stored form -------------------------------------------------------------------


@pytest.mark.django_db
def test_as_json_round_trips():
    community = old_community()
    healthy(community)
    SessionFactory(community=community, starts_at=NOW - timedelta(days=5))
    health = health_of(community)
    back = CommunityHealth.from_json(health.as_json())
    assert back == health


# --- a fixed number of queries ---------------------------------------------------------


def busy_community(n):
    """A community with data of every kind the indicators read."""
    community = old_community(name=f"Busy {n}", stage=Stage.MATURING)
    coordinator = healthy(community)
    LeadershipAssignmentFactory(membership=coordinator, role="community_keeper")
    LeadershipAssignmentFactory(membership=coordinator, role="social_reporter")
    members = MembershipFactory.create_batch(3, community=community)
    for day in (TODAY - timedelta(days=40), TODAY - timedelta(days=100)):
        session = SessionFactory(community=community, starts_at=at(day))
        attend(community, [m.user for m in members], day)
        community.activities.filter(date=day).update(session=session)
    SessionFactory(community=community, starts_at=NOW - timedelta(days=6))
    LevelChange.objects.create(
        community=community, user=members[0].user, from_level=Level.PERIPHERAL,
        to_level=Level.ACTIVE, changed_at=NOW - timedelta(days=20),
    )  # fmt: skip
    request = HelpRequestFactory(community=community, created_at=NOW - timedelta(days=20))
    AnswerFactory(request=request, created_at=NOW - timedelta(days=19))
    AgendaItemFactory(community=community, status=AgendaStatus.ADDRESSED)
    report = ProgressReportFactory(group=PracticeGroupFactory(community=community))
    ReportResponse.objects.create(report=report, responder=members[0].user, kind="endorse")
    BusinessCaseVersion.objects.create(community=community, number=1, status="endorsed")
    AgreementFactory(community=community)
    HealthReport.objects.create(
        community=community, period=MONTHS[2], data={"indicators": [{"key": "members",
                                                                      "values": [4]}]}
    )  # fmt: skip
    return community


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_a_fixed_number_of_queries_whatever_the_batch_size(size, django_assert_num_queries):
    ids = [busy_community(n).pk for n in range(size)]
    with django_assert_num_queries(QUERIES):
        result = compute(ids, now=NOW)
    assert len(result) == size
    sample = result[ids[0]]
    assert sample.indicator("members").values == [None, None, 4, 4]
    assert sample.indicator("attendance").values == [3, 0, 3, 1]
    assert sample.flag_keys == [Flag.MISSED_HEARTBEAT, Flag.LEADER_NEGLECT]


@pytest.mark.django_db
def test_the_attendance_queries_are_bounded_by_community_and_date():
    community = busy_community(0)
    with CaptureQueriesContext(connection) as queries:
        compute([community.pk], now=NOW)
    attendance = [
        sql
        for sql in (q["sql"] for q in queries)
        if sql.startswith('SELECT "communities_activity"."community_id"')
        and 'FROM "communities_attendance"' in sql
    ]
    # the monthly figures, the participation windows, and the drifting regulars' attendance
    # and logged activities (those not attended: a lookup of the activity's own attendance)
    assert len(attendance) == 4
    for sql in attendance:
        assert '"communities_activity"."community_id" IN' in sql
        assert '"communities_activity"."date" >=' in sql or '"communities_activity"."date" >' in sql


@pytest.mark.django_db
@override_settings(TIME_ZONE="Pacific/Auckland")
def test_months_are_the_program_time_zones():
    community = old_community()
    late_march_utc = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)  # 1 April, 09:00 in Auckland
    SessionFactory(community=community, starts_at=late_march_utc)
    HelpRequestFactory(community=community, created_at=late_march_utc)
    LevelChange.objects.create(
        community=community, user=UserFactory(), from_level=Level.ACTIVE,
        to_level=Level.CORE, changed_at=late_march_utc,
    )  # fmt: skip
    health = health_of(community)
    assert values(health, "sessions_planned") == [0, 0, 1, 0]
    assert values(health, "help_requests") == [0, 0, 1, 0]
    assert values(health, "moved_inwards") == [0, 0, 1, 0]
