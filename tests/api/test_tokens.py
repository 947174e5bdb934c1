"""Personal access tokens: created on one's profile (the token shown once), stored hashed,
listed with their last use, revoked (then 401); read only; scoped to the areas picked."""

import hashlib
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from childcop.api.choices import Area
from childcop.api.forms import MAX_ACTIVE_TOKENS
from childcop.api.models import ApiToken
from childcop.api.views import ENDPOINTS, CommunityList, url_name
from tests.conftest import bearer_tokens

from .conftest import bearer

pytestmark = pytest.mark.django_db

ENDPOINT_URLS = [f"/api/v1/{address}/" for address, _ in ENDPOINTS]


def create(client, **data):
    return client.post(reverse("tokens:create"), {"access": "read", **data})


def test_a_person_creates_a_token_sees_it_once_and_only_its_digest_is_kept(clients, users):
    client = clients["member"]
    assert reverse("tokens:list") in client.get(reverse("profile")).content.decode()
    response = create(client, name="Power BI: our dashboard", areas=["communities", "stories"])
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("ccp_") and len(plaintext) > 40
    assert plaintext in response.content.decode()
    token = ApiToken.objects.get(user=users["member"])
    assert token.areas == ["communities", "stories"] and token.read_only
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    # at rest: no column of any row holds the token or its secret
    # (everything after "ccp_<prefix>_": the secret may hold an underscore itself)
    secret = plaintext.removeprefix(f"ccp_{token.prefix}_")
    assert len(secret) > 30
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token.prefix in stored and secret not in stored and plaintext not in stored
    sessions = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    assert sessions and secret not in sessions  # nor kept for the page that showed it
    # never shown again: the list shows its start only
    listing = client.get(reverse("tokens:list")).content.decode()
    assert "Power BI: our dashboard" in listing and token.hint in listing
    assert secret not in listing and "never" in listing
    # it reads, and its use is recorded
    assert Client().get("/api/v1/communities/", headers=bearer(plaintext)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "never" not in client.get(reverse("tokens:list")).content.decode()


def test_the_form_says_what_is_missing_in_an_error_summary(clients, users):
    response = create(clients["member"], name="", areas=[], access="")
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_name"' in page and "Enter a name for the token." in page
    assert 'href="#id_areas_0"' in page and "Choose at least one area the token reads." in page
    assert "Choose the token&#x27;s access." in page
    assert response.context["form"].errors and not ApiToken.objects.exists()
    bad = create(clients["member"], name="Two\nlines", areas=["nonsense"], access="write")
    assert bad.status_code == 200 and not ApiToken.objects.exists()
    assert set(bad.context["form"].errors) == {"name", "areas", "access"}


def test_a_person_holds_a_bounded_number_of_tokens(clients, users):
    for i in range(MAX_ACTIVE_TOKENS):
        ApiToken.issue(user=users["member"], name=f"t{i}", areas=["communities"])
    response = create(clients["member"], name="one more", areas=["communities"])
    assert "revoke one you no longer use" in response.content.decode()
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_a_revoked_token_answers_401(clients, users):
    token, plaintext = ApiToken.issue(user=users["member"], name="Excel", areas=Area.values)
    api = Client()
    assert api.get("/api/v1/stories/", headers=bearer(plaintext)).status_code == 200
    revoke = reverse("tokens:revoke", args=[token.pk])
    assert clients["core"].get(revoke).status_code == 404  # someone else's: not there
    assert clients["core"].post(revoke).status_code == 404
    assert "Revoke token" in clients["member"].get(revoke).content.decode()
    response = clients["member"].post(revoke, follow=True)
    assert "was revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.is_revoked
    for url in ENDPOINT_URLS:
        response = api.get(url, headers=bearer(plaintext))
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json() == {"detail": "This token was revoked."}


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ccp_0000_x y", "Bearer ccp_00000000_nope", "Token abc", "Bearer é"],
)
def test_no_valid_token_answers_401(users, header):
    ApiToken.issue(user=users["member"], name="real", areas=Area.values)
    headers = {"authorization": header} if header else {}
    response = Client().get("/api/v1/communities/", headers=headers)
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_inactive_persons_token_answers_401(users):
    _, plaintext = ApiToken.issue(user=users["member"], name="old", areas=Area.values)
    users["member"].is_active = False
    users["member"].save()
    assert Client().get("/api/v1/communities/", headers=bearer(plaintext)).status_code == 401


def test_a_read_only_token_cannot_write(users):
    _, plaintext = ApiToken.issue(user=users["admin"], name="admin", areas=Area.values)
    api = Client()
    for url in ENDPOINT_URLS:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = api.generic(method, url, "{}", "application/json", headers=bearer(plaintext))
            assert response.status_code == 405, (url, method)
        assert api.head(url, headers=bearer(plaintext)).status_code == 200
    # Behind the URL's method check, the token's own rule refuses a write (403)
    request = APIRequestFactory().post(
        "/api/v1/communities/", {}, HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    response = CommunityList.as_view()(request)
    assert response.status_code == 403 and response.data["detail"] == "This token is read-only."


def test_a_token_reads_only_its_areas(users):
    tokens = bearer_tokens(users, areas=["communities", "health"])
    _, plaintext = tokens["coordinator"]
    api = Client()
    for address, view in ENDPOINTS:
        response = api.get(reverse(f"api:{url_name(address)}"), headers=bearer(plaintext))
        expected = 200 if view.area in ("communities", "health") else 403
        assert response.status_code == expected, address
    assert (
        "does not read this area"
        in api.get("/api/v1/stories/", headers=bearer(plaintext)).json()["detail"]
    )


def test_the_documentation_page_and_the_schema(clients, users):
    page = clients["member"].get(reverse("api:docs"))
    text = page.content.decode()
    for address, _ in ENDPOINTS:
        assert f"GET /api/v1/{address}/" in text
    assert "Authorization: Bearer" in text and "attendance_count" in text
    # drawn on the server under the strict policy: no inline script or style, no CDN
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)|\sstyle=|https://cdn", text)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    schema = clients["member"].get(reverse("api:schema"))
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3") and "/api/v1/activities/" in spec["paths"]
    assert spec["components"]["securitySchemes"]["personalAccessToken"]["scheme"] == "bearer"
    _, plaintext = ApiToken.issue(user=users["member"], name="s", areas=["stories"])
    assert Client().get(reverse("api:schema"), headers=bearer(plaintext)).status_code == 200
    assert Client().get(reverse("api:schema")).status_code == 401


def test_a_program_admin_revokes_a_leavers_token_in_the_admin(clients, users):
    token, plaintext = ApiToken.issue(user=users["member"], name="Leaving", areas=Area.values)
    changelist = reverse("admin:api_apitoken_changelist")
    listed = clients["admin"].get(changelist).content.decode()
    assert "Leaving" in listed and token.digest not in listed
    clients["admin"].post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.is_revoked
    assert Client().get("/api/v1/communities/", headers=bearer(plaintext)).status_code == 401
