import django_filters
from django.db.models import Q

from childcop.forms import sort_filter

from .choices import LeadershipRole, Level, Stage
from .models import Community, Membership


class CommunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label="Lifecycle stage", empty_label="Any stage"
    )
    domain = django_filters.CharFilter(field_name="domain", lookup_expr="icontains", label="Domain")
    sort = sort_filter(
        ("name", "name", "Name, A to Z", "Name, Z to A"),
        ("stage", "stage", "Stage, A to Z", "Stage, Z to A"),
        ("member_count", "members", "Fewest members first", "Most members first"),
        ("created_at", "created", "Oldest first", "Newest first"),
        default="Name, A to Z",
    )

    class Meta:
        model = Community
        fields = ["q", "stage", "domain"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(domain__icontains=value) | Q(purpose__icontains=value)
        )


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    level = django_filters.ChoiceFilter(
        choices=[("coordinator", "Coordinator"), *Level.choices],
        method="filter_level",
        label="Participation level",
        empty_label="Any level",
    )
    role = django_filters.ChoiceFilter(
        choices=LeadershipRole.choices,
        field_name="leadership_roles__role",
        label="Leadership role",
        empty_label="Any role",
        distinct=True,
    )
    sort = sort_filter(
        ("user__display_name", "name", "Name, A to Z", "Name, Z to A"),
        ("joined_on", "joined", "Joined longest ago first", "Joined most recently first"),
        ("user__department", "department", "Department, A to Z", "Department, Z to A"),
        default="Coordinators first, then by name",
    )

    class Meta:
        model = Membership
        fields = ["q", "level", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__display_name__icontains=value)
            | Q(user__email__icontains=value)
            | Q(user__department__icontains=value)
            | Q(user__job_title__icontains=value)
        )

    def filter_level(self, queryset, name, value):
        if value == "coordinator":
            return queryset.filter(is_coordinator=True)
        return queryset.filter(level=value)
