"""Emails about stories, through `childcop.mail` (claimed per recipient, kind, transition)."""

from __future__ import annotations

from childcop import mail
from childcop.utils import site_url

from .choices import Status
from .models import StoryTransition

KINDS = {
    Status.SUBMITTED: ("story_submitted", "A value-creation story awaits your review"),
    Status.RETURNED: ("story_returned", "Your value-creation story was returned with comments"),
    Status.APPROVED: ("story_approved", "Your value-creation story was approved"),
}


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
    context = {
        "change": change,
        "story": story,
        "url": site_url(story),
    }
    return mail.send_to_each(
        [user for user in recipients_for(change) if user.is_active],
        kind,
        str(change.pk),
        f"value_stories/email/{kind}",
        f"{subject}: {story.title}",
        context,
        notice=mail.Notice(context["url"], community=story.community_id),
    )
