"""The foundation journey in a real browser: a program admin launches a community,
a colleague finds it, joins it, and both of them see the membership where they look for it.
Every page on the way gets an axe scan."""

import re

import pytest
from playwright.sync_api import expect

from communities.choices import Stage
from communities.factories import CommunityFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMMUNITY = "Data stewardship circle"
OBJECTIVE = "Publish a shared data-quality checklist"


def test_admin_launches_a_community_and_a_colleague_joins_it(new_page, program_admin, joiner):
    # Another visible community, so the search below has something to filter out.
    CommunityFactory(name="Field safety network", domain="Safety on site", stage=Stage.COALESCING)

    # (1) The program admin signs in and launches the community.
    admin = new_page()
    login(admin, program_admin.email)
    expect(admin.get_by_role("heading", name="The program at a glance")).to_be_visible()
    assert_accessible(admin, "home page (program admin)")

    admin.get_by_role("link", name="New community").click()
    expect(admin).to_have_url(re.compile(r"/communities/new/$"))
    expect(admin.get_by_role("heading", name="New community of practice")).to_be_visible()
    assert_accessible(admin, "community create form")

    admin.get_by_role("textbox", name="Name", exact=True).fill(COMMUNITY)
    admin.get_by_role("textbox", name="Domain", exact=True).fill("Data governance and stewardship")
    admin.get_by_role("combobox", name="Lifecycle stage").select_option(label="Coalescing")
    admin.get_by_role("textbox", name="Purpose").fill(
        "Stewards help each other keep **our data** trustworthy."
    )
    admin.locator("#id_objectives-0-title").fill(OBJECTIVE)
    admin.get_by_role("button", name="Create community").click()

    expect(admin).to_have_url(re.compile(r"/communities/data-stewardship-circle/$"))
    expect(admin.get_by_role("heading", level=1)).to_have_text(COMMUNITY)
    expect(admin.get_by_role("alert")).to_contain_text(f"{COMMUNITY} was created.")
    expect(admin.get_by_text(OBJECTIVE)).to_be_visible()
    expect(admin.locator(".prose strong", has_text="our data")).to_be_visible()  # Markdown
    expect(admin.locator(".stage-badge").first).to_have_text("Coalescing")
    assert_accessible(admin, "community page (program admin)")

    # (2) A colleague, in a separate browser session, finds the community and joins it.
    member = new_page()
    login(member, joiner.email)
    assert_accessible(member, "home page (member)")
    member.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    expect(member.get_by_role("heading", name="Communities of practice")).to_be_visible()
    results = member.locator("#results")
    expect(results.get_by_role("link", name="Field safety network")).to_be_visible()
    assert_accessible(member, "communities list")

    member.get_by_role("searchbox", name="Search").fill("stewardship")
    expect(results.get_by_role("link", name="Field safety network")).to_have_count(0)
    expect(results.get_by_role("link", name=COMMUNITY)).to_be_visible()
    results.get_by_role("link", name=COMMUNITY).click()

    expect(member.get_by_role("heading", level=1)).to_have_text(COMMUNITY)
    member.get_by_role("button", name="Join this community").click()
    expect(member.get_by_role("alert")).to_contain_text(f"Welcome to {COMMUNITY}!")
    expect(member.get_by_text("You: Peripheral")).to_be_visible()
    expect(member.get_by_role("button", name="Join this community")).to_have_count(0)
    assert_accessible(member, "community page (new member)")

    # (3) The admin reloads the community page and the member directory: the colleague is in.
    admin.reload()
    newest = admin.get_by_role("heading", name="Newest members").locator("xpath=..")
    expect(newest).to_contain_text(joiner.display_name)
    admin.get_by_role("link", name="Member directory").click()
    expect(admin.get_by_role("heading", name=f"Members of {COMMUNITY}")).to_be_visible()
    row = admin.locator("#results tbody tr", has_text=joiner.display_name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Peripheral")
    assert_accessible(admin, "member directory (program admin)")

    # (4) The colleague's home page lists the community under "My communities".
    member.get_by_role("link", name="Home").click()
    mine = member.get_by_role("region", name="My communities")
    expect(mine.get_by_role("link", name=COMMUNITY)).to_be_visible()
    expect(mine).to_contain_text("Peripheral")
    expect(mine).not_to_contain_text("You are not a member of any community yet")


def test_person_without_communities_sees_the_empty_state(page, joiner):
    login(page, joiner.email)
    mine = page.get_by_role("region", name="My communities")
    expect(mine).to_contain_text("You are not a member of any community yet.")
    expect(mine.get_by_role("link", name="Find a community")).to_be_visible()


def test_anonymous_visitor_is_sent_to_the_login_page(page):
    page.goto("/communities/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/communities/$"))
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    expect(page.get_by_role("link", name="Communities")).to_have_count(0)
    assert_accessible(page, "login page")


def test_wrong_password_shows_an_error_on_the_login_form(page, joiner):
    login(page, joiner.email, "not-the-password", expect_success=False)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("form").get_by_role("alert")).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page, "login page with an error")
