"""Sponsors, SMEs, mentors and young leaders; mentoring; business cases; agreements; councils."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop.validators import single_line
from communities.models import Community

from .choices import (
    BUSINESS_CASE_QUESTIONS,
    AppointmentRole,
    AppointmentStatus,
    CaseStatus,
    CommitmentStatus,
    CouncilKind,
    PairStatus,
    ResponseKind,
    Scope,
    Side,
    SponsorKind,
)

User = settings.AUTH_USER_MODEL


class AppointmentQuerySet(models.QuerySet):
    def current(self, today=None):
        """Appointed and not past the end of their term."""
        today = today or timezone.localdate()
        return self.filter(status=AppointmentStatus.APPOINTED).filter(
            models.Q(term_end__isnull=True) | models.Q(term_end__gte=today)
        )

    def sponsors(self):
        return self.filter(role=AppointmentRole.SPONSOR)


class Appointment(models.Model):
    """A person in a formal role: identified, then officially appointed, then ended."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="appointments")
    role = models.CharField(max_length=20, choices=AppointmentRole.choices)
    sponsor_kind = models.CharField(
        "kind of sponsor", max_length=20, choices=SponsorKind.choices, blank=True
    )
    expertise = models.CharField(
        "expertise areas",
        max_length=300,
        blank=True,
        help_text="For SMEs: comma-separated areas, e.g. “privacy law, records management”.",
        validators=[single_line],
    )
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.IDENTIFIED
    )
    # identified
    suggested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("why them", blank=True)
    identified_on = models.DateField(default=timezone.localdate)
    # appointed
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.COMMUNITIES)
    communities = models.ManyToManyField(Community, blank=True, related_name="appointments")
    appointed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_on = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    # ended
    ended_on = models.DateField(null=True, blank=True)
    end_note = models.TextField(blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["person__display_name", "role"]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("sponsorship:appointment_detail", args=[self.pk])


class MentorPair(models.Model):
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentees_pairs")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentor_pairs")
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentor_pairs"
    )
    goals = models.TextField(help_text="What the mentee wants to learn or achieve. Markdown.")
    start = models.DateField(default=timezone.localdate)
    planned_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=PairStatus.choices, default=PairStatus.ACTIVE)

    class Meta:
        ordering = ["-start"]

    def __str__(self):
        return f"{self.mentor} mentors {self.mentee}"


class CheckIn(models.Model):
    pair = models.ForeignKey(MentorPair, on_delete=models.CASCADE, related_name="check_ins")
    date = models.DateField(default=timezone.localdate)
    note = models.TextField()
    written_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Check-in of {self.date}"


class BusinessCaseVersion(models.Model):
    """One version of a community's answers to the sponsor's questions.

    Editing a submitted version creates a new one; endorsements belong to the version read.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="business_case_versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="business_case_version_once"
            )
        ]

    def __str__(self):
        return f"Business case of {self.community}, version {self.number}"


for _field, _question in BUSINESS_CASE_QUESTIONS:
    BusinessCaseVersion.add_to_class(_field, models.TextField(_question, blank=True))


class SponsorResponse(models.Model):
    version = models.ForeignKey(
        BusinessCaseVersion, on_delete=models.CASCADE, related_name="responses"
    )
    sponsor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.sponsor}"


class Agreement(models.Model):
    """Expectations and accountability between a community and its sponsor(s)."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="agreement")
    review_date = models.DateField(help_text="When the community and sponsor review the agreement.")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Agreement of {self.community}"


class Commitment(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    side = models.CharField(max_length=20, choices=Side.choices)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=300, validators=[single_line])
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )

    class Meta:
        ordering = ["due", "id"]

    def __str__(self):
        return self.description


class Council(models.Model):
    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    kind = models.CharField(max_length=20, choices=CouncilKind.choices)
    purpose = models.TextField(blank=True)
    members = models.ManyToManyField(User, blank=True, related_name="councils")

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name
