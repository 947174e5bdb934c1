"""Filters of the health room's lists (django-filter): a community's health checks and
monthly reports, the program overview and the support-request queue."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from communities.choices import Stage
from communities.models import Community

from .choices import Flag, SupportKind, SupportStatus
from .forms import program_admins
from .models import HealthCheck, HealthReport, SupportRequest

NOT_CLOSED = "current"


def search_box(placeholder):
    """A search box: the filter forms refresh the results as people type in one."""
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


ANY_FLAG, NO_FLAG = "any", "none"

# The overview's sort keys (a leading "-" reverses): what each orders by. Figures that were
# not computed yet (no HealthStatus row) come last in both directions; ties go by name.
SORTS = {
    "name": ("Community", None),
    "stage": ("Stage", "stage_rank"),
    "activity": ("Last activity", "health_status__last_activity_on"),
    "participation": ("Participants", "health_status__participants"),
    "change": ("Change", "participation_change"),
    "stories": ("Stories", "health_status__stories"),
    "flags": ("Flags", "health_status__flag_count"),
}
SORT_CHOICES = [
    choice for key, (label, _) in SORTS.items() for choice in ((key, label), (f"-{key}", label))
]


def sponsored_by_q(**person) -> Q:
    """Communities covered by a current sponsor appointment of the people `person` selects
    (Appointment lookups on `person`, e.g. person__display_name__icontains="ann" or
    person_id=7): a program-wide appointment covers every community, a named one its
    communities (the rule of `permissions.sponsored_communities_q`, for any person rather
    than the viewer)."""
    from sponsorship.choices import Scope
    from sponsorship.models import Appointment

    # as the table lists them (overview.sponsors_by_community): people still active
    sponsors = Appointment.objects.current().sponsors().filter(person__is_active=True, **person)
    return Q(Exists(sponsors.filter(scope=Scope.PROGRAM))) | Q(
        Exists(sponsors.filter(scope=Scope.COMMUNITIES, communities=OuterRef("pk")))
    )


def sponsored_by_name_q(name) -> Q:
    """Communities sponsored by someone whose name contains `name` (the search box)."""
    return sponsored_by_q(person__display_name__icontains=name)


def sponsor_choices(request=None):
    """Who a sponsor link may name: anyone (the filter then keeps their current appointments).
    Checked, and the name shown, with one query only when a link was followed."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.only("pk", "display_name", "email")


def order_overview(queryset, sort):
    """Order the overview's queryset (see `overview.overview_queryset`) by a SORTS key."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = "name", "name"
    field = SORTS[key][1]
    if field is None:
        return queryset.order_by("-name" if sort.startswith("-") else "name", "pk")
    expression = (
        F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    )
    return queryset.order_by(expression, "name", "pk")


class OverviewFilter(django_filters.FilterSet):
    """Every community of the program (closed ones included unless filtered out)."""

    q = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        label="Name",
        widget=search_box("Community name"),
    )
    stage = django_filters.ChoiceFilter(
        choices=[(NOT_CLOSED, "Every stage but closed"), *Stage.choices],
        method="filter_stage",
        label="Lifecycle stage",
        empty_label="Any stage",
        widget=forms.Select,
    )
    domain = django_filters.CharFilter(
        field_name="domain", lookup_expr="icontains", label="Domain", widget=search_box("Domain")
    )
    # A name, not a list of every sponsor: the form costs the same whatever the program's size
    # (the sponsor names in the table link here).
    sponsor = django_filters.CharFilter(
        method="filter_sponsor", label="Sponsor", widget=search_box("Sponsor's name")
    )
    # The sponsor names in the table link to their communities by the person's id: a name
    # would also match others whose names contain it ("Ann" and "Joanna").
    sponsor_id = django_filters.ModelChoiceFilter(
        queryset=sponsor_choices,
        method="filter_sponsor_id",
        label="Sponsored by",
        widget=forms.HiddenInput,
    )
    flag = django_filters.ChoiceFilter(
        choices=[(ANY_FLAG, "Any flag"), (NO_FLAG, "No flag"), *Flag.choices],
        method="filter_flag",
        label="Flag",
        empty_label="Flagged or not",
        widget=forms.Select,
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label="Sort by", widget=forms.HiddenInput
    )

    class Meta:
        model = Community  # the view gives the queryset, annotated (overview_queryset)
        fields = []

    def filter_stage(self, queryset, name, value):
        if value == NOT_CLOSED:
            return queryset.exclude(stage=Stage.CLOSED)
        return queryset.filter(stage=value)

    def filter_sponsor(self, queryset, name, value):
        return queryset.filter(sponsored_by_name_q(value))

    def filter_sponsor_id(self, queryset, name, value):
        return queryset.filter(sponsored_by_q(person_id=value.pk))

    def filter_flag(self, queryset, name, value):
        if value == ANY_FLAG:
            return queryset.filter(health_status__flag_count__gt=0)
        if value == NO_FLAG:
            return queryset.filter(health_status__flag_count=0)
        return queryset.filter(health_status__flags__contains=f" {value} ")

    def filter_sort(self, queryset, name, value):
        return order_overview(queryset, value)


class SupportFilter(django_filters.FilterSet):
    """The support-request queue: what, how far, whose, from where."""

    status = django_filters.ChoiceFilter(
        choices=SupportStatus.choices, label="Status", empty_label="Any status"
    )
    kind = django_filters.ChoiceFilter(
        choices=SupportKind.choices, label="Kind", empty_label="Any kind"
    )
    assignee = django_filters.ChoiceFilter(
        method="filter_assignee", label="Assignee", empty_label="Anyone"
    )
    community = django_filters.CharFilter(
        method="filter_community", label="Community", widget=search_box("Community name")
    )

    class Meta:
        model = SupportRequest
        fields = []

    UNASSIGNED, MINE = "nobody", "me"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assignees = []

        def choices():
            """One query, when the form is shown or a value checked (then reused)."""
            if not assignees:
                admins = program_admins().only("pk", "display_name", "email")
                assignees.extend(
                    [(self.MINE, "Me"), (self.UNASSIGNED, "Nobody yet")]
                    + [(str(a.pk), str(a)) for a in admins]
                )
            return assignees

        self.filters["assignee"].extra["choices"] = choices

    def filter_assignee(self, queryset, name, value: str):
        if value == self.UNASSIGNED:
            return queryset.filter(handled_by__isnull=True)
        if value == self.MINE:
            return queryset.filter(handled_by_id=getattr(self.request.user, "pk", None))
        return queryset.filter(handled_by_id=value)

    def filter_community(self, queryset, name, value):
        return queryset.filter(community__name__icontains=value)


class HealthCheckFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), ("closed", "Closed")],
        method="filter_status",
        label="Status",
        empty_label="Open and closed",
    )

    class Meta:
        model = HealthCheck
        fields = ["status"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(Q(closed_at__isnull=(value == "open")))


class YearFilter(django_filters.NumberFilter):
    """A whole year within bounds: a date lookup on year 0, -3 or 99999999999 would fail
    in the database, so such a value is a form error (and the filter is ignored)."""

    field_class = forms.IntegerField


class ReportFilter(django_filters.FilterSet):
    year = YearFilter(field_name="period__year", label="Year", min_value=2000, max_value=2999)

    class Meta:
        model = HealthReport
        fields = ["year"]
