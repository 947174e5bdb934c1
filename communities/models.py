"""Communities of practice, their lifecycle, objectives, memberships and leadership roles."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop import permissions

from .choices import LeadershipRole, Level, ObjectiveStatus, Stage


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
        "Closed: only its members see it; the coordinator adds people.",
    )
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
