"""A person's own data, for them to download: everything the product holds about them, as
one ZIP with a JSON file (all of it) and one CSV file per part."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.utils import timezone

from childcop.utils import safe_cell

# What each part is, in the order of the files in the ZIP.
PARTS = {
    "profile": "Your profile.",
    "notification_preferences": "Which emails you get.",
    "memberships": "The communities you are a member of, with your level and roles.",
    "attendance": "The activities you attended.",
    "level_history": "Every change of your participation level.",
    "stories": "The value-creation stories you wrote.",
    "health_check_answers": "Your answers to health checks, with your ratings.",
    "help_requests": "The help you asked for.",
    "help_answers": "The answers you gave.",
    "appointments": "Your appointments in the support structure (sponsor, SME, mentor...).",
    "agenda_items": "The challenges you raised on learning agendas.",
    "shared_memory": "The shared-memory entries you wrote.",
    "practice_groups": "The practice groups you belong to.",
    "mentoring": "Your mentoring pairs, as mentor or mentee.",
}

STORY_FIELDS = [
    "id", "community__name", "title", "happened_on", "author_role", "narrative", "visibility",
    "status", "involvement", "activity_description", "experience", "gained", "applied",
    "difference", "reframing", "enablers", "strategy", "transformation",
]  # fmt: skip


def _profile(user):
    return [
        {
            "email": user.email,
            "name": user.display_name,
            "job_title": user.job_title,
            "department": user.department,
            "joined": user.date_joined,
            "last_signed_in": user.last_login,
            "social_learning_team": user.is_program_admin,
            "keep_my_stories_if_my_account_is_erased": user.keep_stories_if_erased,
        }
    ]


def _notification_preferences(user):
    """Per kind of notice: how the person receives it (email and in childcop, in childcop
    only, or off)."""
    from . import notices

    return [
        {"kind": kind, "label": notices.KINDS[kind].label, "channel": channel}
        for kind, channel in notices.choices(user).items()
    ]


def _memberships(user):
    from communities.models import LeadershipAssignment, Membership

    roles = {}
    for membership_id, role in LeadershipAssignment.objects.filter(
        membership__user=user
    ).values_list("membership_id", "role"):
        roles.setdefault(membership_id, []).append(role)
    rows = Membership.objects.filter(user=user).values(
        "id", "joined_on", "level", "is_coordinator", "level_is_manual",
        community_name=F("community__name"),
    )  # fmt: skip
    return [
        {**row, "leadership_roles": "; ".join(sorted(roles.get(row["id"], [])))}
        for row in rows.order_by("community__name")
    ]


def _attendance(user):
    from communities.models import Attendance

    return list(
        Attendance.objects.filter(user=user)
        .values(
            "imported",
            community_name=F("activity__community__name"),
            activity_title=F("activity__title"),
            date=F("activity__date"),
        )
        .order_by("activity__date", "activity_id")
    )


def _level_history(user):
    from communities.models import LevelChange

    return list(
        LevelChange.objects.filter(user=user)
        .values(
            "from_level", "to_level", "is_manual", "changed_at", community_name=F("community__name")
        )
        .order_by("changed_at", "id")
    )


def _stories(user):
    from value_stories.models import ValueStory

    return list(ValueStory.objects.filter(author=user).values(*STORY_FIELDS).order_by("id"))


def _health_check_answers(user):
    from communities.models import HealthCheckResponse, HealthRating

    ratings = {}
    for response_id, dimension, score, note in (
        HealthRating.objects.filter(response__respondent=user)
        .order_by("dimension__order", "dimension_id")
        .values_list("response_id", "dimension__name", "score", "note")
    ):
        ratings.setdefault(response_id, []).append(
            {"dimension": dimension, "score": score, "note": note}
        )
    rows = HealthCheckResponse.objects.filter(respondent=user).values(
        "id", "success_factors", "failure_factors", "notes", "submitted_at",
        community_name=F("health_check__community__name"),
        period_start=F("health_check__period_start"),
        period_end=F("health_check__period_end"),
    )  # fmt: skip
    return [
        {**row, "ratings": ratings.get(row["id"], [])}
        for row in rows.order_by("submitted_at", "id")
    ]


def _help_requests(user):
    from communities.models import HelpRequest

    return list(
        HelpRequest.objects.filter(asker=user)
        .values(
            "id",
            "title",
            "challenge",
            "status",
            "created_at",
            "outcome",
            "reflection",
            "closed_at",
            community_name=F("community__name"),
        )  # fmt: skip
        .order_by("created_at", "id")
    )


def _help_answers(user):
    from communities.models import Answer

    return list(
        Answer.objects.filter(author=user)
        .values("body", "created_at", "helpful", help_request=F("request__title"))
        .order_by("created_at", "id")
    )


def _appointments(user):
    from sponsorship.models import Appointment

    return list(
        Appointment.objects.filter(person=user)
        .values(
            "id",
            "role",
            "sponsor_kind",
            "expertise",
            "status",
            "identified_on",
            "scope",
            "appointed_on",
            "term_end",
            "ended_on",
        )  # fmt: skip
        .order_by("identified_on", "id")
    )


def _agenda_items(user):
    from communities.models import AgendaItem

    return list(
        AgendaItem.objects.filter(raised_by=user)
        .values("id", "title", "description", "status", community_name=F("community__name"))
        .order_by("id")
    )


def _shared_memory(user):
    from communities.models import SharedMemoryEntry

    return list(
        SharedMemoryEntry.objects.filter(created_by=user)
        .values("id", "kind", "title", "body", "created_at", community_name=F("community__name"))
        .order_by("id")
    )


def _practice_groups(user):
    from practice_groups.models import GroupMembership

    return list(
        GroupMembership.objects.filter(user=user)
        .values(
            "joined_at", group_name=F("group__name"), community_name=F("group__community__name")
        )
        .order_by("joined_at", "id")
    )


def _mentoring(user):
    from django.db.models import Q

    from sponsorship.models import MentorPair

    pairs = MentorPair.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "mentor", "mentee"
    )
    return [
        {
            "as": "mentor" if pair.mentor_id == user.pk else "mentee",
            "with": (pair.mentee if pair.mentor_id == user.pk else pair.mentor).display_name,
            "goals": pair.goals,
            "start": pair.start,
            "planned_end": pair.planned_end,
            "status": pair.status,
        }
        for pair in pairs.order_by("start", "id")
    ]


COLLECTORS = {
    "profile": _profile,
    "notification_preferences": _notification_preferences,
    "memberships": _memberships,
    "attendance": _attendance,
    "level_history": _level_history,
    "stories": _stories,
    "health_check_answers": _health_check_answers,
    "help_requests": _help_requests,
    "help_answers": _help_answers,
    "appointments": _appointments,
    "agenda_items": _agenda_items,
    "shared_memory": _shared_memory,
    "practice_groups": _practice_groups,
    "mentoring": _mentoring,
}


def collect(user) -> dict:
    """Every part, as lists of plain rows."""
    return {name: COLLECTORS[name](user) for name in PARTS}


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header = list(rows[0]) if rows else []
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(_plain(row[key])) for key in header])
    return out.getvalue()


def _plain(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def archive(user) -> bytes:
    """The ZIP: `childcop-data.json` (every part) and `<part>.csv` for each part."""
    data = collect(user)
    document = {
        "exported_at": timezone.now(),
        "parts": PARTS,
        **data,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(
            "childcop-data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for name, rows in data.items():
            zipped.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()
