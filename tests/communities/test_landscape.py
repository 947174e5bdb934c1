"""Retention cohorts, drifting regulars, the new flags and the landscape's brokers, from
hand-built memberships and attendance: the exact figures expected, edge cases included
(members who left and rejoined, guests, closed communities, a community younger than a
quarter)."""

import math
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.choices import Level, Stage
from communities.factories import ActivityFactory, CommunityFactory, MembershipFactory
from communities.health.indicators import compute
from communities.landscape import jobs, services
from communities.models import (
    Attendance,
    BrokerTie,
    Departure,
    LandscapeLink,
    LandscapeNode,
    LevelChange,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)  # Q4 2026
NOW = timezone.make_aware(datetime(2026, 11, 20, 12, 0))


def person(name, department="Operations"):
    return UserFactory(display_name=name, department=department)


def join(community, user, on, level=Level.ACTIVE, **extra):
    return MembershipFactory(community=community, user=user, joined_on=on, level=level, **extra)


def took_part(community, day, *people, logged_by=None):
    activity = ActivityFactory(community=community, date=day, logged_by=logged_by)
    Attendance.objects.bulk_create([Attendance(activity=activity, user=p) for p in people])
    return activity


def row(table, label):
    return next(r for r in table["rows"] if r["label"] == label)


# --- retention cohorts ---------------------------------------------------------------------


@pytest.fixture
def cohorts():
    c = CommunityFactory(name="Field safety", slug="field-safety")
    a, b, d, e, f, g, h, k = (person(n) for n in "ABDEFGHK")
    join(c, a, date(2026, 2, 10), level=Level.CORE)
    join(c, b, date(2026, 3, 5))
    join(c, d, date(2026, 4, 10))
    join(c, e, date(2026, 9, 1))  # rejoined ...
    Departure.objects.create(community=c, user=e, joined_on=date(2026, 1, 15),
                             left_on=date(2026, 4, 1))  # fmt: skip
    Departure.objects.create(community=c, user=f, joined_on=date(2026, 5, 1),
                             left_on=date(2026, 7, 1))  # fmt: skip
    Departure.objects.create(community=c, user=k, joined_on=date(2024, 6, 1),
                             left_on=date(2026, 10, 1), was_core=True)  # fmt: skip
    join(c, h, date(2026, 11, 1))  # has not taken part yet
    took_part(c, date(2026, 2, 1), e, g)  # g is a guest: in no cohort
    took_part(c, date(2026, 3, 1), a)
    took_part(c, date(2026, 5, 1), b)
    took_part(c, date(2026, 5, 20), f)
    took_part(c, date(2026, 6, 1), logged_by=d)  # logged, not attended: took part
    took_part(c, date(2026, 8, 1), a)
    took_part(c, date(2026, 10, 5), d)
    took_part(c, date(2026, 10, 10), e)
    LevelChange.objects.create(community=c, user=a, from_level=Level.ACTIVE, to_level=Level.CORE,
                               changed_at=timezone.make_aware(datetime(2026, 8, 15, 12)))  # fmt: skip
    return c


def test_cohorts_by_the_quarter_first_joined_give_exact_shares(cohorts):
    data = services.community_retention(cohorts, today=TODAY)
    table = data["cohorts"]
    q1 = row(table, "Q1 2026")  # a, b and e (who left and rejoined: their first cohort)
    assert q1["size"] == 3
    assert [(c["n"], c["share"]) for c in q1["cells"]] == [(2, 67), (1, 33), (1, 33), (1, 33)]
    q2 = row(table, "Q2 2026")  # d (logged an activity) and f (who left)
    assert q2["size"] == 2
    assert [(c["n"], c["share"]) for c in q2["cells"]] == [(2, 100), (0, 0), (1, 50)]
    q3 = row(table, "Q3 2026")  # e rejoined in Q3 but belongs to Q1; nobody else joined
    assert q3["size"] == 0 and q3["cells"] == [{"n": 0, "share": None}] * 2
    assert row(table, "Q4 2026")["size"] == 1  # h, who has not taken part
    assert len(table["rows"]) == services.COHORT_QUARTERS and table["earlier"] == 1  # k


def test_median_time_from_joining_to_first_taking_part(cohorts):
    data = services.community_retention(cohorts, today=TODAY)
    # a 19 days, b 57, d 52 (logged), e 39 (from rejoining); h has not taken part
    assert data["median_days"] == 45.5
    assert (data["took_part"], data["not_yet"]) == (4, 1)


def test_the_core_groups_trajectory(cohorts):
    core = {r["label"]: r for r in services.community_retention(cohorts, today=TODAY)["core"]}
    # now: a (moved in during Q3); k (core) left in Q4
    assert (core["Q4 2026"]["size"], core["Q4 2026"]["left"]) == (1, 1)
    assert (core["Q3 2026"]["size"], core["Q3 2026"]["reached"]) == (2, 1)
    assert core["Q2 2026"]["size"] == 1


def test_no_core_group_before_anyone_had_joined():
    """Made core (or coordinator) as they joined: no level change to count back; the core
    group is never larger than the people who had joined by then."""
    young = CommunityFactory(name="Young", slug="young", stage=Stage.COALESCING)
    join(young, person("C"), date(2026, 10, 2), level=Level.CORE, is_coordinator=True)
    join(young, person("D"), date(2026, 8, 15), level=Level.CORE)
    core = {r["label"]: r["size"] for r in services.community_retention(young, today=TODAY)["core"]}
    assert (core["Q4 2026"], core["Q3 2026"], core["Q2 2026"], core["Q1 2025"]) == (2, 1, 0, 0)


def test_a_community_younger_than_a_quarter():
    young = CommunityFactory(name="New one", slug="new-one", stage=Stage.COALESCING)
    newcomer = person("N")
    join(young, newcomer, date(2026, 10, 20))
    took_part(young, date(2026, 11, 5), newcomer)
    table = services.community_retention(young, today=TODAY)["cohorts"]
    assert [(r["label"], r["size"]) for r in table["rows"] if r["size"]] == [("Q4 2026", 1)]
    assert row(table, "Q4 2026")["cells"] == [{"n": 1, "share": 100}]
    assert services.drifting([young.pk], as_of=TODAY)[young.pk] == (0, [])


# --- drifting regulars and the flags ---------------------------------------------------------


@pytest.fixture
def drifting_community():
    """as_of 20 Nov 2026, 8 weeks: regulars judged over (27 Jun, 25 Sep], drifting after."""
    c = CommunityFactory(name="Case clinic", slug="case-clinic")
    long_ago = date(2025, 1, 1)
    r1, r2, r3, core, newcomer, coordinator, guest, logger = (
        person(n) for n in ("R1", "R2", "R3", "Core", "New", "Coord", "Guest", "Logger")
    )
    for p in (r1, r2, r3, logger):
        join(c, p, long_ago)
    join(c, core, long_ago, level=Level.CORE)
    join(c, newcomer, date(2026, 10, 1), level=Level.CORE)
    join(c, coordinator, long_ago, is_coordinator=True)
    took_part(c, date(2026, 7, 10), r1, r2, r3, guest, logger)
    took_part(c, date(2026, 8, 1), r1, r2, guest, logged_by=logger)
    took_part(c, date(2026, 8, 20), r1, guest, logged_by=logger)
    took_part(c, date(2026, 9, 10))
    took_part(c, date(2026, 10, 15), r2, coordinator)
    took_part(c, date(2026, 11, 10), logged_by=logger)
    return c, {"r1": r1, "core": core}


def test_drifting_regulars_are_exactly_those_expected(drifting_community):
    c, people = drifting_community
    regulars, drifting = services.drifting([c.pk], as_of=TODAY)[c.pk]
    # r1 (3 of 4), r2 (2 of 4), logger (3 of 4: attended once, logged twice), the core
    # member and the coordinator; not r3 (1 of 4), the newcomer, nor the guest
    assert regulars == 5
    assert {row["user_id"] for row in drifting} == {people["r1"].pk, people["core"].pk}


def test_regulars_drifting_is_flagged_with_advice(drifting_community, settings):
    c, _ = drifting_community
    flag = next(f for f in compute([c.pk], now=NOW)[c.pk].flags if f.key == "regulars_drifting")
    assert flag.detail.startswith("2 of the 5 regulars") and "40%" in flag.detail
    assert flag.action and flag.explanation
    settings.CHILDCOP_FLAG_DRIFTING_SHARE = 40  # not more than 40%: not flagged
    assert "regulars_drifting" not in [f.key for f in compute([c.pk], now=NOW)[c.pk].flags]


def test_core_group_shrinking_is_flagged(settings):
    c = CommunityFactory(name="Shrinking", slug="shrinking")
    stays = person("Stays")
    join(c, stays, date(2025, 1, 1), level=Level.CORE)
    for name in ("One", "Two"):
        p = person(name)
        join(c, p, date(2025, 1, 1))
        LevelChange.objects.create(community=c, user=p, from_level=Level.CORE,
                                   to_level=Level.ACTIVE,
                                   changed_at=timezone.make_aware(datetime(2026, 10, 1)))  # fmt: skip
    Departure.objects.create(community=c, user=person("Gone"), joined_on=date(2025, 1, 1),
                             left_on=date(2026, 11, 1), was_core=True)  # fmt: skip
    flags = {f.key: f for f in compute([c.pk], now=NOW)[c.pk].flags}
    assert flags["core_shrinking"].detail.startswith("The core group has 1 people, against 4")
    c.stage = Stage.CLOSED
    c.save()
    assert compute([c.pk], now=NOW)[c.pk].flags == []  # closed communities raise none


# --- the landscape: links, brokers, departments --------------------------------------------


def test_brokers_links_and_departments():
    p, q, r = (CommunityFactory(name=n, slug=n.lower()) for n in ("Pumps", "Quality", "Risk"))
    closed = CommunityFactory(name="Old", slug="old", stage=Stage.CLOSED)
    b1, b2, b3 = person("B1", "Engineering"), person("B2", "Engineering"), person("B3", "Legal")
    g = person("G", "Sales")
    person("F", "Finance")  # in no community
    recent = date(2026, 11, 2)
    for c, people in ((p, [b1, b2, b3, g]), (q, [b1, b2, b3]), (r, [b2]), (closed, [b1])):
        for someone in people:
            join(c, someone, date(2025, 1, 1))
    took_part(p, recent, b1, b2, b3, g)
    took_part(q, recent, b1, b2)
    took_part(r, recent, b2)
    took_part(closed, recent, b1)
    took_part(q, recent, g)  # g attends Quality as a guest: not a broker
    result = jobs.refresh(now=NOW)
    assert (result["communities"], result["brokers"]) == (3, 2)
    ties = {}
    for tie in BrokerTie.objects.all():
        ties.setdefault(tie.user_id, set()).add(tie.community_id)
    assert ties == {b1.pk: {p.pk, q.pk}, b2.pk: {p.pk, q.pk, r.pk}}
    shared = {(link.source_id, link.target_id): link.shared for link in LandscapeLink.objects.all()}
    assert shared == {(p.pk, q.pk): 3, (p.pk, r.pk): 1, (q.pk, r.pk): 1}
    node = LandscapeNode.objects.get(community=p)
    assert (node.members, node.active_members, node.department_count) == (4, 4, 3)
    assert node.departments[0] == ["Engineering", 2] and node.boundary_crossing == 50
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in LandscapeNode.objects.all())
    snapshot = jobs.latest()
    assert ["Finance", 1] in snapshot.departments_without
    assert "Sales" not in [d for d, _ in snapshot.departments_without]
    assert snapshot.retention["active_people"] == 4  # b1, b2, b3, g (in Pumps)
    jobs.refresh(now=NOW)  # replaces, never adds
    assert BrokerTie.objects.count() == 5 and LandscapeNode.objects.count() == 3


def test_retention_of_last_quarters_active_members():
    c = CommunityFactory(name="Quarterly", slug="quarterly")
    stays, drifts = person("Stays"), person("Drifts")
    for p in (stays, drifts):
        join(c, p, date(2025, 1, 1))
    took_part(c, date(2026, 8, 1), stays, drifts)  # last quarter: Q3 2026
    took_part(c, date(2026, 11, 1), stays)  # within the last 8 weeks
    jobs.refresh(now=NOW)
    node = LandscapeNode.objects.get(community=c)
    assert (node.last_quarter_active, node.retained) == (2, 50)


def test_program_retention_by_stage(cohorts):
    jobs.refresh(now=NOW)
    retention = jobs.latest().retention
    q1 = row(retention["all"], "Q1 2026")
    assert q1["size"] == 3 and q1["cells"][0] == {"n": 2, "share": 67}
    assert row(retention["stages"]["maturing"], "Q2 2026")["size"] == 2


# --- the new flags in the overview, the health page and a new monthly report ---------------


def test_the_new_flags_reach_every_surface_and_stored_reports_stay_as_they_were(
    clients, users, community
):
    """Dates relative to today, chosen so that the live pages and last month's report judge
    the same people: regulars took part 90–140 days ago, the steady ones 35–40 days ago."""
    from communities.health import jobs as health_jobs
    from communities.health.services.reports import default_period
    from communities.models import HealthReport, HealthStatus

    today = timezone.localdate()
    people = [person(f"Regular {i}") for i in range(5)]
    for p in people:
        join(community, p, date(2024, 1, 1))
    for days in (140, 120, 100, 90):
        took_part(community, today - timedelta(days=days), *people)
    took_part(community, today - timedelta(days=38), *people[:2])  # three drift
    period = default_period()
    earlier = HealthReport.objects.create(
        community=community, period=date(period.year - 1, period.month, 1),
        data={"community_id": community.pk, "periods": [], "indicators": [],
              "flags": [{"key": "no_story", "label": "No value-creation story lately"}]},
    )  # fmt: skip
    before = (earlier.data, earlier.generated_at)

    health_jobs.refresh([community.pk])
    assert "regulars_drifting" in HealthStatus.objects.get(community=community).flag_keys
    overview = clients["admin"].get(reverse("program:overview")).content.decode()
    assert "Regulars drifting" in overview
    page = clients["coordinator"].get(reverse("communities:health", args=[community.slug]))
    assert "Regulars drifting" in page.content.decode()
    assert "took part in nothing in the last 8 weeks" in page.content.decode()

    health_jobs.generate_reports(period, community_ids=[community.pk], send_emails=False)
    report = HealthReport.objects.get(community=community, period=period)
    assert "regulars_drifting" in [f["key"] for f in report.data["flags"]]
    earlier.refresh_from_db()
    assert (earlier.data, earlier.generated_at) == before  # stored reports are not rewritten


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_computes_the_landscape_on_a_real_worker(worker):
    # the schedule as its migration writes it (a browser test's flush may have emptied the
    # table since the test database was built)
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from communities.tasks import refresh_landscape

    importlib.import_module("communities.migrations.0023_landscape_schedule").create_schedule(
        apps, None
    )
    schedule = PeriodicTask.objects.get(task="communities.tasks.refresh_landscape")
    assert schedule.enabled and schedule.crontab.hour == "3"
    p, q = CommunityFactory(name="Pumps", slug="pumps"), CommunityFactory(name="Q", slug="q")
    broker = person("Broker")
    for c in (p, q):
        join(c, broker, date(2025, 1, 1))
        took_part(c, timezone.localdate(), broker)
    worker(refresh_landscape)
    assert worker.idle(), "the worker did not finish the task"
    snapshot = jobs.latest()
    assert snapshot is not None and snapshot.nodes.count() == 2
    assert list(BrokerTie.objects.values_list("user_id", flat=True)) == [broker.pk] * 2


# --- the layout ------------------------------------------------------------------------------


def test_the_layout_draws_groups_of_linked_communities_apart_the_same_way_each_time():
    """Two groups of 30 communities, each sharing many members within the group and one
    across: each group gathers, apart from the other; the same links give the same map."""
    groups = [list(range(1, 31)), list(range(101, 131))]
    links = [(a, b, 20) for group in groups for i, a in enumerate(group) for b in group[i + 1 :]]
    links.append((1, 101, 1))
    ids = [*groups[0], *groups[1], 500]  # 500: linked to nobody
    positions = jobs.layout(ids, links)
    assert set(positions) == set(ids)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in positions.values())

    def mean_distance(pairs):
        return sum(math.dist(positions[a], positions[b]) for a, b in pairs) / len(pairs)

    within = mean_distance([(a, b) for group in groups for a in group for b in group if a < b])
    across = mean_distance([(a, b) for a in groups[0] for b in groups[1]])
    assert within < across / 3
    assert jobs.layout(ids, links) == positions
    assert jobs.layout([], []) == {} and set(jobs.layout([7], [])) == {7}
