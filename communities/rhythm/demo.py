"""Demo seeding of the rhythm: twelve months of rhythms, sessions, activities and attendance.

Called by the `seed_demo` command once the communities and their members exist.
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from communities import participation
from communities.choices import (
    ActivityType,
    Channel,
    Format,
    Level,
    OutputKind,
    Recurrence,
    SessionStatus,
    Stage,
)
from communities.landscape import retention_parts
from communities.models import Community, Membership

from . import services
from .models import Activity, ActivityOutput, Attendance, Rhythm

RHYTHM_TITLES = ["Monthly case clinic", "Fortnightly online exchange", "Monthly webinar"]
CLINIC_TOPICS = [
    "a challenge from the field", "lessons from a failed pilot", "a new regulation",
    "onboarding newcomers", "a peer's request for help", "the quarter's hot topic",
]  # fmt: skip
EXTRA_ACTIVITIES = {
    ActivityType.EXCHANGES: "Tips and stories: what worked this month",
    ActivityType.PRODUCTIVE_INQUIRIES: "After-action review of the spring campaign",
    ActivityType.SHARED_UNDERSTANDING: "Mutual benchmark with the regional teams",
    ActivityType.SHARED_MEMORY: "Writing up the FAQ from this year's clinics",
    ActivityType.CREATING_STANDARDS: "Drafting a model of practice",
    ActivityType.FORMAL_ACCESS: "Invited speaker: an external expert",
    ActivityType.VISITS: "Peer assist visit to a field site",
}


def seed(rng, now) -> None:
    """Twelve months of rhythm, activities and attendance, then levels computed month by
    month so that the heartbeat and the movements between levels look real."""
    tz = timezone.get_current_timezone()
    attend_chance = {
        Level.CORE: 0.85, Level.ACTIVE: 0.6, Level.OCCASIONAL: 0.3,
        Level.PERIPHERAL: 0.1, Level.TRANSACTIONAL: 0.03,
    }  # fmt: skip
    live = Community.objects.exclude(stage__in=[Stage.POTENTIAL, Stage.CLOSED])
    members = {}
    for m in Membership.objects.filter(community__in=live).select_related("user"):
        members.setdefault(m.community_id, []).append(m)
    # Some members are finding their way in: their attendance rises in recent months.
    rising = {
        m.pk
        for ms in members.values()
        for m in ms
        if m.level in (Level.PERIPHERAL, Level.OCCASIONAL)
        and rng.random() < 0.3
        or m.user.email == "member@example.org"
    }
    for index, community in enumerate(live.order_by("name")):
        recurrence = [Recurrence.MONTHLY, Recurrence.FORTNIGHTLY, Recurrence.MONTHLY][index % 3]
        first = (now - timedelta(days=380 - index)).astimezone(tz)
        # On a working day (Tuesday to Thursday: the same weekday, or the same nth weekday of
        # the month, recurs), in office hours: 10:00 to 15:30, an hour long.
        while first.weekday() not in (1, 2, 3):
            first += timedelta(days=1)
        first = first.replace(
            hour=10 + index % 6, minute=30 if index % 2 else 0, second=0, microsecond=0
        )
        rhythm = Rhythm.objects.create(
            community=community, title=RHYTHM_TITLES[index % len(RHYTHM_TITLES)],
            activity_type=ActivityType.PRODUCTIVE_INQUIRIES, format=Format.MANY_TO_MANY,
            channel=Channel.ONLINE, duration_minutes=60, recurrence=recurrence, starts_at=first,
            meeting_link="https://meet.example.org/" + community.slug,
        )  # fmt: skip
        services.sync_sessions(rhythm, now=now, backfill=True)
        # The demo's sessions were planned ahead, as a rhythm is.
        rhythm.sessions.update(created_at=F("starts_at") - timedelta(days=30))
        past = list(rhythm.sessions.filter(starts_at__lt=now - timedelta(days=1)))
        attendance = []
        for session in past:
            roll = rng.random()
            if roll < 0.08:
                session.status = SessionStatus.CANCELLED
                session.save(update_fields=["status"])
                continue
            if roll < 0.18 and session.starts_at > now - timedelta(days=30):
                continue  # a missed heartbeat for the coordinators to notice
            activity = Activity.objects.create(
                community=community, session=session, date=timezone.localdate(session.starts_at),
                title=f"{session.title}: {rng.choice(CLINIC_TOPICS)}",
                activity_type=session.activity_type, format=session.format,
                summary="Members brought two cases; the group agreed on a practice to try and "
                "who will follow up on how it worked.",
                guest_count=rng.randint(0, 3),
                logged_by=next((m.user for m in members[community.pk] if m.is_coordinator), None),
            )  # fmt: skip
            if rng.random() < 0.4:
                ActivityOutput.objects.create(
                    activity=activity, kind=rng.choice([OutputKind.FAQ, OutputKind.SUMMARY, OutputKind.INSIGHT]),
                    title=f"Notes: {activity.title}",
                )  # fmt: skip
            recent = session.starts_at > now - timedelta(days=150)
            for m in members[community.pk]:
                chance = 0.8 if recent and m.pk in rising else attend_chance[m.level]
                if m.is_coordinator or rng.random() < chance:
                    attendance.append(Attendance(activity=activity, user_id=m.user_id))
        for _ in range(rng.randint(3, 6)):  # activities beyond the rhythm
            kind = rng.choice(list(ActivityType))
            day = (now - timedelta(days=rng.randint(2, 360))).date()
            activity = Activity.objects.create(
                community=community, date=day, title=EXTRA_ACTIVITIES[kind], activity_type=kind,
                format=rng.choice(list(Format)), summary="",
            )  # fmt: skip
            for m in rng.sample(members[community.pk], min(5, len(members[community.pk]))):
                attendance.append(Attendance(activity=activity, user_id=m.user_id))
        Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
        retention_parts.invalidate([community.pk])  # bulk_create sends no signal
    for months_ago in range(9, -1, -1):
        participation.recompute_levels(now=now - timedelta(days=30 * months_ago))
