"""The domain's vocabularies for communities (see the domain guide)."""

from django.db import models


class Stage(models.TextChoices):
    POTENTIAL = "potential", "Potential"
    COALESCING = "coalescing", "Coalescing"
    MATURING = "maturing", "Maturing"
    SUSTAINING = "sustaining", "Sustaining"
    TRANSFORMING = "transforming", "Transforming"
    CLOSED = "closed", "Closed"


STAGE_HELP = {
    Stage.POTENTIAL: "People with a shared challenge are finding each other; the launch is being prepared.",
    Stage.COALESCING: "The community is launched: members come together, build trust and find value.",
    Stage.MATURING: "The community sets its learning agenda, grows its core group and its practice.",
    Stage.SUSTAINING: "The community keeps its energy and relevance, renewing its agenda and leadership.",
    Stage.TRANSFORMING: "The community changes radically, merges, splits, or prepares its closure.",
    Stage.CLOSED: "The community has ended and left a legacy: what is kept and where members go.",
}


class Level(models.TextChoices):
    """Levels of participation, from the centre outwards (coordinator is a role)."""

    CORE = "core", "Core group"
    ACTIVE = "active", "Active"
    OCCASIONAL = "occasional", "Occasional"
    PERIPHERAL = "peripheral", "Peripheral"
    TRANSACTIONAL = "transactional", "Transactional"


class LeadershipRole(models.TextChoices):
    COMMUNITY_KEEPER = "community_keeper", "Community keeper"
    SOCIAL_REPORTER = "social_reporter", "Social reporter"
    AGENDA_ACTIVIST = "agenda_activist", "Agenda activist"
    EXTERNAL_MESSENGER = "external_messenger", "External messenger"
    CRITICAL_FRIEND = "critical_friend", "Critical friend"
    INSTITUTIONAL_BROKER = "institutional_broker", "Institutional broker"


class ObjectiveStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"
