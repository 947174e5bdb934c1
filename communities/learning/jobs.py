"""The learning room's jobs: emails on unanswered requests, follow-ups and the daily digest.

Called by the Celery tasks in ``communities.tasks`` (run by beat, see the ``loop_schedules``
migration) and by the management commands ``remind_unanswered_help``,
``send_help_follow_ups`` and ``send_help_digests``. Each email goes through `childcop.mail`,
claimed first in ``SentEmail`` (recipient, kind, key) inside the transaction that sends it: a
second run, a retry or two workers at once find the claim and send nothing; a recipient the
server refuses is skipped until the next run.

* ``help_unanswered`` (key: request id) — to the coordinators, when a request still has
  no answer after the community's `response_commitment_days` working days.
* ``help_follow_up`` (key: request id) — to the asker, `follow_up_days` after an answer
  was marked helpful: "how did it turn out?".
* ``help_digest`` (key: the day, YYYY-MM-DD) — to members who want digests: yesterday's
  new help requests in their communities (not their own).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from childcop import mail
from childcop.accounts.models import Access, SentEmail
from childcop.utils import site_url
from communities.choices import HELP_WORKFLOW, Stage
from communities.models import Answer, Community, HelpRequest, Membership

logger = logging.getLogger(__name__)

UNANSWERED = "help_unanswered"
FOLLOW_UP = "help_follow_up"
DIGEST = "help_digest"
# A first run (or a long outage) does not flood anyone with ancient requests.
LOOKBACK_DAYS = 60


def add_working_days(moment, days: int):
    """The same local time of day, `days` weekdays later (Saturdays and Sundays skipped)."""
    local = timezone.localtime(moment)
    counted = 0
    while counted < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            counted += 1
    return local


def _pk_as_text():
    """The outer row's id as the text of a claim's key."""
    return Cast(OuterRef("pk"), output_field=CharField())


# --- (a) unanswered requests ------------------------------------------------------------


def unanswered_requests(now):
    """Open requests without any answer whose working-day response commitment has passed."""
    shortest = (
        Community.objects.exclude(stage=Stage.CLOSED)
        .order_by("response_commitment_days")
        .values_list("response_commitment_days", flat=True)
        .first()
    )
    if shortest is None:
        return []
    candidates = (
        HelpRequest.objects.filter(
            status=HELP_WORKFLOW.initial,  # as asked: no answer marked helpful yet
            created_at__gte=now - timedelta(days=LOOKBACK_DAYS),
            # n working days are at least n calendar days: the database narrows, Python decides
            created_at__lte=now - timedelta(days=shortest),
        )
        .exclude(Exists(Answer.objects.filter(request=OuterRef("pk"))))
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community", "asker")
        .order_by("created_at", "pk")
    )
    return [
        r
        for r in candidates
        if add_working_days(r.created_at, r.community.response_commitment_days) <= now
    ]


def send_unanswered_notices(now=None) -> int:
    now = now or timezone.now()
    sent = 0
    for help_request in unanswered_requests(now):
        with mail.isolated("unanswered-request notices", help_request):
            key = str(help_request.pk)
            coordinators = (
                Membership.objects.filter(
                    community_id=help_request.community_id,
                    is_coordinator=True,
                    user__is_active=True,
                )
                .exclude(user_id=help_request.asker_id)
                .exclude(
                    Exists(
                        SentEmail.objects.filter(
                            recipient=OuterRef("user"), kind=UNANSWERED, key=key
                        )
                    )
                )
                .select_related("user")
                .order_by("user_id")
            )
            community = help_request.community
            sent += mail.send_to_each(
                [membership.user for membership in coordinators],
                UNANSWERED,
                key,
                "communities/email/help_unanswered",
                f"Unanswered help request: {help_request.title} ({community.name})",
                {
                    "help_request": help_request,
                    "community": community,
                    "days": community.response_commitment_days,
                    "url": site_url("communities:help_detail", community.slug, help_request.pk),
                },
                skip_refused=True,
                notice=mail.Notice(
                    site_url("communities:help_detail", community.slug, help_request.pk),
                    community=community,
                ),
            )
    if sent:
        logger.info("Sent %d unanswered-request notice(s)", sent)
    return sent


# --- (b) follow-ups -----------------------------------------------------------------------


def due_follow_ups(now):
    """Answered requests whose helpful answer is `follow_up_days` old (per community)."""
    days_values = (
        Community.objects.exclude(stage=Stage.CLOSED)
        .values_list("follow_up_days", flat=True)
        .distinct()
        .order_by()
    )
    due = Q(pk__in=[])
    for days in days_values:
        bound = now - timedelta(days=days)
        due |= Q(
            community__follow_up_days=days,
            helpful_at__lte=bound,
            helpful_at__gte=bound - timedelta(days=LOOKBACK_DAYS),
        )
    return (
        HelpRequest.objects.filter(
            due, status__in=HELP_WORKFLOW.sources("follow_up"), asker__is_active=True
        )
        .exclude(community__stage=Stage.CLOSED)
        .exclude(
            Exists(
                SentEmail.objects.filter(
                    recipient=OuterRef("asker"), kind=FOLLOW_UP, key=_pk_as_text()
                )
            )
        )
        .select_related("community", "asker")
        .order_by("helpful_at", "pk")
    )


def send_follow_ups(now=None) -> int:
    now = now or timezone.now()
    sent = 0
    for help_request in due_follow_ups(now):
        with mail.isolated("help-request follow-ups", help_request):
            community = help_request.community
            sent += mail.send_once(
                help_request.asker,
                FOLLOW_UP,
                str(help_request.pk),
                "communities/email/help_follow_up",
                f"How did it turn out? {help_request.title}",
                {
                    "help_request": help_request,
                    "community": community,
                    "url": site_url("communities:help_follow_up", community.slug, help_request.pk),
                    "request_url": site_url(
                        "communities:help_detail", community.slug, help_request.pk
                    ),
                },
                skip_refused=True,
                notice=mail.Notice(
                    site_url("communities:help_follow_up", community.slug, help_request.pk),
                    community=community,
                ),
            )
    if sent:
        logger.info("Sent %d follow-up(s)", sent)
    return sent


# --- (c) the daily digest -----------------------------------------------------------------


def digest_day(now):
    """The digest covers the whole previous local day (runs on one day never overlap)."""
    return timezone.localtime(now).date() - timedelta(days=1)


def _digest_notice(items) -> mail.Notice:
    """A digest's notification: the community's help requests when they are all of one,
    else the person's communities."""
    communities = {r.community_id: r.community for r in items}
    if len(communities) == 1:
        (community,) = communities.values()
        return mail.Notice(
            site_url("communities:help_list", community.slug),
            community=community,
            access=Access.COMMUNITY,
        )
    return mail.Notice(site_url("communities:list"))


def send_digests(now=None) -> int:
    now = now or timezone.now()
    day = digest_day(now)
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = start + timedelta(days=1)
    requests = list(
        HelpRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community", "asker")
        .order_by("community__name", "created_at", "pk")
    )
    if not requests:
        return 0
    by_community = defaultdict(list)
    for help_request in requests:
        by_community[help_request.community_id].append(help_request)
    key = day.isoformat()
    memberships = (
        Membership.objects.filter(community_id__in=by_community, user__is_active=True)
        .exclude(Exists(SentEmail.objects.filter(recipient=OuterRef("user"), kind=DIGEST, key=key)))
        .select_related("user")
        .order_by("user_id", "community__name")
    )
    per_user = defaultdict(list)
    users = {}
    for membership in memberships:
        users[membership.user_id] = membership.user
        per_user[membership.user_id].extend(
            r for r in by_community[membership.community_id] if r.asker_id != membership.user_id
        )
    sent = 0
    for user_id, items in per_user.items():
        if not items:
            continue
        with mail.isolated("help-request digests", users[user_id]):
            sent += mail.send_once(
                users[user_id],
                DIGEST,
                key,
                "communities/email/help_digest",
                f"{len(items)} new help request{'s' if len(items) != 1 else ''} in your communities",
                {
                    "day": day,
                    "requests": [
                        (r, site_url("communities:help_detail", r.community.slug, r.pk))
                        for r in items
                    ],
                },
                skip_refused=True,
                notice=_digest_notice(items),
            )
    if sent:
        logger.info("Sent %d help-request digest(s)", sent)
    return sent
