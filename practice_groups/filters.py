import django_filters
from django.db.models import Q

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
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("created_at", "created"), ("member_count", "members")),
        field_labels={"name": "Name", "created_at": "Newest", "member_count": "Members"},
        label="Sort by",
    )

    class Meta:
        model = PracticeGroup
        fields = ["q", "status", "reason"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(purpose__icontains=value) | Q(deliverable__icontains=value)
        )
