"""The API's filters: the pages' own FilterSets, with the same names and values, plus a
`community` (its slug) where a page lists one community's rows. The pages' sort orders are
left out: results come in a fixed order, so that cursors stay stable."""

import django_filters

from communities.filters import CommunityFilter, MemberFilter
from communities.health.filters import ReportFilter, SupportFilter
from communities.rhythm.filters import ActivityFilter
from communities.rhythm.models import Session
from value_stories.filters import StoryFilter


def by_community():
    return django_filters.CharFilter(
        field_name="community__slug", label="Community (its slug, as in its address)"
    )


class CommunityApiFilter(CommunityFilter):
    sort = None


class MembershipApiFilter(MemberFilter):
    community = by_community()
    sort = None


class ActivityApiFilter(ActivityFilter):
    community = by_community()


class SessionApiFilter(django_filters.FilterSet):
    """The rhythm page's sessions, by community, status and dates."""

    community = by_community()
    date_from = django_filters.DateFilter(field_name="starts_at__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="starts_at__date", lookup_expr="lte")

    class Meta:
        model = Session
        fields = ["community", "status", "activity_type", "format", "date_from", "date_to"]


class ReportApiFilter(ReportFilter):
    community = by_community()


class HealthApiFilter(django_filters.FilterSet):
    community = by_community()


class StoryApiFilter(StoryFilter):
    community = by_community()  # the page's is a select of ids; here, as everywhere, a slug
    sort = None


class SupportApiFilter(SupportFilter):
    community = by_community()  # the queue's is a name search; here, as everywhere, a slug


__all__ = [
    "ActivityApiFilter",
    "CommunityApiFilter",
    "HealthApiFilter",
    "MembershipApiFilter",
    "ReportApiFilter",
    "SessionApiFilter",
    "StoryApiFilter",
    "SupportApiFilter",
]
