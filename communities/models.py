"""Communities of practice, their lifecycle, objectives, memberships and leadership roles."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop import permissions
from childcop.validators import single_line

from .choices import (
    LeadershipRole,
    Level,
    ObjectiveStatus,
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
    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    slug = models.SlugField(max_length=160, unique=True)
    domain = models.CharField(
        max_length=200,
        db_index=True,
        help_text="The shared challenge, passion or interest, e.g. “Data protection in practice”.",
        validators=[single_line],
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
    title = models.CharField(max_length=250, validators=[single_line])
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


# --- the rooms' models, so they belong to the communities app --------------------------
from .health.models import (  # noqa: E402, F401
    Dimension,
    HealthCheck,
    HealthCheckResponse,
    HealthRating,
    HealthReport,
    HealthStatus,
    ProgramReport,
    SupportRequest,
)
from .landscape.models import (  # noqa: E402, F401
    BrokerTie,
    Departure,
    LandscapeLink,
    LandscapeNode,
    LandscapeSnapshot,
)
from .learning.models import (  # noqa: E402, F401
    AgendaItem,
    Answer,
    HelpRequest,
    SharedMemoryEntry,
    Vote,
    VoteAllowance,
    VotingRound,
)
from .rhythm.models import (  # noqa: E402, F401
    Activity,
    ActivityOutput,
    ActivityQuerySet,
    Attendance,
    AttendanceImport,
    Rhythm,
    Session,
)
from .stewardship.models import (  # noqa: E402, F401
    CULTIVATING_EXAMPLES,
    ActionItem,
    ActionStatus,
    CandidateStatus,
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
