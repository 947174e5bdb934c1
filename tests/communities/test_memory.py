"""Shared memory: the searchable library of a community, its entries and who edits them."""

import pytest
from django.db import connection
from django.urls import reverse

from communities.factories import (
    ActivityFactory,
    CommunityFactory,
    HelpRequestFactory,
    MembershipFactory,
    SharedMemoryEntryFactory,
)
from communities.learning import services
from communities.models import SharedMemoryEntry
from tests.conftest import client_for
from tests.inert import ONE_LINE_PAYLOAD, PAYLOAD, assert_inert

pytestmark = pytest.mark.django_db


def url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


def test_a_member_adds_an_entry_linked_to_an_activity(clients, users, community):
    activity = ActivityFactory(community=community, title="Spring case clinic")
    form_page = clients["member"].get(url("memory_create", community), {"activity": activity.pk})
    assert form_page.context["form"].initial == {"activity": activity}
    response = clients["member"].post(
        url("memory_create", community),
        {
            "kind": "summary",
            "title": "Spring clinic",
            "body": "**Three** cases",
            "activity": activity.pk,
        },
    )
    entry = SharedMemoryEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("memory_detail", community, entry.pk)
    assert (entry.community, entry.created_by, entry.activity) == (
        community,
        users["member"],
        activity,
    )
    page = clients["core"].get(response["Location"])
    assert b"<strong>Three</strong>" in page.content
    assert b"Spring case clinic" in page.content  # where it came from


def test_invalid_entries_write_nothing(clients, community):
    foreign = ActivityFactory(community=CommunityFactory())
    response = clients["member"].post(
        url("memory_create", community),
        {"kind": "gossip", "title": "", "body": "x", "activity": foreign.pk},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "title", "activity"}
    assert not SharedMemoryEntry.objects.exists()


def test_prefill_ignores_sources_of_other_communities(clients, community):
    foreign = HelpRequestFactory(community=CommunityFactory())
    page = clients["member"].get(url("memory_create", community), {"help_request": foreign.pk})
    assert page.context["form"].initial == {}


@pytest.mark.parametrize("role", ["member", "core", "coordinator", "admin"])  # author, editors
def test_authors_core_group_and_coordinators_edit(clients, users, community, role):
    entry = SharedMemoryEntryFactory(community=community, created_by=users["member"])
    response = clients[role].post(
        url("memory_edit", community, entry.pk), {"kind": "insight", "title": "New", "body": "B"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.kind, entry.created_by) == ("New", "insight", users["member"])


def test_other_members_may_not_edit_or_remove(clients, users, community):
    entry = SharedMemoryEntryFactory(community=community, created_by=users["core"], title="Kept")
    for path in (
        url("memory_edit", community, entry.pk),
        url("memory_delete", community, entry.pk),
    ):
        assert clients["member"].get(path).status_code == 403
        assert (
            clients["member"].post(path, {"kind": "faq", "title": "X", "body": "Y"}).status_code
            == 403
        )
    entry.refresh_from_db()
    assert entry.title == "Kept"
    page = clients["member"].get(url("memory_detail", community, entry.pk))
    assert page.status_code == 200 and not page.context["can"]["edit"]


def test_the_author_removes_their_entry(clients, users, community):
    entry = SharedMemoryEntryFactory(community=community, created_by=users["member"])
    assert clients["member"].get(url("memory_delete", community, entry.pk)).status_code == 200
    response = clients["member"].post(url("memory_delete", community, entry.pk))
    assert response["Location"] == url("memory_list", community)
    assert not SharedMemoryEntry.objects.exists()


def test_an_author_who_left_the_community_no_longer_edits(users, community):
    leaver = MembershipFactory(community=community)
    entry = SharedMemoryEntryFactory(community=community, created_by=leaver.user)
    leaver.delete()
    response = client_for(leaver.user).get(url("memory_edit", community, entry.pk))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["outsider", "sponsor"])
def test_non_members_of_an_open_community_get_403(clients, users, community, role):
    entry = SharedMemoryEntryFactory(community=community)
    for path in (
        url("memory_list", community),
        url("memory_detail", community, entry.pk),
        url("memory_create", community),
    ):
        assert clients[role].get(path).status_code == 403


def test_a_hidden_community_s_memory_does_not_exist_for_outsiders(clients, users):
    hidden = CommunityFactory(slug="hidden", is_open=False)
    entry = SharedMemoryEntryFactory(community=hidden)
    for role in ("outsider", "member"):
        assert clients[role].get(url("memory_list", hidden)).status_code == 404
        assert clients[role].get(url("memory_detail", hidden, entry.pk)).status_code == 404
    assert clients["admin"].get(url("memory_detail", hidden, entry.pk)).status_code == 200


def test_an_entry_of_another_community_is_404(clients, community):
    other = SharedMemoryEntryFactory(community=CommunityFactory())
    assert clients["member"].get(url("memory_detail", community, other.pk)).status_code == 404


def test_the_library_filters_by_kind_searches_and_paginates(clients, community, settings):
    SharedMemoryEntryFactory(community=community, kind="faq", title="What is a case clinic?",
                             body="A one-hour session on a real case.")  # fmt: skip
    SharedMemoryEntryFactory(community=community, kind="reflection", title="Why our wiki died",
                             body="Nobody owned the collections.")  # fmt: skip
    client = clients["member"]
    page = client.get(url("memory_list", community), {"kind": "reflection"})
    assert [e.title for e in page.context["page"]] == ["Why our wiki died"]
    page = client.get(url("memory_list", community), {"q": "wiki"})
    assert [e.title for e in page.context["page"]] == ["Why our wiki died"]
    page = client.get(url("memory_list", community), {"q": "session"})  # the body too
    assert [e.title for e in page.context["page"]] == ["What is a case clinic?"]
    page = client.get(url("memory_list", community), {"q": "clinic", "kind": "reflection"})
    assert list(page.context["page"]) == []
    partial = client.get(url("memory_list", community), {"kind": "faq"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"case clinic" in partial.content
    settings.CHILDCOP_PAGE_SIZE = 1
    page = client.get(url("memory_list", community), {"page": 2, "sort": "title"})
    assert [e.title for e in page.context["page"]] == ["Why our wiki died"]


def test_search_branch_by_database(community):
    SharedMemoryEntryFactory(
        community=community, title="Collections", body="Keeping collections alive"
    )
    SharedMemoryEntryFactory(community=community, title="Other", body="Unrelated")
    queryset = services.search(community.memory.all(), "collection", ["title", "body"])
    sql = str(queryset.query)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "ts_rank" in sql
    else:
        assert "LIKE" in sql and "to_tsvector" not in sql
    # "collection" finds "Collections" both ways: stemmed on PostgreSQL, a substring elsewhere
    assert [e.title for e in queryset] == ["Collections"]


def test_stored_xss_in_entries_renders_inert(clients, users, community):
    clients["member"].post(
        url("memory_create", community),
        {"kind": "case_story", "title": ONE_LINE_PAYLOAD[:200], "body": PAYLOAD},
    )
    entry = SharedMemoryEntry.objects.get()
    for path in (url("memory_detail", community, entry.pk), url("memory_list", community),
                 url("memory_edit", community, entry.pk)):  # fmt: skip
        page = clients["member"].get(path)
        assert page.status_code == 200 and "xss-img" in page.content.decode()
        assert_inert(page.content.decode())
