"""Plan–do–check–act reviews: who writes them, the history, the admin's due list, queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.factories import CommunityFactory, CoordinatorFactory, PdcaReviewFactory
from communities.models import PdcaReview
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def review_data(**overrides):
    data = {
        # plan
        "audience": "Case handlers in the regional offices",
        "purpose": "Fewer repeated mistakes, tied to the vision of learning from practice",
        "members_needs": "Quick answers to tricky cases",
        # do
        "what_ran": "Monthly case clinics",
        "engagement": "A steady core of eight",
        # check
        "value_assessed": "Members report time saved",
        "indicators": "Attendance: 14",
        # act
        "sustain": "The case clinic format",
        "change": "Invite newcomers to present",
        "act": PdcaReview.Act.LOOP,
        "next_review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["coordinator", "core"])
def test_coordinator_and_core_write_a_review(clients, users, community, role):
    url = reverse("communities:pdca_create", args=[community.slug])
    assert clients[role].get(url).status_code == 200
    response = clients[role].post(url, review_data())
    assert response.status_code == 302
    assert response.url == reverse("communities:pdca_reviews", args=[community.slug])
    review = PdcaReview.objects.get(community=community)
    assert review.written_by == users[role]
    assert review.stage == community.stage
    assert review.audience.startswith("Case handlers")
    assert review.what_ran == "Monthly case clinics"
    assert review.value_assessed == "Members report time saved"
    assert review.sustain == "The case clinic format"
    assert review.next_review_on == timezone.localdate() + timedelta(days=90)

    history = clients["member"].get(reverse("communities:pdca_reviews", args=[community.slug]))
    assert history.status_code == 200
    assert reverse("communities:pdca_detail", args=[community.slug, review.pk]) in (
        history.content.decode()
    )
    detail = clients["member"].get(
        reverse("communities:pdca_detail", args=[community.slug, review.pk])
    )
    assert detail.status_code == 200
    assert "Monthly case clinics" in detail.content.decode()


def test_a_member_cannot_write_a_review(clients, community):
    url = reverse("communities:pdca_create", args=[community.slug])
    assert clients["member"].get(url).status_code == 403
    assert clients["member"].post(url, review_data()).status_code == 403
    assert not PdcaReview.objects.exists()


def test_an_outsider_of_a_members_only_community_gets_404(clients, community):
    community.is_open = False
    community.save()
    for name in ("pdca_create", "pdca_reviews"):
        url = reverse(f"communities:{name}", args=[community.slug])
        assert clients["outsider"].get(url).status_code == 404
        # the history is read-only: its POST is refused (405) before anything is looked up
        expected = 404 if name == "pdca_create" else 405
        assert clients["outsider"].post(url, review_data()).status_code == expected
    assert not PdcaReview.objects.exists()


def test_a_coordinator_of_another_community_cannot_write(clients, community):
    other = CoordinatorFactory(community=CommunityFactory(slug="other-community")).user
    client = client_for(other)
    url = reverse("communities:pdca_create", args=[community.slug])
    assert client.post(url, review_data()).status_code == 403  # open community: visible
    community.is_open = False
    community.save()
    assert client.post(url, review_data()).status_code == 404  # members-only: hidden
    assert not PdcaReview.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"audience": ""},
        {"what_ran": ""},
        {"value_assessed": ""},
        {"sustain": ""},
        {"next_review_on": ""},
        {"next_review_on": timezone.localdate().isoformat()},  # not in the future
        {"act": "nonsense"},
    ],
)
def test_invalid_input_writes_nothing(clients, community, overrides):
    url = reverse("communities:pdca_create", args=[community.slug])
    response = clients["coordinator"].post(url, review_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not PdcaReview.objects.exists()


def test_admin_sees_reviews_due_within_14_days_not_in_60(clients, users, community):
    today = timezone.localdate()
    PdcaReviewFactory(community=community, next_review_on=today + timedelta(days=10))
    later = CommunityFactory(name="Later community", slug="later-community")
    PdcaReviewFactory(community=later, next_review_on=today + timedelta(days=60))
    overdue = CommunityFactory(name="Overdue community", slug="overdue-community")
    PdcaReviewFactory(community=overdue, next_review_on=today - timedelta(days=3))

    url = reverse("program:reviews_due")
    response = clients["admin"].get(url)
    assert response.status_code == 200
    listed = {c.slug for c in response.context["page"]}
    assert listed == {community.slug, overdue.slug}
    assert "Overdue" in response.content.decode()
    assert clients["coordinator"].get(url).status_code == 403


def test_only_the_latest_review_counts_for_the_due_list(clients, community):
    today = timezone.localdate()
    old = PdcaReviewFactory(community=community, next_review_on=today + timedelta(days=5))
    old.created_at = timezone.now() - timedelta(days=90)
    old.save()
    PdcaReviewFactory(community=community, next_review_on=today + timedelta(days=60))
    response = clients["admin"].get(reverse("program:reviews_due"))
    assert list(response.context["page"]) == []


def test_the_old_reviews_due_address_redirects_permanently_with_its_query(clients):
    assert reverse("program:reviews_due") == "/program/reviews-due/"
    old = reverse("communities:pdca_due_moved")
    assert old == "/communities/program/reviews-due/"
    response = clients["admin"].get(old, {"page": "2"})
    assert response.status_code == 301
    assert response.headers["Location"] == "/program/reviews-due/?page=2"
    response = clients["coordinator"].get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == "/program/reviews-due/"
    assert clients["admin"].get(old, follow=True).status_code == 200


# session, user, the community, viewer's membership (visibility and role), count, page of
# reviews with their authors (select_related), stories prefetch
REVIEW_HISTORY = 7


@pytest.mark.parametrize("size", [3, 40])
def test_review_history_query_count_is_constant(clients, community, size):
    for _ in range(size):
        PdcaReviewFactory(community=community)
    url = reverse("communities:pdca_reviews", args=[community.slug])
    client = clients["member"]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(ctx) == REVIEW_HISTORY, "\n".join(q["sql"][:150] for q in ctx.captured_queries)
