"""Signals that become audit entries: sign-ins and failed sign-ins (Django's, which allauth's
sign-in sends too), and changes of two-factor methods (allauth's MFA, when installed)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .choices import Action
from .services import record


def signed_in(sender, request, user, **kwargs):
    record(user, Action.SIGNED_IN, subject=user, request=request)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    """The address typed names an account: that account is the entry's subject. An address
    no account has is kept as typed (it names nobody we hold), but only when it is an email
    address: someone who typed their password in the wrong field must not find it here."""
    typed = str(credentials.get("email") or credentials.get("username") or "").strip()
    account = get_user_model().objects.filter(email__iexact=typed).first() if typed else None
    try:
        validate_email(typed)
    except ValidationError:
        typed = "(not an email address)"
    detail = "" if account is not None else f"address typed: {typed}"
    record(None, Action.SIGN_IN_FAILED, subject=account, detail=detail, request=request)


def _mfa(action):
    def receiver(sender, request, user, authenticator, **kwargs):
        kind = getattr(authenticator, "get_type_display", lambda: "")()
        record(user, action, subject=user, detail=kind, request=request)

    receiver.__name__ = f"mfa_{action}"
    return receiver


MFA_RECEIVERS = {
    "authenticator_added": _mfa(Action.MFA_ADDED),
    "authenticator_removed": _mfa(Action.MFA_REMOVED),
    "authenticator_reset": _mfa(Action.MFA_RESET),
}


def connect():
    user_logged_in.connect(signed_in, dispatch_uid="audit_signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit_sign_in_failed")
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa import signals

        for name, receiver in MFA_RECEIVERS.items():
            getattr(signals, name).connect(receiver, dispatch_uid=f"audit_{name}")
