"""Appointments: identify → officially appoint → end; lists, filters, CSV, the sponsor map."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory
from sponsorship.choices import AppointmentStatus, Scope
from sponsorship.factories import AppointmentFactory, SponsorAppointmentFactory
from sponsorship.models import Appointment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def identify_payload(**overrides):
    data = {
        "person_email": "candidate@example.org",
        "role": "sponsor",
        "sponsor_kind": "portfolio",
        "expertise": "",
        "suggested_by_email": "coordinator@example.org",
        "reason": "Runs the operations portfolio and cares about learning.",
        "identified_on": TODAY().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def candidate(db):
    return UserFactory(email="candidate@example.org", display_name="Cara Candidate")


class TestIdentify:
    url = reverse("sponsorship:appointment_identify")

    def test_admin_identifies_a_potential_sponsor(self, clients, users, candidate):
        response = clients["admin"].post(self.url, identify_payload(), follow=True)
        appointment = Appointment.objects.get(person=candidate)
        assert response.redirect_chain[-1][0] == appointment.get_absolute_url()
        assert "identified as a potential sponsor" in response.content.decode()
        assert appointment.status == AppointmentStatus.IDENTIFIED
        assert appointment.sponsor_kind == "portfolio"
        assert appointment.suggested_by == users["coordinator"]
        assert appointment.appointed_by is None

    def test_kind_of_sponsor_is_dropped_for_other_roles(self, clients, candidate):
        clients["admin"].post(
            self.url, identify_payload(role="sme", expertise="privacy law, records management")
        )
        appointment = Appointment.objects.get(person=candidate)
        assert (appointment.role, appointment.sponsor_kind) == ("sme", "")
        assert appointment.expertise == "privacy law, records management"

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"person_email": "nobody@example.org"}, "person_email"),
            ({"person_email": ""}, "person_email"),
            ({"sponsor_kind": ""}, "sponsor_kind"),
            ({"role": "sme", "expertise": " "}, "expertise"),
            ({"role": "chief"}, "role"),
            ({"suggested_by_email": "ghost@example.org"}, "suggested_by_email"),
            ({"identified_on": "2999-01-01"}, "identified_on"),
            ({"identified_on": "not a date"}, "identified_on"),
        ],
    )
    def test_invalid_input_shows_errors_and_writes_nothing(
        self, clients, users, candidate, overrides, field
    ):
        before = Appointment.objects.count()
        response = clients["admin"].post(self.url, identify_payload(**overrides))
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert Appointment.objects.count() == before

    def test_the_same_open_role_twice_is_refused(self, clients, candidate):
        AppointmentFactory(person=candidate, role="sponsor", sponsor_kind="local")
        response = clients["admin"].post(self.url, identify_payload())
        assert "already identified or appointed" in str(response.context["form"].errors)
        assert Appointment.objects.filter(person=candidate).count() == 1

    @pytest.mark.parametrize("role", ["member", "coordinator", "sponsor", "outsider"])
    def test_only_the_social_learning_team_writes(self, clients, candidate, role):
        assert clients[role].post(self.url, identify_payload()).status_code == 403
        assert not Appointment.objects.filter(person=candidate).exists()

    def test_anonymous_is_sent_to_sign_in_and_wrong_method_is_405(self, clients):
        assert clients["anonymous"].get(self.url).status_code == 302
        assert clients["admin"].delete(self.url).status_code == 405


class TestAppoint:
    def payload(self, community, **overrides):
        data = {
            "appointed_on": TODAY().isoformat(),
            "scope": Scope.COMMUNITIES,
            "communities": [community.pk],
            "term_end": (TODAY() + timedelta(days=365)).isoformat(),
        }
        data.update(overrides)
        return data

    def test_admin_officially_appoints_for_named_communities(self, clients, users, community):
        appointment = AppointmentFactory(role="sponsor", sponsor_kind="local")
        url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
        assert clients["admin"].get(url).status_code == 200
        response = clients["admin"].post(url, self.payload(community), follow=True)
        assert "officially appointed" in response.content.decode()
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.APPOINTED
        assert appointment.appointed_by == users["admin"]
        assert list(appointment.communities.all()) == [community]
        # The new sponsor now sees the community they sponsor.
        from childcop.permissions import is_sponsor_of

        assert is_sponsor_of(appointment.person, community)

    def test_program_wide_scope_names_no_community(self, clients, community):
        appointment = AppointmentFactory(role="mentor")
        url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
        clients["admin"].post(url, self.payload(community, scope=Scope.PROGRAM, term_end=""))
        appointment.refresh_from_db()
        assert (appointment.status, appointment.scope, appointment.term_end) == (
            "appointed",
            "program",
            None,
        )
        assert not appointment.communities.exists()

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"communities": []}, "communities"),
            ({"term_end": (TODAY() - timedelta(days=1)).isoformat()}, "term_end"),
            ({"appointed_on": ""}, "appointed_on"),
            ({"appointed_on": (TODAY() - timedelta(days=400)).isoformat()}, "appointed_on"),
            ({"scope": "galaxy"}, "scope"),
            ({"communities": ["999999"]}, "communities"),
        ],
    )
    def test_invalid_input_writes_nothing(self, clients, community, overrides, field):
        appointment = AppointmentFactory(role="sponsor", sponsor_kind="local")
        url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
        response = clients["admin"].post(url, self.payload(community, **overrides))
        assert field in response.context["form"].errors
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.IDENTIFIED
        assert not appointment.communities.exists()

    def test_a_closed_community_cannot_be_chosen(self, clients):
        closed = CommunityFactory(stage="closed")
        appointment = AppointmentFactory(role="sponsor", sponsor_kind="local")
        url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
        response = clients["admin"].post(url, self.payload(closed))
        assert "communities" in response.context["form"].errors

    def test_appointing_twice_changes_nothing(self, clients, sponsor, community):
        appointment = Appointment.objects.get(person=sponsor)
        url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
        response = clients["admin"].post(url, self.payload(community, scope=Scope.PROGRAM))
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.scope == Scope.COMMUNITIES

    def test_sponsor_gets_403(self, clients, community):
        appointment = AppointmentFactory()
        url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
        assert clients["sponsor"].post(url, self.payload(community)).status_code == 403
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.IDENTIFIED


class TestEndAndEdit:
    def test_ending_asks_first_then_ends(self, clients, sponsor):
        appointment = Appointment.objects.get(person=sponsor)
        url = reverse("sponsorship:appointment_end", args=[appointment.pk])
        page = clients["admin"].get(url)
        assert page.status_code == 200 and "End the appointment" in page.content.decode()
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.APPOINTED
        clients["admin"].post(url, {"ended_on": TODAY().isoformat(), "end_note": "Moved on."})
        appointment.refresh_from_db()
        assert (appointment.status, appointment.ended_on, appointment.end_note) == (
            "ended",
            TODAY(),
            "Moved on.",
        )
        from childcop.permissions import is_sponsor

        assert not is_sponsor(sponsor)

    def test_end_before_the_start_writes_nothing(self, clients, sponsor):
        appointment = Appointment.objects.get(person=sponsor)
        url = reverse("sponsorship:appointment_end", args=[appointment.pk])
        response = clients["admin"].post(
            url, {"ended_on": (TODAY() - timedelta(days=10)).isoformat()}
        )
        assert "ended_on" in response.context["form"].errors
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.APPOINTED

    def test_sponsor_cannot_end_their_own_appointment(self, clients, sponsor):
        appointment = Appointment.objects.get(person=sponsor)
        url = reverse("sponsorship:appointment_end", args=[appointment.pk])
        assert clients["sponsor"].post(url, {"ended_on": TODAY().isoformat()}).status_code == 403

    def test_edit_an_appointed_sponsor(self, clients, sponsor, community):
        appointment = Appointment.objects.get(person=sponsor)
        url = reverse("sponsorship:appointment_edit", args=[appointment.pk])
        assert clients["admin"].get(url).status_code == 200
        new_end = TODAY() + timedelta(days=30)
        data = {
            "role": "sponsor",
            "sponsor_kind": "domain",
            "expertise": "",
            "reason": "Owns the privacy domain.",
            "identified_on": appointment.identified_on.isoformat(),
            "suggested_by_email": "",
            "appointed_on": appointment.appointed_on.isoformat(),
            "scope": "communities",
            "communities": [community.pk],
            "term_end": new_end.isoformat(),
        }
        clients["admin"].post(url, data)
        appointment.refresh_from_db()
        assert (appointment.sponsor_kind, appointment.term_end) == ("domain", new_end)
        # invalid: an end before the start writes nothing
        clients["admin"].post(url, {**data, "sponsor_kind": "local", "term_end": "2000-01-01"})
        appointment.refresh_from_db()
        assert (appointment.sponsor_kind, appointment.term_end) == ("domain", new_end)

    def test_detail_page(self, clients, sponsor, community):
        appointment = Appointment.objects.get(person=sponsor)
        response = clients["admin"].get(appointment.get_absolute_url())
        body = response.content.decode()
        assert "Local sponsor" in body and community.name in body
        assert clients["sponsor"].get(appointment.get_absolute_url()).status_code == 403


class TestListsAndFilters:
    url = reverse("sponsorship:appointment_list")

    @pytest.fixture
    def spread(self, community):
        today = TODAY()
        return {
            "ending": SponsorAppointmentFactory(
                person=UserFactory(display_name="Ending Soon"),
                term_end=today + timedelta(days=45),
                communities=[community],
            ),
            "later": SponsorAppointmentFactory(
                person=UserFactory(display_name="Ending Later"),
                sponsor_kind="portfolio",
                term_end=today + timedelta(days=200),
                communities=[community],
            ),
            "sme": AppointmentFactory(
                person=UserFactory(display_name="Priya Privacy"),
                role="sme",
                expertise="Privacy law, records management",
                identified_on=today - timedelta(days=5),
            ),
            "stale": AppointmentFactory(
                person=UserFactory(display_name="Stale Candidate"),
                role="mentor",
                identified_on=today - timedelta(days=120),
            ),
            "wide": SponsorAppointmentFactory(
                person=UserFactory(display_name="Program Wide"),
                scope=Scope.PROGRAM,
                sponsor_kind="portfolio",
            ),
        }

    def names(self, client, **params):
        response = client.get(self.url, params)
        assert response.status_code == 200
        return {a.person.display_name for a in response.context["page"].object_list}

    def test_filters(self, clients, spread, community):
        admin = clients["admin"]
        assert self.names(admin, ends_within="60") == {"Ending Soon"}
        assert self.names(admin, never_appointed="30") == {"Stale Candidate"}
        assert self.names(admin, never_appointed="0") == {"Stale Candidate", "Priya Privacy"}
        assert self.names(admin, role="sme", expertise="privacy") == {"Priya Privacy"}
        assert self.names(admin, sponsor_kind="portfolio") == {"Ending Later", "Program Wide"}
        assert self.names(admin, status="identified") == {"Stale Candidate", "Priya Privacy"}
        assert self.names(admin, community=community.pk) == {
            "Ending Soon",
            "Ending Later",
            "Program Wide",
            "Sam Sponsor",
        }
        assert self.names(admin, q="records") == {"Priya Privacy"}
        # nonsense values are ignored, never an error
        assert len(self.names(admin, ends_within="9999", never_appointed="x", community="abc")) == 6

    def test_sorting_and_htmx_partial(self, clients, spread):
        response = clients["admin"].get(
            self.url, {"sort": "term_end"}, headers={"HX-Request": "true"}
        )
        assert [t.name for t in response.templates][0] == "sponsorship/_appointment_table.html"
        names = [a.person.display_name for a in response.context["page"].object_list]
        assert names.index("Ending Soon") < names.index("Ending Later")

    def test_csv_export_follows_the_filters_and_neutralises_formulas(self, clients, spread):
        spread["sme"].reason = "=HYPERLINK(1)"
        spread["sme"].save()
        response = clients["admin"].get(reverse("sponsorship:appointment_export"), {"role": "sme"})
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["Name", "Email", "Role"]
        assert [r[0] for r in rows[1:]] == ["Priya Privacy"]
        assert rows[1][7] == "'=HYPERLINK(1)"
        assert clients["sponsor"].get(reverse("sponsorship:appointment_export")).status_code == 403

    def test_communities_without_a_sponsor(self, clients, sponsor, community):
        url = reverse("sponsorship:communities_without_sponsor")
        orphan = CommunityFactory(name="Orphan", slug="orphan")
        CommunityFactory(name="Closed one", slug="closed-one", stage="closed")
        lapsed = CommunityFactory(name="Lapsed", slug="lapsed")
        SponsorAppointmentFactory(term_end=TODAY() - timedelta(days=1), communities=[lapsed])
        identified = CommunityFactory(name="Only identified", slug="only-identified")
        AppointmentFactory(role="sponsor", sponsor_kind="local", communities=[identified])
        names = {c.name for c in clients["admin"].get(url).context["communities"]}
        assert names == {orphan.name, lapsed.name, identified.name}
        SponsorAppointmentFactory(scope=Scope.PROGRAM)
        assert not list(clients["admin"].get(url).context["communities"])

    def test_sponsor_map(self, clients, sponsor, community):
        wide = SponsorAppointmentFactory(
            person=UserFactory(display_name="Wanda Wide"), scope=Scope.PROGRAM
        )
        gone = SponsorAppointmentFactory(
            person=UserFactory(display_name="Gone Sponsor"),
            status=AppointmentStatus.ENDED,
            communities=[community],
        )
        response = clients["admin"].get(reverse("sponsorship:sponsor_map"))
        body = response.content.decode()
        assert "Sam Sponsor" in body and community.name in body
        assert "Wanda Wide" in body and "The whole program" in body
        assert gone.person.display_name not in body
        assert wide in response.context["appointments"]


def test_navigation_links(clients):
    member_page = clients["member"].get("/").content.decode()
    admin_page = clients["admin"].get("/").content.decode()
    assert reverse("sponsorship:my_mentoring") in member_page
    assert reverse("sponsorship:appointment_list") not in member_page
    assert reverse("sponsorship:appointment_list") in admin_page
