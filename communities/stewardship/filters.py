"""Filters of the program's list of launches (django-filter)."""

from __future__ import annotations

from functools import cached_property

import django_filters
from django.core.validators import RegexValidator

from .models import LAUNCH_WORKFLOW, LaunchKind, LaunchStatus
from .services import stalled_before, stalled_days

ALL = "all"

# The list's sort keys: what each orders by (the default, least recently active first, is
# the queryset's own order).
SORTS = {
    "updated_at": ["updated_at", "pk"],
    "-updated_at": ["-updated_at", "-pk"],
    "community": ["community__name", "pk"],
}


class LaunchFilter(django_filters.FilterSet):
    """Open plans unless another status (or "all") is asked for; a value that is not one of
    a filter's choices is ignored. "Stalled only" counts `days` days without progress (the
    setting unless a number from 1 to 999 is given)."""

    q = django_filters.CharFilter(
        field_name="community__name", lookup_expr="icontains", label="Community"
    )
    status = django_filters.ChoiceFilter(
        choices=[(ALL, "All"), *LaunchStatus.choices],
        method="filter_status",
        label="Status",
        empty_label=None,
    )
    kind = django_filters.ChoiceFilter(choices=LaunchKind.choices, label="Kind", empty_label="All")
    days = django_filters.CharFilter(
        method="keep",
        label="Stalled after (days)",
        validators=[RegexValidator(r"^[1-9][0-9]{0,2}\Z")],
    )
    stalled = django_filters.ChoiceFilter(
        choices=[("1", "Stalled only")], method="filter_stalled", label="Stalled only"
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS], method="order", label="Sort by"
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = LaunchStatus.OPEN
        super().__init__(data, *args, **kwargs)

    @property
    def days_without_progress(self) -> int:
        if not self.is_bound or "days" in self.form.errors:
            return stalled_days()
        return int(self.form.cleaned_data.get("days") or stalled_days())

    @cached_property
    def threshold(self):
        """Open plans last touched before this are stalled."""
        return stalled_before(days=self.days_without_progress)

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(status=value)

    def keep(self, queryset, name, value):
        return queryset  # read by `days_without_progress`

    def filter_stalled(self, queryset, name, value):
        return queryset.filter(
            status__in=LAUNCH_WORKFLOW.sources("edit"), updated_at__lt=self.threshold
        )

    def order(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
