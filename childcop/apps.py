from django.apps import AppConfig


class ChildcopConfig(AppConfig):
    """The project package itself: home page, health endpoint, template tags, shared helpers."""

    name = "childcop"
    verbose_name = "childcop"

    def ready(self):
        from . import aggregates, checks, converters, lookups  # noqa: F401 — registers the check and the "id" converter
        from .forms import bound_dates

        bound_dates()  # every form's dates between FIRST_YEAR and LAST_YEAR
        lookups.register()  # `__in` on integer columns drops ids no column can hold
        aggregates.connect()  # cached program-wide aggregates: invalidated on every write
        from django.contrib.auth.signals import user_logged_in

        from .context_processors import remember_sponsor_on_login

        # the navigation's "Sponsor dashboard", learnt once at sign-in
        user_logged_in.connect(remember_sponsor_on_login, dispatch_uid="remember_sponsor")
