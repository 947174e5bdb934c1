"""The flags one community raises (see the package's notes for who raises which)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import dateformat, timezone

from communities.choices import Level, Stage

from ..choices import FLAG_ADVICE, Flag
from .results import (
    CORE_MIN_BASE,
    DRIFTING_MIN_BASE,
    PARTICIPATION_MIN_BASE,
    CommunityHealth,
    RaisedFlag,
)

if TYPE_CHECKING:
    from .counts import Counts
    from .periods import Window


def _when(day) -> str:
    return dateformat.format(day, "j M Y")


def _flag(key, detail) -> RaisedFlag:
    flag = Flag(key)
    explanation, action = FLAG_ADVICE[flag]
    return RaisedFlag(key=flag.value, label=flag.label, explanation=explanation, action=action,
                      detail=detail)  # fmt: skip


def raised_flags(row, data: Counts, w: Window, health: CommunityHealth, roles) -> list[RaisedFlag]:
    """The flags of one community (see the package's notes for who raises which)."""
    cid, stage = row["pk"], row["stage"]
    if stage == Stage.CLOSED:
        return []
    flags = []
    missed = sorted(data.missed.get(cid, []))
    if missed:
        starts_at, title = missed[-1]
        more = f" (and {len(missed) - 1} more)" if len(missed) > 1 else ""
        flags.append(_flag(Flag.MISSED_HEARTBEAT,
                           f"“{title}” on {_when(timezone.localtime(starts_at))} has no "
                           f"activity logged{more}."))  # fmt: skip
    if stage == Stage.POTENTIAL:
        return flags  # launching: the launch plan, not these flags, says what is missing

    coordinators = data.coordinators.get(cid, [])
    if not coordinators:
        flags.append(_flag(Flag.NO_COORDINATOR, "Nobody is a coordinator of this community."))

    neglect = []
    holders = {membership_id: name for membership_id, _, name in roles}
    if len(holders) == 1 and len({role for _, role, _ in roles}) >= 2:
        neglect.append(f"{next(iter(holders.values()))} holds all {len(roles)} leadership roles "
                       "assigned.")  # fmt: skip
    days = settings.CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS
    since = w.as_of_date - timedelta(days=days)
    if coordinators and all(
        c["joined_on"] <= since and (c["last_active"] is None or c["last_active"] <= since)
        for c in coordinators
    ):
        last = max((c["last_active"] for c in coordinators if c["last_active"]), default=None)
        who = "The coordinator has" if len(coordinators) == 1 else "No coordinator has"
        when = f"since {_when(last)}" if last else f"in the last {days} days"
        neglect.append(f"{who} attended or logged no activity {when}.")
    if neglect:
        flags.append(_flag(Flag.LEADER_NEGLECT, " ".join(neglect)))

    sponsorless = []
    if row["named_sponsors"] + row["program_sponsors"] == 0:
        sponsorless.append("No officially appointed, current sponsor covers this community.")
    if row["review_date"] is not None and row["review_date"] < w.as_of_date:
        sponsorless.append(f"The agreement's review date, {_when(row['review_date'])}, has passed.")
    if sponsorless:
        flags.append(_flag(Flag.NO_SPONSOR, " ".join(sponsorless)))

    story_days = settings.CHILDCOP_FLAG_NO_STORY_DAYS
    # A community younger than the window has not had the time to tell one (like "health
    # check overdue" below).
    if not health.status["stories"] and row["created_at"] <= w.as_of - timedelta(days=story_days):
        last = row["last_story_at"]
        tail = f"the last one on {_when(timezone.localtime(last))}" if last else "none yet"
        flags.append(_flag(Flag.NO_STORY,
                           f"No value-creation story approved in the last {story_days} days "
                           f"({tail})."))  # fmt: skip

    recent, before = health.status["participants"], health.status["participants_before"]
    drop = settings.CHILDCOP_FLAG_PARTICIPATION_DROP
    if before >= PARTICIPATION_MIN_BASE and 100 * (before - recent) > drop * before:
        window = settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS
        flags.append(_flag(Flag.PARTICIPATION_FALLING,
                           f"{recent} people took part in the last {window} days, against "
                           f"{before} in the {window} days before "
                           f"(−{round(100 * (before - recent) / before)}%)."))  # fmt: skip

    regulars, drifting = data.drifting.get(cid, (0, []))
    weeks = settings.CHILDCOP_DRIFT_WEEKS
    if (
        regulars >= DRIFTING_MIN_BASE
        and 100 * len(drifting) > settings.CHILDCOP_FLAG_DRIFTING_SHARE * regulars
    ):
        flags.append(_flag(Flag.REGULARS_DRIFTING,
                           f"{len(drifting)} of the {regulars} regulars (core group and active "
                           f"members) took part in nothing in the last {weeks} weeks "
                           f"({round(100 * len(drifting) / regulars)}%)."))  # fmt: skip

    levels = data.levels.get(cid, {})
    core_now = levels.get("coordinator", 0) + levels.get(Level.CORE, 0)
    entered, left = data.core_moves.get(cid, (0, 0))
    core_before = core_now - entered + left
    shrink = settings.CHILDCOP_FLAG_CORE_SHRINK
    if core_before >= CORE_MIN_BASE and 100 * (core_before - core_now) > shrink * core_before:
        window = settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS
        flags.append(_flag(Flag.CORE_SHRINKING,
                           f"The core group has {core_now} people, against {core_before} "
                           f"{window} days ago: {left} left it, {entered} joined it."))  # fmt: skip

    overdue = settings.CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS
    due_since = w.as_of - timedelta(days=overdue)
    last_check = row["last_check_at"]
    if row["created_at"] <= due_since and (last_check is None or last_check < due_since):
        detail = (
            f"The last health check was opened on {_when(timezone.localtime(last_check))}."
            if last_check
            else "No health check has been opened yet."
        )
        flags.append(_flag(Flag.HEALTH_CHECK_OVERDUE,
                           f"{detail} One is expected at least every {overdue} days."))  # fmt: skip
    order = list(Flag.values)
    return sorted(flags, key=lambda f: order.index(f.key))
