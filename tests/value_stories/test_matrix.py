"""The value matrix: database aggregation, constant queries at 10 and 5,000 stories."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.factories import ActivityFactory, CommunityFactory
from value_stories import services
from value_stories.choices import Cycle, Narrative, Status, Visibility, cycle_field
from value_stories.factories import StoryIndicatorFactory
from value_stories.models import StoryIndicator, ValueStory

pytestmark = pytest.mark.django_db


def grow_stories(n, community, author, activities):
    rng = random.Random(n)
    stories = ValueStory.objects.bulk_create(
        ValueStory(
            community=community, author=author, title=f"Story {i}",
            activity=activities[i % len(activities)] if i % 3 else None,
            happened_on=date(2025, 1, 1) + timedelta(days=i % 300),
            narrative=Narrative.GROUND if i % 4 else Narrative.ASPIRATIONAL,
            visibility=list(Visibility)[i % 3],
            status=Status.APPROVED if i % 5 else Status.SUBMITTED,
            **{cycle_field(c): rng.random() < 0.5 for c in Cycle},
        )
        for i in range(n)
    )  # fmt: skip
    StoryIndicator.objects.bulk_create(
        StoryIndicator(story=s, name=f"Indicator {i % 7}", unit="h", before=10, after=i % 20)
        for i, s in enumerate(stories)
        if i % 2
    )


def count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx), response


# The program's matrix as first shown (no filter) is assembled from a part per community
# (childcop.parts.cached_parts): session + user, the generations (one query) of what
# the viewer may read of each community (cached) and of every community (the assembled
# matrix: cached), and but for the team, whether one of their own stories is elsewhere.
PROGRAM_MATRIX = {"member": 4, "sponsor": 4, "admin": 3}
# computing everything (a first view): what the viewer may read of each community (the
# team: every community; others: those open to all, those they sponsor, their
# memberships), the filter's communities (community dropdown), each community's generation,
# then per audience of the communities with stories, their parts: their stories' counts,
# their indicators' sums
PROGRAM_MATRIX_FIRST = {"admin": 3 + 2 + 1 + 2, "member": 4 + 4, "sponsor": 4 + 4 + 1 + 2}
# (here the only community is the member's: they read every story of it, as the team does,
# so the matrix the team's view assembled is theirs too; the sponsor reads those opened to
# sponsors: a part and a matrix of their own)
# after an approved story is edited in one community: each community's generation, and that
# community's part (two queries) for its first viewer of each audience
PROGRAM_MATRIX_AFTER_A_STORY = {"admin": 3 + 1 + 2, "member": 4, "sponsor": 4 + 1 + 2}
# a filtered matrix is computed live: session + user, the filter's communities, counts per
# community, indicators summary
FILTERED_MATRIX = 5
# session + user, the community, membership (visibility), totals, indicators
COMMUNITY_MATRIX = 6
# session + user, count, page of stories, the filter's communities, stories to review
STORY_LIST = 7  # with the communities to start a story in


@pytest.mark.parametrize("size", [10, 5000])
def test_queries_are_constant(clients, users, community, size):
    activities = [ActivityFactory(community=community, activity_type=t) for t in
                  ("exchanges", "visits", "shared_memory")]  # fmt: skip
    grow_stories(size, community, users["core"], activities)
    matrix_url = reverse("value_stories:matrix")
    for role in ("admin", "member", "sponsor"):
        n, response = count(clients[role], matrix_url)
        assert n == PROGRAM_MATRIX_FIRST[role], role
        n, response = count(clients[role], matrix_url)
        assert n == PROGRAM_MATRIX[role], role
    story = ValueStory.objects.filter(community=community, status=Status.APPROVED).first()
    story.title = "An approved story, edited"
    story.save()
    for role in ("admin", "member", "sponsor"):
        n, response = count(clients[role], matrix_url)
        assert n == PROGRAM_MATRIX_AFTER_A_STORY[role], role
    n, response = count(clients["member"], matrix_url, narrative="ground")
    assert n == FILTERED_MATRIX
    n, response = count(
        clients["member"], matrix_url, community=community.pk, cycle="realized",
        activity_type="visits", narrative="ground", date_from="2025-02-01", date_to="2025-09-30",
    )  # fmt: skip
    assert n == FILTERED_MATRIX + 1  # + the chosen community, looked up to validate the filter
    n, _ = count(
        clients["sponsor"], reverse("value_stories:community_matrix", args=[community.slug])
    )
    assert n == COMMUNITY_MATRIX
    n, _ = count(clients["member"], reverse("value_stories:list"), q="Story", sort="-date")
    assert n == STORY_LIST


def test_counts_chain_and_indicators(clients, users, community):
    a = ActivityFactory(community=community, activity_type="visits")
    b = ActivityFactory(community=community, activity_type="exchanges")

    def story(activity=None, cycles=(), **kw):
        return ValueStory.objects.create(
            community=community, author=users["member"], title="s", activity=activity,
            status=kw.pop("status", Status.APPROVED), visibility=Visibility.SPONSORS,
            **{cycle_field(c): True for c in cycles}, **kw,
        )  # fmt: skip

    full = story(a, ["immediate", "potential", "applied", "realized"])
    story(a, ["potential", "applied"])
    story(b, ["potential"], narrative=Narrative.ASPIRATIONAL)
    story(None, ["potential", "applied", "realized", "reframing"])  # not linked to an activity
    story(a, ["realized"])  # realized, but not through potential and applied
    story(a, ["potential", "applied", "realized"], status=Status.SUBMITTED)  # not approved
    StoryIndicatorFactory(story=full, name="Rework", unit="%", before=20, after=10)
    StoryIndicatorFactory(
        story=story(b, ["realized"]), name="Rework", unit="%", before=30, after=20
    )
    matrix = clients["admin"].get(reverse("value_stories:matrix")).context["matrix"]
    by_cycle = {c["cycle"].value: c["n"] for c in matrix["cycles"]}
    assert matrix["total"] == 6 and matrix["ground"] == 5 and matrix["aspirational"] == 1
    assert by_cycle["potential"] == 4 and by_cycle["realized"] == 4 and by_cycle["reframing"] == 1
    assert [c["n"] for c in matrix["chain"]] == [5, 3, 2, 1]
    rework = matrix["indicators"][0]
    assert (rework["name"], rework["n"], rework["avg_before"], rework["avg_after"]) == (
        "Rework",
        2,
        25,
        15,
    )
    assert rework["avg_change"] == -10
    assert services.row(matrix["communities"][0])["total"] == 6
    # filters: activity type, cycle, narrative, community, dates
    url = reverse("value_stories:matrix")
    assert clients["admin"].get(url, {"activity_type": "visits"}).context["matrix"]["total"] == 3
    assert clients["admin"].get(url, {"cycle": "applied"}).context["matrix"]["total"] == 3
    assert clients["admin"].get(url, {"narrative": "aspirational"}).context["matrix"]["total"] == 1
    other = CommunityFactory()
    assert clients["admin"].get(url, {"community": other.pk}).context["matrix"]["total"] == 0
    assert clients["admin"].get(url, {"date_to": "2000-01-01"}).context["matrix"]["total"] == 0
    # the chart is SVG with the numbers in tables beside it
    html = clients["admin"].get(url).content.decode()
    assert "<svg" in html and "Chain of attribution" in html and "<table" in html
    # htmx asks for the partial only
    partial = clients["admin"].get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<svg" in partial and "<nav" not in partial


def test_list_filters_and_htmx_partial(clients, users, community, make_story):
    make_story(title="Mine and drafted")
    make_story(title="Core's approved", author=users["core"], status=Status.APPROVED)
    url = reverse("value_stories:list")
    mine = clients["member"].get(url, {"author": "me"}).content.decode()
    assert "Mine and drafted" in mine and "Core&#x27;s approved" not in mine
    approved = clients["member"].get(url, {"status": "approved"}, HTTP_HX_REQUEST="true")
    html = approved.content.decode()
    assert "Core&#x27;s approved" in html and "Mine and drafted" not in html and "<nav" not in html


@pytest.mark.parametrize("size", [10, 500])
def test_community_page_has_one_query_for_its_stories(clients, users, community, size):
    """The "Value created" section adds one query, whatever the number of stories."""
    grow_stories(size, community, users["core"], [ActivityFactory(community=community)])
    # pinned per role (what differs: the member's trajectory, the sponsor check); the
    # community page's own baseline is pinned in tests/test_query_counts.py
    counts = {}
    clients["admin"].get(community.get_absolute_url())  # computes the cached summary
    for role in ("member", "sponsor", "admin"):
        counts[role], response = count(clients[role], community.get_absolute_url())
        assert "Value created" in response.content.decode()
    # (each includes one query for the "Launch" pill: does a plan exist / does the viewer
    # lead one; the member's trajectory; the sponsor: are they a sponsor of it)
    assert counts == {"member": 9, "sponsor": 9, "admin": 8}


def matrix_of(client, **params):
    return client.get(reverse("value_stories:matrix"), params).context["matrix"]


def test_the_cached_matrix_follows_every_change_under_it(clients, users, community):
    """The program's matrix is cached per viewer (childcop.aggregates); every write that
    changes what it counts, or what the viewer may read, shows on the next view."""
    from communities.factories import MembershipFactory
    from sponsorship.factories import SponsorAppointmentFactory
    from value_stories.factories import ValueStoryFactory

    closed_shop = CommunityFactory(name="Members only", slug="members-only", is_open=False)
    story = ValueStoryFactory(
        community=closed_shop, author=users["core"], status=Status.SUBMITTED,
        visibility=Visibility.SPONSORS, claims_realized=True,
    )  # fmt: skip
    assert matrix_of(clients["admin"])["total"] == 0
    assert matrix_of(clients["admin"])["total"] == 0  # cached
    story.status = Status.APPROVED  # approving
    story.save()
    assert matrix_of(clients["admin"])["total"] == 1
    # an indicator of an approved story
    StoryIndicatorFactory(story=story, name="Rework", unit="%", before=20, after=10)
    assert matrix_of(clients["admin"])["indicators"][0]["name"] == "Rework"
    # who may read it: a member of the community, a sponsor of it
    assert matrix_of(clients["outsider"])["total"] == 0
    MembershipFactory(community=closed_shop, user=users["outsider"])
    assert matrix_of(clients["outsider"])["total"] == 1
    assert matrix_of(clients["sponsor"])["total"] == 0
    appointment = SponsorAppointmentFactory(person=users["sponsor"], communities=[])
    assert matrix_of(clients["sponsor"])["total"] == 0
    appointment.communities.add(closed_shop)
    assert matrix_of(clients["sponsor"])["total"] == 1
    appointment.communities.remove(closed_shop)
    assert matrix_of(clients["sponsor"])["total"] == 0
    # a community opening up: its program-wide stories reach everyone
    ValueStoryFactory(
        community=closed_shop, author=users["core"], status=Status.APPROVED,
        visibility=Visibility.PROGRAM,
    )  # fmt: skip
    assert matrix_of(clients["member"])["total"] == 0
    closed_shop.is_open = True
    closed_shop.stage = "maturing"
    closed_shop.save()
    assert matrix_of(clients["member"])["total"] == 2  # program- and sponsor-wide stories
    # a draft saved again and again (autosave) changes nothing and keeps the cache
    from childcop.models import AggregateGeneration

    draft = ValueStoryFactory(community=community, author=users["member"], status=Status.DRAFT)
    before = AggregateGeneration.objects.get(pk="stories").token
    draft.title = "Still writing"
    draft.save()
    assert AggregateGeneration.objects.get(pk="stories").token == before
    # withdrawing an approved story
    story.status = Status.WITHDRAWN
    story.save()
    assert matrix_of(clients["admin"])["total"] == 1


def filter_form(response):
    html = response.content.decode()
    start = html.index('<form method="get"')
    return html[start : html.index("</form>", start)]


def drew_the_form(response):
    return "includes/filter_form.html" in [t.name for t in response.templates]


def test_the_program_matrix_draws_its_filter_form_once_per_computation(clients, community):
    """The form lists every community the viewer may read: drawn with the matrix it goes
    with, kept while the matrix is, drawn again when the matrix is computed again."""
    url = reverse("value_stories:matrix")
    first = clients["admin"].get(url)
    assert drew_the_form(first)
    assert f'<option value="{community.pk}">{community.name}</option>' in filter_form(first)
    again = clients["admin"].get(url, {"page": 1})
    assert not drew_the_form(again) and filter_form(again) == filter_form(first)
    # a filter given, even empty, draws the form as asked (the matrix itself is the cached one)
    empty = clients["admin"].get(url, {"date_from": ""})
    assert drew_the_form(empty) and 'name="date_from" value=""' in filter_form(empty)
    chosen = clients["admin"].get(url, {"community": community.pk})
    assert f'<option value="{community.pk}" selected>' in filter_form(chosen)
    # each viewer their own communities
    member = clients["member"].get(url)
    assert drew_the_form(member)
    CommunityFactory(name="Brand <new> & open", slug="brand-new")
    fresh = clients["admin"].get(url)
    assert drew_the_form(fresh) and "Brand &lt;new&gt; &amp; open" in filter_form(fresh)
    assert not drew_the_form(clients["admin"].get(url))


def test_the_per_community_table_comes_a_page_at_a_time(clients, users):
    from value_stories.factories import ValueStoryFactory

    for i in range(30):
        c = CommunityFactory(name=f"Community {i:02d}", slug=f"community-{i:02d}")
        ValueStoryFactory(community=c, author=users["core"], status=Status.APPROVED)
    url = reverse("value_stories:matrix")
    first = clients["admin"].get(url)
    assert (
        first.context["matrix"]["total"] == 30 and len(first.context["matrix"]["communities"]) == 30
    )
    assert len(first.context["rows"].object_list) == 25
    second = clients["admin"].get(url, {"page": 2}).content.decode()
    row = '<a href="/stories/community/community-{}/matrix/">'
    assert row.format(29) in second and row.format("00") not in second
    assert "Page 2 of 2" in second


def test_the_assembled_matrix_is_the_matrix_of_what_each_viewer_may_read(clients, users):
    """The program's matrix assembled from per-community parts equals the matrix computed
    whole over the stories each viewer may read (open, members-only and sponsored
    communities; every visibility; indicators with values missing), and stays equal after
    a story is approved, a person joins and an indicator changes."""
    from communities.factories import MembershipFactory
    from sponsorship.factories import SponsorAppointmentFactory

    open_one = CommunityFactory(name="Open", is_open=True)
    closed_one = CommunityFactory(name="Members only", is_open=False)
    sponsored = CommunityFactory(name="Sponsored", is_open=True)
    SponsorAppointmentFactory(person=users["sponsor"], communities=[sponsored, closed_one])
    MembershipFactory(community=closed_one, user=users["member"])
    for place in (open_one, closed_one, sponsored):
        activity = ActivityFactory(community=place)
        grow_stories(23, place, users["core"], [activity])
    StoryIndicator.objects.filter(pk__in=StoryIndicator.objects.values("pk")[:5]).update(
        before=None
    )
    # the outsider wrote a story in a members-only community (they have since left)
    ValueStory.objects.create(
        community=closed_one, author=users["outsider"], title="Mine", status=Status.APPROVED,
        visibility=Visibility.COMMUNITY,
    )  # fmt: skip
    url = reverse("value_stories:matrix")

    def same_for_everyone():
        for role in ("admin", "member", "sponsor", "outsider", "coordinator"):
            user = users[role]
            whole = services.value_matrix(ValueStory.objects.approved().for_user(user))
            shown = clients[role].get(url).context["matrix"]
            for key in ("total", "ground", "aspirational", "cycles", "chain"):
                assert shown[key] == whole[key], (role, key)
            assert [services.row(row) for row in shown["communities"]] == whole["communities"]
            assert [(i["name"], i["unit"], i["n"], i["stories"]) for i in shown["indicators"]] == [
                (i["name"], i["unit"], i["n"], i["stories"]) for i in whole["indicators"]
            ]
            for mine, theirs in zip(shown["indicators"], whole["indicators"], strict=True):
                for average in ("avg_before", "avg_after", "avg_change"):
                    if theirs[average] is None:
                        assert mine[average] is None
                    else:
                        assert round(float(mine[average]), 6) == round(float(theirs[average]), 6)

    same_for_everyone()
    story = ValueStory.objects.filter(community=open_one, status=Status.SUBMITTED).first()
    story.status = Status.APPROVED
    story.save()
    MembershipFactory(community=sponsored, user=users["sponsor"])
    indicator = StoryIndicator.objects.filter(story__status=Status.APPROVED).first()
    indicator.after = 1000
    indicator.save()
    same_for_everyone()
    # every story of a community withdrawn: its row goes, its indicators' sums with it
    for story in ValueStory.objects.filter(community=open_one, status=Status.APPROVED):
        story.status = Status.WITHDRAWN
        story.save()
    same_for_everyone()
    rows = clients["admin"].get(url).context["matrix"]["communities"]
    assert [services.row(row)["community__name"] for row in rows] == ["Members only", "Sponsored"]
    # the cache lost what the sums were made of: they are made again from every part
    from django.core.cache import cache

    cache.clear()
    StoryIndicator.objects.filter(story__community=sponsored).first().save()
    same_for_everyone()
    assert clients["admin"].get(url).context["matrix"]["total"] == (
        ValueStory.objects.approved().count()
    )


def test_a_sponsors_portfolio_counts_from_the_parts_are_what_they_may_read(users, community):
    """The sponsor dashboard's stories per cycle (services.portfolio_stories, from the
    matrix's parts) equal the query's (services.stories_by_cycle) through the writes that
    change them; None when one of the sponsor's own stories is not open to sponsors."""
    from childcop import aggregates
    from communities.factories import MembershipFactory
    from sponsorship.factories import SponsorAppointmentFactory

    sponsor = users["sponsor"]
    theirs = CommunityFactory(name="Where the sponsor is a member")
    MembershipFactory(community=theirs, user=sponsor)
    SponsorAppointmentFactory(person=sponsor, communities=[community, theirs])
    empty = CommunityFactory(name="No story yet")
    ids = [community.pk, theirs.pk, empty.pk]
    activities = [ActivityFactory(community=community)]
    grow_stories(30, community, users["member"], activities)
    grow_stories(20, theirs, users["member"], [ActivityFactory(community=theirs)])

    def both():
        current = aggregates.tokens([f"community:{pk}" for pk in ids] + ["stories"])
        return (
            services.portfolio_stories(ids, sponsor, current=current),
            services.stories_by_cycle(ids, sponsor, sponsored=True),
        )

    aggregates.invalidate_communities(ids)  # the rows above were written in bulk
    parts, query = both()
    assert parts == query and query[community.pk]["total"] > 0
    assert query[theirs.pk]["total"] > query[community.pk]["total"] / 3  # all of theirs
    story = ValueStory.objects.filter(community=community, status=Status.SUBMITTED).first()
    story.visibility, story.status = Visibility.SPONSORS, Status.APPROVED
    story.save()
    parts, query = both()
    assert parts == query
    story.visibility = Visibility.COMMUNITY
    story.save()
    assert both()[0] == both()[1]
    joined = MembershipFactory(community=community, user=sponsor)  # now reads all of it
    parts, query = both()
    assert parts == query and query[community.pk]["total"] == (
        ValueStory.objects.approved().filter(community=community).count()
    )
    joined.delete()
    assert both()[0] == both()[1]
    ValueStory.objects.create(
        community=community, author=sponsor, title="Mine", status=Status.APPROVED,
        visibility=Visibility.COMMUNITY, happened_on=date(2025, 1, 1),
    )  # fmt: skip
    parts, query = both()
    assert parts is None and query[community.pk]["total"] > 0
