"""The one mail path (childcop.mail): claimed once per recipient, kind and key; the text and
HTML parts, the .ics, the unsubscribe headers; a failed send leaves nothing claimed."""

import copy
import smtplib
from collections import Counter
from unittest import mock

import pytest
from celery.signals import task_success
from django.conf import settings as django_settings
from django.core import mail as outbox
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError, connection, transaction

from childcop import mail
from childcop.accounts.factories import UserFactory
from childcop.accounts.models import Access, Notification, SentEmail
from communities.factories import CoordinatorFactory
from tests.waits import at_once, wait_for
from value_stories.choices import Status
from value_stories.factories import ValueStoryFactory
from value_stories.models import StoryTransition
from value_stories.tasks import notify_story_transition

TEMPLATES = {
    "greeting.txt": "{% autoescape off %}Hello {{ user.display_name }}, {{ what }}.\n"
    "Preferences: {{ preferences_url }}{% if unsubscribe_url %}\n"
    "Unsubscribe: {{ unsubscribe_url }}{% endif %}{% endautoescape %}",
    "greeting.html": "<p>Hello {{ user.display_name }}, {{ what }}.</p>",
    "plain.txt": "{% autoescape off %}Just text: {{ what }}{% endautoescape %}",
}


@pytest.fixture
def templates(settings, tmp_path):
    """The templates above, in a folder of their own: `mailtest/<name>`."""
    folder = tmp_path / "mailtest"
    folder.mkdir()
    for name, text in TEMPLATES.items():
        (folder / name).write_text(text)
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [*engines[0]["DIRS"], tmp_path]
    settings.TEMPLATES = engines


@pytest.fixture
def person(db):
    return UserFactory(email="ada@example.org", display_name="Ada")


def greet(user, kind="greeting", key="1", **options):
    return mail.send_once(
        user, kind, key, "mailtest/greeting", "A greeting", {"what": "Q&A <live>"}, **options
    )


def claims():
    return SentEmail.objects.count()


@pytest.mark.django_db
class TestOnce:
    def test_once_per_recipient_kind_and_key(self, templates, person):
        other = UserFactory(email="grace@example.org")
        assert greet(person) is True
        assert greet(person) is False  # a retry, a duplicate delivery: claimed already
        assert len(outbox.outbox) == 1 and claims() == 1
        assert greet(person, key="2") and greet(person, kind="farewell") and greet(other)
        assert greet(person, key="2") is False
        sent = Counter((m.to[0], m.subject) for m in outbox.outbox)
        assert sent == {
            ("ada@example.org", "A greeting"): 3,
            ("grace@example.org", "A greeting"): 1,
        }
        assert set(SentEmail.objects.values_list("recipient__email", "kind", "key")) == {
            ("ada@example.org", "greeting", "1"),
            ("ada@example.org", "greeting", "2"),
            ("ada@example.org", "farewell", "1"),
            ("grace@example.org", "greeting", "1"),
        }

    def test_a_duplicate_inside_a_callers_transaction_leaves_it_usable(self, templates, person):
        with transaction.atomic():
            assert greet(person) is True
            assert greet(person) is False
            assert claims() == 1  # the transaction goes on
        assert len(outbox.outbox) == 1

    def test_nothing_is_rendered_for_an_email_claimed_already(self, templates, person):
        greet(person)
        with mock.patch.object(mail, "message") as message:
            assert greet(person) is False
        message.assert_not_called()


@pytest.mark.django_db
class TestMessage:
    def test_text_and_html_parts_from_the_template(self, templates, person):
        greet(person)
        (message,) = outbox.outbox
        assert message.to == ["ada@example.org"] and message.subject == "A greeting"
        assert "Hello Ada, Q&A <live>." in message.body  # plain text: not escaped
        assert f"Preferences: {django_settings.SITE_URL}/notifications/preferences/" in message.body
        assert message.alternatives == [("<p>Hello Ada, Q&amp;A &lt;live&gt;.</p>", "text/html")]
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
        assert message.attachments == []

    def test_plain_text_only_where_there_is_no_html_template(self, templates, person):
        mail.send_once(person, "plain", "1", "mailtest/plain", "Plain", {"what": "a & b"})
        (message,) = outbox.outbox
        assert message.body == "Just text: a & b"
        assert message.alternatives == []
        assert "text/html" not in message.message().as_string()

    def test_the_ics_is_attached(self, templates, person):
        calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
        greet(person, ics=("case-clinic.ics", calendar))
        (message,) = outbox.outbox
        assert message.attachments == [("case-clinic.ics", calendar.decode(), "text/calendar")]
        assert message.alternatives[0][1] == "text/html"

    def test_unsubscribe_headers_only_where_people_can_opt_out(self, templates, person):
        url = f"{django_settings.SITE_URL}/unsubscribe/a-signed-token/"
        greet(person, key="opt-out", unsubscribe=url)
        greet(person, key="no-opt-out")
        opted, plain = outbox.outbox
        assert opted.extra_headers["List-Unsubscribe"] == f"<{url}>"
        assert opted.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"Unsubscribe: {url}" in opted.body
        assert "List-Unsubscribe" not in plain.extra_headers
        assert "List-Unsubscribe-Post" not in plain.extra_headers
        assert "Unsubscribe" not in plain.body
        assert "List-Unsubscribe: <" in opted.message().as_string()


@pytest.mark.django_db
class TestFailures:
    def test_a_failed_send_releases_the_claim_for_the_retry(self, templates, person):
        with (
            mock.patch.object(
                EmailMultiAlternatives, "send", side_effect=ConnectionError("server went away")
            ),
            pytest.raises(ConnectionError),
        ):
            greet(person)
        assert claims() == 0 and outbox.outbox == []
        assert greet(person) is True  # the retry sends it, once
        assert greet(person) is False
        assert len(outbox.outbox) == 1 and claims() == 1

    def test_a_refused_recipient_reaches_the_task_unless_the_job_skips_it(self, templates, person):
        refused = smtplib.SMTPRecipientsRefused({"ada@example.org": (550, b"No such user")})
        with mock.patch.object(EmailMultiAlternatives, "send", side_effect=refused):
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                greet(person)  # an event's email: the task retries
            assert greet(person, skip_refused=True) is False  # a job's: the next run retries
        assert claims() == 0
        assert greet(person, skip_refused=True) is True
        assert len(outbox.outbox) == 1

    @pytest.mark.parametrize("skip_refused", [False, True])
    def test_an_email_that_cannot_be_built_is_logged_and_skipped(
        self, templates, person, caplog, skip_refused
    ):
        """Its own error (here a subject with a line break) stops neither a job nor an
        event's task: logged, its claim rolled back for the next run."""
        bad = "A greeting\r\nBcc: everyone@example.org"
        send = mail.send_once
        args = (person, "greeting", "1", "mailtest/greeting")
        assert send(*args, bad, {"what": "hi"}, skip_refused=skip_refused) is False
        assert "greeting 1 to" in caplog.text and "BadHeaderError" in caplog.text
        assert claims() == 0 and outbox.outbox == []
        assert send(*args, "A greeting", {"what": "hi"}, skip_refused=skip_refused) is True

    def test_an_integrity_error_of_the_build_is_not_taken_for_a_claim(self, person):
        def build():
            raise IntegrityError("not the claim")

        with pytest.raises(IntegrityError):
            mail.send_claimed(person, "greeting", "1", build)
        assert claims() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_send_one_email(templates, person, settings):
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    results, errors = at_once(
        lambda: greet(person, notice=mail.Notice("/stories/", access=Access.SIGNED_IN))
    )
    assert not errors, errors
    assert sorted(results) == [False, True]  # the second waited on the claim, then found it
    assert len(outbox.outbox) == 1 and claims() == 1
    # The notification is written with the claim: one, counted once on the bell.
    assert list(Notification.objects.values_list("recipient", "title", "link")) == [
        (person.pk, "A greeting", "/stories/")
    ]
    person.refresh_from_db()
    assert person.unread_notifications == 1


class FlakyBackend(EmailBackend):
    """The in-memory backend; the server goes away once, at the second message."""

    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_each_email_once_after_an_smtp_failure_and_a_retry(
    worker, users, community, settings
):
    """A story's submission, emailed to three coordinators: the second send fails, the task
    retries (its claim was rolled back with it), every coordinator gets the email once."""
    settings.EMAIL_BACKEND = "tests.test_mail.FlakyBackend"
    FlakyBackend.calls = 0
    for email in ("co2@example.org", "co3@example.org"):
        CoordinatorFactory(community=community, user=UserFactory(email=email))
    story = ValueStoryFactory(community=community, author=users["member"], status=Status.SUBMITTED)
    change = StoryTransition.objects.create(
        story=story, from_status=Status.DRAFT, to_status=Status.SUBMITTED, by=users["member"]
    )
    expected = {"coordinator@example.org", "co2@example.org", "co3@example.org"}
    done = []  # the runs that succeeded (not the one that failed and was retried)

    def finished(sender=None, result=None, **kwargs):
        if sender.name == notify_story_transition.name:
            done.append(result)

    task_success.connect(finished, weak=False)
    try:
        worker(notify_story_transition, change.pk)
        assert wait_for(lambda: len(done) == 1), "the task did not succeed on its retry"
        # The same job delivered again: every email is found claimed.
        worker(notify_story_transition, change.pk)
        assert wait_for(lambda: len(done) == 2)
    finally:
        task_success.disconnect(finished)
    assert done == [len(expected) - 1, 0]  # the first one went out before the failure
    assert FlakyBackend.calls == len(expected) + 1  # the failure, then one each
    assert Counter(m.to[0] for m in outbox.outbox) == dict.fromkeys(expected, 1)
    claimed = SentEmail.objects.filter(kind="story_submitted", key=str(change.pk))
    assert set(claimed.values_list("recipient__email", flat=True)) == expected
    # One notification each: the failed send's was rolled back with its claim.
    notified = Notification.objects.filter(kind="story_submitted", key=str(change.pk))
    assert Counter(notified.values_list("recipient__email", flat=True)) == dict.fromkeys(
        expected, 1
    )
    assert {n.link for n in notified} == {story.get_absolute_url()}
