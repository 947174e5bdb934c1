"""The program overview: every community's stage, heartbeat, participation, stories and flags
on one page for the social learning team, with filters, sorting and a CSV export.

Everything it shows comes from the HealthStatus rows (one per community, recomputed in
batches by `communities.health.jobs.refresh()`, hourly and on demand), the communities
themselves and one aggregate of current sponsor appointments: never from attendance, so
the page costs the same few queries whatever the size of the program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, FloatField, Max, Min, Value, When
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from childcop import aggregates, permissions
from childcop.utils import csv_response, day_month_year, paginate
from communities.choices import Stage
from communities.models import Community

from ..choices import FLAG_ADVICE, Flag, SupportStatus
from ..filters import SORTS, OverviewFilter, order_overview
from ..models import SupportRequest

DEFAULT_SORT = "name"


def _require_admin(request):
    if not permissions.can_view_program_overview(request.user):
        raise PermissionDenied


def _share(part, whole):
    return Cast(part, FloatField()) * 100.0 / Cast(whole, FloatField())


def overview_queryset():
    """All communities, each with its status row (LEFT JOIN: None until first computed), the
    stage's rank in the lifecycle and the participation change in % (None without a base)."""
    participants = F("health_status__participants")
    before = F("health_status__participants_before")
    return (
        Community.objects.select_related("health_status")
        .defer("purpose", "vision", "strategy", "value_proposition")
        .annotate(
            stage_rank=Case(
                *(When(stage=value, then=Value(rank)) for rank, value in enumerate(Stage.values)),
                default=Value(len(Stage.values)),
            ),
            participation_change=Case(
                When(
                    health_status__participants_before__gt=0,
                    then=_share(participants - before, before),
                ),
                default=Value(None),
                output_field=FloatField(),
            ),
        )
        .order_by("name", "pk")
    )


def filtered(request):
    """The filterset over every community, ordered as asked (by name unless said otherwise)."""
    filterset = OverviewFilter(request.GET, queryset=overview_queryset(), request=request)
    queryset = filterset.qs
    if not filterset.form.cleaned_data.get("sort"):
        queryset = order_overview(queryset, DEFAULT_SORT)
    return filterset, queryset


def sponsors_by_community(communities):
    """{community id: [(sponsor's id, name)]} for a list of ids or a subquery of community
    ids, and the program-wide sponsors' names (they cover every community): two queries."""
    from sponsorship.choices import Scope
    from sponsorship.models import Appointment

    current = Appointment.objects.current().sponsors().filter(person__is_active=True)
    links = (
        Appointment.communities.through.objects.filter(
            community_id__in=communities,
            appointment__in=current.filter(scope=Scope.COMMUNITIES).values("pk"),
        )
        .values_list("community_id", "appointment__person_id", "appointment__person__display_name")
        .order_by("appointment__person__display_name", "appointment__person_id")
        .distinct()
    )
    named = {}
    for community_id, person_id, name in links:
        named.setdefault(community_id, []).append((person_id, name))
    program_wide = list(
        current.filter(scope=Scope.PROGRAM)
        .values_list("person__display_name", flat=True)
        .order_by("person__display_name")
        .distinct()
    )
    return named, program_wide


@dataclass
class RaisedFlag:
    key: str
    label: str
    explanation: str
    action: str
    detail: str = ""


_UNREAD = object()


def flags_of(status, raised_flags=_UNREAD):
    """The status's flags with the guide's explanation and suggested action, and what exactly
    tripped each one where the computation recorded it (`raised_flags`: the `flags` list of
    its data, when only that part was read; else read from `status.data`)."""
    if status is None:
        return []
    if raised_flags is _UNREAD:
        raised_flags = (status.data or {}).get("flags", [])
    details = {}
    for raised in raised_flags or []:
        if isinstance(raised, dict) and raised.get("key"):
            details[raised["key"]] = raised.get("detail", "")
    flags = []
    for key in status.flag_keys:
        if key not in Flag.values:
            continue
        flag = Flag(key)
        explanation, action = FLAG_ADVICE.get(flag, ("", ""))
        flags.append(RaisedFlag(key, flag.label, explanation, action, details.get(key, "")))
    return flags


def change_label(change, participants):
    """'+12 %', '−30 %', '±0 %'; 'new' when nobody took part in the window before; '—'."""
    if change is None:
        return "new" if participants else "—"
    rounded = round(change)
    if rounded == 0:
        return "±0 %"
    return f"{'+' if rounded > 0 else '−'}{abs(rounded)} %"


@dataclass
class Row:
    """One community's line, its texts prepared here (communities/health/_overview_row.html
    draws it from these fields only: `shown()`)."""

    name: str
    url: str
    stage: str
    stage_label: str
    domain: str
    sponsors: list  # [(name, address of the overview filtered by them: by id, not by name)]
    computed: bool = False
    last_activity: str = ""
    sessions: str = ""
    participants: int = 0
    change: float | None = None
    change_label: str = ""
    stories: int = 0
    flags: list[RaisedFlag] = field(default_factory=list)

    @property
    def falling(self) -> bool:
        return self.change is not None and self.change < 0

    def shown(self) -> tuple:
        """Everything the row shows (the rendered table's cache key is made of it)."""
        return (
            self.name, self.url, self.stage, self.stage_label, self.domain, self.sponsors,
            self.computed, self.last_activity, self.sessions, self.participants, self.falling,
            self.change_label, self.stories,
            [(f.key, f.label, f.explanation, f.action, f.detail) for f in self.flags],
        )  # fmt: skip


def _sessions(held, planned):
    """`planned`: the month's sessions due so far (rhythm adherence counts those: a session
    later in the month is not yet held or missed)."""
    if not planned:
        return "no session due yet this month"
    return f"{held} of {planned} session{pluralize(planned)} held so far this month"


def _rows(communities, named_sponsors):
    prefix = reverse("communities:detail", args=["-"])[:-2]
    stages = dict(Stage.choices)
    rows = []
    for community in communities:
        names = named_sponsors.get(community.pk, [])
        row = Row(
            name=community.name,
            url=f"{prefix}{community.slug}/",
            stage=community.stage,
            stage_label=stages.get(community.stage, community.stage),
            domain=community.domain,
            sponsors=[(name, "?" + urlencode({"sponsor_id": pk})) for pk, name in names],
        )
        status = getattr(community, "health_status", None)
        if status is not None:
            last = status.last_activity_on
            row.computed = True
            row.last_activity = day_month_year(last) if last else ""
            row.sessions = _sessions(status.sessions_held, status.sessions_planned)
            row.participants = status.participants
            row.change = community.participation_change
            row.change_label = change_label(row.change, status.participants)
            row.stories = status.stories
            row.flags = flags_of(status, getattr(community, "raised_flags", _UNREAD))
        rows.append(row)
    return rows


def _columns(sort):
    """The sortable headers: each links to its sort (`target`: toggling when it is the
    current one) and says how the table is sorted (`aria_sort`)."""
    columns = {}
    for key, (label, _) in SORTS.items():
        if sort == key:
            target, aria = f"-{key}", "ascending"
        elif sort == f"-{key}":
            target, aria = key, "descending"
        else:
            target, aria = key, None
        columns[key] = {"label": label, "target": target, "aria_sort": aria}
    return columns


@require_GET
def overview(request):
    _require_admin(request)
    template_partial = bool(request.htmx and not request.htmx.boosted)  # the table only
    filterset, queryset = filtered(request)
    # only the flags of each status's data (its indicators are large and not shown here)
    queryset = queryset.defer("health_status__data").annotate(
        raised_flags=KeyTransform("flags", "health_status__data")
    )
    page = paginate(request, queryset)
    ids = [c.pk for c in page.object_list]
    # kept under the generation of the appointments, the communities and people's names
    # ("landscape": childcop.aggregates), and the day in the program's time zone, where it
    # is computed (terms end)
    with aggregates.program_time_zone():
        today = timezone.localdate()
    sponsors = aggregates.cached(
        "landscape",
        f"overview-sponsors:{today}:{aggregates.fragment_key(ids)}",
        lambda: sponsors_by_community(ids),
    )
    rows = _rows(page.object_list, sponsors[0])
    sort = filterset.form.cleaned_data.get("sort") or DEFAULT_SORT
    sponsor = filterset.form.cleaned_data.get("sponsor_id")  # a sponsor's link followed
    label = SORTS[sort.removeprefix("-")][0].lower()
    figures = Community.objects.aggregate(
        communities=Count("pk"),
        computed=Count("health_status"),
        oldest=Min("health_status__computed_at"),
        newest=Max("health_status__computed_at"),
    )
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "sort": sort,
        "sort_label": f"{label}, descending" if sort.startswith("-") else label,
        "program_sponsors": sponsors[1],
        "sponsor": sponsor,
        "partial": template_partial,
        "columns": _columns(sort),
        # The rendered table is cached under all it shows (the same for every program
        # admin): its rows, whether program-wide sponsors cover the communities without a
        # named one, and its headers' links (the query string and the sort).
        "table_key": aggregates.fragment_key(
            request.GET.urlencode(), sort, bool(sponsors[1]), [row.shown() for row in rows]
        ),
        "figures": figures,
        "not_computed": figures["communities"] - figures["computed"],
        "open_support": SupportRequest.objects.filter(status=SupportStatus.OPEN).count(),
        "story_days": settings.CHILDCOP_FLAG_NO_STORY_DAYS,
        "window_days": settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS,
    }
    template = (
        "communities/health/_overview_table.html"
        if template_partial
        else "communities/health/overview.html"
    )
    return render(request, template, context)


EXPORT_HEADER = [
    "Community",
    "Address",
    "Stage",
    "Domain",
    "Sponsors",
    "Last activity",
    "Sessions held this month",
    "Sessions due so far this month",
    "Participants",
    "Participants in the window before",
    "Participation change (%)",
    "Value-creation stories",
    "Flags",
    "Figures as of",
]


EXPORT_FIELDS = [
    "name", "slug", "stage", "domain", "health_status__computed_at",
    "health_status__last_activity_on", "health_status__sessions_held",
    "health_status__sessions_planned", "health_status__participants",
    "health_status__participants_before", "participation_change", "health_status__stories",
    "health_status__flags",
]  # fmt: skip


@require_GET
def overview_export(request):
    """The filtered, sorted set, every row (not one page), as plain values: four queries."""
    _require_admin(request)
    _, queryset = filtered(request)
    named, program_wide = sponsors_by_community(queryset.order_by().values("pk"))
    program_wide = [f"{name} (whole program)" for name in program_wide]
    address = request.build_absolute_uri(reverse("communities:detail", args=["-"]))[:-2]
    stages = dict(Stage.choices)
    flag_labels = dict(Flag.choices)

    def lines():
        for row in queryset.values_list("pk", *EXPORT_FIELDS).iterator(chunk_size=1000):
            pk, name, slug, stage, domain, computed_at, last, held, planned, *rest = row
            participants, before, change, stories, flags = rest
            figures = [""] * 9
            if computed_at is not None:  # computed (else: not computed yet, left empty)
                figures = [
                    last.isoformat() if last else "",
                    held,
                    planned,
                    participants,
                    before,
                    "" if change is None else round(change),
                    stories,
                    "; ".join(flag_labels[k] for k in flags.split() if k in flag_labels),
                    timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M"),
                ]
            sponsors = [name for _, name in named.get(pk, [])] + program_wide
            yield [name, f"{address}{slug}/", stages.get(stage, stage), domain,
                   "; ".join(sponsors), *figures]  # fmt: skip

    today = timezone.localdate()
    return csv_response(
        f"program-overview-{today:%Y-%m-%d}.csv", EXPORT_HEADER, lines(), request=request
    )


@require_POST
def overview_refresh(request):
    """Recompute every community's figures now: the same job beat runs hourly, enqueued
    once this request's transaction commits (it reads all attendance, so it belongs to a
    worker, not to a web request)."""
    _require_admin(request)
    from communities.tasks import refresh_health_status

    transaction.on_commit(refresh_health_status.delay)
    messages.success(
        request,
        "The figures are being recomputed for every community. "
        "Reload this page in a minute to see them.",
    )
    target = redirect("program:overview")
    # back to the same filters (re-encoded: only a query string, never another address)
    query = QueryDict(request.POST.get("query", "").removeprefix("?")).urlencode()
    if query:
        target["Location"] += f"?{query}"
    return target
