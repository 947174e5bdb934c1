from django.apps import AppConfig


class SponsorshipConfig(AppConfig):
    name = "sponsorship"
    verbose_name = "Sponsorship"
