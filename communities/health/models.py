"""Health models. Imported by `communities.models`, so they belong to the communities app."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop.validators import single_line

from .choices import CheckState, Flag, SupportKind, SupportStatus

SCORE_MAX = 5


class Dimension(models.Model):
    """A dimension of intentional development: data, kept by program admins."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line])
    meaning = models.CharField(
        max_length=250,
        help_text="One line shown beside the slider: what turning it up looks like.",
        validators=[single_line],
    )
    efforts = models.TextField(blank=True, help_text="The intentional efforts under it.")
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        "in use", default=True, help_text="Dimensions not in use are left out of new health checks."
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class HealthCheck(models.Model):
    """A periodic self-assessment of one community, opened by its coordinator."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="health_checks"
    )
    period_start = models.DateField(help_text="First day of the period assessed.")
    period_end = models.DateField(help_text="Last day of the period assessed.")
    answer_by = models.DateField(help_text="Core group members answer by this date.")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "period_start"], name="health_check_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="health_check_period_in_order",
            ),
        ]
        indexes = [models.Index(fields=["community", "-opened_at"])]

    def __str__(self):
        return f"Health check {self.period_label} — {self.community}"

    def get_absolute_url(self):
        return reverse("communities:health_check", args=[self.community.slug, self.pk])

    @property
    def period_label(self):
        """The quarter ("2025 Q1") for exactly a calendar quarter, its first day to its last;
        else the dates ("1 Jan 2025 – 10 Mar 2025")."""
        start, end = self.period_start, self.period_end
        if start.day == 1 and start.month % 3 == 1:
            last_month = start.month + 2
            last_day = calendar.monthrange(start.year, last_month)[1]
            if end == date(start.year, last_month, last_day):
                return f"{start.year} Q{(start.month - 1) // 3 + 1}"
        return f"{start:%-d %b %Y} – {end:%-d %b %Y}"

    @property
    def state(self) -> CheckState:
        """Its place in `HEALTH_CHECK_WORKFLOW`: closed once it has a closing time."""
        return self.state_of(self.closed_at)

    @staticmethod
    def state_of(closed_at) -> CheckState:
        """The state of a check with this closing time (None: not closed)."""
        return CheckState.OPEN if closed_at is None else CheckState.CLOSED

    @property
    def is_open(self):
        return self.closed_at is None


class HealthCheckResponse(models.Model):
    """One core group member's answer to a health check."""

    health_check = models.ForeignKey(
        HealthCheck, on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_responses"
    )
    success_factors = models.JSONField(default=list, blank=True)
    failure_factors = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["health_check", "respondent"], name="health_response_once"
            )
        ]

    def __str__(self):
        return f"{self.respondent} on {self.health_check}"


class HealthRating(models.Model):
    """A slider: one respondent's rating of one dimension (0–5) with an optional note."""

    response = models.ForeignKey(
        HealthCheckResponse, on_delete=models.CASCADE, related_name="ratings"
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(SCORE_MAX)])
    note = models.CharField(max_length=300, blank=True, validators=[single_line])

    class Meta:
        ordering = ["dimension__order", "dimension_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="health_rating_once"),
            models.CheckConstraint(
                condition=models.Q(score__lte=SCORE_MAX), name="health_rating_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.score}"


class HealthStatus(models.Model):
    """The latest computed indicators and flags of one community (refreshed in batches by a
    scheduled job), so the program overview filters and sorts in the database."""

    community = models.OneToOneField(
        "communities.Community",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="health_status",
    )
    computed_at = models.DateTimeField()
    last_activity_on = models.DateField(null=True, blank=True)
    sessions_planned = models.PositiveIntegerField(default=0)
    sessions_held = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(
        default=0, help_text="Distinct attendees over the participation window."
    )
    participants_before = models.PositiveIntegerField(
        default=0, help_text="Distinct attendees over the window before."
    )
    stories = models.PositiveIntegerField(
        default=0, help_text="Value-creation stories over the no-story window."
    )
    # Flag keys separated and surrounded by single spaces (" no_coordinator no_story "),
    # so `flags__contains=" key "` filters on every database.
    flags = models.CharField(max_length=300, blank=True, default="")
    flag_count = models.PositiveSmallIntegerField(default=0, db_index=True)
    data = models.JSONField(default=dict, help_text="The indicators as computed.")

    class Meta:
        verbose_name_plural = "health statuses"

    def __str__(self):
        return f"Health status of {self.community_id}"

    @property
    def flag_keys(self):
        return self.flags.split()

    @property
    def flag_list(self):
        return [Flag(key) for key in self.flags.split() if key in Flag.values]

    @staticmethod
    def encode_flags(keys):
        keys = [key for key in Flag.values if key in set(keys)]
        return f" {' '.join(keys)} " if keys else ""


class HealthReport(models.Model):
    """A community's monthly health report: numbers frozen when it was generated."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="health_reports"
    )
    period = models.DateField(help_text="First day of the month reported on.")
    generated_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "period"], name="health_report_once_per_period"
            )
        ]

    def __str__(self):
        return f"{self.community} — {self.period:%B %Y}"

    def get_absolute_url(self):
        return reverse("communities:health_report", args=[self.community.slug, self.pk])


class ProgramReport(models.Model):
    """The social learning team's monthly program report, frozen like community reports."""

    period = models.DateField(unique=True, help_text="First day of the month reported on.")
    generated_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period"]

    def __str__(self):
        return f"Program report — {self.period:%B %Y}"


class SupportRequest(models.Model):
    """A coordinator (for their community) or a practice group asks the social learning team
    for support; it lands in the program admins' queue, where one of them takes it on."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="support_requests"
    )
    group = models.ForeignKey(
        "practice_groups.PracticeGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_requests",
        help_text="The practice group that asked, if it came from one.",
    )
    kind = models.CharField(max_length=20, choices=SupportKind.choices)
    description = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=SupportStatus.choices, default=SupportStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="assignee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of the social learning team who takes it on.",
    )
    note = models.TextField(blank=True, help_text="What the social learning team did or will do.")

    class Meta:
        # The table it has had since it was a practice_groups model (moved without data).
        db_table = "practice_groups_supportrequest"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="support_status_created_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.group or self.community}"

    def save(self, *args, **kwargs):
        # A practice group's request belongs to the group's community.
        if self.community_id is None and self.group_id is not None:
            self.community_id = self.group.community_id
        super().save(*args, **kwargs)

    @property
    def assignee(self):
        return self.handled_by
