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
        indexes = [models.Index(fields=["community", "level"])]

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
        return self.annotate(attendee_count=models.Count("attendance", distinct=True))


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
