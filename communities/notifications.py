"""Emails about communities. Each is claimed before it is sent, so it goes out once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from childcop.accounts.models import SentEmail

from .models import Membership


def claim(recipient, kind: str, key: str) -> bool:
    """Insert the claim row; False when this email was already claimed (and sent)."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(recipient=recipient, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def send_added_to_community(membership_id: int) -> bool:
    membership = (
        Membership.objects.select_related("community", "user", "added_by")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:  # removed again before the job ran
        return False
    user = membership.user
    if not user.is_active or not user.notify_community_news:
        return False
    with transaction.atomic():
        if not claim(user, "added_to_community", str(membership.pk)):
            return False
        context = {
            "membership": membership,
            "community": membership.community,
            "user": user,
            "url": settings.SITE_URL + membership.community.get_absolute_url(),
            "preferences_url": settings.SITE_URL + "/account/profile/",
        }
        message = EmailMultiAlternatives(
            subject=f"You have been added to {membership.community.name}",
            body=render_to_string("communities/email/added.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("communities/email/added.html", context), "text/html"
        )
        message.send()
    return True
