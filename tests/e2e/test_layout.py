"""Every page of the product, as every role sees it, on a phone and on a laptop.

At 390 px no page scrolls sideways (a wide table scrolls inside its own labelled region);
at 1366 px the navigation, and a community's tabs, are one line for every role; axe finds
nothing serious or critical on any page. The pages are those of the permission matrix
(tests/test_permissions.py): every URL pattern that answers a whole HTML page, opened at
390 px by every role that may open it, anonymous people included (a member's page and an
admin's of the same pattern differ in columns, buttons and navigation); a page that sends
the browser on elsewhere fails the walk. Django's admin site and the JSON API are not in it. axe checks each pattern once, on the visit of
the role that sees the most of it (the last in SIGNED_IN that may open it), so that it
covers every page without checking the same page six times.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.routes import walk
from tests.test_permissions import matrix_objects, rule_for, url_for

from .conftest import BLOCKING_IMPACTS, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SIGNED_IN = ["outsider", "member", "core", "coordinator", "sponsor", "admin"]
# Anonymous people open the way in: sign-in, sign-up, password reset, invitations.
ROLES = ["anonymous", *SIGNED_IN]


def widest_role(name):
    """The role whose visit to the pages of URL pattern `name` axe checks: of those that may
    open them, the one that sees the most."""
    return next(role for role in reversed(ROLES) if rule_for(name)[role] == 200)


def patterns_for(role):
    """The URL patterns (name, pattern) `role` may open (rule 200), but the admin site's and
    the API's (JSON, read with a token)."""
    return [
        (name, pattern) for name, pattern in walk()
        if name and not name.startswith(("admin:", "api:")) and rule_for(name)[role] == 200
    ]  # fmt: skip


# Every role's walk is cut in parts of about this many patterns, that run side by side.
PART_SIZE = 40
WALKS = [
    (role, part)
    for role in ROLES
    for part in range(max(1, round(len(patterns_for(role)) / PART_SIZE)))
]


def walk_of(role, part, objects, rhythm_objects, users):
    """(name, address) of the pages of part `part` of `role`'s walk."""
    parts = sum(1 for walk_role, _ in WALKS if walk_role == role)
    for name, pattern in patterns_for(role)[part::parts]:
        yield name, url_for(name, pattern, objects, rhythm_objects, users)


def signed_in_page(browser, live_server, client, viewport) -> Page:
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, reduced_motion="reduce"
    )  # no transitions under axe's contrast checks (see conftest)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": key, "value": morsel.value, "url": live_server.url}
         for key, morsel in client.cookies.items()]
    )  # fmt: skip
    return context.new_page()


SIDEWAYS = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= doc.clientWidth + 1) return [];
  return Array.from(document.querySelectorAll('body *'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.right > doc.clientWidth + 1
      && !e.closest('[data-scroll-region], .table-responsive, .visually-hidden'); })
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (e.className && e.className.baseVal === undefined ? '.' + e.className.split(' ').join('.') : ''));
}"""

NAV_LINES = """() => {
  const items = Array.from(document.querySelectorAll('nav.navbar .navbar-nav > li, nav.navbar .navbar-nav > .nav-item'))
    .filter(e => e.offsetParent !== null);
  return new Set(items.map(e => Math.round(e.getBoundingClientRect().top))).size;
}"""


# The navigation's items all lie within its bar (nothing cut off at the right, no page that
# scrolls sideways because of it).
NAV_OVERFLOW = """() => {
  const bar = document.querySelector('nav.navbar > div').getBoundingClientRect();
  return Array.from(document.querySelectorAll('nav.navbar .navbar-nav > li'))
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > bar.right + 1)
    .map(e => e.textContent.trim());
}"""

# A long name, as many people have: the navigation shows it cut short, on one line.
LONG_NAME = "Alexandra Montgomery-Fitzgerald Oyelaran"

# A box that scrolls sideways inside the page, its content out of sight, other than a
# labelled region made for it (a wide table's): e.g. CSS columns in a box of fixed height.
HIDDEN_SIDEWAYS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
    && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
    && !e.matches('[data-scroll-region], .table-responsive'))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))"""

TAB_ROWS = """() => {
  const tabs = Array.from(document.querySelectorAll('nav.community-tabs > .nav-tabs > li'));
  return new Set(tabs.map(e => Math.round(e.getBoundingClientRect().top))).size;
}"""


def open_page(page, url) -> str:
    """Opens `url`: "" when it is a whole HTML page, else what it is instead (a download, a
    fragment for htmx, JSON), which the walk does not lay out."""
    try:
        response = page.goto(url, wait_until="domcontentloaded")  # the styles are in by then
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return "a download"
        raise
    assert response.request.redirected_from is None, f"{url} was sent on to {page.url}"
    assert response.status == 200, f"{url} answered {response.status} in the browser"
    kind = response.headers.get("content-type", "").split(";")[0]
    if kind != "text/html":
        return kind
    return "" if b"<html" in response.body()[:2000] else "a fragment of a page"


@pytest.mark.parametrize("role,part", WALKS)
def test_every_page_fits_a_phone_and_the_navigation_one_line(
    browser, live_server, users, clients, community, role, part
):
    objects, rhythm_objects = matrix_objects(users, community)
    sideways, findings, pages, other = [], [], 0, {}
    phone = signed_in_page(browser, live_server, clients[role], PHONE)
    for name, url in walk_of(role, part, objects, rhythm_objects, users):
        if kind := open_page(phone, url):
            other[name] = kind
            continue
        pages += 1
        if phone.evaluate("document.documentElement.scrollWidth > innerWidth + 1"):
            sideways.append(f"{name} {url}: {phone.evaluate(SIDEWAYS)}")
        if hidden := phone.evaluate(HIDDEN_SIDEWAYS):
            sideways.append(f"{name} {url}: scrolls sideways inside {hidden}")
        if widest_role(name) != role:
            continue  # axe checks each page pattern once, as the role that sees the most of it
        for violation in axe_violations(phone):
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"][:3]]
                findings.append(f"{name}: {violation['id']} at {targets}")
    phone.context.close()
    # the walk found this role's pages; the rest are downloads, JSON and htmx fragments
    assert pages >= 5 and pages > len(other), f"{pages} pages; not pages: {other}"
    assert not sideways, f"Pages that scroll sideways at 390 px as {role}:\n" + "\n".join(sideways)
    assert not findings, f"axe, serious or critical, as {role}:\n" + "\n".join(findings)
    if part:
        return  # the navigation and the tabs are checked once per role
    if users[role] is not None:
        users[role].display_name = LONG_NAME
        users[role].is_staff = role == "admin"  # the demo's admin opens Django's admin too
        users[role].save(update_fields=["display_name", "is_staff"])
    laptop = signed_in_page(browser, live_server, clients[role], LAPTOP)
    laptop.goto("/" if users[role] else reverse("account_login"), wait_until="load")
    lines = laptop.evaluate(NAV_LINES)
    overflow = laptop.evaluate(NAV_OVERFLOW)
    wide = laptop.evaluate("document.documentElement.scrollWidth > innerWidth + 1")
    assert not overflow and not wide, f"At 1366 px for {role}, cut off: {overflow}"
    if users[role] is None:  # anonymous: the way in (the brand alone), no community's tabs
        laptop.context.close()
        assert lines <= 1, f"The navigation takes {lines} lines at 1366 px for {role}"
        return
    laptop.goto(community.get_absolute_url(), wait_until="load")
    tab_rows = laptop.evaluate(TAB_ROWS)
    more = laptop.locator("nav.community-tabs summary")
    more.focus()
    laptop.keyboard.press("Enter")  # the less-used tabs open from the keyboard
    in_more = laptop.locator("nav.community-tabs .nav-more-menu a").first.is_visible()
    laptop.context.close()
    assert lines == 1, f"The navigation takes {lines} lines at 1366 px for {role}"
    assert tab_rows == 1, f"The community's tabs take {tab_rows} rows at 1366 px for {role}"
    assert in_more
