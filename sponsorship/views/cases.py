"""The business case pages: the newest version a user may read, any version, editing the
draft, submitting it to the sponsors and a sponsor's comment or endorsement."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_sponsorship_community_for_user
from childcop.utils import done, posted

from ..choices import BUSINESS_CASE_QUESTIONS, CASE_WORKFLOW, GUIDANCE, CaseStatus, ResponseKind
from ..forms import BusinessCaseForm, ResponseForm
from ..services import (
    NotLatest,
    answers_of,
    current_sponsors,
    latest_submitted,
    latest_version,
    respond,
    save_draft,
    submit,
    visible_versions,
)


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
        return done(
            request,
            f"The draft (version {version.number}) was saved.",
            "sponsorship:business_case_version",
            slug=community.slug,
            pk=version.pk,
        )
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
        return done(
            request,
            f"Version {version.number} was submitted to "
            + (f"{sponsors} sponsor{'s' if sponsors != 1 else ''}." if sponsors else "the sponsor.")
            + ("" if sponsors else " The community has no sponsor yet: nobody was emailed."),
            "sponsorship:business_case_version",
            slug=community.slug,
            pk=version.pk,
        )
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
