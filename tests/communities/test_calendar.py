"""Calendar feeds: valid iCalendar, the right sessions, secret addresses that can be revoked."""

from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from communities.choices import ActivityType, Format, SessionStatus
from communities.factories import CommunityFactory, MembershipFactory
from communities.models import Session

pytestmark = pytest.mark.django_db


def make_session(community, starts_at, **fields):
    values = {
        "title": "Case clinic",
        "activity_type": ActivityType.EXCHANGES,
        "format": Format.MANY_TO_MANY,
        "duration_minutes": 60,
    }
    values.update(fields)
    return Session.objects.create(community=community, starts_at=starts_at, **values)


def make_hourly_sessions(community, count):
    """`count` sessions an hour apart, from an hour from now (one query)."""
    start = timezone.now() + timedelta(hours=1)
    Session.objects.bulk_create(
        Session(
            community=community,
            title=f"Session {i}",
            activity_type=ActivityType.EXCHANGES,
            format=Format.MANY_TO_MANY,
            starts_at=start + timedelta(hours=i),
        )
        for i in range(count)
    )


def community_feed(community):
    return reverse("calendar_community", args=[community.calendar_token])


def personal_feed(user):
    return reverse("calendar_mine", args=[user.calendar_token])


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def other():
    return CommunityFactory(name="Green operations", slug="green-ops")


class TestCommunityFeed:
    def test_a_valid_calendar_of_that_communitys_sessions_in_the_window(self, community, other):
        now = timezone.now().replace(microsecond=0)
        soon = make_session(community, now + timedelta(days=3), title="Soon", location="Room 1")
        make_session(community, now - timedelta(days=10), title="Recent")
        make_session(community, now - timedelta(days=31), title="Long ago")
        make_session(community, now + timedelta(days=181), title="Far ahead")
        make_session(other, now + timedelta(days=3), title="Another community's")

        found = events(Client().get(community_feed(community)))  # no sign-in needed

        assert set(found) == {"Soon", "Recent"}
        event = found["Soon"]
        assert event["DTSTART"].dt == soon.starts_at.astimezone(UTC)
        assert event["DTSTART"].dt.utcoffset() == timedelta(0)
        assert event["DTEND"].dt == soon.ends_at
        assert str(event["UID"]) == f"session-{soon.pk}@childcop"
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["LOCATION"]) == "Room 1"
        assert settings.SITE_URL + community.get_absolute_url() in str(event["DESCRIPTION"])

    def test_cancelled_sessions_are_shown_as_cancelled(self, community):
        make_session(community, timezone.now() + timedelta(days=2), status=SessionStatus.CANCELLED)
        event = events(Client().get(community_feed(community)))["Case clinic"]
        assert str(event["STATUS"]) == "CANCELLED"

    def test_an_unknown_token_is_404(self, community):
        assert Client().get("/calendar/community/not-the-token.ics").status_code == 404

    def test_only_get(self, community):
        assert Client().post(community_feed(community)).status_code == 405

    @pytest.mark.parametrize("size", [5, 200])
    def test_constant_number_of_queries(self, community, size, django_assert_num_queries):
        make_hourly_sessions(community, size)
        client = Client()
        # 1: the community by its token; 2: its sessions with their community.
        with django_assert_num_queries(2):
            response = client.get(community_feed(community))
        assert len(events(response)) == size


class TestPersonalFeed:
    def test_the_sessions_of_all_my_communities_and_no_others(self, users, community, other):
        member = users["member"]
        member.calendar_token = "my-secret-token"
        member.save()
        MembershipFactory(community=other, user=member)
        third = CommunityFactory(name="Lean", slug="lean")
        now = timezone.now()
        make_session(community, now + timedelta(days=1), title="Clinic")
        make_session(other, now + timedelta(days=2), title="Site visit")
        make_session(third, now + timedelta(days=2), title="Not mine")

        found = events(Client().get(personal_feed(member)))

        assert set(found) == {
            "Clinic (Data protection in practice)",
            "Site visit (Green operations)",
        }

    def test_unknown_token_or_inactive_person_is_404(self, users):
        member = users["member"]
        member.calendar_token = "my-secret-token"
        member.is_active = False
        member.save()
        assert Client().get(personal_feed(member)).status_code == 404
        assert Client().get("/calendar/me/made-up.ics").status_code == 404

    @pytest.mark.parametrize("size", [5, 200])
    def test_constant_number_of_queries(self, users, community, size, django_assert_num_queries):
        member = users["member"]
        member.calendar_token = "my-secret-token"
        member.save()
        for i in range(3):
            extra = CommunityFactory(name=f"Extra {i}", slug=f"extra-{i}")
            MembershipFactory(community=extra, user=member)
            make_session(extra, timezone.now() + timedelta(days=1), title=f"Extra {i}")
        make_hourly_sessions(community, size)
        client = Client()
        # 1: the person by their token; 2: the sessions of their communities.
        with django_assert_num_queries(2):
            response = client.get(personal_feed(member))
        assert len(events(response)) == size + 3


class TestRotateCommunityToken:
    def rotate(self, client, community):
        return client.post(reverse("communities:calendar_rotate", args=[community.slug]))

    @pytest.mark.parametrize("role", ["coordinator", "admin"])
    def test_coordinators_and_admins_get_a_new_address_and_the_old_one_stops(
        self, clients, community, role
    ):
        make_session(community, timezone.now() + timedelta(days=1))
        old_url = community_feed(community)
        assert Client().get(old_url).status_code == 200

        response = self.rotate(clients[role], community)

        assert response.status_code == 302
        assert response["Location"] == community.get_absolute_url()
        community.refresh_from_db()
        assert community_feed(community) != old_url
        assert Client().get(old_url).status_code == 404
        assert Client().get(community_feed(community)).status_code == 200

    @pytest.mark.parametrize(
        "role,status", [("member", 403), ("core", 403), ("outsider", 403), ("anonymous", 302)]
    )
    def test_others_cannot(self, clients, community, role, status):
        token = community.calendar_token
        response = self.rotate(clients[role], community)
        assert response.status_code == status
        if role == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))
        community.refresh_from_db()
        assert community.calendar_token == token

    def test_outsiders_of_a_closed_community_get_404(self, clients, users):
        hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False)
        assert self.rotate(clients["outsider"], hidden).status_code == 404

    def test_get_is_not_allowed(self, clients, community):
        url = reverse("communities:calendar_rotate", args=[community.slug])
        assert clients["coordinator"].get(url).status_code == 405


class TestRotatePersonalToken:
    def rotate(self, client):
        return client.post(reverse("calendar_rotate_mine"))

    def test_creates_the_address_then_replaces_it(self, clients, users):
        member = users["member"]
        assert member.calendar_token is None
        page = clients["member"].get(reverse("profile"))
        assert b"Create my calendar address" in page.content

        assert self.rotate(clients["member"])["Location"] == reverse("profile")
        member.refresh_from_db()
        first = personal_feed(member)
        assert Client().get(first).status_code == 200
        page = clients["member"].get(reverse("profile"))
        assert (settings.SITE_URL + first).encode() in page.content
        assert b"Get a new address" in page.content

        self.rotate(clients["member"])
        member.refresh_from_db()
        assert personal_feed(member) != first
        assert Client().get(first).status_code == 404
        assert Client().get(personal_feed(member)).status_code == 200

    def test_get_is_not_allowed_and_anonymous_people_sign_in(self, clients):
        url = reverse("calendar_rotate_mine")
        assert clients["member"].get(url).status_code == 405
        response = clients["anonymous"].post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
