import django_filters
from django.db.models import Q

from childcop.forms import sort_filter

from .choices import GroupStatus, Reason
from .models import PracticeGroup


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=GroupStatus.choices, label="Status", empty_label="Any status"
    )
    reason = django_filters.ChoiceFilter(
        choices=Reason.choices, label="Reason", empty_label="Any reason"
    )
    sort = sort_filter(
        ("name", "name", "Name, A to Z", "Name, Z to A"),
        ("created_at", "created", "Oldest first", "Newest first"),
        ("member_count", "members", "Fewest members first", "Most members first"),
        default="Active groups first, then proposed, then by name",
    )

    class Meta:
        model = PracticeGroup
        fields = ["q", "status", "reason"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(purpose__icontains=value) | Q(deliverable__icontains=value)
        )
