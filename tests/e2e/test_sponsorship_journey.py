"""The admin identifies, then appoints a sponsor; the coordinator submits the business case;
the sponsor endorses it and follows the community on the dashboard."""

import pytest
from playwright.sync_api import expect

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from communities.factories import CommunityFactory, MembershipFactory
from tests.conftest import PASSWORD, TOTP_SECRET

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sponsor_is_appointed_endorses_the_business_case_and_sees_the_dashboard(new_page):
    admin = ProgramAdminFactory(
        email="ada@example.org",
        display_name="Ada Admin",
        password=PASSWORD,
        authenticator_app=TOTP_SECRET,
    )
    community = CommunityFactory(name="Field safety", slug="field-safety")
    coordinator = coordinator_cora(community)
    MembershipFactory.create_batch(5, community=community)
    sponsor = UserFactory(email="sara@example.org", display_name="Sara Sponsor", password=PASSWORD)

    # 1. The social learning team identifies, then officially appoints, the sponsor.
    page = new_page()
    login(page, admin.email)
    page.goto("/sponsorship/appointments/")
    page.get_by_role("link", name="Identify a person").click()
    page.locator("#id_person_email").fill(sponsor.email)
    page.get_by_label("Role").select_option("sponsor")
    page.get_by_label("Kind of sponsor").select_option("local")
    page.get_by_label("Why them").fill("Runs the field operations the community serves.")
    page.get_by_role("button", name="Identify").click()
    expect(page.get_by_text("Sara Sponsor was identified as a potential sponsor.")).to_be_visible()
    page.get_by_role("link", name="Appoint officially").click()
    page.get_by_label("Named communities").check()
    page.get_by_label("Field safety").check()
    page.get_by_role("button", name="Appoint").click()
    expect(page.get_by_text("Sara Sponsor was officially appointed as sponsor.")).to_be_visible()

    # 2. The coordinator answers the sponsor's questions and submits them.
    coord = new_page()
    login(coord, coordinator.email)
    coord.goto(f"/sponsorship/communities/{community.slug}/business-case/edit/")
    coord.get_by_label("Why should I care?").fill(
        "Near misses fall when sites learn from each other."
    )
    coord.get_by_label("What do you expect from me").fill("Open our quarterly safety day.")
    coord.get_by_role("button", name="Save and submit to the sponsor…").click()
    if coord.get_by_role("button", name="Submit").count():
        coord.get_by_role("button", name="Submit").first.click()
    expect(coord.get_by_text("Submitted").first).to_be_visible()

    # 3. The sponsor reads it, endorses it, and follows the community on the dashboard.
    spon = new_page()
    login(spon, sponsor.email)
    spon.get_by_role("link", name="Sponsor dashboard").click()
    expect(spon.get_by_role("heading", name="Sponsor dashboard")).to_be_visible()
    expect(spon.get_by_role("link", name="Field safety", exact=True)).to_be_visible()
    expect(spon.locator("svg[role=img]").first).to_be_visible()
    spon.get_by_role("link", name="read it").click()
    expect(spon.get_by_text("Near misses fall when sites learn from each other.")).to_be_visible()
    spon.get_by_label("Endorse").check()
    spon.get_by_role("button", name="Send my response").click()
    expect(spon.get_by_text("Endorsed").first).to_be_visible()
    spon.goto("/sponsorship/dashboard/")
    expect(spon.get_by_text("Business case: Endorsed")).to_be_visible()
    assert_accessible(spon, "sponsor dashboard")

    # A sponsor cannot change the community.
    response = spon.request.post(f"/communities/{community.slug}/edit/", form={"vision": "x"})
    assert response.status == 403
