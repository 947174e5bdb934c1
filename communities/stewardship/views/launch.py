"""The launch playbook: launch and renewal plans, their four steps, the launch process,
the action plan, the progress checklist and the program admins' list of launches.

Views are function views with one scoped fetch at the top (`get_launch_for_user`); who
may do what is answered by `childcop.permissions` (the "launch playbook" block). Every
change to a plan touches its `updated_at` (see `..services`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_launch_community_for_user, get_launch_for_user
from childcop.utils import done, paginate, posted
from communities.choices import Stage
from communities.services import MembershipError

from .. import services
from ..filters import LaunchFilter
from ..forms import (
    ActionItemForm,
    CandidateForm,
    CandidateResponseForm,
    CompleteLaunchForm,
    ConversationForm,
    LaunchDesignForm,
    LaunchProcessForm,
    OpenPlanForm,
    ValuePropositionForm,
)
from ..models import (
    PROCESS_FIELDS,
    ActionStatus,
    CandidateStatus,
    LaunchKind,
    LaunchPlan,
    LaunchStatus,
)


@require_GET
def launch_list(request):
    """The program admins' list: every community in launch or renewal, where each stands."""
    if not permissions.can_see_launches_list(request.user):
        raise PermissionDenied
    queryset = services.with_progress(LaunchPlan.objects.select_related("community", "lead"))
    filterset = LaunchFilter(request.GET, queryset=queryset.order_by("updated_at", "pk"))
    threshold = filterset.threshold
    page = paginate(request, filterset.qs)
    rows = []
    for plan in page:
        steps = services.progress(plan)
        rows.append(
            {
                "plan": plan,
                "done": sum(s["done"] for s in steps),
                "total": len(steps),
                "next": next((s for s in steps if s["is_next"]), None),
                "stalled": services.is_stalled(plan, threshold),
            }
        )
    data = filterset.data
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "days": filterset.days_without_progress,
        "status": data["status"],
        "kind": data.get("kind", ""),
        "q": data.get("q", "").strip(),
        "sort": data.get("sort", "updated_at"),
        "stalled_only": data.get("stalled") == "1",
        "statuses": LaunchStatus.choices,
        "kinds": LaunchKind.choices,
    }
    return render(request, "communities/launch_list.html", context)


@require_GET
def launch_overview(request, slug):
    """A community's launch and renewal plans (the current one first)."""
    community = get_launch_community_for_user(request.user, slug)
    plans = services.with_progress(community.launch_plans.select_related("lead")).order_by(
        "-opened_at", "-id"
    )
    context = {
        "community": community,
        "plans": plans,
        "can_open": permissions.can_open_launch(request.user, community)
        and not any(p.is_open for p in plans),
        "can": permissions.community_flags(request.user, community),
    }
    return render(request, "communities/launch_overview.html", context)


@require_http_methods(["GET", "POST"])
def launch_open(request, slug):
    community = get_launch_community_for_user(
        request.user, slug, require=permissions.can_open_launch
    )
    form = OpenPlanForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        plan = services.open_plan(
            community,
            kind=form.cleaned_data["kind"],
            lead=form.cleaned_data["lead"],
            by=request.user,
        )
        return done(request, f"The {plan.get_kind_display().lower()} plan was opened.", plan)
    return _form_page(
        request,
        community=community,
        plan=None,
        form=form,
        title=f"Open a launch plan for {community.name}",
        intro="The plan walks the four first steps and the launch process. A launch lead "
        "(optional) edits it with the social learning team.",
        submit="Open the plan",
    )


@require_GET
def launch_plan(request, slug, pk):
    plan = get_launch_for_user(request.user, slug, pk)
    conversations = list(plan.conversations.select_related("person"))
    candidates = list(plan.candidates.select_related("person"))
    actions = list(plan.action_items.select_related("owner"))
    plan.conversation_count = len(conversations)
    plan.leaders_accepted = sum(c.status == CandidateStatus.ACCEPTED for c in candidates)
    plan.actions_total = len(actions)
    plan.actions_open = sum(a.status == ActionStatus.OPEN for a in actions)
    steps = services.progress(plan)
    process = [
        (group, [(plan._meta.get_field(f).verbose_name, getattr(plan, f)) for f in fields])
        for group, fields in PROCESS_FIELDS.items()
    ]
    context = {
        "community": plan.community,
        "plan": plan,
        "steps": steps,
        "complete": services.is_complete(steps),
        "stalled": services.is_stalled(plan, services.stalled_before()),
        "stalled_days": services.stalled_days(),
        "conversations": conversations,
        "candidates": candidates,
        "actions": actions,
        "process": process,
        "today": timezone.localdate(),
        "can": permissions.launch_flags(request.user, plan),
        "earlier": plan.community.launch_plans.exclude(pk=plan.pk).order_by("-opened_at"),
    }
    return render(request, "communities/launch_plan.html", context)


def _form_page(request, *, community, plan, form, title, submit, intro="", extra=None):
    context = {
        "community": community,
        "plan": plan,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        **(extra or {}),
    }
    return render(request, "communities/launch_form.html", context)


def _plan_form_page(request, plan, form, **page):
    return _form_page(request, community=plan.community, plan=plan, form=form, **page)


def _edit_plan(request, slug, pk):
    return get_launch_for_user(request.user, slug, pk, require=permissions.can_edit_launch)


def _plan_step(request, slug, pk, *, form_class, saved, changes=None, **page):
    """A step edited on the plan itself: save the form (with `changes`), touch the plan,
    say `saved`, back to the plan; else the form page (`page`: title, intro, submit)."""
    plan = _edit_plan(request, slug, pk)
    form = form_class(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        for field, value in (changes or {}).items():
            setattr(plan, field, value)
        plan.updated_at = timezone.now()
        plan.save()
        return done(request, saved, plan)
    return _plan_form_page(request, plan, form, **page)


def _plan_record(request, plan, form, *, saved, fields=None, **page):
    """A record of the plan (a conversation, a candidate, an action item): from a valid
    form, save it (with `fields` set) touching the plan, and say `saved(record)`; else the
    form page (`page`: title, intro, submit)."""
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        for field, value in (fields or {}).items():
            setattr(record, field, value)
        services.save_to_plan(plan, record)
        return done(request, saved(record), plan)
    return _plan_form_page(request, plan, form, **page)


@require_http_methods(["GET", "POST"])
def conversation_create(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    return _plan_record(
        request,
        plan,
        ConversationForm(posted(request)),
        fields={"logged_by": request.user},
        saved=lambda conversation: f"The conversation with {conversation.who} was logged.",
        title="Step 1 — log a conversation with a potential member",
        intro="Ask: what are your challenges? Whom do you talk to about them? Is there "
        "already a community?",
        submit="Log the conversation",
    )


@require_http_methods(["GET", "POST"])
def value_proposition(request, slug, pk):
    return _plan_step(
        request,
        slug,
        pk,
        form_class=ValuePropositionForm,
        changes={"value_accepted_at": None},  # a changed proposition is accepted again
        saved="The value proposition was saved; accept it when it is ready.",
        title="Step 2 — the value proposition",
        intro="Value to the organisation and value to people: how could a community help? "
        "What would success look like? Why would people participate?",
        submit="Save the value proposition",
    )


@require_POST
def value_accept(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    if (
        not services.value_summary(plan)
        or not plan.value_to_organisation
        or not plan.value_to_people
    ):
        messages.error(request, "Write the value proposition before accepting it.")
        return redirect(plan)
    services.accept_value_proposition(plan)
    return done(
        request,
        f"The value proposition was accepted and shown on {plan.community.name}'s page.",
        plan,
    )


@require_http_methods(["GET", "POST"])
def leader_add(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    return _plan_record(
        request,
        plan,
        CandidateForm(posted(request), plan=plan, by=request.user),
        fields={"invited_by": request.user},
        saved=lambda candidate: f"{candidate.person} was added as an internal leader candidate.",
        title="Step 3 — an internal leader",
        intro="Ask: what do you think of the idea? Are you willing to help make it happen? "
        "What would that mean to you? Who else could help? The candidate then gives their "
        "answer on their own page (send them its address), or a coordinator records it.",
        submit="Add the candidate",
    )


@require_http_methods(["GET", "POST"])
def leader_respond(request, slug, pk, candidate_id):
    """A candidate's answer: their own (on this page, when someone else proposed them), or
    recorded by a coordinator or program admin; accepting joins the core group."""
    candidate = permissions.get_candidate_for_user(
        request.user, slug, pk, candidate_id, require=permissions.can_answer_candidacy
    )
    plan = candidate.plan
    own = candidate.person_id == request.user.pk
    form = CandidateResponseForm(posted(request), own=own)
    if candidate.status != CandidateStatus.INVITED:
        messages.info(request, f"{candidate.person} has answered already.")
        return redirect(plan)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        try:
            services.respond_candidate(
                candidate, status=status, roles=form.cleaned_data["roles"], by=request.user
            )
        except MembershipError as error:
            form.add_error(None, str(error))
        else:
            accepted = status == CandidateStatus.ACCEPTED
            answer = "accepted and joined the core group" if accepted else "declined"
            said = f"You {answer}." if own else f"{candidate.person} {answer}."
            if permissions.can_view_launch(request.user, plan):
                return done(request, said, plan)
            return done(request, said, "home")
    return _plan_form_page(
        request,
        plan,
        form,
        title="Your answer" if own else f"{candidate.person}'s answer",
        intro=(
            f"You are asked to help lead {plan.community.name}. "
            if own
            else "Record an answer the candidate gave you. "
        )
        + "A candidate who accepts joins the community's core group.",
        submit="Give my answer" if own else "Record the answer",
    )


@require_http_methods(["GET", "POST"])
def launch_design(request, slug, pk):
    return _plan_step(
        request,
        slug,
        pk,
        form_class=LaunchDesignForm,
        saved="The launch design was saved.",
        title="Step 4 — the launch design",
        intro="Involve and prepare the internal leaders, choose a launch approach, plan "
        "launch activities, prepare the follow-up; then do it.",
        submit="Save the launch design",
    )


@require_http_methods(["GET", "POST"])
def launch_process(request, slug, pk):
    return _plan_step(
        request,
        slug,
        pk,
        form_class=LaunchProcessForm,
        saved="The launch process checklist was saved.",
        title="The launch process",
        intro="Discovery and preparation, then the launch workshop's design. The workshop "
        "itself can be logged as an activity.",
        submit="Save the checklist",
    )


@require_http_methods(["GET", "POST"])
def action_form(request, slug, pk, item_id=None):
    plan = _edit_plan(request, slug, pk)
    instance = (
        get_object_or_404(plan.action_items.select_related("owner"), pk=item_id)
        if item_id
        else None
    )
    return _plan_record(
        request,
        plan,
        ActionItemForm(posted(request), instance=instance),
        saved=lambda item: f"The action item “{item.title}” was saved.",
        title="Action item" if instance else "New action item",
        intro="The action plan: the next steps after the launch workshop, each with an "
        "owner and a due date. Owners are reminded when an item is overdue.",
        submit="Save the action item",
    )


@require_http_methods(["GET", "POST"])
def launch_complete(request, slug, pk):
    plan = get_launch_for_user(request.user, slug, pk, require=permissions.can_complete_launch)
    plan.conversation_count = plan.conversations.count()
    plan.leaders_accepted = plan.candidates.filter(status=CandidateStatus.ACCEPTED).count()
    plan.actions_total = plan.action_items.count()
    plan.actions_open = plan.action_items.filter(status=ActionStatus.OPEN).count()
    steps = services.progress(plan)
    complete = services.is_complete(steps)
    form = CompleteLaunchForm(posted(request), complete=complete)
    moves = plan.kind == LaunchKind.LAUNCH and plan.community.stage == Stage.POTENTIAL
    if request.method == "POST" and form.is_valid():
        services.complete_plan(plan, by=request.user, note=form.cleaned_data["note"])
        if moves:
            messages.success(request, f"{plan.community.name} moved to the Coalescing stage.")
        else:
            messages.success(request, f"The {plan.get_kind_display().lower()} was completed.")
        return redirect(plan.community if moves else plan)
    return _plan_form_page(
        request,
        plan,
        form,
        title="Move to coalescing" if moves else f"Complete the {plan.get_kind_display().lower()}",
        intro=("The launch is complete." if complete else "Some steps are not done yet.")
        + (" The community moves from potential to coalescing." if moves else ""),
        submit="Move to coalescing" if moves else "Complete the plan",
        extra={"steps": steps},
    )
