"""The coordinator's quarterly cultivation checklist, their home page, coaching sessions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop import aggregates
from communities.factories import CommunityFactory, MembershipFactory
from communities.models import CoachingSession, CultivatingActivity, CultivationCheck
from communities.stewardship.services import current_quarter, previous_quarter

pytestmark = pytest.mark.django_db

QUALITY = CultivatingActivity.ENSURE_QUALITY
BROKERING = CultivatingActivity.INSTITUTIONAL_BROKERING


def checklist_url(community):
    return reverse("communities:cultivation", args=[community.slug])


def test_the_coordinator_ticks_activities_of_this_quarter_with_notes(clients, users, community):
    url = checklist_url(community)
    assert clients["coordinator"].get(url).status_code == 200
    response = clients["coordinator"].post(
        url,
        {
            f"{QUALITY.value}-done": "on",
            f"{QUALITY.value}-note": "Two case clinics, both well rated.",
            f"{BROKERING.value}-note": "Needs a talk with the sponsor.",
        },
    )
    assert response.status_code == 302
    quarter = current_quarter()
    checks = {
        c.activity: c
        for c in CultivationCheck.objects.filter(
            community=community, coordinator=users["coordinator"], quarter=quarter
        )
    }
    assert len(checks) == len(CultivatingActivity)
    assert checks[QUALITY].done and checks[QUALITY].note == "Two case clinics, both well rated."
    assert not checks[BROKERING].done
    assert checks[BROKERING].note == "Needs a talk with the sponsor."
    # The page shows the saved state.
    page = clients["coordinator"].get(url)
    assert page.context["done"] == 1
    assert "Needs a talk with the sponsor." in page.content.decode()

    # The home page lists what is still open this quarter, not what is done.
    home = clients["coordinator"].get("/")
    assert home.status_code == 200
    (entry,) = home.context["cultivation"]
    assert entry[0] == community
    assert QUALITY not in entry[1]
    assert BROKERING in entry[1]
    assert len(entry[1]) == len(CultivatingActivity) - 1
    assert f"Still open in your cultivation checklist, {quarter}" in home.content.decode()


def test_an_earlier_quarter_does_not_close_this_one(clients, users, community):
    CultivationCheck.objects.create(
        community=community,
        coordinator=users["coordinator"],
        quarter=previous_quarter(current_quarter()),
        activity=QUALITY,
        done=True,
    )
    (entry,) = clients["coordinator"].get("/").context["cultivation"]
    assert QUALITY in entry[1]


def test_a_member_cannot_keep_the_checklist(clients, community):
    url = checklist_url(community)
    assert clients["member"].get(url).status_code == 403
    assert clients["member"].post(url, {f"{QUALITY.value}-done": "on"}).status_code == 403
    assert not CultivationCheck.objects.exists()
    assert clients["member"].get("/").context["cultivation"] == []


def test_a_bad_quarter_is_404(clients, community):
    response = clients["coordinator"].get(checklist_url(community), {"quarter": "2026-Q5"})
    assert response.status_code == 404


def test_admin_logs_coaching_the_coordinator_reads_it_an_outsider_gets_404(
    clients, users, community
):
    community.is_open = False
    community.save()
    create = reverse("communities:coaching_create", args=[community.slug])
    held_on = timezone.localdate() - timedelta(days=2)
    response = clients["admin"].post(
        create,
        {
            "leaders": [users["coordinator"].pk, users["core"].pk],
            "held_on": held_on.isoformat(),
            "topics": "Growing the core group.",
            "follow_up": "Check in after the next clinic.",
        },
    )
    assert response.status_code == 302
    session = CoachingSession.objects.get(community=community)
    assert session.coach == users["admin"]
    assert set(session.leaders.all()) == {users["coordinator"], users["core"]}
    assert session.held_on == held_on

    listing = reverse("communities:coaching", args=[community.slug])
    response = clients["coordinator"].get(listing)
    assert response.status_code == 200
    assert "Growing the core group." in response.content.decode()
    assert clients["outsider"].get(listing).status_code == 404
    assert clients["member"].get(listing).status_code == 403
    # Only the social learning team logs sessions.
    for role in ("coordinator", "member"):
        assert clients[role].post(create, {"topics": "x"}).status_code == 403
    assert clients["outsider"].post(create, {"topics": "x"}).status_code == 404
    assert CoachingSession.objects.count() == 1


def test_coaching_in_the_future_is_refused(clients, users, community):
    response = clients["admin"].post(
        reverse("communities:coaching_create", args=[community.slug]),
        {
            "leaders": [users["coordinator"].pk],
            "held_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "topics": "Later.",
        },
    )
    assert response.status_code == 200
    assert not CoachingSession.objects.exists()


# session, user, the generations of the program figures and of "Needs you" (one query: the
# figures, suggestions and each person's "Needs you" are cached: childcop.aggregates), my
# memberships, my cultivation checks done this quarter (one query for every coordinated
# community), am I a sponsor
HOME_COORDINATOR = 6
# after a write that changes what waits for people: "Needs you" for a coordinator computed
# again (13 queries scoped by the ids of their communities: childcop.needs; the help
# requests are two, mine and those late in my core groups)
COORDINATOR_NEEDS = 13


@pytest.mark.parametrize("size", [2, 30])
def test_coordinator_home_query_count_is_constant(clients, users, size):
    coordinator = users["coordinator"]
    for i in range(size):
        community = CommunityFactory(name=f"Coordinated {i:03d}", slug=f"coordinated-{i:03d}")
        MembershipFactory(community=community, user=coordinator, is_coordinator=True)
        CultivationCheck.objects.create(
            community=community,
            coordinator=coordinator,
            quarter=current_quarter(),
            activity=QUALITY,
            done=True,
        )
    clients["coordinator"].get("/")  # computes the cached program figures
    with CaptureQueriesContext(connection) as ctx:
        response = clients["coordinator"].get("/")
    assert response.status_code == 200
    assert len(response.context["cultivation"]) == size + 1
    assert len(ctx) == HOME_COORDINATOR, "\n".join(q["sql"][:150] for q in ctx.captured_queries)
    aggregates.invalidate(aggregates.NEEDS)
    with CaptureQueriesContext(connection) as ctx:
        response = clients["coordinator"].get("/")
    assert len(response.context["cultivation"]) == size + 1
    assert len(ctx) == HOME_COORDINATOR + COORDINATOR_NEEDS
