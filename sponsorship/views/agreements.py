"""A community's agreement with its sponsor(s): members and sponsors read it, program admins
and the community's coordinators keep it and its commitments up to date."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_sponsorship_community_for_user
from childcop.utils import done, posted

from ..choices import CommitmentStatus
from ..forms import AgreementForm, CommitmentFormSet
from ..models import Agreement, Commitment
from ..services import agreement_of, current_sponsors, possible_owners, save_agreement


@require_GET
def agreement_detail(request, slug):
    community = get_sponsorship_community_for_user(request.user, slug)
    agreement = agreement_of(community)
    commitments = list(agreement.commitments.select_related("owner")) if agreement else []
    today = timezone.localdate()
    context = {
        "community": community,
        "agreement": agreement,
        "commitments": commitments,
        "today": today,
        "review_overdue": bool(agreement and agreement.review_date < today),
        "sponsors": list(current_sponsors(community)),
        "can_manage": permissions.can_manage_agreement(request.user, community),
        "open_status": CommitmentStatus.OPEN,
        "completable": permissions.completable_commitments(request.user, community, commitments),
    }
    return render(request, "sponsorship/agreement.html", context)


@require_POST
def commitment_done(request, slug, pk):
    """The commitment's owner (or whoever keeps the agreement) marks it done."""
    community = get_sponsorship_community_for_user(request.user, slug)
    commitment = get_object_or_404(Commitment, pk=pk, agreement__community=community)
    if commitment.pk not in permissions.completable_commitments(
        request.user, community, [commitment]
    ):
        raise PermissionDenied
    commitment.status = CommitmentStatus.DONE
    commitment.save(update_fields=["status"])
    messages.success(request, f"Marked done: {commitment.description}")
    return redirect("sponsorship:agreement", slug=community.slug)


@require_http_methods(["GET", "POST"])
def agreement_edit(request, slug):
    community = get_sponsorship_community_for_user(
        request.user, slug, require=permissions.can_manage_agreement
    )
    agreement = agreement_of(community) or Agreement(community=community)
    form = AgreementForm(posted(request), instance=agreement)
    commitments = CommitmentFormSet(
        posted(request),
        instance=agreement if agreement.pk else Agreement(),
        prefix="commitments",
        owners=possible_owners(community),
    )
    if request.method == "POST" and form.is_valid() and commitments.is_valid():
        save_agreement(form, commitments)
        return done(request, "The agreement was saved.", "sponsorship:agreement", community.slug)
    context = {"community": community, "form": form, "commitments": commitments}
    return render(request, "sponsorship/agreement_form.html", context)
