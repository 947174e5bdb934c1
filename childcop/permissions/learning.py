"""The learning room (communities/learning/): the learning agenda and its voting, help
requests (learning loops) and the shared memory.

The agenda is seen by whoever sees the community (404 outside it). Members raise challenges
and vote; coordinators (and program admins) open and close voting rounds and move agenda
items along.

Help requests and the shared memory are the community's own: its members (coordinators
and the core group included) and program admins read them. A hidden community does not
exist for outsiders (404); a signed-in non-member of an open community, or a sponsor, has
too low a role (403).

* Members ask for help and answer (until the loop is closed).
* Only the asker marks answers helpful and answers the follow-up ("how did it turn out?").
* A closed loop is captured in shared memory by its asker, the core group or coordinators.
* Members add shared-memory entries; the core group and coordinators edit and remove any,
  authors their own.

Which step an item's or a request's status allows is `communities.choices.AGENDA_WORKFLOW`
and `HELP_WORKFLOW`.
"""

from __future__ import annotations

from django.http import Http404

from .core import (
    Role,
    check_required,
    community_role,
    get_community_for_user,
    writes_to_community,
)

# --- the learning agenda ------------------------------------------------------------------


@writes_to_community
def can_raise_agenda_item(user, community) -> bool:
    return community_role(user, community) >= Role.MEMBER


@writes_to_community
def can_vote(user, community) -> bool:
    """Members (and program admins) spread their votes in an open round."""
    return community_role(user, community) >= Role.MEMBER


@writes_to_community
def can_steer_agenda(user, community) -> bool:
    """Open and close voting rounds, move items along the agenda."""
    return community_role(user, community) >= Role.COORDINATOR


@writes_to_community
def can_edit_agenda_item(user, item) -> bool:
    """Whoever raised it, while it is still only raised; coordinators always."""
    from communities.choices import AGENDA_WORKFLOW

    if can_steer_agenda(user, item.community):
        return True
    return (
        item.raised_by_id == user.pk
        and AGENDA_WORKFLOW.allows(item.status, "edit")
        and community_role(user, item.community) >= Role.MEMBER
    )


def agenda_flags(user, community) -> dict:
    return {
        "raise_item": can_raise_agenda_item(user, community),
        "vote": can_vote(user, community),
        "steer": can_steer_agenda(user, community),
    }


# --- help requests, learning loops and shared memory ------------------------------------


def can_use_loops(user, community) -> bool:
    """Read help requests and shared memory, ask for help, answer, add memory entries."""
    return community_role(user, community) >= Role.MEMBER


@writes_to_community
def can_add_to_loops(user, community) -> bool:
    """Ask for help and add shared-memory entries (reading them is `can_use_loops`)."""
    return can_use_loops(user, community)


@writes_to_community
def can_answer_help_request(user, help_request) -> bool:
    """Members answer others' questions; the asker does not answer her own."""
    from communities.choices import HELP_WORKFLOW

    return (
        HELP_WORKFLOW.allows(help_request.status, "answer")
        and help_request.asker_id != user.pk
        and can_use_loops(user, help_request.community)
    )


@writes_to_community
def can_mark_helpful(user, help_request) -> bool:
    from communities.choices import HELP_WORKFLOW

    return (
        user.is_authenticated
        and help_request.asker_id == user.pk
        and HELP_WORKFLOW.allows(help_request.status, "mark_helpful")
    )


@writes_to_community
def can_follow_up(user, help_request) -> bool:
    """The asker closes the loop once an answer was marked helpful."""
    from communities.choices import HELP_WORKFLOW

    return (
        user.is_authenticated
        and help_request.asker_id == user.pk
        and HELP_WORKFLOW.allows(help_request.status, "follow_up")
    )


@writes_to_community
def can_capture_loop(user, help_request) -> bool:
    """Turn a closed loop into a shared-memory entry."""
    from communities.choices import HELP_WORKFLOW

    if not HELP_WORKFLOW.allows(help_request.status, "capture"):
        return False
    role = community_role(user, help_request.community)
    return role >= Role.CORE or (role >= Role.MEMBER and help_request.asker_id == user.pk)


@writes_to_community
def can_edit_memory(user, entry) -> bool:
    role = community_role(user, entry.community)
    return role >= Role.CORE or (role >= Role.MEMBER and entry.created_by_id == user.pk)


def get_help_request_for_user(user, slug, pk, *, require=None):
    """(community, help request): 404 outside the scope, 403 for a too-low role or `require`."""
    community = get_community_for_user(user, slug, require=can_use_loops)
    help_request = (
        community.help_requests.select_related("asker", "agenda_item").filter(pk=pk).first()
    )
    if help_request is None:
        raise Http404("No such help request.")
    help_request.community = community  # the membership cache travels with it
    check_required(user, help_request, require)
    return community, help_request


def get_memory_entry_for_user(user, slug, pk, *, require=None):
    community = get_community_for_user(user, slug, require=can_use_loops)
    entry = (
        community.memory.select_related("created_by", "activity", "help_request", "practice_group")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such entry.")
    entry.community = community
    check_required(user, entry, require)
    return community, entry


def help_request_flags(user, help_request) -> dict:
    return {
        "answer": can_answer_help_request(user, help_request),
        "mark_helpful": can_mark_helpful(user, help_request),
        "follow_up": can_follow_up(user, help_request),
        "capture": can_capture_loop(user, help_request),
        "tell_story": can_capture_loop(user, help_request) and help_request.asker_id == user.pk,
    }


def memory_flags(user, entry) -> dict:
    return {"edit": can_edit_memory(user, entry)}
