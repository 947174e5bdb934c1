"""Value-creation stories: a member's account of the value their participation created."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from childcop import permissions
from childcop.validators import single_line

from .choices import (
    CYCLE_HELP,
    STORY_WORKFLOW,
    Cycle,
    Narrative,
    Status,
    Visibility,
    cycle_field,
)

MD = " Markdown."


class ValueStoryQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the stories this user may read (the rule lives in childcop.permissions)."""
        return self.filter(permissions.visible_stories_q(user))

    def approved(self):
        return self.filter(status=Status.APPROVED)


class ValueStory(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="value_stories"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="value_stories"
    )
    activity = models.ForeignKey(
        "communities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="value_stories",
        help_text="The logged activity this story starts from, if any.",
    )
    title = models.CharField(
        max_length=200, help_text="A short headline for your story.", validators=[single_line]
    )
    happened_on = models.DateField("when", default=timezone.localdate, db_index=True)
    author_role = models.CharField(
        "your role",
        max_length=150,
        blank=True,
        help_text="e.g. “Field engineer, core group”.",
        validators=[single_line],
    )
    narrative = models.CharField(
        "kind of narrative", max_length=20, choices=Narrative.choices, default=Narrative.GROUND
    )
    visibility = models.CharField(
        "who may read it", max_length=20, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The template's questions, in the order of the cycles.
    involvement = models.TextField("What got you involved?", blank=True, help_text=MD.strip())
    activity_description = models.TextField(
        "What meaningful activity did you take part in?", blank=True, help_text=MD.strip()
    )
    experience = models.TextField(
        "What was your experience of it?",
        blank=True,
        help_text="Immediate value: what made the activity itself worthwhile." + MD,
    )
    gained = models.TextField(
        "What skills, insights, information or material did you gain?",
        blank=True,
        help_text="Potential value: what you took away for later." + MD,
    )
    applied = models.TextField(
        "How did it influence your practice?",
        blank=True,
        help_text="Applied value: what you did differently (or advice that did not apply)." + MD,
    )
    difference = models.TextField(
        "What difference did it make to your performance?",
        blank=True,
        help_text="Realized value: what it enabled that would not have happened otherwise, "
        "how it contributed to success (personal, professional, organisational), key metrics." + MD,
    )
    reframing = models.TextField(
        "Did it change how you or others see success?",
        blank=True,
        help_text="Reframing value: new criteria, strategy, or meaning of success." + MD,
    )
    enablers = models.TextField(
        "Which enablers made it possible?",
        blank=True,
        help_text="Enabling value: sponsorship, technology, the social learning team, leadership."
        + MD,
    )
    strategy = models.TextField(
        "Is there a significant connection to strategy?",
        blank=True,
        help_text="Strategic value: alignment, conversations with stakeholders." + MD,
    )
    transformation = models.TextField(
        "Did it transform your view?",
        blank=True,
        help_text="Transformative value: a change in identity, or in the institution." + MD,
    )
    fed_back = models.TextField(
        "How was it fed back into the community's learning?",
        blank=True,
        help_text="An improvement, a reframing, a shared document…" + MD,
    )
    # Claimed cycles, tagged explicitly (booleans, so the matrix is one aggregate query).
    claims_immediate = models.BooleanField(
        Cycle.IMMEDIATE.label, default=False, help_text=CYCLE_HELP[Cycle.IMMEDIATE]
    )
    claims_potential = models.BooleanField(
        Cycle.POTENTIAL.label, default=False, help_text=CYCLE_HELP[Cycle.POTENTIAL]
    )
    claims_applied = models.BooleanField(
        Cycle.APPLIED.label, default=False, help_text=CYCLE_HELP[Cycle.APPLIED]
    )
    claims_realized = models.BooleanField(
        Cycle.REALIZED.label, default=False, help_text=CYCLE_HELP[Cycle.REALIZED]
    )
    claims_reframing = models.BooleanField(
        Cycle.REFRAMING.label, default=False, help_text=CYCLE_HELP[Cycle.REFRAMING]
    )
    claims_enabling = models.BooleanField(
        Cycle.ENABLING.label, default=False, help_text=CYCLE_HELP[Cycle.ENABLING]
    )
    claims_strategic = models.BooleanField(
        Cycle.STRATEGIC.label, default=False, help_text=CYCLE_HELP[Cycle.STRATEGIC]
    )
    claims_orienting = models.BooleanField(
        Cycle.ORIENTING.label, default=False, help_text=CYCLE_HELP[Cycle.ORIENTING]
    )
    claims_transformative = models.BooleanField(
        Cycle.TRANSFORMATIVE.label, default=False, help_text=CYCLE_HELP[Cycle.TRANSFORMATIVE]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ValueStoryQuerySet.as_manager()

    TEXT_FIELDS = [
        "involvement", "activity_description", "experience", "gained", "applied", "difference",
        "reframing", "enablers", "strategy", "transformation", "fed_back",
    ]  # fmt: skip

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name_plural = "value stories"
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["status", "visibility"]),
            # a community's latest approved stories (its page's "Value created")
            models.Index(
                fields=["community", "-approved_at", "-id"],
                condition=models.Q(status="approved"),
                name="story_latest_approved_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("value_stories:detail", args=[self.pk])

    @property
    def cycles(self):
        return [c for c in Cycle if getattr(self, cycle_field(c))]

    @property
    def is_editable(self):
        return STORY_WORKFLOW.allows(self.status, "edit")

    def missing_for_submission(self) -> list[str]:
        """What a story needs before coordinators can review it."""
        missing = []
        if not self.activity_description.strip() and self.activity_id is None:
            missing.append("the activity you took part in")
        if not self.experience.strip():
            missing.append("your experience of it")
        if not self.cycles:
            missing.append("at least one claimed value-creation cycle")
        return missing


class StoryIndicator(models.Model):
    """A measure backing realized value: before and after, with its source."""

    story = models.ForeignKey(ValueStory, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(
        max_length=150, help_text="e.g. “Incidents per quarter”.", validators=[single_line]
    )
    unit = models.CharField(
        max_length=50, blank=True, help_text="e.g. “%”, “hours”, “€”.", validators=[single_line]
    )
    before = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    after = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the numbers come from.",
        validators=[single_line],
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def change(self):
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class StoryTransition(models.Model):
    """The review history: every change of status, who made it, when, and why."""

    story = models.ForeignKey(ValueStory, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.story}: {self.from_status or '—'} → {self.to_status}"
