"""The benchmark program's figures and vocabulary (bench.data): how big the program is at
scale 1, the people the benchmark times, and the names, weights and texts rows are made of."""

from __future__ import annotations

from datetime import date, timedelta

# Change when the generated data changes: a seeded database with another version is rebuilt.
VERSION = "3"

COMMUNITIES = 500
PEOPLE = 30_000
MEMBERSHIPS = 75_000
BIGGEST_COMMUNITY = 3_000
ATTENDANCE = 1_000_000
STORIES = 20_000
HELP_REQUESTS = 20_000
PORTFOLIO = 30  # communities of the timed portfolio sponsor, at every size
HISTORY_DAYS = 730  # two years of rhythm, activities and stories
AHEAD_DAYS = 180  # sessions materialised ahead, as the nightly job does

ADMIN_EMAIL = "admin@bench.example.org"
COORDINATOR_EMAIL = "coordinator@bench.example.org"
SPONSOR_EMAIL = "sponsor@bench.example.org"

TOPICS = [
    "Data protection", "Field safety", "Agile delivery", "Procurement", "Customer voice",
    "Data science", "Leadership", "Records management", "Green operations", "Cyber security",
    "Project management", "Knowledge management", "User research", "Supply chain",
    "Financial planning", "Onboarding", "Quality assurance", "Data engineering",
    "Risk management", "Public speaking", "Software testing", "Logistics",
    "Innovation", "Facilities", "Health and wellbeing",
]  # fmt: skip
KINDS = ["network", "circle", "guild", "forum", "lab", "exchange", "practice", "community"]
REGIONS = ["", " North", " South", " East", " West", " Central"]
AREAS = [
    "everyday projects", "field operations", "the head office", "partner organisations",
    "regional teams", "new services", "audits and reviews", "our daily work",
]  # fmt: skip
FIRST = [
    "Amira", "Kofi", "Mei", "Noah", "Cora", "Sofia", "Liam", "Aisha", "Jonas", "Priya",
    "Mateo", "Yuki", "Fatima", "Lars", "Chloé", "Tariq", "Ingrid", "Diego", "Zara", "Omar",
    "Hannah", "Ravi", "Elena", "Kwame", "Sven", "Leila", "Tomás", "Ana", "Felix", "Nadia",
]  # fmt: skip
LAST = [
    "Haddad", "Mensah", "Tanaka", "Fischer", "Lindqvist", "Reyes", "Okafor", "Novak",
    "Kowalski", "Sato", "Nguyen", "Ibrahim", "Johansson", "Rossi", "Dubois", "Patel",
    "Schmidt", "Moreau", "Silva", "Costa", "Jensen", "Ahmed", "Müller", "Kim", "Popescu",
]  # fmt: skip
STAGE_WEIGHTS = {
    "potential": 6, "coalescing": 18, "maturing": 32, "sustaining": 27, "transforming": 10,
    "closed": 7,
}  # fmt: skip
STAGE_PATH = ["potential", "coalescing", "maturing", "sustaining", "transforming", "closed"]
LEVEL_WEIGHTS = {"active": 12, "occasional": 25, "peripheral": 45, "transactional": 18}
# How much more likely a member of each level is to attend an activity.
ATTEND_WEIGHT = {"core": 14, "active": 8, "occasional": 4, "peripheral": 1, "transactional": 1}
ROLES = [
    "community_keeper", "social_reporter", "agenda_activist", "external_messenger",
    "critical_friend", "institutional_broker",
]  # fmt: skip
ACTIVITY_TYPES = [
    "exchanges", "productive_inquiries", "shared_understanding", "shared_memory",
    "creating_standards", "formal_access", "visits",
]  # fmt: skip
FORMATS = ["one_to_many", "many_to_many", "small_groups", "one_to_one"]
RHYTHM_TITLES = {
    "weekly": "Weekly exchange",
    "fortnightly": "Fortnightly case clinic",
    "monthly": "Monthly community call",
}
CYCLE_RATES = {
    "immediate": 0.8, "potential": 0.7, "applied": 0.45, "realized": 0.25, "reframing": 0.1,
    "enabling": 0.15, "strategic": 0.1, "orienting": 0.08, "transformative": 0.04,
}  # fmt: skip
INDICATOR_NAMES = [
    ("Incidents per quarter", ""), ("Hours saved per month", "hours"), ("Cost avoided", "€"),
    ("Customer satisfaction", "%"), ("Lead time", "days"), ("Defects found late", ""),
    ("Reuse of templates", "%"), ("Audit findings", ""),
]  # fmt: skip
SUCCESS_FACTORS = [
    "passion", "relevance", "ownership", "internal_leadership", "energised_core",
    "learning_trumps_power", "rhythm", "trust", "value_for_time", "high_expectations",
    "engaged_sponsorship", "skilled_support", "distributed_leadership",
]  # fmt: skip
FAILURE_FACTORS = [
    "lack_of_time", "leader_neglect", "groupthink", "build_it", "complaining",
    "de_energising", "red_tape", "hq_field", "command_and_control", "cookie_cutter",
    "fad_or_mandate", "ideology", "no_strategic_thinking",
]  # fmt: skip
CULTIVATING = [
    "ensure_quality", "enabling_participation", "enabling_reification",
    "distributing_leadership", "community_cultivation", "backchannel_work", "self_care",
    "community_building", "assessment", "institutional_brokering",
]  # fmt: skip
REASONS = [
    "subtopic", "project", "better_together", "state_of_the_art", "out_of_the_box",
    "cross_boundary", "advisory_group", "contextual_subset",
]  # fmt: skip
BUSINESS_CASE_FIELDS = [
    "why_care", "strategy", "capabilities", "connections", "boundaries", "success",
    "operation", "resources", "sponsor_role",
]  # fmt: skip
TEXT = (
    "We compared how three teams handle the same **clause** and agreed on one checklist; "
    "the next review found fewer gaps and people asked for the template."
)


def sizes_for(scale: float) -> dict:
    """The program's figures at a scale (1 = the large program)."""
    return {
        "communities": max(10, round(COMMUNITIES * scale)),
        "people": max(300, round(PEOPLE * scale)),
        "memberships": max(1_000, round(MEMBERSHIPS * scale)),
        "biggest": max(60, round(BIGGEST_COMMUNITY * scale)),
        "attendance": max(5_000, round(ATTENDANCE * scale)),
        "stories": max(200, round(STORIES * scale)),
        "help_requests": max(200, round(HELP_REQUESTS * scale)),
    }


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    month = start.month + 3
    year = start.year + (month > 12)
    return date(year, (month - 1) % 12 + 1, 1) - timedelta(days=1)
