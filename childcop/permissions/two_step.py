"""Two-step sign-in (allauth's MFA): who must sign in in two steps, and what they reach until
they have.

* Program admins (the social learning team) sign in in two steps for every page, and anyone
  with the Django admin's staff flag does for the admin (`/admin/`). Everyone else may turn
  it on from their profile.
* A session counts as two-step only when allauth recorded a second step in it: a code from
  an authenticator app, a recovery code, a security key or a passkey (`signed_in_two_step`).
  A password alone, or a session opened some other way, does not.
* Until then they reach only what they need to give their second step, or to set up an
  authenticator when they have none (`OPEN_BEFORE_TWO_STEP`, `OPEN_TO_SET_UP`): signing
  out, confirming their email address, `/healthz`, the second-step pages, and the pages to
  set up an app or a key. Anything else sends them to set up an authenticator when they have
  none, else to give their second step (`two_step_setup_url`); the middleware
  `childcop.middleware.TwoStepSignInMiddleware` applies this to every request.
* Someone who must sign in in two steps cannot remove their last authenticator app or
  security key (`can_remove_authenticator`).
"""

from __future__ import annotations

from .core import is_program_admin

# The URL names reachable before the second step (allauth's names; `healthz` is ours) ...
OPEN_BEFORE_TWO_STEP = frozenset(
    {
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "account_logout",
        "account_confirm_email",
        "healthz",
    }
)
# ... and, to someone who has no authenticator yet, the pages to set one up (an address
# must be verified first, and a password confirmed a while after signing in).
OPEN_TO_SET_UP = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
    }
)


def requires_two_step(user, path: str = "") -> bool:
    """Program admins everywhere; staff in the Django admin (a path under /admin/)."""
    from django.urls import reverse

    if not (user.is_authenticated and user.is_active):
        return False
    return is_program_admin(user) or (user.is_staff and path.startswith(reverse("admin:index")))


def signed_in_two_step(request) -> bool:
    """Whether allauth recorded a second step in this session (no query: the session)."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_authenticator(user) -> bool:
    """An authenticator app or a security key (recovery codes only back them up)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


def two_step_setup_url(request) -> str | None:
    """Where this request is sent before anything else, or None when it may go on."""
    from django.contrib.auth import REDIRECT_FIELD_NAME
    from django.urls import reverse
    from django.utils.http import urlencode

    name = request.resolver_match.view_name if request.resolver_match else None
    if name in OPEN_BEFORE_TWO_STEP:
        return None
    if not requires_two_step(request.user, request.path) or signed_in_two_step(request):
        return None
    if not has_authenticator(request.user):
        return None if name in OPEN_TO_SET_UP else reverse("mfa_index")
    next_url = request.get_full_path() if request.method == "GET" else reverse("home")
    return reverse("mfa_reauthenticate") + "?" + urlencode({REDIRECT_FIELD_NAME: next_url})


def can_remove_authenticator(authenticator) -> bool:
    """Recovery codes always; an app or key unless it is the last of someone who must sign
    in in two steps (the Django admin's staff included)."""
    from allauth.mfa.models import Authenticator

    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return True
    user = authenticator.user
    if not (is_program_admin(user) or user.is_staff):
        return True
    others = Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exclude(pk=authenticator.pk)
    return others.exists()
