"""Who may do what: the one place every access decision is answered.

Views, templates (through the flags views pass them) and querysets all ask this
module. The rules:

* Anonymous people are sent to the login page (LoginRequiredMiddleware, default deny).
* Program admins (the social learning team) may do everything.
* A community is visible to its members, and to everyone signed in when it is open
  and past the *potential* stage; otherwise it does not exist for them (404).
* Within a visible community, a role that is too low gets 403: members and core
  group read; coordinators edit the profile (not the stage) and manage members;
  only program admins create communities and change lifecycle stages.
"""

from __future__ import annotations

from enum import IntEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404


class Role(IntEnum):
    OUTSIDER = 0
    MEMBER = 1
    CORE = 2
    COORDINATOR = 3
    ADMIN = 4


def is_program_admin(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_program_admin or user.is_superuser)
    )


def sponsored_communities_q(user) -> Q:
    """Communities this user currently sponsors (a program-wide sponsor: all of them)."""
    from sponsorship.choices import AppointmentRole, Scope
    from sponsorship.models import Appointment

    if not user.is_authenticated:
        return Q(pk__in=[])
    appointments = Appointment.objects.current().filter(person=user, role=AppointmentRole.SPONSOR)
    program_wide = appointments.filter(scope=Scope.PROGRAM)
    # the communities named in the user's appointments: one small set, not a subquery per
    # community
    named = Appointment.communities.through.objects.filter(
        appointment__in=appointments.filter(scope=Scope.COMMUNITIES)
    ).values("community_id")
    return Q(Exists(program_wide)) | Q(pk__in=named)


def visible_communities_q(user) -> Q:
    from communities.choices import Stage
    from communities.models import Membership

    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    is_member = Exists(Membership.objects.filter(community=OuterRef("pk"), user=user))
    return (
        (Q(is_open=True) & ~Q(stage=Stage.POTENTIAL)) | Q(is_member) | sponsored_communities_q(user)
    )


def is_sponsor_of(user, community) -> bool:
    """Cached on the community object, like the membership."""
    cache = community.__dict__.setdefault("_sponsor_cache", {})
    if user.pk not in cache:
        from communities.models import Community

        cache[user.pk] = (
            user.is_authenticated
            and Community.objects.filter(pk=community.pk)
            .filter(sponsored_communities_q(user))
            .exists()
        )
    return cache[user.pk]


def is_sponsor(user) -> bool:
    from sponsorship.choices import AppointmentRole
    from sponsorship.models import Appointment

    return bool(
        user.is_authenticated
        and Appointment.objects.current().filter(person=user, role=AppointmentRole.SPONSOR).exists()
    )


def can_view_sponsor_dashboard(user, community) -> bool:
    return is_program_admin(user) or is_sponsor_of(user, community)


def can_manage_business_case(user, community) -> bool:
    """Coordinators draft and submit the business case; the social learning team helps."""
    return community_role(user, community) >= Role.COORDINATOR


def can_respond_to_business_case(user, community) -> bool:
    """Only the community's sponsors comment on or endorse its business case."""
    return is_sponsor_of(user, community)


def can_view_sponsorship(user, community) -> bool:
    """The business case and the agreement: the community's members, its sponsors, admins.

    Anyone else (also a signed-in outsider of an open community) is out of scope: 404.
    """
    return community_role(user, community) >= Role.MEMBER or is_sponsor_of(user, community)


def can_view_case_drafts(user, community) -> bool:
    """Draft business cases are the coordinators' (and the social learning team's) work."""
    return can_manage_business_case(user, community)


def can_manage_agreement(user, community) -> bool:
    """Expectations and accountability: the social learning team negotiates, coordinators edit."""
    return community_role(user, community) >= Role.COORDINATOR


def get_sponsorship_community_for_user(user, slug, *, require=None):
    """A community whose business case and agreement the user may read (else 404), then 403."""
    community = get_community_for_user(user, slug)
    if not can_view_sponsorship(user, community):
        raise Http404("No such community.")
    if require is not None and not require(user, community):
        raise PermissionDenied
    return community


def can_manage_support_structure(user) -> bool:
    """Appointments, councils, mentoring pairs, agreements: the social learning team."""
    return is_program_admin(user)


def mentor_pairs_q(user) -> Q:
    """Mentoring pairs a user may see: their own (as mentor or mentee); admins see all."""
    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(mentor=user) | Q(mentee=user)


def can_write_check_in(user, pair) -> bool:
    """The mentor and the mentee keep check-in notes; the social learning team may too."""
    return is_program_admin(user) or user.pk in (pair.mentor_id, pair.mentee_id)


def membership_of(user, community):
    """The user's membership of the community, or None (one query, cached on the object)."""
    cache = community.__dict__.setdefault("_membership_cache", {})
    if user.pk not in cache:
        cache[user.pk] = (
            community.memberships.filter(user_id=user.pk).first() if user.is_authenticated else None
        )
    return cache[user.pk]


def community_role(user, community) -> Role:
    if is_program_admin(user):
        return Role.ADMIN
    membership = membership_of(user, community)
    if membership is None:
        return Role.OUTSIDER
    if membership.is_coordinator:
        return Role.COORDINATOR
    if membership.is_core:
        return Role.CORE
    return Role.MEMBER


def can_view_community(user, community) -> bool:
    from communities.choices import Stage

    if community_role(user, community) >= Role.MEMBER:
        return True
    if user.is_authenticated and community.is_open and community.stage != Stage.POTENTIAL:
        return True
    return is_sponsor_of(user, community)


def can_create_community(user) -> bool:
    return is_program_admin(user)


def can_edit_community(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


def can_change_stage(user, community) -> bool:
    return is_program_admin(user)


def can_manage_members(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


def can_log_activities(user, community) -> bool:
    """Coordinators and the core group log activities and attendance."""
    return community_role(user, community) >= Role.CORE


def can_manage_rhythm(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


def can_join(user, community) -> bool:
    from communities.choices import Stage

    return (
        user.is_authenticated
        and membership_of(user, community) is None
        and community.is_open
        and community.stage != Stage.CLOSED
    )


def can_leave(user, community) -> bool:
    return membership_of(user, community) is not None


def community_flags(user, community) -> dict:
    """Everything a community page needs to know about what this user may do."""
    role = community_role(user, community)
    return {
        "role": role,
        "role_label": role.name.replace("_", " ").capitalize() if role else "",
        "is_member": membership_of(user, community) is not None,
        "edit": can_edit_community(user, community),
        "change_stage": can_change_stage(user, community),
        "manage_members": can_manage_members(user, community),
        "log_activities": can_log_activities(user, community),
        "manage_rhythm": can_manage_rhythm(user, community),
        "join": can_join(user, community),
        "leave": can_leave(user, community),
        # members and admins: no query; others: one (are they a sponsor of it?)
        "view_sponsorship": can_view_sponsorship(user, community),
        # The "Health" link: the core group and up without a query; a sponsor who is not a
        # member was just looked up by view_sponsorship (cached). A member who also sponsors
        # the community is not looked up here (no extra query): they open the page directly.
        "view_health": role >= Role.CORE
        or (role == Role.OUTSIDER and is_sponsor_of(user, community)),
    }


def get_community_for_user(user, slug, *, require=None):
    """Fetch a community in the user's scope (404 outside it), then check `require` (403)."""
    from communities.models import Community

    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_view_community(user, community):
        raise Http404("No such community.")
    if require is not None and not require(user, community):
        raise PermissionDenied
    return community


def require_program_admin(user) -> None:
    if not is_program_admin(user):
        raise PermissionDenied


def public(view):
    """Mark a view as open to anonymous visitors (the only way out of default deny)."""
    from django.contrib.auth.decorators import login_not_required

    return login_not_required(view)


# --- value-creation stories -------------------------------------------------------
# Who reads a story depends on its status and on the visibility its author chose:
#
# * Its author always (every status); program admins always.
# * Submitted: also the coordinators of its community (they review it).
# * Drafts, returned and withdrawn stories: nobody else.
# * Approved, by visibility:
#   - "community": the members of its community (coordinators included);
#   - "program": also everyone signed in who can see the community (an open community past
#     its potential stage) — except the community's sponsors acting as sponsors: an author
#     who wants sponsors to read a story says so;
#   - "sponsors": also the community's sponsors (program-wide sponsors: every community's).
# A story outside someone's scope does not exist for them (404, absent from lists, counts,
# the value matrix and exports). A visible story with a too-low role for an action: 403.


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
    if require is not None and not require(user, story):
        raise PermissionDenied
    return story


def can_write_story(user, community) -> bool:
    """Members tell value-creation stories of their community (admins may too)."""
    return community_role(user, community) >= Role.MEMBER


def can_edit_story(user, story) -> bool:
    """Only the author, while the story is a draft or was returned."""
    return (
        story.author_id == user.pk
        and story.is_editable
        and community_role(user, story.community) >= Role.MEMBER  # not after leaving
    )


def can_submit_story(user, story) -> bool:
    return can_edit_story(user, story)


def can_withdraw_story(user, story) -> bool:
    from value_stories.choices import WITHDRAWABLE

    return story.author_id == user.pk and story.status in WITHDRAWABLE


def can_review_story(user, story) -> bool:
    """Coordinators of the story's community (not of their own story) and program admins."""
    from value_stories.choices import Status

    if story.status != Status.SUBMITTED or story.author_id == user.pk:
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


# --- learning agenda and practice groups ---------------------------------------------
# The agenda and the practice groups of a community are seen by whoever sees the community
# (404 outside it). Members raise challenges, vote, propose groups and respond to reports;
# coordinators (and program admins) open and close voting rounds, move agenda items along
# and charter, decline or ask changes of proposed groups. Only a group's members post its
# progress reports and the group's replies, and ask for support; the social learning team
# works the support queue.


def can_raise_agenda_item(user, community) -> bool:
    return community_role(user, community) >= Role.MEMBER


def can_vote(user, community) -> bool:
    """Members (and program admins) spread their votes in an open round."""
    return community_role(user, community) >= Role.MEMBER


def can_steer_agenda(user, community) -> bool:
    """Open and close voting rounds, move items along the agenda."""
    return community_role(user, community) >= Role.COORDINATOR


def can_edit_agenda_item(user, item) -> bool:
    """Whoever raised it, while it is still only raised; coordinators always."""
    from communities.choices import AgendaStatus

    if can_steer_agenda(user, item.community):
        return True
    return (
        item.raised_by_id == user.pk
        and item.status == AgendaStatus.RAISED
        and community_role(user, item.community) >= Role.MEMBER
    )


def agenda_flags(user, community) -> dict:
    return {
        "raise_item": can_raise_agenda_item(user, community),
        "vote": can_vote(user, community),
        "steer": can_steer_agenda(user, community),
    }


def get_group_for_user(user, pk, *, require=None, queryset=None):
    """A practice group of a community the user sees (else 404), then check `require` (403)."""
    from practice_groups.models import PracticeGroup

    queryset = PracticeGroup.objects.all() if queryset is None else queryset
    group = queryset.select_related("community").filter(pk=pk).first()
    if group is None or not can_view_community(user, group.community):
        raise Http404("No such practice group.")
    if require is not None and not require(user, group):
        raise PermissionDenied
    return group


def is_group_member(user, group) -> bool:
    """Cached on the group object."""
    cache = group.__dict__.setdefault("_group_member_cache", {})
    if user.pk not in cache:
        cache[user.pk] = (
            user.is_authenticated
            and group.memberships.filter(user_id=user.pk).exists()
            and membership_of(user, group.community) is not None  # still in the community
        )
    return cache[user.pk]


def can_propose_group(user, community) -> bool:
    return community_role(user, community) >= Role.MEMBER


def can_charter_group(user, group) -> bool:
    """Charter, decline or ask for changes: coordinators and program admins, while proposed."""
    from practice_groups.choices import GroupStatus

    return (
        group.status == GroupStatus.PROPOSED
        and community_role(user, group.community) >= Role.COORDINATOR
    )


def can_edit_group(user, group) -> bool:
    """The proposer while it is proposed or changes are asked; coordinators while not closed."""
    from practice_groups.choices import GroupStatus

    if group.status in (GroupStatus.CONCLUDED, GroupStatus.DECLINED):
        return False
    if community_role(user, group.community) >= Role.COORDINATOR:
        return True
    return group.proposed_by_id == user.pk and group.status in (
        GroupStatus.PROPOSED,
        GroupStatus.CHANGES_REQUESTED,
    )


def can_join_group(user, group) -> bool:
    """Members of the community join an active group they are not in yet."""
    from practice_groups.choices import GroupStatus

    return (
        group.status == GroupStatus.ACTIVE
        and membership_of(user, group.community) is not None
        and not is_group_member(user, group)
    )


def can_leave_group(user, group) -> bool:
    from practice_groups.choices import GroupStatus

    return group.status == GroupStatus.ACTIVE and is_group_member(user, group)


def can_conclude_group(user, group) -> bool:
    from practice_groups.choices import GroupStatus

    return group.status == GroupStatus.ACTIVE and (
        community_role(user, group.community) >= Role.COORDINATOR or is_group_member(user, group)
    )


def can_post_report(user, group) -> bool:
    """Only the group's members post its progress reports (and the group's replies)."""
    from practice_groups.choices import GroupStatus

    return group.status in (GroupStatus.ACTIVE, GroupStatus.CONCLUDED) and is_group_member(
        user, group
    )


def can_respond_to_report(user, group) -> bool:
    """Members of the community endorse, critique or suggest refinements."""
    return community_role(user, group.community) >= Role.MEMBER


def can_request_support(user, group) -> bool:
    from practice_groups.choices import GroupStatus

    return group.status == GroupStatus.ACTIVE and is_group_member(user, group)


def can_manage_support(user) -> bool:
    """The support queue is the social learning team's."""
    return is_program_admin(user)


def group_flags(user, group) -> dict:
    return {
        "edit": can_edit_group(user, group),
        "charter": can_charter_group(user, group),
        "join": can_join_group(user, group),
        "leave": can_leave_group(user, group),
        "conclude": can_conclude_group(user, group),
        "report": can_post_report(user, group),
        "respond": can_respond_to_report(user, group),
        "support": can_request_support(user, group),
        "is_member": is_group_member(user, group),
    }


# --- help requests, learning loops and shared memory ------------------------------------
# Help requests and the shared memory are the community's own: its members (coordinators
# and the core group included) and program admins read them. A hidden community does not
# exist for outsiders (404); a signed-in non-member of an open community, or a sponsor, has
# too low a role (403).
#
# * Members ask for help and answer (until the loop is closed).
# * Only the asker marks answers helpful and answers the follow-up ("how did it turn out?").
# * A closed loop is captured in shared memory by its asker, the core group or coordinators.
# * Members add shared-memory entries; the core group and coordinators edit and remove any,
#   authors their own.


def can_use_loops(user, community) -> bool:
    """Read help requests and shared memory, ask for help, answer, add memory entries."""
    return community_role(user, community) >= Role.MEMBER


def can_answer_help_request(user, help_request) -> bool:
    from communities.choices import HelpStatus

    return help_request.status != HelpStatus.CLOSED and can_use_loops(user, help_request.community)


def can_mark_helpful(user, help_request) -> bool:
    from communities.choices import HelpStatus

    return (
        user.is_authenticated
        and help_request.asker_id == user.pk
        and help_request.status != HelpStatus.CLOSED
    )


def can_follow_up(user, help_request) -> bool:
    """The asker closes the loop once an answer was marked helpful."""
    from communities.choices import HelpStatus

    return (
        user.is_authenticated
        and help_request.asker_id == user.pk
        and help_request.status == HelpStatus.ANSWERED
    )


def can_capture_loop(user, help_request) -> bool:
    """Turn a closed loop into a shared-memory entry."""
    from communities.choices import HelpStatus

    if help_request.status != HelpStatus.CLOSED:
        return False
    role = community_role(user, help_request.community)
    return role >= Role.CORE or (role >= Role.MEMBER and help_request.asker_id == user.pk)


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
    if require is not None and not require(user, help_request):
        raise PermissionDenied
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
    if require is not None and not require(user, entry):
        raise PermissionDenied
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


def get_report_for_user(user, pk, *, require=None):
    """A progress report of a group whose community the user sees (else 404), then 403."""
    from practice_groups.models import ProgressReport

    report = ProgressReport.objects.select_related("group__community", "author").filter(pk=pk)
    report = report.first()
    if report is None or not can_view_community(user, report.group.community):
        raise Http404("No such report.")
    if require is not None and not require(user, report.group):
        raise PermissionDenied
    return report


# --- launch playbook --------------------------------------------------------------------
# A launch (or renewal) plan is edited by program admins and the plan's launch lead only.
# The community's members (coordinators and core group included) read it; anyone else —
# also a sponsor or a signed-in outsider of an open community — finds nothing (404).
# Only program admins open plans, see the list of launches, and move a community on from
# its potential stage (as for every stage change).


def is_launch_lead(user, plan) -> bool:
    return bool(user.is_authenticated and plan.lead_id == user.pk)


def can_view_launch(user, plan) -> bool:
    return is_launch_lead(user, plan) or community_role(user, plan.community) >= Role.MEMBER


def can_edit_launch(user, plan) -> bool:
    """A completed plan (or a closed community's) is kept as it was: readable only."""
    from communities.choices import Stage

    return (
        plan.is_open
        and plan.community.stage != Stage.CLOSED
        and (is_program_admin(user) or is_launch_lead(user, plan))
    )


def can_open_launch(user, community) -> bool:
    from communities.choices import Stage

    return is_program_admin(user) and community.stage != Stage.CLOSED


def can_see_launches_list(user) -> bool:
    return is_program_admin(user)


def can_complete_launch(user, plan) -> bool:
    """A launch ends by a stage change (program admins); a renewal by its editors."""
    from communities.models import LaunchKind

    if not plan.is_open:
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
    if require is not None and not require(user, community):
        raise PermissionDenied
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
    if require is not None and not require(user, plan):
        raise PermissionDenied
    return plan


def launch_flags(user, plan) -> dict:
    return {
        "edit": can_edit_launch(user, plan),
        "complete": can_complete_launch(user, plan),
        "change_stage": can_change_stage(user, plan.community),
    }


# --- PDCA reviews, closure and cultivation ------------------------------------------------
# A closed community is read-only for everyone: its history, shared memory and stories stay
# readable to whoever could read them, but every write permission on the community or its
# content answers False. The guard is applied here, once, by re-binding the write
# permissions above (callers look them up at call time, so flags, views and templates all
# see the guarded versions). `can_change_stage` stays unguarded: an admin may reopen.
#
# Plan–do–check–act reviews and cultivation checklists: the coordinators and the core group
# write them for their own community; program admins everything; members read the review
# history. Coaching sessions: the social learning team logs them; the community's
# coordinators read them.

CLOSED_MESSAGE = "This community is closed: its history stays readable, but nothing can be changed."


def is_read_only(community) -> bool:
    from communities.choices import Stage

    return community.stage == Stage.CLOSED


def _community_of(obj):
    from communities.models import Community

    return obj if isinstance(obj, Community) else obj.community


def _unless_closed(check):
    import functools

    @functools.wraps(check)
    def guarded(user, obj, *args, **kwargs):
        if is_read_only(_community_of(obj)):
            return False
        return check(user, obj, *args, **kwargs)

    guarded.guards_closure = True
    return guarded


_READS_BEFORE_GUARD = {"can_view_case_drafts": can_manage_business_case}


def can_view_case_drafts(user, community) -> bool:  # noqa: F811 — a read: not guarded
    return _READS_BEFORE_GUARD["can_view_case_drafts"](user, community)


def can_add_to_loops(user, community) -> bool:
    """Ask for help and add shared-memory entries (reading them is `can_use_loops`)."""
    return can_use_loops(user, community)


def can_write_review(user, community) -> bool:
    """Plan–do–check–act reviews: the coordinators and core group of the community, admins."""
    return community_role(user, community) >= Role.CORE


def can_read_reviews(user, community) -> bool:
    """The review history: the community's members, admins (others: 403 in a visible one)."""
    return community_role(user, community) >= Role.MEMBER


def can_keep_checklist(user, community) -> bool:
    """The cultivation checklist: the coordinators and the core group, admins."""
    return community_role(user, community) >= Role.CORE


def can_read_checklist(user, community) -> bool:
    """Reading one's own checklist stays possible once the community is closed."""
    return community_role(user, community) >= Role.CORE


def can_close_community(user, community) -> bool:
    return is_program_admin(user) and not is_read_only(community)


def can_log_coaching(user, community) -> bool:
    return is_program_admin(user)


def can_read_coaching(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


# --- Health checks, indicators, reports, the program overview (communities/health/).
# A community's health (indicators, flags, health checks, monthly reports) is read by its
# coordinators and core group, its sponsors and the social learning team; members and
# visitors get 403. Coordinators open and close health checks; the core group (the
# coordinators included) answers them. The program overview, program reports and the
# support-request queue belong to the social learning team (program admins).


def can_view_health(user, community) -> bool:
    return community_role(user, community) >= Role.CORE or is_sponsor_of(user, community)


def can_open_health_check(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


def can_answer_health_check(user, community) -> bool:
    """Core group members and coordinators rate; admins read but do not rate."""
    membership = membership_of(user, community)
    return membership is not None and (membership.is_core or membership.is_coordinator)


def can_view_program_overview(user) -> bool:
    return is_program_admin(user)


def can_request_community_support(user, community) -> bool:
    """Coordinators ask the social learning team for coaching, launch help, technology or
    logistics (practice groups ask through `can_request_support`)."""
    return community_role(user, community) >= Role.COORDINATOR


# Every permission that grants a write on a community or its content.
CLOSURE_GUARDED = [
    "can_manage_business_case",
    "can_respond_to_business_case",
    "can_manage_agreement",
    "can_edit_community",
    "can_manage_members",
    "can_log_activities",
    "can_manage_rhythm",
    "can_join",
    "can_leave",
    "can_write_story",
    "can_edit_story",
    "can_submit_story",
    "can_withdraw_story",
    "can_review_story",
    "can_raise_agenda_item",
    "can_vote",
    "can_steer_agenda",
    "can_edit_agenda_item",
    "can_propose_group",
    "can_charter_group",
    "can_edit_group",
    "can_join_group",
    "can_leave_group",
    "can_conclude_group",
    "can_post_report",
    "can_respond_to_report",
    "can_request_support",
    "can_add_to_loops",
    "can_answer_help_request",
    "can_mark_helpful",
    "can_follow_up",
    "can_capture_loop",
    "can_edit_memory",
    "can_write_review",
    "can_keep_checklist",
    "can_log_coaching",
    "can_open_health_check",
    "can_answer_health_check",
    "can_request_community_support",
]
for _name in CLOSURE_GUARDED:
    globals()[_name] = _unless_closed(globals()[_name])
del _name


def _closed_aware(require):
    """A too-low role stays a plain 403; a closed community's refusal says why."""
    if require is None:
        return None

    def check(user, obj):
        if require(user, obj):
            return True
        if getattr(require, "guards_closure", False) and is_read_only(_community_of(obj)):
            raise PermissionDenied(CLOSED_MESSAGE)
        return False

    return check


def _explaining_closure(fetch):
    import functools

    @functools.wraps(fetch)
    def wrapper(*args, require=None, **kwargs):
        return fetch(*args, require=_closed_aware(require), **kwargs)

    return wrapper


for _name in [
    "get_community_for_user",
    "get_sponsorship_community_for_user",
    "get_story_for_user",
    "get_group_for_user",
    "get_help_request_for_user",
    "get_memory_entry_for_user",
    "get_report_for_user",
]:
    globals()[_name] = _explaining_closure(globals()[_name])
del _name
