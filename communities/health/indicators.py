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

How it is computed (communities/health/indicators.py is the one place):

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
  * health check overdue — no health check opened within
    CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS, for a community created longer ago than that.
- Closed communities raise no flags. Communities in the *potential* stage are being
  launched: they have no coordinator, sponsor, stories, participation or health checks to
  speak of yet, and their launch plan tracks what is missing; they raise only "missed
  heartbeat" (a session planned for the launch that passed with nothing logged). Their
  indicators are computed as for any community.

`CommunityHealth.as_json()` is what reports and status rows store;
`CommunityHealth.from_json()` reads it back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import dateformat, timezone

from practice_groups.choices import GroupStatus, ResponseKind
from practice_groups.models import PracticeGroup, ReportResponse
from sponsorship.choices import CaseStatus, Scope
from sponsorship.models import Appointment, BusinessCaseVersion
from value_stories.choices import Cycle, cycle_field
from value_stories.choices import Status as StoryStatus
from value_stories.models import ValueStory

from ..choices import AgendaStatus, LeadershipRole, Level, SessionStatus, Stage
from ..learning.jobs import add_working_days
from ..models import (
    Activity,
    AgendaItem,
    Answer,
    Attendance,
    Community,
    HealthCheck,
    HealthReport,
    HelpRequest,
    LeadershipAssignment,
    LevelChange,
    Membership,
    Session,
)
from ..rhythm.jobs import missed_heartbeat_sessions
from .choices import FLAG_ADVICE, Flag

# When a story counts as shared: its approval (stories approved before approval dates were
# kept fall back to their creation).
STORY_SHARED_AT = Coalesce("approved_at", "created_at")


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


# --- the computation ---------------------------------------------------------------------

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


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_starts(period: date, count: int) -> list[date]:
    """First days of the `count` months ending with `period`'s, oldest first."""
    first = period.replace(day=1)
    return [add_months(first, -i) for i in reversed(range(count))]


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _month_of(value) -> date:
    """A TruncMonth result (a date, or a datetime in the current time zone) as a date."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _month_start(moment: datetime) -> date:
    """The first day of the month (in the current time zone) of an aware moment."""
    return timezone.localdate(moment).replace(day=1)


def _when(day) -> str:
    return dateformat.format(day, "j M Y")


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass
class _Window:
    """The moments one computation is about."""

    months: list[date]
    start: datetime  # the first month's first moment
    as_of: datetime  # now, or the last moment of a past period
    as_of_date: date
    now: datetime  # the moment of computing (what is known by now: grace periods over)

    @classmethod
    def for_period(cls, period, now, count):
        now = now or timezone.now()
        if period is None:
            period = timezone.localdate(now)
        months = month_starts(period, count)
        end = _aware(add_months(months[-1], 1)) - timedelta(microseconds=1)
        as_of = min(now, end)
        return cls(months, _aware(months[0]), as_of, timezone.localdate(as_of), now)


def _plain(obj) -> dict:
    data = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        data[f.name] = (
            list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict)
            else value
        )  # fmt: skip
    return data


def compute(community_ids, *, period=None, now=None, periods=4) -> dict[int, CommunityHealth]:
    """The indicators and flags of every community in `community_ids`: a fixed number of
    queries (16) whatever the number of communities; none for an empty batch.

    "Now" for the flags and the windows (participation, stories, coordinators' activity,
    health checks, sponsors) is `now`, or the last moment of `period` when it is past, so a
    report regenerated later judges the month by its own end; memberships, roles, practice
    groups and stages are as they are now (the product keeps no history of them, which is
    why the monthly reports keep snapshots).
    """
    ids = sorted({int(pk) for pk in community_ids})
    if not ids:
        return {}
    w = _Window.for_period(period, now, periods)
    data = _Data(ids, w)
    return {row["pk"]: _community_health(row, data, w) for row in data.communities}


class _Data:
    """Every query of one batch, run once (see compute())."""

    def __init__(self, ids, w: _Window):
        self.ids, self.w = ids, w
        self.communities = self._communities()  # 1
        self.levels = self._levels()  # 2
        self.coordinators = self._coordinators()  # 3
        self.roles = self._roles()  # 4
        self.sessions = self._sessions()  # 5
        self.missed = self._missed()  # 6, 7
        self.activities = self._monthly_activities()  # 8
        self.attendance = self._attendance()  # 9
        self.participants = self._participants()  # 10
        self.movement = self._movement()  # 11
        self.help = self._help_requests()  # 12
        self.agenda = self._agenda()  # 13
        self.endorsed = self._endorsed()  # 14
        self.recent_stories = defaultdict(int)  # approved in the no-story window
        self.stories = self._stories()  # 15
        self.snapshots = self._snapshots()  # 16 (none when only one period is asked for)

    # -- state -------------------------------------------------------------------------

    def _communities(self):
        w = self.w
        latest_case = (
            BusinessCaseVersion.objects.filter(community=OuterRef("pk"))
            .exclude(status=CaseStatus.DRAFT)
            .order_by("-number")
        )
        last_activity = Activity.objects.filter(
            community=OuterRef("pk"), date__lte=w.as_of_date
        ).order_by("-date")
        last_check = HealthCheck.objects.filter(
            community=OuterRef("pk"), opened_at__lte=w.as_of
        ).order_by("-opened_at")
        last_story = (
            ValueStory.objects.filter(community=OuterRef("pk"), status=StoryStatus.APPROVED)
            .annotate(shared_at=STORY_SHARED_AT)
            .filter(shared_at__lte=w.as_of)
            .order_by("-shared_at")
        )
        sponsors = (
            Appointment.objects.current(w.as_of_date).sponsors().filter(person__is_active=True)
        )
        return list(
            Community.objects.filter(pk__in=self.ids)
            .annotate(
                case_status=Subquery(latest_case.values("status")[:1]),
                last_activity_on=Subquery(last_activity.values("date")[:1]),
                last_check_at=Subquery(last_check.values("opened_at")[:1]),
                last_story_at=Subquery(last_story.values("shared_at")[:1]),
                named_sponsors=_count(
                    sponsors.filter(scope=Scope.COMMUNITIES, communities=OuterRef("pk"))
                ),
                program_sponsors=_count(sponsors.filter(scope=Scope.PROGRAM)),
                review_date=F("agreement__review_date"),
                groups_active=_count(
                    PracticeGroup.objects.filter(
                        community=OuterRef("pk"), status=GroupStatus.ACTIVE
                    )
                ),
            )
            .values(
                "pk", "name", "stage", "created_at", "case_status", "last_activity_on",
                "last_check_at", "last_story_at", "named_sponsors", "program_sponsors",
                "review_date", "groups_active", "heartbeat_grace_days",
            )
            .order_by("pk")
        )  # fmt: skip

    def _levels(self):
        levels = defaultdict(dict)
        for community_id, level, is_coordinator, n in (
            Membership.objects.filter(community_id__in=self.ids)
            # A deactivated account is no coordinator (see _coordinators): counted at its level.
            .annotate(coordinating=Q(is_coordinator=True, user__is_active=True))
            .values_list("community_id", "level", "coordinating")
            .annotate(n=Count("id"))
            .order_by()
        ):
            key = "coordinator" if is_coordinator else level
            levels[community_id][key] = levels[community_id].get(key, 0) + n
        return levels

    def _coordinators(self):
        """Each coordinator with the date they last attended or logged an activity there."""
        w = self.w
        attended = Attendance.objects.filter(
            user_id=OuterRef("user_id"),
            activity__community_id=OuterRef("community_id"),
            activity__date__lte=w.as_of_date,
        ).order_by("-activity__date")
        logged = Activity.objects.filter(
            logged_by_id=OuterRef("user_id"),
            community_id=OuterRef("community_id"),
            date__lte=w.as_of_date,
        ).order_by("-date")
        coordinators = defaultdict(list)
        for row in (
            Membership.objects.filter(
                community_id__in=self.ids, is_coordinator=True, user__is_active=True
            )
            .annotate(
                last_attended=Subquery(attended.values("activity__date")[:1]),
                last_logged=Subquery(logged.values("date")[:1]),
            )
            .values(
                "community_id", "user__display_name", "joined_on", "last_attended", "last_logged"
            )  # fmt: skip
            .order_by("community_id", "user__display_name")
        ):
            dates = [d for d in (row["last_attended"], row["last_logged"]) if d]
            row["last_active"] = max(dates) if dates else None
            coordinators[row["community_id"]].append(row)
        return coordinators

    def _roles(self):
        roles = defaultdict(list)
        for community_id, membership_id, role, name in (
            LeadershipAssignment.objects.filter(membership__community_id__in=self.ids)
            .values_list(
                "membership__community_id", "membership_id", "role",
                "membership__user__display_name",
            )
            .order_by()
        ):  # fmt: skip
            roles[community_id].append((membership_id, role, name))
        return roles

    # -- events, per month -------------------------------------------------------------

    def _sessions(self):
        """Per (community, month): sessions planned and held. Planned: held, or past the
        community's heartbeat grace by now — one still within it may yet be logged, so it
        is not counted as missed (the grace of rhythm.jobs.missed_heartbeat_sessions). The
        grace values come from the communities already read: no query of their own."""
        w = self.w
        by_grace = defaultdict(list)
        for row in self.communities:
            by_grace[row["heartbeat_grace_days"]].append(row["pk"])
        due = Q(activity__isnull=False)
        for days, ids in by_grace.items():
            due |= Q(community_id__in=ids, starts_at__lt=w.now - timedelta(days=days))
        sessions = {}
        for community_id, month, planned, held in (
            Session.objects.filter(
                community_id__in=self.ids, starts_at__gte=w.start, starts_at__lte=w.as_of
            )
            .exclude(status=SessionStatus.CANCELLED)
            .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
            .values_list("community_id", "month")
            .annotate(
                planned=Count("id", filter=due), held=Count("id", filter=Q(activity__isnull=False))
            )
            .order_by()
        ):
            sessions[(community_id, _month_of(month))] = (planned, held)
        return sessions

    def _missed(self):
        """Missed heartbeats exactly as the coordinators' warning emails define them."""
        missed = defaultdict(list)
        for community_id, starts_at, title in (
            missed_heartbeat_sessions(self.w.as_of)
            .filter(community_id__in=self.ids)
            .values_list("community_id", "starts_at", "title")
        ):
            missed[community_id].append((starts_at, title))
        return missed

    def _monthly_activities(self):
        w = self.w
        return {
            (community_id, _month_of(month)): n
            for community_id, month, n in Activity.objects.filter(
                community_id__in=self.ids, date__gte=w.months[0], date__lte=w.as_of_date
            )
            .annotate(month=TruncMonth("date"))
            .values_list("community_id", "month")
            .annotate(n=Count("id"))
            .order_by()
        }

    def _attendance(self):
        w = self.w
        return {
            (community_id, _month_of(month)): (records, people)
            for community_id, month, records, people in Attendance.objects.filter(
                activity__community_id__in=self.ids,
                activity__date__gte=w.months[0],
                activity__date__lte=w.as_of_date,
            )
            .annotate(month=TruncMonth("activity__date"))
            .values_list("activity__community_id", "month")
            .annotate(records=Count("user_id"), people=Count("user_id", distinct=True))
            .order_by()
        }

    def _participants(self):
        """Distinct attendees over the participation window and over the window before."""
        days = settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS
        recent_after = self.w.as_of_date - timedelta(days=days)
        before_after = recent_after - timedelta(days=days)
        return {
            community_id: (recent, before)
            for community_id, recent, before in Attendance.objects.filter(
                activity__community_id__in=self.ids,
                activity__date__gt=before_after,
                activity__date__lte=self.w.as_of_date,
            )
            .values_list("activity__community_id")
            .annotate(
                recent=Count("user_id", distinct=True, filter=Q(activity__date__gt=recent_after)),
                before=Count("user_id", distinct=True, filter=Q(activity__date__lte=recent_after)),
            )
            .order_by()
        }

    def _movement(self):
        """Moves between levels per (community, month): [inwards, outwards], told apart in
        the database by the levels' ranks from the centre outwards."""
        w = self.w

        def rank(field):
            return Case(
                *[When(**{field: level}, then=Value(i)) for i, level in enumerate(Level.values)],
                output_field=IntegerField(),
            )

        movement = {}
        for community_id, month, inwards, outwards in (
            LevelChange.objects.filter(
                community_id__in=self.ids, changed_at__gte=w.start, changed_at__lte=w.as_of
            )
            .exclude(from_level="")
            .annotate(
                month=TruncMonth("changed_at", tzinfo=timezone.get_current_timezone()),
                from_rank=rank("from_level"),
                to_rank=rank("to_level"),
            )
            .values_list("community_id", "month")
            .annotate(
                inwards=Count("id", filter=Q(to_rank__lt=F("from_rank"))),
                outwards=Count("id", filter=Q(to_rank__gt=F("from_rank"))),
            )
            .order_by()
        ):
            movement[(community_id, _month_of(month))] = (inwards, outwards)
        return movement

    def _help_requests(self):
        """Per (community, month): asked, due, answered in time, loops closed.

        The response commitment is in working days (see learning.jobs.add_working_days), which
        the database cannot count portably: it returns one short row per request asked or
        closed in the window, and Python buckets them.
        """
        w = self.w
        first_answer = Answer.objects.filter(request=OuterRef("pk")).order_by("created_at")
        counts = defaultdict(lambda: {"asked": 0, "due": 0, "in_time": 0, "closed": 0})
        for community_id, created_at, closed_at, answered_at, days in (
            HelpRequest.objects.filter(community_id__in=self.ids)
            .filter(
                Q(created_at__gte=w.start, created_at__lte=w.as_of)
                | Q(closed_at__gte=w.start, closed_at__lte=w.as_of)
            )
            .annotate(answered_at=Subquery(first_answer.values("created_at")[:1]))
            .values_list(
                "community_id", "created_at", "closed_at", "answered_at",
                "community__response_commitment_days",
            )
            .order_by()
        ):  # fmt: skip
            if w.start <= created_at <= w.as_of:
                bucket = counts[(community_id, _month_start(created_at))]
                bucket["asked"] += 1
                deadline = add_working_days(created_at, days)
                answered = answered_at is not None and answered_at <= w.as_of
                if answered or deadline <= w.as_of:
                    bucket["due"] += 1
                    bucket["in_time"] += answered and answered_at <= deadline
            if closed_at is not None and w.start <= closed_at <= w.as_of:
                counts[(community_id, _month_start(closed_at))]["closed"] += 1
        return counts

    def _agenda(self):
        """Items whose status is "addressed", by the month they were last changed (agenda
        items keep no status history)."""
        w = self.w
        return {
            (community_id, _month_of(month)): n
            for community_id, month, n in AgendaItem.objects.filter(
                community_id__in=self.ids,
                status=AgendaStatus.ADDRESSED,
                updated_at__gte=w.start,
                updated_at__lte=w.as_of,
            )
            .annotate(month=TruncMonth("updated_at", tzinfo=timezone.get_current_timezone()))
            .values_list("community_id", "month")
            .annotate(n=Count("id"))
            .order_by()
        }

    def _endorsed(self):
        """Progress reports by the month of their first endorsement."""
        w = self.w
        endorsed = defaultdict(int)
        for community_id, first in (
            ReportResponse.objects.filter(
                kind=ResponseKind.ENDORSE, report__group__community_id__in=self.ids
            )
            .values_list("report_id", "report__group__community_id")
            .annotate(first=Min("created_at"))
            .filter(first__gte=w.start, first__lte=w.as_of)
            .values_list("report__group__community_id", "first")
            .order_by()
        ):
            endorsed[(community_id, _month_start(first))] += 1
        return endorsed

    def _stories(self):
        """Approved stories by the month they were approved, per cycle; and how many in the
        no-story window."""
        w = self.w
        recent_after = w.as_of - timedelta(days=settings.CHILDCOP_FLAG_NO_STORY_DAYS)
        stories = {}
        for row in (
            ValueStory.objects.filter(community_id__in=self.ids, status=StoryStatus.APPROVED)
            .annotate(shared_at=STORY_SHARED_AT)
            .filter(shared_at__gte=min(w.start, recent_after), shared_at__lte=w.as_of)
            .annotate(month=TruncMonth("shared_at", tzinfo=timezone.get_current_timezone()))
            .values("community_id", "month")
            .annotate(
                total=Count("id"),
                recent=Count("id", filter=Q(shared_at__gt=recent_after)),
                **{c.value: Count("id", filter=Q(**{cycle_field(c): True})) for c in Cycle},
            )
            .order_by()
        ):
            community_id = row.pop("community_id")
            stories[(community_id, _month_of(row.pop("month")))] = row
            self.recent_stories[community_id] += row["recent"]
        return stories

    def _snapshots(self):
        """Stored monthly reports of the earlier periods: the past of the state indicators."""
        past = self.w.months[:-1]
        if not past:
            return {}
        return {
            (community_id, period): data
            for community_id, period, data in HealthReport.objects.filter(
                community_id__in=self.ids, period__in=past
            )
            .values_list("community_id", "period", "data")
            .order_by()
        }


def _count(queryset):
    """A correlated COUNT(*) as a subquery (0 when none)."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(_k=Value(1)).values("_k").annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )  # fmt: skip


def _snapshot_value(data, key):
    if not data:
        return None
    for indicator in data.get("indicators", []):
        if indicator.get("key") == key:
            values = indicator.get("values") or []
            return values[-1] if values else None
    return None


def _community_health(row, data: _Data, w: _Window) -> CommunityHealth:
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
    health.flags = _flags(row, data, w, health, roles)
    return health


def _flag(key, detail) -> RaisedFlag:
    flag = Flag(key)
    explanation, action = FLAG_ADVICE[flag]
    return RaisedFlag(key=flag.value, label=flag.label, explanation=explanation, action=action,
                      detail=detail)  # fmt: skip


def _flags(row, data: _Data, w: _Window, health: CommunityHealth, roles) -> list[RaisedFlag]:
    """The flags of one community (see the module's notes for who raises which)."""
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
