"""The endpoints of /api/v1/: each lists what its token's owner may see, through the same
scoped querysets as the pages (`childcop.permissions`), filtered by the pages' FilterSets,
a page at a time behind a stable cursor, in a fixed number of queries per page.

The pages each endpoint mirrors (and the rule they share):

* communities — the community list (`visible_communities_q`);
* sessions, activities — each visible community's rhythm and activity log (the same);
* memberships (participation levels) — each visible community's member list (the same);
* health (indicators and flags, the last months) and monthly-reports — each community's
  health page and its reports (`health_communities_q`, i.e. `can_view_health`);
* stories — the story list (`visible_stories_q`);
* support-requests — the support queue (program admins) and a community's support page
  (its coordinators): `visible_support_requests_q`.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination

from childcop import permissions
from communities.health.models import HealthReport, HealthStatus, SupportRequest
from communities.health.views.overview import sponsors_by_community
from communities.models import Community, Membership
from communities.rhythm.models import Activity, Attendance, Session
from value_stories.models import ValueStory

from . import filters, serializers
from .auth import BearerTokenAuthentication, TokenScope
from .choices import Area


class Cursor(CursorPagination):
    """Pages behind an opaque cursor (`next`, `previous`): stable while rows are added."""

    ordering = "id"
    page_size = getattr(settings, "CHILDCOP_API_PAGE_SIZE", 100)
    page_size_query_param = "page_size"
    max_page_size = 500


class ReportingList(generics.ListAPIView):
    """A read-only list, as its token's owner may see it, in the token's area."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [TokenScope]
    pagination_class = Cursor
    filter_backends = [DjangoFilterBackend]
    area: str = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"  # what a person may see: never kept
        return response

    def visible_communities(self):
        return Community.objects.for_user(self.request.user).values("pk")


class CommunityList(ReportingList):
    """Communities: lifecycle stage, domain, member count and current sponsors (as the
    community list shows them)."""

    area = Area.COMMUNITIES
    serializer_class = serializers.CommunitySerializer
    filterset_class = filters.CommunityApiFilter

    def get_queryset(self):
        return Community.objects.for_user(self.request.user).annotate(
            member_count=Count("memberships", distinct=True)
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.sponsors = sponsors_by_community([community.pk for community in page])
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sponsors": getattr(self, "sponsors", ({}, []))}


class SessionList(ReportingList):
    """Sessions of the rhythm (planned, moved or cancelled), each with the attendance of the
    activity logged for it."""

    area = Area.RHYTHM
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionApiFilter

    def get_queryset(self):
        activity = Activity.objects.filter(session=OuterRef("pk"))
        attended = (
            Attendance.objects.filter(activity__session=OuterRef("pk"))
            .order_by()
            .values("activity__session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Session.objects.filter(community__in=self.visible_communities())
            .select_related("community")
            .annotate(
                activity_id=Subquery(activity.values("pk")[:1]),
                attendance_count=Coalesce(Subquery(attended, output_field=IntegerField()), 0),
            )
        )


class ActivityList(ReportingList):
    """The activity log: what happened, with attendance counts."""

    area = Area.RHYTHM
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityApiFilter

    def get_queryset(self):
        return (
            Activity.objects.filter(community__in=self.visible_communities())
            .select_related("community")
            .annotate_attendance()
        )


class MembershipList(ReportingList):
    """Members and their participation levels (as each community's member list shows)."""

    area = Area.PARTICIPATION
    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipApiFilter

    def get_queryset(self):
        return (
            Membership.objects.filter(community__in=self.visible_communities())
            .select_related("community", "user")
            .prefetch_related("leadership_roles")
        )


def health_communities(user):
    return Community.objects.filter(permissions.health_communities_q(user)).values("pk")


class HealthRows(ReportingList):
    """Rows of `model` (with a community) of the communities whose health the user reads."""

    area = Area.HEALTH
    model = None

    def get_queryset(self):
        return self.model.objects.filter(
            community__in=health_communities(self.request.user)
        ).select_related("community")


class HealthList(HealthRows):
    """Each community's latest computed health: indicators over the last months (one value
    per month) and the flags raised, as its health page shows them."""

    model = HealthStatus
    serializer_class = serializers.HealthSerializer
    filterset_class = filters.HealthApiFilter
    pagination_class = type("HealthCursor", (Cursor,), {"ordering": "community_id"})


class ReportList(HealthRows):
    """Monthly health reports: the numbers frozen for each month."""

    model = HealthReport
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportApiFilter


class StoryList(ReportingList):
    """Value-creation stories, as their reader may see them (drafts their author only...)."""

    area = Area.STORIES
    serializer_class = serializers.StorySerializer
    filterset_class = filters.StoryApiFilter

    def get_queryset(self):
        return ValueStory.objects.for_user(self.request.user).select_related("community", "author")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "assignee", str, description="`me`, `nobody`, or a program admin's id (the queue's)"
        )
    ]
)
class SupportList(ReportingList):
    """Support requests to the social learning team."""

    area = Area.SUPPORT
    serializer_class = serializers.SupportSerializer
    filterset_class = filters.SupportApiFilter

    def get_queryset(self):
        return SupportRequest.objects.filter(
            permissions.visible_support_requests_q(self.request.user)
        ).select_related("community", "requested_by", "handled_by")


ENDPOINTS = [
    ("communities", CommunityList),
    ("sessions", SessionList),
    ("activities", ActivityList),
    ("memberships", MembershipList),
    ("health", HealthList),
    ("monthly-reports", ReportList),
    ("stories", StoryList),
    ("support-requests", SupportList),
]


def url_name(address: str) -> str:
    """An endpoint's URL name (namespace api): its address with underscores."""
    return address.replace("-", "_")
