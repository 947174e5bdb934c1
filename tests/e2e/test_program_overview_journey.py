"""A coordinator asks the social learning team for coaching; the program admin opens the
program overview, filters it by a flag, exports the filtered set as CSV, and takes the request
on in the support queue. Every page passes an axe scan (no serious or critical violations)."""

import csv
import re

import pytest
from playwright.sync_api import expect

from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory
from communities.health.jobs import refresh

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WITH_COORDINATOR = ["Harbour safety", "River logistics"]
WITHOUT_COORDINATOR = ["Lonely lab", "Quiet archive"]


def test_admin_filters_the_overview_by_a_flag_exports_csv_and_answers_support(
    new_page, program_admin, tmp_path
):
    communities = {}
    for name in WITH_COORDINATOR + WITHOUT_COORDINATOR:
        communities[name] = CommunityFactory(name=name, stage="maturing")
        MembershipFactory.create_batch(3, community=communities[name])
    cora = coordinator_cora(communities["Harbour safety"])
    CoordinatorFactory(community=communities["River logistics"])
    assert refresh() == 4  # what the hourly job (and "Recompute now") writes

    # 1. The coordinator asks for coaching from the community page.
    coord = new_page()
    login(coord, cora.email)
    coord.goto(communities["Harbour safety"].get_absolute_url())
    coord.get_by_role("link", name="Ask the social learning team for support").click()
    coord.get_by_label("Coaching").check()
    coord.get_by_label("What you need, and by when").fill("Coaching on facilitating a fishbowl.")
    coord.get_by_role("button", name="Send the request").click()
    expect(coord.get_by_text("Your request for coaching is in the social learning")).to_be_visible()
    expect(coord.get_by_text("Coaching on facilitating a fishbowl.")).to_be_visible()
    assert_accessible(coord, "ask for support")

    # 2. The program admin opens the overview: every community, with its flags.
    page = new_page()
    login(page, program_admin.email)
    page.get_by_role("link", name="Overview", exact=True).click()
    expect(page.get_by_role("heading", name="Program overview")).to_be_visible()
    table = page.locator("table.program-overview")
    for name in WITH_COORDINATOR + WITHOUT_COORDINATOR:
        expect(table.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_text("Figures as of")).to_be_visible()
    assert_accessible(page, "program overview")

    # 3. Filtered by a flag: only the communities that carry it (the table refreshes in place).
    page.get_by_label("Flag", exact=True).select_option("no_coordinator")
    expect(page).to_have_url(re.compile(r"flag=no_coordinator"))
    expect(table.locator("tbody tr")).to_have_count(2)
    # screen readers hear the new count: the polite live region outside the table is filled
    expect(page.locator("#overview-status")).to_have_text("2 communities match the filters.")
    expect(page.locator("#overview-status")).to_have_attribute("aria-live", "polite")
    for name in WITHOUT_COORDINATOR:
        expect(table.get_by_role("link", name=name)).to_be_visible()
    for name in WITH_COORDINATOR:
        expect(table.get_by_role("link", name=name)).to_have_count(0)
    first = table.locator("tbody tr").first
    expect(first.locator(".flag-badge", has_text="No coordinator")).to_be_visible()
    first.get_by_text("Why, and what to do").click()
    expect(first.get_by_text("Nobody coordinates this community.")).to_be_visible()
    assert_accessible(page, "overview filtered by a flag")

    # 4. The CSV export holds the same filtered set.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "overview.csv"
    download.value.save_as(path)
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    assert header[0] == "Community" and "Flags" in header
    assert [row[0] for row in rows] == WITHOUT_COORDINATOR
    flags = header.index("Flags")
    assert all("No coordinator" in row[flags] for row in rows)

    # 5. The support queue: the coordinator's request, taken on by the admin.
    page.get_by_role("link", name=re.compile(r"Support queue")).click()
    expect(
        page.get_by_role("heading", name="Support queue of the social learning team")
    ).to_be_visible()
    row = page.locator("tbody tr", has_text="Coaching on facilitating a fishbowl.")
    expect(row.get_by_text("Harbour safety")).to_be_visible()
    assert_accessible(page, "support queue")
    row.get_by_role("combobox", name=re.compile(r"^Assignee")).select_option(label="Ada Admin")
    row.get_by_role("combobox", name=re.compile(r"^Status")).select_option("in_progress")
    row.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Coaching for Harbour safety: in progress — assigned to Ada Admin.")
    ).to_be_visible()
    assert_accessible(page, "support queue after an update")

    # 6. The coordinator sees who took it on.
    coord.reload()
    expect(coord.get_by_text("Taken on by Ada Admin")).to_be_visible()
