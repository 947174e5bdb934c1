"""A small program around the shared roles, for the API's tests: communities each role sees
differently (open, members-only, in its potential stage, closed, elsewhere), each with a
session and its activity (with attendance), members, a health status row, a monthly report,
a support request, and stories of every status and visibility."""

import datetime

import pytest
from django.utils import timezone

from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    MembershipFactory,
    SessionFactory,
)
from communities.health.models import HealthReport, HealthStatus, SupportRequest
from practice_groups.factories import GroupMembershipFactory, PracticeGroupFactory
from sponsorship.factories import SponsorAppointmentFactory
from tests.conftest import bearer_tokens
from value_stories.factories import ValueStoryFactory

HEALTH = {
    "periods": ["2031-01-01", "2031-02-01"],
    "indicators": [
        {"key": "attendance", "label": "Attendance", "group": "Rhythm", "unit": "",
         "values": [None, 4], "help": "", "available": True, "breakdown": None},
    ],
    "flags": [
        {"key": "no_story", "label": "No value-creation story", "explanation": "Why",
         "action": "Ask", "detail": ""},
    ],
    "status": {},
}  # fmt: skip


def furnish(community, n=1, *, with_health=True):
    """`n` of each kind of row in a community."""
    for i in range(n):
        session = SessionFactory(
            community=community, starts_at=timezone.now() + datetime.timedelta(days=i - n)
        )
        activity = ActivityFactory(community=community, session=session)
        for membership in MembershipFactory.create_batch(2, community=community):
            AttendanceFactory(activity=activity, user=membership.user)
        SupportRequest.objects.create(community=community, kind="coaching", description="Help")
        HealthReport.objects.create(
            community=community,
            period=datetime.date(2031 - i, 2, 1),
            data={**HEALTH, "community_id": community.pk},
        )
    if with_health:
        HealthStatus.objects.create(
            community=community,
            computed_at=timezone.now(),
            flags=" no_story ",
            flag_count=1,
            data={**HEALTH, "community_id": community.pk},
        )


@pytest.fixture
def program(users, community, admin_user):
    member, core, coordinator = users["member"], users["core"], users["coordinator"]
    members_only = CommunityFactory(name="Members only", is_open=False)
    MembershipFactory(community=members_only, user=member)
    MembershipFactory(community=members_only, user=core, level="core")
    potential = CommunityFactory(name="Potential", stage="potential")
    closed = CommunityFactory(name="Closed", stage="closed")
    MembershipFactory(community=closed, user=coordinator, is_coordinator=True)
    elsewhere = CommunityFactory(name="Elsewhere")
    SponsorAppointmentFactory(
        person=users["sponsor"], appointed_by=admin_user, communities=[members_only]
    )
    communities = [community, members_only, potential, closed, elsewhere]
    for each in communities:
        furnish(each)
        # a practice group's request too, the member in the group (where a member)
        group = PracticeGroupFactory(community=each)
        if each.memberships.filter(user=member).exists():
            GroupMembershipFactory(group=group, user=member)
        SupportRequest.objects.create(group=group, kind="logistics", description="A room")
        ValueStoryFactory(community=each, status="approved", visibility="program")
        ValueStoryFactory(community=each, status="approved", visibility="sponsors")
        ValueStoryFactory(community=each, status="approved", visibility="community")
        ValueStoryFactory(community=each, status="submitted")
    for status in ("draft", "submitted", "approved", "returned"):
        ValueStoryFactory(community=community, author=member, status=status)
    return communities


def groups_of(communities):
    from practice_groups.models import PracticeGroup

    return PracticeGroup.objects.filter(community__in=communities)


@pytest.fixture
def tokens(users):
    """{role: plaintext} of a token reading every area."""
    return {role: plaintext for role, (_, plaintext) in bearer_tokens(users).items()}


def bearer(plaintext):
    return {"authorization": f"Bearer {plaintext}"}


def read_all(client, url, plaintext, **params):
    """Every row of an endpoint, following `next` (small pages, so cursors are walked)."""
    rows, address = [], url
    params = {"page_size": 10, **params}
    while address:
        response = client.get(address, params, headers=bearer(plaintext))
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        address, params = body["next"], {}
    return rows
