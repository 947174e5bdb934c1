"""The vocabularies of value creation (see the domain guide: value creation, the story template)."""

from django.db import models

from childcop.workflows import Workflow, step


class Cycle(models.TextChoices):
    """The value-creation cycles, in the order a story walks them."""

    IMMEDIATE = "immediate", "Immediate value"
    POTENTIAL = "potential", "Potential value"
    APPLIED = "applied", "Applied value"
    REALIZED = "realized", "Realized value"
    REFRAMING = "reframing", "Reframing value"
    ENABLING = "enabling", "Enabling value"
    STRATEGIC = "strategic", "Strategic value"
    ORIENTING = "orienting", "Orienting value"
    TRANSFORMATIVE = "transformative", "Transformative value"


CYCLE_HELP = {
    Cycle.IMMEDIATE: "the activity itself: a good meeting, a useful case clinic, a challenging inquiry",
    Cycle.POTENTIAL: "what was gained for later: an insight, a document, a relationship, advice",
    Cycle.APPLIED: "a change in practice: a new practice, a different approach, a collaboration",
    Cycle.REALIZED: "a difference in performance: an improved outcome, a measure (or a failure)",
    Cycle.REFRAMING: "rethinking criteria, strategy or what success means",
    Cycle.ENABLING: "the conditions that made it possible: sponsorship, technology, leadership",
    Cycle.STRATEGIC: "alignment and strategic conversations with stakeholders",
    Cycle.ORIENTING: "orientation in the wider landscape of practices",
    Cycle.TRANSFORMATIVE: "change in identity or in the institution",
}

# One short example of each cycle, in a storyteller's words (the guided story's second step).
CYCLE_EXAMPLES = {
    Cycle.IMMEDIATE: "“The case clinic was lively: I met two colleagues facing the same clause.”",
    Cycle.POTENTIAL: "“I left with a checklist of red flags and a contact in Legal.”",
    Cycle.APPLIED: "“I used the checklist on the next two tenders.”",
    Cycle.REALIZED: "“A penalty clause was caught in time: 40,000 € not paid.”",
    Cycle.REFRAMING: "“We now judge a contract by its risks, not only by its price.”",
    Cycle.ENABLING: "“Our sponsor freed two hours a month for the clinic.”",
    Cycle.STRATEGIC: "“Procurement asked the community to review its policy.”",
    Cycle.ORIENTING: "“I now know which other communities work on suppliers.”",
    Cycle.TRANSFORMATIVE: "“I see myself as a contract expert now, and others ask me.”",
}

# The chain of attribution: from an activity through potential and applied to realized value.
CHAIN = [Cycle.POTENTIAL, Cycle.APPLIED, Cycle.REALIZED]


def cycle_field(cycle) -> str:
    """The boolean column on ValueStory that tags a claimed cycle."""
    return f"claims_{cycle}"


class Narrative(models.TextChoices):
    GROUND = "ground", "Ground narrative (it happened)"
    ASPIRATIONAL = "aspirational", "Aspirational narrative (hoped-for value)"


class Visibility(models.TextChoices):
    COMMUNITY = "community", "My community only"
    PROGRAM = "program", "The whole program (not sponsors)"
    SPONSORS = "sponsors", "The whole program and the community's sponsors"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A story's workflow, written once: the permission rules and the services both read it.
# Its author edits and submits a draft (or a returned story); a coordinator of its community
# approves it or returns it with comments; its author may withdraw it at any point.
STORY_WORKFLOW = Workflow(
    initial=Status.DRAFT,
    edit=step(Status.DRAFT, Status.RETURNED),
    submit=step(Status.DRAFT, Status.RETURNED, to=Status.SUBMITTED),
    review=step(Status.SUBMITTED, to=(Status.APPROVED, Status.RETURNED)),
    withdraw=step(
        Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, to=Status.WITHDRAWN
    ),
)
