"""The launch playbook: plans, the four steps, the launch process, roles, stalled plans."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.choices import Level, Stage
from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory
from communities.models import (
    ActionItem,
    Conversation,
    LaunchPlan,
    LeaderCandidate,
    Membership,
    StageChange,
)
from communities.services import MembershipError
from communities.stewardship import demo, services
from communities.stewardship.models import PROCESS_FIELDS
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def potential(admin_user):
    community = CommunityFactory(
        name="Customer voice", slug="customer-voice", stage=Stage.POTENTIAL, value_proposition=""
    )
    return community


@pytest.fixture
def people(potential):
    return {
        "coordinator": CoordinatorFactory(
            community=potential, user=UserFactory(email="cora@example.org")
        ).user,
        "member": MembershipFactory(
            community=potential, user=UserFactory(email="mo@example.org")
        ).user,
        "lead": UserFactory(email="lea.lead@example.org", display_name="Lea Lead"),
        "leader": UserFactory(email="lin.leader@example.org", display_name="Lin Leader"),
        "outsider": UserFactory(email="otto@example.org"),
    }


@pytest.fixture
def plan(potential, people, admin_user):
    return services.open_plan(potential, kind="launch", lead=people["lead"], by=admin_user)


def url(name, plan, *more):
    return reverse(f"communities:{name}", args=[plan.community.slug, plan.pk, *more])


def walk_all_steps(client, plan, people):
    assert client.post(
        url("launch_conversation", plan),
        {"person": "mo@example.org", "held_on": "2031-01-10", "challenges": "Feedback is lost.",
         "talks_to": "My team", "existing_community": "No", "would_help": "true"},
    ).status_code == 302  # fmt: skip
    assert client.post(
        url("launch_value", plan),
        {"value_to_organisation": "Fewer complaints.", "value_to_people": "Being heard.",
         "how_community_helps": "Pooling insight.", "success_looks_like": "Three fixes.",
         "why_participate": "Less firefighting."},
    ).status_code == 302  # fmt: skip
    assert client.post(url("launch_value_accept", plan)).status_code == 302
    assert (
        client.post(
            url("launch_leader_add", plan), {"person": "lin.leader@example.org", "idea": "Good."}
        ).status_code
        == 302
    )
    candidate = LeaderCandidate.objects.get(plan=plan)
    # The candidate gives their answer themselves, on their own page.
    assert (
        client_for(people["leader"])
        .post(
            url("launch_leader", plan, candidate.pk),
            {"status": "accepted", "roles": ["community_keeper"]},
        )
        .status_code
        == 302
    )
    assert client.post(
        url("launch_design", plan),
        {"leaders_prepared": "on", "approach": "A kick-off workshop.",
         "launch_activities": "World café.", "follow_up": "Monthly clinic."},
    ).status_code == 302  # fmt: skip
    checks = PROCESS_FIELDS.values()
    assert (
        client.post(
            url("launch_process", plan), {f: "on" for group in checks for f in group}
        ).status_code
        == 302
    )
    assert client.post(
        url("launch_action_add", plan),
        {"title": "Send invitations", "owner": "lea.lead@example.org", "due_on": "2031-02-01",
         "status": "open"},
    ).status_code == 302  # fmt: skip
    item = ActionItem.objects.get(plan=plan)
    assert client.post(
        url("launch_action", plan, item.pk),
        {"title": "Send invitations", "owner": "lea.lead@example.org", "due_on": "2031-02-01",
         "status": "done"},
    ).status_code == 302  # fmt: skip


class TestHappyPath:
    def test_admin_opens_a_plan(self, potential, people, admin_user):
        client = client_for(admin_user)
        response = client.post(
            reverse("communities:launch_open", args=[potential.slug]),
            {"kind": "launch", "lead": "lea.lead@example.org"},
        )
        plan = LaunchPlan.objects.get(community=potential)
        assert response.status_code == 302 and response.url == plan.get_absolute_url()
        assert plan.lead == people["lead"] and plan.opened_by == admin_user and plan.is_open

    def test_the_lead_walks_every_step_and_the_admin_moves_to_coalescing(
        self, plan, people, admin_user
    ):
        lead = client_for(people["lead"])
        walk_all_steps(lead, plan, people)
        plan.refresh_from_db()
        potential = plan.community
        potential.refresh_from_db()
        assert "**Value to the organisation.** Fewer complaints." in potential.value_proposition
        leader = Membership.objects.get(community=potential, user=people["leader"])
        assert leader.level == Level.CORE
        assert set(leader.leadership_roles.values_list("role", flat=True)) == {"community_keeper"}
        conversation = Conversation.objects.get(plan=plan)
        assert conversation.person == people["member"] and conversation.would_help is True

        page = client_for(admin_user).get(plan.get_absolute_url())
        assert page.status_code == 200
        assert page.context["complete"]
        assert all(step["done"] for step in page.context["steps"])
        assert b"Move to coalescing" in page.content
        # The lead edits the plan but does not change stages.
        assert lead.get(url("launch_complete", plan)).status_code == 403

        admin = client_for(admin_user)
        response = admin.post(url("launch_complete", plan), {"note": "Launched at the workshop."})
        assert response.status_code == 302
        potential.refresh_from_db()
        assert potential.stage == Stage.COALESCING
        change = StageChange.objects.get(community=potential, to_stage="coalescing")
        assert (change.from_stage, change.to_stage) == ("potential", "coalescing")
        assert change.note == "Launched at the workshop." and change.changed_by == admin_user
        plan.refresh_from_db()
        assert not plan.is_open and plan.completed_at
        # A completed plan stays readable, and is no longer editable.
        assert lead.get(plan.get_absolute_url()).status_code == 200
        assert lead.get(url("launch_design", plan)).status_code == 403

    def test_progress_shows_what_is_done_and_what_is_next(self, plan, people, admin_user):
        client = client_for(admin_user)
        Conversation.objects.create(plan=plan, name="Pat", challenges="Too many channels.")
        steps = client.get(plan.get_absolute_url()).context["steps"]
        assert [s["done"] for s in steps][:2] == [True, False]
        assert [s["key"] for s in steps if s["is_next"]] == ["value"]

    def test_an_admin_may_move_earlier_with_a_note_only(self, plan, admin_user):
        client = client_for(admin_user)
        response = client.post(url("launch_complete", plan), {"note": ""})
        assert response.status_code == 200 and response.context["form"].errors
        plan.community.refresh_from_db()
        assert plan.community.stage == Stage.POTENTIAL
        assert not StageChange.objects.filter(to_stage="coalescing").exists()
        client.post(url("launch_complete", plan), {"note": "The sponsor wants it now."})
        plan.community.refresh_from_db()
        assert plan.community.stage == Stage.COALESCING
        assert StageChange.objects.get(to_stage="coalescing").note == "The sponsor wants it now."

    def test_an_existing_member_who_accepts_moves_to_the_core_group(self, plan, people):
        candidate = LeaderCandidate.objects.create(plan=plan, person=people["member"])
        services.respond_candidate(candidate, status="accepted", roles=["social_reporter"], by=None)
        membership = Membership.objects.get(community=plan.community, user=people["member"])
        assert membership.level == Level.CORE
        assert list(membership.leadership_roles.values_list("role", flat=True)) == [
            "social_reporter"
        ]

    def test_a_declining_candidate_does_not_join(self, plan, people):
        candidate = LeaderCandidate.objects.create(
            plan=plan, person=people["leader"], invited_by=people["lead"]
        )
        client_for(people["leader"]).post(
            url("launch_leader", plan, candidate.pk), {"status": "declined"}
        )
        candidate.refresh_from_db()
        assert candidate.status == "declined"
        assert not Membership.objects.filter(user=people["leader"]).exists()


class TestNobodyPutsThemselvesIntoTheCoreGroup:
    """Accepting a candidacy puts the candidate into the core group: the candidate answers
    for themselves, or a coordinator or program admin records it; never the launch lead."""

    def test_the_lead_cannot_record_an_acceptance(self, plan, people):
        candidate = LeaderCandidate.objects.create(
            plan=plan, person=people["outsider"], invited_by=people["lead"]
        )
        lead = client_for(people["lead"])
        answer = url("launch_leader", plan, candidate.pk)
        assert lead.get(answer).status_code == 403
        assert lead.post(answer, {"status": "accepted"}).status_code == 403
        candidate.refresh_from_db()
        assert candidate.status == "invited"
        assert not Membership.objects.filter(user=people["outsider"]).exists()

    def test_the_lead_cannot_make_themselves_core_through_a_candidacy(self, plan, people):
        lead = client_for(people["lead"])
        response = lead.post(url("launch_leader_add", plan), {"person": "lea.lead@example.org"})
        assert "person" in response.context["form"].errors
        assert not LeaderCandidate.objects.exists()
        # A candidacy of their own that got in somehow: not theirs to accept either.
        for invited_by in (people["lead"], None):
            candidate, _ = LeaderCandidate.objects.update_or_create(
                plan=plan, person=people["lead"], defaults={"invited_by": invited_by}
            )
            answer = url("launch_leader", plan, candidate.pk)
            assert lead.post(answer, {"status": "accepted"}).status_code == 403
        assert not Membership.objects.filter(user=people["lead"]).exists()
        with pytest.raises(MembershipError):
            services.respond_candidate(candidate, status="accepted", by=people["lead"])
        assert not Membership.objects.filter(user=people["lead"]).exists()

    def test_the_candidate_answers_on_their_own_page(self, plan, people):
        candidate = LeaderCandidate.objects.create(
            plan=plan, person=people["leader"], invited_by=people["lead"]
        )
        leader = client_for(people["leader"])
        answer = url("launch_leader", plan, candidate.pk)
        page = leader.get(answer)
        assert page.status_code == 200 and b"Your answer" in page.content
        response = leader.post(answer, {"status": "accepted", "roles": ["social_reporter"]})
        assert response.status_code == 302 and response.url == plan.get_absolute_url()
        membership = Membership.objects.get(community=plan.community, user=people["leader"])
        assert membership.level == Level.CORE and membership.added_by == people["leader"]
        # Another candidate's page does not exist for them, nor for outsiders.
        other = LeaderCandidate.objects.create(plan=plan, person=people["outsider"])
        assert client_for(UserFactory()).get(answer).status_code == 404
        outsider_page = url("launch_leader", plan, other.pk)
        assert client_for(people["outsider"]).get(outsider_page).status_code == 403  # no inviter
        assert leader.get(outsider_page).status_code == 403  # a core member: reads, not records

    def test_a_coordinator_or_an_admin_records_an_answer(self, plan, people, admin_user):
        for recorder, person in ((people["coordinator"], "leader"), (admin_user, "outsider")):
            candidate = LeaderCandidate.objects.create(
                plan=plan, person=people[person], invited_by=people["lead"]
            )
            response = client_for(recorder).post(
                url("launch_leader", plan, candidate.pk), {"status": "accepted"}
            )
            assert response.status_code == 302
            membership = Membership.objects.get(community=plan.community, user=people[person])
            assert membership.level == Level.CORE

    def test_nobody_adds_themselves_to_a_core_group_through_the_members_pages(
        self, potential, admin_user, people
    ):
        admin = client_for(admin_user)
        response = admin.post(
            reverse("communities:member_add", args=[potential.slug]),
            {"email": admin_user.email, "level": "core"},
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not Membership.objects.filter(user=admin_user).exists()
        # As a member: raising themselves to the core group or to coordinator is refused.
        mine = MembershipFactory(community=potential, user=admin_user, level=Level.ACTIVE)
        edit = reverse("communities:membership_edit", args=[potential.slug, mine.pk])
        for change in ({"level": "core"}, {"level": "active", "is_coordinator": "on"}):
            response = admin.post(edit, change)
            assert response.status_code == 200 and response.context["form"].errors
        mine.refresh_from_db()
        assert (mine.level, mine.is_coordinator) == (Level.ACTIVE, False)
        # Someone else raises them: fine.
        coordinator = client_for(people["coordinator"])
        assert coordinator.post(edit, {"level": "core"}).status_code == 302
        mine.refresh_from_db()
        assert mine.level == Level.CORE


class TestRenewal:
    def test_a_renewal_keeps_the_earlier_launch_readable(self, admin_user, people):
        community = CommunityFactory(name="Field safety", slug="field-safety")
        first = services.open_plan(community, kind="launch", lead=None, by=admin_user)
        services.complete_plan(first, by=admin_user, note="")  # not potential: no stage change
        client = client_for(admin_user)
        response = client.post(
            reverse("communities:launch_open", args=[community.slug]), {"kind": "renewal"}
        )
        assert response.status_code == 302
        renewal = LaunchPlan.objects.get(community=community, status="open")
        assert renewal.kind == "renewal"
        page = client.get(renewal.get_absolute_url())
        assert first.get_absolute_url().encode() in page.content
        assert client.get(first.get_absolute_url()).status_code == 200
        # Incomplete: a note is needed; with it, the renewal ends (no stage change).
        assert client.post(url("launch_complete", renewal), {"note": ""}).status_code == 200
        client.post(url("launch_complete", renewal), {"note": "Energy is back."})
        renewal.refresh_from_db()
        community.refresh_from_db()
        assert not renewal.is_open and community.stage == Stage.MATURING


class TestInvalidInputWritesNothing:
    def test_a_conversation_needs_someone(self, plan, admin_user):
        response = client_for(admin_user).post(
            url("launch_conversation", plan), {"held_on": "2031-01-10", "challenges": "x"}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not Conversation.objects.exists()

    def test_unknown_people_are_refused(self, plan, admin_user):
        client = client_for(admin_user)
        response = client.post(
            url("launch_action_add", plan),
            {"title": "X", "owner": "nobody@example.org", "due_on": "2031-01-01", "status": "open"},
        )
        assert "owner" in response.context["form"].errors
        response = client.post(url("launch_leader_add", plan), {"person": "nobody@example.org"})
        assert "person" in response.context["form"].errors
        assert not ActionItem.objects.exists() and not LeaderCandidate.objects.exists()

    def test_a_value_proposition_needs_both_values(self, plan, admin_user):
        before = plan.updated_at
        response = client_for(admin_user).post(
            url("launch_value", plan), {"value_to_organisation": "Only this."}
        )
        assert response.context["form"].errors
        plan.refresh_from_db()
        assert plan.value_to_organisation == "" and plan.updated_at == before

    def test_an_empty_value_proposition_cannot_be_accepted(self, plan, admin_user):
        client_for(admin_user).post(url("launch_value_accept", plan))
        plan.refresh_from_db()
        plan.community.refresh_from_db()
        assert plan.value_accepted_at is None and plan.community.value_proposition == ""

    def test_a_second_open_plan_or_a_launch_of_a_grown_community_is_refused(self, plan, admin_user):
        client = client_for(admin_user)
        response = client.post(
            reverse("communities:launch_open", args=[plan.community.slug]), {"kind": "renewal"}
        )
        assert response.status_code == 200 and response.context["form"].errors
        grown = CommunityFactory(name="Grown", slug="grown")
        response = client.post(
            reverse("communities:launch_open", args=[grown.slug]), {"kind": "launch"}
        )
        assert response.context["form"].errors
        assert LaunchPlan.objects.count() == 1


class TestRoles:
    def test_admin_and_lead_edit_coordinators_read_outsiders_404(self, plan, people, admin_user):
        design = url("launch_design", plan)
        assert client_for(admin_user).get(design).status_code == 200
        assert client_for(people["lead"]).get(design).status_code == 200
        for role in ("coordinator", "member"):
            client = client_for(people[role])
            assert client.get(plan.get_absolute_url()).status_code == 200
            assert client.get(design).status_code == 403
            assert client.post(design, {"approach": "Mine"}).status_code == 403
        outsider = client_for(people["outsider"])
        assert outsider.get(plan.get_absolute_url()).status_code == 404
        assert outsider.get(design).status_code == 404
        assert (
            outsider.get(reverse("communities:launch", args=[plan.community.slug])).status_code
            == 404
        )
        plan.refresh_from_db()
        assert plan.approach == ""

    def test_only_admins_see_the_launches_list_and_open_plans(self, plan, people, admin_user):
        listing = reverse("program:launches")
        assert client_for(admin_user).get(listing).status_code == 200
        assert client_for(people["lead"]).get(listing).status_code == 403
        assert client_for(people["coordinator"]).get(listing).status_code == 403
        opening = reverse("communities:launch_open", args=[plan.community.slug])
        assert client_for(people["coordinator"]).get(opening).status_code == 403

    def test_the_old_launches_address_redirects_permanently_with_its_filters(self, admin_user):
        assert reverse("program:launches") == "/program/launches/"
        old = reverse("communities:launch_list_moved")
        assert old == "/communities/launch-plans/"
        client = client_for(admin_user)
        response = client.get(f"{old}?stalled=1&status=all&kind=renewal&q=voice")
        assert response.status_code == 301
        assert (
            response.headers["Location"]
            == "/program/launches/?stalled=1&status=all&kind=renewal&q=voice"
        )
        assert client.get(old).headers["Location"] == "/program/launches/"
        followed = client.get(old, {"status": "all"}, follow=True)
        assert followed.status_code == 200 and followed.context["status"] == "all"

    def test_the_lead_reads_the_launch_page_of_a_community_they_do_not_belong_to(
        self, plan, people
    ):
        client = client_for(people["lead"])
        assert (
            client.get(reverse("communities:launch", args=[plan.community.slug])).status_code == 200
        )

    def test_wrong_method_and_anonymous(self, plan):
        from django.test import Client

        assert Client().get(plan.get_absolute_url()).status_code == 302
        assert client_for(plan.lead).get(url("launch_value_accept", plan)).status_code == 405

    def test_the_launch_pill_on_the_community_page(self, plan, people):
        page = client_for(people["member"]).get(plan.community.get_absolute_url())
        assert reverse("communities:launch", args=[plan.community.slug]).encode() in page.content
        grown = CommunityFactory(name="Grown", slug="grown")
        page = client_for(people["member"]).get(grown.get_absolute_url())
        assert b"/grown/launch/" not in page.content  # open to all, no plan: no pill
        services.open_plan(grown, kind="renewal", lead=people["outsider"], by=None)
        page = client_for(people["outsider"]).get(grown.get_absolute_url())
        assert b"/grown/launch/" in page.content  # the lead sees it


class TestStalled:
    def test_a_plan_untouched_for_the_configured_days_is_stalled(self, plan, settings, admin_user):
        now = timezone.now()
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=now - timedelta(days=15))
        assert list(services.stalled_plans(now)) == [plan]
        settings.CHILDCOP_LAUNCH_STALLED_DAYS = 20
        assert list(services.stalled_plans(now)) == []
        settings.CHILDCOP_LAUNCH_STALLED_DAYS = 14
        client = client_for(admin_user)
        listing = client.get(reverse("program:launches"), {"stalled": "1"})
        assert [r["plan"] for r in listing.context["rows"]] == [plan]
        assert listing.context["rows"][0]["stalled"]
        assert b"Stalled" in listing.content
        assert (
            client.get(reverse("program:launches"), {"stalled": "1", "days": "30"}).context["rows"]
            == []
        )
        # Progress un-stalls it.
        client.post(
            url("launch_conversation", plan),
            {"name": "Pat", "held_on": "2031-01-10", "challenges": "Lost feedback."},
        )
        assert list(services.stalled_plans()) == []

    def test_completed_plans_are_never_stalled(self, plan, admin_user):
        services.complete_plan(plan, by=admin_user, note="Early.")
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(days=99))
        assert not services.stalled_plans().exists()


def test_seed_demo(potential, people, admin_user):
    import random

    grown = CommunityFactory(name="Field safety", slug="field-safety")
    CoordinatorFactory(community=grown)
    demo.seed_launches(random.Random(4), timezone.now())
    voice = LaunchPlan.objects.get(community=potential)
    assert voice.kind == "launch" and voice.conversations.count() == 4
    assert voice.value_accepted_at is not None
    potential.refresh_from_db()
    assert potential.value_proposition
    renewal = LaunchPlan.objects.get(community=grown)
    assert renewal.kind == "renewal" and renewal.is_open
    steps = {
        s["key"]: s["done"]
        for s in services.progress(services.with_progress(LaunchPlan.objects).get(pk=voice.pk))
    }
    assert steps["conversations"] and steps["value"] and not steps["leaders"]
