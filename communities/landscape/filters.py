"""The landscape's filters (django-filter): lifecycle stage, domain and sponsor."""

from __future__ import annotations

import django_filters
from django import forms

from communities.choices import Stage
from communities.health.filters import search_box, sponsored_by_q
from communities.models import Community


def current_sponsors(request=None):
    """The people with a current sponsor appointment (one query, when the form is drawn)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from sponsorship.models import Appointment

    appointed = Appointment.objects.current().sponsors().filter(person=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Exists(appointed), is_active=True)
        .only("pk", "display_name", "email")
        .order_by("display_name", "pk")
    )


class LandscapeFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        choices=[c for c in Stage.choices if c[0] != Stage.CLOSED],
        label="Lifecycle stage",
        empty_label="Any stage",
        widget=forms.Select,
    )
    domain = django_filters.CharFilter(
        field_name="domain", lookup_expr="icontains", label="Domain", widget=search_box("Domain")
    )
    sponsor = django_filters.ModelChoiceFilter(
        queryset=current_sponsors,
        method="filter_sponsor",
        label="Sponsor",
        empty_label="Any sponsor",
    )

    class Meta:
        model = Community
        fields = ["stage", "domain", "sponsor"]

    def filter_sponsor(self, queryset, name, value):
        return queryset.filter(sponsored_by_q(person_id=value.pk))
