"""Notifications in the product: every email also a notification, by the person's choice
per kind; the list (only what its reader can still open), marking read, the bell's count,
the preferences page, one-click unsubscribe and the purge of old read ones."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail as outbox
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop import mail, permissions
from childcop.accounts import notices
from childcop.accounts.factories import UserFactory
from childcop.accounts.models import Channel, Notification, NotificationPreference, SentEmail
from childcop.needs import jobs as needs_jobs
from communities.factories import CommunityFactory, MembershipFactory
from communities.health.jobs import reminders as health_reminders
from communities.health.jobs import reports as health_reports
from communities.jobs import send_added_to_community
from communities.learning import jobs as learning_jobs
from communities.rhythm import jobs as rhythm_jobs
from communities.rhythm.jobs import unsubscribe_token
from communities.stewardship import jobs as stewardship_jobs
from practice_groups import jobs as group_jobs
from sponsorship import jobs as sponsorship_jobs
from value_stories import jobs as story_jobs

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCT = ("childcop", "communities", "sponsorship", "practice_groups", "value_stories")

pytestmark = pytest.mark.django_db


def notify(user, kind, key="1", link="/communities/", community=None, subject="Something"):
    return mail.send_claimed(
        user,
        kind,
        key,
        lambda: EmailMultiAlternatives(subject, "Body", to=[user.email]),
        notice=mail.Notice(link, community=community),
        subject=subject,
    )


def visible(user):
    return Notification.objects.filter(permissions.visible_notifications_q(user))


# --- every kind, every choice -------------------------------------------------------------


def test_the_kinds_are_the_emails_the_product_sends():
    """Each kind a job sends is a kind of the preferences page, and no other."""
    sent = {
        rhythm_jobs.REMINDER,
        rhythm_jobs.MISSED_HEARTBEAT,
        rhythm_jobs.INVITE_KIND,
        learning_jobs.UNANSWERED,
        learning_jobs.FOLLOW_UP,
        learning_jobs.DIGEST,
        stewardship_jobs.OVERDUE_ACTION,
        stewardship_jobs.STALLED_LAUNCHES,
        stewardship_jobs.REVIEW_DUE,
        sponsorship_jobs.SUBMITTED_EMAIL,
        sponsorship_jobs.REVIEW_REMINDER_EMAIL,
        health_reminders.REMINDER,
        health_reports.KIND,
        health_reports.PROGRAM_KIND,
        group_jobs.KIND,
        "added_to_community",
        needs_jobs.KIND,
        *(kind for kind, _ in story_jobs.KINDS.values()),
    }
    assert sent == set(notices.KINDS)


def test_every_email_of_the_product_writes_its_notification():
    """Every call of the mail path in the product passes the notification (`notice=`)."""
    missing = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "mail.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"send_once", "send_to_each", "send_claimed"}
                    and not any(k.arg == "notice" for k in node.keywords)
                ):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


@pytest.mark.parametrize("kind", sorted(notices.KINDS))
def test_each_kind_follows_the_persons_choice(kind, community):
    """Both: an email and a notification; in the product only: the notification; off:
    nothing (a kind a role sends cannot be off: it stays in the product)."""
    mandatory = notices.KINDS[kind].mandatory
    seen = {}
    for chosen in Channel:
        person = UserFactory(is_program_admin=True)  # may open every link: access aside
        if chosen == Channel.OFF and mandatory:
            with pytest.raises(ValueError):
                notices.set_channel(person, kind, chosen)
            NotificationPreference.objects.create(user=person, kind=kind, channel=chosen)
        else:
            notices.set_channel(person, kind, chosen)
        outbox.outbox = []
        notify(person, kind, community=community)
        notify(person, kind, community=community)  # a second run: nothing more
        person.refresh_from_db()
        seen[chosen] = (
            [m.to for m in outbox.outbox],
            list(visible(person).values_list("kind", "title", "community")),
            person.unread_notifications,
        )
        email = [[person.email]]
        note = [(kind, "Something", community.pk)]
        expected = {
            Channel.BOTH: (email, note, 1),
            Channel.PRODUCT: ([], note, 1),
            Channel.OFF: ([], note, 1) if mandatory else ([], [], 0),
        }[chosen]
        assert seen[chosen] == expected, (kind, chosen)
    assert SentEmail.objects.filter(kind=kind).count() == (3 if mandatory else 2)


@pytest.mark.parametrize("kind", ["story_submitted", "group_report"])
def test_a_batch_reads_the_same_choices_in_one_query(kind):
    """A job's batch reads its recipients' choices at once: each as `channel` reads it (a
    mandatory kind's "off" stays in the product), the default for who chose nothing."""
    people = {chosen: UserFactory() for chosen in Channel}
    for chosen, person in people.items():
        NotificationPreference.objects.create(user=person, kind=kind, channel=chosen)
    nobody = UserFactory()
    ids = [p.pk for p in people.values()] + [nobody.pk]
    with CaptureQueriesContext(connection) as ctx:
        chosen = notices.channels(ids, kind)
    assert len(ctx) == 1
    assert chosen == {pk: notices.channel(UserFactory.build(pk=pk), kind) for pk in ids}
    off = Channel.PRODUCT if notices.KINDS[kind].mandatory else Channel.OFF
    assert chosen[people[Channel.OFF].pk] == off
    assert chosen[nobody.pk] == Channel.BOTH


def test_real_jobs_follow_the_choice(users, community, group):
    """The jobs' own recipients: a story to review (mandatory) in the product only, a
    practice-group report turned off, being added to a community by email and in the product."""
    from practice_groups.factories import ProgressReportFactory
    from value_stories.choices import Status
    from value_stories.factories import ValueStoryFactory
    from value_stories.models import StoryTransition

    coordinator, member = users["coordinator"], users["member"]
    notices.set_channel(coordinator, "story_submitted", Channel.PRODUCT)
    notices.set_channel(member, "group_report", Channel.OFF)
    story = ValueStoryFactory(community=community, author=member, status=Status.SUBMITTED)
    change = StoryTransition.objects.create(
        story=story, from_status=Status.DRAFT, to_status=Status.SUBMITTED, by=member
    )
    assert story_jobs.send_transition_emails(change.pk) == 1
    report = ProgressReportFactory(group=group, author=users["core"])
    assert group_jobs.send_report_emails(report.pk) == 0
    newcomer = MembershipFactory(community=CommunityFactory(slug="newcomers"), user=member)
    assert send_added_to_community(newcomer.pk)

    assert [m.to for m in outbox.outbox] == [[member.email]]
    assert list(visible(coordinator).values_list("kind", "link")) == [
        ("story_submitted", story.get_absolute_url())
    ]
    assert list(visible(member).values_list("kind", "link")) == [
        ("added_to_community", newcomer.community.get_absolute_url())
    ]


# --- what its reader can still open ---------------------------------------------------------


def test_a_notification_disappears_with_its_readers_access(users, clients, community):
    """Leaving a members-only community, losing a coordinator role: what pointed into it goes
    from the list, from the bell's count and cannot be marked read (404)."""
    member, coordinator = users["member"], users["coordinator"]
    community.is_open = False
    community.save()
    notify(member, "added_to_community", link=community.get_absolute_url(), community=community)
    notify(coordinator, "story_submitted", link="/stories/1/", community=community)
    notify(member, "help_digest", link="/communities/")  # not about one community
    page = clients["member"].get(reverse("notifications:list"))
    assert page.context["unread"] == 2
    assert b"Notifications, 2 unread" in page.content
    added = Notification.objects.get(kind="added_to_community")

    clients["member"].post(reverse("communities:leave", args=[community.slug]))
    assert not community.memberships.filter(user=member).exists()
    page = clients["member"].get(reverse("notifications:list"))
    assert [n.kind for n in page.context["page"]] == ["help_digest"]
    assert page.context["unread"] == 1
    assert b"Notifications, 1 unread" in page.content  # the bell settled with the list
    assert community.get_absolute_url().encode() not in page.content
    response = clients["member"].post(reverse("notifications:read", args=[added.pk]))
    assert response.status_code == 404

    membership = community.memberships.get(user=coordinator)
    membership.is_coordinator = False
    membership.save()
    assert not visible(coordinator).exists()
    assert visible(users["admin"]).count() == 0  # someone else's: never listed


def test_each_access_is_checked_for_its_reader(users, community):
    from childcop.accounts.models import Access

    def write(user, access):
        Notification.objects.create(
            recipient=user, kind="x", key=access, title=access, link="/", community=community,
            access=access,
        )  # fmt: skip

    for user in users.values():
        if user is not None:
            for access in Access.values:
                write(user, access)
    seen = {
        role: set(visible(user).values_list("access", flat=True))
        for role, user in users.items()
        if user is not None
    }
    everyone = {"signed_in", "community"}  # an open community
    members = everyone | {"member", "launch", "sponsorship"}
    assert seen["outsider"] == everyone
    assert seen["member"] == members
    assert seen["core"] == members | {"core", "health"}
    assert seen["coordinator"] == members | {"core", "health", "coordinator"}
    assert seen["sponsor"] == everyone | {"sponsorship", "health", "sponsor"}
    assert seen["admin"] == set(Access.values)


# --- the list, marking read, the bell -------------------------------------------------------


def test_the_list_newest_first_and_marking_read(users, clients, community):
    member = users["member"]
    for i in range(3):
        notify(member, "session_reminder", key=str(i), subject=f"Session {i}", community=community)
    first, second, third = Notification.objects.order_by("pk")
    page = clients["member"].get(reverse("notifications:list"))
    assert [n.title for n in page.context["page"]] == ["Session 2", "Session 1", "Session 0"]
    assert b"Notifications, 3 unread" in page.content

    # htmx: the line comes back read, with the bell and the summary out of band.
    response = clients["member"].post(
        reverse("notifications:read", args=[second.pk]), headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{second.pk}"' in text and "Mark as read" not in text
    assert 'aria-label="Notifications, 2 unread"' in text and 'hx-swap-oob="true"' in text
    # without JavaScript: back to the list
    response = clients["member"].post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:list")
    member.refresh_from_db()
    assert member.unread_notifications == 1
    # someone else's is not theirs to mark
    assert clients["core"].post(reverse("notifications:read", args=[third.pk])).status_code == 404
    # the bell on any page, with no query of its own
    assert 'aria-label="Notifications, 1 unread"' in clients["member"].get("/").content.decode()

    response = clients["member"].post(reverse("notifications:read_all"), follow=True)
    assert "1 notification marked as read." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert b"Notifications, 0 unread" in response.content
    response = clients["member"].post(reverse("notifications:read_all"), follow=True)
    assert "You have no unread notifications." in response.content.decode()


def test_marking_read_takes_post_only_with_a_csrf_token(users, community):
    from django.test import Client

    notify(users["member"], "session_reminder", community=community)
    notification = Notification.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["member"])
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 403
    assert client.post(reverse("notifications:read_all")).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_empty_list_says_what_will_appear(clients):
    page = clients["outsider"].get(reverse("notifications:list")).content.decode()
    assert "No notifications yet" in page and "Mark all as read" not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_takes_a_constant_number_of_queries(users, clients, community, size):
    for i in range(size):
        notify(users["member"], "session_reminder", key=str(i), community=community)
    client = clients["member"]
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("notifications:list")).status_code == 200
    # session + user, the unread ones the reader can open, the page's count, the page
    # (with its communities)
    assert len(context) == 5, [q["sql"] for q in context.captured_queries]


def test_read_ones_are_purged_after_90_days_and_twice_changes_nothing(users, community):
    now = timezone.now()
    for key, read in (("old", 91), ("recent", 89), ("unread", None)):
        notify(users["member"], "session_reminder", key=key, community=community)
        Notification.objects.filter(key=key).update(
            created_at=now - timedelta(days=120),
            read_at=None if read is None else now - timedelta(days=read),
        )
    assert notices.purge_read(now) == 1
    assert notices.purge_read(now) == 0
    assert set(Notification.objects.values_list("key", flat=True)) == {"recent", "unread"}


def test_the_purge_is_scheduled_daily():
    from tests.commands import schedules_created_twice

    _, tasks = schedules_created_twice("communities.migrations.0021_notification_purge_schedule")
    task = tasks["communities.tasks.purge_read_notifications"]
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("40", "3", "*")


# --- preferences ----------------------------------------------------------------------------


def test_the_preferences_page_sets_each_kind(users, clients):
    member = users["member"]
    page = clients["member"].get(reverse("notifications:preferences")).content.decode()
    for spec in notices.KINDS.values():
        assert spec.label in page
    data = dict.fromkeys(notices.KINDS, Channel.BOTH)
    data.update(session_reminder=Channel.OFF, story_submitted=Channel.PRODUCT)
    response = clients["member"].post(reverse("notifications:preferences"), data, follow=True)
    assert "Your notification preferences were saved." in response.content.decode()
    assert notices.choices(member)["session_reminder"] == Channel.OFF
    assert notices.choices(member)["story_submitted"] == Channel.PRODUCT
    assert NotificationPreference.objects.filter(user=member).count() == 2  # defaults: no row


def test_a_role_notice_cannot_be_turned_off(users, clients):
    data = dict.fromkeys(notices.KINDS, Channel.BOTH)
    data["story_submitted"] = Channel.OFF
    del data["help_digest"]
    response = clients["member"].post(reverse("notifications:preferences"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Choose one of the options for “Stories to review”." in text
    assert "Choose how to receive “Daily digest of help requests”." in text
    assert not NotificationPreference.objects.exists()


def test_one_click_unsubscribe_changes_the_same_preference(users, clients, client, community):
    member = users["member"]
    client.post(reverse("unsubscribe", args=[unsubscribe_token(member)]))
    assert notices.choices(member)["session_reminder"] == Channel.PRODUCT
    page = clients["member"].get(reverse("notifications:preferences"))
    assert page.context["form"]["session_reminder"].value() == Channel.PRODUCT
    notify(member, "session_reminder", community=community)
    assert outbox.outbox == [] and visible(member).count() == 1  # no email; still in childcop


@pytest.mark.django_db(transaction=True)
def test_the_switches_that_were_off_become_off_preferences():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0005_notifications")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("accounts", "User")
    quiet = old.objects.create(email="quiet@example.org", notify_rhythm_reminders=False,
                               notify_digests=False)  # fmt: skip
    old.objects.create(email="happy@example.org")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(NotificationPreference.objects.values_list("user_id", "kind", "channel")) == {
        (quiet.pk, "session_reminder", "off"),
        (quiet.pk, "help_digest", "off"),
        (quiet.pk, "group_report", "off"),
    }
