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

`CommunityHealth.as_json()` is what reports and status rows store;
`CommunityHealth.from_json()` reads it back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


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
        data = asdict(self)
        data["periods"] = [p.isoformat() for p in self.periods]
        data["status"] = {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.status.items()
        }
        return data

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


def compute(community_ids, *, period=None, now=None, periods=4) -> dict[int, CommunityHealth]:
    raise NotImplementedError("being written")
