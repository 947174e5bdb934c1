"""Stewardship models: launch and renewal, PDCA reviews, closure legacy, cultivation and coaching.

Imported by `communities.models`, so they belong to the communities app."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop.validators import single_line
from childcop.workflows import Workflow, step
from communities.choices import (
    Stage,
)
from communities.models import Community


class PdcaReview(models.Model):
    """One turn of the plan–do–check–act cycle inside the community's current stage."""

    class Act(models.TextChoices):
        LOOP = "loop", "Loop back to plan, in this stage"
        NEXT_STAGE = "next_stage", "Propose the next stage"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="pdca_reviews")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    # plan
    audience = models.TextField(help_text="Who the community is for, now.")
    purpose = models.TextField(
        help_text="Its purpose, and how it ties to the organisation's vision."
    )
    members_needs = models.TextField("members' needs")
    # do
    what_ran = models.TextField("what was run", help_text="Activities, sessions, outputs.")
    engagement = models.TextField(
        "how people engaged", help_text="Who took part, how, what changed."
    )
    # check
    value_assessed = models.TextField(
        help_text="The value created for members and the organisation, as you see it."
    )
    indicators = models.TextField(
        blank=True, help_text="Indicators you looked at (one a line), with their values."
    )
    stories = models.ManyToManyField(
        "value_stories.ValueStory", blank=True, related_name="pdca_reviews"
    )
    # act
    sustain = models.TextField("what to sustain")
    change = models.TextField("what to change")
    act = models.CharField("then", max_length=20, choices=Act.choices, default=Act.LOOP)
    next_review_on = models.DateField("next review on")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self):
        return f"Review of {self.community} ({self.created_at:%Y-%m-%d})"


class Legacy(models.Model):
    """What a closed community leaves behind."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="legacy")
    kept = models.TextField("what is kept", help_text="Knowledge, tools, practices, people.")
    members_go = models.TextField("where members go", help_text="Other communities, networks.")
    closing_note = models.TextField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "legacies"

    def __str__(self):
        return f"Legacy of {self.community}"


class CultivatingActivity(models.TextChoices):
    ENSURE_QUALITY = "ensure_quality", "Ensure quality"
    ENABLING_PARTICIPATION = "enabling_participation", "Enabling participation"
    ENABLING_REIFICATION = "enabling_reification", "Enabling reification"
    DISTRIBUTING_LEADERSHIP = "distributing_leadership", "Distributing leadership"
    COMMUNITY_CULTIVATION = "community_cultivation", "Community cultivation"
    BACKCHANNEL_WORK = "backchannel_work", "Backchannel work"
    SELF_CARE = "self_care", "Self-care"
    COMMUNITY_BUILDING = "community_building", "Community building"
    ASSESSMENT = "assessment", "Assessment"
    INSTITUTIONAL_BROKERING = "institutional_brokering", "Institutional brokering"


CULTIVATING_EXAMPLES = {
    CultivatingActivity.ENSURE_QUALITY: "High value for the time people give.",
    CultivatingActivity.ENABLING_PARTICIPATION: (
        "Convene meetings, initiate activities, facilitate conversations."
    ),
    CultivatingActivity.ENABLING_REIFICATION: (
        "Blogging and posting, creating summaries, capturing what was learned."
    ),
    CultivatingActivity.DISTRIBUTING_LEADERSHIP: (
        "Cultivate the core group, form leadership groups, coach new leaders."
    ),
    CultivatingActivity.COMMUNITY_CULTIVATION: "Challenges of practice, emerging issues, hot topics.",
    CultivatingActivity.BACKCHANNEL_WORK: (
        "Keep in touch, invite members to act, send notes and newsletters."
    ),
    CultivatingActivity.SELF_CARE: (
        "Pursue one's own learning, meet other leaders, visit other communities."
    ),
    CultivatingActivity.COMMUNITY_BUILDING: (
        "Manage boundaries, welcome newcomers, build identity and trust."
    ),
    CultivatingActivity.ASSESSMENT: "Collect value-creation stories, look at the indicators.",
    CultivatingActivity.INSTITUTIONAL_BROKERING: (
        "Talking with sponsors, making the business case, budgeting."
    ),
}


class CultivationCheck(models.Model):
    """One cultivating activity of a coordinator's quarterly checklist, for one community."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="cultivation_checks"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cultivation_checks"
    )
    quarter = models.CharField(
        max_length=7, help_text="For example 2026-Q4.", validators=[single_line]
    )
    activity = models.CharField(
        max_length=30,
        choices=CultivatingActivity.choices,
        help_text=" ".join(f"{a.label}: {CULTIVATING_EXAMPLES[a]}" for a in CultivatingActivity),
    )
    done = models.BooleanField(default=False)
    note = models.TextField(blank=True, help_text="What was done, or what needs attention.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community", "quarter", "activity"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "coordinator", "quarter", "activity"],
                name="one_cultivation_check_per_activity",
            )
        ]

    def __str__(self):
        return f"{self.get_activity_display()} ({self.quarter})"


class CoachingSession(models.Model):
    """The social learning team coaching a community's leaders."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="coached_in")
    held_on = models.DateField()
    topics = models.TextField()
    follow_up = models.TextField(blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Coaching for {self.community} on {self.held_on}"


# --- end of PDCA reviews, closure and cultivation --------------------------------------


# --- launch playbook (views: communities/stewardship/views/launch.py) ---------------
# A launch plan walks a community in *potential* through the four first steps
# (conversations, value proposition, internal leaders, launch design) and the launch
# process (discovery and preparation, launch workshop design, action plan). A renewal
# re-runs the same steps for an existing community; earlier plans stay readable.


class LaunchKind(models.TextChoices):
    LAUNCH = "launch", "Launch"
    RENEWAL = "renewal", "Renewal"


class LaunchStatus(models.TextChoices):
    OPEN = "open", "In progress"
    COMPLETED = "completed", "Completed"


# A launch (or renewal) plan's workflow, written once (the permission rules read it): an
# open plan is edited, and completed (a launch by a stage change); a completed plan is kept
# as it was.
LAUNCH_WORKFLOW = Workflow(
    initial=LaunchStatus.OPEN,
    edit=step(LaunchStatus.OPEN),
    complete=step(LaunchStatus.OPEN, to=LaunchStatus.COMPLETED),
)


class LaunchPlan(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="launch_plans")
    kind = models.CharField(max_length=20, choices=LaunchKind.choices, default=LaunchKind.LAUNCH)
    status = models.CharField(
        max_length=20, choices=LaunchStatus.choices, default=LaunchStatus.OPEN
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_launches",
        verbose_name="launch lead",
        help_text="Besides the social learning team, the launch lead edits this plan.",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(
        "last activity", default=timezone.now, db_index=True,
        help_text="Touched by every change to the plan: a plan untouched for long is stalled.",
    )  # fmt: skip
    # Step 2: the value proposition
    value_to_organisation = models.TextField("value to the organisation", blank=True)
    value_to_people = models.TextField("value to people", blank=True)
    how_community_helps = models.TextField("how could a community help?", blank=True)
    success_looks_like = models.TextField("what would success look like?", blank=True)
    why_participate = models.TextField("why would people participate?", blank=True)
    value_accepted_at = models.DateTimeField(null=True, blank=True)
    # Step 4: the launch design
    approach = models.TextField("launch approach", blank=True)
    launch_activities = models.TextField("planned launch activities", blank=True)
    follow_up = models.TextField("prepared follow-up", blank=True)
    leaders_prepared = models.BooleanField("internal leaders involved and prepared", default=False)
    # The launch process: discovery and preparation
    explored_networks = models.BooleanField("explore existing networks", default=False)
    defined_approach = models.BooleanField("define the overall approach", default=False)
    located_people = models.BooleanField("locate potential members and leaders", default=False)
    # The launch workshop's design
    ws_context = models.BooleanField("context setting and education", default=False)
    ws_learning = models.BooleanField("exciting learning activities", default=False)
    ws_self_design = models.BooleanField("the community's self-design", default=False)
    ws_follow_up = models.BooleanField("anticipating follow-up", default=False)
    ws_logistics = models.BooleanField("logistics and invitations", default=False)
    workshop_held_on = models.DateField("launch workshop held on", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(status="open"),
                name="launchplan_one_open_per_community",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.community}"

    def get_absolute_url(self):
        return reverse("communities:launch_plan", args=[self.community.slug, self.pk])

    @property
    def is_open(self):
        return self.status == LaunchStatus.OPEN

    def touch(self, when=None):
        """Record progress: the plan is not stalled."""
        self.updated_at = when or timezone.now()
        LaunchPlan.objects.filter(pk=self.pk).update(updated_at=self.updated_at)


# The launch process's checklist: its two groups of LaunchPlan fields, in order (the
# process form edits them; the plan's progress counts them).
PROCESS_FIELDS = {
    "Discovery and preparation": ["explored_networks", "defined_approach", "located_people"],
    "Launch workshop design": [
        "ws_context",
        "ws_learning",
        "ws_self_design",
        "ws_follow_up",
        "ws_logistics",
    ],  # fmt: skip
}


class Conversation(models.Model):
    """Step 1: a conversation with a potential member."""

    plan = models.ForeignKey(LaunchPlan, on_delete=models.CASCADE, related_name="conversations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Someone in the people directory — or give a name and an email below.",
    )
    name = models.CharField(max_length=150, blank=True, validators=[single_line])
    email = models.EmailField(blank=True)
    held_on = models.DateField(default=timezone.localdate)
    challenges = models.TextField("what are your challenges?")
    talks_to = models.TextField("whom do you talk to about them?", blank=True)
    existing_community = models.TextField("is there already a community?", blank=True)
    would_help = models.BooleanField("would they help?", null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Conversation with {self.who}"

    @property
    def who(self):
        return str(self.person) if self.person_id else self.name


class CandidateStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class LeaderCandidate(models.Model):
    """Step 3: a possible internal leader and their answers."""

    plan = models.ForeignKey(LaunchPlan, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Who proposed them: a candidate answers for themselves only when someone else did.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    idea = models.TextField("what do you think of the idea?", blank=True)
    willing = models.TextField("are you willing to help make it happen?", blank=True)
    meaning = models.TextField("what would that mean to you?", blank=True)
    who_else = models.TextField("who else could help?", blank=True)
    status = models.CharField(
        max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.INVITED
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="candidate_once_per_plan")
        ]

    def __str__(self):
        return str(self.person)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItem(models.Model):
    """The action plan: next steps after the launch workshop."""

    plan = models.ForeignKey(LaunchPlan, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=200, validators=[single_line])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="launch_actions"
    )
    due_on = models.DateField("due date")
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.title


# --- end of launch playbook ----------------------------------------------------------
