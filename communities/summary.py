"""What a community's page and its sponsor dashboard card show that does not depend on who
looks: computed once per generation of the community (childcop.aggregates,
"community:<id>": any write to its members, roles, objectives, stage, sessions, activities,
level changes, business case or agreement starts a new one; so does any change to people's
names, "people") and per hour (windows that end "now"), then cached.

`profile(community)` — the community page: members by level, coordinators, internal
leaders and their roles, newest members, objectives, lifecycle history, the 12-month
heartbeat, the quarter's movements and the recent activities with their attendance.

`cards(ids)` — sponsor dashboard cards, for many communities at once (a fixed number of
queries for the communities not cached yet): members by level, sessions planned and held
over 12 months and per month, the last held session, the quarter's movements inwards and
outwards, the business case's status and the agreement's review date.

Values are plain data (picklable), never model instances.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, FilteredRelation, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from childcop import aggregates

from . import participation
from .choices import ActivityType, LeadershipRole, Level, ObjectiveStatus, SessionStatus, Stage
from .models import LeadershipAssignment, LevelChange, Membership, Session
from .rhythm import services as rhythm

NEWEST_MEMBERS = 8
STAGE_CHANGES = 10
RECENT_ACTIVITIES = 5
INWARD_ORDER = [Level.CORE, Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL, Level.TRANSACTIONAL]


def hour(now=None) -> str:
    """The time bucket of values whose windows end now: the hour in the program's time
    zone, where they are computed (the same instants whoever asks, in any time zone)."""
    now = now or timezone.now()
    return timezone.localtime(now, timezone.get_default_timezone()).strftime("%Y-%m-%dT%H")


def _name(display_name: str, email: str) -> str:
    return display_name or email  # as User.__str__


# --- the community page ------------------------------------------------------------------


def profile(community, *, now=None) -> dict:
    """The community page's summary; its "key" names the generation it was computed under
    (for the fragments drawn from it)."""
    now = now or timezone.now()
    values, keys = aggregates.cached_per_community(
        "profile",
        [community.pk],
        lambda ids: {community.pk: compute_profile(community, now=now)},
        bucket=hour(now),
        with_keys=True,
    )
    return {**values[community.pk], "key": keys[community.pk]}


def compute_profile(community, *, now=None) -> dict:
    now = now or timezone.now()
    level_counts = dict(
        community.memberships.filter(is_coordinator=False)
        .values_list("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    people = ("user_id", "user__display_name", "user__email", "user__job_title")
    coordinators = [
        {"user_id": uid, "name": _name(name, email), "job_title": title}
        for uid, name, email, title in community.memberships.coordinators()
        .order_by("user__display_name", "user__email")
        .values_list(*people)
    ]
    # one query: every role held, with its holder (members holding none are not leaders)
    role_labels = dict(LeadershipRole.choices)
    leaders_by_membership = {}
    for membership_id, role, uid, name, email in (
        LeadershipAssignment.objects.filter(membership__community=community)
        .order_by(
            "-membership__is_coordinator", "membership__user__display_name", "membership_id",
            "role",
        )
        .values_list(
            "membership_id", "role", "membership__user_id", "membership__user__display_name",
            "membership__user__email",
        )
    ):  # fmt: skip
        leader = leaders_by_membership.setdefault(
            membership_id, {"user_id": uid, "name": _name(name, email), "roles": []}
        )
        leader["roles"].append(role_labels.get(role, role))
    leaders = list(leaders_by_membership.values())
    newest = [
        {"name": _name(name, email), "joined_on": joined_on}
        for name, email, joined_on in community.memberships.order_by(
            "-joined_on", "-id"
        ).values_list("user__display_name", "user__email", "joined_on")[:NEWEST_MEMBERS]
    ]
    statuses = dict(ObjectiveStatus.choices)
    objectives = [
        {"title": title, "status": statuses.get(status, status)}
        for title, status in community.objectives.order_by("position", "id").values_list(
            "title", "status"
        )
    ]
    stages = dict(Stage.choices)
    stage_changes = [
        {
            "from": stages.get(from_stage, from_stage) if from_stage else "",
            "to": stages.get(to_stage, to_stage),
            "changed_at": changed_at,
            "by": _name(name, email) if (name or email) else "",
            "note": note,
        }
        for from_stage, to_stage, changed_at, name, email, note in community.stage_changes.order_by(
            "-changed_at", "-id"
        ).values_list(
            "from_stage", "to_stage", "changed_at", "changed_by__display_name",
            "changed_by__email", "note",
        )[:STAGE_CHANGES]
    ]  # fmt: skip
    types = dict(ActivityType.choices)
    recent_activities = [
        {
            "pk": a["pk"],
            "title": a["title"],
            "date": a["date"],
            "type": types.get(a["activity_type"], a["activity_type"]),
            "attendee_count": a["attendee_count"],
        }
        for a in community.activities.annotate_attendance()
        .order_by("-date", "-id")
        .values("pk", "title", "date", "activity_type", "attendee_count")[:RECENT_ACTIVITIES]
    ]
    return {
        "level_counts": level_counts,
        "coordinators": coordinators,
        "leaders": leaders,
        "newest": newest,
        "objectives": objectives,
        "stage_changes": stage_changes,
        "heartbeat": rhythm.heartbeat(community, now=now),
        "movements": participation.movements(community, now=now),
        "recent_activities": recent_activities,
    }


def warm(ids) -> None:
    """After a write to the communities `ids` (childcop.warming): their page's summary and
    their dashboard cards, computed again as the pages ask for them."""
    from .models import Community

    now = timezone.now()
    for community in Community.objects.filter(pk__in=ids):
        profile(community, now=now)
    cards(ids, now=now)


# --- sponsor dashboard cards ---------------------------------------------------------------


def months(now, count=12):
    """(start of the first month, [first day of each of the last `count` months])."""
    tz = timezone.get_current_timezone()
    first = timezone.localtime(now, tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    result, cursor = [], first
    for _ in range(count):
        result.append(cursor.date())
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return first, result


# Commitments due within this many days show on a card; the landscape's figures it shows.
COMMITMENTS_DAYS = 30
LANDSCAPE_FIGURES = ("retained", "last_quarter_active", "department_count", "boundary_crossing")
# What a card is kept under besides its community's generation: people's names (the
# commitments' owners), the nightly landscape of practice.
CARD_ALSO = ("people", "snapshot")


def cards(ids, *, now=None, current=None) -> dict[int, dict]:
    """The dashboard cards' data; each card's "key" names the generation it was computed
    under (for the fragments drawn from it). `current`: the communities' tokens and those
    of CARD_ALSO, when the caller read them already."""
    now = now or timezone.now()
    values, keys = aggregates.cached_per_community(
        "card",
        ids,
        lambda missing: compute_cards(missing, now=now),
        also=CARD_ALSO,
        bucket=hour(now),
        with_keys=True,
        current=current,
    )
    return {pk: {**card, "key": keys[pk]} for pk, card in values.items()}


def compute_cards(ids, *, now=None) -> dict[int, dict]:
    """Card data of the communities `ids`: ten queries, whatever their number."""
    from sponsorship.choices import CaseStatus, CommitmentStatus, Side
    from sponsorship.models import Agreement, BusinessCaseVersion, Commitment

    from .models import LandscapeNode, LandscapeSnapshot

    now = now or timezone.now()
    ids = list(ids)
    first, month_list = months(now)
    result = {
        pk: {
            "levels": {},
            "planned": 0,
            "held": 0,
            "last": None,
            "monthly": {},
            "moved": {"inwards": 0, "outwards": 0},
            "case_status": None,
            "case_number": None,
            "review_date": None,
            "commitments": [],
            "landscape": None,
        }
        for pk in ids
    }
    for community_id, level, is_coordinator, n in (
        Membership.objects.filter(community_id__in=ids)
        .values_list("community_id", "level", "is_coordinator")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = "coordinator" if is_coordinator else level
        levels = result[community_id]["levels"]
        levels[key] = levels.get(key, 0) + n

    # "Held": an activity was logged for the session. The join is to these communities'
    # activities only (their index), not to the program's.
    def logged():
        return FilteredRelation("activity", condition=Q(activity__community_id__in=ids))

    held = Q(logged__isnull=False)
    sessions = Session.objects.filter(community_id__in=ids).exclude(status=SessionStatus.CANCELLED)
    for row in (
        sessions.annotate(logged=logged())
        .values("community_id")
        .annotate(
            planned=Count("id", filter=Q(starts_at__gte=first, starts_at__lte=now)),
            held=Count("id", filter=Q(starts_at__gte=first, starts_at__lte=now) & held),
            last=Max("starts_at", filter=Q(starts_at__lte=now) & held),
        )
        .order_by()
    ):
        card = result[row["community_id"]]
        card.update(planned=row["planned"], held=row["held"], last=row["last"])
    for community_id, month, planned, held_n in (
        sessions.filter(starts_at__gte=first, starts_at__lte=now)
        .annotate(logged=logged())
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
        .values_list("community_id", "month")
        .annotate(planned=Count("id"), held=Count("id", filter=held))
        .order_by()
    ):
        key = month.date() if hasattr(month, "date") else month
        result[community_id]["monthly"][key] = (planned, held_n)
    for community_id, from_level, to_level, n in (
        LevelChange.objects.filter(community_id__in=ids, changed_at__gte=now - timedelta(days=90))
        .exclude(from_level="")
        .values_list("community_id", "from_level", "to_level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if from_level in INWARD_ORDER and to_level in INWARD_ORDER:
            inwards = INWARD_ORDER.index(to_level) < INWARD_ORDER.index(from_level)
            result[community_id]["moved"]["inwards" if inwards else "outwards"] += n
    # What the sponsor has been shown: the latest version past its draft.
    latest = (
        BusinessCaseVersion.objects.filter(community=OuterRef("community_id"))
        .exclude(status=CaseStatus.DRAFT)
        .order_by("-number")
    )
    for community_id, status, number in (
        BusinessCaseVersion.objects.filter(community_id__in=ids)
        .exclude(status=CaseStatus.DRAFT)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .values_list("community_id", "status", "number")
    ):
        result[community_id].update(case_status=status, case_number=number)
    for community_id, review_date in Agreement.objects.filter(community_id__in=ids).values_list(
        "community_id", "review_date"
    ):
        result[community_id]["review_date"] = review_date
    # the commitments due within COMMITMENTS_DAYS of any viewer's today (the view narrows)
    soon = timezone.localdate(now) + timedelta(days=COMMITMENTS_DAYS + 1)
    for community_id, description, side, owner, email, due in (
        Commitment.objects.filter(
            agreement__community_id__in=ids, status=CommitmentStatus.OPEN, due__lte=soon
        )
        .order_by("due", "pk")
        .values_list(
            "agreement__community_id", "description", "side", "owner__display_name",
            "owner__email", "due",
        )
    ):  # fmt: skip
        result[community_id]["commitments"].append(
            {"description": description, "side": str(Side(side).label),
             "owner": _name(owner, email) if (owner or email) else "", "due": due}
        )  # fmt: skip
    # retention and departments, from the latest landscape of practice (nightly)
    for community_id, *figures in LandscapeNode.objects.filter(
        snapshot__in=LandscapeSnapshot.objects.order_by("-computed_at", "-id")[:1],
        community_id__in=ids,
    ).values_list(
        "community_id", "retained", "last_quarter_active", "department_count",
        "boundary_crossing",
    ):  # fmt: skip
        result[community_id]["landscape"] = dict(zip(LANDSCAPE_FIGURES, figures, strict=True))
    for card in result.values():
        card["months"] = [card["monthly"].get(m, (0, 0)) for m in month_list]
        del card["monthly"]
    return result


def next_sessions(ids, *, now=None) -> dict[int, object]:
    """The next planned session of each community: one query, live (it moves with time)."""
    now = now or timezone.now()
    return dict(
        Session.objects.filter(community_id__in=list(ids), starts_at__gt=now)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("community_id")
        .annotate(next=Min("starts_at"))
        .order_by()
    )
