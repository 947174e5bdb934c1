from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import user_email
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied

from .client_ip import client_ip
from .domains import invitation_allowed


def email_domain_allowed(email: str) -> bool:
    domains = settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS
    if not domains:
        return True
    return email.rsplit("@", 1)[-1].lower() in domains


def domain_refusal() -> str:
    allowed = ", ".join("@" + d for d in settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS)
    return f"Sign-up is limited to addresses ending in {allowed}."


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
        return signup_open() and settings.CHILDCOP_PASSWORD_SIGNIN

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
        # Not the place for the domains: allauth also cleans the addresses a provider sends
        # with it, and single sign-on has its own rule (SocialAccountAdapter).
        return super().clean_email(email).lower()

    def validate_unique_email(self, email):
        """Adding an address to one's account: the sign-up domains hold."""
        if not email_domain_allowed(email):
            raise forms.ValidationError(domain_refusal())
        return super().validate_unique_email(email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: an account is created only for a verified address of the allowed
    domains (sign-up's and the admin's invitation domains); people who have one already are
    matched by verified email (SOCIALACCOUNT_EMAIL_AUTHENTICATION)."""

    def is_open_for_signup(self, request, sociallogin):
        email = (user_email(sociallogin.user) or "").lower()
        verified = {a.email.lower() for a in sociallogin.email_addresses if a.verified}
        return bool(email) and email in verified and invitation_allowed(email)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        given = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        name = data.get("name") or given or (user.email or "").split("@")[0]
        user.display_name = " ".join(name.split())[:150]  # one line, whatever was sent
        return user

    def authenticate_by_email(self, sociallogin):
        """allauth takes the password of an account matched by an address it has not seen
        verified (against someone who signed up with another's address). A break-glass
        account is made by the program admins, so it keeps its password: the provider has
        just verified its address."""
        found = super().authenticate_by_email(sociallogin)
        if found and found[0].break_glass:
            user, email = found
            if not EmailAddress.objects.filter(user=user, email__iexact=email).update(
                verified=True
            ):
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return found


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
