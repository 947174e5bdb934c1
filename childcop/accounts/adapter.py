from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings


def email_domain_allowed(email: str) -> bool:
    domains = settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS
    if not domains:
        return True
    return email.rsplit("@", 1)[-1].lower() in domains


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up can be closed, or limited to the organisation's email domains."""

    def is_open_for_signup(self, request):
        return settings.CHILDCOP_SIGNUP_OPEN

    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join("@" + d for d in settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(f"Sign-up is limited to addresses ending in {allowed}.")
        return email.lower()
