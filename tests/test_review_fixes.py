"""Leaving a community ends its rights everywhere; odd input and double clicks never 500."""

import pytest
from django.urls import reverse

from practice_groups.factories import GroupMembershipFactory, PracticeGroupFactory
from practice_groups.models import GroupMembership
from value_stories.factories import ValueStoryFactory

pytestmark = pytest.mark.django_db


def test_leaving_a_community_leaves_its_practice_groups(clients, users, community):
    group = PracticeGroupFactory(community=community)
    GroupMembershipFactory(group=group, user=users["member"])
    clients["member"].post(reverse("communities:leave", args=[community.slug]))
    assert not GroupMembership.objects.filter(user=users["member"]).exists()
    report = reverse("practice_groups:report_create", args=[group.pk])
    assert clients["member"].post(report, {"title": "x", "body": "y"}).status_code in (403, 404)


def test_a_former_member_cannot_edit_their_draft_story(clients, users, community):
    story = ValueStoryFactory(community=community, author=users["member"])
    community.memberships.filter(user=users["member"]).delete()
    response = clients["member"].get(reverse("value_stories:edit", args=[story.pk]))
    assert response.status_code in (403, 404)


def test_a_program_admin_cannot_approve_their_own_story(clients, users, community):
    from communities.factories import MembershipFactory

    MembershipFactory(community=community, user=users["admin"])
    story = ValueStoryFactory(community=community, author=users["admin"], status="submitted")
    response = clients["admin"].post(
        reverse("value_stories:review", args=[story.pk]), {"decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == "submitted"


def test_a_malformed_vote_is_refused_without_error(clients, community):
    from communities.models import VotingRound

    voting = VotingRound.objects.create(community=community)
    url = reverse("communities:agenda_vote", args=[community.slug, voting.pk])
    for item in ("²", "0", "99999999999999999999", "x"):
        assert clients["member"].post(url, {"item": item, "action": "add"}).status_code < 500
