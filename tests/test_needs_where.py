""" "Needs you" items of a person's own communities are kept per community: a write in a
community they are not in leaves them kept; a write in one of theirs, or one that does not
say where (an update in bulk), has them asked again (childcop.aggregates.
NEEDS_EACH_COMMUNITY, `reads(…, mine=True)`).

The writes here are made outside any request, so nothing computes them again before the
view (childcop.warming): each view's queries say what was asked again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childcop import aggregates
from communities.factories import (
    AnswerFactory,
    CommunityFactory,
    HelpRequestFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def home(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def asked_for_help_requests(queries):
    """The queries of the help requests' items (childcop.needs.members.help_requests)."""
    return [q for q in queries if q.startswith('SELECT "communities_helprequest"."id"')]


@pytest.fixture
def elsewhere(db):
    """A community the member is not in, with a member of its own."""
    community = CommunityFactory(name="Elsewhere")
    community.someone = MembershipFactory(community=community).user
    return community


@pytest.fixture
def kept(clients, users, community, elsewhere):
    """The member's home page with everything it keeps cached."""
    home(clients["member"])
    _, queries = home(clients["member"])
    assert not asked_for_help_requests(queries)
    return len(queries)


def test_a_help_request_elsewhere_leaves_my_items_kept(clients, users, elsewhere, kept):
    HelpRequestFactory(community=elsewhere, asker=elsewhere.someone)
    _, queries = home(clients["member"])
    assert not asked_for_help_requests(queries)
    assert len(queries) == kept


def test_an_answer_elsewhere_leaves_my_items_kept(clients, users, elsewhere):
    request = HelpRequestFactory(community=elsewhere, asker=elsewhere.someone)
    home(clients["member"])
    AnswerFactory(request=request, author=elsewhere.someone)  # its community: its request's
    _, queries = home(clients["member"])
    assert not asked_for_help_requests(queries)


def test_an_answer_to_my_help_request_is_in_my_items(clients, users, community, kept):
    mine = HelpRequestFactory(community=community, asker=users["member"], title="Clause bank")
    home(clients["member"])
    AnswerFactory(request=mine)
    response, queries = home(clients["member"])
    assert asked_for_help_requests(queries)
    assert "Clause bank" in response.content.decode()
    assert "Mark the one that helped" in response.content.decode()


def test_a_help_request_in_my_community_asks_again(clients, users, community, kept):
    HelpRequestFactory(community=community)
    _, queries = home(clients["member"])
    assert asked_for_help_requests(queries)


def test_a_write_that_does_not_say_where_asks_again(clients, users, kept):
    aggregates.invalidate_needs("help")  # e.g. an update in bulk
    _, queries = home(clients["member"])
    assert asked_for_help_requests(queries)


def test_every_model_of_an_area_kept_per_community_says_where():
    for area in aggregates.NEEDS_EACH_COMMUNITY:
        for label in aggregates.NEEDS_AREAS[area]:
            assert label in aggregates.COMMUNITY_SCOPED or label in aggregates.NEEDS_WHERE


def test_a_round_moved_to_another_community_leaves_its_old_members_items(
    clients, users, community, elsewhere
):
    """The admin site lets a voting round (a help request, an agenda item) be moved: the
    community it leaves asks again too."""
    from communities.models import VotingRound

    voting = VotingRound.objects.create(community=community, title="Pick the next challenge")
    assert "Pick the next challenge" in home(clients["member"])[0].content.decode()
    voting.community = elsewhere
    voting.save()
    assert "Pick the next challenge" not in home(clients["member"])[0].content.decode()


def test_a_story_moved_to_another_community_leaves_its_old_coordinators_items(
    clients, users, community, elsewhere
):
    from value_stories.choices import Status
    from value_stories.factories import ValueStoryFactory

    story = ValueStoryFactory(
        community=community, author=users["member"], title="Clause bank",
        status=Status.SUBMITTED,
    )  # fmt: skip
    assert "Clause bank" in home(clients["coordinator"])[0].content.decode()
    story.community = elsewhere  # the admin site; status and title unchanged
    story.save()
    assert "Clause bank" not in home(clients["coordinator"])[0].content.decode()
