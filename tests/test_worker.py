"""Jobs on a real Celery worker, on the configured broker (filesystem by default, Redis in CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from childcop.celery import app
from communities.tasks import notify_added_to_community

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
        yield w
    app.conf.task_always_eager = True


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_added_member_is_emailed_by_the_worker_once(worker, clients, community):
    UserFactory(email="newcomer@example.org", display_name="Noah Fischer")
    response = clients["coordinator"].post(
        reverse("communities:member_add", args=[community.slug]),
        {"email": "newcomer@example.org", "level": "occasional"},
    )
    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the email"
    assert mail.outbox[0].to == ["newcomer@example.org"]
    assert "Data protection in practice" in mail.outbox[0].subject

    # The same job delivered again (a retry, a duplicate) finds its claim and sends nothing.
    membership = community.memberships.get(user__email="newcomer@example.org")
    notify_added_to_community.delay(membership.pk)
    notify_added_to_community.delay(membership.pk)
    claims = SentEmail.objects.filter(kind="added_to_community", key=str(membership.pk))
    assert wait_for(lambda: claims.count() == 1)
    time.sleep(1.5)  # let both duplicates run
    assert len(mail.outbox) == 1
    assert claims.count() == 1
