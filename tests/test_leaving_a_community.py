"""Leaving a community ends its rights everywhere: in its practice groups, on one's stories."""

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
