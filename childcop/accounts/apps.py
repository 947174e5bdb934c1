from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childcop.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import two_step

        two_step.connect()  # two-step sign-in recorded in the session when set up
