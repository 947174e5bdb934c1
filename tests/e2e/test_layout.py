"""Every page of the product, as every role sees it, on a phone and on a laptop.

At 390 px no page scrolls sideways (a wide table scrolls inside its own labelled region);
at 1366 px the navigation, and a community's tabs, are one line for every role; axe finds nothing serious or critical
on any page. The pages are those of the permission matrix (tests/test_permissions.py): every
URL pattern that answers a whole HTML page, each opened once, by the role that sees the most
of it (the last in SIGNED_IN that may open it: a program admin's overview has the columns and
buttons a member's lacks), so that the phone walk and axe cover every page without drawing
the same page six times.
"""

import pytest
from playwright.sync_api import Page

from tests.routes import walk
from tests.test_permissions import matrix_objects, rule_for, url_for

from .conftest import BLOCKING_IMPACTS, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SIGNED_IN = ["outsider", "member", "core", "coordinator", "sponsor", "admin"]


def widest_role(name):
    """The role that opens the pages of URL pattern `name` in the phone walk: of those that
    may open them, the one that sees the most."""
    return next(role for role in reversed(SIGNED_IN) if rule_for(name)[role] == 200)


# Most pages fall to the program admin: that walk is cut in parts that run side by side.
ADMIN_PARTS = 3
WALKS = [(role, 0) for role in SIGNED_IN] + [("admin", part) for part in range(1, ADMIN_PARTS)]


def pages_for(role, part, clients, objects, rhythm_objects, users):
    """The addresses of the whole HTML pages `role` opens in part `part` of its walk, one per
    URL pattern."""
    names = [
        (name, pattern)
        for name, pattern in walk()
        if name and not name.startswith("admin:") and rule_for(name)[role] == 200
        and widest_role(name) == role
    ]  # fmt: skip
    parts = ADMIN_PARTS if role == "admin" else 1
    for name, pattern in names[part::parts]:
        url = url_for(name, pattern, objects, rhythm_objects, users)
        response = clients[role].get(url)
        page = response["Content-Type"].startswith("text/html") and b"<html" in response.content
        if response.status_code == 200 and page:
            yield name, url


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


TAB_ROWS = """() => {
  const tabs = Array.from(document.querySelectorAll('nav.community-tabs > .nav-tabs > li'));
  return new Set(tabs.map(e => Math.round(e.getBoundingClientRect().top))).size;
}"""


@pytest.mark.parametrize("role,part", WALKS)
def test_every_page_fits_a_phone_and_the_navigation_one_line(
    browser, live_server, users, clients, community, role, part
):
    objects, rhythm_objects = matrix_objects(users, community)
    sideways, findings, pages = [], [], 0
    phone = signed_in_page(browser, live_server, clients[role], PHONE)
    for name, url in pages_for(role, part, clients, objects, rhythm_objects, users):
        pages += 1
        phone.goto(url, wait_until="domcontentloaded")  # the styles are in by then
        if phone.evaluate("document.documentElement.scrollWidth > innerWidth + 1"):
            sideways.append(f"{name} {url}: {phone.evaluate(SIDEWAYS)}")
        for violation in axe_violations(phone):
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"][:3]]
                findings.append(f"{name}: {violation['id']} at {targets}")
    phone.context.close()
    if role == "admin":  # the walk found the product's pages (most fall to the admin)
        assert pages > 25 // ADMIN_PARTS
    assert not sideways, f"Pages that scroll sideways at 390 px as {role}:\n" + "\n".join(sideways)
    assert not findings, f"axe, serious or critical, as {role}:\n" + "\n".join(findings)
    if part:
        return  # the navigation and the tabs are checked once per role
    laptop = signed_in_page(browser, live_server, clients[role], LAPTOP)
    laptop.goto("/", wait_until="load")
    lines = laptop.evaluate(NAV_LINES)
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
