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

# Each community's own questions: three closed loops, two answered, three open.
QUESTIONS = {
    "Data protection in practice": [
        "Who has run a data-protection impact assessment on a pilot?",
        "How long do you keep recordings of online meetings?",
        "Can we reuse the survey tool of another department?",
        "What do you say to a supplier who will not sign our data agreement?",
        "Where do I find last year's privacy audit checklists?",
        "How do you answer a subject access request within a month?",
        "Is a shared spreadsheet of beneficiaries ever acceptable?",
        "Which e-learning on privacy did your team actually finish?",
    ],
    "Field safety": [
        "How do you brief a team before its first convoy?",
        "Which satellite phone plan works in remote districts?",
        "How do you get drivers to report near misses?",
        "What goes into a grab bag for an evacuation?",
        "How often do you rehearse hibernation in the office?",
        "Who checks the security plan of a partner's site?",
        "How do you track staff movements without a tracker?",
        "What do you do when a checkpoint asks for a fee?",
    ],
    "Agile delivery": [
        "How do you run a retrospective with twenty people?",
        "How do you estimate work that nobody has done before?",
        "Can a fixed-price contract be delivered in sprints?",
        "How do you keep a product owner available?",
        "What goes on a definition of done for reports?",
        "How do you show progress to a steering committee?",
        "Who writes the user stories when users are external?",
        "How do you stop a sprint when priorities change?",
    ],
    "Procurement excellence": [
        "How do you phrase a penalty clause that holds?",
        "How short can a tender be under the threshold?",
        "How do you check a supplier's labour standards?",
        "Who has bought cloud services through a framework agreement?",
        "How do you score price against quality fairly?",
        "What do you do when only one bid arrives?",
        "How do you speed up a contract signature?",
        "Where do I find the approved clause library?",
    ],
    "Data science guild": [
        "How do you explain a model's prediction to a manager?",
        "Where do you host notebooks that others can rerun?",
        "How do you check a training set for bias?",
        "Which dashboard tool do teams actually keep using?",
        "How do you version the data behind a report?",
        "Who reviews a model before it goes live?",
        "How do you handle missing values in survey data?",
        "What is the quickest way to share a cleaned dataset?",
    ],
    "Leadership circle": [
        "How do you give feedback to a former peer?",
        "How do you run a first one-to-one?",
        "What do you do when two team members stop talking?",
        "How do you say no to your own manager?",
        "How do you delegate when you know the work best?",
        "How do you lead a team spread over three sites?",
        "What do you put in a first 90-day plan?",
        "How do you handle a sick-leave return conversation?",
    ],
    "Green operations": [
        "How do you measure the footprint of business travel?",
        "Which solar pilot paid back fastest?",
        "How do you get sites to report their fuel use?",
        "What goes into a green procurement criterion?",
        "How do you cut generator hours at a field office?",
        "Who has replaced a vehicle fleet with electric cars?",
        "How do you recycle e-waste in a small office?",
        "How do you keep a cooling system efficient in the heat?",
    ],
}
# The closed loops' story: (challenge, advice, outcome, reflection).
CLOSED_LOOPS = [
    (
        "We have tried twice and **failed** both times. What worked for you?",
        "Start from the template the program shares and involve the specialist early.",
        "worked",
        "The template was accepted at once; involving the specialist early settled it.",
    ),
    (
        "We start next month and have never done this. Where do we begin?",
        "Take one small case first and review it together after a week.",
        "partly",
        "The small case helped; the review took three weeks instead of one.",
    ),
    (
        "Two departments give us opposite answers. Has anyone succeeded?",
        "We asked the owner of the rule directly and got it in writing.",
        "did_not_apply",
        "Our situation was outside the rule after all; we had to start again.",
    ),
]


def questions_of(community) -> list[str]:
    """The community's own eight questions (never another community's)."""
    own = QUESTIONS.get(community.name)
    if own:
        return own
    return [f"{q} ({community.name})" for q in QUESTIONS["Data protection in practice"]]


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

        questions = questions_of(community)
        # Closed loops, each captured in the memory.
        for i, (challenge, advice, outcome, reflection) in enumerate(CLOSED_LOOPS):
            title = questions[i]
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
        for n, days_ago in enumerate((3, community.follow_up_days + 1)):
            asker = person()
            asked = now - timedelta(days=days_ago + 1)
            request = HelpRequest.objects.create(
                community=community, asker=asker, title=questions[3 + n],
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
        for n, (days_ago, answered) in enumerate(((2, True), (8, False), (0, False))):
            asker = person()
            request = HelpRequest.objects.create(
                community=community, asker=asker, title=questions[5 + n],
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
