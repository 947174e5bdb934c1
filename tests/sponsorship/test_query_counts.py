"""The support structure's list pages run a constant number of SQL queries (two sizes)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory
from sponsorship.choices import Scope
from sponsorship.factories import (
    AppointmentFactory,
    CouncilFactory,
    MentorPairFactory,
    SponsorAppointmentFactory,
)

pytestmark = pytest.mark.django_db

# session + user, count, page of appointments (with person, appointed by), communities
# prefetch, the community filter's choices
APPOINTMENTS = 6
# session + user, the communities nobody covers (one query, Exists)
WITHOUT_SPONSOR = 3
# session + user, current sponsor appointments (with person), their communities
SPONSOR_MAP = 4
# session + user, pairs as mentor, pairs as mentee
MY_MENTORING = 4
# session + user, count, page of pairs (with mentor, mentee, community), community choices
PAIRS = 5
# session + user, councils, their members
COUNCILS = 4


def grow(n, member):
    today = timezone.localdate()
    for i in range(n):
        community = CommunityFactory(name=f"Community {i:03d}", slug=f"community-{i:03d}")
        other = CommunityFactory(name=f"Unsponsored {i:03d}", slug=f"unsponsored-{i:03d}")
        SponsorAppointmentFactory(communities=[community, other] if i % 3 else [community])
        AppointmentFactory(
            role="sme", expertise="privacy", identified_on=today - timedelta(days=90)
        )
        SponsorAppointmentFactory(term_end=today + timedelta(days=30), communities=[community])
        MentorPairFactory(mentor=member, community=community)
        MentorPairFactory(mentee=member)
        council = CouncilFactory()
        council.members.set(UserFactory.create_batch(3))
    SponsorAppointmentFactory(scope=Scope.PROGRAM, term_end=today - timedelta(days=1))


def count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("size", [3, 60])
def test_support_structure_pages(clients, users, community, size):
    grow(size, users["member"])
    admin = clients["admin"]
    url = reverse("sponsorship:appointment_list")
    assert count(admin, url) == APPOINTMENTS
    assert count(admin, url, role="sponsor", ends_within="60", sort="-term_end") == APPOINTMENTS
    assert count(admin, url, never_appointed="30", q="privacy") == APPOINTMENTS
    # the chosen community is fetched once to validate the filter
    assert count(admin, url, community=community.pk) == APPOINTMENTS + 1
    assert count(admin, reverse("sponsorship:communities_without_sponsor")) == WITHOUT_SPONSOR
    assert count(admin, reverse("sponsorship:sponsor_map")) == SPONSOR_MAP
    assert count(admin, reverse("sponsorship:pair_list"), status="active") == PAIRS
    assert count(clients["member"], reverse("sponsorship:my_mentoring")) == MY_MENTORING
    assert count(clients["member"], reverse("sponsorship:council_list")) == COUNCILS
