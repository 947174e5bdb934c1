"""Shared memory: a community's searchable library of FAQs, summaries, insights, case
stories and reflections on failure, each linked to where it came from."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user, get_memory_entry_for_user
from childcop.utils import paginate, posted, querystring_without

from . import loops_services as services
from .choices import MemoryKind
from .models import SharedMemoryEntry
from .views import confirm_page

ID = re.compile(r"[1-9][0-9]{0,17}")


class MemoryEntryForm(forms.ModelForm):
    class Meta:
        model = SharedMemoryEntry
        fields = ["kind", "title", "body", "activity", "help_request", "practice_group"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        labels = {
            "activity": "From the activity",
            "help_request": "From the help request",
            "practice_group": "From the practice group",
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = community.activities.order_by("-date", "-id")
        self.fields["activity"].label_from_instance = lambda a: f"{a.date:%d %b %Y} — {a.title}"
        self.fields["help_request"].queryset = community.help_requests.order_by("-created_at")
        self.fields["practice_group"].queryset = community.practice_groups.order_by("name")
        for name in ("activity", "help_request", "practice_group"):
            self.fields[name].empty_label = "None"
            self.fields[name].required = False


class MemoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Search")
    kind = django_filters.ChoiceFilter(
        choices=MemoryKind.choices, label="Kind", empty_label="Any kind"
    )
    sort = django_filters.OrderingFilter(
        fields=(("title", "title"), ("created_at", "created")),
        field_labels={"title": "Title", "created_at": "Oldest first"},
        label="Sort by",
    )

    class Meta:
        model = SharedMemoryEntry
        fields = ["q", "kind"]

    def search_text(self, queryset, name, value):
        return services.search(queryset, value, ["title", "body"])


def memory_list(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_use_loops)
    queryset = community.memory.select_related(
        "created_by", "activity", "help_request", "practice_group"
    ).order_by("-created_at", "-id")
    filterset = MemoryFilter(request.GET, queryset=queryset)
    context = {
        "community": community,
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        "querystring": querystring_without(request, "page"),
    }
    template = "communities/_memory_list.html" if request.htmx else "communities/memory_list.html"
    return render(request, template, context)


def memory_detail(request, slug, pk):
    community, entry = get_memory_entry_for_user(request.user, slug, pk)
    context = {
        "community": community,
        "entry": entry,
        "can": permissions.memory_flags(request.user, entry),
    }
    return render(request, "communities/memory_detail.html", context)


def _prefill(request, community) -> dict:
    """`?activity=`, `?help_request=` or `?practice_group=` link a new entry to its source."""
    initial = {}
    sources = {
        "activity": community.activities,
        "help_request": community.help_requests,
        "practice_group": community.practice_groups,
    }
    for name, queryset in sources.items():
        value = request.GET.get(name, "")
        if ID.fullmatch(value):
            source = queryset.filter(pk=value).first()
            if source is not None:
                initial[name] = source
    return initial


@require_http_methods(["GET", "POST"])
def memory_form(request, slug, pk=None):
    if pk is None:
        community = get_community_for_user(request.user, slug, require=permissions.can_add_to_loops)
        entry, initial = None, _prefill(request, community)
    else:
        community, entry = get_memory_entry_for_user(
            request.user, slug, pk, require=permissions.can_edit_memory
        )
        initial = {}
    form = MemoryEntryForm(posted(request), instance=entry, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.community = community
        if entry is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, f"“{saved.title}” was saved in the shared memory.")
        return redirect("communities:memory_detail", slug=community.slug, pk=saved.pk)
    return render(
        request,
        "communities/memory_form.html",
        {"form": form, "community": community, "entry": entry},
    )


@require_http_methods(["GET", "POST"])
def memory_delete(request, slug, pk):
    community, entry = get_memory_entry_for_user(
        request.user, slug, pk, require=permissions.can_edit_memory
    )
    if request.method == "POST":
        entry.delete()
        messages.success(request, f"“{entry.title}” was removed from the shared memory.")
        return redirect("communities:memory_list", slug=community.slug)
    return confirm_page(
        request,
        community,
        title=f"Remove “{entry.title}” from the shared memory?",
        question="The entry is deleted; the activity, request or group it came from stays.",
        action_label="Remove the entry",
    )
