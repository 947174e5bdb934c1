from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "childcop.api"
    label = "api"
    verbose_name = "Reporting API"

    def ready(self):
        from . import schema  # noqa: F401 — the bearer token's OpenAPI security scheme
