"""The vocabularies of sponsorship and the support structure (see the domain guide)."""

from django.db import models

from childcop.workflows import Workflow, step


class AppointmentRole(models.TextChoices):
    SPONSOR = "sponsor", "Sponsor"
    SME = "sme", "SME (subject-matter expert)"
    MENTOR = "mentor", "Mentor"
    YOUNG_LEADER = "young_leader", "Young leader"


class SponsorKind(models.TextChoices):
    PORTFOLIO = "portfolio", "Portfolio sponsor"
    LOCAL = "local", "Local sponsor"
    DOMAIN = "domain", "Domain sponsor"
    INDIVIDUAL = "individual", "Individual sponsor"


class AppointmentStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    APPOINTED = "appointed", "Appointed"
    ENDED = "ended", "Ended"


# An appointment's workflow, written once (the services and the views read it): a person is
# identified, then officially appointed; an appointment ends, and so does a candidacy that
# was not pursued.
APPOINTMENT_WORKFLOW = Workflow(
    initial=AppointmentStatus.IDENTIFIED,
    appoint=step(AppointmentStatus.IDENTIFIED, to=AppointmentStatus.APPOINTED),
    end=step(AppointmentStatus.IDENTIFIED, AppointmentStatus.APPOINTED, to=AppointmentStatus.ENDED),
)


class Scope(models.TextChoices):
    PROGRAM = "program", "The whole program"
    COMMUNITIES = "communities", "Named communities"


class PairStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to the sponsor"
    ENDORSED = "endorsed", "Endorsed"


# A business case version's workflow, written once (the services and the views read it).
# A draft is edited in place and submitted to the sponsors; editing a submitted or endorsed
# version starts a new draft version instead. The sponsors comment on a submitted version,
# and the first endorsement endorses it.
CASE_WORKFLOW = Workflow(
    initial=CaseStatus.DRAFT,
    edit=step(CaseStatus.DRAFT),
    submit=step(CaseStatus.DRAFT, to=CaseStatus.SUBMITTED),
    respond=step(CaseStatus.SUBMITTED, CaseStatus.ENDORSED),
    endorse=step(CaseStatus.SUBMITTED, to=CaseStatus.ENDORSED),
)


class ResponseKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    ENDORSE = "endorse", "Endorse"


class Side(models.TextChoices):
    COMMUNITY = "community", "The community"
    SPONSOR = "sponsor", "The sponsor"
    TEAM = "team", "The social learning team"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class CouncilKind(models.TextChoices):
    ADVISORY = "advisory", "Advisory council"
    COORDINATOR = "coordinator", "Coordinator council"


# The sponsor's business case questions, in the guide's words: (field, question).
BUSINESS_CASE_QUESTIONS = [
    ("why_care", "Why should I care?"),
    (
        "strategy",
        "How will the community contribute to the strategy or mission of my organisation?",
    ),
    ("capabilities", "What capabilities will it develop?"),
    ("connections", "What new connections will it enable?"),
    ("boundaries", "What boundaries or silos will it cross?"),
    ("success", "What will success look like and how will you know?"),
    ("operation", "How will you operate?"),
    ("resources", "What resources will you need?"),
    ("sponsor_role", "What do you expect from me — what role do you want me to play?"),
]

# Short guidance under each question (the question itself is the field's label).
GUIDANCE = {
    "why_care": "The problem or opportunity in the sponsor's terms: what it costs today, "
    "what is at stake if nothing changes.",
    "strategy": "Name the goals or priorities of the organisation this community serves, "
    "and how its work moves them forward.",
    "capabilities": "The skills, practices and know-how members will build together.",
    "connections": "Who will meet whom: across teams, sites, levels, newcomers and experts.",
    "boundaries": "The silos, functions or organisations the community will link.",
    "success": "What will be different in a year, and the evidence you will show: "
    "value-creation stories, indicators, participation.",
    "operation": "Rhythm, activities, roles of the core group and the coordinator, tools.",
    "resources": "Time for coordinators and members, budget, facilitation, tools, travel.",
    "sponsor_role": "What you ask of the sponsor: attention, air time, removing obstacles, "
    "recognising contributions, resources.",
}
