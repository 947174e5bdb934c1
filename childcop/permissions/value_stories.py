"""Value-creation stories (value_stories/): who reads a story, who writes and reviews it.

Who reads a story depends on its status and on the visibility its author chose:

* Its author always (every status); program admins always.
* Submitted: also the coordinators of its community (they review it).
* Drafts, returned and withdrawn stories: nobody else.
* Approved, by visibility:
  - "community": the members of its community (coordinators included);
  - "program": also everyone signed in who can see the community (an open community past
    its potential stage) — except the community's sponsors acting as sponsors: an author
    who wants sponsors to read a story says so;
  - "sponsors": also the community's sponsors (program-wide sponsors: every community's).

A story outside someone's scope does not exist for them (404, absent from lists, counts,
the value matrix and exports). A visible story with a too-low role for an action: 403.
Which step a story's status allows is `value_stories.choices.STORY_WORKFLOW`.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from .core import (
    Role,
    check_required,
    community_role,
    is_program_admin,
    is_sponsor_of,
    membership_of,
    sponsored_communities_q,
    writes_to_community,
)


def visible_stories_q(user) -> Q:
    """A filter on value_stories.ValueStory: the stories this user may read (no query run)."""
    from communities.choices import Stage
    from communities.models import Community, Membership
    from value_stories.choices import Status, Visibility

    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    mine = Membership.objects.filter(user_id=user.pk)
    member_of = mine.values("community_id")
    coordinating = mine.filter(is_coordinator=True).values("community_id")
    sponsored = Community.objects.filter(sponsored_communities_q(user)).values("pk")
    open_to_all = Community.objects.filter(is_open=True).exclude(stage=Stage.POTENTIAL)
    approved = Q(status=Status.APPROVED) & (
        Q(community_id__in=member_of)
        | Q(visibility=Visibility.SPONSORS, community_id__in=sponsored)
        | (
            Q(visibility__in=[Visibility.PROGRAM, Visibility.SPONSORS])
            & Q(community_id__in=open_to_all.values("pk"))
            & ~Q(community_id__in=sponsored)
        )
    )
    return (
        approved | Q(author_id=user.pk) | Q(status=Status.SUBMITTED, community_id__in=coordinating)
    )


def visible_sponsored_stories_q(user) -> Q:
    """Of the approved stories of communities this user sponsors, those they may read:
    visible_stories_q's rule where sponsorship is known (the sponsor dashboard's portfolio),
    without its subqueries on sponsorships and open communities. Only for approved stories
    of sponsored communities (filter both too)."""
    from communities.models import Membership
    from value_stories.choices import Visibility

    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    member_of = Membership.objects.filter(user_id=user.pk).values("community_id")
    return Q(community_id__in=member_of) | Q(visibility=Visibility.SPONSORS) | Q(author_id=user.pk)


def visible_community_stories_q(user, community) -> Q:
    """Of ONE community's approved stories, those this user may read: visible_stories_q's
    rule where the user's relation to the community is already known (the membership and
    the sponsorship are cached on the community object), so no subquery is needed.
    Only for approved stories (filter the status too)."""
    from communities.choices import Stage
    from value_stories.choices import Visibility

    if is_program_admin(user) or membership_of(user, community) is not None:
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(author_id=user.pk)
    if is_sponsor_of(user, community):
        return Q(visibility=Visibility.SPONSORS) | own
    if community.is_open and community.stage != Stage.POTENTIAL:
        return Q(visibility__in=[Visibility.PROGRAM, Visibility.SPONSORS]) | own
    return own


def get_story_for_user(user, pk, *, require=None, queryset=None):
    """One scoped fetch: a story this user may read (else 404), then check `require` (403)."""
    from value_stories.models import ValueStory

    queryset = ValueStory.objects.all() if queryset is None else queryset
    story = queryset.filter(visible_stories_q(user)).filter(pk=pk).first()
    if story is None:
        raise Http404("No such story.")
    check_required(user, story, require)
    return story


@writes_to_community
def can_write_story(user, community) -> bool:
    """Members tell value-creation stories of their community (admins may too)."""
    return community_role(user, community) >= Role.MEMBER


@writes_to_community
def can_edit_story(user, story) -> bool:
    """Only the author, while the story is a draft or was returned."""
    from value_stories.choices import STORY_WORKFLOW

    return (
        story.author_id == user.pk
        and STORY_WORKFLOW.allows(story.status, "edit")
        and community_role(user, story.community) >= Role.MEMBER  # not after leaving
    )


@writes_to_community
def can_submit_story(user, story) -> bool:
    """The author, while the workflow lets the story be submitted (still a member)."""
    from value_stories.choices import STORY_WORKFLOW

    return (
        story.author_id == user.pk
        and STORY_WORKFLOW.allows(story.status, "submit")
        and community_role(user, story.community) >= Role.MEMBER
    )


@writes_to_community
def can_withdraw_story(user, story) -> bool:
    from value_stories.choices import STORY_WORKFLOW

    return story.author_id == user.pk and STORY_WORKFLOW.allows(story.status, "withdraw")


@writes_to_community
def can_review_story(user, story) -> bool:
    """Coordinators of the story's community (not of their own story) and program admins."""
    from value_stories.choices import STORY_WORKFLOW

    if not STORY_WORKFLOW.allows(story.status, "review") or story.author_id == user.pk:
        return False
    return community_role(user, story.community) >= Role.COORDINATOR  # admins included


def can_see_story_history(user, story) -> bool:
    """The review history (with its comments): the author, coordinators, program admins."""
    return story.author_id == user.pk or community_role(user, story.community) >= Role.COORDINATOR


def story_flags(user, story) -> dict:
    return {
        "edit": can_edit_story(user, story),
        "submit": can_submit_story(user, story),
        "withdraw": can_withdraw_story(user, story),
        "review": can_review_story(user, story),
        "history": can_see_story_history(user, story),
    }
