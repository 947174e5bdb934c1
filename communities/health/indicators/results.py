"""The shapes of the computed health: indicators, raised flags and a community's health (what
reports and status rows store as JSON), the groups and breakdown labels they are shown by."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from communities.choices import LeadershipRole, Level
from value_stories.choices import Cycle


@dataclass
class Indicator:
    key: str
    label: str
    group: str  # e.g. "Rhythm", "Participation", "Leadership", "Learning loops", ...
    values: list  # one per period, oldest first; None = no data for that period
    unit: str = ""  # "%" for shares, "" for counts, "yes/no" for booleans (1/0)
    help: str = ""
    available: bool = True
    breakdown: dict | None = None  # e.g. stories by cycle, members by level (latest period)

    @property
    def current(self):
        return self.values[-1] if self.values else None

    @property
    def previous(self):
        return self.values[-2] if len(self.values) > 1 else None


@dataclass
class RaisedFlag:
    key: str  # a choices.Flag value
    label: str
    explanation: str
    action: str
    detail: str = ""  # what exactly tripped it, e.g. "Session on 12 May 2026 has no activity"


@dataclass
class CommunityHealth:
    community_id: int
    periods: list[date]  # first day of each month, oldest first
    indicators: list[Indicator]
    flags: list[RaisedFlag]
    # Fields of HealthStatus: last_activity_on, sessions_planned, sessions_held,
    # participants, participants_before, stories
    status: dict = field(default_factory=dict)

    def indicator(self, key):
        return next((i for i in self.indicators if i.key == key), None)

    @property
    def flag_keys(self):
        return [f.key for f in self.flags]

    def as_json(self) -> dict:
        # What dataclasses.asdict gives, without its deep copies (a batch of 200 communities
        # serialises thousands of indicators): values are numbers, None or flat dicts.
        return {
            "community_id": self.community_id,
            "periods": [p.isoformat() for p in self.periods],
            "indicators": [_plain(i) for i in self.indicators],
            "flags": [_plain(f) for f in self.flags],
            "status": {
                k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.status.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> CommunityHealth:
        status = dict(data.get("status", {}))
        if status.get("last_activity_on"):
            status["last_activity_on"] = date.fromisoformat(status["last_activity_on"])
        return cls(
            community_id=data["community_id"],
            periods=[date.fromisoformat(p) for p in data["periods"]],
            indicators=[Indicator(**i) for i in data["indicators"]],
            flags=[RaisedFlag(**f) for f in data["flags"]],
            status=status,
        )


def _plain(obj) -> dict:
    data = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        data[f.name] = (
            list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict)
            else value
        )  # fmt: skip
    return data


GROUPS = [
    "Rhythm",
    "Participation",
    "Leadership",
    "Learning loops",
    "Learning agenda",
    "Practice groups",
    "Value creation",
    "Sponsorship",
]

# "Participation falling" ignores a window before with fewer distinct attendees than this:
# from 3 people to 2 is no trend worth a flag.
PARTICIPATION_MIN_BASE = 5
# "Regulars drifting" needs this many regulars, "core group shrinking" a core group of this
# size in the window before: below them one person is too large a share to flag.
DRIFTING_MIN_BASE = 4
CORE_MIN_BASE = 3

LEVEL_KEYS = [("coordinator", "Coordinator"), *Level.choices]
# Labels of every breakdown key, in the order a breakdown is shown.
BREAKDOWN_LABELS = {
    "members": dict(LEVEL_KEYS),
    "leadership_roles": dict(LeadershipRole.choices),
    "stories": dict(Cycle.choices),
    "rhythm_adherence": {"planned": "Sessions planned", "held": "Sessions held"},
    "help_answered_in_time": {
        "due": "Requests past their response commitment (or answered)",
        "in_time": "Answered within the commitment",
    },
}


def breakdown_rows(indicator: Indicator) -> list[tuple[str, str, int]]:
    """The indicator's breakdown as (key, label, n) in the domain's order (JSON stored in
    PostgreSQL does not keep the order of keys)."""
    if not indicator.breakdown:
        return []
    labels = BREAKDOWN_LABELS.get(indicator.key, {})
    ordered = [k for k in labels if k in indicator.breakdown]
    ordered += sorted(k for k in indicator.breakdown if k not in labels)
    return [(k, labels.get(k, k), indicator.breakdown[k]) for k in ordered]
