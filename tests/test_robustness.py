"""No URL answers 500 to a malformed id or query string; /healthz tells the truth."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIST_PAGES = ["communities:list", "people:list"]
BAD_QUERIES = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "99999999999999999999"},
    {"sort": "bogus"},
    {"sort": "-password"},
    {"stage": "dormant"},
    {"level": "emperor"},
    {"role": "'; DROP TABLE x; --"},
    {"q": "x" * 5000},
    {"q": "\x00"},
    {"q": "%", "domain": "_"},
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_list_pages_survive_malformed_query_strings(clients, community, query):
    urls = [reverse(name) for name in LIST_PAGES] + [
        reverse("communities:members", args=[community.slug])
    ]
    for url in urls:
        response = clients["coordinator"].get(url, query)
        assert response.status_code == 200, (url, query)
    export = reverse("communities:members_export", args=[community.slug])
    assert clients["coordinator"].get(export, query).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/people/abc/",
        "/people/0/",
        "/people/99999999999999999999/",
        "/people/999999/",
        "/communities/no-such-community/",
        "/communities/%C3%A9t%C3%A9/",
        "/communities/data-protection/members/99999999999999999999/",
        "/communities/data-protection/members/999999/remove/",
        "/communities/data-protection/members/-1/",
        "/accounts/password/reset/key/zz-zz/",
        "/admin/communities/community/abc/change/",
    ],
)
def test_malformed_ids_answer_404_or_a_page(clients, community, path):
    for role in ("member", "coordinator", "admin"):
        response = clients[role].get(path)
        assert response.status_code in (200, 302, 403, 404), (role, path, response.status_code)


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_odd_digits_in_the_session_parameter_do_not_crash(clients, community):
    url = reverse("communities:activity_create", args=[community.slug])
    for value in ("²", "0", "-1", "99999999999999999999", "abc"):
        assert clients["coordinator"].get(url, {"session": value}).status_code == 200


def test_admin_login_never_redirects_off_site(clients):
    response = clients["admin"].get("/admin/login/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = clients["admin"].get("/admin/login/", {"next": "/admin/communities/"})
    assert response["Location"] == "/admin/communities/"


def test_people_directory_does_not_count_hidden_communities(clients, users):
    from communities.factories import CommunityFactory, MembershipFactory

    hidden = CommunityFactory(name="Leadership circle", slug="leadership-circle", is_open=False)
    MembershipFactory(community=hidden, user=users["core"])
    # the member shares the open community with the core member, not the hidden one
    response = clients["member"].get(reverse("people:list"), {"q": users["core"].email})
    assert [p.community_count for p in response.context["page"].object_list] == [1]
    response = clients["admin"].get(reverse("people:list"), {"q": users["core"].email})
    assert [p.community_count for p in response.context["page"].object_list] == [2]
