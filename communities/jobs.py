"""Community jobs the tasks call: the "added to a community" email, through `childcop.mail`
(claimed, so it goes out once)."""

from __future__ import annotations

from childcop import mail
from childcop.utils import site_url

from .models import Membership


def send_added_to_community(membership_id: int) -> bool:
    membership = (
        Membership.objects.select_related("community", "user", "added_by")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:  # removed again before the job ran
        return False
    user = membership.user
    if not user.is_active:
        return False
    community = membership.community
    return mail.send_once(
        user,
        "added_to_community",
        str(membership.pk),
        "communities/email/added",
        f"You have been added to {community.name}",
        {
            "membership": membership,
            "community": community,
            "url": site_url(community),
        },
        notice=mail.Notice(site_url(community), community=community),
    )
