"""Each workflow's transitions are written once, in a table next to the model's choices, and
both the permission rules and the services read that table.

For each model: the rules and the services agree with the table state by state, and a step
taken out of the table is refused by both (the table is what they read, not a copy).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop import permissions
from childcop.workflows import Workflow, step
from communities.choices import (
    AGENDA_WORKFLOW,
    HELP_WORKFLOW,
    AgendaStatus,
    HelpStatus,
    LoopOutcome,
    MemoryKind,
)
from communities.factories import AgendaItemFactory, AnswerFactory, HelpRequestFactory
from communities.health.choices import (
    HEALTH_CHECK_WORKFLOW,
    SUPPORT_WORKFLOW,
    CheckState,
    SupportStatus,
)
from communities.health.models import HealthCheck, HealthCheckResponse
from communities.health.services import checks as check_services
from communities.learning import services as learning_services
from communities.learning.forms import AgendaStatusForm, AnswerForm, FollowUpForm
from communities.models import VotingRound
from communities.stewardship import services as launch_services
from communities.stewardship.models import (
    LAUNCH_WORKFLOW,
    LaunchKind,
    LaunchPlan,
    LaunchStatus,
)
from practice_groups import services as group_services
from practice_groups.choices import GROUP_WORKFLOW, GroupStatus
from practice_groups.factories import GroupMembershipFactory, PracticeGroupFactory
from sponsorship import services as sponsorship_services
from sponsorship.choices import (
    APPOINTMENT_WORKFLOW,
    CASE_WORKFLOW,
    AppointmentStatus,
    CaseStatus,
    ResponseKind,
    Scope,
)
from sponsorship.factories import AppointmentFactory, BusinessCaseVersionFactory
from value_stories import services as story_services
from value_stories.choices import STORY_WORKFLOW, Status

pytestmark = pytest.mark.django_db

TABLES = [
    (STORY_WORKFLOW, Status),
    (GROUP_WORKFLOW, GroupStatus),
    (SUPPORT_WORKFLOW, SupportStatus),
    (CASE_WORKFLOW, CaseStatus),
    (APPOINTMENT_WORKFLOW, AppointmentStatus),
    (AGENDA_WORKFLOW, AgendaStatus),
    (HELP_WORKFLOW, HelpStatus),
    (LAUNCH_WORKFLOW, LaunchStatus),
    (HEALTH_CHECK_WORKFLOW, CheckState),
]


@pytest.mark.parametrize(("workflow", "states"), TABLES)
def test_each_table_speaks_of_its_models_states(workflow, states):
    assert workflow.initial in states.values
    for name, spec in workflow.steps.items():
        assert spec.sources, name
        assert set(spec.sources) | set(spec.targets) <= set(states.values), name


def test_the_story_workflow_draws_the_graph_of_the_domain_guide():
    assert STORY_WORKFLOW.transitions() == {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED, Status.WITHDRAWN},
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.APPROVED: {Status.WITHDRAWN},
    }
    workflow = Workflow(initial="a", go=step("a", to="b"), stay=step("a", "b"))
    assert workflow.allows("a", "go", to="b") and not workflow.allows("b", "go")
    assert workflow.target("go") == "b" and workflow.targets("stay") == ()


def refused(call, error):
    try:
        call()
    except error:
        return True
    return False


# --- value-creation stories ------------------------------------------------------------


def story(community, users, status):
    from value_stories.factories import ValueStoryFactory

    return ValueStoryFactory(community=community, author=users["member"], status=status)


@pytest.mark.parametrize("status", Status.values)
def test_story_rules_and_services_follow_the_table(community, users, status):
    author, coordinator = users["member"], users["coordinator"]
    s = story(community, users, status)
    assert permissions.can_edit_story(author, s) == STORY_WORKFLOW.allows(status, "edit")
    assert permissions.can_submit_story(author, s) == STORY_WORKFLOW.allows(status, "submit")
    assert permissions.can_withdraw_story(author, s) == STORY_WORKFLOW.allows(status, "withdraw")
    assert permissions.can_review_story(coordinator, s) == STORY_WORKFLOW.allows(status, "review")

    StoryError = story_services.StoryError
    submit = story(community, users, status)
    assert refused(lambda: story_services.submit(submit, by=author), StoryError) == (
        not STORY_WORKFLOW.allows(status, "submit")
    )
    withdraw = story(community, users, status)
    assert refused(lambda: story_services.withdraw(withdraw, by=author), StoryError) == (
        not STORY_WORKFLOW.allows(status, "withdraw")
    )
    review = story(community, users, status)
    assert refused(
        lambda: story_services.review(review, by=coordinator, approve=True), StoryError
    ) == (not STORY_WORKFLOW.allows(status, "review", to=Status.APPROVED))


def test_a_story_step_out_of_the_table_is_refused_by_rule_and_service(
    community, users, monkeypatch
):
    author, coordinator = users["member"], users["coordinator"]
    approved = story(community, users, Status.APPROVED)
    submitted = story(community, users, Status.SUBMITTED)
    draft = story(community, users, Status.DRAFT)
    monkeypatch.setitem(STORY_WORKFLOW.steps, "withdraw", step(Status.DRAFT, to=Status.WITHDRAWN))
    monkeypatch.setitem(STORY_WORKFLOW.steps, "review", step(Status.DRAFT, to=Status.RETURNED))
    monkeypatch.setitem(STORY_WORKFLOW.steps, "submit", step(Status.RETURNED, to=Status.SUBMITTED))
    assert not permissions.can_withdraw_story(author, approved)
    assert refused(lambda: story_services.withdraw(approved, by=author), story_services.StoryError)
    assert not permissions.can_review_story(coordinator, submitted)
    assert refused(
        lambda: story_services.review(submitted, by=coordinator, approve=True),
        story_services.StoryError,
    )
    assert not permissions.can_submit_story(author, draft)
    assert refused(lambda: story_services.submit(draft, by=author), story_services.StoryError)


# --- practice groups ------------------------------------------------------------------


class SavedForm:
    """What the services need of a bound ModelForm that validated."""

    def __init__(self, instance):
        self.instance = instance

    def save(self, commit=True):
        return self.instance

    def save_m2m(self):
        pass


def group(community, users, status):
    g = PracticeGroupFactory(community=community, status=status, proposed_by=users["member"])
    GroupMembershipFactory(group=g, user=users["member"])
    return g


@pytest.mark.parametrize("status", GroupStatus.values)
def test_group_rules_and_services_follow_the_table(community, users, status):
    member, core, coordinator = users["member"], users["core"], users["coordinator"]
    g = group(community, users, status)
    allows = GROUP_WORKFLOW.allows
    assert permissions.can_charter_group(coordinator, g) == allows(status, "review")
    assert permissions.can_edit_group(coordinator, g) == allows(status, "edit")
    assert permissions.can_edit_group(member, g) == allows(status, "edit_proposal")
    assert permissions.can_join_group(core, g) == allows(status, "join")
    assert permissions.can_leave_group(member, g) == allows(status, "leave")
    assert permissions.can_conclude_group(member, g) == allows(status, "conclude")
    assert permissions.can_post_report(member, g) == allows(status, "report")
    assert permissions.can_request_support(member, g) == allows(status, "request_support")

    NotAllowedNow = group_services.NotAllowedNow
    for decision, to_status in [
        ("charter", GroupStatus.ACTIVE),
        ("changes", GroupStatus.CHANGES_REQUESTED),
        ("decline", GroupStatus.DECLINED),
    ]:
        reviewed = group(community, users, status)
        assert refused(
            lambda g=reviewed, d=decision: group_services.review(
                g, decision=d, note="", by=coordinator
            ),
            NotAllowedNow,
        ) == (not allows(status, "review", to=to_status))
    concluded = group(community, users, status)
    assert refused(lambda: group_services.conclude(concluded, outcome="Done."), NotAllowedNow) == (
        not allows(status, "conclude")
    )
    edited = group(community, users, status)
    group_services.save_proposal(SavedForm(edited), by=member)
    edited.refresh_from_db()
    expected = GROUP_WORKFLOW.target("resubmit") if allows(status, "resubmit") else status
    assert edited.status == expected


def test_a_group_step_out_of_the_table_is_refused_by_rule_and_service(
    community, users, monkeypatch
):
    coordinator = users["coordinator"]
    proposed = group(community, users, GroupStatus.PROPOSED)
    active = group(community, users, GroupStatus.ACTIVE)
    monkeypatch.setitem(
        GROUP_WORKFLOW.steps, "review", step(GroupStatus.CHANGES_REQUESTED, to=GroupStatus.ACTIVE)
    )
    monkeypatch.setitem(
        GROUP_WORKFLOW.steps, "conclude", step(GroupStatus.PROPOSED, to=GroupStatus.CONCLUDED)
    )
    assert not permissions.can_charter_group(coordinator, proposed)
    assert refused(
        lambda: group_services.review(proposed, decision="charter", note="", by=coordinator),
        group_services.NotAllowedNow,
    )
    assert not permissions.can_conclude_group(coordinator, active)
    assert refused(
        lambda: group_services.conclude(active, outcome="Done."), group_services.NotAllowedNow
    )


# --- the business case and appointments (sponsorship) -----------------------------------


@pytest.mark.parametrize("status", CaseStatus.values)
def test_business_case_services_follow_the_table(community, users, status):
    coordinator, sponsor = users["coordinator"], users["sponsor"]
    version = BusinessCaseVersionFactory(community=community, status=status, created_by=coordinator)
    assert sponsorship_services.submit(version, by=coordinator) == CASE_WORKFLOW.allows(
        status, "submit"
    )

    version.status = status
    version.save()
    draft = sponsorship_services.save_draft(community, {"why_care": "Because."}, by=coordinator)
    assert (draft.pk == version.pk) == CASE_WORKFLOW.allows(status, "edit")

    if draft.pk != version.pk:
        draft.delete()  # the new version started beside it
    version.status = status
    version.save()
    assert refused(
        lambda: sponsorship_services.respond(version, sponsor=sponsor, kind=ResponseKind.ENDORSE),
        sponsorship_services.NotLatest,
    ) == (not CASE_WORKFLOW.allows(status, "respond"))
    version.refresh_from_db()
    if CASE_WORKFLOW.allows(status, "endorse"):
        assert version.status == CASE_WORKFLOW.target("endorse")


def test_a_case_step_out_of_the_table_is_refused_by_service_and_view(
    community, users, clients, monkeypatch
):
    coordinator = users["coordinator"]
    version = BusinessCaseVersionFactory(
        community=community, status=CaseStatus.DRAFT, created_by=coordinator
    )
    monkeypatch.setitem(
        CASE_WORKFLOW.steps, "submit", step(CaseStatus.ENDORSED, to=CaseStatus.SUBMITTED)
    )
    url = reverse("sponsorship:business_case_submit", args=[community.slug])
    assert clients["coordinator"].get(url).status_code == 302  # "There is no draft to submit"
    assert not sponsorship_services.submit(version, by=coordinator)
    version.refresh_from_db()
    assert version.status == CaseStatus.DRAFT


class AppointedForm:
    cleaned_data = {"appointed_on": date(2025, 1, 6), "scope": Scope.PROGRAM, "communities": []}


@pytest.mark.parametrize("status", AppointmentStatus.values)
def test_appointment_services_follow_the_table(status):
    Error = sponsorship_services.AppointmentError
    appointment = AppointmentFactory(status=status)
    assert refused(
        lambda: sponsorship_services.appoint(appointment, AppointedForm(), by=None), Error
    ) == (not APPOINTMENT_WORKFLOW.allows(status, "appoint"))
    ended = AppointmentFactory(status=status)
    assert refused(lambda: sponsorship_services.end(ended, ended_on=date(2025, 1, 6)), Error) == (
        not APPOINTMENT_WORKFLOW.allows(status, "end")
    )


def test_an_appointment_step_out_of_the_table_is_refused_by_service_and_view(
    users, clients, monkeypatch
):
    appointment = AppointmentFactory(status=AppointmentStatus.IDENTIFIED)
    monkeypatch.setitem(
        APPOINTMENT_WORKFLOW.steps,
        "appoint",
        step(AppointmentStatus.ENDED, to=AppointmentStatus.APPOINTED),
    )
    url = reverse("sponsorship:appointment_appoint", args=[appointment.pk])
    assert clients["admin"].get(url).status_code == 302  # "already identified": not offered
    assert refused(
        lambda: sponsorship_services.appoint(appointment, AppointedForm(), by=users["admin"]),
        sponsorship_services.AppointmentError,
    )


# --- the learning agenda, help requests and launch plans (rules, then services) -------------


@pytest.mark.parametrize("status", AgendaStatus.values)
def test_agenda_rules_follow_the_table(community, users, status):
    item = AgendaItemFactory(community=community, raised_by=users["member"], status=status)
    allowed = AGENDA_WORKFLOW.allows(status, "edit")
    assert permissions.can_edit_agenda_item(users["member"], item) == allowed
    assert permissions.can_edit_agenda_item(users["coordinator"], item)  # coordinators always


@pytest.mark.parametrize("status", HelpStatus.values)
def test_help_request_rules_follow_the_table(community, users, status):
    request = HelpRequestFactory(community=community, asker=users["member"], status=status)
    asker, core = users["member"], users["core"]
    allows = HELP_WORKFLOW.allows
    assert permissions.can_answer_help_request(core, request) == allows(status, "answer")
    assert permissions.can_mark_helpful(asker, request) == allows(status, "mark_helpful")
    assert permissions.can_follow_up(asker, request) == allows(status, "follow_up")
    assert permissions.can_capture_loop(core, request) == allows(status, "capture")


@pytest.mark.parametrize("status", LaunchStatus.values)
def test_launch_rules_follow_the_table(community, users, status):
    plan = LaunchPlan.objects.create(
        community=community, kind=LaunchKind.RENEWAL, status=status, lead=users["core"]
    )
    assert permissions.can_edit_launch(users["core"], plan) == LAUNCH_WORKFLOW.allows(
        status, "edit"
    )
    assert permissions.can_complete_launch(users["admin"], plan) == LAUNCH_WORKFLOW.allows(
        status, "complete"
    )


def test_a_learning_or_launch_step_out_of_the_table_is_refused_by_the_rules(
    community, users, monkeypatch
):
    member, core = users["member"], users["core"]
    item = AgendaItemFactory(community=community, raised_by=member, status=AgendaStatus.RAISED)
    answered = HelpRequestFactory(community=community, asker=member, status=HelpStatus.ANSWERED)
    plan = LaunchPlan.objects.create(community=community, kind=LaunchKind.RENEWAL, lead=core)
    monkeypatch.setitem(AGENDA_WORKFLOW.steps, "edit", step(AgendaStatus.PARKED))
    monkeypatch.setitem(HELP_WORKFLOW.steps, "follow_up", step(HelpStatus.OPEN))
    monkeypatch.setitem(LAUNCH_WORKFLOW.steps, "edit", step(LaunchStatus.COMPLETED))
    assert not permissions.can_edit_agenda_item(member, item)
    assert not permissions.can_follow_up(member, answered)
    assert not permissions.can_edit_launch(core, plan)


@pytest.mark.parametrize("status", AgendaStatus.values)
def test_agenda_services_follow_the_table(community, users, status):
    coordinator, member = users["coordinator"], users["member"]
    item = AgendaItemFactory(community=community, raised_by=member, status=status)
    voting_round = VotingRound.objects.create(community=community, opened_by=coordinator)
    allowed = AGENDA_WORKFLOW.allows(status, "vote")
    assert (item in learning_services.round_items(voting_round, member)) == allowed
    assert refused(
        lambda: learning_services.cast_vote(voting_round, item, member),
        learning_services.VoteRefused,
    ) == (not allowed)
    for to_status in AgendaStatus.values:
        data = {"status": to_status, "status_note": "Decided at the meeting.", "activities": []}
        form = AgendaStatusForm(data, instance=item, community=community)
        assert form.is_valid() == AGENDA_WORKFLOW.allows(status, "move", to=to_status)


def help_request(community, users, status):
    request = HelpRequestFactory(community=community, asker=users["member"], status=status)
    AnswerFactory(request=request, author=users["core"])
    return request


@pytest.mark.parametrize("status", HelpStatus.values)
def test_help_request_services_follow_the_table(community, users, status):
    core = users["core"]
    allows, LoopRefused = HELP_WORKFLOW.allows, learning_services.LoopRefused

    answered = help_request(community, users, status)
    form = AnswerForm({"body": "Try a shorter clause."})
    assert form.is_valid()
    assert refused(
        lambda: learning_services.answer(form, help_request=answered, author=core), LoopRefused
    ) == (not allows(status, "answer"))

    marked = help_request(community, users, status)
    assert refused(
        lambda: learning_services.mark_helpful(marked, marked.answers.get()), LoopRefused
    ) == (not allows(status, "mark_helpful"))
    marked.refresh_from_db()
    if allows(status, "mark_helpful"):
        assert marked.status == HELP_WORKFLOW.target("mark_helpful")
    else:
        assert marked.status == status and not marked.answers.get().helpful

    followed = help_request(community, users, status)
    data = {"outcome": LoopOutcome.WORKED, "reflection": "It worked."}
    form = FollowUpForm(data, instance=followed)
    assert form.is_valid()
    assert refused(lambda: learning_services.close_loop(form), LoopRefused) == (
        not allows(status, "follow_up")
    )
    followed.refresh_from_db()
    expected = HELP_WORKFLOW.target("follow_up") if allows(status, "follow_up") else status
    assert followed.status == expected

    captured = help_request(community, users, status)
    assert refused(
        lambda: learning_services.capture(captured, MemoryKind.FAQ, by=core), LoopRefused
    ) == (not allows(status, "capture"))
    assert captured.memory.exists() == allows(status, "capture")


@pytest.mark.parametrize("status", LaunchStatus.values)
def test_launch_services_follow_the_table(community, users, status):
    plan = LaunchPlan.objects.create(
        community=community, kind=LaunchKind.RENEWAL, status=status, lead=users["core"]
    )
    LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(days=99))
    plan.refresh_from_db()
    worked_on = LAUNCH_WORKFLOW.allows(status, "edit")
    assert (plan in launch_services.stalled_plans()) == worked_on
    assert launch_services.is_stalled(plan, launch_services.stalled_before()) == worked_on
    assert refused(lambda: launch_services.complete_plan(plan, by=users["admin"]), ValueError) == (
        not LAUNCH_WORKFLOW.allows(status, "complete")
    )
    plan.refresh_from_db()
    if LAUNCH_WORKFLOW.allows(status, "complete"):
        assert plan.status == LAUNCH_WORKFLOW.target("complete")
    else:
        assert plan.status == status


def test_a_learning_or_launch_step_out_of_the_table_is_refused_by_rule_and_service(
    community, users, monkeypatch
):
    member, core, coordinator, admin = (
        users["member"],
        users["core"],
        users["coordinator"],
        users["admin"],
    )
    item = AgendaItemFactory(community=community, raised_by=member, status=AgendaStatus.PRIORITISED)
    voting_round = VotingRound.objects.create(community=community, opened_by=coordinator)
    asked = help_request(community, users, HelpStatus.OPEN)
    answered = help_request(community, users, HelpStatus.ANSWERED)
    closed = help_request(community, users, HelpStatus.CLOSED)
    plan = LaunchPlan.objects.create(community=community, kind=LaunchKind.RENEWAL, lead=core)
    LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(days=99))
    plan.refresh_from_db()
    monkeypatch.setitem(AGENDA_WORKFLOW.steps, "edit", step(AgendaStatus.RAISED))
    monkeypatch.setitem(AGENDA_WORKFLOW.steps, "vote", step(AgendaStatus.RAISED))
    monkeypatch.setitem(
        AGENDA_WORKFLOW.steps,
        "move",
        step(*AgendaStatus.values, to=(AgendaStatus.PRIORITISED, AgendaStatus.PARKED)),
    )
    monkeypatch.setitem(HELP_WORKFLOW.steps, "answer", step(HelpStatus.ANSWERED))
    monkeypatch.setitem(
        HELP_WORKFLOW.steps, "mark_helpful", step(HelpStatus.ANSWERED, to=HelpStatus.ANSWERED)
    )
    monkeypatch.setitem(HELP_WORKFLOW.steps, "follow_up", step(HelpStatus.OPEN))
    monkeypatch.setitem(HELP_WORKFLOW.steps, "capture", step(HelpStatus.ANSWERED))
    monkeypatch.setitem(LAUNCH_WORKFLOW.steps, "edit", step(LaunchStatus.COMPLETED))
    monkeypatch.setitem(LAUNCH_WORKFLOW.steps, "complete", step(LaunchStatus.COMPLETED))

    # the agenda: the raiser no longer edits, no vote goes to the item, no move to "addressed"
    assert not permissions.can_edit_agenda_item(member, item)
    assert item not in learning_services.round_items(voting_round, member)
    assert refused(
        lambda: learning_services.cast_vote(voting_round, item, member),
        learning_services.VoteRefused,
    )
    data = {"status": AgendaStatus.ADDRESSED, "status_note": "Done.", "activities": []}
    assert not AgendaStatusForm(data, instance=item, community=community).is_valid()

    # the loop: each step, by its rule and by its service
    LoopRefused = learning_services.LoopRefused
    form = AnswerForm({"body": "Try a shorter clause."})
    assert form.is_valid()
    assert not permissions.can_answer_help_request(core, asked)
    assert refused(
        lambda: learning_services.answer(form, help_request=asked, author=core), LoopRefused
    )
    assert not permissions.can_mark_helpful(member, asked)
    assert refused(lambda: learning_services.mark_helpful(asked, asked.answers.get()), LoopRefused)
    form = FollowUpForm({"outcome": LoopOutcome.WORKED, "reflection": "Fine."}, instance=answered)
    assert form.is_valid()
    assert not permissions.can_follow_up(member, answered)
    assert refused(lambda: learning_services.close_loop(form), LoopRefused)
    assert not permissions.can_capture_loop(core, closed)
    assert refused(lambda: learning_services.capture(closed, MemoryKind.FAQ, by=core), LoopRefused)
    for request, status in [
        (asked, HelpStatus.OPEN),
        (answered, HelpStatus.ANSWERED),
        (closed, HelpStatus.CLOSED),
    ]:
        request.refresh_from_db()
        assert request.status == status
    assert not asked.answers.filter(helpful=True).exists() and not closed.memory.exists()

    # the launch plan: neither edited (nor stalled) nor completed
    assert not permissions.can_edit_launch(core, plan)
    assert plan not in launch_services.stalled_plans()
    assert not permissions.can_complete_launch(admin, plan)
    assert refused(lambda: launch_services.complete_plan(plan, by=admin), ValueError)
    plan.refresh_from_db()
    assert plan.status == LaunchStatus.OPEN


# --- health checks --------------------------------------------------------------------------


def health_check(community, state):
    return HealthCheck.objects.create(
        community=community,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        answer_by=date(2025, 4, 15),
        closed_at=None if state == CheckState.OPEN else timezone.now(),
    )


def health_url(name, check):
    return reverse(f"communities:{name}", args=[check.community.slug, check.pk])


def test_a_health_check_is_open_until_it_is_closed(community):
    from django.utils import timezone

    from communities.health.models import HealthCheck

    check = HealthCheck.objects.create(
        community=community,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        answer_by=date(2025, 4, 15),
    )
    assert check.state == HEALTH_CHECK_WORKFLOW.initial
    assert HEALTH_CHECK_WORKFLOW.allows(check.state, "answer")
    check.closed_at = timezone.now()
    assert check.state == HEALTH_CHECK_WORKFLOW.target("close")
    assert not HEALTH_CHECK_WORKFLOW.allows(check.state, "answer")


@pytest.mark.parametrize("state", CheckState.values)
def test_health_check_rules_and_services_follow_the_table(community, users, clients, state):
    core, coordinator = users["core"], users["coordinator"]
    check = health_check(community, state)
    assert check.state == state
    answerable = HEALTH_CHECK_WORKFLOW.allows(state, "answer")
    closable = HEALTH_CHECK_WORKFLOW.allows(state, "close")
    assert permissions.can_answer_check(core, check) == answerable
    assert permissions.can_answer_check(coordinator, check) == answerable
    assert permissions.can_close_check(coordinator, check) == closable
    assert not permissions.can_close_check(core, check)  # not a coordinator
    detail = clients["coordinator"].get(check.get_absolute_url()).context
    assert (detail["can_answer"], detail["can_close"]) == (answerable, closable)

    # the answer page (which saves the answer) and the closing page
    answer_page = clients["core"].get(health_url("health_check_answer", check))
    assert answer_page.status_code == (200 if answerable else 302)
    close_page = clients["coordinator"].get(health_url("health_check_close", check))
    assert close_page.status_code == (200 if closable else 302)
    assert check_services.close_check(check) == closable
    check.refresh_from_db()
    assert check.state == (HEALTH_CHECK_WORKFLOW.target("close") if closable else state)


def test_an_answer_to_a_check_read_answerable_is_refused_once_its_state_no_longer_allows_it(
    community, users
):
    check = health_check(community, CheckState.OPEN)
    stale = HealthCheck.objects.get(pk=check.pk)
    assert check_services.close_check(check)
    with pytest.raises(check_services.CheckClosed):
        check_services.save_answer(stale, users["core"], ratings={})
    assert not HealthCheckResponse.objects.exists()


def test_a_health_check_step_out_of_the_table_is_refused_by_rule_and_service(
    community, users, clients, monkeypatch
):
    core, coordinator = users["core"], users["coordinator"]
    check = health_check(community, CheckState.OPEN)
    monkeypatch.setitem(HEALTH_CHECK_WORKFLOW.steps, "answer", step(CheckState.CLOSED))
    monkeypatch.setitem(
        HEALTH_CHECK_WORKFLOW.steps, "close", step(CheckState.CLOSED, to=CheckState.CLOSED)
    )
    assert not permissions.can_answer_check(core, check)
    response = clients["core"].post(health_url("health_check_answer", check), {"notes": "Good."})
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    assert not HealthCheckResponse.objects.exists()

    assert not permissions.can_close_check(coordinator, check)
    response = clients["coordinator"].post(health_url("health_check_close", check))
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    assert not check_services.close_check(check)
    check.refresh_from_db()
    assert check.closed_at is None
