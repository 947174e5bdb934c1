"""The retention page computed in parts (communities.landscape.retention_parts) gives exactly
the whole computation's figures (services.community_retention), on varied data (guests,
leavers and rejoiners, taking part before joining, core moves, days in every quarter), and
after every kind of write, the cached parts read again only when what they hold changed:
ordinary writes (someone joins, an activity is logged) leave the settled part and the past
as they are."""

import random
from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from childcop import aggregates
from childcop.accounts.factories import UserFactory
from communities import participation
from communities import services as community_services
from communities.choices import Level
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    MembershipFactory,
)
from communities.landscape import retention_parts, services
from communities.landscape.services import quarter_of, quarter_start
from communities.models import Activity, Attendance, Departure, LevelChange, Membership

pytestmark = pytest.mark.django_db

LEVELS = [Level.CORE, Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL]


def expected(community, today):
    with aggregates.program_time_zone():
        return services.community_retention(community, today=today)


def moment(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def scenario(rng, today, *, people=16, activities=40):
    """A community with two and a half years of history around `today`: members joined at
    any time (a few in the last days), leavers (one rejoined), guests, activities attended
    and logged (before and after people joined, a day ahead too), core moves."""
    community = CommunityFactory()
    everyone = [UserFactory() for _ in range(people)]
    members, leavers = everyone[: people // 2 + 2], everyone[people // 2 + 2 : people - 2]

    def ago(lo, hi):
        return today - timedelta(days=rng.randint(lo, hi))

    for i, person in enumerate(members):
        MembershipFactory(
            community=community, user=person, joined_on=ago(0, 3) if i < 2 else ago(4, 900),
            level=rng.choice(LEVELS), is_coordinator=i == 2,
        )  # fmt: skip
    for i, person in enumerate(leavers):
        Departure.objects.create(community=community, user=person, joined_on=ago(300, 900),
                                 left_on=ago(5, 299), was_core=i % 2 == 0)  # fmt: skip
    MembershipFactory(community=community, user=leavers[0], joined_on=ago(0, 120))  # rejoined
    # left twice; and a departure recorded with a later day joined than the membership's
    Departure.objects.create(community=community, user=leavers[1], joined_on=ago(100, 200),
                             left_on=ago(5, 99))  # fmt: skip
    Departure.objects.create(community=community, user=members[0], joined_on=today)
    for _ in range(activities):
        day = today + timedelta(days=1) if rng.random() < 0.05 else ago(0, 900)
        activity = ActivityFactory(
            community=community, date=day,
            logged_by=rng.choice(everyone) if rng.random() < 0.5 else None,
        )  # fmt: skip
        attendees = rng.sample(everyone, rng.randint(0, 6))
        Attendance.objects.bulk_create([Attendance(activity=activity, user=p) for p in attendees])
    for _ in range(8):
        person = rng.choice(members)
        a, b = rng.sample(LEVELS, 2)
        LevelChange.objects.create(community=community, user=person, from_level=a, to_level=b,
                                   changed_at=moment(ago(0, 800), rng.randint(0, 23)))  # fmt: skip
    return community


def parts(community, today, *, written_since=None):
    """The page's values from the parts computed afresh: the settled part with its past,
    and from that past; `written_since`: the settled part as if computed then (the live
    part reads every row written since, again)."""
    values = []
    with aggregates.program_time_zone():
        with_past, past = retention_parts.settled_part(community.pk, today, None)
        for state in (with_past, retention_parts.settled_part(community.pk, today, past)[0]):
            if written_since is not None:
                state["t0"] = written_since
            live = retention_parts.live_part(community.pk, today, state)
            retention_parts.add_rows(state, live["days"], today)
            values.append(retention_parts.assemble(state, live, today))
    assert values[0] == values[1]
    return values[0]


@pytest.mark.parametrize("seed", range(4))
def test_the_parts_give_the_whole_computations_figures(seed):
    rng = random.Random(seed)
    real_today = timezone.localdate()
    start = quarter_start(quarter_of(real_today))
    # today, the first days of a quarter (the live part's members joined in the last one),
    # a day in another year
    for today in (real_today, start, start + timedelta(days=2), real_today.replace(day=28) -
                  timedelta(days=400)):  # fmt: skip
        community = scenario(rng, today)
        assert parts(community, today) == expected(community, today)
        # rows read by the settled part and again by the live part are counted once
        long_ago = timezone.now() - timedelta(days=1000)
        assert parts(community, today, written_since=long_ago) == expected(community, today)


def tokens(community):
    pk = community.pk
    current = aggregates.tokens([retention_parts.settled_name(pk), retention_parts.past_name(pk)])
    return current[retention_parts.settled_name(pk)], current[retention_parts.past_name(pk)]


@pytest.fixture
def settled():
    """A community whose rows were all written two days ago, as the settled part sees them
    once computed (`check` compares the page's value with the whole computation's, today
    and for a reader a day ahead)."""
    rng = random.Random(7)
    today = timezone.localdate()
    community = scenario(rng, today)
    members = [m.user for m in Membership.objects.filter(community=community)[:4]]
    start = quarter_start(quarter_of(today))
    for day in (start - timedelta(days=20), start):  # attended, last quarter and this one
        activity = ActivityFactory(community=community, date=day, logged_by=members[0])
        Attendance.objects.bulk_create([Attendance(activity=activity, user=p) for p in members])
    Activity.objects.update(created_at=timezone.now() - timedelta(days=2))
    return community


def check(community, today=None):
    today = today or timezone.localdate()
    for day in (today, today + timedelta(days=1)):
        assert retention_parts.cached_retention(community, today=day) == expected(community, day)


def test_ordinary_writes_leave_the_settled_part_and_the_past_as_they_are(settled):
    community, today = settled, timezone.localdate()
    check(community)
    before = tokens(community)
    newcomer = UserFactory()
    community_services.join(community, newcomer)  # a membership, a level change
    check(community)
    # an activity logged today with its attendance (as the product writes them)
    with transaction.atomic():
        activity = Activity.objects.create(community=community, date=today, title="Clinic",
                                           activity_type="exchanges", format="many_to_many",
                                           logged_by=newcomer)  # fmt: skip
        members = list(Membership.objects.filter(community=community).values_list("user_id",
                                                                                  flat=True))  # fmt: skip
        Attendance.objects.bulk_create(
            [Attendance(activity=activity, user_id=pk) for pk in members[:5]]
        )
    check(community)
    # logged late, dated in the last quarter; an attendance record added just after
    last_quarter = quarter_start(quarter_of(today) - 1) + timedelta(days=10)
    late = ActivityFactory(community=community, date=last_quarter)
    AttendanceFactory(activity=late, user=newcomer)
    check(community)
    guest = UserFactory()  # takes part as a guest, then joins
    Attendance.objects.bulk_create([Attendance(activity=late, user=guest)])
    ActivityFactory(community=community, date=today, logged_by=guest)
    MembershipFactory(community=community, user=guest, joined_on=today)
    check(community)
    # a title edited, guests counted: nothing the parts read
    activity.title = "Case clinic"
    activity.save(update_fields=["title"])
    check(community)
    assert tokens(community) == before


WRITES = {}


def write(function):
    WRITES[function.__name__] = function
    return function


def _old_activity(community, *, past):
    start = quarter_start(quarter_of(timezone.localdate()))
    activities = Activity.objects.filter(community=community).exclude(attendance=None)
    activities = activities.filter(date__lt=start) if past else activities.filter(date__gte=start)
    return activities.order_by("-date", "-pk").first()  # the latest: in the table


@write
def activities_logged_late_attended_by_members(community):
    """Created now (the live part reads them), dated in the last quarter and long ago: some
    members' first day since joining comes earlier (a long wait becomes a short one)."""
    start = quarter_start(quarter_of(timezone.localdate()))
    late_comer = MembershipFactory(community=community, joined_on=start - timedelta(days=300))
    AttendanceFactory(activity=_old_activity(community, past=True), user=late_comer.user)
    check(community)
    members = [m.user for m in Membership.objects.filter(community=community)]
    for day in (start - timedelta(days=299), start - timedelta(days=10)):
        activity = ActivityFactory(community=community, date=day)
        Attendance.objects.bulk_create([Attendance(activity=activity, user=p) for p in members])


@write
def someone_joined_days_ago_takes_part_on_that_day(community):
    day = retention_parts.live_since(timezone.localdate())
    person = MembershipFactory(community=community, joined_on=day).user
    check(community)
    activity = ActivityFactory(community=community, date=day)
    Attendance.objects.bulk_create([Attendance(activity=activity, user=person)])


@write
def an_activity_of_the_past_edited_with_its_attendance(community):
    activity = _old_activity(community, past=True)
    with transaction.atomic():  # as rhythm.services.save_activity
        activity.title = "Edited"
        activity.save()
        kept = list(activity.attendance.values_list("user_id", flat=True))[1:]
        activity.attendance.exclude(user_id__in=kept).delete()
        Attendance.objects.bulk_create([Attendance(activity=activity, user=UserFactory())])


@write
def an_activity_of_this_quarter_edited_with_its_attendance(community):
    activity = _old_activity(community, past=False)
    with transaction.atomic():
        activity.save()
        activity.attendance.all().delete()


@write
def an_activity_moved_from_the_past_to_today(community):
    activity = _old_activity(community, past=True)
    activity.date = timezone.localdate()
    activity.save()


@write
def an_activity_moved_from_today_to_the_past(community):
    activity = ActivityFactory(community=community, logged_by=UserFactory())
    check(community)
    activity.date = timezone.localdate() - timedelta(days=400)
    activity.save()


@write
def who_logged_an_activity_changed(community):
    """To a member who had not taken part yet."""
    member = MembershipFactory(
        community=community, joined_on=timezone.localdate() - timedelta(days=800)
    )
    check(community)
    activity = _old_activity(community, past=True)
    activity.logged_by = member.user
    activity.save(update_fields=["logged_by"])


@write
def an_activity_of_the_past_deleted(community):
    _old_activity(community, past=True).delete()


@write
def an_attendance_record_added_to_an_old_activity(community):
    member = MembershipFactory(
        community=community, joined_on=timezone.localdate() - timedelta(days=800)
    )
    check(community)
    AttendanceFactory(activity=_old_activity(community, past=True), user=member.user)


@write
def an_attendance_record_moved_to_another_activity(community):
    target = _old_activity(community, past=True)
    record = (
        Attendance.objects.filter(activity=_old_activity(community, past=False))
        .exclude(user__attendance__activity=target)
        .first()
    ) or AttendanceFactory(activity=_old_activity(community, past=False), user=UserFactory())
    check(community)
    record.activity = target
    record.save()


@write
def a_member_made_core(community):
    membership = (
        Membership.objects.filter(community=community, is_coordinator=False)
        .exclude(level=Level.CORE)
        .first()
    )
    community_services.update_membership(membership, level=Level.CORE, is_coordinator=False,
                                         roles=[])  # fmt: skip


@write
def a_member_left_and_rejoined(community):
    membership = (
        Membership.objects.filter(
            community=community, joined_on__lt=timezone.localdate(), is_coordinator=False
        )
        .exclude(user__attendance=None)
        .first()
    )
    community_services.remove_membership(membership)
    check(community)
    community_services.join(community, membership.user)


@write
def someone_added_as_a_member_since_long_ago(community):
    """Took part before the past's quarter: the past's first days are for other members."""
    person = UserFactory()
    AttendanceFactory(activity=_old_activity(community, past=True), user=person)
    check(community)
    MembershipFactory(
        community=community, user=person, joined_on=timezone.localdate() - timedelta(days=800)
    )


@write
def a_members_day_joined_corrected(community):
    """The past keeps each member's first day for the day they joined then: once it is
    corrected, their first day is looked up again."""
    start = quarter_start(quarter_of(timezone.localdate()))
    person = UserFactory()
    # before the past's end: soon after the day they joined, corrected (a short wait), and
    # after the day they joined first (a long one)
    for days in (395, 20):
        AttendanceFactory(activity=ActivityFactory(community=community, date=start - timedelta(days=days)),
                          user=person)  # fmt: skip
    membership = MembershipFactory(community=community, user=person,
                                   joined_on=start - timedelta(days=40))  # fmt: skip
    Activity.objects.update(created_at=timezone.now() - timedelta(days=2))  # time passes
    retention_parts.invalidate([community.pk])  # the past computed again, with them
    check(community)
    membership.joined_on = start - timedelta(days=400)
    membership.save()


@write
def a_departure_recorded_by_hand(community):
    Departure.objects.create(community=community, user=UserFactory(), was_core=True,
                             joined_on=timezone.localdate() - timedelta(days=500),
                             left_on=timezone.localdate() - timedelta(days=100))  # fmt: skip


@write
def core_moves_now_and_long_ago(community):
    member = Membership.objects.filter(community=community).first()
    LevelChange.objects.create(community=community, user=member.user, from_level=Level.ACTIVE,
                               to_level=Level.CORE)  # fmt: skip
    check(community)
    LevelChange.objects.create(community=community, user=member.user, from_level=Level.CORE,
                               to_level=Level.ACTIVE,
                               changed_at=timezone.now() - timedelta(days=200))  # fmt: skip


@write
def the_nightly_levels(community):
    ActivityFactory(community=community)  # someone took part: levels change
    Membership.objects.filter(community=community).update(level=Level.PERIPHERAL,
                                                          level_is_manual=False)  # fmt: skip
    participation.recompute_levels(community_id=community.pk)


@write
def an_attendance_import(community):
    """As attendance_import.apply: members and attendance in bulk, then invalidations."""
    activity = _old_activity(community, past=True)
    person = UserFactory()
    Membership.objects.bulk_create([Membership(community=community, user=person)])
    Attendance.objects.bulk_create([Attendance(activity=activity, user=person, imported=True)])
    aggregates.invalidate_communities([community.pk])
    retention_parts.invalidate([community.pk])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_after_any_write_the_page_shows_the_whole_computations_figures(settled, name):
    check(settled)
    WRITES[name](settled)
    check(settled)


def test_the_rows_written_since_are_added_to_the_settled_part_for_good(settled, monkeypatch):
    """A settled part older than WRITE_MINUTES + ROLL_MINUTES takes in the rows written
    since: the live part then reads only the rows written after."""
    community, today = settled, timezone.localdate()
    check(community, today)
    state_key = (
        f"{aggregates.PREFIX}:{retention_parts.settled_name(community.pk)}:"
        f"{tokens(community)[0]}:retention:{today.isoformat()}"
    )
    from django.core.cache import cache

    computed = cache.get(state_key)["t0"]
    first = ActivityFactory(community=community, date=today, logged_by=UserFactory())
    check(community, today)
    assert cache.get(state_key)["t0"] == computed  # not yet
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    second = ActivityFactory(community=community, date=today, logged_by=UserFactory())
    check(community, today)
    state = cache.get(state_key)
    assert state["t0"] == later - timedelta(minutes=retention_parts.WRITE_MINUTES)
    live = retention_parts.live_part(community.pk, today, state)
    assert second.logged_by_id in live["days"] and first.logged_by_id not in live["days"]
    ActivityFactory(community=community, date=today, logged_by=first.logged_by)
    check(community, today)


def test_the_first_view_after_a_write_reads_no_more_for_a_larger_community():
    """The live part's queries and the rows they return do not grow with the community."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    reads = []
    for size in (20, 60):
        community = scenario(random.Random(size), today, people=size, activities=size)
        Activity.objects.update(created_at=timezone.now() - timedelta(days=2))
        retention_parts.cached_retention(community, today=today)
        activity = ActivityFactory(community=community, date=today)
        members = list(Membership.objects.filter(community=community)[:5])
        Attendance.objects.bulk_create(
            [Attendance(activity=activity, user=m.user) for m in members]
        )
        with CaptureQueriesContext(connection) as ctx:
            value = retention_parts.cached_retention(community, today=today)
        assert value == expected(community, today)
        with aggregates.program_time_zone():
            state, _ = retention_parts.settled_part(community.pk, today, None)
            live = retention_parts.live_part(community.pk, today, state)
        reads.append((len(ctx), sum(map(len, live["days"].values()))))
    assert reads[0] == reads[1] == (1 + 3, 5)


# --- rows deleted or moved by hand (the admin site) ------------------------------------------


def _admin(model):
    from django.contrib import admin
    from django.test import RequestFactory

    return admin.site._registry[model], RequestFactory().post("/")


def value(community):
    return retention_parts.cached_retention(community, today=timezone.localdate())


@pytest.mark.parametrize("past", [True, False])
def test_an_attendance_record_deleted_in_the_admin_site(settled, past):
    from communities.factories import MembershipFactory

    member = MembershipFactory(community=settled, joined_on=timezone.localdate() - timedelta(800))
    record = Attendance.objects.create(activity=_old_activity(settled, past=past), user=member.user)
    check(settled)
    before = value(settled)
    model_admin, request = _admin(Attendance)
    model_admin.delete_model(request, record)
    assert value(settled) == expected(settled, timezone.localdate()) != before


def test_attendance_records_deleted_in_bulk_in_the_admin_site(settled):
    check(settled)
    activity = _old_activity(settled, past=False)
    model_admin, request = _admin(Attendance)
    model_admin.delete_queryset(request, Attendance.objects.filter(activity=activity))
    assert value(settled) == expected(settled, timezone.localdate())


def test_a_level_change_deleted_in_the_admin_site(settled):
    member = Membership.objects.filter(community=settled).first()
    change = LevelChange.objects.create(
        community=settled, user=member.user, from_level=Level.ACTIVE, to_level=Level.CORE,
        changed_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    check(settled)
    model_admin, request = _admin(LevelChange)
    model_admin.delete_model(request, change)
    assert value(settled) == expected(settled, timezone.localdate())
    model_admin.delete_queryset(request, LevelChange.objects.filter(community=settled))
    assert value(settled) == expected(settled, timezone.localdate())


def test_a_membership_or_a_level_change_moved_to_another_community(settled):
    from communities.factories import CommunityFactory

    other = CommunityFactory()
    moved = (
        Membership.objects.filter(
            community=settled, joined_on__lt=timezone.localdate() - timedelta(10)
        )
        .exclude(user__attendance=None)
        .first()
    )
    change = LevelChange.objects.create(
        community=settled, user=moved.user, from_level=Level.ACTIVE, to_level=Level.CORE,
        changed_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    check(settled)
    check(other)
    moved.community = other
    moved.save()
    change.community = other
    change.save()
    for community in (settled, other):
        assert value(community) == expected(community, timezone.localdate())


def test_a_person_deleted_after_their_membership_was_deleted_by_hand(settled):
    from communities.factories import MembershipFactory

    member = MembershipFactory(community=settled, joined_on=timezone.localdate() - timedelta(800))
    LevelChange.objects.create(
        community=settled, user=member.user, from_level=Level.ACTIVE, to_level=Level.CORE,
        changed_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    member.delete()  # no departure recorded
    check(settled)
    before = value(settled)
    member.user.delete()
    assert value(settled) == expected(settled, timezone.localdate()) != before
