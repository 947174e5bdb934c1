from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied

from .client_ip import client_ip


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
    """Sign-up can be closed, or limited to the organisation's email domains; sign-in limits
    count by the person's address behind trusted proxies only (client_ip.py)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts. Wait a few minutes and try again, "
            "or reset your password."
        ),
    }

    def get_client_ip(self, request):
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def is_open_for_signup(self, request):
        return signup_open()

    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join("@" + d for d in settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(f"Sign-up is limited to addresses ending in {allowed}.")
        return email.lower()
