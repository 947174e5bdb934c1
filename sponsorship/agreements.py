"""Expectations and accountability: a community's agreement with its sponsor(s).

The social learning team helps the community and its sponsors negotiate what each
side commits to, with a review date; program admins and the community's coordinators
keep the agreement up to date, members and sponsors read it. The review reminders
are in ``reminders.py``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.accounts.models import User
from childcop.permissions import get_sponsorship_community_for_user
from childcop.utils import posted

from .business_case import current_sponsors
from .choices import CommitmentStatus
from .models import Agreement, Commitment

# --- Service ------------------------------------------------------------------------


def agreement_of(community):
    return Agreement.objects.filter(community=community).first()


def possible_owners(community):
    """Who may own a commitment: members, current sponsors and the social learning team."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__community=community)
            | Q(pk__in=current_sponsors(community).values("pk"))
            | Q(is_program_admin=True)
        )
        .distinct()
        .order_by("display_name", "email")
    )


def save_agreement(form, commitments) -> Agreement:
    """The agreement and its commitments, all or nothing."""
    with transaction.atomic():
        agreement = form.save()
        commitments.instance = agreement
        commitments.save()
    return agreement


# --- Forms --------------------------------------------------------------------------


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["review_date", "notes"]
        widgets = {
            "review_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "review_date": "When the community and its sponsor(s) review the agreement together. "
            "Everyone involved is reminded 14 days before, and again if it becomes overdue.",
            "notes": "What was agreed and why: the expectations behind the commitments. Markdown.",
        }


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["side", "owner", "description", "due", "status"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}
        labels = {"due": "Due date"}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class BaseCommitmentFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, owners=None, **kwargs):
        self.owners = owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "owners": self.owners}

    @property
    def empty_form(self):
        form = super().empty_form
        if self.owners is not None:
            form.fields["owner"].queryset = self.owners
        return form


CommitmentFormSet = forms.inlineformset_factory(
    Agreement, Commitment, form=CommitmentForm, formset=BaseCommitmentFormSet, extra=3,
    can_delete=True, max_num=50, validate_max=True,
)  # fmt: skip


# --- Views --------------------------------------------------------------------------


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
        messages.success(request, "The agreement was saved.")
        return redirect("sponsorship:agreement", slug=community.slug)
    context = {"community": community, "form": form, "commitments": commitments}
    return render(request, "sponsorship/agreement_form.html", context)
