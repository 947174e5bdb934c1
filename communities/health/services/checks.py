"""Health-check workflows and results.

A coordinator opens a check for a period (`open_check`), each core group member answers —
the dimensions rated, the success and failure factors ticked, notes (`save_answer`, which
may replace an earlier answer while the check is open) — and the coordinator closes it
(`close_check`); each is one transaction, safe against a concurrent opening or closing.
`combine` gives the result: per dimension the mean and spread of the ratings beside the
previous check's mean, how many ticked each factor, and the notes — without names, in an
order of their own (by their text), so the list of who answered cannot be matched to them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, Min, Prefetch, Q, StdDev
from django.utils import timezone

from childcop import aggregates, charts
from communities.choices import Level
from communities.models import Community, Membership

from ..choices import HEALTH_CHECK_WORKFLOW, FailureFactor, SuccessFactor
from ..forms import period_conflicts
from ..models import Dimension, HealthCheck, HealthCheckResponse, HealthRating


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
    as it is (history: demo data, tests); the views only answer open checks. Open and
    closed: whether `HEALTH_CHECK_WORKFLOW` allows answering in the check's state."""
    locked = list(  # the lock: a closing waits for this answer, or this answer for it
        HealthCheck.objects.select_for_update().filter(pk=check.pk).values_list("closed_at")
    )
    if not locked or (
        HEALTH_CHECK_WORKFLOW.allows(check.state, "answer")
        and not HEALTH_CHECK_WORKFLOW.allows(HealthCheck.state_of(locked[0][0]), "answer")
    ):
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
    """Close the check (answers are kept as they are); False if its state does not allow
    closing (`HEALTH_CHECK_WORKFLOW`): it was closed already."""
    if not HEALTH_CHECK_WORKFLOW.allows(check.state, "close"):
        return False
    # Conditional update: a check closed meanwhile (it has a closing time) stays as it is.
    closed = HealthCheck.objects.filter(pk=check.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    if closed:
        aggregates.invalidate_needs("health")  # update(): no signal
    return bool(closed)


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
        return charts.radar([d.dimension.name for d in self.dimensions], series)


def text_order(text):
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
        noted.sort(key=text_order)
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
        notes=sorted((r.notes for r in responses if r.notes.strip()), key=text_order),
    )


def previous_check(check):
    return (
        HealthCheck.objects.filter(
            community_id=check.community_id, period_start__lt=check.period_start
        )
        .order_by("-period_start")
        .first()
    )
