"""Jobs on a real Celery worker, on the configured broker (filesystem by default, Redis in CI)."""

import pytest
from django.core import mail
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import Notification, SentEmail
from communities.tasks import notify_added_to_community
from tests.waits import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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
    assert worker.idle()  # both duplicates have run
    assert len(mail.outbox) == 1
    assert claims.count() == 1
    notified = Notification.objects.filter(kind="added_to_community", key=str(membership.pk))
    assert list(notified.values_list("recipient__email", "link")) == [
        ("newcomer@example.org", community.get_absolute_url())
    ]
