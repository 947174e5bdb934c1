"""Practice groups: the eight reasons, with their typical activities (see the domain guide)."""

from django.db import models

from childcop.workflows import Workflow, step


class Reason(models.TextChoices):
    SUBTOPIC = "subtopic", "Subtopic"
    PROJECT = "project", "Project"
    BETTER_TOGETHER = "better_together", "Better together"
    STATE_OF_THE_ART = "state_of_the_art", "State of the art"
    OUT_OF_THE_BOX = "out_of_the_box", "Out of the box"
    CROSS_BOUNDARY = "cross_boundary", "Cross-boundary"
    ADVISORY_GROUP = "advisory_group", "Advisory group"
    CONTEXTUAL_SUBSET = "contextual_subset", "Contextual subset"


REASON_GUIDANCE = {
    Reason.SUBTOPIC: ("explore an aspect of special interest", "discussion, reading group, learning expedition"),
    Reason.PROJECT: ("chartered to achieve something specific for the learning agenda", "project team, working group"),
    Reason.BETTER_TOGETHER: ("members doing similar work join forces", "collaboration group"),
    Reason.STATE_OF_THE_ART: ("systematic look at what is known", "documentation, mutual benchmark, systematisation"),
    Reason.OUT_OF_THE_BOX: ("radically new solutions to a sticky problem", "brainstorming, learning expedition"),
    Reason.CROSS_BOUNDARY: ("connect with other practices on a broader issue", "boundary engagement, visits, field trips"),
    Reason.ADVISORY_GROUP: ("help one or more members progress on a challenge over time", "implement advice proposed by the community"),
    Reason.CONTEXTUAL_SUBSET: ("the domain from one subset of members' perspective", "sharing perspectives and stories"),
}  # fmt: skip


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACTIVE = "active", "Active (chartered)"
    CONCLUDED = "concluded", "Concluded"
    DECLINED = "declined", "Declined"


# A practice group's workflow, written once: the permission rules and the services read it.
# A member proposes a group; coordinators charter it, decline it or ask for changes; the
# proposer edits a proposal sent back and so proposes it again. An active group is joined
# and left, reports its progress and asks for support, until it concludes (its reports
# stay open to the group's replies).
_ALIVE = (GroupStatus.PROPOSED, GroupStatus.CHANGES_REQUESTED, GroupStatus.ACTIVE)
GROUP_WORKFLOW = Workflow(
    initial=GroupStatus.PROPOSED,
    edit=step(*_ALIVE),  # coordinators edit a group that is not concluded or declined
    edit_proposal=step(GroupStatus.PROPOSED, GroupStatus.CHANGES_REQUESTED),  # its proposer
    resubmit=step(GroupStatus.CHANGES_REQUESTED, to=GroupStatus.PROPOSED),
    review=step(
        GroupStatus.PROPOSED,
        to=(GroupStatus.ACTIVE, GroupStatus.CHANGES_REQUESTED, GroupStatus.DECLINED),
    ),
    join=step(GroupStatus.ACTIVE),
    leave=step(GroupStatus.ACTIVE),
    conclude=step(GroupStatus.ACTIVE, to=GroupStatus.CONCLUDED),
    report=step(GroupStatus.ACTIVE, GroupStatus.CONCLUDED),
    request_support=step(GroupStatus.ACTIVE),
)


class ResponseKind(models.TextChoices):
    ENDORSE = "endorse", "Endorse"
    CRITIQUE = "critique", "Critique"
    REFINE = "refine", "Suggest refinement"
