"""Each workflow's transitions are written once, in a table next to the model's choices, and
both the permission rules and the services read that table.

For each model: the rules and the services agree with the table state by state, and a step
taken out of the table is refused by both (the table is what they read, not a copy).
"""

from datetime import date

import pytest
from django.urls import reverse

from childcop import permissions
from childcop.workflows import Workflow, step
from communities.choices import (
    AGENDA_WORKFLOW,
    HELP_WORKFLOW,
    AgendaStatus,
    HelpStatus,
)
from communities.factories import AgendaItemFactory, HelpRequestFactory
from communities.health.choices import (
    HEALTH_CHECK_WORKFLOW,
    SUPPORT_WORKFLOW,
    CheckState,
    SupportStatus,
)
from communities.stewardship.models import (
    LAUNCH_WORKFLOW,
    LaunchKind,
    LaunchPlan,
    LaunchStatus,
)
from practice_groups import services as group_services
from practice_groups.choices import GROUP_WORKFLOW, GroupStatus
from practice_groups.factories import GroupMembershipFactory, PracticeGroupFactory
from sponsorship import business_case
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
    assert business_case.submit(version, by=coordinator) == CASE_WORKFLOW.allows(status, "submit")

    version.status = status
    version.save()
    draft = business_case.save_draft(community, {"why_care": "Because."}, by=coordinator)
    assert (draft.pk == version.pk) == CASE_WORKFLOW.allows(status, "edit")

    if draft.pk != version.pk:
        draft.delete()  # the new version started beside it
    version.status = status
    version.save()
    assert refused(
        lambda: business_case.respond(version, sponsor=sponsor, kind=ResponseKind.ENDORSE),
        business_case.NotLatest,
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
    assert not business_case.submit(version, by=coordinator)
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


# --- the learning agenda, help requests and launch plans (rules) ---------------------------


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
