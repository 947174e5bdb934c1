import django_filters
from django.db.models import Q

from .models import User


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    department = django_filters.CharFilter(lookup_expr="icontains", label="Department")
    sort = django_filters.OrderingFilter(
        fields=(("display_name", "name"), ("department", "department"), ("date_joined", "joined")),
        field_labels={"display_name": "Name", "department": "Department", "date_joined": "Newest"},
        label="Sort by",
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
