"""Views of the learning room: the agenda and its voting rounds, help requests and their
loops, the shared memory.

Who may do what is decided in `childcop.permissions` (the "help requests, learning loops
and shared memory" and "learning agenda" rules); the workflows live in `services`, the
emails in `jobs`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import (
    get_community_for_user,
    get_help_request_for_user,
    get_memory_entry_for_user,
)
from childcop.utils import done, filtered_page, posted, save_with
from communities.views import confirm_delete, confirm_page

from . import services
from .filters import AgendaFilter, HelpRequestFilter, MemoryFilter
from .forms import (
    AgendaItemForm,
    AgendaStatusForm,
    AnswerForm,
    CaptureForm,
    FollowUpForm,
    HelpRequestForm,
    MemoryEntryForm,
    VotingRoundForm,
)

ID = re.compile(r"[1-9][0-9]{0,17}")

# --- the learning agenda and its voting rounds ------------------------------------------------


@require_GET
def agenda(request, slug):
    """The current agenda, by priority."""
    community = get_community_for_user(request.user, slug)
    current = services.latest_round(community)
    return filtered_page(
        request,
        AgendaFilter(request.GET, queryset=services.prioritised_items(community, current)),
        "communities/agenda.html",
        "communities/agenda_list_partial.html",
        community=community,
        can=permissions.agenda_flags(request.user, community),
        round=current,
    )


def _agenda_form(request, form, community, title, item=None):
    """The agenda's one-form page: raising, editing or moving a challenge, opening a round."""
    context = {"form": form, "community": community, "item": item, "title": title}
    return render(request, "communities/agenda_form.html", context)


def _to_item(request, message, item):
    return done(request, message, "communities:agenda_detail", item.community.slug, item.pk)


def _to_round(request, message, voting_round):
    slug = voting_round.community.slug
    return done(request, message, "communities:agenda_round", slug, voting_round.pk)


@require_http_methods(["GET", "POST"])
def agenda_create(request, slug):
    community = get_community_for_user(
        request.user, slug, require=permissions.can_raise_agenda_item
    )
    form = AgendaItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        item = save_with(form, community=community, raised_by=request.user)
        return _to_item(request, f"The challenge “{item.title}” is on the agenda.", item)
    return _agenda_form(request, form, community, "Raise a challenge")


def _item(community, pk):
    return get_object_or_404(community.agenda_items.select_related("raised_by"), pk=pk)


@require_GET
def agenda_detail(request, slug, pk):
    community = get_community_for_user(request.user, slug)
    item = _item(community, pk)
    context = {
        "community": community,
        "item": item,
        "can": permissions.agenda_flags(request.user, community),
        "can_edit": permissions.can_edit_agenda_item(request.user, item),
        "activities": item.activities.order_by("-date"),
        "groups": item.practice_groups.all(),
        "rounds": community.voting_rounds.annotate(
            item_votes=Count("votes", filter=Q(votes__item=item))
        ).order_by("-opened_at"),
    }
    return render(request, "communities/agenda_detail.html", context)


@require_http_methods(["GET", "POST"])
def agenda_edit(request, slug, pk):
    community = get_community_for_user(request.user, slug)
    item = _item(community, pk)
    if not permissions.can_edit_agenda_item(request.user, item):
        raise PermissionDenied
    form = AgendaItemForm(posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _to_item(request, "The challenge was saved.", item)
    return _agenda_form(request, form, community, "Edit the challenge", item)


@require_http_methods(["GET", "POST"])
def agenda_status(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_steer_agenda)
    item = _item(community, pk)
    form = AgendaStatusForm(posted(request), instance=item, community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        status = item.get_status_display().lower()
        return _to_item(request, f"“{item.title}” is now {status}.", item)
    return _agenda_form(request, form, community, "Move on the agenda", item)


@require_http_methods(["GET", "POST"])
def round_open(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_steer_agenda)
    form = VotingRoundForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        voting_round = save_with(form, community=community, opened_by=request.user)
        opened = "The voting round is open: members can spread their votes."
        return _to_round(request, opened, voting_round)
    return _agenda_form(request, form, community, "Open a voting round")


@require_http_methods(["GET", "POST"])
def round_close(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_steer_agenda)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    if request.method == "POST":
        services.close_round(voting_round)
        return _to_round(request, "The voting round is closed; its results stand.", voting_round)
    return confirm_page(
        request,
        community,
        title=f"Close the voting round “{voting_round.title}”?",
        question="Members can no longer vote or take votes back; the results order the agenda.",
        action_label="Close the round",
    )


def _round_context(request, community, voting_round, **extra):
    can = permissions.agenda_flags(request.user, community)
    items = list(services.round_items(voting_round, request.user))
    total = sum(i.round_votes for i in items)
    top = max([i.round_votes for i in items] + [1])
    for i in items:
        i.bar = round(100 * i.round_votes / top)
    return {
        "community": community,
        "round": voting_round,
        "items": items,
        "total_votes": total,
        "voters": voting_round.votes.values("voter").distinct().count(),
        "can": can,
        "can_vote": can["vote"] and voting_round.is_open,
        "left": services.votes_left(voting_round, request.user) if can["vote"] else 0,
        **extra,
    }


def _round_page(request, slug, pk, template):
    community = get_community_for_user(request.user, slug)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    return render(request, template, _round_context(request, community, voting_round))


@require_GET
def round_detail(request, slug, pk):
    return _round_page(request, slug, pk, "communities/agenda_round.html")


@require_GET
def round_results(request, slug, pk):
    """The live results (polled by htmx every 5 seconds while the round is open)."""
    return _round_page(request, slug, pk, "communities/agenda_results_partial.html")


@require_POST
def vote(request, slug, pk):
    """Add (action=add) or take back (action=remove) one vote on an item."""
    community = get_community_for_user(request.user, slug, require=permissions.can_vote)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    item_id = request.POST.get("item", "")
    valid_id = ID.fullmatch(item_id)
    item = community.agenda_items.filter(pk=item_id).first() if valid_id else None
    error = None
    if item is None:
        error = "Choose a challenge of this community."
    else:
        try:
            if request.POST.get("action") == "remove":
                services.withdraw_vote(voting_round, item, request.user)
            else:
                services.cast_vote(voting_round, item, request.user)
        except services.VoteRefused as refused:
            error = str(refused)
    voting_round.refresh_from_db()
    if request.htmx:
        context = _round_context(request, community, voting_round, error=error)
        return render(request, "communities/agenda_ballot_partial.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Your vote was recorded.")
    return redirect("communities:agenda_round", slug=community.slug, pk=voting_round.pk)


# --- help requests and learning loops ---------------------------------------------------


@require_GET
def help_list(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_use_loops)
    queryset = (
        community.help_requests.select_related("asker", "agenda_item")
        .annotate(answer_count=Count("answers"))
        .order_by("-created_at", "-id")
    )
    return filtered_page(
        request,
        HelpRequestFilter(request.GET, queryset=queryset),
        "communities/help_list.html",
        "communities/_help_table.html",
        community=community,
    )


@require_http_methods(["GET", "POST"])
def help_create(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_add_to_loops)
    form = HelpRequestForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        help_request = services.ask(form, community=community, asker=request.user)
        days = community.response_commitment_days
        message = (
            f"Your request was posted. Members commit to respond within {days} working "
            f"day{'s' if days != 1 else ''}."
        )
        return done(request, message, _help_url(community, help_request))
    return render(request, "communities/help_form.html", {"form": form, "community": community})


def _help_request(request, slug, pk, require=None):
    return get_help_request_for_user(request.user, slug, pk, require=require)


def _help_url(community, help_request):
    return reverse("communities:help_detail", args=[community.slug, help_request.pk])


def _help_page(request, community, help_request, *, answer_form=None, status=200):
    flags = permissions.help_request_flags(request.user, help_request)
    if answer_form is None and flags["answer"]:
        answer_form = AnswerForm()
    context = {
        "community": community,
        "help_request": help_request,
        "can": flags,
        "answers": help_request.answers.select_related("author"),
        "answer_form": answer_form,
        "capture_form": CaptureForm() if flags["capture"] else None,
        "memory": help_request.memory.all(),
        "due": help_request.helpful_at + timedelta(days=community.follow_up_days)
        if help_request.helpful_at
        else None,
    }
    return render(request, "communities/help_detail.html", context, status=status)


@require_GET
def help_detail(request, slug, pk):
    community, help_request = get_help_request_for_user(request.user, slug, pk)
    return _help_page(request, community, help_request)


@require_POST
def help_answer(request, slug, pk):
    community, help_request = _help_request(request, slug, pk, permissions.can_answer_help_request)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _help_page(request, community, help_request, answer_form=form)
    answer = services.answer(form, help_request=help_request, author=request.user)
    url = _help_url(community, help_request)
    return done(request, "Thank you: your answer was posted.", f"{url}#answer-{answer.pk}")


@require_POST
def help_mark_helpful(request, slug, pk, answer_pk):
    community, help_request = _help_request(request, slug, pk, permissions.can_mark_helpful)
    answer = get_object_or_404(help_request.answers, pk=answer_pk)
    if answer.author_id == request.user.pk:
        messages.error(request, "Your own answer cannot be marked helpful.")
    elif services.mark_helpful(help_request, answer):
        messages.success(
            request,
            "Marked as helpful. In "
            f"{community.follow_up_days} days we will ask you how it turned out.",
        )
    return redirect(_help_url(community, help_request))


@require_http_methods(["GET", "POST"])
def help_follow_up(request, slug, pk):
    community, help_request = _help_request(request, slug, pk, permissions.can_follow_up)
    form = FollowUpForm(posted(request), instance=help_request)
    if request.method == "POST" and form.is_valid():
        services.close_loop(form)
        closed = (
            "Thank you: the loop is closed. Capture what was learnt in the shared memory below."
        )
        return done(request, closed, _help_url(community, help_request))
    return render(
        request,
        "communities/help_follow_up.html",
        {"form": form, "community": community, "help_request": help_request},
    )


@require_POST
def help_capture(request, slug, pk):
    community, help_request = _help_request(request, slug, pk, permissions.can_capture_loop)
    form = CaptureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what kind of entry to capture.")
        return redirect(_help_url(community, help_request))
    entry, created = services.capture(help_request, form.cleaned_data["kind"], by=request.user)
    if created:
        messages.success(
            request,
            f"The loop is now a {entry.get_kind_display()} in the shared memory; edit it to "
            "polish the wording.",
        )
    else:
        messages.info(request, f"This loop is already captured as a {entry.get_kind_display()}.")
    return redirect("communities:memory_detail", slug=community.slug, pk=entry.pk)


# --- shared memory -----------------------------------------------------------------------


@require_GET
def memory_list(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_use_loops)
    queryset = community.memory.select_related(
        "created_by", "activity", "help_request", "practice_group"
    ).order_by("-created_at", "-id")
    return filtered_page(
        request,
        MemoryFilter(request.GET, queryset=queryset),
        "communities/memory_list.html",
        "communities/_memory_list.html",
        community=community,
    )


@require_GET
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
        saved = services.save_memory_entry(form, community=community, author=request.user)
        url = reverse("communities:memory_detail", args=[community.slug, saved.pk])
        return done(request, f"“{saved.title}” was saved in the shared memory.", url)
    context = {"form": form, "community": community, "entry": entry}
    return render(request, "communities/memory_form.html", context)


@require_http_methods(["GET", "POST"])
def memory_delete(request, slug, pk):
    community, entry = get_memory_entry_for_user(
        request.user, slug, pk, require=permissions.can_edit_memory
    )
    return confirm_delete(
        request,
        community,
        entry,
        deleted=f"“{entry.title}” was removed from the shared memory.",
        then=reverse("communities:memory_list", args=[community.slug]),
        title=f"Remove “{entry.title}” from the shared memory?",
        question="The entry is deleted; the activity, request or group it came from stays.",
        action_label="Remove the entry",
    )
