"""Each endpoint runs a constant number of SQL queries per page of results, whatever the
program's size (measured at two sizes, pinned)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.factories import CommunityFactory, LeadershipAssignmentFactory
from sponsorship.factories import SponsorAppointmentFactory
from value_stories.factories import ValueStoryFactory

from .conftest import bearer, furnish

pytestmark = pytest.mark.django_db

# the token (with its owner; its last use is recorded once a minute: see `recorded`), then
# the page of rows ...
TOKEN = 1
QUERIES = {
    "communities": TOKEN + 1 + 2,  # ... and the page's sponsors: named ones, program-wide
    "sessions": TOKEN + 1,
    "activities": TOKEN + 1,
    "memberships": TOKEN + 1 + 1,  # ... and the page's leadership roles
    "health": TOKEN + 1,
    "monthly_reports": TOKEN + 1,
    "stories": TOKEN + 1,
    "support_requests": TOKEN + 1,
}


def grow(n, admin_user):
    for i in range(n):
        community = CommunityFactory(name=f"Grown {n}-{i}")
        furnish(community, 2)
        for membership in community.memberships.all():
            LeadershipAssignmentFactory(membership=membership, role="social_reporter")
        ValueStoryFactory.create_batch(2, community=community, status="approved")
        SponsorAppointmentFactory(appointed_by=admin_user, communities=[community])
    SponsorAppointmentFactory(appointed_by=admin_user, scope="program")


def count(url, plaintext, **params):
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, headers=bearer(plaintext))
    assert response.status_code == 200
    rows = response.json()["results"]
    if response.json()["next"]:  # the next page costs the same
        with CaptureQueriesContext(connection) as later:
            assert client.get(response.json()["next"], headers=bearer(plaintext)).status_code == 200
        assert len(later) == len(ctx)
    return len(ctx), len(rows)


def recorded(plaintext):
    """One request, whose token's last use is recorded (one query more, once a minute)."""
    with CaptureQueriesContext(connection) as ctx:
        Client().get(reverse("api:stories"), headers=bearer(plaintext))
    return len(ctx)


def test_a_tokens_last_use_is_written_once_a_minute(tokens, users):
    from childcop.api.models import ApiToken

    assert recorded(tokens["admin"]) == QUERIES["stories"] + 1
    assert recorded(tokens["admin"]) == QUERIES["stories"]
    token = ApiToken.objects.get(user=users["admin"])
    used = token.last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=used - timedelta(minutes=2))
    assert recorded(tokens["admin"]) == QUERIES["stories"] + 1
    token.refresh_from_db()
    assert token.last_used_at >= used


@pytest.mark.parametrize("size", [2, 12])
def test_each_endpoint_runs_the_same_queries_at_two_sizes(tokens, users, admin_user, size):
    grow(size, admin_user)
    for role in ("admin", "member", "sponsor"):
        recorded(tokens[role])
    for name, expected in QUERIES.items():
        for role in ("admin", "member", "sponsor"):
            queries, rows = count(reverse(f"api:{name}"), tokens[role], page_size=20)
            assert queries == expected, (name, role, size)
            if role == "admin":
                assert rows >= min(size, 20) or name == "health", (name, rows)
