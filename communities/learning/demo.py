"""Demo data of the learning room; writes directly, no emails are sent.

- `seed_agenda(rng, now)`: agenda items in every status, a closed and an open voting round
  with votes (called by `practice_groups.demo.seed`, before the practice groups that take
  the challenges up).
- `seed_loops(rng, now)`: help requests in every state, with answers, closed loops captured
  in the shared memory, and memory entries of every kind (called by `seed_demo`).
"""

from __future__ import annotations

from datetime import timedelta

from communities.choices import AGENDA_WORKFLOW, AgendaStatus, HelpStatus, MemoryKind, Stage
from communities.models import (
    AgendaItem,
    Answer,
    Community,
    HelpRequest,
    SharedMemoryEntry,
    Vote,
    VoteAllowance,
    VotingRound,
)

from . import services

# --- the learning agenda ------------------------------------------------------------------

DEMO_CHALLENGES = [
    ("Consent forms nobody reads", "Members of staff sign without reading.", "HR advisers"),
    ("Legacy data in shared drives", "Old files with personal data nobody owns.", "IT teams"),
    ("Vendors who will not sign a DPA", "Small suppliers refuse our template.", "buyers"),
    ("Subject access requests at scale", "Requests take weeks to answer.", "the service desk"),
    ("Privacy by design in agile teams", "Sprints leave no room for a DPIA.", "product owners"),
    ("Training that sticks", "Yearly e-learning is clicked through.", "team leads"),
    ("Cross-border transfers after Schrems II", "Which tools may we still use?", "architects"),
]


def seed_agenda(rng, now) -> None:
    """Agenda items in every status, a closed and an open voting round with votes, per
    community past its potential stage. Called by practice_groups.demo.seed."""
    for community in Community.objects.exclude(stage=Stage.POTENTIAL).order_by("pk"):
        members = [m.user for m in community.memberships.select_related("user")]
        if len(members) < 4:
            continue
        coordinator = next(
            (m.user for m in community.memberships.filter(is_coordinator=True)), members[0]
        )
        chosen = rng.sample(DEMO_CHALLENGES, 6)
        items = [
            AgendaItem.objects.create(
                community=community,
                title=title,
                description=f"{text}\n\n*Seen this month.*",
                faced_by=who,
                raised_by=rng.choice(members),
                created_at=now - timedelta(days=rng.randint(100, 200)),
            )  # fmt: skip
            for title, text, who in chosen
        ]
        closed = VotingRound.objects.create(
            community=community, title="Launch workshop: which challenges first?",
            opened_by=coordinator, opened_at=now - timedelta(days=90),
            closed_at=now - timedelta(days=83),
        )  # fmt: skip
        _demo_votes(rng, closed, items, members[:20], now - timedelta(days=88))
        statuses = [
            (AgendaStatus.PRIORITISED, "Top of the launch workshop's vote."),
            (AgendaStatus.BEING_ADDRESSED, "Taken up by a practice group and a case clinic."),
            (AgendaStatus.ADDRESSED, "A checklist was published in the shared memory."),
            (AgendaStatus.PARKED, "Waiting for the new policy; we come back to it in spring."),
            (AgendaStatus.RAISED, ""),
        ]
        for item, (status, note) in zip(items, statuses, strict=False):
            item.status, item.status_note = status, note
            item.save(update_fields=["status", "status_note"])
        activities = list(community.activities.order_by("-date")[:2])
        if activities:
            items[1].activities.set(activities)
        current = VotingRound.objects.create(
            community=community, title="This quarter: what is most pressing now?",
            opened_by=coordinator, opened_at=now - timedelta(days=3),
        )  # fmt: skip
        votable = [i for i in items if AGENDA_WORKFLOW.allows(i.status, "vote")]
        _demo_votes(rng, current, votable, members[:8], now - timedelta(days=2))


def _demo_votes(rng, voting_round, items, voters, when):
    for voter in voters:
        used = rng.randint(1, voting_round.votes_per_member)
        Vote.objects.bulk_create(
            Vote(round=voting_round, item=rng.choice(items), voter=voter, created_at=when)
            for _ in range(used)
        )
        VoteAllowance.objects.create(
            round=voting_round, voter=voter, remaining=voting_round.votes_per_member - used
        )


# --- help requests, learning loops and shared memory -------------------------------------

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


def seed_loops(rng, now) -> int:
    """Demo help requests in every state, with answers, closed loops and memory entries.

    Called by `seed_demo` once communities, members and activities exist; writes directly
    (no emails). Returns the number of help requests created.
    """
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
