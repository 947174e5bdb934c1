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

from childcop.accounts.signin_origins import signin_origins

NO_STORE = "private, no-store"


def header_value(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.CHILDCOP_PERMISSIONS_POLICY.items()
        )

    def csp(self) -> str:
        """The policy, its form-action also allowing the organisation's sign-in, where the
        login page's buttons are redirected (childcop/accounts/signin_origins.py)."""
        policy = dict(settings.CHILDCOP_CONTENT_SECURITY_POLICY)
        policy["form-action"] = [*policy.get("form-action", []), *signin_origins()]
        return header_value(policy)

    def __call__(self, request):
        response = self.get_response(request)
        # Django's own debug pages (DEBUG only) style themselves inline.
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", self.csp())
        response.headers.setdefault("Permissions-Policy", self.permissions)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if "Cache-Control" not in response.headers and (
            signed_in or "Content-Disposition" in response.headers
        ):
            response.headers["Cache-Control"] = NO_STORE
        return response


class TwoStepSignInMiddleware:
    """Program admins (and staff, in the Django admin) sign in in two steps before anything
    else: without a second step in their session they are sent to set up an authenticator,
    or to give their second step (the rule: childcop.permissions.two_step). An htmx request
    is told to go there as a whole page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django_htmx.http import HttpResponseClientRedirect

        from childcop import permissions

        url = permissions.two_step_setup_url(request)
        if url is None:
            return None
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


class DatabaseUnavailableMiddleware:
    """A database that is down, restarting, locked past its wait or cutting a statement
    that ran too long answers the "try again shortly" page (503), not an error page.

    This catches what a view raises; what the middleware around it raises (the session,
    the signed-in person) reaches `childcop.views.server_error`, which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from childcop.views import DATABASE_UNAVAILABLE, database_unavailable

        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


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
