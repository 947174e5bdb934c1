"""The people directory shows each person whom they need: the people who share a community
with them, the sponsors and the social learning team; program admins see everyone."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def strangers(community):
    """A member of another community only, and someone in no community at all."""
    elsewhere = MembershipFactory(
        community=CommunityFactory(name="Finance forum", slug="finance-forum"),
        user=UserFactory(email="elsewhere@example.org", display_name="Else Where"),
    ).user
    return {"elsewhere": elsewhere, "nowhere": UserFactory(email="nowhere@example.org")}


def listed(client, **query):
    response = client.get(reverse("people:list"), query)
    assert response.status_code == 200
    return {person.email for person in response.context["page"].object_list}


def test_each_person_sees_whom_they_share_a_community_with_sponsors_and_the_team(
    clients, users, strangers
):
    team = {"admin@example.org", "sponsor@example.org"}
    community = {"member@example.org", "core@example.org", "coordinator@example.org"}
    for role in ("member", "core", "coordinator"):
        assert listed(clients[role]) == team | community, role
    # neither shares a community with anyone: themselves, the sponsors and the team
    assert listed(clients["outsider"]) == team | {"outsider@example.org"}
    assert listed(clients["sponsor"]) == team
    # a search does not reach past the limits
    assert listed(clients["outsider"], q="elsewhere") == set()
    assert listed(clients["member"], q="member@") == {"member@example.org"}


def test_program_admins_see_everyone(clients, users, strangers):
    everyone = listed(clients["admin"])
    assert {"elsewhere@example.org", "nowhere@example.org", "outsider@example.org"} <= everyone


def test_a_person_outside_the_limits_does_not_exist_for_the_viewer(clients, users, strangers):
    def status(role, person):
        return clients[role].get(reverse("people:detail", args=[person.pk])).status_code

    for role in ("member", "outsider", "sponsor", "coordinator"):
        assert status(role, strangers["elsewhere"]) == 404, role
        assert status(role, strangers["nowhere"]) == 404, role
        assert status(role, users["admin"]) == 200, role
        assert status(role, users["sponsor"]) == 200, role
        assert status(role, users[role]) == 200, role  # one's own page
    assert status("member", users["coordinator"]) == 200
    assert status("outsider", users["member"]) == 404
    assert status("sponsor", users["member"]) == 404
    assert status("admin", strangers["nowhere"]) == 200


def test_a_sponsorship_that_ended_no_longer_shows_the_former_sponsor(clients, users):
    from sponsorship.models import Appointment

    Appointment.objects.filter(person=users["sponsor"]).update(term_end="2020-01-01")
    assert "sponsor@example.org" not in listed(clients["outsider"])


def test_a_community_links_its_members_pages_only_for_those_who_may_open_them(
    clients, users, community
):
    """An open community's member list is read by everyone signed in; its members' pages
    are open to the people who share the community (and program admins), so only they get
    the links."""
    url = reverse("communities:members", args=[community.slug])
    page = users["core"].get_absolute_url()
    for role in ("member", "coordinator", "admin"):
        assert f'href="{page}"' in clients[role].get(url).content.decode(), role
    for role in ("outsider", "sponsor"):
        html = clients[role].get(url).content.decode()
        assert escape(users["core"].display_name) in html and f'href="{page}"' not in html, role


def test_a_persons_page_names_their_roles_in_the_support_structure(clients, users, community):
    from sponsorship.factories import SponsorAppointmentFactory

    # the sponsor fixture's appointment covers `community`; another, a members-only one
    hidden = CommunityFactory(name="Members only", slug="members-only", is_open=False)
    SponsorAppointmentFactory(person=users["sponsor"], communities=[hidden])
    html = clients["member"].get(reverse("people:detail", args=[users["sponsor"].pk])).content
    html = html.decode()
    assert "Roles in the support structure" in html
    assert community.get_absolute_url() in html and "Members only" not in html
    # someone with no role has no such section
    html = clients["member"].get(reverse("people:detail", args=[users["core"].pk])).content
    assert b"Roles in the support structure" not in html
    # an SME's appointment: the social learning team sees it, members do not
    SponsorAppointmentFactory(person=users["core"], role="sme", sponsor_kind="",
                              communities=[community])  # fmt: skip
    page = reverse("people:detail", args=[users["core"].pk])
    assert b"SME (subject-matter expert)" in clients["admin"].get(page).content
    assert b"Roles in the support structure" not in clients["member"].get(page).content
