"""Proposals, charters, membership and conclusion of practice groups."""

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.factories import AgendaItemFactory, CommunityFactory, MembershipFactory
from communities.health.models import SupportRequest
from practice_groups.choices import GroupStatus
from practice_groups.demo import seed
from practice_groups.factories import PracticeGroupFactory
from practice_groups.models import (
    GroupMembership,
    PracticeGroup,
    ProgressReport,
    ReportResponse,
)

pytestmark = pytest.mark.django_db


def pg(name, *args):
    return reverse(f"practice_groups:{name}", args=args)


def proposal_data(**overrides):
    return {
        "name": "Benchmark of DPIA tools",
        "reason": "state_of_the_art",
        "purpose": "A systematic look at *what is known*.",
        "deliverable": "A comparison table",
        "expected_end": "2031-06-30",
        **overrides,
    }


def test_a_member_proposes_a_group_with_guidance(clients, users, community):
    item = AgendaItemFactory(community=community)
    page = clients["member"].get(pg("propose", community.slug)).content.decode()
    assert "mutual benchmark, systematisation" in page  # typical activities as guidance
    response = clients["member"].post(
        pg("propose", community.slug), proposal_data(agenda_items=[item.pk])
    )
    group = PracticeGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.status == GroupStatus.PROPOSED and group.proposed_by == users["member"]
    assert list(group.agenda_items.all()) == [item]
    assert not group.memberships.exists()


def test_invalid_proposal_writes_nothing(clients, community):
    foreign = AgendaItemFactory(community=CommunityFactory())
    for data in (
        proposal_data(purpose=""),
        proposal_data(reason="nonsense"),
        proposal_data(agenda_items=[foreign.pk]),
    ):
        response = clients["member"].post(pg("propose", community.slug), data)
        assert response.status_code == 200
    assert not PracticeGroup.objects.exists()


def test_duplicate_name_in_a_community_is_refused(clients, community, group):
    response = clients["member"].post(
        pg("propose", community.slug), proposal_data(name=group.name.upper())
    )
    assert response.status_code == 200 and PracticeGroup.objects.count() == 1


def test_outsiders_and_sponsors_cannot_propose(clients, community):
    for role in ("outsider", "sponsor"):
        assert clients[role].post(pg("propose", community.slug), proposal_data()).status_code == 403
    assert not PracticeGroup.objects.exists()


def test_coordinator_charters_and_the_proposer_becomes_a_member(clients, users, proposal):
    response = clients["coordinator"].post(
        pg("review", proposal.pk), {"decision": "charter", "note": "Report back quarterly."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.ACTIVE and proposal.chartered_by == users["coordinator"]
    assert proposal.chartered_at and proposal.charter_note == "Report back quarterly."
    assert list(proposal.members.all()) == [users["member"]]
    # once chartered, there is nothing left to review
    assert clients["coordinator"].get(pg("review", proposal.pk)).status_code == 403


def test_changes_requested_then_edited_and_proposed_again(clients, users, proposal):
    response = clients["coordinator"].post(pg("review", proposal.pk), {"decision": "changes"})
    assert response.status_code == 200  # a note is required to ask for changes
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.PROPOSED
    clients["coordinator"].post(
        pg("review", proposal.pk), {"decision": "changes", "note": "Name a deliverable."}
    )
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.CHANGES_REQUESTED
    page = clients["member"].get(pg("edit", proposal.pk)).content.decode()
    assert "Name a deliverable." in page
    clients["member"].post(
        pg("edit", proposal.pk), proposal_data(name=proposal.name, deliverable="Stories")
    )
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.PROPOSED and proposal.deliverable == "Stories"


def test_declined(clients, proposal):
    clients["coordinator"].post(pg("review", proposal.pk), {"decision": "decline", "note": "No."})
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.DECLINED
    assert clients["member"].get(pg("edit", proposal.pk)).status_code == 403


def test_only_coordinators_and_admins_charter(clients, proposal):
    for role in ("member", "core", "outsider", "sponsor"):
        response = clients[role].post(pg("review", proposal.pk), {"decision": "charter"})
        assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.PROPOSED
    clients["admin"].post(pg("review", proposal.pk), {"decision": "charter"})
    proposal.refresh_from_db()
    assert proposal.status == GroupStatus.ACTIVE


def test_members_of_the_community_join_and_leave(clients, users, group):
    assert clients["core"].post(pg("join", group.pk)).status_code == 302
    assert group.memberships.filter(user=users["core"]).exists()
    assert clients["core"].post(pg("join", group.pk)).status_code == 403  # already in
    assert clients["core"].post(pg("leave", group.pk)).status_code == 302
    assert not group.memberships.filter(user=users["core"]).exists()
    # outsiders and sponsors are not members of the community
    for role in ("outsider", "sponsor"):
        assert clients[role].post(pg("join", group.pk)).status_code == 403
    assert clients["core"].get(pg("join", group.pk)).status_code == 405


def test_no_joining_a_proposal(clients, proposal):
    assert clients["core"].post(pg("join", proposal.pk)).status_code == 403
    assert not GroupMembership.objects.exists()


def test_a_group_member_concludes_with_an_outcome(clients, group):
    assert clients["core"].post(pg("conclude", group.pk), {"outcome": "x"}).status_code == 403
    response = clients["member"].post(pg("conclude", group.pk), {"outcome": ""})
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.status == GroupStatus.ACTIVE
    clients["member"].post(pg("conclude", group.pk), {"outcome": "A **tested** template."})
    group.refresh_from_db()
    assert group.status == GroupStatus.CONCLUDED and group.concluded_at
    html = clients["outsider"].get(group.get_absolute_url()).content.decode()
    assert "<strong>tested</strong>" in html


def test_hidden_community_groups_are_404_for_outsiders(clients, users):
    hidden = CommunityFactory(slug="hidden", is_open=False)
    group = PracticeGroupFactory(community=hidden)
    report = ProgressReport.objects.create(group=group, title="t", body="b")
    for address in (
        pg("list", hidden.slug),
        pg("propose", hidden.slug),
        pg("detail", group.pk),
        pg("edit", group.pk),
        pg("review", group.pk),
        pg("conclude", group.pk),
        pg("report_create", group.pk),
        pg("support_create", group.pk),
        pg("report", report.pk),
        pg("report_reply", report.pk),
    ):
        for role in ("outsider", "member", "sponsor"):
            assert clients[role].get(address).status_code == 404, (address, role)
    for address in (pg("join", group.pk), pg("report_respond", report.pk)):
        assert clients["outsider"].post(address, {"kind": "endorse"}).status_code == 404
    assert not GroupMembership.objects.exists() and not ReportResponse.objects.exists()
    assert clients["admin"].get(pg("detail", group.pk)).status_code == 200


def test_list_filters_and_htmx_partial(clients, community, group, proposal):
    PracticeGroupFactory(community=CommunityFactory(), name="Elsewhere")
    html = clients["member"].get(pg("list", community.slug)).content.decode()
    assert group.name in html and proposal.name in html and "Elsewhere" not in html
    html = (
        clients["member"].get(pg("list", community.slug), {"status": "proposed"}).content.decode()
    )
    assert group.name not in html and proposal.name in html
    response = clients["member"].get(
        pg("list", community.slug), {"q": "regional"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert proposal.name in html and group.name not in html and "<html" not in html


def test_demo_seeds_groups_in_every_status():
    community = CommunityFactory(slug="demo")
    MembershipFactory.create_batch(12, community=community)
    MembershipFactory(community=community, is_coordinator=True)
    seed(random.Random(3), timezone.now())  # noqa: S311
    assert set(community.practice_groups.values_list("status", flat=True)) == set(
        GroupStatus.values
    )
    assert ProgressReport.objects.filter(group__community=community).exists()
    assert ReportResponse.objects.exists() and SupportRequest.objects.exists()
    assert community.agenda_items.exists() and community.voting_rounds.count() == 2
