"""Notices: what the product tells a person, by email and in their notification list.

Every email the product sends on an event or a schedule is of a *kind* (`KINDS`). For each
kind a person chooses (`NotificationPreference`, the preferences page) *email and in the
product* (the default), *in the product only* or *off*. A kind sent because of a role (a
coordinator's review, a sponsor's endorsement, a reminder of a duty) is *mandatory*: it can
be moved into the product, never turned off.

`childcop.mail` asks `channel()` before claiming an email and, once claimed, calls
`record()` in the same transaction: the notification is written with the claim, so a job
run twice, or racing on two workers, writes one notification (and sends one email).

Each notification remembers what its reader must still be able to see (`Access`, with its
community), and the list shows only those they still can (`childcop.permissions.
notifications`). Read ones are kept `KEEP_READ_DAYS` days (`purge_read`, run daily by beat).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import Access, Channel, Notification, NotificationPreference, User

KEEP_READ_DAYS = 90


@dataclass(frozen=True)
class Kind:
    label: str
    help: str
    group: str
    access: str
    mandatory: bool = False


SESSIONS, COMMUNITY, LEARNING, STORIES = "Sessions", "Your communities", "Help requests", "Stories"
ROLES, SPONSORSHIP = "What your roles ask of you", "Sponsorship"

KINDS: dict[str, Kind] = {
    "session_reminder": Kind(
        "Session reminders",
        "Before each rhythm session of my communities, with the invitation for my calendar.",
        SESSIONS,
        Access.MEMBER,
    ),
    "added_to_community": Kind(
        "Added to a community", "When someone adds me to a community.", COMMUNITY, Access.MEMBER
    ),
    "attendance_import_invite": Kind(
        "Invitations from an attendance list",
        "When an attendance list of a community's activity invites me.",
        COMMUNITY,
        Access.MEMBER,
        mandatory=True,
    ),
    "group_report": Kind(
        "Practice-group reports",
        "When a practice group I belong to posts a progress report.",
        COMMUNITY,
        Access.COMMUNITY,
    ),
    "help_digest": Kind(
        "Daily digest of help requests",
        "Yesterday's new help requests in my communities.",
        LEARNING,
        Access.SIGNED_IN,
    ),
    "help_follow_up": Kind(
        "“How did it turn out?”",
        "Some days after an answer to my help request was marked helpful.",
        LEARNING,
        Access.COMMUNITY,
    ),
    "story_returned": Kind(
        "My story returned",
        "When a coordinator returns my story with comments.",
        STORIES,
        Access.COMMUNITY,
    ),
    "story_approved": Kind(
        "My story approved", "When a coordinator approves my story.", STORIES, Access.COMMUNITY
    ),
    "story_submitted": Kind(
        "Stories to review",
        "As a coordinator: a story of my community awaits my review.",
        ROLES,
        Access.COORDINATOR,
        mandatory=True,
    ),
    "help_unanswered": Kind(
        "Unanswered help requests",
        "As a coordinator: a help request is past the community's response commitment.",
        ROLES,
        Access.COORDINATOR,
        mandatory=True,
    ),
    "missed_heartbeat": Kind(
        "Sessions with no activity logged",
        "As a coordinator: a session was held and nobody logged it.",
        ROLES,
        Access.COORDINATOR,
        mandatory=True,
    ),
    "pdca_review_due": Kind(
        "Plan–do–check–act reviews due",
        "As a coordinator: my community's next review is due.",
        ROLES,
        Access.COORDINATOR,
        mandatory=True,
    ),
    "health_check_reminder": Kind(
        "Health checks to answer",
        "As a core group member: a health check waits for my answer.",
        ROLES,
        Access.CORE,
        mandatory=True,
    ),
    "health_report": Kind(
        "Monthly health reports",
        "As a coordinator or sponsor: my community's monthly health report.",
        ROLES,
        Access.HEALTH,
        mandatory=True,
    ),
    "launch_action_overdue": Kind(
        "Overdue launch actions",
        "A launch action I own is past its due date.",
        ROLES,
        Access.LAUNCH,
        mandatory=True,
    ),
    "business_case_submitted": Kind(
        "Business cases to endorse",
        "As a sponsor: a community submitted its business case.",
        SPONSORSHIP,
        Access.SPONSORSHIP,
        mandatory=True,
    ),
    "agreement_review": Kind(
        "Sponsorship agreement reviews",
        "As a sponsor, coordinator or program admin: an agreement's review is near or overdue.",
        SPONSORSHIP,
        Access.SPONSORSHIP,
        mandatory=True,
    ),
    "weekly_summary": Kind(
        "Weekly summary",
        "On Monday mornings, what needs me (asked for on my profile: off until I do).",
        ROLES,
        Access.SIGNED_IN,
    ),
    "program_report": Kind(
        "Monthly program report",
        "As a program admin or program-wide sponsor: the program's monthly report.",
        SPONSORSHIP,
        Access.SPONSOR,
        mandatory=True,
    ),
    "stalled_launches": Kind(
        "Stalled launches",
        "As a program admin: the weekly list of launches that stopped moving.",
        ROLES,
        Access.PROGRAM_ADMIN,
        mandatory=True,
    ),
}
GROUPS = (SESSIONS, COMMUNITY, LEARNING, STORIES, ROLES, SPONSORSHIP)
# The kinds whose emails one-click unsubscribe stops (the session reminders carry it).
UNSUBSCRIBE_KINDS = ("session_reminder",)


@dataclass(frozen=True)
class Notice:
    """What an email's notification shows and links to: `link` (a path, or an address on
    this site), the `community` it is about (or its id) and, where the kind's default does
    not fit this recipient, the `access` its reader needs; `title` defaults to the email's
    subject."""

    link: str
    community: object | None = None
    access: str | None = None
    title: str = ""


# --- preferences ----------------------------------------------------------------------------


def _effective(kind: str, chosen: str | None) -> str:
    """A stored choice as it applies: the default when none; a mandatory kind never off."""
    chosen = chosen or Channel.BOTH
    if chosen == Channel.OFF and kind in KINDS and KINDS[kind].mandatory:
        return Channel.PRODUCT
    return chosen


def channel(user, kind: str) -> str:
    """The person's choice for `kind` (one query); a mandatory kind is never off."""
    return _effective(
        kind,
        NotificationPreference.objects.filter(user_id=user.pk, kind=kind)
        .values_list("channel", flat=True)
        .first(),
    )


def channels(user_ids, kind: str) -> dict[int, str]:
    """{user id: their choice for `kind`} for many people in one query (a batch job's)."""
    ids = set(user_ids)
    stored = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {pk: _effective(kind, stored.get(pk)) for pk in ids}


def choices(user) -> dict[str, str]:
    """{kind: channel} for every kind (one query)."""
    stored = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "channel")
    )
    chosen = {kind: stored.get(kind, Channel.BOTH) for kind in KINDS}
    return {
        kind: Channel.PRODUCT if value == Channel.OFF and KINDS[kind].mandatory else value
        for kind, value in chosen.items()
    }


def set_channel(user, kind: str, chosen: str) -> None:
    """Store a choice; the default is stored as no row."""
    if chosen == Channel.OFF and KINDS[kind].mandatory:
        raise ValueError(f"{kind} cannot be turned off")
    if chosen == Channel.BOTH:
        NotificationPreference.objects.filter(user_id=user.pk, kind=kind).delete()
    else:
        NotificationPreference.objects.update_or_create(
            user_id=user.pk, kind=kind, defaults={"channel": chosen}
        )


def is_subscribed(user) -> bool:
    """Whether one-click unsubscribe still has an email to stop for this person."""
    return any(channel(user, kind) == Channel.BOTH for kind in UNSUBSCRIBE_KINDS)


def unsubscribe(user) -> None:
    """One-click unsubscribe: no more session reminder emails; the reminders stay in the
    product (the preferences page turns them off altogether)."""
    for kind in UNSUBSCRIBE_KINDS:
        if channel(user, kind) == Channel.BOTH:
            set_channel(user, kind, Channel.PRODUCT)


# --- notifications --------------------------------------------------------------------------


def _path(link: str) -> str:
    return link.removeprefix(settings.SITE_URL) or "/"


def record(recipient, kind: str, key: str, title: str, notice: Notice) -> None:
    """Write the notification of a claimed email, in the caller's transaction (the claim's):
    one INSERT and the unread count's UPDATE."""
    Notification.objects.create(
        recipient=recipient,
        kind=kind,
        key=key,
        title=(notice.title or title)[:300],
        link=_path(notice.link)[:500],
        community_id=getattr(notice.community, "pk", notice.community),
        access=notice.access or KINDS[kind].access,
    )
    User.objects.filter(pk=recipient.pk).update(unread_notifications=F("unread_notifications") + 1)


def _mark(user, notifications) -> int:
    with transaction.atomic():
        marked = notifications.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            User.objects.filter(pk=user.pk).update(
                unread_notifications=Greatest(F("unread_notifications") - marked, 0)
            )
    user.unread_notifications = max(0, user.unread_notifications - marked)
    return marked


def mark_read(user, notification) -> bool:
    return bool(_mark(user, Notification.objects.filter(pk=notification.pk)))


def mark_all_read(user) -> int:
    """Every unread notification of the person, those they can no longer open included (so
    the count on the bell matches the list)."""
    return _mark(user, Notification.objects.all())


def settle_unread(user, visible_unread: int) -> None:
    """The list found `visible_unread` unread notifications the person can still open: the
    bell shows that number (one can lose sight of a notification by losing access)."""
    if user.unread_notifications != visible_unread:
        User.objects.filter(pk=user.pk).update(unread_notifications=visible_unread)
        user.unread_notifications = visible_unread


def purge_read(now=None) -> int:
    """Delete notifications read more than `KEEP_READ_DAYS` days ago; idempotent."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_READ_DAYS)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
