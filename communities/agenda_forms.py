"""Forms and the filter of the learning agenda."""

import django_filters
from django import forms
from django.db.models import Q

from .choices import AgendaStatus
from .models import AgendaItem, VotingRound


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "faced_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {"title": "The challenge", "faced_by": "Who faces it"}


class AgendaStatusForm(forms.ModelForm):
    """The coordinator moves an item along: raised → prioritised → being addressed → addressed
    or parked, with a note and the activities that address it."""

    class Meta:
        model = AgendaItem
        fields = ["status", "status_note", "activities"]
        widgets = {
            "status_note": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {"status_note": "Note"}
        help_texts = {
            "status_note": "Why it moved: what was decided, what addresses it, what is left.",
            "activities": "Activities of the community that take this challenge up.",
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["activities"]
        field.queryset = community.activities.order_by("-date", "-id")
        field.required = False
        field.label_from_instance = lambda a: f"{a.date:%d %b %Y} — {a.title}"

    def clean(self):
        data = super().clean()
        if (
            data.get("status") in (AgendaStatus.ADDRESSED, AgendaStatus.PARKED)
            and not (data.get("status_note") or "").strip()
        ):
            self.add_error("status_note", "Say how it was addressed, or why it is parked.")
        return data


class VotingRoundForm(forms.ModelForm):
    class Meta:
        model = VotingRound
        fields = ["title", "votes_per_member"]
        help_texts = {
            "votes_per_member": "Each member spreads this many votes (dot voting); several "
            "votes may go to one challenge."
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean(self):
        data = super().clean()
        if self.community.voting_rounds.filter(closed_at__isnull=True).exists():
            raise forms.ValidationError("A voting round is open already: close it first.")
        return data


class AgendaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=AgendaStatus.choices, label="Status", empty_label="Any status"
    )

    class Meta:
        model = AgendaItem
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(faced_by__icontains=value)
        )
