"""The domain's vocabularies for communities (see the domain guide)."""

from django.db import models

from childcop.workflows import Workflow, step


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


class ActivityType(models.TextChoices):
    """The seven types of learning activities."""

    EXCHANGES = "exchanges", "Exchanges"
    PRODUCTIVE_INQUIRIES = "productive_inquiries", "Productive inquiries"
    SHARED_UNDERSTANDING = "shared_understanding", "Building shared understanding"
    SHARED_MEMORY = "shared_memory", "Shared memory"
    CREATING_STANDARDS = "creating_standards", "Creating standards"
    FORMAL_ACCESS = "formal_access", "Formal access to knowledge"
    VISITS = "visits", "Visits"


ACTIVITY_TYPE_EXAMPLES = {
    ActivityType.EXCHANGES: "tips, stories, broadcast inquiry, pointers to resources, news, demos, document sharing",
    ActivityType.PRODUCTIVE_INQUIRIES: "hot-topic discussions, polls, debates, exploring ideas, case clinics, after-action reviews, reading groups",
    ActivityType.SHARED_UNDERSTANDING: "challenge case studies, help desk, mutual and external benchmark, joint events, joint response",
    ActivityType.SHARED_MEMORY: "documenting practice, collections, Q&A, FAQs, summaries",
    ActivityType.CREATING_STANDARDS: "models of practice, problem solving, warranting",
    ActivityType.FORMAL_ACCESS: "training and workshops, invited speakers, guests",
    ActivityType.VISITS: "field trips, practice fairs, peer assist, following a practitioner",
}


class Format(models.TextChoices):
    """How an activity engages people."""

    ONE_TO_MANY = "one_to_many", "One-to-many"
    MANY_TO_MANY = "many_to_many", "Many-to-many"
    SMALL_GROUPS = "small_groups", "Small groups"
    ONE_TO_ONE = "one_to_one", "One-to-one"


FORMAT_EXAMPLES = {
    Format.ONE_TO_MANY: "presentations and Q&A, TED-style and Ignite talks, brown-bag lunches",
    Format.MANY_TO_MANY: "world café, fishbowl, panel, debate, fair/booths, gallery walk, open space",
    Format.SMALL_GROUPS: "discussion and working groups, leadership groups",
    Format.ONE_TO_ONE: "peer mentoring, buddying, apprenticeship, speed dating",
}


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    FACE_TO_FACE = "face_to_face", "Face-to-face"
    HYBRID = "hybrid", "Hybrid"


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly, on the same weekday of the month (e.g. 2nd Tuesday)"
    QUARTERLY = "quarterly", "Quarterly, on the same weekday of the month"
    CUSTOM = "custom", "Custom rule (RFC 5545)"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    CANCELLED = "cancelled", "Cancelled"


class OutputKind(models.TextChoices):
    FAQ = "faq", "FAQ"
    SUMMARY = "summary", "Summary"
    INSIGHT = "insight", "Insight"
    DOCUMENT = "document", "Document"
    CASE_STORY = "case_story", "Case story"
    REFLECTION = "reflection", "Reflection on failure"
    OTHER = "other", "Other"


class AgendaStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    PRIORITISED = "prioritised", "Prioritised"
    BEING_ADDRESSED = "being_addressed", "Being addressed"
    ADDRESSED = "addressed", "Addressed"
    PARKED = "parked", "Parked"


class HelpStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Loop closed"


# An agenda item's workflow, written once (the permission rules read it). Whoever raised an
# item edits it while it is only raised (coordinators always); members vote on the items
# still open; coordinators move an item freely along the agenda.
AGENDA_WORKFLOW = Workflow(
    initial=AgendaStatus.RAISED,
    edit=step(AgendaStatus.RAISED),
    vote=step(AgendaStatus.RAISED, AgendaStatus.PRIORITISED, AgendaStatus.BEING_ADDRESSED),
    move=step(*AgendaStatus.values, to=tuple(AgendaStatus.values)),
)

# A help request's workflow (the learning loop), written once (the permission rules read it):
# members answer until the loop is closed; the asker marks answers helpful (the first one
# answers the request) and closes the loop with a follow-up; a closed loop is captured in
# shared memory.
HELP_WORKFLOW = Workflow(
    initial=HelpStatus.OPEN,
    answer=step(HelpStatus.OPEN, HelpStatus.ANSWERED),
    mark_helpful=step(HelpStatus.OPEN, HelpStatus.ANSWERED, to=HelpStatus.ANSWERED),
    follow_up=step(HelpStatus.ANSWERED, to=HelpStatus.CLOSED),
    capture=step(HelpStatus.CLOSED),
)


class LoopOutcome(models.TextChoices):
    WORKED = "worked", "It worked"
    PARTLY = "partly", "It partly worked"
    DID_NOT_APPLY = "did_not_apply", "It did not apply"


class MemoryKind(models.TextChoices):
    FAQ = "faq", "FAQ"
    SUMMARY = "summary", "Summary"
    INSIGHT = "insight", "Insight"
    CASE_STORY = "case_story", "Case story"
    REFLECTION = "reflection", "Reflection on failure"
