"""Demo health checks and reports: for each live demo community, a closed health check for
last quarter and an open one for this quarter, answered by its core group, so the radar shows
two periods; and the last two months' health reports.

`seed(rng, now)` is called by `seed_demo` once communities and members exist; it is
idempotent (a check already there for a period is left as it is, and answers are added only
to a check without any). In "Data protection in practice" the demo core member
(core@example.org) has not answered this quarter's check yet, so signing in as them shows
the sliders, and as the coordinator shows who is still missing.

`seed_reports()` makes the monthly reports by the report job itself, without email.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ..choices import Stage
from ..models import Community
from .choices import FailureFactor, SuccessFactor
from .forms import period_containing, previous_period
from .indicators import add_months
from .jobs import generate_reports
from .models import SCORE_MAX, HealthCheck, HealthCheckResponse, HealthRating
from .services.checks import active_dimensions, core_group
from .services.reports import default_period

NOT_YET_ANSWERED = {"core@example.org"}

# A few notes per dimension, in the order of the default dimensions.
DIMENSION_NOTES = [
    [
        "Help requests get answers within days; the follow-ups are the weak spot.",
        "We give advice, but rarely hear back how it turned out.",
    ],
    [
        "The learning agenda is voted on, but the top items wait too long.",
        "Members raise challenges; the core group still picks the topics.",
    ],
    [
        "The monthly clinic is the heartbeat; newcomers still stay at the edge.",
        "Trust is high among the regulars.",
    ],
    [
        "The sponsor opened our quarterly meeting: leaders start to listen.",
        "The business case is agreed, but nobody asks us about decisions yet.",
    ],
    [
        "The practice group with the regional teams linked us to two other communities.",
        "We hardly know what the neighbouring communities do.",
    ],
    [
        "Two value-creation stories this quarter; we should tell them to the sponsor.",
        "Value is felt, not shown: we need more stories.",
    ],
    [
        "Our PDCA review changed how we run the clinics.",
        "This health check is the first time we talk about how we learn.",
    ],
]
GENERAL_NOTES = [
    "We have a good rhythm, but the same five people do most of the work.",
    "More time for follow-up on advice would make the clinics count.",
    "The core group is energised after the last face-to-face meeting.",
    "Let us ask newcomers what would bring them closer to the core.",
    "",
    "",
]


def _answer(check, user, profile, rng, *, when, note=""):
    response = HealthCheckResponse.objects.create(
        health_check=check,
        respondent=user,
        success_factors=rng.sample(list(SuccessFactor.values), rng.randint(2, 4)),
        failure_factors=rng.sample(list(FailureFactor.values), rng.randint(0, 2)),
        notes=note,
        submitted_at=when,
    )
    HealthRating.objects.bulk_create(
        HealthRating(
            response=response,
            dimension=dimension,
            score=max(0, min(SCORE_MAX, base + rng.choice([-1, 0, 0, 1]))),
            note=rng.choice(DIMENSION_NOTES[i % len(DIMENSION_NOTES)])
            if rng.random() < 0.15
            else "",
        )
        for i, (dimension, base) in enumerate(profile)
    )


def seed(rng=None, now=None) -> int:
    """Create the demo health checks; returns how many checks were created."""
    rng = rng or random.Random(2026)  # noqa: S311 — demo data
    now = now or timezone.now()
    today = timezone.localdate(now)
    this_start, this_end = period_containing(today)
    last_start, last_end = previous_period(this_start)
    dimensions = list(active_dimensions())
    communities = list(
        Community.objects.exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED]).order_by("pk")
    )
    members = {}
    for membership in (
        core_group([c.pk for c in communities]).select_related("user").order_by("user_id")
    ):
        members.setdefault(membership.community_id, []).append(membership)
    created = 0
    with transaction.atomic():
        for community in communities:
            core = members.get(community.pk, [])
            coordinator = next((m.user for m in core if m.is_coordinator), None)
            # Where the community stands per dimension last quarter, and how it moved since.
            before = [(d, rng.randint(1, 4)) for d in dimensions]
            after = [
                (d, max(0, min(SCORE_MAX, base + rng.choice([-1, 0, 1, 1])))) for d, base in before
            ]
            closed_at = min(
                now - timedelta(days=1),
                timezone.make_aware(datetime.combine(last_end + timedelta(days=25), time(9))),
            )
            last, made = HealthCheck.objects.get_or_create(
                community=community,
                period_start=last_start,
                defaults={
                    "period_end": last_end,
                    "answer_by": last_end + timedelta(days=21),
                    "opened_by": coordinator,
                    "opened_at": closed_at - timedelta(days=24),
                    "closed_at": closed_at,
                },
            )
            created += made
            if not last.responses.exists():
                notes = rng.sample(GENERAL_NOTES, len(GENERAL_NOTES))
                for n, m in enumerate(core):
                    _answer(
                        last, m.user, before, rng, when=last.opened_at + timedelta(days=3),
                        note=notes[n % len(notes)],
                    )  # fmt: skip
            opened_at = max(
                now - timedelta(days=6), now - timedelta(days=(today - this_start).days)
            )
            current, made = HealthCheck.objects.get_or_create(
                community=community,
                period_start=this_start,
                defaults={
                    "period_end": this_end,
                    "answer_by": today + timedelta(days=14),
                    "opened_by": coordinator,
                    "opened_at": opened_at,
                },
            )
            created += made
            if not current.responses.exists():
                answering = [m for m in core if m.user.email not in NOT_YET_ANSWERED]
                # Most of the core group has answered; one or two are still missing.
                if len(answering) > 2 and community.slug != "data-protection-in-practice":
                    answering = answering[:-1]
                notes = rng.sample(GENERAL_NOTES, len(GENERAL_NOTES))
                for n, m in enumerate(answering):
                    _answer(
                        current, m.user, after, rng, when=opened_at + timedelta(hours=4),
                        note=notes[n % len(notes)],
                    )  # fmt: skip
    return created


def seed_reports(months: int = 2) -> list[dict]:
    """The demo's reports for the last `months` months, oldest first (so each records the
    flags of the one before); idempotent, no email."""
    last = default_period()
    return [
        generate_reports(add_months(last, -back), send_emails=False)
        for back in reversed(range(months))
    ]
