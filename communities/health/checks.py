"""Health checks: the coordinator opens one for a period, the core group rates the dimensions
of intentional development, ticks the success and failure factors and adds notes; the result
combines the ratings (mean and spread per dimension) and pictures them as a radar beside the
previous health check's.

Who may do what is answered by childcop.permissions ("Health checks, indicators, reports"):
readers `can_view_health` (core group, coordinators, admins, the community's sponsors),
`can_open_health_check` (coordinators, admins; also closes), `can_answer_health_check` (the
core group, coordinators included; not admins). A closed community is read-only there.

While a check is open, a core group member who has not answered yet does not see the others'
ratings: independent ratings keep the spread meaningful. Notes are shown without names, in an order
of their own (by their text): the coordinator's list of who has answered (by name, without
dates) cannot be matched to them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Prefetch, Q, StdDev
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import paginate, posted
from communities.choices import Level
from communities.models import Community, Membership

from . import radar as radar_geometry
from .choices import FailureFactor, SuccessFactor
from .forms import AnswerForm, HealthCheckFilter, OpenHealthCheckForm, period_conflicts
from .models import Dimension, HealthCheck, HealthCheckResponse, HealthRating

# --- services ------------------------------------------------------------------------------


def core_group(community_ids):
    """Memberships of the core group (coordinators included) of these communities."""
    return Membership.objects.filter(
        Q(is_coordinator=True) | Q(level=Level.CORE),
        community_id__in=community_ids,
        user__is_active=True,
    )


def active_dimensions():
    return Dimension.objects.filter(is_active=True).order_by("order", "id")


class CheckClosed(Exception):
    """The health check was closed (or deleted) before the answer could be saved."""


def open_check(community, *, by, period_start, period_end, answer_by) -> HealthCheck:
    """Open a health check. The community's row is locked and the form's checks asked again
    (a check overlapping the period, or one still open), so two coordinators opening at once
    cannot both succeed: ValidationError (for the form) if one was opened meanwhile;
    IntegrityError if the same period was, on a database without row locks."""
    with transaction.atomic():
        # the lock (released at commit): openings for one community go one at a time
        list(Community.objects.select_for_update().filter(pk=community.pk).values_list("pk"))
        conflicts = period_conflicts(community, period_start, period_end)
        if conflicts:
            errors = {}
            for name, message in conflicts:
                errors.setdefault(name or NON_FIELD_ERRORS, []).append(message)
            raise ValidationError(errors)
        return HealthCheck.objects.create(
            community=community,
            period_start=period_start,
            period_end=period_end,
            answer_by=answer_by,
            opened_by=by,
        )


@transaction.atomic
def save_answer(
    check,
    respondent,
    *,
    ratings,
    dimensions=None,
    success_factors=(),
    failure_factors=(),
    notes="",
) -> HealthCheckResponse:
    """Create or replace `respondent`'s answer. `ratings`: {dimension id: (score, note)} of
    the dimensions rated; `dimensions`: the ids of those the form asked about (by default
    those rated). An earlier answer's ratings of these are replaced ("Can't say" removes
    one); its ratings of other dimensions (taken out of use since) are kept.

    CheckClosed if the check was closed since `check` was read open (the answer page reads
    it, then saves): its row is locked and read again here, so an answer is never saved
    after a closing (which updates that row) committed. A `check` read closed is written to
    as it is (history: demo data, tests); the views only answer open checks."""
    state = list(  # the lock: a closing waits for this answer, or this answer for it
        HealthCheck.objects.select_for_update().filter(pk=check.pk).values_list("closed_at")
    )
    if not state or (check.closed_at is None and state[0][0] is not None):
        raise CheckClosed
    asked = set(ratings) if dimensions is None else set(dimensions) | set(ratings)
    response, created = HealthCheckResponse.objects.get_or_create(
        health_check=check,
        respondent=respondent,
        defaults={
            "success_factors": list(success_factors),
            "failure_factors": list(failure_factors),
            "notes": notes,
        },
    )
    if not created:
        response.success_factors = list(success_factors)
        response.failure_factors = list(failure_factors)
        response.notes = notes
        response.save(update_fields=["success_factors", "failure_factors", "notes", "updated_at"])
        response.ratings.filter(dimension_id__in=asked).delete()
    HealthRating.objects.bulk_create(
        HealthRating(response=response, dimension_id=pk, score=score, note=note)
        for pk, (score, note) in ratings.items()
    )
    return response


def close_check(check) -> bool:
    """Close the check (answers are kept as they are); False if it was closed already."""
    return bool(
        HealthCheck.objects.filter(pk=check.pk, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
    )


@dataclass
class DimensionResult:
    dimension: Dimension
    count: int = 0
    mean: float | None = None
    low: int | None = None
    high: int | None = None
    stdev: float | None = None
    previous_mean: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def change(self):
        if self.mean is None or self.previous_mean is None:
            return None
        return round(self.mean - self.previous_mean, 1)


@dataclass
class FactorCount:
    key: str
    label: str
    count: int


@dataclass
class Result:
    check: HealthCheck
    previous: HealthCheck | None
    dimensions: list[DimensionResult]
    responses: list[HealthCheckResponse]
    success: list[FactorCount]
    failure: list[FactorCount]
    notes: list[str]

    @property
    def respondents(self) -> int:
        return len(self.responses)

    @property
    def factor_groups(self):
        return [("Success factors", self.success), ("Failure factors", self.failure)]

    @property
    def has_dimension_notes(self) -> bool:
        return any(d.notes for d in self.dimensions)

    @property
    def has_previous_ratings(self) -> bool:
        return any(d.previous_mean is not None for d in self.dimensions)

    def radar(self):
        series = [(f"This period ({self.check.period_label})", [d.mean for d in self.dimensions])]
        if self.previous is not None and self.has_previous_ratings:
            series.append(
                (
                    f"Previous ({self.previous.period_label})",
                    [d.previous_mean for d in self.dimensions],
                )
            )
        return radar_geometry.radar([d.dimension.name for d in self.dimensions], series)


def _text_order(text):
    """Notes go by their text (never by who wrote them or when); names alphabetically."""
    return (text.casefold(), text)


def _round(value, places=1):
    return None if value is None else round(float(value), places)


def count_factors(lists, choices) -> list[FactorCount]:
    """How many answers ticked each factor, most ticked first (untouched factors left out)."""
    counts = Counter(key for keys in lists for key in set(keys))
    return sorted(
        (FactorCount(key, label, counts[key]) for key, label in choices if counts[key]),
        key=lambda f: -f.count,
    )


def combine(check, *, previous=None) -> Result:
    """The combined ratings of `check` (and the previous check's means): three queries.

    Per dimension the mean, lowest and highest rating, the (population) standard deviation
    and how many rated; how many ticked each factor; the notes. Dimensions shown: those in
    use, and any no longer in use that this check rated.
    """
    ids = [check.pk] + ([previous.pk] if previous is not None else [])
    this = Q(response__health_check_id=check.pk)
    # (1) the statistics, aggregated in the database, for both checks at once
    stats = {
        row["dimension_id"]: row
        for row in HealthRating.objects.filter(response__health_check_id__in=ids)
        .values("dimension_id")
        .annotate(
            n=Count("id", filter=this),
            mean=Avg("score", filter=this),
            low=Min("score", filter=this),
            high=Max("score", filter=this),
            stdev=StdDev("score", filter=this),
            previous_mean=Avg("score", filter=~this),
        )
        .order_by()
    }
    # (2) the dimensions (a short, admin-kept list)
    dimensions = [
        d
        for d in Dimension.objects.order_by("order", "id")
        if d.is_active or stats.get(d.pk, {}).get("n")
    ]
    # (3) the answers, with their notes on single dimensions
    responses = list(
        check.responses.select_related("respondent")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=HealthRating.objects.exclude(note="").order_by("dimension_id"),
                to_attr="noted",
            )
        )
        .order_by("respondent__display_name", "pk")
    )
    notes_by_dimension: dict[int, list[str]] = {}
    for response in responses:
        for rating in response.noted:
            notes_by_dimension.setdefault(rating.dimension_id, []).append(rating.note)
    for noted in notes_by_dimension.values():
        noted.sort(key=_text_order)
    results = []
    for d in dimensions:
        row = stats.get(d.pk, {})
        results.append(
            DimensionResult(
                dimension=d,
                count=row.get("n") or 0,
                mean=_round(row.get("mean")) if row.get("n") else None,
                low=row.get("low"),
                high=row.get("high"),
                stdev=_round(row.get("stdev"), 2) if row.get("n") else None,
                previous_mean=_round(row.get("previous_mean")),
                notes=notes_by_dimension.get(d.pk, []),
            )
        )
    return Result(
        check=check,
        previous=previous,
        dimensions=results,
        responses=responses,
        success=count_factors((r.success_factors for r in responses), SuccessFactor.choices),
        failure=count_factors((r.failure_factors for r in responses), FailureFactor.choices),
        notes=sorted((r.notes for r in responses if r.notes.strip()), key=_text_order),
    )


def previous_check(check):
    return (
        HealthCheck.objects.filter(
            community_id=check.community_id, period_start__lt=check.period_start
        )
        .order_by("-period_start")
        .first()
    )


# --- views ---------------------------------------------------------------------------------


def _get_check(request, slug, pk, *, require=permissions.can_view_health):
    """One scoped fetch: the community (404 outside scope, 403 below `require`), its check."""
    community = get_community_for_user(request.user, slug, require=require)
    check = community.health_checks.filter(pk=pk).first()
    if check is None:
        raise Http404("No such health check.")
    check.community = community  # the membership cache travels with it
    return community, check


@require_safe
def check_list(request, slug):
    """The community's health checks, newest period first."""
    community = get_community_for_user(request.user, slug, require=permissions.can_view_health)
    user = request.user
    checks = community.health_checks.annotate(
        answers=Count("responses"),
        answered=Exists(
            HealthCheckResponse.objects.filter(health_check=OuterRef("pk"), respondent_id=user.pk)
        ),
    ).order_by("-period_start")
    filterset = HealthCheckFilter(request.GET or None, queryset=checks)
    context = {
        "community": community,
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        "can_open": permissions.can_open_health_check(user, community),
        "can_answer": permissions.can_answer_health_check(user, community),
        "read_only": permissions.is_read_only(community),
    }
    template = (
        "communities/health/check_list_results.html"
        if request.htmx
        else "communities/health/check_list.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def check_open(request, slug):
    community = get_community_for_user(
        request.user, slug, require=permissions.can_open_health_check
    )
    form = OpenHealthCheckForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        try:
            check = open_check(community, by=request.user, **form.cleaned_data)
        except ValidationError as error:  # a check opened meanwhile: asked again, locked
            form.add_error(None, error)
        except IntegrityError:
            form.add_error(None, "This period was opened meanwhile; see the list of health checks.")
        else:
            messages.success(
                request,
                f"The health check {check.period_label} is open. The core group answers by "
                f"{check.answer_by:%-d %B %Y}; those who have not answered get one reminder "
                f"in the {settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE} days before.",
            )
            return redirect("communities:health_check_answer", slug=community.slug, pk=check.pk)
    return render(
        request,
        "communities/health/check_open.html",
        {"community": community, "form": form},
    )


@require_safe
def check_detail(request, slug, pk):
    """The result: mean and spread per dimension, the radar beside the previous period's,
    the factors and notes; for coordinators, who has answered and who has not."""
    community, check = _get_check(request, slug, pk)
    user = request.user
    previous = previous_check(check)
    if previous is not None:
        previous.community = community
    result = combine(check, previous=previous)
    answered_ids = {r.respondent_id for r in result.responses}
    can_answer = permissions.can_answer_health_check(user, community) and check.is_open
    can_manage = permissions.can_open_health_check(user, community)
    waiting = None
    if can_manage:
        waiting = [
            m.user
            for m in core_group([community.pk])
            .select_related("user")
            .order_by("user__display_name")
            if m.user_id not in answered_ids
        ]
    context = {
        "community": community,
        "check": check,
        "result": result,
        # by name, without dates: nothing to match against the notes (by their text)
        "answered": sorted((r.respondent.display_name for r in result.responses), key=_text_order),
        "radar": result.radar(),
        "has_answered": user.pk in answered_ids,
        "can_answer": can_answer,
        "can_close": can_manage and check.is_open,
        "show_who": can_manage,
        "waiting": waiting,
        "hide_results": can_answer and user.pk not in answered_ids,
        "read_only": permissions.is_read_only(community),
    }
    return render(request, "communities/health/check_detail.html", context)


@require_http_methods(["GET", "POST"])
def check_answer(request, slug, pk):
    """A core group member's answer: a slider per dimension, the factors, notes. It may be
    changed while the check is open."""
    community, check = _get_check(request, slug, pk, require=permissions.can_answer_health_check)
    if not check.is_open:
        messages.info(request, "This health check is closed: its answers are kept as they were.")
        return redirect(check)
    response = check.responses.filter(respondent=request.user).prefetch_related("ratings").first()
    dimensions = list(active_dimensions())
    form = AnswerForm(posted(request), dimensions=dimensions, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            save_answer(
                check,
                request.user,
                ratings=form.ratings(),
                dimensions=form.dimension_ids,
                success_factors=form.cleaned_data["success_factors"],
                failure_factors=form.cleaned_data["failure_factors"],
                notes=form.cleaned_data["notes"].strip(),
            )
        except CheckClosed:
            messages.error(
                request,
                "This health check was closed before your answer arrived: it was not saved. "
                "The answers given are kept as they were.",
            )
            return redirect(check)
        messages.success(
            request,
            "Your answer was "
            + ("updated" if response else "saved")
            + ". You may change it while the health check is open.",
        )
        return redirect(check)
    context = {"community": community, "check": check, "form": form, "response": response}
    return render(request, "communities/health/check_answer.html", context)


@require_http_methods(["GET", "POST"])
def check_close(request, slug, pk):
    """Close the check after a confirmation: no more answers, the result stays."""
    community, check = _get_check(request, slug, pk, require=permissions.can_open_health_check)
    if not check.is_open:
        messages.info(request, "This health check is already closed.")
        return redirect(check)
    if request.method == "POST":
        close_check(check)
        messages.success(request, f"The health check {check.period_label} is closed.")
        return redirect(check)
    answers = check.responses.count()
    waiting = core_group([community.pk]).exclude(user__health_responses__health_check=check).count()
    context = {"community": community, "check": check, "answers": answers, "waiting": waiting}
    return render(request, "communities/health/check_close.html", context)
