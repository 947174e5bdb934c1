import django_filters
from django.db.models import Q

from .choices import LeadershipRole, Level, Stage
from .models import Community, Membership


class CommunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label="Lifecycle stage", empty_label="Any stage"
    )
    domain = django_filters.CharFilter(field_name="domain", lookup_expr="icontains", label="Domain")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("stage", "stage"),
            ("member_count", "members"),
            ("created_at", "created"),
        ),
        field_labels={
            "name": "Name",
            "stage": "Stage",
            "member_count": "Members",
            "created_at": "Newest",
        },
        label="Sort by",
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
    sort = django_filters.OrderingFilter(
        fields=(
            ("user__display_name", "name"),
            ("joined_on", "joined"),
            ("user__department", "department"),
        ),
        field_labels={
            "user__display_name": "Name",
            "joined_on": "Date joined",
            "user__department": "Department",
        },
        label="Sort by",
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
