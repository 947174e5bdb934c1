"""Support-request workflows, each one transaction: a coordinator (for their community) or a
practice group's member (for the group) asks the social learning team; a program admin
assigns the request, moves its status and writes the note the requester reads."""

from __future__ import annotations

from django.db import transaction

from ..choices import SUPPORT_WORKFLOW


@transaction.atomic
def request_support(form, *, community, by, group=None):
    """A coordinator asks for their community, or a group's member for the group."""
    support = form.save(commit=False)
    support.community = community
    support.group = group
    support.requested_by = by
    support.save()
    return support


@transaction.atomic
def update_support(form, *, by):
    """Assign, change the status, add a note. Work taken up or finished without an assignee
    is the acting admin's: someone of the social learning team always answers for it."""
    support = form.save(commit=False)
    if support.handled_by_id is None and support.status != SUPPORT_WORKFLOW.initial:
        support.handled_by = by
    support.save()
    return support
