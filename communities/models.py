"""Communities of practice, their lifecycle, objectives, memberships and leadership roles."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop import permissions

from .choices import (
    ActivityType,
    AgendaStatus,
    Channel,
    Format,
    HelpStatus,
    LeadershipRole,
    Level,
    LoopOutcome,
    MemoryKind,
    ObjectiveStatus,
    OutputKind,
    Recurrence,
    SessionStatus,
    Stage,
)


def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class CommunityQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the communities this user may see (the rule lives in childcop.permissions)."""
        return self.filter(permissions.visible_communities_q(user))


class Community(models.Model):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    domain = models.CharField(
        max_length=200,
        db_index=True,
        help_text="The shared challenge, passion or interest, e.g. “Data protection in practice”.",
    )
    purpose = models.TextField(
        "purpose (the “why”)",
        blank=True,
        help_text="Why this community exists, usually set with its sponsor. Markdown.",
    )
    vision = models.TextField(
        blank=True, help_text="Co-created with sponsor, core group and members. Markdown."
    )
    strategy = models.TextField(
        blank=True, help_text="How the community will pursue its vision. Markdown."
    )
    value_proposition = models.TextField(
        blank=True,
        help_text="Why people would participate: value to people and to the organisation. Markdown.",
    )
    stage = models.CharField(
        "lifecycle stage", max_length=20, choices=Stage.choices, default=Stage.POTENTIAL
    )
    is_open = models.BooleanField(
        "open to everyone",
        default=True,
        help_text="Open: anyone in the organisation can find and join it. "
        "Members only: only its members see it; the coordinator adds people.",
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        "remind members (days before)",
        default=2,
        validators=[MaxValueValidator(30)],
        help_text="Members are emailed this many days before each rhythm session.",
    )
    heartbeat_grace_days = models.PositiveSmallIntegerField(
        "missed heartbeat after (days)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Coordinators are warned when no activity was logged for a session "
        "this many days after it.",
    )
    response_commitment_days = models.PositiveSmallIntegerField(
        "answer help requests within (working days)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Members commit to respond to a request for help within this many working "
        "days; coordinators are told about requests still unanswered then.",
    )
    follow_up_days = models.PositiveSmallIntegerField(
        "follow up after (days)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text="Days after an answer is marked helpful when the asker is asked how it "
        "turned out.",
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:detail", args=[self.slug])


class Objective(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=250)
    status = models.CharField(
        max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.PLANNED
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class StageChange(models.Model):
    """The lifecycle history: every change of stage, who made it, when, and why."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.community}: {self.from_stage or '—'} → {self.to_stage}"


class MembershipQuerySet(models.QuerySet):
    def coordinators(self):
        return self.filter(is_coordinator=True)


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    level = models.CharField(
        "participation level", max_length=20, choices=Level.choices, default=Level.PERIPHERAL
    )
    is_coordinator = models.BooleanField(
        "coordinator",
        default=False,
        help_text="Coordinators run the community: its rhythm, agenda, members and health checks.",
    )
    joined_on = models.DateField(default=timezone.localdate)
    level_is_manual = models.BooleanField(
        "level set by hand",
        default=False,
        help_text="A level set by a coordinator sticks until cleared; otherwise it is "
        "computed nightly from attendance and contributions.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the member joined by themselves.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-is_coordinator", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_once")
        ]
        indexes = [
            models.Index(fields=["community", "level"]),
            # the community page's newest members, whatever the community's size
            models.Index(fields=["community", "-joined_on", "-id"], name="membership_newest_idx"),
            # coordinators of a community; communities without one
            models.Index(
                fields=["community"],
                condition=models.Q(is_coordinator=True),
                name="membership_coordinator_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.community}"

    @property
    def level_label(self):
        return "Coordinator" if self.is_coordinator else self.get_level_display()

    @property
    def is_core(self):
        return self.is_coordinator or self.level == Level.CORE


class LeadershipAssignment(models.Model):
    """An internal leadership role held by a member; one person may hold several."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="leadership_roles"
    )
    role = models.CharField(max_length=30, choices=LeadershipRole.choices)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="leadership_role_once")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.membership.user}"


class Rhythm(models.Model):
    """A recurring session series: the community's heartbeat."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="rhythms")
    title = models.CharField(max_length=200, help_text="e.g. “Monthly case clinic”.")
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True, help_text="Room or site, if any.")
    meeting_link = models.URLField(blank=True, max_length=500)
    recurrence = models.CharField(max_length=20, choices=Recurrence.choices)
    rrule = models.CharField(
        "custom rule",
        max_length=300,
        blank=True,
        help_text="Only for a custom recurrence, e.g. FREQ=MONTHLY;BYDAY=-1FR (last Friday).",
    )
    starts_at = models.DateTimeField(help_text="Date and time of the first session.")
    until = models.DateField(null=True, blank=True, help_text="Last possible date (optional).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return self.title


class Session(models.Model):
    """One occurrence: from a rhythm, or a one-off. Times are stored in UTC."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="sessions")
    rhythm = models.ForeignKey(
        Rhythm, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    occurrence = models.DateTimeField(
        null=True, blank=True, help_text="The rhythm's original date and time for this occurrence."
    )
    title = models.CharField(max_length=200)
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True)
    meeting_link = models.URLField(blank=True, max_length=500)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rhythm", "occurrence"], name="session_once_per_occurrence"
            )
        ]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_moved(self):
        return self.occurrence is not None and self.occurrence != self.starts_at

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED


class ActivityQuerySet(models.QuerySet):
    def annotate_attendance(self):
        """`attendee_count`: a correlated count, so a page of activities counts the
        attendance of its own rows only (a join and GROUP BY would read every attendance
        record of the community before the page is cut)."""
        from django.db.models.functions import Coalesce

        attended = (
            Attendance.objects.filter(activity=models.OuterRef("pk"))
            .order_by()
            .values("activity")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            attendee_count=Coalesce(
                models.Subquery(attended, output_field=models.IntegerField()), 0
            )
        )


class Activity(models.Model):
    """What happened: a learning activity logged by a coordinator or core group member."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="activities")
    session = models.OneToOneField(
        Session,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
        help_text="The rhythm session this activity was, if any.",
    )
    date = models.DateField(db_index=True)
    title = models.CharField(max_length=200)
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    summary = models.TextField(blank=True, help_text="What happened and what was learnt. Markdown.")
    guest_count = models.PositiveIntegerField(
        "guests", default=0, help_text="People who attended but are not members."
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Attendance", related_name="attended_activities"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["community", "date"])]

    def __str__(self):
        return f"{self.title} ({self.date})"

    def get_absolute_url(self):
        return reverse("communities:activity_detail", args=[self.community.slug, self.pk])


class ActivityOutput(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=20, choices=OutputKind.choices)
    title = models.CharField(max_length=200)
    link = models.URLField(blank=True, max_length=500)

    def __str__(self):
        return self.title


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    imported = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "user"], name="attendance_once")]

    def __str__(self):
        return f"{self.user} at {self.activity}"


class LevelChange(models.Model):
    """Every change of a member's participation level: their trajectory."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="level_changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="level_changes"
    )
    from_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=20, choices=Level.choices)
    is_manual = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["community", "changed_at"])]

    def __str__(self):
        return f"{self.user}: {self.from_level or '—'} → {self.to_level}"


# --- Attendance import (communities/attendance_import.py) ---------------------------


class AttendanceImport(models.Model):
    """An uploaded attendance file between its preview and its confirmation.

    `rows` holds the parsed report (who matched, who is unknown, which rows are
    malformed); nothing else is written until a coordinator confirms it.
    """

    class UnknownAction(models.TextChoices):
        SKIP = "skip", "Skip them"
        INVITE = "invite", "Invite them"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=dict, blank=True, help_text="The parsed report.")
    unknown_action = models.CharField(
        "unknown emails", max_length=10, choices=UnknownAction.choices, default=UnknownAction.SKIP
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename or 'Attendance file'} for {self.activity}"

    @property
    def is_applied(self):
        return self.status == self.Status.APPLIED


# --- Learning agenda, help requests and shared memory ---------------------------------


class AgendaItem(models.Model):
    """A challenge from practice on the community's learning agenda."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, help_text="The challenge, as met in practice. Markdown."
    )
    faced_by = models.CharField(
        "who faces it",
        max_length=200,
        blank=True,
        help_text="e.g. “project managers in the regions”.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=AgendaStatus.choices, default=AgendaStatus.RAISED
    )
    status_note = models.TextField(blank=True)
    activities = models.ManyToManyField(Activity, blank=True, related_name="agenda_items")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class VotingRound(models.Model):
    """Dot voting on the agenda: each member spreads a number of votes."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="voting_rounds")
    title = models.CharField(max_length=200, default="Which challenges are the most pressing?")
    votes_per_member = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.closed_at is None


class VoteAllowance(models.Model):
    """A member's votes left in a round; the database refuses to go below zero."""

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="allowances")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    remaining = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="vote_allowance_once"),
            models.CheckConstraint(
                condition=models.Q(remaining__gte=0), name="votes_left_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.voter}: {self.remaining} left"


class Vote(models.Model):
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["round", "item"])]

    def __str__(self):
        return f"{self.voter} → {self.item}"


class HelpRequest(models.Model):
    """A member asks the community for help: the start of a learning loop."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="help_requests")
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    title = models.CharField(max_length=200)
    challenge = models.TextField(
        help_text="The situation, what you tried, what you need. Markdown."
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    status = models.CharField(max_length=20, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    helpful_at = models.DateTimeField(
        null=True, blank=True, help_text="When an answer was first marked helpful."
    )
    outcome = models.CharField(max_length=20, choices=LoopOutcome.choices, blank=True)
    reflection = models.TextField(blank=True, help_text="What worked, what did not. Markdown.")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class Answer(models.Model):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(help_text="Your advice or experience. Markdown.")
    created_at = models.DateTimeField(default=timezone.now)
    helpful = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Answer by {self.author} to {self.request}"


class SharedMemoryEntry(models.Model):
    """The community's memory: FAQs, summaries, insights, case stories, reflections."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memory")
    kind = models.CharField(max_length=20, choices=MemoryKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="memory"
    )
    help_request = models.ForeignKey(
        HelpRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="memory"
    )
    practice_group = models.ForeignKey(
        "practice_groups.PracticeGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memory",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "shared memory entries"

    def __str__(self):
        return self.title


# --- PDCA reviews, closure and cultivation ---------------------------------------------
# Plan–do–check–act reviews at any stage, the legacy a closed community leaves, the
# coordinator's quarterly cultivation checklist and the social learning team's coaching
# sessions (see communities/pdca.py and communities/cultivation.py).


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
    quarter = models.CharField(max_length=7, help_text="For example 2026-Q4.")
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


# --- launch playbook (communities/launch.py) ----------------------------------------
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
    name = models.CharField(max_length=150, blank=True)
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
    title = models.CharField(max_length=200)
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


# --- health checks, indicators and reports (communities/health/models.py) -----------
from .health.models import (  # noqa: E402, F401
    Dimension,
    HealthCheck,
    HealthCheckResponse,
    HealthRating,
    HealthReport,
    HealthStatus,
    ProgramReport,
)
