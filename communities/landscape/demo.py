"""Demo departures and an unreached department, so retention and the landscape of practice
have something to show (the demo communities already share members: each draws its members
from the same people)."""

from __future__ import annotations

from datetime import timedelta

from childcop.accounts.factories import UserFactory
from communities.choices import Stage
from communities.models import Community, Departure, Membership

from . import retention_parts


def seed(rng, now):
    """A few members who left each community (one of them from its core group) and a small
    department no community reaches yet."""
    today = now.date()
    taken = set(Membership.objects.values_list("community_id", "user_id"))
    people = list(Membership.objects.values_list("user_id", flat=True).distinct().order_by())
    departures = []
    for community in Community.objects.exclude(stage=Stage.POTENTIAL).order_by("pk"):
        left = [p for p in rng.sample(people, min(len(people), 12))
                if (community.pk, p) not in taken][:3]  # fmt: skip
        for i, user_id in enumerate(left):
            joined = today - timedelta(days=rng.randint(200, 600))
            departures.append(Departure(
                community=community, user_id=user_id, joined_on=joined,
                left_on=today - timedelta(days=rng.randint(10, 150)), was_core=(i == 0),
            ))  # fmt: skip
    Departure.objects.bulk_create(departures)
    # bulk_create sends no signal: the retention pages' settled parts
    retention_parts.invalidate({d.community_id for d in departures}, past=False)
    for n in range(1, 5):
        UserFactory(email=f"facilities{n}@example.org", department="Facilities management")
