"""The business case: a community's versioned answers to its sponsor's questions.

A coordinator (or the social learning team) drafts the answers and submits them; the
community's sponsors are emailed, then comment on or endorse the version they read.
Editing a submitted (or endorsed) version creates a new version that copies its
answers: earlier versions stay as they were, and so does what was said about them.

Views, forms and the workflow (service functions, each one transaction) live here.
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import aggregates, mail, permissions
from childcop.accounts.models import User
from childcop.permissions import get_sponsorship_community_for_user
from childcop.utils import posted
from communities.models import Community

from .choices import BUSINESS_CASE_QUESTIONS, CASE_WORKFLOW, CaseStatus, ResponseKind, Scope
from .models import Appointment, BusinessCaseVersion, SponsorResponse

logger = logging.getLogger(__name__)

QUESTION_FIELDS = [field for field, _ in BUSINESS_CASE_QUESTIONS]
SUBMITTED_EMAIL = "business_case_submitted"

# Short guidance under each question (the question itself is the field's label).
GUIDANCE = {
    "why_care": "The problem or opportunity in the sponsor's terms: what it costs today, "
    "what is at stake if nothing changes.",
    "strategy": "Name the goals or priorities of the organisation this community serves, "
    "and how its work moves them forward.",
    "capabilities": "The skills, practices and know-how members will build together.",
    "connections": "Who will meet whom: across teams, sites, levels, newcomers and experts.",
    "boundaries": "The silos, functions or organisations the community will link.",
    "success": "What will be different in a year, and the evidence you will show: "
    "value-creation stories, indicators, participation.",
    "operation": "Rhythm, activities, roles of the core group and the coordinator, tools.",
    "resources": "Time for coordinators and members, budget, facilitation, tools, travel.",
    "sponsor_role": "What you ask of the sponsor: attention, air time, removing obstacles, "
    "recognising contributions, resources.",
}


# --- Service ------------------------------------------------------------------------


def current_sponsors(community):
    """Active users currently appointed as sponsors of the community (program-wide or named)."""
    appointments = Appointment.objects.current().sponsors()
    return (
        User.objects.filter(is_active=True)
        .filter(
            pk__in=appointments.filter(
                Q(scope=Scope.PROGRAM) | Q(scope=Scope.COMMUNITIES, communities=community)
            ).values("person_id")
        )
        .order_by("pk")
    )


def visible_versions(user, community):
    """The versions this user may read: drafts only for those who manage the case."""
    versions = community.business_case_versions.select_related("created_by")
    if not permissions.can_view_case_drafts(user, community):
        versions = versions.exclude(status=CaseStatus.DRAFT)
    return versions.order_by("-number")


def latest_version(community):
    return community.business_case_versions.order_by("-number").first()


def latest_submitted(community):
    """The version a sponsor may respond to: the newest one that was submitted."""
    return (
        community.business_case_versions.filter(status__in=CASE_WORKFLOW.sources("respond"))
        .order_by("-number")
        .first()
    )


def answers_of(version) -> dict:
    return {field: getattr(version, field) for field in QUESTION_FIELDS} if version else {}


def save_draft(community, answers: dict, *, by) -> BusinessCaseVersion:
    """Save the answers to the community's draft; a submitted case gets a new version.

    The community row is locked so that two editors cannot both create version n+1
    (the unique constraint would refuse the second anyway).
    """
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        version = latest_version(community)
        if version is None or not CASE_WORKFLOW.allows(version.status, "edit"):
            version = BusinessCaseVersion(
                community=community,
                number=(version.number + 1) if version else 1,
                created_by=by,
            )
        for field in QUESTION_FIELDS:
            setattr(version, field, answers.get(field, ""))
        version.save()
    return version


def submit(version, *, by=None) -> bool:
    """Submit a draft to the sponsors (emailed once the transaction commits)."""
    with transaction.atomic():
        updated = BusinessCaseVersion.objects.filter(
            pk=version.pk, status__in=CASE_WORKFLOW.sources("submit")
        ).update(status=CASE_WORKFLOW.target("submit"), submitted_at=timezone.now())
        if updated:
            from .tasks import notify_business_case_submitted

            # update() sends no signal: the community's cached dashboard card (case status)
            aggregates.invalidate_communities([version.community_id])
            notify_business_case_submitted.delay_on_commit(version.pk)
    version.refresh_from_db()
    return bool(updated)


class NotLatest(Exception):
    """The version responded to is not the community's latest submitted version."""


def respond(version, *, sponsor, kind, text="") -> SponsorResponse:
    """Record a sponsor's comment or endorsement on exactly this version."""
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=version.community_id).first()
        latest = latest_submitted(version.community)
        if latest is None or latest.pk != version.pk:
            raise NotLatest(latest)
        response = SponsorResponse.objects.create(
            version=version, sponsor=sponsor, kind=kind, text=text
        )
        if kind == ResponseKind.ENDORSE:
            BusinessCaseVersion.objects.filter(
                pk=version.pk, status__in=CASE_WORKFLOW.sources("endorse")
            ).update(status=CASE_WORKFLOW.target("endorse"), endorsed_at=timezone.now())
            aggregates.invalidate_communities([version.community_id])  # update(): no signal
    version.refresh_from_db()
    return response


def send_submitted_emails(version_id: int) -> int:
    """Email each current sponsor once about a submitted version (claimed per recipient)."""
    version = (
        BusinessCaseVersion.objects.select_related("community")
        .filter(pk=version_id)
        .exclude(status=CaseStatus.DRAFT)
        .first()
    )
    if version is None:
        return 0
    community = version.community
    context = {
        "version": version,
        "community": community,
        "url": settings.SITE_URL
        + reverse("sponsorship:business_case_version", args=[community.slug, version.pk]),
        "questions": [
            (question, getattr(version, field)) for field, question in BUSINESS_CASE_QUESTIONS
        ],
    }
    return mail.send_to_each(
        current_sponsors(community),
        SUBMITTED_EMAIL,
        str(version.pk),
        "sponsorship/email/case_submitted",
        f"Business case of {community.name} (version {version.number}) for your review",
        context,
    )


# --- Forms --------------------------------------------------------------------------


class BusinessCaseForm(forms.Form):
    """The nine questions; each label is the question, in the sponsor's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, question in BUSINESS_CASE_QUESTIONS:
            self.fields[field] = forms.CharField(
                label=question,
                required=False,
                help_text=GUIDANCE[field] + " Markdown.",
                widget=forms.Textarea(attrs={"rows": 4}),
            )


class ResponseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Your response",
        choices=ResponseKind.choices,
        widget=forms.RadioSelect,
        initial=ResponseKind.COMMENT,
    )
    text = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for a comment; optional when you endorse. Markdown.",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ResponseKind.COMMENT and not data.get("text", "").strip():
            self.add_error("text", "Write your comment.")
        return data


# --- Views --------------------------------------------------------------------------


def _page(request, community, version, *, response_form=None):
    user = request.user
    versions = list(visible_versions(user, community))
    latest = latest_submitted(community)
    can_respond = permissions.can_respond_to_business_case(user, community)
    if version is not None and response_form is None and can_respond:
        response_form = ResponseForm(initial={"version": version.pk})
    context = {
        "community": community,
        "version": version,
        "versions": versions,
        "answers": [
            (question, GUIDANCE[field], getattr(version, field) if version else "")
            for field, question in BUSINESS_CASE_QUESTIONS
        ],
        "responses": version.responses.select_related("sponsor") if version else [],
        "latest_submitted": latest,
        "is_latest_submitted": version is not None and latest is not None and latest == version,
        "can_manage": permissions.can_manage_business_case(user, community),
        "can_respond": can_respond,
        "response_form": response_form,
        "has_draft": any(v.status == CaseStatus.DRAFT for v in versions[:1]),
    }
    return render(request, "sponsorship/case_detail.html", context)


@require_GET
def case_overview(request, slug):
    """The newest version this user may read, with every version listed beside it."""
    community = get_sponsorship_community_for_user(request.user, slug)
    version = visible_versions(request.user, community).first()
    return _page(request, community, version)


@require_GET
def case_version(request, slug, pk):
    community = get_sponsorship_community_for_user(request.user, slug)
    version = get_object_or_404(visible_versions(request.user, community), pk=pk)
    return _page(request, community, version)


@require_http_methods(["GET", "POST"])
def case_edit(request, slug):
    community = get_sponsorship_community_for_user(
        request.user, slug, require=permissions.can_manage_business_case
    )
    current = latest_version(community)
    form = BusinessCaseForm(posted(request), initial=answers_of(current))
    if request.method == "POST" and form.is_valid():
        version = save_draft(community, form.cleaned_data, by=request.user)
        if current is not None and version.pk != current.pk:
            messages.info(
                request,
                f"Version {current.number} was already submitted, so your changes are a new "
                f"draft, version {version.number}. Version {current.number} stays readable.",
            )
        if "submit" in request.POST:
            return redirect("sponsorship:business_case_submit", slug=community.slug)
        messages.success(request, f"The draft (version {version.number}) was saved.")
        return redirect("sponsorship:business_case_version", slug=community.slug, pk=version.pk)
    context = {
        "community": community,
        "form": form,
        "current": current,
        "new_version": current is not None and not CASE_WORKFLOW.allows(current.status, "edit"),
    }
    return render(request, "sponsorship/case_form.html", context)


@require_http_methods(["GET", "POST"])
def case_submit(request, slug):
    community = get_sponsorship_community_for_user(
        request.user, slug, require=permissions.can_manage_business_case
    )
    version = latest_version(community)
    if version is None or not CASE_WORKFLOW.allows(version.status, "submit"):
        messages.warning(request, "There is no draft to submit: edit the business case first.")
        return redirect("sponsorship:business_case", slug=community.slug)
    unanswered = [q for field, q in BUSINESS_CASE_QUESTIONS if not getattr(version, field).strip()]
    if len(unanswered) == len(BUSINESS_CASE_QUESTIONS):
        messages.error(request, "Answer at least one question before submitting.")
        return redirect("sponsorship:business_case_edit", slug=community.slug)
    if request.method == "POST":
        submit(version, by=request.user)
        sponsors = current_sponsors(community).count()
        messages.success(
            request,
            f"Version {version.number} was submitted to "
            + (f"{sponsors} sponsor{'s' if sponsors != 1 else ''}." if sponsors else "the sponsor.")
            + ("" if sponsors else " The community has no sponsor yet: nobody was emailed."),
        )
        return redirect("sponsorship:business_case_version", slug=community.slug, pk=version.pk)
    question = "The community's sponsors are emailed and can comment on it or endorse it. "
    if unanswered:
        question += f"{len(unanswered)} of the nine questions are not answered yet. "
    question += "Later changes make a new version; this one stays as submitted."
    # The shared confirmation page (its template; an app never imports another's views).
    context = {
        "community": community,
        "title": f"Submit version {version.number} of the business case to the sponsor?",
        "question": question,
        "action_label": "Submit to the sponsor",
    }
    return render(request, "communities/confirm.html", context)


@require_POST
def case_respond(request, slug, pk):
    community = get_sponsorship_community_for_user(
        request.user, slug, require=permissions.can_respond_to_business_case
    )
    version = get_object_or_404(visible_versions(request.user, community), pk=pk)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _page(request, community, version, response_form=form)
    if form.cleaned_data["version"] != version.pk:
        messages.error(request, "This response does not belong to the version on this page.")
        return redirect("sponsorship:business_case_version", slug=community.slug, pk=version.pk)
    kind = form.cleaned_data["kind"]
    if (
        kind == ResponseKind.ENDORSE
        and version.responses.filter(sponsor=request.user, kind=ResponseKind.ENDORSE).exists()
    ):
        messages.info(request, f"You have already endorsed version {version.number}.")
        return redirect("sponsorship:business_case_version", slug=community.slug, pk=version.pk)
    try:
        respond(version, sponsor=request.user, kind=kind, text=form.cleaned_data["text"])
    except NotLatest as refused:
        latest = refused.args[0]
        messages.error(
            request,
            f"Your response was not saved: you read version {version.number}, but "
            + (
                f"version {latest.number} has been submitted since. Read it and respond to it."
                if latest
                else "it is not submitted."
            ),
        )
        target = latest or version
        return redirect("sponsorship:business_case_version", slug=community.slug, pk=target.pk)
    if kind == ResponseKind.ENDORSE:
        messages.success(request, f"You endorsed version {version.number} of the business case.")
    else:
        messages.success(request, "Your comment was added.")
    return redirect("sponsorship:business_case_version", slug=community.slug, pk=version.pk)
