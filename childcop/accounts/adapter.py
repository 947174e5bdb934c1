from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
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

    def is_reauthentication_required(self, *, app, **kwargs):
        """Signing in counts as confirming it is you for a few minutes
        (ACCOUNT_REAUTHENTICATION_TIMEOUT): a program admin made to set up two-step sign-in
        right after signing in is not asked for their password again."""
        import time

        from allauth.account import app_settings
        from allauth.account.authentication import get_authentication_records
        from allauth.core import context

        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        latest = max((record.get("at", 0) for record in records), default=0)
        return time.time() - latest >= app_settings.REAUTHENTICATION_TIMEOUT

    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            allowed = ", ".join("@" + d for d in settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS)
            raise forms.ValidationError(f"Sign-up is limited to addresses ending in {allowed}.")
        return email.lower()


class MFAAdapter(DefaultMFAAdapter):
    """Two-step sign-in in the product's words; nobody who must sign in in two steps removes
    their last authenticator app or security key (childcop.permissions.two_step)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "The social learning team and the Django admin's staff sign in in two steps: "
            "add another authenticator app or security key before removing this one."
        ),
        "unverified_email": (
            "Verify your email address before setting up two-step sign-in: "
            "follow the link we sent you, or send it again from Email addresses."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        from childcop import permissions

        return permissions.can_remove_authenticator(authenticator)
