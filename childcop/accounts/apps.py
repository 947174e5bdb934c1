from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childcop.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import two_step

        two_step.connect()  # two-step sign-in recorded in the session when set up
        # allauth counts each sign-in under a short cache lock and answers "too many" (429)
        # when it waits more than a second for it: a busy office signing in at nine behind
        # one address would be refused for no attempt of its own. It may wait longer here.
        from allauth.core.internal import ratelimit

        ratelimit.CACHE_LOCK_WAIT_TIMEOUT = 5
