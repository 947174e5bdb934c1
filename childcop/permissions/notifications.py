"""Notifications: each person reads, and marks read, their own, and only those whose link
they can still open.

A notification remembers what its link needs (`Access`) and the community it is about; the
list, the bell's count it settles and marking one read all filter by the reader's *current*
access, in the database (subqueries, no query per notification): someone who left a
members-only community, or is no longer its coordinator, no longer sees what pointed into
it. Program admins may open everything, so they see all of theirs. Someone else's
notification, or one its reader can no longer open, does not exist for them (404).

The notification list, marking read and the preferences page are for everyone signed in
(each about themselves only); one-click unsubscribe is public (its signed token).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from .core import is_program_admin, sponsored_communities_q, visible_communities_q


def visible_notifications_q(user) -> Q:
    """The user's own notifications whose link they can still open, as a filter."""
    from childcop.accounts.models import Access
    from communities.choices import Level
    from communities.models import Community, Membership
    from communities.stewardship.models import LaunchPlan
    from sponsorship.choices import AppointmentRole
    from sponsorship.models import Appointment

    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(recipient_id=user.pk)
    if is_program_admin(user):
        return own
    mine = Membership.objects.filter(community=OuterRef("community_id"), user_id=user.pk)
    member = Exists(mine)
    core = Exists(mine.filter(Q(level=Level.CORE) | Q(is_coordinator=True)))
    coordinator = Exists(mine.filter(is_coordinator=True))
    visible = Exists(
        Community.objects.filter(visible_communities_q(user), pk=OuterRef("community_id"))
    )
    sponsored = Exists(
        Community.objects.filter(sponsored_communities_q(user), pk=OuterRef("community_id"))
    )
    lead = Exists(LaunchPlan.objects.filter(community=OuterRef("community_id"), lead_id=user.pk))
    sponsor = Exists(
        Appointment.objects.current().filter(person_id=user.pk, role=AppointmentRole.SPONSOR)
    )
    return own & (
        Q(access=Access.SIGNED_IN)
        | Q(access=Access.COMMUNITY) & Q(visible)
        | Q(access=Access.MEMBER) & Q(member)
        | Q(access=Access.CORE) & Q(core)
        | Q(access=Access.COORDINATOR) & Q(coordinator)
        | Q(access=Access.SPONSORSHIP) & (Q(member) | Q(sponsored))
        | Q(access=Access.HEALTH) & (Q(core) | Q(sponsored))
        | Q(access=Access.LAUNCH) & (Q(member) | Q(lead))
        | Q(access=Access.SPONSOR) & Q(sponsor)
    )


def get_notification_for_user(user, pk):
    """One of the user's notifications they can still open; 404 otherwise."""
    from childcop.accounts.models import Notification

    notification = Notification.objects.filter(visible_notifications_q(user), pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification
