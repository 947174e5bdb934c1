"""Demo stewardship: a community mid-launch ("customer-voice", steps 1–2 done) and a renewal
in progress, PDCA reviews (the latest of each falling due soon), the closed
"paper-free-office" with its legacy, and the demo coordinator's cultivation checklists
and coaching sessions.

`seed(rng, now)` is called by `seed_demo` once communities and members exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from childcop.accounts.models import User
from communities import services as community_services
from communities.choices import Stage
from communities.models import Community
from value_stories.choices import Status

from .models import (
    ActionItem,
    CoachingSession,
    Conversation,
    CultivatingActivity,
    CultivationCheck,
    LaunchKind,
    LaunchPlan,
    LaunchStatus,
    LeaderCandidate,
    Legacy,
    PdcaReview,
)
from .services import accept_value_proposition, close, open_plan, previous_quarter, quarter_of


def seed(rng, now) -> None:
    seed_launches(rng, now)
    seed_reviews_and_closure(rng, now)
    seed_cultivation(rng, now)


def seed_launches(rng, now) -> None:
    """One community mid-launch (steps 1–2 done: "customer-voice"), and a renewal in
    progress for another community."""
    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    people = list(User.objects.filter(is_active=True, is_program_admin=False).order_by("pk")[:40])
    if not people:
        return
    voice = Community.objects.filter(slug="customer-voice", stage=Stage.POTENTIAL).first()
    if voice and not voice.launch_plans.exists():
        lead = rng.choice(people)
        plan = open_plan(
            voice, kind=LaunchKind.LAUNCH, lead=lead, by=admin, now=now - timedelta(days=30)
        )
        talks = [
            ("Complaints are answered, but nothing changes upstream.", "My team lead", "No"),
            ("We hear the same feedback in three channels.", "Colleagues in marketing", "No"),
            ("Survey results arrive too late to act on.", "The insights team", "A mailing list"),
        ]
        for i, (challenge, talks_to, existing) in enumerate(talks):
            Conversation.objects.create(
                plan=plan, person=people[i % len(people)], challenges=challenge,
                talks_to=talks_to, existing_community=existing, would_help=i != 1,
                held_on=(now - timedelta(days=28 - 3 * i)).date(), logged_by=lead,
            )  # fmt: skip
        Conversation.objects.create(
            plan=plan, name="Pat from the call centre", email="pat@example.org",
            challenges="Customers repeat themselves to every agent.", talks_to="Shift leads",
            held_on=(now - timedelta(days=18)).date(), logged_by=lead,
        )  # fmt: skip
        plan.value_to_organisation = "Fewer repeat complaints; faster fixes that customers notice."
        plan.value_to_people = "Colleagues see their customer insight acted upon."
        plan.how_community_helps = "A place to pool what customers say and follow it through."
        plan.success_looks_like = "Three upstream fixes traced to customer feedback in a year."
        plan.why_participate = "Less firefighting; recognition for spotting patterns."
        plan.save()
        accept_value_proposition(plan, now=now - timedelta(days=12))
        LeaderCandidate.objects.create(
            plan=plan, person=people[3 % len(people)], invited_by=lead, idea="Long overdue.",
            willing="Yes, a few hours a month.", who_else="Someone from the insights team.",
        )  # fmt: skip
    renewing = (
        Community.objects.exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED])
        .exclude(launch_plans__status=LaunchStatus.OPEN)
        .order_by("pk")
        .last()
    )
    if renewing:
        coordinator = renewing.memberships.filter(is_coordinator=True).first()
        plan = open_plan(
            renewing,
            kind=LaunchKind.RENEWAL,
            lead=coordinator.user if coordinator else None,
            by=admin,
            now=now - timedelta(days=20),
        )
        Conversation.objects.create(
            plan=plan, person=rng.choice(people), held_on=(now - timedelta(days=19)).date(),
            challenges="Sessions feel repetitive; newcomers do not stay.",
            talks_to="Two colleagues from the early days", existing_community="This one",
            would_help=True, logged_by=plan.lead,
        )  # fmt: skip
        ActionItem.objects.create(
            plan=plan, title="Survey members on the topics for next year",
            owner=plan.lead or people[0], due_on=(now + timedelta(days=10)).date(),
        )  # fmt: skip
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=now - timedelta(days=17))


def seed_reviews_and_closure(rng, now) -> None:
    """PDCA reviews, and the closed "paper-free-office" with its legacy."""
    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    today = timezone.localdate(now)
    for community in Community.objects.exclude(stage__in=[Stage.CLOSED, Stage.POTENTIAL]).order_by(
        "pk"
    )[:4]:
        if community.pdca_reviews.exists():
            continue
        coordinator = community.memberships.filter(is_coordinator=True).select_related("user")
        author = coordinator.first().user if coordinator.exists() else admin
        for turn in range(rng.randint(1, 3), 0, -1):
            written = now - timedelta(days=90 * turn + rng.randint(0, 10))
            review = PdcaReview.objects.create(
                community=community,
                stage=community.stage,
                audience="Practitioners across the regional offices who share the domain.",
                purpose="Fewer repeated mistakes; ties to the organisation's vision of "
                "learning from practice.",
                members_needs="Quick answers to tricky cases; a place to compare approaches.",
                what_ran="Monthly case clinics, two webinars, a shared checklist.",
                engagement="A steady core of eight; newcomers mostly read, some ask.",
                value_assessed="Members report time saved and fewer escalations.",
                indicators="Attendance per session: 14\nHelp requests answered within 3 days: 80%",
                sustain="The case clinic format.",
                change="Invite newcomers to present a case.",
                act=rng.choice([PdcaReview.Act.LOOP, PdcaReview.Act.NEXT_STAGE]),
                next_review_on=(written + timedelta(days=90)).date(),
                written_by=author,
                created_at=written,
            )
            review.stories.set(community.value_stories.filter(status=Status.APPROVED)[:2])
        # the latest one falls due soon, so the admin's list has something to show
        latest = community.pdca_reviews.order_by("-created_at").first()
        latest.next_review_on = today + timedelta(days=rng.randint(-5, 20))
        latest.save(update_fields=["next_review_on"])

    paper = Community.objects.filter(slug="paper-free-office").first()
    if paper is None:
        paper = community_services.create_community(
            by=admin,
            name="Paper-free office",
            domain="Working without paper: scanning, e-signatures, digital archives",
            stage=Stage.SUSTAINING,
            is_open=True,
        )
    legacy_text = {
        "kept": "The scanning guide, the e-signature checklist and the archive FAQ stay in "
        "shared memory.",
        "members_go": "Most members joined the Digital workplace community.",
        "closing_note": "Paper-free working is now the norm: the community achieved its purpose.",
    }
    if paper.stage == Stage.CLOSED and not Legacy.objects.filter(community=paper).exists():
        Legacy.objects.create(community=paper, closed_by=admin, **legacy_text)
    if paper.stage != Stage.CLOSED:
        close(
            paper,
            by=admin,
            kept="The scanning guide, the e-signature checklist and the archive FAQ stay in "
            "shared memory.",
            members_go="Most members joined the Digital workplace community.",
            closing_note="Paper-free working is now the norm: the community achieved its purpose.",
        )


def seed_cultivation(rng, now) -> None:
    """Checklists across several quarters for the demo coordinator; two coaching sessions."""
    coordinator = User.objects.filter(email="coordinator@example.org").first()
    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    if coordinator is None:
        return
    today = timezone.localdate(now)
    quarters = [quarter_of(today)]
    for _ in range(3):
        quarters.append(previous_quarter(quarters[-1]))
    coordinated = Community.objects.filter(
        memberships__user=coordinator, memberships__is_coordinator=True
    ).distinct()
    for community in coordinated:
        for index, quarter in enumerate(quarters):
            for activity in CultivatingActivity:
                done = rng.random() < (0.4 if index == 0 else 0.8)
                CultivationCheck.objects.get_or_create(
                    community=community,
                    coordinator=coordinator,
                    quarter=quarter,
                    activity=activity.value,
                    defaults={
                        "done": done,
                        "note": "Done, see the activity log." if done else "Needs attention.",
                    },
                )
        if not community.coaching_sessions.exists():
            for days, topics in [
                (75, "Growing the core group; sharing the facilitation of case clinics."),
                (20, "Preparing the business case for the sponsor meeting."),
            ]:
                session = CoachingSession.objects.create(
                    community=community,
                    held_on=today - timedelta(days=days),
                    topics=topics,
                    follow_up="Check in after the next session.",
                    coach=admin,
                )
                session.leaders.add(coordinator)
