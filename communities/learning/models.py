"""Learning models: the learning agenda and voting, help requests and answers, shared memory.

Imported by `communities.models`, so they belong to the communities app."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from childcop.validators import single_line
from communities.choices import (
    AgendaStatus,
    HelpStatus,
    LoopOutcome,
    MemoryKind,
)
from communities.models import Community
from communities.rhythm.models import Activity


class AgendaItem(models.Model):
    """A challenge from practice on the community's learning agenda."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=200, validators=[single_line])
    description = models.TextField(
        blank=True, help_text="The challenge, as met in practice. Markdown."
    )
    faced_by = models.CharField(
        "who faces it",
        max_length=200,
        blank=True,
        help_text="e.g. “project managers in the regions”.",
        validators=[single_line],
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
    title = models.CharField(
        max_length=200, default="Which challenges are the most pressing?", validators=[single_line]
    )
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
    title = models.CharField(max_length=200, validators=[single_line])
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
    title = models.CharField(max_length=200, validators=[single_line])
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
