"""A member creates a personal access token on their profile (the form's error summary
first), copies it from the page that shows it once, reads the API with it as a reporting
tool would (no session), finds its last use in the list, and revokes it: the API then
answers 401. The form (with its errors) and the documentation page pass an axe scan."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, MembershipFactory
from tests.conftest import PASSWORD

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def read(live_server, path, token):
    request = urllib.request.Request(
        live_server.url + path, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — our server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_member_creates_uses_and_revokes_a_token(page, live_server):
    community = CommunityFactory(name="Field safety")
    CommunityFactory(name="Hidden lab", is_open=False)
    mia = UserFactory(email="mia@example.org", display_name="Mia Member", password=PASSWORD)
    MembershipFactory(community=community, user=mia)
    login(page, mia.email)

    page.goto("/account/profile/")
    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()
    page.get_by_role("link", name="Create a token").click()
    page.get_by_role("button", name="Create token").click()  # nothing filled in
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    summary.get_by_role("link", name="Choose at least one area the token reads.").click()
    expect(page.get_by_label("Communities: stage, domain, sponsors")).to_be_focused()
    assert_accessible(page, "token form with errors")

    page.get_by_label("Name").fill("Excel: our figures")
    page.get_by_label("Communities: stage, domain, sponsors").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Token “Excel: our figures” created")).to_be_visible()
    token = page.get_by_label("Your token").input_value()
    assert token.startswith("ccp_")

    status, body = read(live_server, "/api/v1/communities/", token)
    assert status == 200 and [c["name"] for c in body["results"]] == ["Field safety"]
    assert read(live_server, "/api/v1/stories/", token)[0] == 403  # not an area it reads

    page.goto("/account/tokens/")
    row = page.get_by_role("row", name="Excel: our figures")
    expect(row).not_to_contain_text("never")  # its last use is shown
    expect(page.get_by_text(token)).to_have_count(0)  # never shown again
    row.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("The token “Excel: our figures” was revoked")).to_be_visible()
    assert read(live_server, "/api/v1/communities/", token)[0] == 401

    page.get_by_role("link", name="reporting API").click()
    expect(page.get_by_role("heading", name="GET /api/v1/communities/")).to_be_visible()
    assert_accessible(page, "API documentation")
