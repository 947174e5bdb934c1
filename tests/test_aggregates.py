"""Cached program-wide aggregates (childcop.aggregates): computed once per generation, and
a new generation with every write under them, in the writer's transaction."""

import pytest
from django.core.cache import cache
from django.db import transaction

from childcop import aggregates, parts
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
    (drafts autosave every few seconds; every person's list would be computed again). Only
    the stories' area of it: the other items are kept."""
    from value_stories.choices import Status
    from value_stories.factories import ValueStoryFactory
    from value_stories.models import ValueStory

    stories = aggregates.needs_name("stories")
    before = aggregates.token(stories)
    story = ValueStoryFactory(community=community, status=Status.DRAFT, title="First")
    created = aggregates.token(stories)
    assert created != before

    story = ValueStory.objects.get(pk=story.pk)
    story.experience = "More of what happened."
    story.save()
    assert aggregates.token(stories) == created

    story.title = "A better title"
    story.save()
    retitled = aggregates.token(stories)
    assert retitled != created

    everything = aggregates.token(aggregates.NEEDS)
    story.status = Status.SUBMITTED
    story.save()
    assert aggregates.token(stories) != retitled
    assert aggregates.token(aggregates.NEEDS) == everything


class Sizes:
    """A value assembled from a part per community: the number of members of each (a toy
    `cached_parts` combination that counts what it computes)."""

    def __init__(self):
        self.computed = []

    def compute(self, variant, ids):
        from communities.models import Membership

        self.computed.extend(ids)
        counts = dict.fromkeys(ids, 0)
        for pk in Membership.objects.filter(community_id__in=ids).values_list(
            "community_id", flat=True
        ):
            counts[pk] += 1
        return {pk: (pk, n) for pk, n in counts.items()}

    def start(self):
        return {}

    def add(self, total, part, sign):
        pk, n = part
        total[pk] = total.get(pk, 0) + sign * n

    def finish(self, total):
        return dict(sorted(total.items()))


def test_a_value_of_parts_computes_only_the_part_a_write_changed():
    communities = [CommunityFactory() for _ in range(4)]
    for place in communities:
        MembershipFactory(community=place)
    variants = {c.pk: "members" for c in communities}
    sizes = Sizes()
    assert parts.cached_parts("sizes", variants, sizes) == {c.pk: 1 for c in communities}
    assert sorted(sizes.computed) == sorted(variants)
    sizes.computed.clear()
    assert parts.cached_parts("sizes", variants, sizes) == {c.pk: 1 for c in communities}
    assert sizes.computed == []  # nothing written: the value itself
    MembershipFactory(community=communities[2])
    value = parts.cached_parts("sizes", variants, sizes)
    assert value[communities[2].pk] == 2 and sizes.computed == [communities[2].pk]
    # another viewer wanting the same parts of fewer communities: the parts are shared
    sizes.computed.clear()
    fewer = {c.pk: "members" for c in communities[:2]}
    assert parts.cached_parts("sizes", fewer, sizes) == {c.pk: 1 for c in communities[:2]}
    assert sizes.computed == []


def test_a_value_of_parts_is_made_again_when_the_cache_lost_an_old_part():
    communities = [CommunityFactory() for _ in range(3)]
    variants = {c.pk: "members" for c in communities}
    sizes = Sizes()
    parts.cached_parts("sizes", variants, sizes)
    old_generation = aggregates.token(f"community:{communities[0].pk}")
    MembershipFactory(community=communities[0])
    # the old part, whose count the sum holds, is gone: taking it away is impossible
    cache.delete(f"{aggregates.PREFIX}:sizes:members:{communities[0].pk}:{old_generation}")
    sizes.computed.clear()
    value = parts.cached_parts("sizes", variants, sizes)
    assert value == {communities[0].pk: 1, communities[1].pk: 0, communities[2].pk: 0}
    # the others' parts came from the cache: the sum was made again, not recomputed
    assert sizes.computed == [communities[0].pk]


def test_the_tokens_of_many_names_are_read_at_once():
    """A value of a part per community reads every community's token: one query, with the
    names as one array on PostgreSQL; the same tokens as read one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = [f"community:{pk}" for pk in range(1, 60)]
    aggregates.invalidate(*names[:30])
    one_by_one = {name: aggregates.token(name) for name in names}
    with CaptureQueriesContext(connection) as queries:
        assert aggregates.tokens(names) == one_by_one
    assert len(queries) == 1


def test_a_row_moved_to_another_community_changes_both(clients, users):
    """The admin site lets a membership or an approved story be moved to another
    community: the figures of the one it left change too."""
    from communities.models import Membership
    from value_stories import services
    from value_stories.choices import Status
    from value_stories.factories import ValueStoryFactory

    first, second = CommunityFactory(name="First"), CommunityFactory(name="Second")
    moved = MembershipFactory(community=first)
    story = ValueStoryFactory(community=first, status=Status.APPROVED)
    admin = clients["admin"]

    def figures():
        home = admin.get("/").context["program"]
        matrix = admin.get("/stories/matrix/").context["matrix"]
        return home["memberships"], [
            (row["community__name"], row["total"])
            for row in map(services.row, matrix["communities"])
        ]

    memberships, rows = figures()
    assert rows == [("First", 1)]
    membership = Membership.objects.get(pk=moved.pk)
    membership.community = second
    membership.save()
    assert figures() == (memberships, [("First", 1)])
    story.community = second
    story.save()
    assert figures() == (memberships, [("Second", 1)])
    assert Membership.objects.count() == memberships


def test_a_sum_of_parts_is_made_again_when_its_old_part_is_not_the_one_it_holds():
    """Two processes computed a community's part at once, from data on either side of a
    write, and the cache kept the other's: taking it away would leave the sum wrong, so
    the sum is made again."""
    communities = [CommunityFactory() for _ in range(3)]
    variants = {c.pk: "members" for c in communities}
    sizes = Sizes()
    for place in communities:
        MembershipFactory(community=place)
    parts.cached_parts("sizes", variants, sizes)
    target = communities[0].pk
    generation = aggregates.token(f"community:{target}")
    # the racing process's part, kept under the same generation: one member more
    cache.set(f"{aggregates.PREFIX}:sizes:members:{target}:{generation}", (target, 2))
    MembershipFactory(community=communities[0])  # a write: the part is taken away and added
    value = parts.cached_parts("sizes", variants, sizes)
    assert value == {target: 2, communities[1].pk: 1, communities[2].pk: 1}
