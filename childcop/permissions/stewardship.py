"""The stewardship room (communities/stewardship/): launch and renewal, plan–do–check–act
reviews, closure, the cultivation checklist and coaching.

A launch (or renewal) plan is edited by program admins and the plan's launch lead only.
The community's members (coordinators and core group included) read it; anyone else —
also a sponsor or a signed-in outsider of an open community — finds nothing (404).
Only program admins open plans, see the list of launches, and move a community on from
its potential stage (as for every stage change). A leader candidate who accepts joins the
core group, so the answer is the candidate's own (on the candidate's page, when someone else
proposed them), or a coordinator of the community or a program admin records it: never the
launch lead as such, and nobody puts themselves into a core group (see also
`communities.services`, which refuses any self-promotion). Which step a plan's status allows is
`communities.stewardship.models.LAUNCH_WORKFLOW`.

Plan–do–check–act reviews and cultivation checklists: the coordinators and the core group
write them for their own community; program admins everything; members read the review
history. Coaching sessions: the social learning team logs them; the community's
coordinators read them. Only program admins close a community (see `core` for what a
closed community still allows).
"""

from __future__ import annotations

from django.http import Http404

from .communities import can_change_stage
from .core import (
    Role,
    check_required,
    community_role,
    is_program_admin,
    is_read_only,
    writes_to_community,
)

# --- launch playbook --------------------------------------------------------------------


def is_launch_lead(user, plan) -> bool:
    return bool(user.is_authenticated and plan.lead_id == user.pk)


def can_view_launch(user, plan) -> bool:
    return is_launch_lead(user, plan) or community_role(user, plan.community) >= Role.MEMBER


def is_plan_worked_on(plan) -> bool:
    """A completed plan (or a closed community's) is kept as it was: readable only."""
    from communities.choices import Stage
    from communities.stewardship.models import LAUNCH_WORKFLOW

    return LAUNCH_WORKFLOW.allows(plan.status, "edit") and plan.community.stage != Stage.CLOSED


def can_edit_launch(user, plan) -> bool:
    """A completed plan (or a closed community's) is kept as it was: readable only."""
    return is_plan_worked_on(plan) and (is_program_admin(user) or is_launch_lead(user, plan))


def can_open_launch(user, community) -> bool:
    from communities.choices import Stage

    return is_program_admin(user) and community.stage != Stage.CLOSED


def can_see_launches_list(user) -> bool:
    return is_program_admin(user)


def can_complete_launch(user, plan) -> bool:
    """A launch ends by a stage change (program admins); a renewal by its editors."""
    from communities.stewardship.models import LAUNCH_WORKFLOW, LaunchKind

    if not LAUNCH_WORKFLOW.allows(plan.status, "complete"):
        return False
    if plan.kind == LaunchKind.LAUNCH:
        return can_change_stage(user, plan.community)
    return can_edit_launch(user, plan)


def can_view_community_launches(user, community) -> bool:
    """The community's launch page: its members, admins, and the lead of one of its plans."""
    if community_role(user, community) >= Role.MEMBER:
        return True
    return user.is_authenticated and community.launch_plans.filter(lead_id=user.pk).exists()


def get_launch_community_for_user(user, slug, *, require=None):
    """A community whose launch plans the user may read (else 404), then `require` (403)."""
    from communities.models import Community

    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_view_community_launches(user, community):
        raise Http404("No such community.")
    check_required(user, community, require)
    return community


def get_launch_for_user(user, slug, pk, *, require=None):
    """One scoped fetch of a launch plan: 404 outside its readers, then `require` (403)."""
    from communities.models import LaunchPlan

    plan = (
        LaunchPlan.objects.select_related("community", "lead", "opened_by")
        .filter(community__slug=slug, pk=pk)
        .first()
    )
    if plan is None or not can_view_launch(user, plan):
        raise Http404("No such launch plan.")
    check_required(user, plan, require)
    return plan


def can_answer_candidacy(user, candidate) -> bool:
    """Record a leader candidate's answer (accepting puts them into the core group): the
    candidate themselves when someone else proposed them, or the community's coordinators
    and program admins for someone else; while the plan is worked on."""
    plan = candidate.plan
    if not user.is_authenticated or not is_plan_worked_on(plan):
        return False
    if candidate.person_id == user.pk:
        return candidate.invited_by_id is not None and candidate.invited_by_id != user.pk
    return community_role(user, plan.community) >= Role.COORDINATOR


def get_candidate_for_user(user, slug, pk, candidate_id, *, require=None):
    """A leader candidate of a plan: found by the plan's readers and by the candidate
    themselves (else 404), then `require` (403)."""
    from communities.models import LeaderCandidate

    candidate = (
        LeaderCandidate.objects.select_related("person", "plan__community", "plan__lead")
        .filter(pk=candidate_id, plan_id=pk, plan__community__slug=slug)
        .first()
    )
    if candidate is None or not (
        candidate.person_id == user.pk or can_view_launch(user, candidate.plan)
    ):
        raise Http404("No such candidate.")
    check_required(user, candidate, require)
    return candidate


def launch_flags(user, plan) -> dict:
    return {
        "edit": can_edit_launch(user, plan),
        "complete": can_complete_launch(user, plan),
        "change_stage": can_change_stage(user, plan.community),
        # record a candidate's answer for them (the candidate answers on their own page)
        "record_answers": is_plan_worked_on(plan)
        and community_role(user, plan.community) >= Role.COORDINATOR,
    }


# --- PDCA reviews, closure, cultivation and coaching -------------------------------------


@writes_to_community
def can_write_review(user, community) -> bool:
    """Plan–do–check–act reviews: the coordinators and core group of the community, admins."""
    return community_role(user, community) >= Role.CORE


def can_read_reviews(user, community) -> bool:
    """The review history: the community's members, admins (others: 403 in a visible one)."""
    return community_role(user, community) >= Role.MEMBER


@writes_to_community
def can_keep_checklist(user, community) -> bool:
    """The cultivation checklist: the coordinators and the core group, admins."""
    return community_role(user, community) >= Role.CORE


def can_read_checklist(user, community) -> bool:
    """Reading one's own checklist stays possible once the community is closed."""
    return community_role(user, community) >= Role.CORE


def can_close_community(user, community) -> bool:
    return is_program_admin(user) and not is_read_only(community)


@writes_to_community
def can_log_coaching(user, community) -> bool:
    return is_program_admin(user)


def can_read_coaching(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR
