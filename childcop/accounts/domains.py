"""Which email addresses may be invited into the program.

Invitations follow sign-up's allowed domains (`CHILDCOP_SIGNUP_EMAIL_DOMAINS`) plus the
domains the program admins allow in the admin (`InvitationDomain`). With neither, nobody is
invited: an attendance import then matches accounts only, and its preview says why.
"""

from __future__ import annotations

from django.conf import settings


def invitation_domains() -> frozenset[str]:
    """The domains whose addresses may be invited (one query)."""
    from .models import InvitationDomain

    extra = InvitationDomain.objects.values_list("domain", flat=True)
    return frozenset(d.lower() for d in settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS) | frozenset(extra)


def invitation_allowed(email: str, domains: frozenset[str] | None = None) -> bool:
    """Whether `email` may be invited (`domains`: `invitation_domains()`, when known)."""
    if domains is None:
        domains = invitation_domains()
    return email.rsplit("@", 1)[-1].strip().lower() in domains
