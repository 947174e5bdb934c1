"""Every view of the product declares the HTTP methods it answers.

A view that takes any method lets a POST run a read-only page (and its side effects, such as a
CSV export or a cache fill) and hides mistakes such as a form posted to the wrong address. So
every URL pattern of ours must reach a view wrapped by `require_GET`, `require_POST` or
`require_http_methods`, and any other method answers 405.
"""

import pytest
from django.urls import get_resolver

from .routes import walk

# Third-party views (allauth's, Django admin's and its model pages) declare their own methods.
THIRD_PARTY = ("allauth.", "django.contrib.")


def declared_methods(view):
    """The methods a view's `require_http_methods` wrapper allows, or None if it has none."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = view.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def our_patterns():
    for name, pattern in walk():
        module = getattr(pattern.callback, "__module__", "") or ""
        if not module.startswith(THIRD_PARTY) and not (name or "").startswith("admin:"):
            yield name or str(pattern.pattern), pattern


def test_the_walk_sees_our_views():
    names = {name for name, _ in our_patterns()}
    assert {"home", "communities:detail", "sponsorship:dashboard", "program:overview"} <= names


def test_every_view_declares_its_http_methods():
    undeclared = [
        name for name, pattern in our_patterns() if not declared_methods(pattern.callback)
    ]
    assert not undeclared, f"views that accept any HTTP method: {sorted(undeclared)}"


def test_views_allow_only_get_head_and_post():
    odd = {
        name: sorted(methods)
        for name, pattern in our_patterns()
        if (methods := declared_methods(pattern.callback)) and methods - {"GET", "HEAD", "POST"}
    }
    assert not odd, f"views allowing other methods: {odd}"


@pytest.mark.django_db
def test_an_undeclared_method_answers_405(clients):
    """The declaration is what runs: PUT and DELETE to read and write pages answer 405."""
    get_resolver()  # the URLconf is loaded
    for url in (
        "/",
        "/communities/",
        "/program/",
        "/stories/",
        "/sponsorship/support/sponsor-map/",
    ):
        for method in ("PUT", "DELETE", "PATCH"):
            response = clients["admin"].generic(method, url)
            assert response.status_code == 405, (url, method, response.status_code)
