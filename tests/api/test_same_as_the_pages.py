"""For each role, each endpoint returns exactly the rows the pages show that role: the
same scoped querysets (`childcop.permissions`), compared here row by row."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.health.models import SupportRequest
from communities.rhythm.models import Session
from tests.conftest import ROLES

from .conftest import groups_of, read_all

SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def page_ids(client, name, *args, **params):
    """The ids a page lists (none when it answers 403 or 404)."""
    response = client.get(reverse(name, args=args), params)
    if response.status_code in (403, 404):
        return set()
    assert response.status_code == 200, (name, args, response.status_code)
    return {row.pk for row in response.context["page"]}


def per_community(client, name, communities, **kwargs):
    """The ids the community pages `name` list, and the communities whose page answered."""
    ids, answered = set(), set()
    for community in communities:
        response = client.get(reverse(name, args=[community.slug]), kwargs)
        if response.status_code == 200:
            answered.add(community)
            ids |= {row.pk for row in response.context["page"]}
        else:
            assert response.status_code in (403, 404), (name, response.status_code)
    return ids, answered


def api_ids(client, address, plaintext, **params):
    return {row["id"] for row in read_all(client, reverse(f"api:{address}"), plaintext, **params)}


@pytest.mark.django_db
def test_each_role_reads_through_the_api_what_the_pages_show_it(clients, tokens, program):
    seen = {}
    api = Client()  # no session: the token is the credential
    for role in SIGNED_IN:
        page, token = clients[role], tokens[role]
        communities = api_ids(api, "communities", token)
        assert communities == page_ids(page, "communities:list"), role
        activities, seen_communities = per_community(page, "communities:activities", program)
        assert api_ids(api, "activities", token) == activities, role
        # the rhythm page lists a community's sessions; it is fetched like the activity log
        # (get_community_for_user), whose answers say which communities the role sees
        sessions = set(
            Session.objects.filter(community__in=seen_communities).values_list("pk", flat=True)
        )
        assert api_ids(api, "sessions", token) == sessions, role
        members, _ = per_community(page, "communities:members", program)
        assert api_ids(api, "memberships", token) == members, role
        # the health page and the reports are fetched alike (can_view_health)
        reports, health_readable = per_community(page, "communities:health_reports", program)
        assert api_ids(api, "monthly_reports", token) == reports, role
        health = {row["community"] for row in read_all(api, reverse("api:health"), token)}
        assert health == {c.slug for c in health_readable}, role
        stories = page_ids(page, "value_stories:list")
        assert api_ids(api, "stories", token) == stories, role
        support = page_ids(page, "program:support_queue")
        if role != "admin":
            for community in program:
                url = reverse("communities:support_request", args=[community.slug])
                response = page.get(url)
                if response.status_code == 200:
                    support |= {s.pk for s in response.context["requests"]}
        for group in groups_of(program):
            if role != "admin":  # a group's page shows its requests to members, coordinators
                response = page.get(reverse("practice_groups:detail", args=[group.pk]))
                if response.status_code == 200:
                    support |= {s.pk for s in response.context["support_requests"] or []}
        assert api_ids(api, "support_requests", token) == support, role
        seen[role] = (communities, activities, members, reports, stories, support)
    # one community's rhythm page shows the sessions the API lists for it
    rhythm = clients["member"].get(reverse("communities:rhythm", args=[program[0].slug])).context
    shown = {s.pk for s in rhythm["sessions"]} | {s.pk for s in rhythm["past_sessions"]}
    assert shown and shown == api_ids(api, "sessions", tokens["member"], community=program[0].slug)
    # The roles see different things (so the comparisons above compare something): the admin
    # sees everything, the others less, each in their own way.
    assert len({frozenset(c) for c, *_ in seen.values()}) >= 3
    for role in SIGNED_IN:
        for mine, admins in zip(seen[role], seen["admin"], strict=True):
            assert mine <= admins
    assert seen["outsider"][5] == set()  # support: admins, coordinators, group members
    asked_by_groups = set(
        SupportRequest.objects.filter(group__isnull=False).values_list("pk", flat=True)
    )
    assert seen["member"][5] and seen["member"][5] <= asked_by_groups  # their groups' only
    assert seen["coordinator"][5] and seen["coordinator"][5] < seen["admin"][5]
    assert seen["sponsor"][3] and not seen["member"][3]  # reports: sponsors yes, members no


@pytest.mark.django_db
def test_the_filters_are_the_pages_filters(clients, tokens, program):
    api, page, token = Client(), clients["member"], tokens["member"]
    for params in ({"stage": "closed"}, {"q": "members"}, {"domain": program[1].domain[:5]}):
        assert api_ids(api, "communities", token, **params) == page_ids(
            page, "communities:list", **params
        ), params
    for params in ({"status": "approved", "visibility": "program"}, {"author": "me"}):
        assert api_ids(api, "stories", token, **params) == page_ids(
            page, "value_stories:list", **params
        ), params
    # `community` is a slug on every endpoint (the story list's select sends an id)
    of_one = api_ids(api, "stories", token, community=program[0].slug)
    assert of_one and of_one == page_ids(page, "value_stories:list", community=program[0].pk)
    only_one = api_ids(api, "activities", token, community=program[0].slug)
    assert only_one == page_ids(page, "communities:activities", program[0].slug)
    assert only_one and only_one < api_ids(api, "activities", token)
    levels = read_all(api, reverse("api:memberships"), token, level="core")
    assert levels and {row["level"] for row in levels} == {"core"}
    # a value the page's filter refuses is a 400 with the reason, never a 500
    bad = api.get(
        reverse("api:stories"), {"status": "nonsense"}, headers={"authorization": f"Bearer {token}"}
    )
    assert bad.status_code == 400 and "status" in bad.json()


@pytest.mark.django_db
def test_rows_carry_the_figures(tokens, program, users):
    api, token = Client(), tokens["admin"]
    communities = {row["slug"]: row for row in read_all(api, reverse("api:communities"), token)}
    sponsored = communities[program[1].slug]
    assert [s["name"] for s in sponsored["sponsors"]] == ["Sam Sponsor"]
    assert sponsored["member_count"] == program[1].memberships.count()
    activity = read_all(api, reverse("api:activities"), token, community=program[0].slug)[0]
    assert activity["attendance_count"] == 2
    session = read_all(api, reverse("api:sessions"), token, community=program[0].slug)[0]
    assert session["attendance_count"] == 2 and session["activity_id"] == activity["id"]
    report = read_all(api, reverse("api:monthly_reports"), token, community=program[0].slug)[0]
    assert report["indicators"][0]["values"] == [None, 4]
    assert report["flags"][0]["key"] == "no_story"
