"""The community health page: flags first, then the indicators with their trends."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop.charts import level_bar, sparkline
from communities.choices import Level, Stage
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    LeadershipAssignmentFactory,
    MembershipFactory,
    SessionFactory,
)
from communities.health.choices import Flag
from communities.health.indicators import CommunityHealth, Indicator, RaisedFlag
from communities.health.views.indicators import indicator_rows
from communities.models import Community, HealthReport

pytestmark = pytest.mark.django_db

# session + user, the community, the viewer's membership (role), compute()'s 22 queries,
# the latest monthly reports
PAGE_QUERIES = 2 + 1 + 1 + 22 + 1


def url(community):
    return reverse("communities:health", args=[community.slug])


def grow(community, n):
    """n members who attend n activities, with sessions, roles and monthly reports."""
    members = MembershipFactory.create_batch(n, community=community)
    for i in range(n):
        day = timezone.localdate() - timedelta(days=7 * i)
        session = SessionFactory(
            community=community, starts_at=timezone.now() - timedelta(days=7 * i + 5)
        )
        activity = ActivityFactory(community=community, date=day, session=session)
        for m in members[: i + 1]:
            AttendanceFactory(activity=activity, user=m.user)
        LeadershipAssignmentFactory(membership=members[i], role="social_reporter")
    period = timezone.localdate().replace(day=1)
    for _ in range(min(n, 14)):
        period = (period - timedelta(days=1)).replace(day=1)
        HealthReport.objects.create(community=community, period=period, data={"indicators": []})


def test_the_coordinator_sees_flags_first_then_the_indicators(clients, users, community):
    SessionFactory(community=community, title="May clinic",
                   starts_at=timezone.now() - timedelta(days=6))  # fmt: skip
    response = clients["coordinator"].get(url(community))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="flags-heading"') < html.index('id="indicators-heading"')
    assert Flag.MISSED_HEARTBEAT.label in html and "May clinic" in html
    assert "Suggested action:" in html
    for label in ("Rhythm adherence", "Distinct attendees", "Core group size",
                  "Leadership roles filled (of 6)", "Answered within the commitment",
                  "Agenda items addressed", "Progress reports endorsed",
                  "Value-creation stories", "Business case endorsed",
                  "Agreement review current"):  # fmt: skip
        assert label in html
    assert "Participation distribution now" in html
    assert reverse("communities:health_checks", args=[community.slug]) in html
    assert "No monthly report yet" in html
    assert 'role="img"' in html  # the sparklines and the distribution bar


def test_the_monthly_reports_are_listed_newest_first(clients, users, community):
    older = HealthReport.objects.create(community=community, period=date(2026, 1, 1))
    newer = HealthReport.objects.create(community=community, period=date(2026, 2, 1))
    html = clients["core"].get(url(community)).content.decode()
    assert html.index(newer.get_absolute_url()) < html.index(older.get_absolute_url())
    assert "February 2026" in html


@pytest.mark.parametrize(
    "role,status",
    [("core", 200), ("coordinator", 200), ("admin", 200), ("sponsor", 200),
     ("member", 403), ("outsider", 403)],
)  # fmt: skip
def test_who_may_read_it(clients, users, community, role, status):
    assert clients[role].get(url(community)).status_code == status


def test_anonymous_people_sign_in_and_writes_are_refused(clients, users, community):
    response = clients["anonymous"].get(url(community))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert clients["coordinator"].post(url(community)).status_code == 405


def test_a_hidden_community_does_not_exist_for_outsiders(clients, users):
    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False)
    assert clients["outsider"].get(url(hidden)).status_code == 404
    assert clients["sponsor"].get(url(hidden)).status_code == 404  # sponsors another one
    assert clients["admin"].get(url(hidden)).status_code == 200


def test_closed_and_potential_communities_say_why_flags_are_few(clients, users, community):
    Community.objects.filter(pk=community.pk).update(stage=Stage.POTENTIAL)
    assert "potential stage" in clients["coordinator"].get(url(community)).content.decode()
    Community.objects.filter(pk=community.pk).update(stage=Stage.CLOSED)
    html = clients["coordinator"].get(url(community)).content.decode()
    assert "raises no flags" in html and "No flags are raised" in html


@pytest.mark.parametrize("size", [2, 12])
def test_a_fixed_number_of_queries(clients, users, community, size):
    grow(community, size)
    client = clients["coordinator"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(community))
    assert response.status_code == 200
    assert len(queries) == PAGE_QUERIES, "\n".join(q["sql"][:100] for q in queries)


# --- the community page's "Health" link ------------------------------------------------


@pytest.mark.parametrize(
    "role,shown",
    [("core", True), ("coordinator", True), ("admin", True), ("sponsor", True),
     ("member", False), ("outsider", False)],
)  # fmt: skip
def test_the_community_page_links_to_it_for_those_who_may_read_it(
    clients, users, community, role, shown
):
    html = clients[role].get(community.get_absolute_url()).content.decode()
    assert (f'href="{url(community)}"' in html) is shown


# --- what the page makes of values -----------------------------------------------------


def test_no_data_is_never_shown_as_zero_and_unavailable_sources_say_so(rf, community):
    periods = [date(2026, m, 1) for m in (2, 3, 4, 5)]
    health = CommunityHealth(
        community_id=community.pk,
        periods=periods,
        indicators=[
            Indicator("rhythm_adherence", "Rhythm adherence", "Rhythm", [None, 50, None, 0],
                      unit="%"),
            Indicator("sessions_planned", "Sessions planned", "Rhythm", [0, 2, 0, 0]),
            Indicator("stories", "Value-creation stories", "Value creation", [None] * 4),
            Indicator("future", "Something new", "Value creation", [None] * 4,
                      available=False),
            Indicator("business_case_endorsed", "Business case endorsed", "Sponsorship",
                      [None, None, 0, 1], unit="yes/no"),
            Indicator("members", "Members", "Participation", [None, None, None, 3],
                      breakdown={"coordinator": 1, "active": 2}),
        ],
        flags=[RaisedFlag("no_story", "No value-creation story lately", "Why.", "Do this.",
                          "Nothing since March.")],
    )  # fmt: skip
    groups = indicator_rows(health)
    rows = {row["indicator"].key: row for _, group_rows in groups for row in group_rows}
    assert rows["rhythm_adherence"]["cells"] == ["—", "50%", "—", "0%"]
    assert rows["rhythm_adherence"]["current"] == "0%"  # a real 0 stays 0
    assert rows["sessions_planned"]["cells"] == ["0", "2", "0", "0"]
    assert rows["stories"]["chart"] is None and rows["stories"]["current"] == "—"
    assert rows["business_case_endorsed"]["cells"] == ["—", "—", "no", "yes"]
    chart = rows["rhythm_adherence"]["chart"]
    assert len(chart["segments"]) == 2 and len(chart["points"]) == 2  # broken at the gap
    html = render_to_string(
        "communities/health/health.html",
        {"community": community, "health": health, "groups": groups,
         "distribution": level_bar({"coordinator": 1, "active": 2}), "reports": [],
         "thresholds": {}},
        request=rf.get("/"),
    )  # fmt: skip
    assert "not yet available" in html
    assert "no data" in html
    assert "Nothing since March." in html and "Do this." in html
    assert "Coordinator: 1 (33%)" in html


def test_the_sparkline_and_the_bar():
    assert sparkline([None, None]) is None
    flat = sparkline([0, 0, 0, 0])
    assert len(flat["points"]) == 4 and flat["points"][-1]["last"]
    bar = level_bar({"coordinator": 1, Level.CORE: 1, Level.ACTIVE: 2})
    assert [p["w"] for p in bar["parts"][:3]] == [150.0, 150.0, 300.0]
    assert level_bar({})["total"] == 0
