"""What each endpoint answers per row. Every field is read-only: the API only reads."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.health.models import HealthReport, HealthStatus, SupportRequest
from communities.models import Community, Membership
from communities.rhythm.models import Activity, Session
from value_stories.choices import Cycle
from value_stories.models import ValueStory


class Person(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class Sponsor(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null for program-wide sponsors")
    name = serializers.CharField()
    whole_program = serializers.BooleanField(help_text="A program-wide sponsor covers them all.")


def person(user):
    return None if user is None else {"id": user.pk, "name": str(user)}


class CommunitySerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display")
    member_count = serializers.IntegerField()
    sponsors = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Community
        fields = [
            "id", "slug", "name", "domain", "stage", "stage_label", "is_open", "member_count",
            "sponsors", "created_at", "url",
        ]  # fmt: skip

    @extend_schema_field(Sponsor(many=True))
    def get_sponsors(self, community) -> list[dict]:
        """Its current sponsors: those appointed for it, then the program-wide ones."""
        named, program_wide = self.context["sponsors"]
        return [
            {"id": pk, "name": name, "whole_program": False}
            for pk, name in named.get(community.pk, [])
        ] + [{"id": None, "name": name, "whole_program": True} for name in program_wide]

    def get_url(self, community) -> str:
        return self.context["request"].build_absolute_uri(community.get_absolute_url())


class CommunityRef(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", read_only=True, **kwargs)


class SessionSerializer(serializers.ModelSerializer):
    community = CommunityRef()
    attendance_count = serializers.IntegerField(help_text="People who attended its activity.")
    activity_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id", "community", "rhythm_id", "title", "activity_type", "format", "channel",
            "starts_at", "duration_minutes", "status", "activity_id", "attendance_count",
        ]  # fmt: skip


class ActivitySerializer(serializers.ModelSerializer):
    community = CommunityRef()
    attendance_count = serializers.IntegerField(source="attendee_count")

    class Meta:
        model = Activity
        fields = [
            "id", "community", "session_id", "date", "title", "activity_type", "format",
            "guest_count", "attendance_count", "created_at",
        ]  # fmt: skip


class MembershipSerializer(serializers.ModelSerializer):
    community = CommunityRef()
    person = serializers.SerializerMethodField()
    level_label = serializers.CharField()
    is_core = serializers.BooleanField()
    leadership_roles = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = [
            "id", "community", "person", "level", "level_label", "is_coordinator", "is_core",
            "level_is_manual", "joined_on", "leadership_roles",
        ]  # fmt: skip

    @extend_schema_field(Person())
    def get_person(self, membership) -> dict:
        return person(membership.user)

    def get_leadership_roles(self, membership) -> list[str]:
        return [role.role for role in membership.leadership_roles.all()]


class Indicator(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    unit = serializers.CharField()
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="One per month of `periods`, oldest first; null: no data that month.",
    )


class RaisedFlag(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    explanation = serializers.CharField()
    action = serializers.CharField()
    detail = serializers.CharField()


class HealthFigures(serializers.ModelSerializer):
    """A stored health computation (a status row or a monthly report): months, indicators
    per month and the flags raised."""

    community = CommunityRef()
    periods = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()

    def get_periods(self, obj) -> list[str]:
        return list(obj.data.get("periods", []))

    @extend_schema_field(Indicator(many=True))
    def get_indicators(self, obj) -> list[dict]:
        keys = ("key", "label", "group", "unit", "values")
        return [{key: i.get(key) for key in keys} for i in obj.data.get("indicators", [])]

    @extend_schema_field(RaisedFlag(many=True))
    def get_flags(self, obj) -> list[dict]:
        keys = ("key", "label", "explanation", "action", "detail")
        return [{key: f.get(key, "") for key in keys} for f in obj.data.get("flags", [])]


class HealthSerializer(HealthFigures):
    class Meta:
        model = HealthStatus
        fields = [
            "community", "computed_at", "last_activity_on", "sessions_planned", "sessions_held",
            "participants", "participants_before", "stories", "periods", "indicators", "flags",
        ]  # fmt: skip


class ReportSerializer(HealthFigures):
    month = serializers.DateField(source="period", help_text="First day of the month reported on.")

    class Meta:
        model = HealthReport
        fields = ["id", "community", "month", "generated_at", "periods", "indicators", "flags"]


class StorySerializer(serializers.ModelSerializer):
    community = CommunityRef()
    author = serializers.SerializerMethodField()
    cycles = serializers.SerializerMethodField()

    class Meta:
        model = ValueStory
        fields = [
            "id", "community", "title", "status", "visibility", "narrative", "happened_on",
            "author", "author_role", "activity_id", "cycles", *ValueStory.TEXT_FIELDS,
            "submitted_at", "approved_at",
        ]  # fmt: skip

    @extend_schema_field(Person(allow_null=True))
    def get_author(self, story) -> dict | None:
        return person(story.author)

    def get_cycles(self, story) -> list[str]:
        return [cycle.value for cycle in Cycle if cycle in story.cycles]


class SupportSerializer(serializers.ModelSerializer):
    community = CommunityRef()
    practice_group_id = serializers.IntegerField(source="group_id", allow_null=True)
    requested_by = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id", "community", "practice_group_id", "kind", "description", "status",
            "requested_by", "assignee", "note", "created_at",
        ]  # fmt: skip

    @extend_schema_field(Person(allow_null=True))
    def get_requested_by(self, support) -> dict | None:
        return person(support.requested_by)

    @extend_schema_field(Person(allow_null=True))
    def get_assignee(self, support) -> dict | None:
        return person(support.handled_by)
