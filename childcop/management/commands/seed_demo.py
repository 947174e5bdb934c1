"""Build a believable demo program of communities of practice (idempotent)."""

import random
from datetime import timedelta

import factory.random
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from childcop.accounts import demo as accounts_demo
from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import User
from communities.choices import (
    LeadershipRole,
    Level,
    ObjectiveStatus,
    Stage,
)
from communities.factories import CommunityFactory, MembershipFactory, ObjectiveFactory
from communities.health import demo as health_checks_demo
from communities.health import jobs as health_jobs
from communities.landscape import demo as landscape_demo
from communities.landscape import jobs as landscape_jobs
from communities.learning import demo as learning_demo
from communities.models import (
    Community,
    LeadershipAssignment,
    StageChange,
)
from communities.rhythm import demo as rhythm_demo
from communities.stewardship import demo as stewardship_demo
from practice_groups import demo as practice_groups_demo
from sponsorship import demo as sponsorship_demo
from value_stories import demo as value_stories_demo

DEMO_PASSWORD = "childcop-demo"  # noqa: S105 — development-only, documented in the README

# (email, name, job title, department, what they are in the demo)
DEMO_USERS = [
    ("admin@example.org", "Amira Haddad", "Social learning lead", "Social Learning Team", "program admin: sets up two-step sign-in at first sign-in"),
    ("coordinator@example.org", "Cora Lindqvist", "Senior data protection officer", "Legal", "coordinator of Data protection in practice"),
    ("core@example.org", "Kofi Mensah", "Privacy engineer", "Information Technology", "core group of Data protection in practice"),
    ("member@example.org", "Mei Tanaka", "Project manager", "Operations", "member of Data protection in practice and Field safety"),
    ("newcomer@example.org", "Noah Fischer", "Analyst", "Finance", "no communities yet"),
    ("sponsor@example.org", "Sara Okafor", "Director of Operations", "Operations", "local sponsor of Data protection in practice and Field safety"),
]  # fmt: skip

# (name, domain, stage, open, purpose)
COMMUNITIES = [
    ("Data protection in practice", "Applying privacy rules in everyday projects", Stage.MATURING, True,
     "Help project teams get privacy right the first time, so that we protect the people we serve and avoid costly rework."),
    ("Field safety", "Keeping staff safe in field operations", Stage.SUSTAINING, True,
     "Share what works to keep field teams safe, and learn from every incident and near miss."),
    ("Agile delivery", "Delivering projects in short, learning iterations", Stage.COALESCING, True,
     "Grow our ability to deliver value early and often across departments."),
    ("Procurement excellence", "Buying well: value, ethics and speed", Stage.MATURING, True,
     "Reduce procurement cycle times while raising quality and ethics standards."),
    ("Customer voice", "Hearing and acting on what customers tell us", Stage.POTENTIAL, True,
     "Turn customer feedback into improvements that people notice."),
    ("Data science guild", "Analytics and machine learning for decisions", Stage.TRANSFORMING, True,
     "Make data-informed decisions the norm, and merge with the BI network into one data community."),
    ("Leadership circle", "First-time managers learning to lead", Stage.SUSTAINING, False,
     "Support new managers through their first two years, peer to peer."),
    ("Paper-free office", "Digitising forms and archives", Stage.CLOSED, True,
     "Digitise our forms and archives. Achieved in 2025; the legacy lives on in the records team's guidelines."),
    ("Green operations", "Reducing the footprint of our operations", Stage.COALESCING, True,
     "Cut the carbon footprint of our sites and travel, learning from each other's pilots."),
]  # fmt: skip

VISION = (
    "A place where everyone working on {domain} can bring a real challenge and leave "
    "with advice from peers who have faced it, and where what we learn becomes shared practice."
)
STRATEGY = (
    "- A monthly online case clinic on a challenge raised by a member\n"
    "- A quarterly face-to-face meeting hosted by a different site each time\n"
    "- A core group that keeps the learning agenda and follows up on advice given"
)
VALUE_PROPOSITION = (
    "**For people:** faster answers, peers to call on, and recognition for expertise in {domain}.\n\n"
    "**For the organisation:** fewer repeated mistakes, good practice spread across sites, "
    "and a voice from practice in decisions."
)
OBJECTIVES = [
    "Agree the community's learning agenda with members",
    "Run a case clinic every month with at least 12 participants",
    "Publish a shared FAQ from the questions answered in the clinics",
]

STAGE_PATHS = {
    Stage.POTENTIAL: [Stage.POTENTIAL],
    Stage.COALESCING: [Stage.POTENTIAL, Stage.COALESCING],
    Stage.MATURING: [Stage.POTENTIAL, Stage.COALESCING, Stage.MATURING],
    Stage.SUSTAINING: [Stage.POTENTIAL, Stage.COALESCING, Stage.MATURING, Stage.SUSTAINING],
    Stage.TRANSFORMING: [
        Stage.POTENTIAL,
        Stage.COALESCING,
        Stage.MATURING,
        Stage.SUSTAINING,
        Stage.TRANSFORMING,
    ],
    Stage.CLOSED: [
        Stage.POTENTIAL,
        Stage.COALESCING,
        Stage.MATURING,
        Stage.TRANSFORMING,
        Stage.CLOSED,
    ],
}

LEVEL_WEIGHTS = [
    (Level.CORE, 2), (Level.ACTIVE, 4), (Level.OCCASIONAL, 5), (Level.PERIPHERAL, 6), (Level.TRANSACTIONAL, 3),
]  # fmt: skip


class Command(BaseCommand):
    help = "Seed a demo program: communities across all stages, about 150 people, demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=150)

    def handle(self, *args, people, **options):
        if not (settings.DEBUG or settings.TESTING):
            raise CommandError(
                "seed_demo creates known passwords: run it only with DJANGO_DEBUG=1."
            )
        if Community.objects.filter(slug="data-protection-in-practice").exists():
            self.stdout.write("The demo program is already seeded; nothing to do.")
        else:
            with transaction.atomic():
                self._seed(people)
            self.stdout.write(self.style.SUCCESS("Seeded the demo program."))
        self._verify_demo_addresses()
        health_checks_demo.seed_reports()  # the last two months' health reports (no email)
        health_jobs.refresh()  # the program overview's figures and flags (idempotent)
        # what the demo people would have been told so far, in their notifications
        accounts_demo.seed_notifications([row[0] for row in DEMO_USERS])
        landscape_jobs.refresh()  # the landscape of practice and program retention (idempotent)
        self._print_logins()

    def _seed(self, people_count):
        factory.random.reseed_random(2026)
        rng = random.Random(2026)  # noqa: S311 — demo data, not security
        demo = {}
        for email, name, title, dept, _ in DEMO_USERS:
            maker = ProgramAdminFactory if email.startswith("admin@") else UserFactory
            user = maker(
                email=email,
                display_name=name,
                job_title=title,
                department=dept,
                password=DEMO_PASSWORD,
            )
            demo[email] = user
        admin = demo["admin@example.org"]
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
        ProgramAdminFactory(email="sofia.team@example.org", display_name="Sofia Reyes")
        people = [
            UserFactory(email=f"person{n:03d}@example.org") for n in range(1, people_count + 1)
        ]

        now = timezone.now()
        for index, (name, domain, stage, is_open, purpose) in enumerate(COMMUNITIES):
            community = CommunityFactory(
                name=name,
                domain=domain,
                stage=stage,
                is_open=is_open,
                purpose=purpose,
                vision=VISION.format(domain=domain.lower()),
                strategy=STRATEGY,
                value_proposition=VALUE_PROPOSITION.format(domain=domain.lower()),
                history=False,
            )
            path = STAGE_PATHS[stage]
            start = now - timedelta(days=120 * len(path) + 30 * index)
            previous = ""
            for step, to_stage in enumerate(path):
                StageChange.objects.create(
                    community=community, from_stage=previous, to_stage=to_stage, changed_by=admin,
                    changed_at=start + timedelta(days=120 * step),
                    note="Community created." if not previous else f"Moved to {to_stage} after the PDCA review.",
                )  # fmt: skip
                previous = to_stage
            statuses = [
                ObjectiveStatus.ACHIEVED,
                ObjectiveStatus.IN_PROGRESS,
                ObjectiveStatus.PLANNED,
            ]
            for n, (title, status) in enumerate(zip(OBJECTIVES, statuses, strict=True)):
                ObjectiveFactory(community=community, title=title, status=status, position=n)
            self._members(community, people, rng, start)
        self._demo_memberships(demo)
        rhythm_demo.seed(rng, now)  # twelve months of rhythm, activities and attendance
        sponsorship_demo.seed(demo, people, now)  # sponsors, mentoring, business cases, agreements
        practice_groups_demo.seed(rng, now)  # the learning agenda too
        learning_demo.seed_loops(rng, now)
        value_stories_demo.seed(rng, now)
        stewardship_demo.seed(rng, now)  # launches, reviews, closure, cultivation, coaching
        health_checks_demo.seed(rng, now)  # last quarter's and this quarter's health checks
        landscape_demo.seed(rng, now)  # members who left; a department no community reaches
        self._demo_needs(demo, now)

    def _members(self, community, people, rng, start):
        size = 6 if community.stage == Stage.POTENTIAL else rng.randint(18, 45)
        chosen = rng.sample(people, size)
        levels, weights = zip(*LEVEL_WEIGHTS, strict=True)
        roles = list(LeadershipRole)
        for i, person in enumerate(chosen):
            level = Level.CORE if i < 3 else rng.choices(levels, weights)[0]
            membership = MembershipFactory(
                community=community, user=person, level=level, is_coordinator=(i == 0),
                joined_on=min(start + timedelta(days=rng.randint(0, 400)), timezone.now()).date(),
            )  # fmt: skip
            if i < 4:
                LeadershipAssignment.objects.bulk_create(
                    LeadershipAssignment(membership=membership, role=r)
                    for r in rng.sample(roles, 2 if i else 1)
                )

    def _demo_memberships(self, demo):
        dp = Community.objects.get(slug="data-protection-in-practice")
        fs = Community.objects.get(slug="field-safety")
        dp.memberships.filter(is_coordinator=True).update(is_coordinator=False)
        coordinator = MembershipFactory(
            community=dp,
            user=demo["coordinator@example.org"],
            level=Level.CORE,
            is_coordinator=True,
            joined_on=timezone.localdate() - timedelta(days=700),
        )
        LeadershipAssignment.objects.create(
            membership=coordinator, role=LeadershipRole.COMMUNITY_KEEPER
        )
        core = MembershipFactory(
            community=dp,
            user=demo["core@example.org"],
            level=Level.CORE,
            level_is_manual=True,
            joined_on=timezone.localdate() - timedelta(days=420),
        )
        LeadershipAssignment.objects.bulk_create(
            LeadershipAssignment(membership=core, role=r)
            for r in (LeadershipRole.SOCIAL_REPORTER, LeadershipRole.AGENDA_ACTIVIST)
        )
        # a regular of Data protection, a newcomer to Field safety ("Needs you" welcomes her)
        today = timezone.localdate()
        MembershipFactory(
            community=dp,
            user=demo["member@example.org"],
            level=Level.ACTIVE,
            joined_on=today - timedelta(days=230),
        )
        MembershipFactory(
            community=fs,
            user=demo["member@example.org"],
            level=Level.OCCASIONAL,
            joined_on=today - timedelta(days=9),
        )

    def _demo_needs(self, demo, now):
        """What waits for the member on her home page besides the program's own: her
        question in Data protection got an answer she has not marked helpful yet."""
        from communities.models import Answer, HelpRequest

        dp = Community.objects.get(slug="data-protection-in-practice")
        question = HelpRequest.objects.create(
            community=dp,
            asker=demo["member@example.org"],
            title="How do we run a privacy check on a two-week sprint?",
            challenge="Our sprints are short and the privacy review takes longer than the "
            "sprint. How do your teams fit it in?",
            created_at=now - timedelta(days=3, hours=4),
        )
        Answer.objects.create(
            request=question,
            author=demo["coordinator@example.org"],
            body="We keep a one-page privacy checklist in the definition of done, and book "
            "the full review only when the checklist raises a flag.",
            created_at=now - timedelta(days=2, hours=1),
        )

    def _verify_demo_addresses(self):
        """Sign-up in development has mandatory email verification, which applies to every
        sign-in: the demo logins' addresses count as verified (also in a program seeded
        before)."""
        for user in User.objects.filter(email__in=[row[0] for row in DEMO_USERS]):
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )

    def _print_logins(self):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD} — development only):")
        for email, _, _, _, what in DEMO_USERS:
            if User.objects.filter(email=email).exists():
                self.stdout.write(f"  {email:<26} {what}")
