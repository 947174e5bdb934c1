"""The batch's queries: every figure of one computation, each query run once for the whole
batch (22 queries whatever its size; see `Counts.__init__`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

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
from django.utils import timezone

from communities.choices import AgendaStatus, Level, SessionStatus
from communities.landscape.services import core_moves, drifting
from communities.learning.jobs import add_working_days
from communities.models import (
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
from communities.rhythm.jobs import missed_heartbeat_sessions
from practice_groups.choices import GroupStatus, ResponseKind
from practice_groups.models import PracticeGroup, ReportResponse
from sponsorship.choices import CaseStatus, Scope
from sponsorship.models import Appointment, BusinessCaseVersion
from value_stories.choices import Cycle, cycle_field
from value_stories.choices import Status as StoryStatus
from value_stories.models import ValueStory

from .periods import Window, month_of, month_start

# When a story counts as shared: its approval (stories approved before approval dates were
# kept fall back to their creation).
STORY_SHARED_AT = Coalesce("approved_at", "created_at")


class Counts:
    """Every query of one batch, run once (see compute())."""

    def __init__(self, ids, w: Window):
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
        # drifting regulars (communities.landscape.services): {community: (regulars, rows)}
        self.drifting = drifting(ids, as_of=w.as_of_date)  # 17–20
        self.core_moves = core_moves(  # 21, 22: into and out of the core group
            ids, since=w.as_of_date - timedelta(days=settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS)
        )

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
            sessions[(community_id, month_of(month))] = (planned, held)
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
            (community_id, month_of(month)): n
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
            (community_id, month_of(month)): (records, people)
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
            movement[(community_id, month_of(month))] = (inwards, outwards)
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
                bucket = counts[(community_id, month_start(created_at))]
                bucket["asked"] += 1
                deadline = add_working_days(created_at, days)
                answered = answered_at is not None and answered_at <= w.as_of
                if answered or deadline <= w.as_of:
                    bucket["due"] += 1
                    bucket["in_time"] += answered and answered_at <= deadline
            if closed_at is not None and w.start <= closed_at <= w.as_of:
                counts[(community_id, month_start(closed_at))]["closed"] += 1
        return counts

    def _agenda(self):
        """Items whose status is "addressed", by the month they were last changed (agenda
        items keep no status history)."""
        w = self.w
        return {
            (community_id, month_of(month)): n
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
            endorsed[(community_id, month_start(first))] += 1
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
            stories[(community_id, month_of(row.pop("month")))] = row
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
