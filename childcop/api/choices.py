from django.db import models


class Area(models.TextChoices):
    """What a personal access token may read: each endpoint belongs to one area."""

    COMMUNITIES = "communities", "Communities: stage, domain, sponsors"
    RHYTHM = "rhythm", "Sessions and activities, with attendance counts"
    PARTICIPATION = "participation", "Participation levels of members"
    HEALTH = "health", "Health indicators and flags, monthly reports"
    STORIES = "stories", "Value-creation stories"
    SUPPORT = "support", "Support requests"


class Access(models.TextChoices):
    READ = "read", "Read only"
