from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childcop.accounts"
    label = "accounts"
    verbose_name = "Accounts"
