"""Filters of the support structure's lists (django-filter)."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from childcop.forms import sort_filter
from communities.models import Community

from .choices import AppointmentRole, AppointmentStatus, PairStatus, Scope, SponsorKind
from .models import Appointment, MentorPair

ENDS_WITHIN = [("30", "the next 30 days"), ("60", "the next 60 days"), ("90", "the next 90 days")]
NEVER_APPOINTED = [
    ("0", "Identified, never appointed"),
    ("30", "… identified over 30 days ago"),
    ("60", "… identified over 60 days ago"),
    ("90", "… identified over 90 days ago"),
    ("180", "… identified over 180 days ago"),
]


class AppointmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    role = django_filters.ChoiceFilter(
        choices=AppointmentRole.choices, label="Role", empty_label="Any role"
    )
    status = django_filters.ChoiceFilter(
        choices=AppointmentStatus.choices, label="Status", empty_label="Any status"
    )
    sponsor_kind = django_filters.ChoiceFilter(
        choices=SponsorKind.choices, label="Kind of sponsor", empty_label="Any kind"
    )
    expertise = django_filters.CharFilter(
        field_name="expertise", lookup_expr="icontains", label="Expertise area"
    )
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.order_by("name"),
        method="filter_community",
        label="Community",
        empty_label="Any community",
    )
    ends_within = django_filters.ChoiceFilter(
        choices=ENDS_WITHIN,
        method="filter_ends_within",
        label="Term ends within",
        empty_label="Any time",
    )
    never_appointed = django_filters.ChoiceFilter(
        choices=NEVER_APPOINTED,
        method="filter_never_appointed",
        label="Never appointed",
        empty_label="—",
    )
    sort = sort_filter(
        ("person__display_name", "name", "Name, A to Z", "Name, Z to A"),
        ("role", "role", "Role, A to Z", "Role, Z to A"),
        ("status", "status", "Status, A to Z", "Status, Z to A"),
        (
            "identified_on",
            "identified",
            "Identified longest ago first",
            "Identified most recently first",
        ),
        (
            "appointed_on",
            "appointed",
            "Appointed longest ago first",
            "Appointed most recently first",
        ),
        ("term_end", "term_end", "Term ending soonest first", "Term ending latest first"),
        default="Name, A to Z",
    )

    class Meta:
        model = Appointment
        fields = ["q", "role", "status", "sponsor_kind", "expertise", "community"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(person__display_name__icontains=value)
            | Q(person__email__icontains=value)
            | Q(person__department__icontains=value)
            | Q(expertise__icontains=value)
            | Q(reason__icontains=value)
        )

    def filter_community(self, queryset, name, value):
        """Appointments covering the community: named for it, or program-wide."""
        named = Appointment.communities.through.objects.filter(community=value)
        return queryset.filter(
            Q(
                scope=Scope.PROGRAM,
                status__in=[AppointmentStatus.APPOINTED, AppointmentStatus.ENDED],
            )
            | Q(pk__in=named.values("appointment_id"))
        )

    def filter_ends_within(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            status=AppointmentStatus.APPOINTED,
            term_end__gte=today,
            term_end__lte=today + timedelta(days=int(value)),
        )

    def filter_never_appointed(self, queryset, name, value):
        before = timezone.localdate() - timedelta(days=int(value))
        return queryset.filter(status=AppointmentStatus.IDENTIFIED, identified_on__lte=before)


class MentorPairFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=PairStatus.choices, label="Status", empty_label="Any status"
    )
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.order_by("name"), label="Community", empty_label="Any community"
    )
    sort = sort_filter(
        ("start", "start", "Started longest ago first", "Started most recently first"),
        ("planned_end", "planned_end", "Ending soonest first", "Ending latest first"),
        ("mentor__display_name", "mentor", "Mentor, A to Z", "Mentor, Z to A"),
        default="Started most recently first",
    )

    class Meta:
        model = MentorPair
        fields = ["q", "status", "community"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(mentor__display_name__icontains=value)
            | Q(mentee__display_name__icontains=value)
            | Q(goals__icontains=value)
        )
