"""The admin of the support structure, business cases and agreements: list filters and search."""

from django.contrib import admin

from .models import (
    Agreement,
    Appointment,
    BusinessCaseVersion,
    CheckIn,
    Commitment,
    Council,
    MentorPair,
    SponsorResponse,
)


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "sponsor_kind", "status", "scope", "appointed_on", "term_end"]
    list_filter = ["role", "status", "sponsor_kind", "scope"]
    search_fields = ["person__display_name", "person__email", "expertise", "reason"]
    list_select_related = ["person"]
    raw_id_fields = ["person", "suggested_by", "appointed_by"]
    filter_horizontal = ["communities"]
    date_hierarchy = "identified_on"


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    raw_id_fields = ["written_by"]


@admin.register(MentorPair)
class MentorPairAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "community", "start", "planned_end", "status"]
    list_filter = ["status", "community"]
    search_fields = ["mentor__display_name", "mentee__display_name", "goals"]
    list_select_related = ["mentor", "mentee", "community"]
    raw_id_fields = ["mentor", "mentee"]
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["pair", "date", "written_by"]
    search_fields = ["note", "pair__mentor__display_name", "pair__mentee__display_name"]
    list_select_related = ["pair__mentor", "pair__mentee", "written_by"]
    raw_id_fields = ["pair", "written_by"]
    date_hierarchy = "date"


class SponsorResponseInline(admin.TabularInline):
    model = SponsorResponse
    extra = 0
    raw_id_fields = ["sponsor"]


@admin.register(BusinessCaseVersion)
class BusinessCaseVersionAdmin(admin.ModelAdmin):
    list_display = ["community", "number", "status", "created_at", "submitted_at", "endorsed_at"]
    list_filter = ["status"]
    search_fields = ["community__name"]
    list_select_related = ["community"]
    raw_id_fields = ["created_by"]
    inlines = [SponsorResponseInline]


@admin.register(SponsorResponse)
class SponsorResponseAdmin(admin.ModelAdmin):
    list_display = ["version", "sponsor", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["version__community__name", "sponsor__display_name", "text"]
    list_select_related = ["version__community", "sponsor"]
    raw_id_fields = ["version", "sponsor"]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["community", "review_date", "updated_at"]
    search_fields = ["community__name", "notes"]
    list_select_related = ["community"]
    date_hierarchy = "review_date"
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["description", "agreement", "side", "owner", "due", "status"]
    list_filter = ["side", "status"]
    search_fields = ["description", "agreement__community__name", "owner__display_name"]
    list_select_related = ["agreement__community", "owner"]
    raw_id_fields = ["agreement", "owner"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "purpose", "members__display_name"]
    filter_horizontal = ["members"]
