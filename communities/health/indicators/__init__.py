"""Automatic indicators and flags for a batch of communities.

THE CONTRACT (other modules rely on these names and shapes):

    compute(community_ids, *, period=None, now=None, periods=4) -> dict[int, CommunityHealth]

- `period` is the first day of the month the figures are about (None: the current month,
  to date). Figures are computed for that month and the `periods - 1` months before it,
  oldest first, so each indicator carries its trend over the last four periods.
- Event indicators (sessions held, attendance, help requests answered, loops closed,
  agenda items addressed, reports endorsed, stories) are computed per month in the
  database. State indicators (core group size, leadership roles filled, practice groups
  active, participation distribution, sponsor engagement) are known "now"; their past
  values come from the stored monthly `HealthReport` snapshots where they exist, else None.
- A value of None means "no data for that period"; an indicator whose source has not
  landed is `available=False` and shows as "not yet available", never as zero.
- The number of queries is fixed whatever the number of communities in the batch
  (callers batch by settings.CHILDCOP_HEALTH_BATCH_SIZE).

How it is computed (communities/health/indicators/ is the one place):

- Periods are calendar months in the program's time zone; `period=None` is the current
  month to date. Event indicators count what happened in each month: sessions (planned =
  not cancelled and either held or past the community's heartbeat grace by now, so a
  session the coordinators may still log is not yet counted as missed — the grace of
  `rhythm.jobs.missed_heartbeat_sessions`; held = an activity was logged for it),
  activities, attendance records and distinct attendees, moves between participation
  levels (inwards = towards the core group), help requests (answered within the
  commitment = first answer within the community's `response_commitment_days` working
  days, over the requests answered or past that deadline), learning loops closed,
  agenda items addressed (by their last change: agenda items keep no status history),
  progress reports endorsed (by their first endorsement), value-creation stories approved
  (by approval date, with their cycles).
- Indicator keys, by group (unit "%" = a share, "yes/no" = 1/0, else a count; * = state):
  Rhythm: rhythm_adherence (%), sessions_planned, sessions_held, activities;
  Participation: members* (breakdown by level, "coordinator" first), attendance, attendees,
  moved_inwards, moved_outwards; Leadership: core_group*, coordinators*,
  leadership_roles* (breakdown by role); Learning loops: help_requests,
  help_answered_in_time (%), loops_closed; Learning agenda: agenda_addressed; Practice
  groups: practice_groups_active*, reports_endorsed; Value creation: stories (breakdown by
  cycle); Sponsorship: sponsors*, business_case_endorsed* (yes/no),
  agreement_review_current* (yes/no; None without an agreement). `breakdown_rows()` gives
  a breakdown in the domain's order (stored JSON may not keep the keys' order).
- Flags (choices.Flag, explained by FLAG_ADVICE; `detail` says what tripped it):
  * missed heartbeat — a planned session past the community's heartbeat grace with no
    activity logged, within the last 30 days (rhythm.jobs.missed_heartbeat_sessions, the
    coordinators' warning email's own definition);
  * no coordinator — no active account is a coordinator (deactivated accounts count for
    nothing: not as coordinators, not as sponsors);
  * leader neglect — one person holds every leadership role assigned (two or more), or
    every coordinator has neither attended nor logged an activity in the community for
    CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS (a coordinator who joined within that time
    counts as active);
  * no sponsor — no officially appointed, current sponsor covers the community (named or
    program-wide), or the agreement's review date has passed;
  * no story — no value-creation story approved within CHILDCOP_FLAG_NO_STORY_DAYS, for a
    community created longer ago than that;
  * participation falling — distinct attendees over the last
    CHILDCOP_PARTICIPATION_WINDOW_DAYS fell by more than CHILDCOP_FLAG_PARTICIPATION_DROP
    percent against the window before; ignored when the window before had fewer than
    PARTICIPATION_MIN_BASE (5) attendees;
  * regulars drifting — more than CHILDCOP_FLAG_DRIFTING_SHARE percent of the regulars (the
    core group and coordinators, and members who took part in at least
    CHILDCOP_PARTICIPATION_ACTIVE percent of the activities over the participation window
    before the last CHILDCOP_DRIFT_WEEKS weeks; not those who joined within those weeks)
    took part in nothing in those weeks; ignored below DRIFTING_MIN_BASE (4) regulars
    (communities.landscape.services.drifting, the drifting regulars page's own list);
  * core group shrinking — the core group (coordinators included) is smaller than
    CHILDCOP_PARTICIPATION_WINDOW_DAYS ago by more than CHILDCOP_FLAG_CORE_SHRINK percent,
    its size then counted back from now with the level changes and the departures of core
    members; ignored when it had fewer than CORE_MIN_BASE (3) people then;
  * health check overdue — no health check opened within
    CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS, for a community created longer ago than that.
- Closed communities raise no flags. Communities in the *potential* stage are being
  launched: they have no coordinator, sponsor, stories, participation or health checks to
  speak of yet, and their launch plan tracks what is missing; they raise only "missed
  heartbeat" (a session planned for the launch that passed with nothing logged). Their
  indicators are computed as for any community.

`CommunityHealth.as_json()` is what reports and status rows store;
`CommunityHealth.from_json()` reads it back.

The package, by concern: `results` (the shapes: Indicator, RaisedFlag, CommunityHealth, the
groups and breakdown labels), `periods` (months and the window of one computation),
`counts` (the batch's queries, each run once), `trends` (each indicator's values over the
periods), `flags` (the flags raised).
"""

from __future__ import annotations

from .counts import Counts
from .periods import Window, add_months, month_starts
from .results import (
    BREAKDOWN_LABELS,
    GROUPS,
    LEVEL_KEYS,
    PARTICIPATION_MIN_BASE,
    CommunityHealth,
    Indicator,
    RaisedFlag,
    breakdown_rows,
)
from .trends import community_health

__all__ = [
    "BREAKDOWN_LABELS",
    "GROUPS",
    "LEVEL_KEYS",
    "PARTICIPATION_MIN_BASE",
    "CommunityHealth",
    "Indicator",
    "RaisedFlag",
    "add_months",
    "breakdown_rows",
    "compute",
    "month_starts",
]


def compute(community_ids, *, period=None, now=None, periods=4) -> dict[int, CommunityHealth]:
    """The indicators and flags of every community in `community_ids`: a fixed number of
    queries (22) whatever the number of communities; none for an empty batch.

    "Now" for the flags and the windows (participation, stories, coordinators' activity,
    health checks, sponsors) is `now`, or the last moment of `period` when it is past, so a
    report regenerated later judges the month by its own end; memberships, roles, practice
    groups and stages are as they are now (the product keeps no history of them, which is
    why the monthly reports keep snapshots).
    """
    ids = sorted({int(pk) for pk in community_ids})
    if not ids:
        return {}
    w = Window.for_period(period, now, periods)
    data = Counts(ids, w)
    return {row["pk"]: community_health(row, data, w) for row in data.communities}
