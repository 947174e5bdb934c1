"""Cached program-wide aggregates (childcop.aggregates): computed once per generation, and
a new generation with every write under them, in the writer's transaction."""

import pytest
from django.core.cache import cache
from django.db import transaction

from childcop import aggregates
from childcop.accounts.factories import UserFactory
from childcop.models import AggregateGeneration
from communities.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def program(client):
    return client.get("/").context["program"]


def test_a_value_is_computed_once_per_generation():
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert aggregates.cached("program", "test", compute) == {"n": 1}
    assert aggregates.cached("program", "test", compute) == {"n": 1}
    aggregates.invalidate("program")
    assert aggregates.cached("program", "test", compute) == {"n": 2}
    assert len(calls) == 2


def test_tokens_live_in_the_database_so_every_process_sees_a_write():
    """A process holding values in its own memory finds them stale after another process's
    write: the token it reads from the database has changed."""
    old = aggregates.token("program")
    aggregates.cached("program", "test", lambda: "old")
    AggregateGeneration.objects.filter(pk="program").update(token="written-elsewhere")
    assert aggregates.token("program") == "written-elsewhere"
    assert aggregates.cached("program", "test", lambda: "new") == "new"
    assert old != "written-elsewhere"


def test_a_rolled_back_write_keeps_the_generation():
    aggregates.cached("program", "test", lambda: "kept")
    before = aggregates.token("program")
    with pytest.raises(RuntimeError), transaction.atomic():
        CommunityFactory()
        assert aggregates.token("program") != before  # inside the writer's transaction
        raise RuntimeError
    assert aggregates.token("program") == before
    assert aggregates.cached("program", "test", lambda: "recomputed") == "kept"


def test_the_admin_home_figures_follow_every_write(clients, users, community):
    first = program(clients["admin"])
    communities, people, memberships = first["communities"], first["people"], first["memberships"]
    other = CommunityFactory(name="Brand new", slug="brand-new", stage="maturing")
    assert program(clients["admin"])["communities"] == communities + 1
    assert (
        program(clients["admin"])["without_coordinator_count"]
        == first["without_coordinator_count"] + 1
    )
    MembershipFactory(community=other, user=users["member"], is_coordinator=True)
    now = program(clients["admin"])
    assert now["memberships"] == memberships + 1
    assert now["without_coordinator_count"] == first["without_coordinator_count"]
    UserFactory()
    assert program(clients["admin"])["people"] == people + 1
    users["outsider"].is_active = False
    users["outsider"].save()
    assert program(clients["admin"])["people"] == people
    other.delete()
    assert program(clients["admin"])["communities"] == communities


def test_signing_in_changes_no_aggregate(client, users):
    user = users["member"]
    user.set_password("a-long-password-here")
    user.save()
    token = aggregates.token("program")
    assert client.login(email=user.email, password="a-long-password-here")
    assert aggregates.token("program") == token


def test_suggestions_and_member_counts_follow_memberships(clients, users, community):
    cache.clear()
    bigger = CommunityFactory(name="Bigger", slug="bigger", stage="maturing", is_open=True)
    MembershipFactory.create_batch(3, community=bigger)
    home = clients["outsider"].get("/").context
    assert [s["name"] for s in home["suggestions"]][:1] == ["Bigger"]
    assert home["suggestions"][0]["member_count"] == 3
    MembershipFactory(community=bigger, user=users["outsider"])
    home = clients["outsider"].get("/").context
    assert "Bigger" not in [s["name"] for s in home["suggestions"]]
    mine = {m.community.name: m.member_count for m in home["memberships"]}
    assert mine["Bigger"] == 4


def test_a_draft_autosaved_unchanged_starts_no_needs_generation(community):
    """ "Needs you" lists my drafts and the stories to review by title: a new story, a new
    title or a new status start a new generation of it; an autosave of the rest does not
    (drafts autosave every few seconds; every person's list would be computed again)."""
    from value_stories.choices import Status
    from value_stories.factories import ValueStoryFactory
    from value_stories.models import ValueStory

    before = aggregates.token(aggregates.NEEDS)
    story = ValueStoryFactory(community=community, status=Status.DRAFT, title="First")
    created = aggregates.token(aggregates.NEEDS)
    assert created != before

    story = ValueStory.objects.get(pk=story.pk)
    story.experience = "More of what happened."
    story.save()
    assert aggregates.token(aggregates.NEEDS) == created

    story.title = "A better title"
    story.save()
    retitled = aggregates.token(aggregates.NEEDS)
    assert retitled != created

    story.status = Status.SUBMITTED
    story.save()
    assert aggregates.token(aggregates.NEEDS) != retitled
