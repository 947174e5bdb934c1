"""What a write changes is computed again by the request that wrote it (childcop.warming):
the next view of the pages it changes costs what a view of cached pages costs.

Each test makes a real write through a real request (the test client, every middleware),
then counts the queries of the first view after it and of the next one: equal when the
write's request computed what the page shows."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childcop import warming
from childcop.accounts.factories import UserFactory
from communities import summary
from communities.factories import CommunityFactory, MembershipFactory
from value_stories.choices import Status
from value_stories.factories import ValueStoryFactory
from value_stories.models import ValueStory

pytestmark = pytest.mark.django_db


def view(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx)


def test_the_community_page_after_someone_joins_costs_a_cached_view(clients, users, community):
    url = community.get_absolute_url()
    view(clients["coordinator"], url)  # everything the page keeps is cached
    newcomer = UserFactory(display_name="Ingrid Newcomer")
    clients["outsider"].force_login(newcomer)
    response = clients["outsider"].post(reverse("communities:join", args=[community.slug]))
    assert response.status_code == 302
    first, after_write = view(clients["coordinator"], url)
    _, cached = view(clients["coordinator"], url)
    assert after_write == cached
    # and what it shows is the data as written: the newcomer among the newest members
    assert "Ingrid Newcomer" in first.content.decode()


def test_a_submitted_story_waits_in_the_coordinators_needs_you_computed(clients, users, community):
    story = ValueStoryFactory(community=community, author=users["member"], title="Clause bank")
    view(clients["coordinator"], "/")  # their "Needs you" and the program's figures cached
    response = clients["member"].post(reverse("value_stories:submit", args=[story.pk]))
    assert response.status_code == 302
    assert ValueStory.objects.get(pk=story.pk).status == Status.SUBMITTED
    first, after_write = view(clients["coordinator"], "/")
    _, cached = view(clients["coordinator"], "/")
    assert after_write == cached
    assert "Clause bank" in first.content.decode() and "Review it" in first.content.decode()


def broken(ids):
    raise RuntimeError("the cache is gone")


def test_a_warmer_that_fails_fails_no_request(clients, users, community, monkeypatch, caplog):
    monkeypatch.setattr(warming, "WARMERS", ["tests.test_warming.broken", *warming.WARMERS])
    url = community.get_absolute_url()
    view(clients["coordinator"], url)
    newcomer = UserFactory()
    clients["outsider"].force_login(newcomer)
    with caplog.at_level(logging.ERROR, logger="childcop.warming"):
        response = clients["outsider"].post(reverse("communities:join", args=[community.slug]))
    assert response.status_code == 302
    assert community.memberships.filter(user=newcomer).exists()
    assert "Warming tests.test_warming.broken after a write failed" in caplog.text
    # the warmers after it ran: the page is ready
    _, after_write = view(clients["coordinator"], url)
    _, cached = view(clients["coordinator"], url)
    assert after_write == cached


@pytest.mark.parametrize("written", [1, warming.WARM_MAX, warming.WARM_MAX + 1])
def test_a_request_writing_to_more_communities_than_warm_max_warms_none(written):
    communities = [CommunityFactory() for _ in range(written)]

    def write(request):
        for community in communities:
            MembershipFactory(community=community)
        return HttpResponse("written")

    response = warming.WarmAfterWritesMiddleware(write)(RequestFactory().post("/"))
    assert response.content == b"written"
    with CaptureQueriesContext(connection) as ctx:
        summary.profile(communities[0])
    # one query for its generation when the request computed it; its queries otherwise
    if written <= warming.WARM_MAX:
        assert len(ctx) == 1
    else:
        assert len(ctx) > 1


def test_writes_outside_a_request_warm_nothing():
    """Jobs and commands write outside any request: the pages compute what they need."""
    community = CommunityFactory()
    MembershipFactory(community=community)
    with CaptureQueriesContext(connection) as ctx:
        summary.profile(community)
    assert len(ctx) > 1
