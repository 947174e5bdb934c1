"""Security headers on every response: a strict Content-Security-Policy, a Permissions-Policy,
and no caching of what a signed-in person sees or of any export.

Django 5.2 has no Content-Security-Policy of its own. The policy allows scripts, styles,
fonts and fetches from the site itself only: no inline `<script>`, `<style>`, `style="…"`
or `on…=` handler, no `eval` (htmx is told so in templates/base.html). The policy and the
Permissions-Policy are settings (CHILDCOP_CONTENT_SECURITY_POLICY, CHILDCOP_PERMISSIONS_POLICY).

`Cache-Control: private, no-store` goes on every response to a signed-in person and on every
download (a `Content-Disposition` response: CSV exports, calendar feeds), unless the view set
its own Cache-Control. Static files are served before this middleware and stay cacheable.
"""

from django.conf import settings
from django.utils import timezone

NO_STORE = "private, no-store"


def header_value(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = header_value(settings.CHILDCOP_CONTENT_SECURITY_POLICY)
        self.permissions = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.CHILDCOP_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        # Django's own debug pages (DEBUG only) style themselves inline.
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if "Cache-Control" not in response.headers and (
            signed_in or "Content-Disposition" in response.headers
        ):
            response.headers["Cache-Control"] = NO_STORE
        return response


class TimeZoneMiddleware:
    """Every page in the signed-in person's own time zone (their profile's); the program's
    (settings.TIME_ZONE) for everyone else. Forms read the times typed into them in it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
