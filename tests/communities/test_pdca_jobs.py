"""The PDCA review-due reminder: to the coordinators, once per community and review date."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from communities.choices import Stage
from communities.factories import (
    CommunityFactory,
    CoordinatorFactory,
    MembershipFactory,
    PdcaReviewFactory,
)
from communities.stewardship import jobs
from communities.tasks import remind_pdca_reviews
from tests.commands import command_output
from tests.waits import wait_for


def due_community(slug="due-community", coordinators=2):
    community = CommunityFactory(name=slug.replace("-", " ").title(), slug=slug)
    people = [
        CoordinatorFactory(
            community=community, user=UserFactory(email=f"{slug}-coord{i}@example.org")
        ).user
        for i in range(coordinators)
    ]
    MembershipFactory(community=community, user=UserFactory(email=f"{slug}-member@example.org"))
    review = PdcaReviewFactory(
        community=community, next_review_on=timezone.localdate() - timedelta(days=1)
    )
    return community, people, review


@pytest.mark.django_db
def test_the_coordinators_are_reminded_once_per_review_date():
    community, coordinators, review = due_community()
    assert jobs.send_review_reminders() == 2
    assert Counter(m.to[0] for m in mail.outbox) == {c.email: 1 for c in coordinators}
    assert community.name in mail.outbox[0].subject
    assert jobs.send_review_reminders() == 0
    assert len(mail.outbox) == 2
    assert SentEmail.objects.filter(kind=jobs.REVIEW_DUE).count() == 2
    # A new review with a new date, missed again: a new reminder.
    PdcaReviewFactory(community=community, next_review_on=timezone.localdate())
    assert jobs.send_review_reminders() == 2


@pytest.mark.django_db
def test_not_due_or_closed_sends_nothing():
    PdcaReviewFactory(
        community=CoordinatorFactory().community,
        next_review_on=timezone.localdate() + timedelta(days=5),
    )
    community, _, _ = due_community("closed-one")
    community.stage = Stage.CLOSED
    community.save()
    assert jobs.send_review_reminders() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_task_and_the_command():
    _, coordinators, _ = due_community()
    assert remind_pdca_reviews.delay().get() == 2
    command_output("remind_pdca_reviews")
    command_output("remind_pdca_reviews")
    assert Counter(m.to[0] for m in mail.outbox) == {c.email: 1 for c in coordinators}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_reminds_the_coordinators_once_even_when_run_twice(worker):
    _, coordinators, _ = due_community()
    worker(remind_pdca_reviews)
    worker(remind_pdca_reviews)
    assert wait_for(lambda: len(mail.outbox) >= 2)
    assert worker.idle()  # both deliveries have run: a duplicate would be there
    assert Counter(m.to[0] for m in mail.outbox) == {c.email: 1 for c in coordinators}
