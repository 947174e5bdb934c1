"""The rhythm's list filters: the activity log."""

import django_filters
from django.db.models import Q
from django.forms import DateInput

from communities.choices import ActivityType, Format

from .models import Activity


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    activity_type = django_filters.ChoiceFilter(
        choices=ActivityType.choices, label="Type", empty_label="Any type"
    )
    format = django_filters.ChoiceFilter(
        choices=Format.choices, label="Format", empty_label="Any format"
    )
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Activity
        fields = ["q", "activity_type", "format", "date_from", "date_to"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))
