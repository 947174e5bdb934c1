"""Help requests and learning loops: ask, answer, mark helpful, follow up, capture.

Who may do what is decided in `childcop.permissions` (the "help requests, learning loops
and shared memory" block); the workflows live in `loops_services`, the emails in
`loops_jobs`.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_community_for_user, get_help_request_for_user
from childcop.utils import paginate, posted, querystring_without

from . import loops_services as services
from .choices import AgendaStatus, HelpStatus, LoopOutcome, MemoryKind
from .models import Answer, HelpRequest

# --- forms and filters ------------------------------------------------------------------


class HelpRequestForm(forms.ModelForm):
    class Meta:
        model = HelpRequest
        fields = ["title", "challenge", "agenda_item"]
        widgets = {"challenge": forms.Textarea(attrs={"rows": 6})}
        labels = {"title": "Your question", "challenge": "Your challenge"}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.fields["agenda_item"]
        item.queryset = community.agenda_items.exclude(status=AgendaStatus.PARKED).order_by("title")
        item.label = "Agenda item (optional)"
        item.help_text = "A challenge on the community's learning agenda this request is about."
        item.empty_label = "None"
        self.fields["title"].help_text = "One line, e.g. “How do you phrase a penalty clause?”"


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        labels = {"body": "Your answer"}


class FollowUpForm(forms.ModelForm):
    outcome = forms.ChoiceField(
        label="How did it turn out?", choices=LoopOutcome.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = HelpRequest
        fields = ["outcome", "reflection"]
        widgets = {"reflection": forms.Textarea(attrs={"rows": 6})}
        labels = {"reflection": "Your reflection"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reflection = self.fields["reflection"]
        reflection.required = True
        reflection.help_text = "What worked, what did not, what to tell the next member. Markdown."


class CaptureForm(forms.Form):
    kind = forms.ChoiceField(label="Capture as", choices=MemoryKind.choices)


class HelpRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Search")
    status = django_filters.ChoiceFilter(
        choices=HelpStatus.choices, label="Status", empty_label="Any status"
    )
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("answer_count", "answers")),
        field_labels={"created_at": "Oldest first", "answer_count": "Fewest answers"},
        label="Sort by",
    )

    class Meta:
        model = HelpRequest
        fields = ["q", "status"]

    def search_text(self, queryset, name, value):
        return services.search(queryset, value, ["title", "challenge"])


# --- views -------------------------------------------------------------------------------


def help_list(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_use_loops)
    queryset = (
        community.help_requests.select_related("asker", "agenda_item")
        .annotate(answer_count=Count("answers"))
        .order_by("-created_at", "-id")
    )
    filterset = HelpRequestFilter(request.GET, queryset=queryset)
    context = {
        "community": community,
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        "querystring": querystring_without(request, "page"),
    }
    template = "communities/_help_table.html" if request.htmx else "communities/help_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def help_create(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_add_to_loops)
    form = HelpRequestForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        help_request = services.ask(form, community=community, asker=request.user)
        days = community.response_commitment_days
        messages.success(
            request,
            f"Your request was posted. Members commit to respond within {days} working "
            f"day{'s' if days != 1 else ''}.",
        )
        return redirect("communities:help_detail", slug=community.slug, pk=help_request.pk)
    return render(request, "communities/help_form.html", {"form": form, "community": community})


def _detail(request, community, help_request, *, answer_form=None, status=200):
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


def help_detail(request, slug, pk):
    community, help_request = get_help_request_for_user(request.user, slug, pk)
    return _detail(request, community, help_request)


@require_POST
def help_answer(request, slug, pk):
    community, help_request = get_help_request_for_user(
        request.user, slug, pk, require=permissions.can_answer_help_request
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, community, help_request, answer_form=form)
    answer = services.answer(form, help_request=help_request, author=request.user)
    messages.success(request, "Thank you: your answer was posted.")
    url = reverse("communities:help_detail", args=[community.slug, help_request.pk])
    return redirect(f"{url}#answer-{answer.pk}")


@require_POST
def help_mark_helpful(request, slug, pk, answer_pk):
    community, help_request = get_help_request_for_user(
        request.user, slug, pk, require=permissions.can_mark_helpful
    )
    answer = get_object_or_404(help_request.answers, pk=answer_pk)
    if answer.author_id == request.user.pk:
        messages.error(request, "Your own answer cannot be marked helpful.")
    elif services.mark_helpful(help_request, answer):
        messages.success(
            request,
            "Marked as helpful. In "
            f"{community.follow_up_days} days we will ask you how it turned out.",
        )
    return redirect("communities:help_detail", slug=community.slug, pk=help_request.pk)


@require_http_methods(["GET", "POST"])
def help_follow_up(request, slug, pk):
    community, help_request = get_help_request_for_user(
        request.user, slug, pk, require=permissions.can_follow_up
    )
    form = FollowUpForm(posted(request), instance=help_request)
    if request.method == "POST" and form.is_valid():
        services.close_loop(form)
        messages.success(
            request,
            "Thank you: the loop is closed. Capture what was learnt in the shared memory below.",
        )
        return redirect("communities:help_detail", slug=community.slug, pk=help_request.pk)
    return render(
        request,
        "communities/help_follow_up.html",
        {"form": form, "community": community, "help_request": help_request},
    )


@require_POST
def help_capture(request, slug, pk):
    community, help_request = get_help_request_for_user(
        request.user, slug, pk, require=permissions.can_capture_loop
    )
    form = CaptureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what kind of entry to capture.")
        return redirect("communities:help_detail", slug=community.slug, pk=help_request.pk)
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


# --- demo data ----------------------------------------------------------------------------

DEMO_REQUESTS = [
    (
        "How do you phrase a penalty clause that holds?",
        "Our last two penalty clauses were **challenged** by suppliers. What wording works?",
        "We use a fixed amount per day, capped, and name the milestone precisely.",
        "worked",
        "The capped daily amount was accepted at once; naming the milestone settled it.",
    ),
    (
        "Who has run a data-protection impact assessment on a pilot?",
        "We start a pilot with patient data next month and have never done a DPIA.",
        "Start from the template of the legal team and involve the DPO early.",
        "partly",
        "The template helped; the DPO was too busy, so the review took three weeks.",
    ),
    (
        "Can we reuse the survey tool of another department?",
        "Procurement says no, IT says maybe. Has anyone succeeded?",
        "We asked for a shared licence through the framework agreement.",
        "did_not_apply",
        "Our contract is outside the framework agreement; we had to tender after all.",
    ),
]
OPEN_QUESTIONS = [
    "How do you keep a case clinic to one hour?",
    "Where do I find last year's audit checklists?",
    "What do you say to a supplier who will not sign our data agreement?",
    "How do you onboard a newcomer to the community?",
]
DEMO_MEMORY = [
    (MemoryKind.FAQ, "What is a case clinic?", "A one-hour session where a member brings a "
     "real case and peers ask questions before giving advice."),
    (MemoryKind.SUMMARY, "Summary of the spring meeting", "- Three cases discussed\n"
     "- New checklist agreed\n- Next meeting in June"),
    (MemoryKind.INSIGHT, "Ask before you advise", "Advice lands better after two rounds of "
     "questions: the asker often finds the answer themselves."),
    (MemoryKind.CASE_STORY, "The tender that nearly failed", "How a clause reviewed by three "
     "colleagues saved a tender, step by step."),
    (MemoryKind.REFLECTION, "Why our wiki died", "We launched a wiki nobody owned. *Lesson:* "
     "a collection needs a keeper."),
]  # fmt: skip


def seed_demo(rng, now):
    """Demo help requests in every state, with answers, closed loops and memory entries.

    Called by `seed_demo` once communities, members and activities exist; writes directly
    (no emails). Returns the number of help requests created.
    """
    from .choices import Stage
    from .models import Community, SharedMemoryEntry

    created = 0
    communities = Community.objects.exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED]).order_by(
        "pk"
    )
    for community in communities:
        members = [m.user for m in community.memberships.select_related("user").order_by("pk")]
        if len(members) < 3:
            continue
        activity = community.activities.order_by("-date").first()

        def person(exclude=None, members=members):
            return rng.choice([m for m in members if m != exclude])

        # Closed loops, each captured in the memory.
        for i, (title, challenge, advice, outcome, reflection) in enumerate(DEMO_REQUESTS):
            asker = person()
            asked = now - timedelta(days=40 + 7 * i)
            helpful_at = asked + timedelta(days=2)
            request = HelpRequest.objects.create(
                community=community, asker=asker, title=title, challenge=challenge,
                status=HelpStatus.CLOSED, created_at=asked, helpful_at=helpful_at,
                outcome=outcome, reflection=reflection,
                closed_at=helpful_at + timedelta(days=community.follow_up_days + 1),
            )  # fmt: skip
            Answer.objects.create(
                request=request, author=person(asker), body=advice, helpful=True,
                created_at=asked + timedelta(days=1),
            )  # fmt: skip
            Answer.objects.create(
                request=request, author=person(asker), body="Same here; following this.",
                created_at=asked + timedelta(days=1, hours=3),
            )  # fmt: skip
            kind = [MemoryKind.FAQ, MemoryKind.CASE_STORY, MemoryKind.REFLECTION][i]
            services.capture(request, kind, by=asker)
            created += 1
        # Answered (helpful), the follow-up not yet due; and one due now.
        for days_ago in (3, community.follow_up_days + 1):
            asker = person()
            asked = now - timedelta(days=days_ago + 1)
            request = HelpRequest.objects.create(
                community=community, asker=asker, title=rng.choice(OPEN_QUESTIONS),
                challenge="We tried a few things; none stuck. What works for you?",
                status=HelpStatus.ANSWERED, created_at=asked, helpful_at=now - timedelta(days=days_ago),
            )  # fmt: skip
            Answer.objects.create(
                request=request, author=person(asker), helpful=True,
                body="Keep a timekeeper and a visible agenda; it made all the difference for us.",
                created_at=asked + timedelta(hours=5),
            )  # fmt: skip
            created += 1
        # Open: one with an answer, one unanswered past the commitment, one new.
        for days_ago, answered in ((2, True), (8, False), (0, False)):
            asker = person()
            request = HelpRequest.objects.create(
                community=community, asker=asker, title=rng.choice(OPEN_QUESTIONS),
                challenge="I would love to hear how others handle this.",
                created_at=now - timedelta(days=days_ago, hours=2),
            )  # fmt: skip
            if answered:
                Answer.objects.create(
                    request=request, author=person(asker), body="We did this last year: "
                    "happy to walk you through it.", created_at=now - timedelta(days=1),
                )  # fmt: skip
            created += 1
        # Memory entries of every kind, some from the activity log.
        for kind, title, body in DEMO_MEMORY:
            SharedMemoryEntry.objects.create(
                community=community, kind=kind, title=title, body=body, created_by=person(),
                activity=activity if kind in (MemoryKind.SUMMARY, MemoryKind.INSIGHT) else None,
                created_at=now - timedelta(days=rng.randint(1, 90)),
            )  # fmt: skip
    return created
