"""Practice groups: chartered by their community, reporting back for endorsement,
critique and refinement."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop.validators import single_line
from communities.models import AgendaItem, Community

from .choices import GroupStatus, Reason, ResponseKind

User = settings.AUTH_USER_MODEL


class PracticeGroup(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="practice_groups"
    )
    name = models.CharField(max_length=150, validators=[single_line])
    reason = models.CharField(max_length=30, choices=Reason.choices)
    purpose = models.TextField(
        help_text="What the group works on, on behalf of the community. Markdown."
    )
    deliverable = models.CharField(
        "intended deliverable", max_length=300, blank=True, validators=[single_line]
    )
    expected_end = models.DateField(null=True, blank=True)
    agenda_items = models.ManyToManyField(AgendaItem, blank=True, related_name="practice_groups")
    status = models.CharField(
        max_length=20, choices=GroupStatus.choices, default=GroupStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    charter_note = models.TextField(
        blank=True, help_text="The coordinator's charter, or the changes asked for."
    )
    chartered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chartered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="What the group achieved. Markdown.")
    concluded_at = models.DateTimeField(null=True, blank=True)
    members = models.ManyToManyField(
        User, through="GroupMembership", related_name="practice_groups"
    )

    class Meta:
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="practice_group_name_once")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("practice_groups:detail", args=[self.pk])


class GroupMembership(models.Model):
    group = models.ForeignKey(PracticeGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="group_memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]

    def __str__(self):
        return f"{self.user} in {self.group}"


class ProgressReport(models.Model):
    group = models.ForeignKey(PracticeGroup, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, validators=[single_line])
    body = models.TextField(help_text="Progress, findings, questions for the community. Markdown.")
    created_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField("the group's reply", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practice_groups:report", args=[self.pk])


class ReportResponse(models.Model):
    """A community member's endorsement, critique or suggested refinement of a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="responses")
    responder = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "responder"], name="report_response_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.responder}"
