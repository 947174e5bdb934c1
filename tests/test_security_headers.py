"""Security headers: a strict Content-Security-Policy, a Permissions-Policy, and no caching of
signed-in pages or exports — read from real responses through the production middleware.

The templates are read too: the policy allows nothing inline, so no template may hold an
inline script, a `<style>` block, a `style="…"` attribute, an `on…=` handler, a `javascript:`
address or an htmx feature that needs eval (`hx-on`, trigger filters, `js:` values). E-mail
templates are not served to browsers and may style themselves inline. The browser journeys (tests/e2e/) fail
on any policy violation the browser reports.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

import childcop.settings as production
from childcop.middleware import SecurityHeadersMiddleware

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# What production runs (childcop/settings.py, DEBUG off), served over HTTPS.
PRODUCTION = override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
STRICT_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
NOT_ALLOWED = re.compile(
    r"<script(?![^>]*\ssrc=)[^>]*>"  # an inline script
    r"|<style[\s>]"  # a style block
    r"|\sstyle\s*="  # a style attribute
    r"|\son[a-z]+\s*="  # an event handler attribute
    r"|\shx-on[:-]"  # htmx's inline handlers (eval)
    r"|[\"'\s]javascript:"  # a javascript: address
    r"|hx-vals=['\"]\s*js:",  # htmx computed values (eval)
    re.IGNORECASE,
)
TRIGGER = re.compile(r"""hx-trigger=(["'])(.*?)\1""")
# An htmx trigger filter (evaluated): `click[ctrlKey]`, `every 30s [this.dataset.dirty]`; not
# the brackets of a CSS selector in `from:input[type=search]`.
TRIGGER_FILTER = re.compile(r"\s*(?:every\s+\S+\s*|[\w:.-]+)\[")


def refused(text):
    """(offset, what) of everything in a template that the policy refuses."""
    for match in NOT_ALLOWED.finditer(text):
        yield match.start(), match.group(0).strip()
    for match in TRIGGER.finditer(text):
        for spec in match.group(2).split(","):
            if TRIGGER_FILTER.match(spec):
                yield match.start(), f"hx-trigger filter {spec.strip()!r}"


def assert_strict_headers(response):
    policy = {d.strip() for d in response.headers["Content-Security-Policy"].split(";")}
    assert policy >= STRICT_CSP, policy
    assert not any("unsafe" in directive for directive in policy), policy
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def assert_not_stored(response):
    directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response.headers["Cache-Control"]


def test_the_tests_run_the_production_middleware():
    assert settings.MIDDLEWARE == production.MIDDLEWARE
    assert "childcop.middleware.SecurityHeadersMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
@PRODUCTION
def test_a_signed_in_page_and_an_export_in_production(clients, community):
    page = clients["coordinator"].get(
        reverse("communities:detail", args=[community.slug]), secure=True
    )
    assert page.status_code == 200
    assert_strict_headers(page)
    assert_not_stored(page)
    assert not list(refused(page.content.decode()))

    export = clients["coordinator"].get(
        reverse("communities:members_export", args=[community.slug]), secure=True
    )
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert export["Content-Disposition"].startswith("attachment")
    assert_strict_headers(export)
    assert_not_stored(export)

    # Nobody signed in: the sign-in page carries the policy; plain http is sent to https.
    login = clients["anonymous"].get(reverse("account_login"), secure=True)
    assert login.status_code == 200
    assert_strict_headers(login)
    redirect = clients["anonymous"].get(reverse("account_login"))
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")


@pytest.mark.django_db
@PRODUCTION
def test_calendar_feeds_are_not_stored(clients, community, member):
    """Feeds are read with a secret address, nobody signed in: they are personal all the same."""
    member.calendar_token = "a-secret-token-for-the-test"
    member.save(update_fields=["calendar_token"])
    for url in (
        reverse("calendar_community", args=[community.calendar_token]),
        reverse("calendar_mine", args=[member.calendar_token]),
    ):
        feed = clients["anonymous"].get(url, secure=True)
        assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
        assert_strict_headers(feed)
        assert_not_stored(feed)


def test_any_download_is_not_stored_and_a_views_own_cache_control_stays():
    request = RequestFactory().get("/")  # nobody signed in

    def page(request):
        return HttpResponse("<p>Hello</p>")

    def attachment(request):
        response = HttpResponse("a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    def cached(request):
        response = HttpResponse()
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    assert "Cache-Control" not in SecurityHeadersMiddleware(page)(request)
    assert_not_stored(SecurityHeadersMiddleware(attachment)(request))
    kept = SecurityHeadersMiddleware(cached)(request)
    assert kept["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_templates_hold_nothing_the_policy_refuses():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "email" in path.relative_to(TEMPLATES).parts:
            continue
        text = path.read_text()
        for offset, what in refused(text):
            line = text.count("\n", 0, offset) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "inline script, style or handler in templates:\n" + "\n".join(found)


def test_check_deploy_refuses_a_missing_or_loose_policy():
    from childcop.checks import security_headers

    assert security_headers() == []
    without = [m for m in settings.MIDDLEWARE if not m.endswith("SecurityHeadersMiddleware")]
    with override_settings(MIDDLEWARE=without):
        assert [e.id for e in security_headers()] == ["childcop.E002"]
    loose = {
        **settings.CHILDCOP_CONTENT_SECURITY_POLICY,
        "style-src": ["'self'", "'unsafe-inline'"],
    }
    with override_settings(CHILDCOP_CONTENT_SECURITY_POLICY=loose):
        assert [e.id for e in security_headers()] == ["childcop.E003"]


@pytest.mark.django_db
def test_a_refused_form_is_the_products_page_not_djangos_inline_styled_one(member):
    """Django's own CSRF failure page styles itself inline; the product has its own."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("profile"), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be sent" in html and not list(refused(html))
    assert "Content-Security-Policy" in response.headers
