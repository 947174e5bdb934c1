"""The people directory: whom a person may look up.

Program admins see everyone. Everyone else sees what they need: themselves, the people who
share a community with them (both members of it), the program's current sponsors and the
social learning team (program admins). Anyone else does not exist for them: left out of the
list, 404 on their page.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .core import is_program_admin


def visible_people_q(viewer) -> Q:
    """The people `viewer` may see, as a filter on users (subqueries, no extra query)."""
    from communities.models import Membership
    from sponsorship.choices import AppointmentRole
    from sponsorship.models import Appointment

    if is_program_admin(viewer):
        return Q()
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    my_communities = Membership.objects.filter(user=viewer).values("community_id")
    shares_a_community = Exists(
        Membership.objects.filter(user=OuterRef("pk"), community_id__in=my_communities)
    )
    is_a_sponsor = Exists(
        Appointment.objects.current().filter(person=OuterRef("pk"), role=AppointmentRole.SPONSOR)
    )
    return (
        Q(pk=viewer.pk)
        | Q(is_program_admin=True)
        | Q(is_superuser=True)
        | Q(shares_a_community)
        | Q(is_a_sponsor)
    )
