"""Community pages: happy paths, roles, invalid input that writes nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.notices import Channel, set_channel
from communities.choices import LeadershipRole, Level, Stage
from communities.factories import CommunityFactory, LeadershipAssignmentFactory, MembershipFactory
from communities.models import Community, LeadershipAssignment, Membership, Objective, StageChange

pytestmark = pytest.mark.django_db


def create_payload(**overrides):
    data = {
        "name": "Green operations",
        "domain": "Reducing the footprint of our operations",
        "stage": Stage.POTENTIAL,
        "is_open": "on",
        "purpose": "Cut the carbon footprint of our sites.",
        "vision": "",
        "strategy": "",
        "value_proposition": "",
        "objectives-TOTAL_FORMS": "2",
        "objectives-INITIAL_FORMS": "0",
        "objectives-MIN_NUM_FORMS": "0",
        "objectives-MAX_NUM_FORMS": "30",
        "objectives-0-title": "Halve travel emissions by 2028",
        "objectives-0-status": "planned",
        "objectives-1-title": "",
        "objectives-1-status": "planned",
    }
    data.update(overrides)
    return data


class TestCreate:
    def test_admin_creates_a_community_with_objectives_and_history(self, clients, users):
        response = clients["admin"].post(
            reverse("communities:create"), create_payload(), follow=True
        )
        community = Community.objects.get(name="Green operations")
        assert response.redirect_chain[-1][0] == community.get_absolute_url()
        assert "Green operations was created." in response.content.decode()
        assert community.slug == "green-operations"
        assert [o.title for o in community.objectives.all()] == ["Halve travel emissions by 2028"]
        change = community.stage_changes.get()
        assert (change.from_stage, change.to_stage, change.changed_by) == (
            "",
            "potential",
            users["admin"],
        )

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"name": ""}, "name"),
            ({"domain": ""}, "domain"),
            ({"stage": "dormant"}, "stage"),
            ({"name": "Data protection in practice"}, "name"),  # taken (case-insensitive)
            ({"objectives-0-status": "nonsense"}, "status"),
            ({"objectives-TOTAL_FORMS": "abc"}, None),  # a tampered management form
        ],
    )
    def test_invalid_input_shows_errors_and_writes_nothing(
        self, clients, community, overrides, field
    ):
        before = (Community.objects.count(), Objective.objects.count(), StageChange.objects.count())
        response = clients["admin"].post(reverse("communities:create"), create_payload(**overrides))
        assert response.status_code == 200
        html = response.content.decode()
        assert "is-invalid" in html or "alert-danger" in html
        assert (
            Community.objects.count(),
            Objective.objects.count(),
            StageChange.objects.count(),
        ) == before


class TestEdit:
    def test_coordinator_edits_vision_but_not_name_or_stage(self, clients, community):
        url = reverse("communities:edit", args=[community.slug])
        data = {
            "vision": "Privacy by design in every project.",
            "strategy": "Case clinics every month.",
            "value_proposition": "Fewer rework cycles.",
            "reminder_days_before": "3",
            "heartbeat_grace_days": "5",
            "name": "Renamed",
            "stage": "closed",
            "objectives-TOTAL_FORMS": "1",
            "objectives-INITIAL_FORMS": "0",
            "objectives-0-title": "Run 10 case clinics",
            "objectives-0-status": "in_progress",
        }
        response = clients["coordinator"].post(url, data)
        assert response.status_code == 302
        community.refresh_from_db()
        assert community.vision == "Privacy by design in every project."
        assert (community.reminder_days_before, community.heartbeat_grace_days) == (3, 5)
        assert community.name == "Data protection in practice"
        assert community.stage == Stage.MATURING
        assert community.objectives.get().title == "Run 10 case clinics"

    def test_coordinator_form_does_not_offer_name_or_stage(self, clients, community):
        html = (
            clients["coordinator"]
            .get(reverse("communities:edit", args=[community.slug]))
            .content.decode()
        )
        assert 'name="vision"' in html and 'name="name"' not in html and 'name="stage"' not in html

    def test_markdown_is_sanitised_on_the_community_page(self, clients, community):
        community.purpose = "**Bold** <script>alert(1)</script> [link](javascript:alert(2))"
        community.save()
        html = clients["member"].get(community.get_absolute_url()).content.decode()
        assert "<strong>Bold</strong>" in html
        assert "<script>alert(1)" not in html and "javascript:alert" not in html


class TestStage:
    def test_admin_changes_stage_with_a_note_kept_in_history(self, clients, users, community):
        url = reverse("communities:stage", args=[community.slug])
        response = clients["admin"].post(
            url, {"to_stage": "sustaining", "note": "PDCA review: steady rhythm."}
        )
        assert response.status_code == 302
        community.refresh_from_db()
        assert community.stage == Stage.SUSTAINING
        change = community.stage_changes.first()
        assert (change.from_stage, change.to_stage, change.note, change.changed_by) == (
            "maturing", "sustaining", "PDCA review: steady rhythm.", users["admin"],
        )  # fmt: skip
        page = clients["member"].get(community.get_absolute_url()).content.decode()
        assert "PDCA review: steady rhythm." in page

    @pytest.mark.parametrize(
        "data",
        [{"to_stage": "maturing", "note": "same"}, {"to_stage": "sustaining", "note": ""}, {}],
    )
    def test_invalid_stage_change_writes_nothing(self, clients, community, data):
        before = StageChange.objects.count()
        response = clients["admin"].post(reverse("communities:stage", args=[community.slug]), data)
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
        assert StageChange.objects.count() == before
        community.refresh_from_db()
        assert community.stage == Stage.MATURING

    def test_coordinator_cannot_change_stage(self, clients, community):
        response = clients["coordinator"].post(
            reverse("communities:stage", args=[community.slug]), {"to_stage": "closed", "note": "x"}
        )
        assert response.status_code == 403
        community.refresh_from_db()
        assert community.stage == Stage.MATURING


class TestMembership:
    def test_outsider_joins_as_peripheral_and_sees_it(self, clients, users, community):
        response = clients["outsider"].post(
            reverse("communities:join", args=[community.slug]), follow=True
        )
        membership = Membership.objects.get(community=community, user=users["outsider"])
        assert membership.level == Level.PERIPHERAL and membership.added_by is None
        assert "Welcome to Data protection in practice!" in response.content.decode()

    def test_joining_twice_creates_no_duplicate(self, clients, users, community):
        url = reverse("communities:join", args=[community.slug])
        clients["member"].post(url)
        assert Membership.objects.filter(community=community, user=users["member"]).count() == 1

    def test_closed_stage_cannot_be_joined(self, clients, users):
        closed = CommunityFactory(name="Paper-free office", slug="paper-free", stage=Stage.CLOSED)
        assert (
            clients["outsider"].post(reverse("communities:join", args=[closed.slug])).status_code
            == 403
        )
        assert not closed.memberships.exists()

    def test_member_leaves_after_confirmation(self, clients, users, community):
        url = reverse("communities:leave", args=[community.slug])
        assert "Leave the community" in clients["member"].get(url).content.decode()
        assert community.memberships.filter(user=users["member"]).exists()
        clients["member"].post(url)
        assert not community.memberships.filter(user=users["member"]).exists()

    def test_the_only_coordinator_cannot_leave(self, clients, users, community):
        url = reverse("communities:leave", args=[community.slug])
        # told before being asked: no button that would fail, the way forward instead
        html = clients["coordinator"].get(url).content.decode()
        assert "only coordinator" in html and "Leave the community" not in html
        assert reverse("communities:members", args=[community.slug]) in html
        clients["coordinator"].post(url)
        assert community.memberships.filter(user=users["coordinator"], is_coordinator=True).exists()

    def test_coordinator_adds_a_member_with_roles_and_they_get_an_email(
        self, clients, users, community, django_capture_on_commit_callbacks
    ):
        newcomer = UserFactory(email="newcomer@example.org", display_name="Noah Fischer")
        data = {
            "email": "NEWCOMER@example.org",
            "level": "active",
            "roles": ["social_reporter", "critical_friend"],
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = clients["coordinator"].post(
                reverse("communities:member_add", args=[community.slug]), data
            )
        assert response.status_code == 302
        membership = community.memberships.get(user=newcomer)
        assert membership.level == Level.ACTIVE and membership.added_by == users["coordinator"]
        assert set(membership.leadership_roles.values_list("role", flat=True)) == {
            "social_reporter",
            "critical_friend",
        }
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == ["newcomer@example.org"]
        assert "Data protection in practice" in email.subject
        assert community.get_absolute_url() in email.body
        assert email.alternatives and email.alternatives[0][1] == "text/html"

    def test_no_email_when_the_person_turned_community_news_off(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        set_channel(UserFactory(email="quiet@example.org"), "added_to_community", Channel.OFF)
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(
                reverse("communities:member_add", args=[community.slug]),
                {"email": "quiet@example.org", "level": "active"},
            )
        assert community.memberships.filter(user__email="quiet@example.org").exists()
        assert mail.outbox == []

    @pytest.mark.parametrize(
        "data",
        [
            {"email": "nobody@example.org", "level": "active"},
            {"email": "member@example.org", "level": "active"},  # already a member
            {"email": "not-an-email", "level": "active"},
            {"email": "outsider@example.org", "level": "guru"},
            {"email": "outsider@example.org", "level": "active", "roles": ["emperor"]},
        ],
    )
    def test_add_member_invalid_input_writes_nothing(self, clients, users, community, data):
        before = (Membership.objects.count(), LeadershipAssignment.objects.count())
        response = clients["coordinator"].post(
            reverse("communities:member_add", args=[community.slug]), data
        )
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
        assert (Membership.objects.count(), LeadershipAssignment.objects.count()) == before

    def test_coordinator_sets_level_and_roles(self, clients, users, community):
        membership = community.memberships.get(user=users["member"])
        url = reverse("communities:membership_edit", args=[community.slug, membership.pk])
        response = clients["coordinator"].post(url, {"level": "core", "roles": ["agenda_activist"]})
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.level == Level.CORE
        assert list(membership.leadership_roles.values_list("role", flat=True)) == [
            "agenda_activist"
        ]

    def test_the_last_coordinator_cannot_be_demoted_or_removed(self, clients, users, community):
        membership = community.memberships.get(user=users["coordinator"])
        edit = reverse("communities:membership_edit", args=[community.slug, membership.pk])
        response = clients["admin"].post(edit, {"level": "core"})
        assert response.status_code == 200 and "only coordinator" in response.content.decode()
        clients["admin"].post(
            reverse("communities:membership_remove", args=[community.slug, membership.pk])
        )
        membership.refresh_from_db()
        assert membership.is_coordinator

    def test_membership_of_another_community_is_404(self, clients, community):
        other = MembershipFactory(community=CommunityFactory(name="Other", slug="other"))
        url = reverse("communities:membership_edit", args=[community.slug, other.pk])
        assert clients["coordinator"].get(url).status_code == 404

    def test_coordinator_of_one_community_cannot_manage_another(self, clients, users):
        other = CommunityFactory(name="Field safety", slug="field-safety")
        assert (
            clients["coordinator"]
            .get(reverse("communities:member_add", args=[other.slug]))
            .status_code
            == 403
        )


class TestDirectory:
    def test_filters_by_level_role_and_search(self, clients, users, community):
        LeadershipAssignmentFactory(
            membership=community.memberships.get(user=users["core"]),
            role=LeadershipRole.CRITICAL_FRIEND,
        )
        url = reverse("communities:members", args=[community.slug])
        coordinator_page = clients["outsider"].get(url, {"level": "coordinator"}).content.decode()
        assert users["coordinator"].display_name in coordinator_page
        assert users["member"].display_name not in coordinator_page
        role_page = clients["outsider"].get(url, {"role": "critical_friend"}).content.decode()
        assert (
            users["core"].display_name in role_page
            and users["member"].display_name not in role_page
        )
        search = clients["outsider"].get(url, {"q": users["member"].display_name}).content.decode()
        assert users["member"].email in search or users["member"].display_name in search

    def test_htmx_request_gets_only_the_table(self, clients, community):
        response = clients["member"].get(
            reverse("communities:members", args=[community.slug]), headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert "<table" in html and "<html" not in html

    def test_csv_export_neutralises_formulas(self, clients, community):
        MembershipFactory(community=community, user=UserFactory(display_name='=HYPERLINK("x")'))
        response = clients["coordinator"].get(
            reverse("communities:members_export", args=[community.slug])
        )
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode()
        assert body.splitlines()[0].startswith("Name,Email")
        assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body


class TestHome:
    def test_member_sees_their_communities(self, clients, community):
        html = clients["member"].get("/").content.decode()
        assert "My communities" in html and community.name in html

    def test_outsider_sees_the_empty_state_and_suggestions(self, clients, community):
        html = clients["outsider"].get("/").content.decode()
        assert "You are not a member of any community yet" in html
        assert community.name in html  # suggested

    def test_admin_sees_the_program_at_a_glance(self, clients, community):
        CommunityFactory(name="Customer voice", slug="customer-voice", stage=Stage.POTENTIAL)
        html = clients["admin"].get("/").content.decode()
        assert "The program at a glance" in html
        assert "Needs a coordinator" in html and "Customer voice" in html

    def test_the_program_at_a_glance_kept_as_drawn_follows_every_write(
        self, clients, users, community
    ):
        """Its figures and its stage changes are kept as drawn (templates/home.html): a
        write that changes what they show draws them again."""
        from communities.services import change_stage

        def glance():
            html = clients["admin"].get("/").content.decode()
            start = html.index('id="program-heading"')
            return html[start : html.index("</section>", start)]

        first = glance()
        assert "No stage changes yet." in first
        assert glance() == first  # kept
        CommunityFactory(name="Customer voice", slug="customer-voice", stage=Stage.POTENTIAL)
        html = glance()
        assert "Customer voice" in html and html != first
        change_stage(community, to_stage=Stage.TRANSFORMING, by=users["admin"])
        html = glance()
        assert "No stage changes yet." not in html
        assert f"{community.name}</a>: " in html and "→ Transforming" in html
        users["admin"].display_name = "Ada Renamed"
        users["admin"].save()
        assert "by Ada Renamed" in glance()
