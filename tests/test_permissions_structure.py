"""Access control says what it does where it is written.

* No product module rewrites its names through `globals()`, and none defines a name twice:
  the function you read is the one that is called.
* The closed-community guard is declared by `@writes_to_community` on exactly the rules that
  grant a write on a community or its content; each of them refuses every role once the
  community is closed, and a scoped fetch refusing one of them says why.
"""

import ast
import importlib
import inspect
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from childcop import permissions
from childcop.permissions import CLOSED_MESSAGE
from communities.choices import HelpStatus, Stage
from communities.factories import (
    AgendaItemFactory,
    HelpRequestFactory,
    SharedMemoryEntryFactory,
)
from communities.health.models import HealthCheck
from practice_groups.choices import GroupStatus
from practice_groups.factories import (
    GroupMembershipFactory,
    PracticeGroupFactory,
    ProgressReportFactory,
)
from value_stories.choices import Status
from value_stories.factories import ValueStoryFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("childcop", "communities", "sponsorship", "practice_groups", "value_stories", "audit")
AREAS = (
    "core",
    "people",
    "audit",
    "communities",
    "rhythm",
    "learning",
    "practice_groups",
    "value_stories",
    "sponsorship",
    "stewardship",
    "health",
    "api",
    "two_step",
    "notifications",
    "landscape",
)

# Every rule that grants a write on a community or its content: a closed community refuses
# them all. (`can_change_stage` is not one: a program admin may reopen a community.)
GUARDED = {
    "can_manage_business_case",
    "can_respond_to_business_case",
    "can_manage_agreement",
    "can_edit_community",
    "can_manage_members",
    "can_log_activities",
    "can_manage_rhythm",
    "can_join",
    "can_leave",
    "can_write_story",
    "can_edit_story",
    "can_submit_story",
    "can_withdraw_story",
    "can_review_story",
    "can_raise_agenda_item",
    "can_vote",
    "can_steer_agenda",
    "can_edit_agenda_item",
    "can_propose_group",
    "can_charter_group",
    "can_edit_group",
    "can_join_group",
    "can_leave_group",
    "can_conclude_group",
    "can_post_report",
    "can_respond_to_report",
    "can_request_support",
    "can_add_to_loops",
    "can_answer_help_request",
    "can_mark_helpful",
    "can_follow_up",
    "can_capture_loop",
    "can_edit_memory",
    "can_write_review",
    "can_keep_checklist",
    "can_log_coaching",
    "can_open_health_check",
    "can_answer_health_check",
    "can_answer_check",
    "can_close_check",
    "can_request_community_support",
}


def product_modules():
    for package in PRODUCT:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_module_of_the_product_uses_globals():
    offenders = []
    for path in product_modules():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "globals"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_no_module_of_the_product_defines_a_name_twice():
    offenders = []
    for path in product_modules():
        seen = set()
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if node.name in seen:
                    offenders.append(f"{path.relative_to(ROOT)}: {node.name}")
                seen.add(node.name)
    assert offenders == []


def test_the_package_exports_each_rule_as_its_area_defines_it():
    """`permissions.can_x` is the very function written in its area's module."""
    defined = {}
    for area in AREAS:
        module = importlib.import_module(f"childcop.permissions.{area}")
        for name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                defined[name] = obj
    for name in permissions.__all__:
        obj = getattr(permissions, name)
        if inspect.isfunction(obj):
            assert defined[name] is obj, name
    assert set(defined) <= set(permissions.__all__)


def guarded_in_source():
    """The rules whose definition carries `@writes_to_community`."""
    names = set()
    for area in AREAS:
        path = ROOT / "childcop" / "permissions" / f"{area}.py"
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "writes_to_community"
                for d in node.decorator_list
            ):
                names.add(node.name)
    return names


def test_the_guard_is_declared_on_exactly_the_write_rules():
    at_run_time = {
        name
        for name in permissions.__all__
        if getattr(getattr(permissions, name), "guards_closure", False)
    }
    assert at_run_time == GUARDED
    assert guarded_in_source() == GUARDED
    for read in ("can_change_stage", "can_view_case_drafts", "can_use_loops", "can_read_reviews"):
        assert not getattr(getattr(permissions, read), "guards_closure", False), read


@pytest.fixture
def objects(community, users):
    """One object of each kind a rule takes, set up so that someone may write on it."""
    member, core = users["member"], users["core"]
    group = PracticeGroupFactory(community=community, status=GroupStatus.ACTIVE)
    GroupMembershipFactory(group=group, user=member)
    return {
        "community": community,
        "check": HealthCheck.objects.create(
            community=community,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 3, 31),
            answer_by=date(2025, 4, 15),
        ),
        "story": ValueStoryFactory(community=community, author=member, status=Status.DRAFT),
        "item": AgendaItemFactory(community=community, raised_by=member),
        "group": group,
        "help_request": HelpRequestFactory(
            community=community, asker=member, status=HelpStatus.ANSWERED
        ),
        "entry": SharedMemoryEntryFactory(community=community, created_by=core),
        # the rules that need another state than the kind's usual one
        "can_review_story": ValueStoryFactory(
            community=community, author=member, status=Status.SUBMITTED
        ),
        "can_charter_group": PracticeGroupFactory(community=community, status=GroupStatus.PROPOSED),
        "can_capture_loop": HelpRequestFactory(
            community=community, asker=member, status=HelpStatus.CLOSED
        ),
    }


def object_for(name, rule, objects):
    if name in objects:
        return objects[name]
    return objects[list(inspect.signature(rule).parameters)[1]]


def test_every_guarded_rule_refuses_everyone_once_the_community_is_closed(
    community, users, objects
):
    people = {role: user for role, user in users.items() if user is not None}
    allowed_before = {}
    for name in sorted(GUARDED):
        rule = getattr(permissions, name)
        target = object_for(name, rule, objects)
        allowed_before[name] = {r for r, user in people.items() if rule(user, target)}
    # each rule lets someone write while the community is open ...
    assert [name for name, roles in allowed_before.items() if not roles] == []

    community.stage = Stage.CLOSED
    community.save()
    # ... and nobody once it is closed (the objects hold this very community)
    refused = []
    for name in sorted(GUARDED):
        rule = getattr(permissions, name)
        target = object_for(name, rule, objects)
        assert permissions.community_of(target) is community
        refused += [f"{name}: {role}" for role, user in people.items() if rule(user, target)]
    assert refused == []


def fetches(community, users, objects):
    """Each scoped fetch with a guarded `require`, as the views call them."""
    slug = community.slug
    group = objects["group"]
    report = ProgressReportFactory(group=group, author=users["member"])
    return {
        "community": lambda: permissions.get_community_for_user(
            users["coordinator"], slug, require=permissions.can_edit_community
        ),
        "sponsorship": lambda: permissions.get_sponsorship_community_for_user(
            users["coordinator"], slug, require=permissions.can_manage_business_case
        ),
        "story": lambda: permissions.get_story_for_user(
            users["member"], objects["story"].pk, require=permissions.can_edit_story
        ),
        "group": lambda: permissions.get_group_for_user(
            users["coordinator"], group.pk, require=permissions.can_edit_group
        ),
        "report": lambda: permissions.get_report_for_user(
            users["member"], report.pk, require=permissions.can_post_report
        ),
        "help_request": lambda: permissions.get_help_request_for_user(
            users["core"],  # not the asker: she does not answer her own question
            slug,
            objects["help_request"].pk,
            require=permissions.can_answer_help_request,
        ),
        "memory": lambda: permissions.get_memory_entry_for_user(
            users["core"], slug, objects["entry"].pk, require=permissions.can_edit_memory
        ),
    }


def test_a_scoped_fetch_says_why_a_closed_community_refuses(community, users, objects):
    calls = fetches(community, users, objects)
    for fetch in calls.values():
        fetch()  # allowed while the community is open
    community.stage = Stage.CLOSED
    community.save()
    for name, fetch in calls.items():
        with pytest.raises(PermissionDenied) as refused:
            fetch()
        assert str(refused.value) == CLOSED_MESSAGE, name


def test_a_refusal_for_another_reason_stays_a_plain_403(community, users):
    # too low a role in an open community
    with pytest.raises(PermissionDenied) as refused:
        permissions.get_community_for_user(
            users["member"], community.slug, require=permissions.can_edit_community
        )
    assert str(refused.value) == ""
    # a rule that is not a write on the community (a coordinator does not change stages)
    community.stage = Stage.CLOSED
    community.save()
    with pytest.raises(PermissionDenied) as refused:
        permissions.get_community_for_user(
            users["coordinator"], community.slug, require=permissions.can_change_stage
        )
    assert str(refused.value) == ""
