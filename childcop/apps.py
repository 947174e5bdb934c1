from django.apps import AppConfig


class ChildcopConfig(AppConfig):
    """The project package itself: home page, health endpoint, template tags, shared helpers."""

    name = "childcop"
    verbose_name = "childcop"

    def ready(self):
        from . import aggregates, checks, converters  # noqa: F401 — registers the check and the "id" converter

        aggregates.connect()  # cached program-wide aggregates: invalidated on every write
