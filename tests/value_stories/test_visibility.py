"""Who reads which story: author's choice of readers × status × role; 404 outside scope,
and absent from lists, counts, the value matrix, exports and the sponsor dashboard counts."""

import pytest
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, MembershipFactory
from sponsorship.factories import SponsorAppointmentFactory
from tests.conftest import client_for
from value_stories.choices import Status, Visibility
from value_stories.models import ValueStory
from value_stories.services import stories_by_cycle

pytestmark = pytest.mark.django_db

# Approved stories, by the readers the author chose: who gets 200 on the story (else 404).
READERS = {
    Visibility.COMMUNITY: {"member", "core", "coordinator", "admin"},
    Visibility.PROGRAM: {"member", "core", "coordinator", "admin", "outsider"},
    Visibility.SPONSORS: {"member", "core", "coordinator", "admin", "outsider", "sponsor"},
}
# Not approved: the author (the `member`), coordinators for submitted ones, admins.
UNAPPROVED_READERS = {
    Status.DRAFT: {"member", "admin"},
    Status.SUBMITTED: {"member", "coordinator", "admin"},
    Status.RETURNED: {"member", "admin"},
    Status.WITHDRAWN: {"member", "admin"},
}
SIGNED_IN = ["outsider", "member", "core", "coordinator", "admin", "sponsor"]


def listed(client, story):
    html = client.get(reverse("value_stories:list")).content.decode()
    return story.title in html


def exported(client, story):
    return story.title in client.get(reverse("value_stories:export")).content.decode()


@pytest.mark.parametrize("visibility", list(Visibility))
def test_approved_story_readers(clients, approved, visibility):
    story = approved(visibility=visibility, title="A story with a unique title 7f3a")
    for role in SIGNED_IN:
        expected = role in READERS[visibility]
        response = clients[role].get(story.get_absolute_url())
        assert response.status_code == (200 if expected else 404), role
        printable = clients[role].get(reverse("value_stories:print", args=[story.pk]))
        assert printable.status_code == (200 if expected else 404), role
        assert listed(clients[role], story) is expected, role
        assert exported(clients[role], story) is expected, role
        matrix = clients[role].get(reverse("value_stories:matrix")).context["matrix"]
        assert matrix["total"] == (1 if expected else 0), role
    assert clients["anonymous"].get(story.get_absolute_url()).status_code == 302


@pytest.mark.parametrize("status", list(UNAPPROVED_READERS))
def test_unapproved_story_readers(clients, make_story, status):
    story = make_story(status=status, visibility=Visibility.SPONSORS, title="Unapproved 9c1e")
    for role in SIGNED_IN:
        expected = role in UNAPPROVED_READERS[status]
        assert clients[role].get(story.get_absolute_url()).status_code == (
            200 if expected else 404
        ), role
        assert listed(clients[role], story) is expected, role
        # never in the value matrix, whoever looks
        assert clients[role].get(reverse("value_stories:matrix")).context["matrix"]["total"] == 0


def test_closed_community_program_story_hidden_from_outsiders(clients, users):
    closed = CommunityFactory(name="Closed one", slug="closed-one", is_open=False)
    MembershipFactory(community=closed, user=users["member"])
    story = ValueStory.objects.create(
        community=closed, author=users["member"], title="Closed program story",
        status=Status.APPROVED, visibility=Visibility.PROGRAM, experience="x",
    )  # fmt: skip
    assert clients["member"].get(story.get_absolute_url()).status_code == 200
    assert clients["outsider"].get(story.get_absolute_url()).status_code == 404
    assert clients["sponsor"].get(story.get_absolute_url()).status_code == 404


def test_sponsor_of_another_community_sees_nothing(users, approved, community):
    story = approved(visibility=Visibility.COMMUNITY, title="Only for the community")
    other = CommunityFactory(name="Another one", slug="another-one")
    other_sponsor = SponsorAppointmentFactory(
        person=UserFactory(), appointed_by=users["admin"], communities=[other]
    ).person
    client = client_for(other_sponsor)
    assert client.get(story.get_absolute_url()).status_code == 404
    assert not listed(client, story)
    assert not exported(client, story)
    assert (
        story.title not in client.get(reverse("value_stories:indicators_export")).content.decode()
    )
    assert client.get(reverse("value_stories:matrix")).context["matrix"]["total"] == 0
    matrix_url = reverse("value_stories:community_matrix", args=[community.slug])
    assert client.get(matrix_url).context["matrix"]["total"] == 0
    assert stories_by_cycle([community.pk], other_sponsor)[community.pk]["total"] == 0
    assert story.title not in client.get(community.get_absolute_url()).content.decode()


def test_stories_by_cycle_counts_per_viewer(users, approved, make_story, community):
    approved(visibility=Visibility.COMMUNITY, claims_realized=True)
    approved(visibility=Visibility.PROGRAM)
    approved(visibility=Visibility.SPONSORS, claims_realized=True)
    make_story(status=Status.SUBMITTED, visibility=Visibility.SPONSORS)
    other = CommunityFactory(name="Empty", slug="empty")
    sponsor_view = stories_by_cycle([community.pk, other.pk], users["sponsor"])
    assert sponsor_view[community.pk]["total"] == 1
    assert sponsor_view[community.pk]["realized"] == 1
    assert sponsor_view[community.pk]["immediate"] == 1
    assert sponsor_view[other.pk] == {**dict.fromkeys(sponsor_view[other.pk], 0)}
    member_view = stories_by_cycle([community.pk], users["member"])[community.pk]
    assert member_view["total"] == 3 and member_view["realized"] == 2
    assert stories_by_cycle([community.pk], users["admin"])[community.pk]["total"] == 3
    assert stories_by_cycle([community.pk], users["outsider"])[community.pk]["total"] == 2


def test_stories_by_cycle_is_one_query(users, approved, community, django_assert_num_queries):
    approved(visibility=Visibility.SPONSORS)
    ids = [community.pk] + [CommunityFactory().pk for _ in range(3)]
    for user in (users["sponsor"], users["member"], users["admin"]):
        with django_assert_num_queries(1):
            stories_by_cycle(ids, user)


def test_community_page_lists_latest_visible_stories(clients, approved, community):
    approved(visibility=Visibility.SPONSORS, title="Shared with sponsors")
    approved(visibility=Visibility.COMMUNITY, title="Kept in the community")
    sponsor_html = clients["sponsor"].get(community.get_absolute_url()).content.decode()
    assert "Value created" in sponsor_html
    assert "Shared with sponsors" in sponsor_html
    assert "Kept in the community" not in sponsor_html
    member_html = clients["member"].get(community.get_absolute_url()).content.decode()
    assert "Kept in the community" in member_html and "Tell a value-creation story" in member_html
    assert "Tell a value-creation story" not in sponsor_html


@pytest.mark.parametrize("name", ["create", "community_matrix", "autosave"])
def test_hidden_community_routes_answer_404(clients, name):
    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False)
    url = reverse(f"value_stories:{name}", args=[hidden.slug])
    for role in ("outsider", "member", "sponsor"):
        response = clients[role].post(url) if name == "autosave" else clients[role].get(url)
        assert response.status_code == 404, role


@pytest.mark.parametrize("stage", ["maturing", "potential"])
@pytest.mark.parametrize("is_open", [True, False])
def test_one_communitys_stories_follow_the_program_rule(users, community, is_open, stage):
    """permissions.visible_community_stories_q (the community page's "Value created") gives
    every viewer exactly what visible_stories_q gives, for one community's approved stories."""
    from childcop import permissions
    from value_stories.factories import ValueStoryFactory

    community.is_open, community.stage = is_open, stage
    community.save()
    for visibility in Visibility:
        for author in ("member", "outsider"):
            ValueStoryFactory(community=community, author=users[author],
                              status=Status.APPROVED, visibility=visibility)  # fmt: skip
    approved = ValueStory.objects.filter(community=community, status=Status.APPROVED)
    for role in SIGNED_IN:
        user = users[role]
        fresh = type(community).objects.get(pk=community.pk)  # nothing cached on it yet
        expected = set(approved.filter(permissions.visible_stories_q(user)))
        assert set(approved.filter(permissions.visible_community_stories_q(user, fresh))) == (
            expected
        ), role


def test_a_sponsors_portfolio_stories_follow_the_program_rule(users, community):
    """permissions.visible_sponsored_stories_q (the sponsor dashboard) gives a sponsor what
    visible_stories_q gives, for the approved stories of the communities they sponsor."""
    from childcop import permissions
    from communities.models import Community
    from value_stories.factories import ValueStoryFactory

    closed = CommunityFactory(name="Members only", slug="members-only", is_open=False)
    MembershipFactory(community=closed, user=users["sponsor"])  # sponsors and belongs
    SponsorAppointmentFactory(person=users["sponsor"], communities=[closed])
    for c in (community, closed):
        for visibility in Visibility:
            for author in ("member", "sponsor"):
                ValueStoryFactory(community=c, author=users[author], status=Status.APPROVED,
                                  visibility=visibility)  # fmt: skip
    for role in SIGNED_IN:
        user = users[role]
        sponsored = Community.objects.filter(permissions.sponsored_communities_q(user))
        approved = ValueStory.objects.filter(status=Status.APPROVED, community__in=sponsored)
        expected = set(approved.filter(permissions.visible_stories_q(user)))
        assert set(approved.filter(permissions.visible_sponsored_stories_q(user))) == expected
