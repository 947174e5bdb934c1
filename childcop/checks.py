"""Deployment checks: no development secret in production, strict security headers, a cache
shared by every process (sign-in limits), two-step sign-in for program admins."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "DJANGO_SECRET_KEY is not set. Production refuses the development secret; "
    "set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for local development."
)


@checks.register(checks.Tags.security, deploy=True)
def development_secret(app_configs=None, **kwargs):
    if settings.DEV_SECRET_IN_PRODUCTION:
        return [checks.Error(MESSAGE, id="childcop.E001")]
    return []


def refuse_development_secret():
    """Called as the web server, the worker and beat start."""
    if settings.DEV_SECRET_IN_PRODUCTION:
        raise ImproperlyConfigured(MESSAGE)


HEADERS_MIDDLEWARE = "childcop.middleware.SecurityHeadersMiddleware"
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"}


@checks.register(checks.Tags.security, deploy=True)
def security_headers(app_configs=None, **kwargs):
    """The Content-Security-Policy is on and strict: nothing inline, no eval, no wildcard."""
    problems = []
    if HEADERS_MIDDLEWARE not in settings.MIDDLEWARE:
        problems.append(
            checks.Error(
                f"{HEADERS_MIDDLEWARE} is not in MIDDLEWARE: no Content-Security-Policy, "
                "Permissions-Policy or Cache-Control on signed-in pages.",
                id="childcop.E002",
            )
        )
    for directive, sources in settings.CHILDCOP_CONTENT_SECURITY_POLICY.items():
        loose = sorted(UNSAFE_SOURCES.intersection(sources))
        if loose:
            problems.append(
                checks.Error(
                    f"CHILDCOP_CONTENT_SECURITY_POLICY's {directive} allows {', '.join(loose)}.",
                    id="childcop.E003",
                )
            )
    return problems


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def shared_cache(app_configs=None, **kwargs):
    """Sign-in limits count in the default cache: every web process must see the same one."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                f"The default cache is {backend.rsplit('.', 1)[-1]}: each web process would "
                "keep its own sign-in limits. Set CACHE_URL to Redis, or leave it unset for "
                "the file cache under var/.",
                id="childcop.E004",
            )
        ]
    return []


TWO_STEP_MIDDLEWARE = "childcop.middleware.TwoStepSignInMiddleware"
AUTHENTICATION_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@checks.register(checks.Tags.security, deploy=True)
def two_step_sign_in(app_configs=None, **kwargs):
    """Program admins and the Django admin's staff sign in in two steps (allauth's MFA, the
    middleware after authentication)."""
    middleware = list(settings.MIDDLEWARE)
    if (
        "allauth.mfa" in settings.INSTALLED_APPS
        and TWO_STEP_MIDDLEWARE in middleware
        and AUTHENTICATION_MIDDLEWARE in middleware
        and middleware.index(TWO_STEP_MIDDLEWARE) > middleware.index(AUTHENTICATION_MIDDLEWARE)
    ):
        return []
    return [
        checks.Error(
            f"Two-step sign-in is not enforced: 'allauth.mfa' must be installed and "
            f"{TWO_STEP_MIDDLEWARE} in MIDDLEWARE after {AUTHENTICATION_MIDDLEWARE}.",
            id="childcop.E010",
        )
    ]
