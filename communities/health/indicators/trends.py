"""Each indicator's values over the periods, for one community, from the batch's counts."""

from __future__ import annotations

from collections import defaultdict

from communities.choices import LeadershipRole, Level
from sponsorship.choices import CaseStatus
from value_stories.choices import Cycle

from .counts import Counts
from .flags import raised_flags
from .periods import Window
from .results import LEVEL_KEYS, CommunityHealth, Indicator


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def _snapshot_value(data, key):
    if not data:
        return None
    for indicator in data.get("indicators", []):
        if indicator.get("key") == key:
            values = indicator.get("values") or []
            return values[-1] if values else None
    return None


def community_health(row, data: Counts, w: Window) -> CommunityHealth:
    cid = row["pk"]
    months = w.months

    def monthly(source, pick, default=0):
        return [pick(source[(cid, m)]) if (cid, m) in source else default for m in months]

    def state(key, current):
        past = [_snapshot_value(data.snapshots.get((cid, m)), key) for m in months[:-1]]
        return [*past, current]

    indicators = []

    def add(key, label, group, values, **extra):
        indicators.append(Indicator(key=key, label=label, group=group, values=values, **extra))

    # Rhythm
    sessions = [data.sessions.get((cid, m), (0, 0)) for m in months]
    add(
        "rhythm_adherence", "Rhythm adherence", "Rhythm",
        [_percent(held, planned) for planned, held in sessions], unit="%",
        help="Sessions held (an activity was logged for them) out of the sessions the rhythm "
        "planned, cancelled ones left out; a session still within the heartbeat grace is "
        "not counted as missed. No data for a month without planned sessions.",
        breakdown={"planned": sessions[-1][0], "held": sessions[-1][1]},
    )  # fmt: skip
    add("sessions_planned", "Sessions planned", "Rhythm", [p for p, _ in sessions],
        help="Rhythm and one-off sessions in the month (to date), cancelled ones left out; "
        "a session still within the heartbeat grace counts once it is held or the grace "
        "is over.")  # fmt: skip
    add("sessions_held", "Sessions held", "Rhythm", [h for _, h in sessions],
        help="Planned sessions with an activity logged for them.")  # fmt: skip
    add("activities", "Activities logged", "Rhythm", monthly(data.activities, int),
        help="Learning activities logged in the month, in a session or not.")  # fmt: skip

    # Participation
    levels = data.levels.get(cid, {})
    add(
        "members", "Members", "Participation", state("members", sum(levels.values())),
        help="Members now, by level of participation (from the centre outwards).",
        breakdown={key: levels.get(key, 0) for key, _ in LEVEL_KEYS},
    )  # fmt: skip
    add("attendance", "Attendance records", "Participation",
        monthly(data.attendance, lambda v: v[0]),
        help="People recorded as attending the month's activities (one per person and "
        "activity; guests left out).")  # fmt: skip
    add("attendees", "Distinct attendees", "Participation",
        monthly(data.attendance, lambda v: v[1]),
        help="Different people who attended at least one activity in the month.")  # fmt: skip
    add("moved_inwards", "Moved inwards", "Participation",
        monthly(data.movement, lambda v: v[0]),
        help="Changes of participation level towards the core group.")  # fmt: skip
    add("moved_outwards", "Moved outwards", "Participation",
        monthly(data.movement, lambda v: v[1]),
        help="Changes of participation level away from the core group.")  # fmt: skip

    # Leadership
    core_size = levels.get("coordinator", 0) + levels.get(Level.CORE, 0)
    add("core_group", "Core group size", "Leadership", state("core_group", core_size),
        help="Coordinators and core group members now.")  # fmt: skip
    add("coordinators", "Coordinators", "Leadership",
        state("coordinators", levels.get("coordinator", 0)))  # fmt: skip
    roles = data.roles.get(cid, [])
    holders = defaultdict(int)
    for _, role, _ in roles:
        holders[role] += 1
    add(
        "leadership_roles", f"Leadership roles filled (of {len(LeadershipRole)})", "Leadership",
        state("leadership_roles", len(holders)),
        help="Internal leadership roles held by at least one member: community keeper, "
        "social reporter, agenda activist, external messenger, critical friend, "
        "institutional broker.",
        breakdown={role: holders.get(role, 0) for role in LeadershipRole.values},
    )  # fmt: skip

    # Learning loops
    help_counts = [data.help.get((cid, m)) for m in months]
    add("help_requests", "Help requests", "Learning loops",
        [h["asked"] if h else 0 for h in help_counts],
        help="Requests for help asked in the month.")  # fmt: skip
    add(
        "help_answered_in_time", "Answered within the commitment", "Learning loops",
        [_percent(h["in_time"], h["due"]) if h else None for h in help_counts], unit="%",
        help="Of the month's requests that are answered or past the community's response "
        "commitment (working days), the share first answered within it. No data for a "
        "month without such requests.",
        breakdown={"due": help_counts[-1]["due"] if help_counts[-1] else 0,
                   "in_time": help_counts[-1]["in_time"] if help_counts[-1] else 0},
    )  # fmt: skip
    add("loops_closed", "Learning loops closed", "Learning loops",
        [h["closed"] if h else 0 for h in help_counts],
        help="Requests whose asker followed up in the month: how it turned out.")  # fmt: skip

    # Learning agenda, practice groups
    add("agenda_addressed", "Agenda items addressed", "Learning agenda",
        monthly(data.agenda, int),
        help="Challenges on the learning agenda marked addressed (by the month of their last "
        "change).")  # fmt: skip
    add("practice_groups_active", "Practice groups active", "Practice groups",
        state("practice_groups_active", row["groups_active"]),
        help="Chartered practice groups now at work.")  # fmt: skip
    add("reports_endorsed", "Progress reports endorsed", "Practice groups",
        monthly(data.endorsed, int),
        help="Practice groups' progress reports endorsed by the community (by the month of "
        "their first endorsement).")  # fmt: skip

    # Value creation
    stories = [data.stories.get((cid, m)) for m in months]
    add(
        "stories", "Value-creation stories", "Value creation",
        [s["total"] if s else 0 for s in stories],
        help="Stories approved in the month; the breakdown shows the cycles they claim "
        "(a story may claim several).",
        breakdown={c.value: (stories[-1] or {}).get(c.value, 0) for c in Cycle},
    )  # fmt: skip

    # Sponsorship
    sponsor_count = row["named_sponsors"] + row["program_sponsors"]
    review_date = row["review_date"]
    review_current = None if review_date is None else int(review_date >= w.as_of_date)
    add("sponsors", "Sponsors", "Sponsorship", state("sponsors", sponsor_count),
        help="Officially appointed, current sponsors of this community (program-wide "
        "sponsors included).")  # fmt: skip
    add(
        "business_case_endorsed", "Business case endorsed", "Sponsorship",
        state("business_case_endorsed", int(row["case_status"] == CaseStatus.ENDORSED)),
        unit="yes/no",
        help="Whether the latest business case shown to the sponsor is endorsed.",
    )  # fmt: skip
    add(
        "agreement_review_current", "Agreement review current", "Sponsorship",
        state("agreement_review_current", review_current), unit="yes/no",
        help="Whether the expectations-and-accountability agreement's review date is still "
        "ahead. No data without an agreement.",
    )  # fmt: skip

    participants, participants_before = data.participants.get(cid, (0, 0))
    health = CommunityHealth(
        community_id=cid,
        periods=list(months),
        indicators=indicators,
        flags=[],
        status={
            "last_activity_on": row["last_activity_on"],
            "sessions_planned": sessions[-1][0],
            "sessions_held": sessions[-1][1],
            "participants": participants,
            "participants_before": participants_before,
            "stories": data.recent_stories[cid],
        },
    )
    health.flags = raised_flags(row, data, w, health, roles)
    return health
