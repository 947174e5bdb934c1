from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings


def email_domain_allowed(email: str) -> bool:
    domains = settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS
    if not domains:
        return True
    return email.rsplit("@", 1)[-1].lower() in domains


def signup_open() -> bool:
    """Whether people may sign up themselves (childcop/settings.py explains the defaults).

    Only while sign-up is on, with mandatory email verification (so that sign-up answers
    alike for known and unknown addresses), and, outside development, only for the
    organisation's domains: with none configured, production sign-up stays closed.
    """
    return bool(
        settings.CHILDCOP_SIGNUP_OPEN
        and settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
        and (settings.DEBUG or settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS)
    )


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up can be closed, or limited to the organisation's email domains."""

    def is_open_for_signup(self, request):
        return signup_open()

    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join("@" + d for d in settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(f"Sign-up is limited to addresses ending in {allowed}.")
        return email.lower()
