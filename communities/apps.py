from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self):
        from .landscape import retention_writes

        # the retention page's settled parts: invalidated by the writes that change them
        retention_writes.connect()
