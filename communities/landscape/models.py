"""Departures and the stored landscape of practice.

Imported by `communities.models`, so they belong to the communities app."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Departure(models.Model):
    """A member who left (or was removed): kept so that retention cohorts still count them
    and the core group's trajectory knows who left it."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="departures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_on = models.DateField()
    left_on = models.DateField(default=timezone.localdate)
    was_core = models.BooleanField(
        default=False, help_text="In the core group (or a coordinator) when they left."
    )

    class Meta:
        ordering = ["-left_on", "-id"]
        indexes = [models.Index(fields=["community", "left_on"])]

    def __str__(self):
        return f"{self.user} left {self.community} on {self.left_on}"


class LandscapeSnapshot(models.Model):
    """The landscape of practice as last computed by the background job: its communities,
    links and brokers, and the program's retention."""

    computed_at = models.DateTimeField(default=timezone.now, db_index=True)
    seconds = models.FloatField(default=0, help_text="How long the computation took.")
    window_days = models.PositiveIntegerField(default=90)
    retention = models.JSONField(default=dict, help_text="The program's retention cohorts.")
    departments_without = models.JSONField(
        default=list, help_text="Departments no community reaches: [name, people]."
    )

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self):
        return f"Landscape of {self.computed_at:%Y-%m-%d %H:%M}"


class LandscapeNode(models.Model):
    """One community in the landscape: its size, place, departments and retention."""

    snapshot = models.ForeignKey(LandscapeSnapshot, on_delete=models.CASCADE, related_name="nodes")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="landscape_nodes"
    )
    members = models.PositiveIntegerField(default=0)
    active_members = models.PositiveIntegerField(
        default=0, help_text="Members who took part over the participation window."
    )
    x = models.FloatField(default=0.5)
    y = models.FloatField(default=0.5)
    departments = models.JSONField(default=list, help_text="[department, members], most first.")
    department_count = models.PositiveIntegerField(default=0)
    boundary_crossing = models.PositiveSmallIntegerField(
        null=True, help_text="Share (%) of members from outside its largest department."
    )
    last_quarter_active = models.PositiveIntegerField(default=0)
    retained = models.PositiveSmallIntegerField(
        null=True, help_text="Share (%) of last quarter's active members still taking part."
    )

    class Meta:
        ordering = ["snapshot", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "community"], name="landscape_node_once")
        ]

    def __str__(self):
        return f"{self.community_id} in {self.snapshot_id}"


class LandscapeLink(models.Model):
    """Two communities sharing members (source has the lower id)."""

    snapshot = models.ForeignKey(LandscapeSnapshot, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    shared = models.PositiveIntegerField(help_text="Members of both.")

    class Meta:
        ordering = ["-shared", "source_id", "target_id"]

    def __str__(self):
        return f"{self.source_id}–{self.target_id}: {self.shared}"


class BrokerTie(models.Model):
    """A broker's active membership: a person who took part in two or more communities over
    the participation window has one row per community they took part in."""

    snapshot = models.ForeignKey(LandscapeSnapshot, on_delete=models.CASCADE, related_name="ties")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["snapshot", "community"]),
            models.Index(fields=["snapshot", "user"]),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.community_id}"
