"""Admin of the learning room's models (registered when `communities.admin` imports it)."""

from django.contrib import admin

from communities.models import AgendaItem, HelpRequest, SharedMemoryEntry, VotingRound


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "description", "community__name"]
    list_select_related = ["community"]
    raw_id_fields = ["raised_by"]
    filter_horizontal = ["activities"]


@admin.register(VotingRound)
class VotingRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "votes_per_member", "opened_at", "closed_at"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "outcome", "created_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["title", "challenge", "community__name"]
    list_select_related = ["community"]
    raw_id_fields = ["asker", "agenda_item"]


@admin.register(SharedMemoryEntry)
class SharedMemoryEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "body", "community__name"]
    list_select_related = ["community"]
    raw_id_fields = ["created_by", "activity", "help_request", "practice_group"]
