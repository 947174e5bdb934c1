"""The program admin opens the landscape of practice, filters it by a sponsor, follows a
community and sees its brokers; a coordinator opens the drifting regulars and follows a
person. Every page passes an axe scan, and every chart has its table."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.factories import ActivityFactory, CommunityFactory, MembershipFactory
from communities.landscape.jobs import refresh
from communities.models import Attendance
from sponsorship.factories import SponsorAppointmentFactory

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def took_part(community, day, people):
    activity = ActivityFactory(community=community, date=day)
    Attendance.objects.bulk_create([Attendance(activity=activity, user=p) for p in people])


def every_chart_has_its_table(page):
    for figure in page.locator("figure:has(svg[role=img])").all():
        # the table (or its scrolling region) follows the figure
        expect(figure.locator("xpath=following-sibling::*[1]").locator("table")).to_have_count(1)


def test_admin_follows_the_landscape_and_a_coordinator_the_drifting_regulars(
    new_page, program_admin
):
    today = timezone.localdate()
    pumps = CommunityFactory(name="Pump maintenance", domain="Pumps", stage="maturing")
    safety = CommunityFactory(name="Field safety", domain="Safety", stage="sustaining")
    other = CommunityFactory(name="Office wellbeing", domain="Wellbeing", stage="coalescing")
    SponsorAppointmentFactory(person=UserFactory(display_name="Sam Sponsor"),
                              communities=[pumps, safety])  # fmt: skip
    brokers = [
        UserFactory(display_name=n, department="Engineering") for n in ("Bea Bridge", "Ben Link")
    ]
    regulars = [
        UserFactory(display_name=n, department="Field operations")
        for n in ("Dana Drift", "Eli Steady")
    ]
    for p in brokers:
        for c in (pumps, safety):
            MembershipFactory(community=c, user=p, joined_on=date(2025, 1, 6))
    for p in regulars:
        MembershipFactory(community=pumps, user=p, joined_on=date(2025, 1, 6))
    MembershipFactory(community=other, user=brokers[0], joined_on=date(2025, 1, 6))
    cora = coordinator_cora(pumps)
    for weeks in (20, 16, 14, 12):
        took_part(pumps, today - timedelta(weeks=weeks), brokers + regulars)
    took_part(pumps, today - timedelta(weeks=2), [brokers[0], regulars[1]])
    took_part(safety, today - timedelta(weeks=3), brokers)
    refresh()  # what the nightly job stores

    # 1. The program admin opens the landscape from the program overview.
    page = new_page()
    login(page, program_admin.email)
    page.goto("/program/")
    page.get_by_role("link", name="Landscape of practice").click()
    expect(page.get_by_role("heading", name="Landscape of practice", exact=True)).to_be_visible()
    expect(page.locator("svg.landscape-map circle")).to_have_count(3)
    every_chart_has_its_table(page)
    assert_accessible(page, "landscape of practice")

    # 2. Filtered by a sponsor: only the communities they sponsor.
    page.get_by_label("Sponsor").select_option(label="Sam Sponsor")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("svg.landscape-map circle")).to_have_count(2)
    table = page.get_by_role("region", name="Communities of the landscape")
    expect(table.get_by_role("link", name="Office wellbeing")).to_have_count(0)

    # 3. Follows a community: its neighbourhood, with its brokers.
    table.get_by_role("link", name="Pump maintenance").click()
    expect(
        page.get_by_role("heading", name="Pump maintenance in the landscape of practice")
    ).to_be_visible()
    region = page.get_by_role("region", name="Brokers")
    expect(region.get_by_role("link", name="Bea Bridge")).to_be_visible()
    expect(region.get_by_role("link", name="Ben Link")).to_be_visible()
    expect(region.get_by_role("link", name="Dana Drift")).to_have_count(0)
    every_chart_has_its_table(page)
    assert_accessible(page, "a community's neighbourhood")

    # 4. The coordinator opens the drifting regulars and follows a person.
    coord = new_page()
    login(coord, cora.email)
    coord.goto(pumps.get_absolute_url())
    coord.locator(".nav-more summary").click()  # the community's less-used tabs: More
    coord.get_by_role("link", name="Who stays").click()
    expect(coord.get_by_role("heading", name="Who stays in Pump maintenance")).to_be_visible()
    every_chart_has_its_table(coord)
    assert_accessible(coord, "who stays")
    coord.get_by_role("link", name="Drifting regulars").click()
    drifting = coord.get_by_role("region", name="Drifting regulars")
    expect(drifting.get_by_text("Send Dana a personal note")).to_be_visible()
    expect(drifting.get_by_role("link", name="Eli Steady")).to_have_count(0)
    assert_accessible(coord, "drifting regulars")
    drifting.get_by_role("link", name="Dana Drift").click()
    expect(coord.get_by_role("heading", name="Dana Drift")).to_be_visible()
