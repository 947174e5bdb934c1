"""Mentoring pairs and check-ins; advisory and coordinator councils."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from sponsorship.factories import CouncilFactory, MentorPairFactory
from sponsorship.models import CheckIn, Council, MentorPair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(users, community):
    """The member mentors the core member, within the community."""
    return MentorPairFactory(mentor=users["member"], mentee=users["core"], community=community)


def pair_payload(**overrides):
    data = {
        "mentor_email": "coordinator@example.org",
        "mentee_email": "member@example.org",
        "community": "",
        "goals": "Learn to *facilitate* a case clinic.",
        "start": timezone.localdate().isoformat(),
        "planned_end": "",
        "status": "active",
    }
    data.update(overrides)
    return data


class TestPairs:
    def test_admin_creates_a_pair(self, clients, users, community):
        response = clients["admin"].post(
            reverse("sponsorship:pair_create"), pair_payload(community=community.pk), follow=True
        )
        pair = MentorPair.objects.get()
        assert response.redirect_chain[-1][0] == reverse("sponsorship:pair_detail", args=[pair.pk])
        assert (pair.mentor, pair.mentee, pair.community) == (
            users["coordinator"],
            users["member"],
            community,
        )
        assert "<em>facilitate</em>" in response.content.decode()

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"mentee_email": "coordinator@example.org"}, "mentee_email"),
            ({"mentor_email": "ghost@example.org"}, "mentor_email"),
            ({"goals": ""}, "goals"),
            ({"planned_end": "2000-01-01"}, "planned_end"),
            ({"status": "paused"}, "status"),
        ],
    )
    def test_invalid_input_writes_nothing(self, clients, users, overrides, field):
        response = clients["admin"].post(
            reverse("sponsorship:pair_create"), pair_payload(**overrides)
        )
        assert field in response.context["form"].errors
        assert not MentorPair.objects.exists()

    @pytest.mark.parametrize("role", ["member", "coordinator", "sponsor"])
    def test_non_admins_cannot_create_pairs(self, clients, users, role):
        assert (
            clients[role].post(reverse("sponsorship:pair_create"), pair_payload()).status_code
            == 403
        )
        assert not MentorPair.objects.exists()

    def test_admin_edits_a_pair_the_mentor_cannot(self, clients, pair):
        url = reverse("sponsorship:pair_edit", args=[pair.pk])
        data = pair_payload(
            mentor_email="member@example.org", mentee_email="core@example.org", status="completed"
        )
        assert clients["member"].post(url, data).status_code == 403
        clients["admin"].post(url, data)
        pair.refresh_from_db()
        assert pair.status == "completed"

    def test_mentor_and_mentee_see_the_pair_others_get_404(self, clients, pair):
        url = reverse("sponsorship:pair_detail", args=[pair.pk])
        for role in ("member", "core", "admin"):
            assert clients[role].get(url).status_code == 200
        for role in ("outsider", "coordinator", "sponsor"):
            assert clients[role].get(url).status_code == 404

    def test_mentee_adds_a_check_in(self, clients, users, pair):
        url = reverse("sponsorship:check_in_add", args=[pair.pk])
        response = clients["core"].post(
            url,
            {"date": timezone.localdate().isoformat(), "note": "Planned the first clinic."},
            follow=True,
        )
        assert "Planned the first clinic." in response.content.decode()
        check_in = CheckIn.objects.get()
        assert (check_in.pair, check_in.written_by) == (pair, users["core"])

    @pytest.mark.parametrize(
        "data",
        [
            {"date": timezone.localdate().isoformat(), "note": ""},
            {"date": (timezone.localdate() + timedelta(days=3)).isoformat(), "note": "Soon"},
            {"date": "yesterday", "note": "x"},
        ],
    )
    def test_invalid_check_in_writes_nothing(self, clients, pair, data):
        response = clients["member"].post(reverse("sponsorship:check_in_add", args=[pair.pk]), data)
        assert response.status_code == 200 and response.context["form"].errors
        assert not CheckIn.objects.exists()

    def test_outsider_cannot_add_a_check_in(self, clients, pair):
        url = reverse("sponsorship:check_in_add", args=[pair.pk])
        data = {"date": timezone.localdate().isoformat(), "note": "Sneaky"}
        assert clients["outsider"].post(url, data).status_code == 404
        assert clients["member"].get(url).status_code == 405
        assert not CheckIn.objects.exists()

    def test_my_mentoring(self, clients, users, pair):
        other = MentorPairFactory(
            mentor=users["member"], mentee=UserFactory(display_name="Nina New")
        )
        url = reverse("sponsorship:my_mentoring")
        mentor_view = clients["member"].get(url)
        assert set(mentor_view.context["as_mentor"]) == {pair, other}
        assert not mentor_view.context["as_mentee"]
        assert "Nina New" in mentor_view.content.decode()
        mentee_view = clients["core"].get(url)
        assert list(mentee_view.context["as_mentee"]) == [pair]
        assert users["member"].display_name in mentee_view.content.decode()
        assert "Nina New" not in mentee_view.content.decode()
        outsider_view = clients["outsider"].get(url)
        assert not outsider_view.context["as_mentor"] and not outsider_view.context["as_mentee"]

    def test_pair_list_filters(self, clients, pair, community):
        MentorPairFactory(status="completed")
        url = reverse("sponsorship:pair_list")
        response = clients["admin"].get(url, {"status": "active", "community": community.pk})
        assert list(response.context["page"].object_list) == [pair]
        assert clients["member"].get(url).status_code == 403


class TestCouncils:
    def test_anyone_signed_in_sees_councils_and_members(self, clients, users):
        council = CouncilFactory(name="Advisory council", purpose="Steers the program.")
        council.members.set([users["coordinator"], users["sponsor"]])
        body = clients["member"].get(reverse("sponsorship:council_list")).content.decode()
        assert "Advisory council" in body and "Sam Sponsor" in body
        assert reverse("sponsorship:council_create") not in body

    def test_admin_creates_and_edits_a_council(self, clients, users):
        data = {
            "name": "Coordinator council",
            "kind": "coordinator",
            "purpose": "Coordinators meet monthly.",
            "members": [users["coordinator"].pk],
        }
        clients["admin"].post(reverse("sponsorship:council_create"), data)
        council = Council.objects.get()
        assert list(council.members.all()) == [users["coordinator"]]
        url = reverse("sponsorship:council_edit", args=[council.pk])
        clients["admin"].post(url, {**data, "members": [users["coordinator"].pk, users["core"].pk]})
        assert council.members.count() == 2

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"name": "advisory COUNCIL"}, "name"),
            ({"kind": "secret"}, "kind"),
            ({"members": ["999999"]}, "members"),
        ],
    )
    def test_invalid_council_writes_nothing(self, clients, overrides, field):
        CouncilFactory(name="Advisory council")
        data = {"name": "New council", "kind": "advisory", "purpose": "", **overrides}
        response = clients["admin"].post(reverse("sponsorship:council_create"), data)
        assert field in response.context["form"].errors
        assert Council.objects.count() == 1

    @pytest.mark.parametrize("role", ["member", "coordinator", "sponsor"])
    def test_non_admins_cannot_write(self, clients, role):
        council = CouncilFactory()
        data = {"name": "Taken over", "kind": "advisory"}
        assert clients[role].post(reverse("sponsorship:council_create"), data).status_code == 403
        url = reverse("sponsorship:council_edit", args=[council.pk])
        assert clients[role].post(url, data).status_code == 403
        council.refresh_from_db()
        assert council.name != "Taken over" and Council.objects.count() == 1
