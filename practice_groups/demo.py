"""Demo learning agenda and practice groups.

`seed(rng, now)` is called by `seed_demo` once communities, members and activities exist.
It seeds the learning agenda first (communities.learning.demo.seed_agenda), then practice groups in
every status with members, progress reports, responses and support requests (from a group
and from the coordinators). It writes directly: no emails are sent.
"""

from __future__ import annotations

from datetime import timedelta

from communities.choices import Stage
from communities.health.choices import SupportKind, SupportStatus
from communities.health.models import SupportRequest
from communities.learning.demo import seed_agenda
from communities.models import Community

from .choices import GroupStatus, Reason, ResponseKind
from .models import GroupMembership, PracticeGroup, ProgressReport, ReportResponse

GROUPS = [
    (
        "Consent that means something", Reason.PROJECT, GroupStatus.ACTIVE,
        "Redesign the consent forms of **HR** so that people read them.",
        "A tested consent template", "",
    ),
    (
        "Reading group: privacy engineering", Reason.SUBTOPIC, GroupStatus.ACTIVE,
        "Read and discuss one chapter a month.", "Chapter summaries in the shared memory", "",
    ),
    (
        "Benchmark of DPIA tools", Reason.STATE_OF_THE_ART, GroupStatus.CONCLUDED,
        "A systematic look at the tools other organisations use.", "A comparison table",
        "We compared six tools; two are worth a pilot. See the *comparison table*.",
    ),
    (
        "Regional perspectives", Reason.CONTEXTUAL_SUBSET, GroupStatus.PROPOSED,
        "How the regions experience the privacy rules.", "Stories from five regions", "",
    ),
    (
        "Hackathon on data minimisation", Reason.OUT_OF_THE_BOX, GroupStatus.CHANGES_REQUESTED,
        "Radically new ideas to keep less data.", "Three prototypes", "",
    ),
    (
        "Everything about cookies", Reason.SUBTOPIC, GroupStatus.DECLINED,
        "All about cookie banners.", "", "",
    ),
]  # fmt: skip

REPORTS = [
    ("First findings", "We interviewed **eight** colleagues; three themes emerged."),
    ("Halfway", "A draft is ready for your critique. What is missing?"),
]

COMMENTS = {
    ResponseKind.ENDORSE: "Very useful, go on!",
    ResponseKind.CRITIQUE: "The sample is small: only head office.",
    ResponseKind.REFINE: "Add a plain-language summary at the top.",
}


def seed(rng, now) -> None:
    seed_agenda(rng, now)
    communities = Community.objects.exclude(stage=Stage.POTENTIAL).order_by("pk")[:3]
    _community_requests([c for c in communities if c.stage != Stage.CLOSED], now)
    for community in communities:
        members = [m.user for m in community.memberships.select_related("user")]
        if len(members) < 6:
            continue
        coordinator = next(
            (m.user for m in community.memberships.filter(is_coordinator=True)), members[0]
        )
        items = list(community.agenda_items.all())
        for n, (name, reason, status, purpose, deliverable, outcome) in enumerate(GROUPS):
            created = now - timedelta(days=150 - 10 * n)
            proposer = members[(n + 1) % len(members)]
            group = PracticeGroup.objects.create(
                community=community, name=name, reason=reason, purpose=purpose,
                deliverable=deliverable, status=status, proposed_by=proposer,
                created_at=created, expected_end=(now + timedelta(days=90)).date(),
                outcome=outcome,
            )  # fmt: skip
            if items:
                group.agenda_items.set(rng.sample(items, min(2, len(items))))
            if status == GroupStatus.CHANGES_REQUESTED:
                group.charter_note = "Please narrow it down to one process and name a deliverable."
            elif status == GroupStatus.DECLINED:
                group.charter_note = "The reading group covers this already; join them?"
            if status in (GroupStatus.ACTIVE, GroupStatus.CONCLUDED):
                group.chartered_by = coordinator
                group.chartered_at = created + timedelta(days=5)
                group.charter_note = "Chartered at the monthly meeting. Report back each quarter."
                if status == GroupStatus.CONCLUDED:
                    group.concluded_at = now - timedelta(days=10)
                crew = {proposer, *rng.sample(members, 3)}
                GroupMembership.objects.bulk_create(
                    GroupMembership(group=group, user=u, joined_at=created + timedelta(days=6))
                    for u in crew
                )
                _reports(rng, group, sorted(crew, key=lambda u: u.pk), members, now)
            group.save()
            if n == 0:
                SupportRequest.objects.create(
                    community=community, group=group, kind=SupportKind.FACILITATION,
                    requested_by=proposer,
                    description="A facilitator for a half-day design session next month.",
                    created_at=now - timedelta(days=4),
                )  # fmt: skip
                SupportRequest.objects.create(
                    community=community, group=group, kind=SupportKind.TECHNOLOGY,
                    requested_by=proposer,
                    description="A shared workspace for the drafts.", status=SupportStatus.DONE,
                    note="Created a team site; the group's members have access.",
                    created_at=now - timedelta(days=40),
                )  # fmt: skip


def _community_requests(communities, now):
    """Coordinators' own requests: one waiting in the queue, one taken on by the team."""
    from communities.health.forms import program_admins

    admin = program_admins().first()
    for n, community in enumerate(communities[:2]):
        coordinator = community.memberships.filter(is_coordinator=True).first()
        if coordinator is None:
            continue
        if n == 0:
            SupportRequest.objects.create(
                community=community, kind=SupportKind.COACHING, requested_by=coordinator.user,
                description="Coaching for our two new core members on facilitating a case "
                "clinic, before the next quarterly meeting.",
                created_at=now - timedelta(days=2),
            )  # fmt: skip
        else:
            SupportRequest.objects.create(
                community=community, kind=SupportKind.LOGISTICS, requested_by=coordinator.user,
                description="A room for 30 people for the face-to-face day in the spring.",
                status=SupportStatus.IN_PROGRESS, handled_by=admin,
                note="Two rooms on hold; we confirm once you have the date.",
                created_at=now - timedelta(days=12),
            )  # fmt: skip


def _reports(rng, group, crew, members, now):
    for k, (title, body) in enumerate(REPORTS):
        report = ProgressReport.objects.create(
            group=group, author=crew[0], title=title, body=body,
            created_at=now - timedelta(days=60 - 30 * k),
        )  # fmt: skip
        others = [m for m in members if m not in crew]
        responders = rng.sample(others, min(4, len(others)))
        for who in responders:
            kind = rng.choice(list(ResponseKind))
            ReportResponse.objects.create(
                report=report, responder=who, kind=kind, comment=COMMENTS[kind],
                created_at=report.created_at + timedelta(days=2),
            )  # fmt: skip
        if k == 0:
            report.reply = "Thank you: we will add the regions to the sample."
            report.replied_at = report.created_at + timedelta(days=5)
            report.save(update_fields=["reply", "replied_at"])
