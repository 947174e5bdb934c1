"""Demo value-creation stories: every cycle, both narratives, every status, several communities.

`seed(rng, now)` is called by `seed_demo` once communities, members and activities exist.
It writes directly (no emails are sent for demo transitions).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from communities.choices import Stage
from communities.models import Community, Membership

from .choices import Cycle, Narrative, Status, Visibility, cycle_field
from .models import StoryIndicator, StoryTransition, ValueStory

# (title, claimed cycles, narrative, texts by question)
STORIES = [
    (
        "A case clinic saved a tender",
        "immediate potential applied realized",
        "ground",
        {
            "experience": "Three colleagues had met the same clause before; the hour flew.",
            "gained": "A checklist of red flags in subcontracting clauses.",
            "applied": "I used the checklist on our next two tenders.",
            "difference": "We avoided a penalty clause worth **€40,000**.",
        },
    ),
    (
        "From war stories to a shared checklist",
        "immediate potential applied",
        "ground",
        {
            "experience": "Open and honest: people shared near misses.",
            "gained": "A draft checklist and two people to call.",
            "applied": "My team now runs the checklist before every site visit.",
        },
    ),
    (
        "Rethinking what a good audit means",
        "potential reframing strategic",
        "ground",
        {
            "experience": "A heated but respectful debate.",
            "gained": "A different view on audit criteria.",
            "reframing": "We now judge audits by issues prevented, not issues found.",
            "strategy": "The compliance director asked us to present it to the board.",
        },
    ),
    (
        "A mentor made the difference",
        "immediate enabling potential",
        "ground",
        {
            "experience": "My first session as a newcomer; I was paired with a mentor.",
            "gained": "Confidence and a relationship across departments.",
            "enablers": "The sponsor protected time for mentoring; the social learning team matched us.",
        },
    ),
    (
        "Finding our place in the wider landscape",
        "orienting potential",
        "ground",
        {
            "experience": "A visit to the sister community in another region.",
            "gained": "A map of who does what across three practices.",
        },
    ),
    (
        "Becoming a practitioner, not a rule-keeper",
        "transformative applied realized",
        "ground",
        {
            "experience": "A year of case clinics.",
            "applied": "I changed how I advise project teams.",
            "difference": "Teams now call me early; rework fell.",
            "transformation": "I see myself as a partner of the business, not its police.",
        },
    ),
    (
        "Advice that did not apply",
        "immediate potential applied",
        "ground",
        {
            "experience": "Promising advice from a peer assist.",
            "gained": "A new template for risk registers.",
            "applied": "It did not fit our small projects; we learnt why and told the community.",
        },
    ),
    (
        "Halving onboarding time (hoped for)",
        "potential applied realized",
        "aspirational",
        {
            "experience": "A working session on onboarding material.",
            "gained": "A shared onboarding path, in draft.",
            "applied": "We plan to pilot it with the next intake.",
            "difference": "We hope to halve the time to autonomy.",
        },
    ),
    (
        "A standard for the whole program (hoped for)",
        "strategic transformative",
        "aspirational",
        {
            "experience": "The community drafted a model of practice.",
            "strategy": "If endorsed, it becomes the program's standard.",
            "transformation": "The institution would learn from its communities, not only its experts.",
        },
    ),
]

INDICATORS = [
    ("Penalties avoided", "€", Decimal("0"), Decimal("40000"), "Finance ledger"),
    ("Incidents per quarter", "incidents", Decimal("12"), Decimal("7"), "Safety dashboard"),
    ("Onboarding time", "weeks", Decimal("12"), Decimal("6"), "HR survey (target)"),
    ("Rework", "%", Decimal("18"), Decimal("11"), "Project reviews"),
]

STATUS_PATHS = {
    Status.DRAFT: [Status.DRAFT],
    Status.SUBMITTED: [Status.DRAFT, Status.SUBMITTED],
    Status.RETURNED: [Status.DRAFT, Status.SUBMITTED, Status.RETURNED],
    Status.APPROVED: [Status.DRAFT, Status.SUBMITTED, Status.APPROVED],
    Status.WITHDRAWN: [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN],
}
# Mostly approved, so the value matrix has something to show.
STATUS_CYCLE = [Status.APPROVED] * 3 + [
    Status.SUBMITTED, Status.APPROVED, Status.RETURNED, Status.APPROVED, Status.DRAFT,
    Status.APPROVED, Status.WITHDRAWN,
]  # fmt: skip


def seed(rng, now, count=25) -> list[ValueStory]:
    communities = list(
        Community.objects.exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED]).order_by("name")
    )
    if not communities:
        return []
    members, coordinators, activities = {}, {}, {}
    for m in Membership.objects.filter(community__in=communities).select_related("user"):
        (coordinators if m.is_coordinator else members).setdefault(m.community_id, []).append(
            m.user
        )
    for c in communities:
        activities[c.pk] = list(c.activities.order_by("-date")[:30])
    stories = []
    for i in range(count):
        community = communities[i % len(communities)]
        authors = members.get(community.pk) or coordinators.get(community.pk)
        if not authors:
            continue
        title, cycles, narrative, texts = STORIES[i % len(STORIES)]
        if i >= len(STORIES):
            title = f"{title} ({community.name})"
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        linked = activities[community.pk]
        activity = rng.choice(linked) if linked and rng.random() < 0.8 else None
        happened = activity.date if activity else (now - timedelta(days=rng.randint(5, 300))).date()
        story = ValueStory.objects.create(
            community=community,
            author=rng.choice(authors),
            activity=activity,
            title=title,
            happened_on=happened,
            narrative=Narrative(narrative),
            visibility=[Visibility.COMMUNITY, Visibility.PROGRAM, Visibility.SPONSORS][i % 3],
            status=status,
            activity_description=activity.title if activity else "A conversation in the community.",
            **texts,
            **{cycle_field(Cycle(c)): True for c in cycles.split()},
        )
        stories.append(story)
        reviewer = (coordinators.get(community.pk) or [None])[0]
        at = now - timedelta(days=rng.randint(2, 60))
        path = STATUS_PATHS[status]
        previous = ""
        for step in path:
            comment = ""
            if step == Status.RETURNED:
                comment = "Lovely story: can you add what changed in numbers?"
            by = reviewer if step in (Status.APPROVED, Status.RETURNED) else story.author
            StoryTransition.objects.create(
                story=story, from_status=previous, to_status=step, by=by, at=at, comment=comment
            )
            if step == Status.SUBMITTED:
                story.submitted_at = at
            if step == Status.APPROVED:
                story.approved_at = at
            previous = step
            at = min(at + timedelta(days=rng.randint(1, 5)), now)
        story.save(update_fields=["submitted_at", "approved_at"])
        if "realized" in cycles:
            name, unit, before, after, source = INDICATORS[i % len(INDICATORS)]
            StoryIndicator.objects.create(
                story=story, name=name, unit=unit, before=before, after=after, source=source
            )
    return stories
