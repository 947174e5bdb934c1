"""What every role section of "Needs you" is handed: the person's scope (the ids of their
communities, by role), and the helpers the sections share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils.formats import date_format

from childcop import permissions
from communities.choices import Stage

from .items import Urgency

# A newcomer: joined within this many days.
NEWCOMER_DAYS = 30
# Due "soon": within this many days (commitments, reviews of agreements).
SOON_DAYS = 14
# Practice-group reports stay open for members' responses this long.
REPORT_RESPONSE_DAYS = 30
# Appointments whose term ends within this many days.
TERM_END_DAYS = 60
# Suggested communities for someone in none yet.
SUGGESTED = 3
# Bounded candidates for the rules Python decides (working days, per-community delays).
CANDIDATES = 50


@dataclass
class Scope:
    user: object
    now: datetime
    today: date
    member: list[int]  # communities (not closed) the person belongs to
    core: list[int]  # … where they are in the core group (coordinators included)
    coordinator: list[int]  # … that they coordinate
    newcomer: list  # memberships (not closed, not core) of the last NEWCOMER_DAYS days
    communities: dict  # id -> community, of the memberships (not closed)
    is_sponsor: bool
    is_admin: bool
    # keeps each item function's items for the person (`roles.Kept`); None: computed now
    kept: object = None

    def digest(self) -> str:
        """What the items of this person depend on in their scope (their communities by
        role, their roles in the program), as a key."""
        import hashlib

        text = repr((self.user.pk, sorted(self.member), sorted(self.core),
                     sorted(self.coordinator), self.is_sponsor, self.is_admin))  # fmt: skip
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def day(value) -> str:
    return date_format(value, "j M Y")


def plural(n: int, many: str = "s", one: str = "") -> str:
    return one if n == 1 else many


def due_urgency(due, today, *, soon=SOON_DAYS) -> Urgency:
    if due < today:
        return Urgency.OVERDUE
    if due <= today + timedelta(days=soon):
        return Urgency.DUE
    return Urgency.WAITING


def link(name: str, *args) -> str:
    return reverse(name, args=args)


def sponsored(scope: Scope):
    """The communities (not closed) the person sponsors: a queryset to filter with."""
    from communities.models import Community

    return Community.objects.filter(permissions.sponsored_communities_q(scope.user)).exclude(
        stage=Stage.CLOSED
    )
