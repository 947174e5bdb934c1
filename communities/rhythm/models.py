"""Rhythm models: rhythms, sessions, activities, attendance and attendance imports.

Imported by `communities.models`, so they belong to the communities app."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop.validators import single_line
from communities.choices import (
    ActivityType,
    Channel,
    Format,
    OutputKind,
    Recurrence,
    SessionStatus,
)
from communities.models import Community


class Rhythm(models.Model):
    """A recurring session series: the community's heartbeat."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="rhythms")
    title = models.CharField(
        max_length=200, help_text="e.g. “Monthly case clinic”.", validators=[single_line]
    )
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(
        max_length=200, blank=True, help_text="Room or site, if any.", validators=[single_line]
    )
    meeting_link = models.URLField(blank=True, max_length=500)
    recurrence = models.CharField(max_length=20, choices=Recurrence.choices)
    rrule = models.CharField(
        "custom rule",
        max_length=300,
        blank=True,
        help_text="Only for a custom recurrence, e.g. FREQ=MONTHLY;BYDAY=-1FR (last Friday).",
        validators=[single_line],
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
    title = models.CharField(max_length=200, validators=[single_line])
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True, validators=[single_line])
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
            # COUNT(*): read from the index on activity alone, not the rows
            .annotate(n=models.Count("*"))
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
    start_time = models.TimeField("time", null=True, blank=True, help_text="When it started.")
    title = models.CharField(max_length=200, validators=[single_line])
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    summary = models.TextField(blank=True, help_text="What happened and what was learnt. Markdown.")
    guest_count = models.PositiveIntegerField(
        "guests", default=0, help_text="People who attended but are not members."
    )
    guest_names = models.TextField(
        blank=True, help_text="The guests' names, one per line (guests are counted, not matched)."
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
    title = models.CharField(max_length=200, validators=[single_line])
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


class AttendanceImport(models.Model):
    """An uploaded attendance file between its preview and its confirmation.

    `rows` holds the parsed report (who matched, who is unknown, which rows are
    malformed); nothing else is written until a coordinator confirms it.
    """

    class UnknownAction(models.TextChoices):
        SKIP = "skip", "Skip them"
        GUEST = "guest", "Count them as guests, by name"
        INVITE = "invite", "Invite them"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255, blank=True, validators=[single_line])
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
