"""The audit log's filters: who, what, when (a date range) and which community."""

import django_filters
from django.db.models import Q
from django.forms import DateInput

from communities.models import Community

from .choices import Action
from .models import AuditEntry

DATE = {"widget": DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AuditEntryFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(method="filter_actor", label="Who (name or email)")
    action = django_filters.ChoiceFilter(
        choices=Action.choices, label="What", empty_label="Any action"
    )
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="From", **DATE
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="To", **DATE
    )
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.order_by("name"),
        label="Community",
        empty_label="Any community",
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "date_from", "date_to", "community"]

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(actor__display_name__icontains=value) | Q(actor__email__icontains=value)
        )
