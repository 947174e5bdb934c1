"""Filters of the learning room's lists (django-filter): the agenda, help requests, the
shared memory. Search on help requests and memory entries is `services.search` (full-text
on PostgreSQL)."""

import django_filters
from django.db.models import Q

from childcop.forms import sort_filter
from communities.choices import AgendaStatus, HelpStatus, MemoryKind
from communities.models import AgendaItem, HelpRequest, SharedMemoryEntry

from . import services


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


class HelpRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Search")
    status = django_filters.ChoiceFilter(
        choices=HelpStatus.choices, label="Status", empty_label="Any status"
    )
    sort = sort_filter(
        ("created_at", "created", "Oldest first", "Newest first"),
        ("answer_count", "answers", "Fewest answers first", "Most answers first"),
        default="Newest first",
    )

    class Meta:
        model = HelpRequest
        fields = ["q", "status"]

    def search_text(self, queryset, name, value):
        return services.search(queryset, value, ["title", "challenge"])


class MemoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Search")
    kind = django_filters.ChoiceFilter(
        choices=MemoryKind.choices, label="Kind", empty_label="Any kind"
    )
    sort = sort_filter(
        ("title", "title", "Title, A to Z", "Title, Z to A"),
        ("created_at", "created", "Oldest first", "Newest first"),
        default="Newest first",
    )

    class Meta:
        model = SharedMemoryEntry
        fields = ["q", "kind"]

    def search_text(self, queryset, name, value):
        return services.search(queryset, value, ["title", "body"])
