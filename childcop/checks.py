"""Refusing to run in production with the development secret."""

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
