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


def count_cold_and_warm(client, url):
    """Queries of the first view after a write (cached aggregates computed) and the next."""
    from childcop import aggregates

    # the list of communities, and every area of "Needs you": all of it is asked again
    aggregates.invalidate("program", *aggregates.NEEDS_NAMES)
    return count(client, url), count(client, url)


# session + user (2), then: count, page of communities, coordinators prefetch
COMMUNITY_LIST = 5
# session + user, the community, viewer's membership (visibility), count, page of members,
# roles prefetch
MEMBER_DIRECTORY = 7
# session + user, count, page of people (whom the viewer may see: subqueries of both)
PEOPLE = 4
# session + user, the generations of the program figures and of "Needs you" (one query: both
# are cached until a write changes them: childcop.aggregates), my memberships, am I a sponsor
HOME_MEMBER = 5
# a newcomer's (the member here joined today): what their newcomer's items show — the next
# session, the coordinator, whether they introduced themselves —, for their new memberships
NEWCOMER = 1
# computing a member's "Needs you" (the first view after a write that changes what waits for
# people; childcop.needs, scoped by the ids of my communities): help requests, voting rounds
# with votes left, stories, practice-group reports to respond to; launch plans I lead or
# act in
MEMBER_NEEDS = 4 + 1
# the first view of "Needs you" for a person: the generations of its areas kept per
# community, in their communities (childcop.aggregates.NEEDS_EACH_COMMUNITY), are created
# (one insert, then read again: later views read them with the others, in one query)
NEEDS_FIRST_USE = 2
# computing the cached figures (the first view): the list of communities, each one's
# generation, their parts (members, coordinator, stage, name…: one grouped query; the home
# page's figures are assembled from them), the number of people
PROGRAM_FIGURES = 4
# after a write in one community (someone joins): each community's generation, that
# community's part
PROGRAM_FIGURES_AFTER_A_JOIN = 2
# session + user, the community, viewer's membership (visibility), the community's summary
# generation (what does not depend on the viewer is cached: communities.summary), next
# sessions, own trajectory, latest value-creation stories visible to the viewer ("Value
# created", value_stories), does a launch plan exist (the "Launch" pill, launch playbook)
COMMUNITY_PAGE = 9
# computing the summary (the first view after a write to the community's data): members by
# level, coordinators, leaders and their roles, newest members, objectives, stage history,
# heartbeat sessions, heartbeat activities, movements, recent activities with attendance
COMMUNITY_SUMMARY = 10


@pytest.mark.parametrize("size", [5, 60])
def test_community_list(clients, users, size):
    grow_communities(size, users["member"])
    for role in ("member", "admin"):
        assert count(clients[role], reverse("communities:list")) == COMMUNITY_LIST
    assert (
        count(clients["member"], reverse("communities:list"), q="Community", sort="-members")
        == COMMUNITY_LIST
    )


@pytest.mark.parametrize("size", [5, 60])
def test_member_directory(clients, community, size):
    grow_members(community, size)
    url = reverse("communities:members", args=[community.slug])
    assert count(clients["member"], url) == MEMBER_DIRECTORY
    assert count(clients["member"], url, role="social_reporter", sort="name") == MEMBER_DIRECTORY


@pytest.mark.parametrize("size", [5, 60])
def test_people_directory(clients, community, size):
    UserFactory.create_batch(size)
    # people the member sees (they share the community) among people they do not: which
    # people one sees is part of the page's query, not one more query
    grow_members(community, size)
    for role in ("member", "outsider", "admin"):
        assert count(clients[role], reverse("people:list")) == PEOPLE, role


@pytest.mark.parametrize("size", [5, 60])
def test_home_and_community_page(clients, users, community, size):
    grow_communities(size // 5, users["member"])
    grow_members(community, size)
    assert count_cold_and_warm(clients["member"], "/") == (
        HOME_MEMBER + NEWCOMER + PROGRAM_FIGURES + MEMBER_NEEDS + NEEDS_FIRST_USE,
        HOME_MEMBER + NEWCOMER,
    )
    url = community.get_absolute_url()
    assert count(clients["member"], url) == COMMUNITY_PAGE + COMMUNITY_SUMMARY
    assert count(clients["member"], url) == COMMUNITY_PAGE


@pytest.mark.parametrize("size", [5, 60])
def test_admin_home(clients, users, size):
    grow_communities(size // 5, users["member"])
    # session + user, the generations of the program figures and of "Needs you" (both
    # cached), my memberships, am I a sponsor (the recent stage changes are kept as drawn
    # until one is written: asked when first drawn)
    home = 5
    stage_changes = 1
    # computing "Needs you" for the social learning team: flags counted by flag (one
    # aggregate), support requests, stalled launches, appointments ending, reviews overdue
    # (one aggregate), last month's program report; launch plans I lead or act in;
    # commitments I own
    needs = 6 + 1 + 1
    assert count_cold_and_warm(clients["admin"], "/") == (
        home + stage_changes + PROGRAM_FIGURES + needs + NEEDS_FIRST_USE,
        home,
    )
    from communities.models import Community

    MembershipFactory(community=Community.objects.get(slug="community-000"), user=users["outsider"])
    # the team's "Needs you" reads no membership but their own: kept
    assert count(clients["admin"], "/") == home + PROGRAM_FIGURES_AFTER_A_JOIN


# --- learning agenda and practice groups ---------------------------------------------------


def grow_agenda(community, n, voter):
    from communities.factories import AgendaItemFactory
    from communities.models import Vote, VotingRound

    voting = VotingRound.objects.create(community=community)
    items = AgendaItemFactory.create_batch(n, community=community, raised_by=voter)
    Vote.objects.bulk_create(Vote(round=voting, item=i, voter=voter) for i in items)


def grow_groups(community, n, member):
    from practice_groups.factories import (
        GroupMembershipFactory,
        PracticeGroupFactory,
        ProgressReportFactory,
    )

    for _ in range(n):
        group = PracticeGroupFactory(community=community)
        GroupMembershipFactory(group=group, user=member)
        ProgressReportFactory(group=group)


# session + user, the community, viewer's membership (visibility), the latest round,
# count, page of items (votes of the latest round annotated, raised_by joined)
AGENDA = 7
# session + user, the community, viewer's membership (visibility; "may they propose" reuses
# it), count, page of groups (member and report counts annotated, proposer joined)
PRACTICE_GROUPS = 6


@pytest.mark.parametrize("size", [5, 60])
def test_agenda_page(clients, users, community, size):
    grow_agenda(community, size, users["member"])
    url = reverse("communities:agenda", args=[community.slug])
    for role in ("member", "coordinator"):
        assert count(clients[role], url) == AGENDA
    assert count(clients["member"], url, status="raised", q="a") == AGENDA


@pytest.mark.parametrize("size", [5, 60])
def test_practice_group_list(clients, users, community, size):
    grow_groups(community, size, users["member"])
    url = reverse("practice_groups:list", args=[community.slug])
    assert count(clients["member"], url) == PRACTICE_GROUPS
    assert count(clients["member"], url, status="active", sort="-members") == PRACTICE_GROUPS


# --- help requests and shared memory ------------------------------------------------------
# session + user, the community, viewer's membership (role), count, page of requests (with
# asker, agenda item and answer count joined in)
HELP_REQUESTS = 6
# session + user, the community, viewer's membership (role), count, page of entries (with
# author, activity, help request and practice group joined in)
SHARED_MEMORY = 6


def grow_loops(community, n):
    from communities.factories import (
        ActivityFactory,
        AgendaItemFactory,
        AnswerFactory,
        HelpRequestFactory,
        SharedMemoryEntryFactory,
    )

    item = AgendaItemFactory(community=community)
    activity = ActivityFactory(community=community)
    for i in range(n):
        request = HelpRequestFactory(community=community, agenda_item=item, title=f"Clause {i}")
        AnswerFactory(request=request)
        SharedMemoryEntryFactory(
            community=community, help_request=request, activity=activity, title=f"Clause {i}"
        )


@pytest.mark.parametrize("size", [5, 60])
def test_help_requests_and_shared_memory(clients, users, community, size):
    grow_loops(community, size)
    help_list = reverse("communities:help_list", args=[community.slug])
    memory_list = reverse("communities:memory_list", args=[community.slug])
    assert count(clients["member"], help_list) == HELP_REQUESTS
    assert count(clients["member"], help_list, q="clause", status="open") == HELP_REQUESTS
    assert count(clients["member"], memory_list) == SHARED_MEMORY
    assert count(clients["member"], memory_list, q="clause", kind="faq") == SHARED_MEMORY


# --- launch playbook ------------------------------------------------------------------------
# session + user, count, page of plans (community and lead joined; conversations, accepted
# leaders and open/all action items counted by subqueries in the same query)
LAUNCHES = 4


def grow_launches(n):
    from datetime import timedelta

    from django.utils import timezone

    from communities.models import ActionItem, Conversation, LaunchPlan, LeaderCandidate

    for i in range(n):
        community = CommunityFactory(name=f"Launching {i:03d}", slug=f"launching-{i:03d}")
        lead = UserFactory()
        plan = LaunchPlan.objects.create(community=community, lead=lead)
        Conversation.objects.create(plan=plan, name="Pat", challenges="Lost feedback.")
        LeaderCandidate.objects.create(plan=plan, person=lead, status="accepted")
        ActionItem.objects.create(plan=plan, title="Invite", owner=lead, due_on="2031-01-01")
    LaunchPlan.objects.update(updated_at=timezone.now() - timedelta(days=30))  # all stalled


@pytest.mark.parametrize("size", [5, 60])
def test_launches_list(clients, size):
    grow_launches(size)
    url = reverse("program:launches")
    assert count(clients["admin"], url) == LAUNCHES
    assert count(clients["admin"], url, stalled="1", status="all", kind="launch") == LAUNCHES
