"""Two-step sign-in: what allauth's MFA does not do by itself.

* Its code forms speak the product's words (MFA_FORMS in the settings).
* Setting up an authenticator app or a security key proves it is at hand (a code it gave, or
  the key itself): the session counts as signed in in two steps from then on, so that a
  program admin made to set one up goes on to the page they asked for.
* Removing the last one from someone who must sign in in two steps
  (childcop.permissions.two_step) takes that away again: they are sent to set one up.
"""

from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
    record_authentication,
)
from allauth.core import context
from allauth.mfa import signals
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.db.models.signals import post_save

from childcop.validators import single_line

SECOND_STEPS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

CODE_HELP = "The 6-digit code your authenticator app shows now, or one of your recovery codes."


def as_code_field(field, label, help_text):
    field.label, field.help_text = label, help_text
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
    )
    field.widget.attrs.pop("placeholder", None)


class SecondStepForm(AuthenticateForm):
    """Signing in: the second step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        as_code_field(self.fields["code"], "Code", CODE_HELP)


class ConfirmSecondStepForm(ReauthenticateForm):
    """Confirming it is you before a sensitive change, or in a session without a second step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        as_code_field(self.fields["code"], "Code", CODE_HELP)


class SetUpAuthenticatorAppForm(ActivateTOTPForm):
    """Setting up an authenticator app: the code it shows proves it was set up right."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        as_code_field(
            self.fields["code"],
            "Code from the app",
            "The 6-digit code the app shows for childcop once you have scanned the QR code.",
        )


class AddSecurityKeyForm(AddWebAuthnForm):
    """Adding a security key or a passkey."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = "To tell your keys apart, e.g. “Blue key” or “My phone”."
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = "A passkey: it also signs me in without my password"
            self.fields[
                "passwordless"
            ].help_text = "Your phone, computer or key then asks for your fingerprint, face or PIN."


def authenticator_saved(sender, instance, created, **kwargs):
    """Set up by the person signed in, in this request (allauth's flows check the code or the
    key before saving it): recorded as their second step, before the response saves the
    session (allauth's own signal comes after the commit)."""
    request = context.request
    if not created or instance.type not in SECOND_STEPS or request is None:
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk == instance.user_id:
        record_authentication(request, user, "mfa", id=instance.pk, type=instance.type)


def authenticator_removed(sender, request, user, authenticator, **kwargs):
    from childcop import permissions

    if request is None or not permissions.requires_two_step(user):
        return
    if permissions.has_authenticator(user):
        return
    records = get_authentication_records(request, user)
    if records:
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            record for record in records if record.get("method") != "mfa"
        ]


def connect():
    post_save.connect(authenticator_saved, sender=Authenticator, dispatch_uid="childcop.two_step")
    signals.authenticator_removed.connect(
        authenticator_removed, dispatch_uid="childcop.two_step.removed"
    )


# The codes and a key's name are one line (childcop.validators): declared on the classes.
for _form, _name in [
    (SecondStepForm, "code"),
    (ConfirmSecondStepForm, "code"),
    (SetUpAuthenticatorAppForm, "code"),
    (AddSecurityKeyForm, "name"),
]:
    _field = _form.base_fields[_name]
    _field.validators = [*_field.validators, single_line]
