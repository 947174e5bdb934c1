"""Pages run a constant number of SQL queries whatever the data size.

Each page is measured at two sizes; the count must be the same at both and equal to
the pinned number (the comment lists what each query is for).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, LeadershipAssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def grow_communities(n, member):
    for i in range(n):
        community = CommunityFactory(name=f"Community {i:03d}", slug=f"community-{i:03d}")
        MembershipFactory(community=community, is_coordinator=True)
        MembershipFactory(community=community, user=member)


def grow_members(community, n):
    users = UserFactory.create_batch(n)
    for user in users:
        m = MembershipFactory(community=community, user=user)
        LeadershipAssignmentFactory(membership=m, role="social_reporter")
        LeadershipAssignmentFactory(membership=m, role="critical_friend")


def count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


# session + user (2), then: count, page of communities, coordinators prefetch
COMMUNITY_LIST = 5
# session + user, the community, viewer's membership (visibility), count, page of members,
# roles prefetch
MEMBER_DIRECTORY = 7
# session + user, count, page of people
PEOPLE = 4
# session + user, my memberships (non-admin home), am I a sponsor, suggestions
HOME_MEMBER = 5
# session + user, the community, membership (visibility), level counts, coordinators,
# objectives, leaders, leaders' roles, newest members, stage history, next sessions,
# heartbeat sessions, heartbeat activities, movements, recent activities, own trajectory,
# latest value-creation stories visible to the viewer ("Value created", value_stories)
COMMUNITY_PAGE = 18


@pytest.mark.parametrize("size", [5, 200])
def test_community_list(clients, users, size):
    grow_communities(size, users["member"])
    for role in ("member", "admin"):
        assert count(clients[role], reverse("communities:list")) == COMMUNITY_LIST
    assert (
        count(clients["member"], reverse("communities:list"), q="Community", sort="-members")
        == COMMUNITY_LIST
    )


@pytest.mark.parametrize("size", [5, 200])
def test_member_directory(clients, community, size):
    grow_members(community, size)
    url = reverse("communities:members", args=[community.slug])
    assert count(clients["member"], url) == MEMBER_DIRECTORY
    assert count(clients["member"], url, role="social_reporter", sort="name") == MEMBER_DIRECTORY


@pytest.mark.parametrize("size", [5, 200])
def test_people_directory(clients, size):
    UserFactory.create_batch(size)
    assert count(clients["member"], reverse("people:list")) == PEOPLE


@pytest.mark.parametrize("size", [5, 200])
def test_home_and_community_page(clients, users, community, size):
    grow_communities(size // 5, users["member"])
    grow_members(community, size)
    assert count(clients["member"], "/") == HOME_MEMBER
    assert count(clients["member"], community.get_absolute_url()) == COMMUNITY_PAGE


@pytest.mark.parametrize("size", [5, 200])
def test_admin_home(clients, users, size):
    grow_communities(size // 5, users["member"])
    # session + user, my memberships, am I a sponsor, communities by stage, people,
    # memberships, without coordinator (count and first ten), recent stage changes
    assert count(clients["admin"], "/") == 10
