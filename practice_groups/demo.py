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

# Each slot's reason and status; each community has its own groups in these slots.
SLOTS = [
    (Reason.PROJECT, GroupStatus.ACTIVE),
    (Reason.SUBTOPIC, GroupStatus.ACTIVE),
    (Reason.STATE_OF_THE_ART, GroupStatus.CONCLUDED),
    (Reason.CONTEXTUAL_SUBSET, GroupStatus.PROPOSED),
    (Reason.OUT_OF_THE_BOX, GroupStatus.CHANGES_REQUESTED),
    (Reason.SUBTOPIC, GroupStatus.DECLINED),
]
# (name, purpose, deliverable, outcome) per slot, by community.
GROUPS = {
    "Data protection in practice": [
        ("Consent that means something", "Redesign the consent forms of **HR** so that people read them.", "A tested consent template", ""),
        ("Reading group: privacy engineering", "Read and discuss one chapter a month.", "Chapter summaries in the shared memory", ""),
        ("Benchmark of DPIA tools", "A systematic look at the tools other organisations use.", "A comparison table",
         "We compared six tools; two are worth a pilot. See the *comparison table*."),
        ("Regional perspectives on privacy", "How the regions experience the privacy rules.", "Stories from five regions", ""),
        ("Hackathon on data minimisation", "Radically new ideas to keep less data.", "Three prototypes", ""),
        ("Everything about cookies", "All about cookie banners.", "", ""),
    ],
    "Field safety": [
        ("Safer convoy checklists", "Rewrite the pre-departure checklist with the **drivers** who use it.", "A field-tested checklist", ""),
        ("Near-miss debriefs", "Meet after each near miss and draw one lesson from it.", "Debrief notes in the shared memory", ""),
        ("Survey of satellite trackers", "Compare the trackers other agencies issue to field teams.", "A comparison of five trackers",
         "Two trackers meet our needs; procurement has the comparison."),
        ("Safety in urban offices", "What changes when the field office is in a capital city.", "Guidance for urban sites", ""),
        ("Drills without the drill", "New ways to rehearse evacuations that people take seriously.", "Two drill formats to try", ""),
        ("All about first-aid kits", "Everything about the contents of first-aid kits.", "", ""),
    ],
    "Agile delivery": [
        ("Sprint reviews people attend", "Make the **finance** team's sprint reviews worth the hour.", "A review format and agenda", ""),
        ("Estimation clinic", "Bring a backlog; leave with estimates the team believes.", "Worked examples of estimation", ""),
        ("Scan of scaling frameworks", "What other organisations learnt from scaling agile.", "A one-page summary per framework",
         "Four frameworks compared; none fits as is, two ideas are worth borrowing."),
        ("Agile in regulated projects", "Short iterations where every change needs a sign-off.", "Patterns from three projects", ""),
        ("No-meeting week experiment", "A week without meetings: what would break, what would improve?", "An experiment report", ""),
        ("The perfect Kanban board", "Everything about board layouts.", "", ""),
    ],
}  # fmt: skip


def groups_of(community) -> list[tuple]:
    """The community's own six groups: (name, reason, status, purpose, deliverable, outcome)."""
    own = GROUPS.get(community.name) or [
        (f"{name} — {community.name}", purpose, deliverable, outcome)
        for name, purpose, deliverable, outcome in GROUPS["Data protection in practice"]
    ]
    return [
        (name, reason, status, purpose, deliverable, outcome)
        for (reason, status), (name, purpose, deliverable, outcome) in zip(SLOTS, own, strict=True)
    ]


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
        for n, (name, reason, status, purpose, deliverable, outcome) in enumerate(
            groups_of(community)
        ):
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
                    description=f"A facilitator for a half-day design session of “{name}” next month.",
                    created_at=now - timedelta(days=4),
                )  # fmt: skip
                SupportRequest.objects.create(
                    community=community, group=group, kind=SupportKind.TECHNOLOGY,
                    requested_by=proposer,
                    description=f"A shared workspace for the drafts of “{name}”.", status=SupportStatus.DONE,
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
