"""Value-creation stories: function views, one scoped fetch at the top, rules in permissions."""

import re
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import aggregates, parts, permissions
from childcop.permissions import get_community_for_user, get_story_for_user
from childcop.utils import csv_response, done, filtered_page, paginate, posted
from communities.choices import Stage
from communities.models import Community

from . import services
from .choices import CYCLE_EXAMPLES, CYCLE_HELP, STORY_WORKFLOW, Cycle, Status
from .filters import MatrixFilter, StoryFilter
from .forms import REVIEW, STEP_ORDER, STEPS, IndicatorFormSet, ReviewForm, StoryForm, WithdrawForm
from .models import StoryIndicator, ValueStory

ID = re.compile(r"[1-9][0-9]{0,17}")


def _stories(request):
    queryset = (
        ValueStory.objects.for_user(request.user)
        .select_related("community", "author", "activity")
        .order_by("-happened_on", "-id")
    )
    return StoryFilter(request.GET, queryset=queryset, request=request)


TELL_IN = 8  # the communities offered to start a story in, on the list of stories


@require_GET
def story_list(request):
    return filtered_page(
        request,
        _stories(request),
        "value_stories/list.html",
        "value_stories/_story_table.html",
        to_review=ValueStory.objects.for_user(request.user)
        .filter(status=Status.SUBMITTED)
        .exclude(author_id=request.user.pk)
        .exclude(community__stage=Stage.CLOSED)  # read-only: a review there would be refused
        .select_related("community", "author")
        .order_by("submitted_at")[:10],
        # where the person may start a story: their communities (not closed)
        tell_in=list(
            Community.objects.filter(memberships__user_id=request.user.pk)
            .exclude(stage=Stage.CLOSED)
            .order_by("name")
            .values("name", "slug")[:TELL_IN]
        ),
    )


@require_GET
def story_export(request):
    rows = (
        (
            s.pk, s.community.name, s.title, s.get_status_display(), s.get_narrative_display(),
            s.get_visibility_display(), s.happened_on.isoformat(), str(s.author or ""),
            s.author_role, s.activity.title if s.activity else "",
            s.activity.get_activity_type_display() if s.activity else "",
            "; ".join(c.label for c in s.cycles),
            *(getattr(s, f) for f in ValueStory.TEXT_FIELDS),
        )
        for s in _stories(request).qs.iterator(chunk_size=500)
    )  # fmt: skip
    header = [
        "Id", "Community", "Title", "Status", "Narrative", "Visibility", "Date", "Author",
        "Author's role", "Activity", "Activity type", "Claimed cycles",
        *(str(ValueStory._meta.get_field(f).verbose_name) for f in ValueStory.TEXT_FIELDS),
    ]  # fmt: skip
    return csv_response("value-stories.csv", header, rows, request=request)


@require_GET
def indicator_export(request):
    stories = _stories(request).qs
    indicators = (
        StoryIndicator.objects.filter(story__in=stories.order_by().values("pk"))
        .select_related("story__community")
        .order_by("story__community__name", "story_id", "id")
    )
    rows = (
        (
            i.story_id, i.story.community.name, i.story.title, i.story.get_status_display(),
            i.name, i.unit, i.before, i.after, i.change, i.source,
        )
        for i in indicators.iterator(chunk_size=500)
    )  # fmt: skip
    header = [
        "Story id", "Community", "Story", "Status", "Indicator", "Unit", "Before", "After",
        "Change", "Source",
    ]  # fmt: skip
    return csv_response("value-indicators.csv", header, rows, request=request)


# Rows per page of the matrix's "per community" table.
MATRIX_ROWS = 25


def _program_matrix(request, filterset):
    """The program's matrix as first shown (no filter), assembled from one cached part per
    community (`services.matrix_parts`: the stories of that community the viewer may read),
    each computed again only after a write in its community (childcop.aggregates), so that
    the first view after a story is approved computes one community's part, not the whole
    program's. What the viewer may read of each community, and the community filter's
    choices, are kept per viewer and day until a community, a membership or an appointment
    changes ("stories"; the team's, a community: "program"). A filtered matrix is computed
    live."""
    user = request.user

    def viewer():
        communities = filterset.form.fields["community"].queryset
        return {
            "audiences": services.audiences(user),
            # the community filter's choices, so that the form needs no query either
            "choices": list(communities.values_list("pk", "name")),
            # this computation's name: the filter form drawn from these choices is cached
            # under it (value_stories/matrix.html), a new one with every new computation
            "version": uuid.uuid4().hex,
        }

    # the team reads every story: what they read of each community changes only with the
    # communities ("program"), not with anyone's memberships or appointments ("stories")
    generation = "program" if permissions.is_program_admin(user) else "stories"
    current = aggregates.tokens([generation, aggregates.COMMUNITIES])
    view = aggregates.cached(
        generation, f"matrix:{user.pk}:{timezone.localdate()}", viewer,
        current=current[generation],
    )  # fmt: skip
    audiences = view["audiences"]
    if audiences is None or services.own_story_uncovered(user, audiences):
        matrix = services.value_matrix(filterset.qs, per_community=True)
    else:
        matrix = parts.cached_parts(
            "matrix", audiences, services.MatrixParts, current=current[aggregates.COMMUNITIES]
        )
    return {"matrix": matrix, "choices": view["choices"], "version": view["version"]}


def _matrix(request, community=None):
    queryset = ValueStory.objects.approved().for_user(request.user)
    if community is not None:
        queryset = queryset.filter(community=community)
    filterset = MatrixFilter(
        request.GET, queryset=queryset, request=request, fixed_community=community
    )
    form_version = None
    if community is None and not filterset.is_filtered:
        data = _program_matrix(request, filterset)
        matrix = data["matrix"]
        field = filterset.form.fields["community"]
        field.widget.choices = [("", field.empty_label), *data["choices"]]
        if filterset.is_blank:  # the form as on a first visit: drawn once per computation
            form_version = data["version"]
    else:
        matrix = services.value_matrix(filterset.qs, per_community=community is None)
    # the per-community table, a page at a time (the counts above cover them all)
    rows = paginate(request, matrix["communities"], MATRIX_ROWS)
    rows.object_list = [services.row(found) for found in rows.object_list]
    context = {
        "filter": filterset,
        "matrix": matrix,
        "rows": rows,
        "community": community,
        "cycle_help": [(c.label, CYCLE_HELP[c]) for c in Cycle],
        "cycle_labels": [c.label for c in Cycle],
        "form_version": form_version,
    }
    template = "value_stories/_matrix.html" if request.htmx else "value_stories/matrix.html"
    return render(request, template, context)


@require_GET
def matrix(request):
    """The program's value matrix: approved stories the viewer may read, by cycle."""
    return _matrix(request)


@require_GET
def community_matrix(request, slug):
    community = get_community_for_user(request.user, slug)
    return _matrix(request, community)


def _initial(request, community):
    """A new story prefilled from the activity or the answered help request it starts from."""
    activity_id = request.GET.get("activity", "")
    if ID.fullmatch(activity_id):
        activity = community.activities.filter(pk=activity_id).first()
        if activity:
            return {"activity": activity, "happened_on": activity.date}
    help_request_id = request.GET.get("help_request", "")
    if ID.fullmatch(help_request_id):
        # A closed learning loop told as a story: only the asker's own request prefills.
        from communities.learning.services import story_initial

        help_request = community.help_requests.filter(
            pk=help_request_id, asker_id=request.user.pk
        ).first()
        if help_request:
            return story_initial(help_request)
    return {}


def _story_form(request, community, story=None):
    """The whole story in one post (every question at once), for clients that send it so."""
    form = StoryForm(posted(request), instance=story, community=community)
    indicators = IndicatorFormSet(posted(request), instance=story, prefix="indicators")
    if form.is_valid() and indicators.is_valid():
        try:
            story = services.save_story(form, indicators, community=community, author=request.user)
        except services.StoryError as error:
            messages.error(request, str(error))
            return redirect(story or community)
        if request.POST.get("action") == "submit":
            try:
                services.submit(story, by=request.user)
            except services.StoryError as error:
                messages.warning(request, f"Your draft was saved. {error}")
                return redirect("value_stories:edit_step", pk=story.pk, step=REVIEW)
            return done(
                request, "Your story was submitted; the coordinators will review it.", story
            )
        return done(request, "Your draft was saved.", story)
    return _render_step(request, community, story, "happened", form, indicators)


def _render_step(request, community, story, step, form, indicators=None):
    position = STEP_ORDER.index(step)
    context = {
        "form": form,
        "indicators": indicators,
        "community": community,
        "story": story,
        "step": step,
        "step_title": STEPS[step][0] if step in STEPS else "Check your story",
        "steps": [
            {
                "key": key,
                "title": STEPS[key][0] if key in STEPS else "Check and submit",
                "done": n < position,
                "current": n == position,
            }
            for n, key in enumerate(STEP_ORDER)
        ],  # fmt: skip
        "number": position + 1,
        "previous": STEP_ORDER[position - 1] if position else None,
    }
    if "cycles" in form.fields:  # each cycle with a short explanation and an example
        context["cycle_choices"] = [
            {"choice": choice, "label": Cycle(choice.data["value"]).label,
             "help": CYCLE_HELP[Cycle(choice.data["value"])],
             "example": CYCLE_EXAMPLES[Cycle(choice.data["value"])]}
            for choice in form["cycles"]
        ]  # fmt: skip
    return render(request, "value_stories/step.html", context)


def _story_step(request, community, story, step):
    """One step of the guided story: its answers are saved on "Continue" (a new story's first
    step creates the draft), so nothing is lost between steps or sessions."""
    form = StoryForm(
        posted(request),
        instance=story,
        initial=_initial(request, community) if story is None else {},
        community=community,
        step=step,
    )
    indicators = None
    if step == "indicators":
        indicators = IndicatorFormSet(posted(request), instance=story, prefix="indicators")
    if (
        request.method == "POST"
        and form.is_valid()
        and (indicators is None or indicators.is_valid())
    ):
        try:
            story = services.save_story(form, indicators, community=community, author=request.user)
        except services.StoryError as error:
            messages.error(request, str(error))
            return redirect(story or community)
        go = request.POST.get("go", "next")
        if go == "later":
            return done(request, "Your draft was saved: come back to it when you like.", story)
        position = STEP_ORDER.index(step)
        target = STEP_ORDER[max(position - 1, 0)] if go == "back" else STEP_ORDER[position + 1]
        return redirect("value_stories:edit_step", pk=story.pk, step=target)
    return _render_step(request, community, story, step, form, indicators)


def _review_step(request, story):
    missing = story.missing_for_submission()
    where = {
        "the activity you took part in": "happened",
        "your experience of it": "happened",
        "at least one claimed value-creation cycle": "changed",
    }
    context = {
        "community": story.community,
        "story": story,
        "step": REVIEW,
        "missing": [(text, where.get(text, "happened")) for text in missing],
        "answers": [
            (
                key,
                STEPS[key][0],
                [
                    (story._meta.get_field(name), getattr(story, name))
                    for name in STEPS[key][1]
                    if name != "cycles"
                ],
            )
            for key in STEPS
            if key != "indicators"
        ],  # fmt: skip
        "indicators_list": story.indicators.all(),
        "cycles": story.cycles,
    }
    position = STEP_ORDER.index(REVIEW)
    context["steps"] = [
        {"key": key, "title": STEPS[key][0] if key in STEPS else "Check and submit",
         "done": n < position, "current": n == position}
        for n, key in enumerate(STEP_ORDER)
    ]  # fmt: skip
    context["number"] = position + 1
    context["previous"] = STEP_ORDER[position - 1]
    return render(request, "value_stories/review_step.html", context)


@require_http_methods(["GET", "POST"])
def story_create(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_write_story)
    story = _draft_from_post(request, community)
    if request.method == "POST" and "step" not in request.POST:
        return _story_form(request, community, story)
    return _story_step(request, community, story, "happened")


@require_http_methods(["GET", "POST"])
def story_edit(request, pk, step="happened"):
    story = get_story_for_user(
        request.user,
        pk,
        require=permissions.can_edit_story,
        queryset=ValueStory.objects.select_related("community"),
    )
    if step not in STEP_ORDER:
        raise Http404("No such step.")
    if request.method == "POST" and "step" not in request.POST:
        return _story_form(request, story.community, story)
    if step == REVIEW:
        if request.method == "POST":
            return redirect("value_stories:edit_step", pk=story.pk, step=REVIEW)
        return _review_step(request, story)
    return _story_step(request, story.community, story, step)


def _draft_from_post(request, community):
    """The draft an autosave already created for this form (the author's own, still editable)."""
    story_id = request.POST.get("story_id", "") if request.method == "POST" else ""
    if not ID.fullmatch(story_id):
        return None
    return ValueStory.objects.filter(
        pk=story_id,
        community=community,
        author_id=request.user.pk,
        status__in=STORY_WORKFLOW.sources("edit"),
    ).first()


@require_POST
def story_autosave(request, slug):
    """htmx: save the draft as it is typed; answer a small "Saved at HH:MM" partial."""
    community = get_community_for_user(request.user, slug, require=permissions.can_write_story)
    story = _draft_from_post(request, community)
    step = request.POST.get("step")
    step = step if step in STEPS else None  # a step saves its own questions only
    form = StoryForm(request.POST, instance=story, community=community, step=step)
    indicators = None
    if step in (None, "indicators"):
        indicators = IndicatorFormSet(request.POST, instance=story, prefix="indicators")
    context = {"saved_at": None, "story": story, "created": False}
    if form.is_valid() and (indicators is None or indicators.is_valid()):
        created = story is None
        story = services.save_story(form, indicators, community=community, author=request.user)
        context.update(saved_at=timezone.localtime(), story=story, created=created)
    else:
        context["errors"] = [
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".strip(
                ": "
            )
            for name, errs in form.errors.items()
        ] or ["Check the indicators."]
    return render(request, "value_stories/_autosave.html", context)


def _story(request, pk, **kwargs):
    """The story `pk` in the user's scope, with its community, author and activity."""
    related = ValueStory.objects.select_related("community", "author", "activity")
    return get_story_for_user(request.user, pk, queryset=related, **kwargs)


@require_GET
def story_detail(request, pk):
    story = _story(request, pk)
    flags = permissions.story_flags(request.user, story)
    context = {
        "story": story,
        "can": flags,
        "indicators": story.indicators.all(),
        "history": story.transitions.select_related("by") if flags["history"] else [],
        "review_form": ReviewForm() if flags["review"] else None,
        "cycles": story.cycles,
    }
    return render(request, "value_stories/detail.html", context)


@require_GET
def story_print(request, pk):
    story = _story(request, pk)
    context = {"story": story, "indicators": story.indicators.all(), "cycles": story.cycles}
    return render(request, "value_stories/print.html", context)


@require_POST
def story_submit(request, pk):
    story = get_story_for_user(request.user, pk, require=permissions.can_submit_story)
    try:
        services.submit(story, by=request.user)
    except services.StoryError as error:
        messages.error(request, str(error))
        return redirect("value_stories:edit_step", pk=story.pk, step=REVIEW)
    return done(request, "Your story was submitted; the coordinators will review it.", story)


@require_http_methods(["GET", "POST"])
def story_review(request, pk):
    story = _story(request, pk, require=permissions.can_review_story)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.review(
                story, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
            )
        except services.StoryError as error:  # reviewed by someone else meanwhile
            messages.info(request, str(error))
            return redirect("value_stories:list")
        if approve:
            return done(request, f"“{story.title}” was approved.", story)
        # A returned story is its author's again: back to the list (the story is out of scope).
        return done(request, f"“{story.title}” was returned to its author.", "value_stories:list")
    return render(
        request,
        "value_stories/review.html",
        {
            "story": story,
            "form": form,
            "indicators": story.indicators.all(),
            "cycles": story.cycles,
        },
    )


@require_http_methods(["GET", "POST"])
def story_withdraw(request, pk):
    story = get_story_for_user(request.user, pk, require=permissions.can_withdraw_story)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(story, by=request.user, comment=form.cleaned_data["comment"])
        except services.StoryError as error:  # a second click
            messages.info(request, str(error))
            return redirect(story)
        return done(request, f"“{story.title}” was withdrawn.", story)
    return render(request, "value_stories/withdraw.html", {"story": story, "form": form})
