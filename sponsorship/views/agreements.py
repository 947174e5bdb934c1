"""A community's agreement with its sponsor(s): members and sponsors read it, program admins
and the community's coordinators keep it and its commitments up to date."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.permissions import get_sponsorship_community_for_user
from childcop.utils import done, posted

from ..choices import CommitmentStatus
from ..forms import AgreementForm, CommitmentFormSet
from ..models import Agreement
from ..services import agreement_of, current_sponsors, possible_owners, save_agreement


@require_GET
def agreement_detail(request, slug):
    community = get_sponsorship_community_for_user(request.user, slug)
    agreement = agreement_of(community)
    commitments = agreement.commitments.select_related("owner") if agreement else []
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
    }
    return render(request, "sponsorship/agreement.html", context)


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
