"""Emails about stories. Each is claimed (recipient, kind, transition) before it is sent."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from childcop.accounts.models import SentEmail

from .choices import Status
from .models import StoryTransition

KINDS = {
    Status.SUBMITTED: ("story_submitted", "A value-creation story awaits your review"),
    Status.RETURNED: ("story_returned", "Your value-creation story was returned with comments"),
    Status.APPROVED: ("story_approved", "Your value-creation story was approved"),
}


def claim(recipient, kind: str, key: str) -> bool:
    """Insert the claim row; False when this email was already claimed (and sent)."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(recipient=recipient, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def recipients_for(change):
    story = change.story
    if change.to_status == Status.SUBMITTED:
        return [
            m.user
            for m in story.community.memberships.coordinators().select_related("user")
            if m.user_id != story.author_id
        ]
    return [story.author] if story.author else []


def send_transition_emails(transition_id: int) -> int:
    """Email the people a transition concerns; returns how many emails went out."""
    change = (
        StoryTransition.objects.select_related("story__community", "story__author", "by")
        .filter(pk=transition_id)
        .first()
    )
    if change is None or change.to_status not in KINDS:
        return 0
    kind, subject = KINDS[change.to_status]
    story = change.story
    sent = 0
    for user in recipients_for(change):
        if not user.is_active:
            continue
        with transaction.atomic():
            if not claim(user, kind, str(change.pk)):
                continue
            context = {
                "change": change,
                "story": story,
                "user": user,
                "url": settings.SITE_URL + story.get_absolute_url(),
            }
            EmailMessage(
                subject=f"{subject}: {story.title}",
                body=render_to_string(f"value_stories/email/{kind}.txt", context),
                to=[user.email],
            ).send()
        sent += 1
    return sent
