"""The vocabularies of health checks, flags and support requests, in the guide's words."""

from django.db import models

from childcop.workflows import Workflow, step


class SuccessFactor(models.TextChoices):
    PASSION = "passion", "Passion for the domain"
    RELEVANCE = "relevance", "Relevance to practice"
    OWNERSHIP = "ownership", "Ownership of the agenda"
    INTERNAL_LEADERSHIP = "internal_leadership", "Internal leadership"
    ENERGISED_CORE = "energised_core", "Energised core group"
    LEARNING_TRUMPS_POWER = "learning_trumps_power", "Learning trumps power"
    RHYTHM = "rhythm", "Community rhythm"
    TRUST = "trust", "Trust"
    VALUE_FOR_TIME = "value_for_time", "High value for time"
    HIGH_EXPECTATIONS = "high_expectations", "High expectations"
    ENGAGED_SPONSORSHIP = "engaged_sponsorship", "Engaged sponsorship"
    SKILLED_SUPPORT = "skilled_support", "Skilled support"
    DISTRIBUTED_LEADERSHIP = "distributed_leadership", "Distributed leadership"


class FailureFactor(models.TextChoices):
    LACK_OF_TIME = "lack_of_time", "Lack of time"
    LEADER_NEGLECT = "leader_neglect", "Leader neglect"
    GROUPTHINK = "groupthink", "Groupthink"
    BUILD_IT = "build_it", "“Build it and they will come”"
    COMPLAINING = "complaining", "Stuck in complaining"
    DE_ENERGISING = "de_energising", "De-energising tasks"
    RED_TAPE = "red_tape", "Red tape"
    HQ_FIELD = "hq_field", "HQ–field divide"
    COMMAND_AND_CONTROL = "command_and_control", "Command and control"
    COOKIE_CUTTER = "cookie_cutter", "Cookie-cutter approach"
    FAD_OR_MANDATE = "fad_or_mandate", "Fad or mandate"
    IDEOLOGY = "ideology", "Ideology"
    NO_STRATEGIC_THINKING = "no_strategic_thinking", "Lack of strategic thinking"


class Flag(models.TextChoices):
    """What the indicators raise for the social learning team's attention."""

    MISSED_HEARTBEAT = "missed_heartbeat", "Missed heartbeat"
    NO_COORDINATOR = "no_coordinator", "No coordinator"
    LEADER_NEGLECT = "leader_neglect", "Leader neglect"
    NO_SPONSOR = "no_sponsor", "Sponsor missing, or agreement review overdue"
    NO_STORY = "no_story", "No value-creation story lately"
    PARTICIPATION_FALLING = "participation_falling", "Participation falling"
    REGULARS_DRIFTING = "regulars_drifting", "Regulars drifting"
    CORE_SHRINKING = "core_shrinking", "Core group shrinking"
    HEALTH_CHECK_OVERDUE = "health_check_overdue", "Health check overdue"


# Why each flag matters and what to do about it (from the guide's success and failure
# factors and the social learning team's responsibilities).
FLAG_ADVICE = {
    Flag.MISSED_HEARTBEAT: (
        "A session the rhythm expected passed with no activity logged.",
        "Talk with the coordinator: log what happened, or adjust the rhythm so the "
        "community keeps a discernible heartbeat.",
    ),
    Flag.NO_COORDINATOR: (
        "Nobody coordinates this community.",
        "Find a coordinator with the core group and coach them; internal leadership is a "
        "success factor.",
    ),
    Flag.LEADER_NEGLECT: (
        "One person holds every leadership role, or the coordinator has been inactive.",
        "Distribute leadership: invite core members into the roles (community keeper, "
        "social reporter, agenda activist, …) before the community depends on one person.",
    ),
    Flag.NO_SPONSOR: (
        "The community has no appointed sponsor, or its expectations-and-accountability "
        "agreement is past its review date.",
        "Connect the community with a sponsor and negotiate (or review) expectations and "
        "accountability.",
    ),
    Flag.NO_STORY: (
        "No value-creation story was shared lately.",
        "Ask the social reporter to collect a story from a recent activity, so value "
        "stays visible to members and sponsors.",
    ),
    Flag.PARTICIPATION_FALLING: (
        "Fewer people took part than in the period before.",
        "Check the value for time: ask members what would bring them back, and revisit "
        "the learning agenda and the rhythm.",
    ),
    Flag.REGULARS_DRIFTING: (
        "Regulars of the community — its core group and active members — took part in "
        "nothing for several weeks: they may be drifting away.",
        "Keep in touch (backchannel work): send each a personal note, and invite them to a "
        "specific activity that matches what they usually come to. The list of drifting "
        "regulars is on the community's retention page.",
    ),
    Flag.CORE_SHRINKING: (
        "The core group is smaller than it was a participation window ago: an energised "
        "core group is a success factor, and leader neglect a risk.",
        "Cultivate the core group: talk with those who stepped back, invite active members "
        "into it and share leadership roles (distributed leadership).",
    ),
    Flag.HEALTH_CHECK_OVERDUE: (
        "No health check was opened within the expected interval.",
        "Open a health check so the core group rates the dimensions of intentional development.",
    ),
}


class SupportKind(models.TextChoices):
    """What a coordinator or a practice group asks the social learning team for."""

    COACHING = "coaching", "Coaching"
    LAUNCH_HELP = "launch_help", "Launch help"
    FACILITATION = "facilitation", "Facilitation"
    TECHNOLOGY = "technology", "Technology"
    LOGISTICS = "logistics", "Logistics"


class SupportStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


# A support request's workflow: the social learning team moves a request freely between its
# states; once it has left its initial state, someone of the team answers for it.
SUPPORT_WORKFLOW = Workflow(
    initial=SupportStatus.OPEN,
    update=step(*SupportStatus.values, to=tuple(SupportStatus.values)),
)


class CheckState(models.TextChoices):
    """A health check is open until its coordinator closes it (`HealthCheck.state`)."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# A health check's workflow, written once: the core group answers an open check, and its
# coordinator closes it; a closed check is kept as it was.
HEALTH_CHECK_WORKFLOW = Workflow(
    initial=CheckState.OPEN,
    answer=step(CheckState.OPEN),
    close=step(CheckState.OPEN, to=CheckState.CLOSED),
)
