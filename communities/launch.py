"""The launch playbook: launch and renewal plans, their four steps, the launch process,
the action plan, the progress checklist and the program admins' list of launches.

Views are function views with one scoped fetch at the top (`get_launch_for_user`); who
may do what is answered by `childcop.permissions` (the "launch playbook" block). Every
change to a plan touches its `updated_at`: a plan untouched for
`CHILDCOP_LAUNCH_STALLED_DAYS` days (14 unless set) is *stalled*.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_launch_community_for_user, get_launch_for_user
from childcop.utils import paginate, posted, querystring_without

from . import services
from .choices import Level, Stage
from .launch_forms import (
    PROCESS_FIELDS,
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
from .models import (
    ActionItem,
    ActionStatus,
    CandidateStatus,
    Conversation,
    LaunchKind,
    LaunchPlan,
    LaunchStatus,
    LeaderCandidate,
    Membership,
)

# --- progress and stalled plans -------------------------------------------------------


def stalled_days() -> int:
    return int(getattr(settings, "CHILDCOP_LAUNCH_STALLED_DAYS", 14))


def stalled_before(now=None, days=None):
    return (now or timezone.now()) - timedelta(days=stalled_days() if days is None else days)


def stalled_plans(now=None, days=None):
    """Open plans with no progress for `days` days (the setting unless given)."""
    return LaunchPlan.objects.filter(
        status=LaunchStatus.OPEN, updated_at__lt=stalled_before(now, days)
    )


def _count(model, **filters):
    rows = (
        model.objects.filter(plan=OuterRef("pk"), **filters)
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows), 0)


def with_progress(queryset):
    """Annotate what `progress()` needs, in the same query (constant queries on lists)."""
    return queryset.annotate(
        conversation_count=_count(Conversation),
        leaders_accepted=_count(LeaderCandidate, status=CandidateStatus.ACCEPTED),
        actions_total=_count(ActionItem),
        actions_open=_count(ActionItem, status=ActionStatus.OPEN),
    )


def progress(plan) -> list[dict]:
    """The checklist: each step, whether it is done, and which one is next."""
    slug, pk = plan.community.slug, plan.pk
    discovery, workshop = PROCESS_FIELDS.values()

    def url(name):
        return reverse(f"communities:{name}", args=[slug, pk])

    steps = [
        {
            "key": "conversations",
            "label": "1. Conversations with potential members",
            "done": plan.conversation_count > 0,
            "detail": f"{plan.conversation_count} logged",
            "url": url("launch_conversation"),
        },
        {
            "key": "value",
            "label": "2. Value proposition",
            "done": plan.value_accepted_at is not None,
            "detail": "accepted" if plan.value_accepted_at else "not accepted yet",
            "url": url("launch_value"),
        },
        {
            "key": "leaders",
            "label": "3. Internal leaders",
            "done": plan.leaders_accepted > 0,
            "detail": f"{plan.leaders_accepted} accepted",
            "url": url("launch_leader_add"),
        },
        {
            "key": "design",
            "label": "4. Launch design",
            "done": bool(plan.approach and plan.launch_activities and plan.follow_up),
            "detail": "approach, launch activities and follow-up",
            "url": url("launch_design"),
        },
        {
            "key": "discovery",
            "label": "Discovery and preparation",
            "done": all(getattr(plan, f) for f in discovery),
            "detail": f"{sum(bool(getattr(plan, f)) for f in discovery)} of {len(discovery)}",
            "url": url("launch_process"),
        },
        {
            "key": "workshop",
            "label": "Launch workshop design",
            "done": all(getattr(plan, f) for f in workshop),
            "detail": f"{sum(bool(getattr(plan, f)) for f in workshop)} of {len(workshop)}",
            "url": url("launch_process"),
        },
        {
            "key": "actions",
            "label": "Action plan and next steps",
            "done": plan.actions_total > 0 and plan.actions_open == 0,
            "detail": f"{plan.actions_total - plan.actions_open} of {plan.actions_total} closed",
            "url": url("launch_action_add"),
        },
    ]
    next_step = next((s for s in steps if not s["done"]), None)
    for step in steps:
        step["is_next"] = step is next_step
    return steps


def is_complete(steps) -> bool:
    return all(step["done"] for step in steps)


# --- services --------------------------------------------------------------------------


def open_plan(community, *, kind, lead, by, now=None) -> LaunchPlan:
    now = now or timezone.now()
    return LaunchPlan.objects.create(
        community=community, kind=kind, lead=lead, opened_by=by, opened_at=now, updated_at=now
    )


def value_summary(plan) -> str:
    parts = [
        ("Value to the organisation", plan.value_to_organisation),
        ("Value to people", plan.value_to_people),
        ("How a community could help", plan.how_community_helps),
        ("What success would look like", plan.success_looks_like),
        ("Why people would participate", plan.why_participate),
    ]
    return "\n\n".join(f"**{label}.** {text.strip()}" for label, text in parts if text.strip())


@transaction.atomic
def accept_value_proposition(plan, *, now=None) -> None:
    """Accepting the value proposition fills the community's."""
    now = now or timezone.now()
    plan.value_accepted_at = now
    plan.updated_at = now
    plan.save(update_fields=["value_accepted_at", "updated_at"])
    community = plan.community
    community.value_proposition = value_summary(plan)
    community.save(update_fields=["value_proposition", "updated_at"])


@transaction.atomic
def respond_candidate(candidate, *, status, roles=(), by) -> Membership | None:
    """A candidate who accepts joins the core group (and may get leadership roles)."""
    plan = candidate.plan
    candidate.status = status
    candidate.responded_at = timezone.now()
    candidate.save(update_fields=["status", "responded_at"])
    plan.touch()
    if status != CandidateStatus.ACCEPTED:
        return None
    membership = Membership.objects.filter(community=plan.community, user=candidate.person).first()
    if membership is None:
        return services.add_member(
            plan.community, candidate.person, by=by, level=Level.CORE, roles=roles
        )
    current = set(membership.leadership_roles.values_list("role", flat=True))
    return services.update_membership(
        membership,
        level=Level.CORE if not membership.is_core else membership.level,
        is_coordinator=membership.is_coordinator,
        roles=current | set(roles),
        by=by,
    )


@transaction.atomic
def complete_plan(plan, *, by, note="") -> None:
    """Close the plan; a launch moves the community from potential to coalescing."""
    plan = LaunchPlan.objects.select_for_update().select_related("community").get(pk=plan.pk)
    if not plan.is_open:
        raise ValueError("This plan is already completed.")
    if plan.kind == LaunchKind.LAUNCH and plan.community.stage == Stage.POTENTIAL:
        services.change_stage(plan.community, to_stage=Stage.COALESCING, by=by, note=note)
    now = timezone.now()
    plan.status = LaunchStatus.COMPLETED
    plan.completed_at = now
    plan.updated_at = now
    plan.save(update_fields=["status", "completed_at", "updated_at"])


# --- views -------------------------------------------------------------------------------


def _days_param(request) -> int:
    raw = request.GET.get("days", "")
    return int(raw) if re.fullmatch(r"[1-9][0-9]{0,2}", raw) else stalled_days()


def launch_list(request):
    """The program admins' list: every community in launch or renewal, where each stands."""
    if not permissions.can_see_launches_list(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    days = _days_param(request)
    status = request.GET.get("status", "open")
    queryset = with_progress(LaunchPlan.objects.select_related("community", "lead"))
    if status in LaunchStatus.values:
        queryset = queryset.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in LaunchKind.values:
        queryset = queryset.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(community__name__icontains=q)
    threshold = stalled_before(days=days)
    if request.GET.get("stalled") == "1":
        queryset = queryset.filter(status=LaunchStatus.OPEN, updated_at__lt=threshold)
    sort = request.GET.get("sort", "updated_at")
    orders = {
        "updated_at": ["updated_at", "pk"],
        "-updated_at": ["-updated_at", "-pk"],
        "community": ["community__name", "pk"],
    }
    page = paginate(request, queryset.order_by(*orders.get(sort, orders["updated_at"])))
    rows = []
    for plan in page:
        steps = progress(plan)
        rows.append(
            {
                "plan": plan,
                "done": sum(s["done"] for s in steps),
                "total": len(steps),
                "next": next((s for s in steps if s["is_next"]), None),
                "stalled": plan.is_open and plan.updated_at < threshold,
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "days": days,
        "status": status,
        "kind": kind,
        "q": q,
        "sort": sort,
        "stalled_only": request.GET.get("stalled") == "1",
        "statuses": LaunchStatus.choices,
        "kinds": LaunchKind.choices,
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "communities/launch_list.html", context)


def launch_overview(request, slug):
    """A community's launch and renewal plans (the current one first)."""
    community = get_launch_community_for_user(request.user, slug)
    plans = with_progress(community.launch_plans.select_related("lead")).order_by(
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
        plan = open_plan(
            community,
            kind=form.cleaned_data["kind"],
            lead=form.cleaned_data["lead"],
            by=request.user,
        )
        messages.success(request, f"The {plan.get_kind_display().lower()} plan was opened.")
        return redirect(plan)
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


def launch_plan(request, slug, pk):
    plan = get_launch_for_user(request.user, slug, pk)
    conversations = list(plan.conversations.select_related("person"))
    candidates = list(plan.candidates.select_related("person"))
    actions = list(plan.action_items.select_related("owner"))
    plan.conversation_count = len(conversations)
    plan.leaders_accepted = sum(c.status == CandidateStatus.ACCEPTED for c in candidates)
    plan.actions_total = len(actions)
    plan.actions_open = sum(a.status == ActionStatus.OPEN for a in actions)
    steps = progress(plan)
    process = [
        (group, [(plan._meta.get_field(f).verbose_name, getattr(plan, f)) for f in fields])
        for group, fields in PROCESS_FIELDS.items()
    ]
    context = {
        "community": plan.community,
        "plan": plan,
        "steps": steps,
        "complete": is_complete(steps),
        "stalled": plan.is_open and plan.updated_at < stalled_before(),
        "stalled_days": stalled_days(),
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


def _edit_plan(request, slug, pk):
    return get_launch_for_user(request.user, slug, pk, require=permissions.can_edit_launch)


@require_http_methods(["GET", "POST"])
def conversation_create(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    form = ConversationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            conversation = form.save(commit=False)
            conversation.plan = plan
            conversation.logged_by = request.user
            conversation.save()
            plan.touch()
        messages.success(request, f"The conversation with {conversation.who} was logged.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
        title="Step 1 — log a conversation with a potential member",
        intro="Ask: what are your challenges? Whom do you talk to about them? Is there "
        "already a community?",
        submit="Log the conversation",
    )


@require_http_methods(["GET", "POST"])
def value_proposition(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    form = ValuePropositionForm(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.value_accepted_at = None  # a changed proposition is accepted again
        plan.updated_at = timezone.now()
        plan.save()
        messages.success(request, "The value proposition was saved; accept it when it is ready.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
        title="Step 2 — the value proposition",
        intro="Value to the organisation and value to people: how could a community help? "
        "What would success look like? Why would people participate?",
        submit="Save the value proposition",
    )


@require_POST
def value_accept(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    if not value_summary(plan) or not plan.value_to_organisation or not plan.value_to_people:
        messages.error(request, "Write the value proposition before accepting it.")
        return redirect(plan)
    accept_value_proposition(plan)
    messages.success(
        request, f"The value proposition was accepted and shown on {plan.community.name}'s page."
    )
    return redirect(plan)


@require_http_methods(["GET", "POST"])
def leader_add(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    form = CandidateForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            candidate = form.save(commit=False)
            candidate.plan = plan
            candidate.save()
            plan.touch()
        messages.success(request, f"{candidate.person} was added as an internal leader candidate.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
        title="Step 3 — an internal leader",
        intro="Ask: what do you think of the idea? Are you willing to help make it happen? "
        "What would that mean to you? Who else could help?",
        submit="Add the candidate",
    )


@require_http_methods(["GET", "POST"])
def leader_respond(request, slug, pk, candidate_id):
    plan = _edit_plan(request, slug, pk)
    candidate = get_object_or_404(plan.candidates.select_related("person"), pk=candidate_id)
    form = CandidateResponseForm(posted(request))
    if candidate.status != CandidateStatus.INVITED:
        messages.info(request, f"{candidate.person} has answered already.")
        return redirect(plan)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        respond_candidate(
            candidate, status=status, roles=form.cleaned_data["roles"], by=request.user
        )
        if status == CandidateStatus.ACCEPTED:
            messages.success(request, f"{candidate.person} accepted and joined the core group.")
        else:
            messages.success(request, f"{candidate.person} declined.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
        title=f"{candidate.person}'s answer",
        intro="A candidate who accepts joins the community's core group.",
        submit="Record the answer",
    )


@require_http_methods(["GET", "POST"])
def launch_design(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    form = LaunchDesignForm(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.updated_at = timezone.now()
        plan.save()
        messages.success(request, "The launch design was saved.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
        title="Step 4 — the launch design",
        intro="Involve and prepare the internal leaders, choose a launch approach, plan "
        "launch activities, prepare the follow-up; then do it.",
        submit="Save the launch design",
    )


@require_http_methods(["GET", "POST"])
def launch_process(request, slug, pk):
    plan = _edit_plan(request, slug, pk)
    form = LaunchProcessForm(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.updated_at = timezone.now()
        plan.save()
        messages.success(request, "The launch process checklist was saved.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
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
    form = ActionItemForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.plan = plan
            item.save()
            plan.touch()
        messages.success(request, f"The action item “{item.title}” was saved.")
        return redirect(plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
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
    steps = progress(plan)
    complete = is_complete(steps)
    form = CompleteLaunchForm(posted(request), complete=complete)
    moves = plan.kind == LaunchKind.LAUNCH and plan.community.stage == Stage.POTENTIAL
    if request.method == "POST" and form.is_valid():
        complete_plan(plan, by=request.user, note=form.cleaned_data["note"])
        if moves:
            messages.success(request, f"{plan.community.name} moved to the Coalescing stage.")
        else:
            messages.success(request, f"The {plan.get_kind_display().lower()} was completed.")
        return redirect(plan.community if moves else plan)
    return _form_page(
        request,
        community=plan.community,
        plan=plan,
        form=form,
        title="Move to coalescing" if moves else f"Complete the {plan.get_kind_display().lower()}",
        intro=("The launch is complete." if complete else "Some steps are not done yet.")
        + (" The community moves from potential to coalescing." if moves else ""),
        submit="Move to coalescing" if moves else "Complete the plan",
        extra={"steps": steps},
    )


# --- demo ----------------------------------------------------------------------------------


def seed_demo(rng, now) -> None:
    """One community mid-launch (steps 1–2 done: "customer-voice"), and a renewal in
    progress for another community. Called by the project's seed_demo."""
    from childcop.accounts.models import User

    from .models import Community

    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    people = list(User.objects.filter(is_active=True, is_program_admin=False).order_by("pk")[:40])
    if not people:
        return
    voice = Community.objects.filter(slug="customer-voice", stage=Stage.POTENTIAL).first()
    if voice and not voice.launch_plans.exists():
        lead = rng.choice(people)
        plan = open_plan(
            voice, kind=LaunchKind.LAUNCH, lead=lead, by=admin, now=now - timedelta(days=30)
        )
        talks = [
            ("Complaints are answered, but nothing changes upstream.", "My team lead", "No"),
            ("We hear the same feedback in three channels.", "Colleagues in marketing", "No"),
            ("Survey results arrive too late to act on.", "The insights team", "A mailing list"),
        ]
        for i, (challenge, talks_to, existing) in enumerate(talks):
            Conversation.objects.create(
                plan=plan, person=people[i % len(people)], challenges=challenge,
                talks_to=talks_to, existing_community=existing, would_help=i != 1,
                held_on=(now - timedelta(days=28 - 3 * i)).date(), logged_by=lead,
            )  # fmt: skip
        Conversation.objects.create(
            plan=plan, name="Pat from the call centre", email="pat@example.org",
            challenges="Customers repeat themselves to every agent.", talks_to="Shift leads",
            held_on=(now - timedelta(days=18)).date(), logged_by=lead,
        )  # fmt: skip
        plan.value_to_organisation = "Fewer repeat complaints; faster fixes that customers notice."
        plan.value_to_people = "Colleagues see their customer insight acted upon."
        plan.how_community_helps = "A place to pool what customers say and follow it through."
        plan.success_looks_like = "Three upstream fixes traced to customer feedback in a year."
        plan.why_participate = "Less firefighting; recognition for spotting patterns."
        plan.save()
        accept_value_proposition(plan, now=now - timedelta(days=12))
        LeaderCandidate.objects.create(
            plan=plan, person=people[3 % len(people)], idea="Long overdue.",
            willing="Yes, a few hours a month.", who_else="Someone from the insights team.",
        )  # fmt: skip
    renewing = (
        Community.objects.exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED])
        .exclude(launch_plans__status=LaunchStatus.OPEN)
        .order_by("pk")
        .last()
    )
    if renewing:
        coordinator = renewing.memberships.filter(is_coordinator=True).first()
        plan = open_plan(
            renewing,
            kind=LaunchKind.RENEWAL,
            lead=coordinator.user if coordinator else None,
            by=admin,
            now=now - timedelta(days=20),
        )
        Conversation.objects.create(
            plan=plan, person=rng.choice(people), held_on=(now - timedelta(days=19)).date(),
            challenges="Sessions feel repetitive; newcomers do not stay.",
            talks_to="Two colleagues from the early days", existing_community="This one",
            would_help=True, logged_by=plan.lead,
        )  # fmt: skip
        ActionItem.objects.create(
            plan=plan, title="Survey members on the topics for next year",
            owner=plan.lead or people[0], due_on=(now + timedelta(days=10)).date(),
        )  # fmt: skip
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=now - timedelta(days=17))
