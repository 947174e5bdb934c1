"""The community page and the sponsor dashboard read cached per-community summaries
(communities.summary): every write under them shows on the next view, signals or not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities import participation, services
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    MembershipFactory,
    ObjectiveFactory,
    RhythmFactory,
    SessionFactory,
)
from communities.models import Attendance, LevelChange, StageChange
from communities.rhythm import services as rhythm
from sponsorship.factories import (
    AgreementFactory,
    BusinessCaseVersionFactory,
    SponsorAppointmentFactory,
)

pytestmark = pytest.mark.django_db


def page(client, community):
    response = client.get(community.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_community_page_follows_every_write(clients, users, community):
    client = clients["member"]
    page(client, community)  # cached from here on
    newcomer = UserFactory(display_name="Zoe Newcomer", job_title="Analyst")
    membership = MembershipFactory(community=community, user=newcomer, is_coordinator=True)
    assert "Zoe Newcomer" in page(client, community)  # a coordinator, a newest member
    services.set_leadership_roles(membership, ["critical_friend"])  # bulk_create
    assert "Critical friend" in page(client, community)
    newcomer.display_name = "Zoe Renamed"
    newcomer.save()
    assert "Zoe Renamed" in page(client, community) and "Zoe Newcomer" not in page(
        client, community
    )
    ObjectiveFactory(community=community, title="A brand new objective")
    assert "A brand new objective" in page(client, community)
    StageChange.objects.create(community=community, from_stage="maturing", to_stage="sustaining")
    assert "Maturing → Sustaining" in page(client, community)
    activity = ActivityFactory(community=community, title="A fresh peer assist")
    assert "A fresh peer assist" in page(client, community)
    assert "0 attendees" in page(client, community)
    AttendanceFactory(activity=activity, user=users["member"])
    assert "1 attendee" in page(client, community)
    Attendance.objects.bulk_create(  # as the attendance import does, then invalidates
        [Attendance(activity=activity, user=users["core"])]
    )
    from childcop import aggregates

    aggregates.invalidate_communities([community.pk])
    assert "2 attendees" in page(client, community)


def test_bulk_writes_invalidate_too(clients, users, community):
    client = clients["member"]
    page(client, community)
    # the nightly job's level recomputation (bulk_update, bulk_create)
    member = MembershipFactory(
        community=community,
        level="peripheral",
        joined_on=timezone.localdate() - timedelta(days=400),
    )
    html = page(client, community)
    ActivityFactory.create_batch(2, community=community, date=timezone.localdate())
    assert participation.recompute_levels(community.pk) >= 1
    assert LevelChange.objects.filter(user=member.user).exists()
    assert page(client, community) != html
    # a rhythm's sessions (bulk_create): the heartbeat counts them
    before = page(client, community)
    start = timezone.now() - timedelta(days=20)
    rhythm.sync_sessions(
        RhythmFactory(community=community, recurrence="weekly", starts_at=start), backfill=True
    )
    assert page(client, community) != before


def dashboard_card(client, community):
    response = client.get(reverse("sponsorship:dashboard"))
    return next(c for c in response.context["cards"] if c["community"].pk == community.pk)


def test_the_dashboard_cards_follow_every_write(clients, users, community):
    from sponsorship import services as sponsorship_services

    client = clients["sponsor"]
    SponsorAppointmentFactory(person=users["sponsor"], communities=[community])
    card = dashboard_card(client, community)
    assert card["case_label"] == "Not started" and card["planned"] == 0
    session = SessionFactory(community=community, starts_at=timezone.now() - timedelta(days=3))
    assert dashboard_card(client, community)["planned"] == 1
    ActivityFactory(community=community, session=session)
    assert dashboard_card(client, community)["held"] == 1
    version = BusinessCaseVersionFactory(community=community, status="draft")
    assert sponsorship_services.submit(version, by=users["coordinator"])  # update(): no signal
    assert dashboard_card(client, community)["case_label"] == "Submitted to the sponsor"
    agreement = AgreementFactory(community=community)
    assert dashboard_card(client, community)["review_date"] == agreement.review_date
    agreement.review_date = timezone.localdate() - timedelta(days=1)
    agreement.save()
    assert dashboard_card(client, community)["review_overdue"]
    before = dashboard_card(client, community)["member_total"]
    MembershipFactory.create_batch(2, community=community, level="active")
    assert dashboard_card(client, community)["member_total"] == before + 2


def dashboard_html(client, community):
    url = reverse("sponsorship:community_dashboard", args=[community.slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_rendered_dashboard_card_follows_every_write(clients, users, community):
    """The card's HTML is cached (its figures' generation and a digest of the rest): every
    write, and what moves with time or the viewer, shows at once."""
    from sponsorship.factories import CommitmentFactory

    client = clients["sponsor"]
    html = dashboard_html(client, community)  # cached from here on
    assert "0 of 0 planned sessions held" in html and "No session planned." in html
    session = SessionFactory(community=community, starts_at=timezone.now() - timedelta(days=3))
    ActivityFactory(community=community, session=session)
    assert "1 of 1 planned sessions held" in dashboard_html(client, community)
    SessionFactory(community=community, starts_at=timezone.now() + timedelta(days=3))
    assert "Next: " in dashboard_html(client, community)
    agreement = AgreementFactory(community=community)
    assert "no agreement yet" not in dashboard_html(client, community)
    CommitmentFactory(
        agreement=agreement, description="Monthly steering slot", due=timezone.localdate()
    )
    assert "Monthly steering slot" in dashboard_html(client, community)
    community.name = "Data protection, renamed"
    community.save()
    assert "Data protection, renamed" in dashboard_html(client, community)


def test_a_cached_card_never_shows_another_viewers_stories(clients, users, community):
    """The program admin reads a story shared with the community only; the sponsor does
    not: each sees their own card, whoever looked first."""
    from value_stories.factories import ValueStoryFactory

    ValueStoryFactory(community=community, author=users["member"], status="approved",
                      visibility="community", claims_realized=True)  # fmt: skip
    assert "1 approved value-creation story" in dashboard_html(clients["admin"], community)
    html = dashboard_html(clients["sponsor"], community)
    assert "No value-creation stories shared with sponsors yet." in html
    assert "1 approved value-creation story" in dashboard_html(clients["admin"], community)
