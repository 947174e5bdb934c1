import django_filters
from django.db.models import Q
from django.forms import DateInput

from childcop.forms import sort_filter
from communities.choices import ActivityType
from communities.models import Community

from .choices import Cycle, Narrative, Status, Visibility, cycle_field
from .models import ValueStory

DATE = DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _visible_communities(request):
    if request is None:
        return Community.objects.none()
    return Community.objects.for_user(request.user).only("pk", "name").order_by("name")


class MatrixFilter(django_filters.FilterSet):
    """The value matrix's filters (the story list adds search, status and sorting)."""

    community = django_filters.ModelChoiceFilter(
        queryset=_visible_communities,
        empty_label="Any community",
        label="Community",
    )
    cycle = django_filters.ChoiceFilter(
        choices=Cycle.choices, method="filter_cycle", label="Cycle", empty_label="Any cycle"
    )
    activity_type = django_filters.ChoiceFilter(
        field_name="activity__activity_type",
        choices=ActivityType.choices,
        label="Activity type",
        empty_label="Any activity type",
    )
    narrative = django_filters.ChoiceFilter(
        choices=Narrative.choices, label="Narrative", empty_label="Ground and aspirational"
    )
    date_from = django_filters.DateFilter(
        field_name="happened_on", lookup_expr="gte", label="From", widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="happened_on", lookup_expr="lte", label="To", widget=DATE
    )

    class Meta:
        model = ValueStory
        fields = ["community", "cycle", "activity_type", "narrative", "date_from", "date_to"]

    def __init__(self, *args, fixed_community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_community is not None:
            del self.filters["community"]

    @property
    def is_filtered(self) -> bool:
        """Whether a filter has a value (the program's matrix as first shown is cached)."""
        return any(self.data.get(name) for name in self.filters)

    @property
    def is_blank(self) -> bool:
        """Whether no filter is in the query at all, not even empty: the form then looks as
        on a first visit."""
        return not any(name in self.data for name in self.filters)

    def filter_cycle(self, queryset, name, value):
        return queryset.filter(**{cycle_field(value): True})


class StoryFilter(MatrixFilter):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label="Status", empty_label="Any status"
    )
    visibility = django_filters.ChoiceFilter(
        choices=Visibility.choices, label="Visibility", empty_label="Any visibility"
    )
    author = django_filters.ChoiceFilter(
        choices=[("me", "My stories"), ("others", "Other people's")],
        method="filter_author",
        label="Author",
        empty_label="Anyone",
    )
    sort = sort_filter(
        ("happened_on", "date", "Oldest first", "Newest first"),
        ("title", "title", "Title, A to Z", "Title, Z to A"),
        ("community__name", "community", "Community, A to Z", "Community, Z to A"),
        default="Newest first",
    )

    class Meta(MatrixFilter.Meta):
        fields = ["q", *MatrixFilter.Meta.fields, "status", "visibility", "author"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(activity_description__icontains=value)
            | Q(experience__icontains=value)
            | Q(difference__icontains=value)
        )

    def filter_author(self, queryset, name, value):
        mine = Q(author_id=getattr(getattr(self.request, "user", None), "pk", None))
        return queryset.filter(mine) if value == "me" else queryset.exclude(mine)
