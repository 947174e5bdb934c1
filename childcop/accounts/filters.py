import django_filters
from django.db.models import Q

from childcop.forms import sort_filter

from .models import User


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    department = django_filters.CharFilter(lookup_expr="icontains", label="Department")
    sort = sort_filter(
        ("display_name", "name", "Name, A to Z", "Name, Z to A"),
        ("department", "department", "Department, A to Z", "Department, Z to A"),
        ("date_joined", "joined", "Longest here first", "Newest first"),
        default="Name, A to Z",
    )

    class Meta:
        model = User
        fields = ["q", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(display_name__icontains=value)
            | Q(email__icontains=value)
            | Q(job_title__icontains=value)
            | Q(department__icontains=value)
        )
