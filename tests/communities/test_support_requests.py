"""Support requests to the social learning team: coordinators ask from their community,
practice groups from their group; the team's queue (/program/support/) filters, assigns and
moves them on; the requester sees the assignee and the note."""

import pytest
from django.db import connection
from django.urls import reverse

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from communities.factories import CommunityFactory, CoordinatorFactory
from communities.health.models import SupportRequest
from practice_groups.factories import PracticeGroupFactory
from tests.inert import ATTACKS, assert_inert

pytestmark = pytest.mark.django_db

QUEUE = reverse("program:support_queue")


def ask_url(community):
    return reverse("communities:support_request", args=[community.slug])


def update_url(support):
    return reverse("program:support_update", args=[support.pk])


@pytest.fixture
def requests_(community, users, group):
    """A coordinator's coaching request, a group's logistics request, and one elsewhere."""
    other = CommunityFactory(name="Field safety", slug="field-safety")
    return {
        "coaching": SupportRequest.objects.create(
            community=community, kind="coaching", description="Coach our core group.",
            requested_by=users["coordinator"],
        ),
        "logistics": SupportRequest.objects.create(
            group=group, kind="logistics", description="A room for 30.",
            requested_by=users["member"], status="in_progress", handled_by=users["admin"],
        ),
        "launch": SupportRequest.objects.create(
            community=other, kind="launch_help", description="Help us launch.", status="done",
        ),
    }  # fmt: skip


# --- a coordinator asks ----------------------------------------------------------------------


def test_coordinator_asks_and_sees_the_request(clients, users, community):
    page = clients["coordinator"].get(ask_url(community)).content.decode()
    assert "Ask the social learning team for support" in page and "No support requests yet" in page
    for kind in ("Coaching", "Launch help", "Technology", "Logistics", "Facilitation"):
        assert kind in page
    response = clients["coordinator"].post(
        ask_url(community), {"kind": "coaching", "description": "Coach me on case clinics."}
    )
    assert response.status_code == 302 and response["Location"] == ask_url(community)
    support = SupportRequest.objects.get()
    assert support.community == community and support.group is None
    assert support.requested_by == users["coordinator"] and support.status == "open"
    assert support.handled_by is None
    page = clients["coordinator"].get(response["Location"]).content.decode()
    assert "Your request for coaching is in the social learning team" in page
    assert "Coach me on case clinics." in page and "Open" in page


def test_admins_may_ask_for_a_community_too(clients, users, community):
    clients["admin"].post(ask_url(community), {"kind": "technology", "description": "A wiki."})
    assert SupportRequest.objects.get().requested_by == users["admin"]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "coaching", "description": ""},
        {"kind": "coaching", "description": "   "},
        {"kind": "bogus", "description": "Help"},
        {"description": "Help"},
    ],
)
def test_invalid_request_shows_errors_and_writes_nothing(clients, users, community, data):
    response = clients["coordinator"].post(ask_url(community), data)
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "member", "core", "sponsor"])
def test_only_coordinators_and_admins_ask(clients, users, community, role):
    assert clients[role].get(ask_url(community)).status_code == 403
    response = clients[role].post(ask_url(community), {"kind": "coaching", "description": "x"})
    assert response.status_code == 403
    assert not SupportRequest.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_hidden_communities_are_404(clients, users):
    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False)
    response = clients["anonymous"].get(ask_url(hidden))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for role in ("outsider", "member", "coordinator", "sponsor"):
        assert clients[role].get(ask_url(hidden)).status_code == 404
    assert clients["admin"].get(ask_url(hidden)).status_code == 200


def test_wrong_method(clients, users, community):
    assert clients["coordinator"].put(ask_url(community)).status_code == 405
    assert clients["coordinator"].delete(ask_url(community)).status_code == 405


def test_a_closed_community_asks_for_nothing(clients, users, community):
    community.stage = "closed"
    community.save()
    response = clients["coordinator"].post(
        ask_url(community), {"kind": "coaching", "description": "x"}
    )
    assert response.status_code == 403 and not SupportRequest.objects.exists()


def test_the_community_page_links_to_it_for_coordinators_only(clients, users, community):
    assert (
        ask_url(community)
        in clients["coordinator"].get(community.get_absolute_url()).content.decode()
    )
    assert ask_url(community) in clients["admin"].get(community.get_absolute_url()).content.decode()
    for role in ("member", "core", "outsider", "sponsor"):
        html = clients[role].get(community.get_absolute_url()).content.decode()
        assert ask_url(community) not in html, role


def test_coordinator_sees_the_communitys_requests_with_assignee_and_note(
    clients, users, community, requests_
):
    requests_["logistics"].note = "Room 4 is booked."
    requests_["logistics"].save()
    page = clients["coordinator"].get(ask_url(community)).content.decode()
    assert "Coach our core group." in page and "A room for 30." in page
    assert "Consent that means something" in page  # the group's request, named as such
    assert f"Taken on by {users['admin']}" in page and "Room 4 is booked." in page
    assert "Help us launch." not in page  # another community's


# --- practice groups ask from their group ----------------------------------------------------


def test_a_group_request_belongs_to_the_groups_community(clients, users, community, group):
    url = reverse("practice_groups:support_create", args=[group.pk])
    clients["member"].post(url, {"kind": "launch_help", "description": "Kick-off workshop."})
    support = SupportRequest.objects.get()
    assert support.group == group and support.community == community


# --- the queue -------------------------------------------------------------------------------


def rows(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    html = response.content.decode()
    return [d for d in ("Coach our core group.", "A room for 30.", "Help us launch.") if d in html]


def test_queue_shows_where_each_request_came_from_open_first(clients, users, requests_):
    html = clients["admin"].get(QUEUE).content.decode()
    assert (
        html.index("Coach our core group.")
        < html.index("A room for 30.")
        < html.index("Help us launch.")
    )  # open, in progress, done
    assert "The coordinators" in html and "Practice group" in html
    assert "Consent that means something" in html and "Field safety" in html


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"status": "open"}, ["Coach our core group."]),
        ({"status": "done"}, ["Help us launch."]),
        ({"kind": "logistics"}, ["A room for 30."]),
        ({"kind": "launch_help"}, ["Help us launch."]),
        ({"assignee": "me"}, ["A room for 30."]),
        ({"assignee": "nobody"}, ["Coach our core group.", "Help us launch."]),
        ({"community": "field"}, ["Help us launch."]),
        ({"community": "data protection", "status": "in_progress"}, ["A room for 30."]),
        ({"status": "bogus"}, ["Coach our core group.", "A room for 30.", "Help us launch."]),
    ],
)
def test_queue_filters(clients, users, requests_, params, expected):
    assert rows(clients["admin"], **params) == expected


def test_queue_filters_by_a_named_assignee(clients, users, requests_):
    other = ProgramAdminFactory(display_name="Olga Other")
    requests_["launch"].handled_by = other
    requests_["launch"].save()
    assert rows(clients["admin"], assignee=str(other.pk)) == ["Help us launch."]
    html = clients["admin"].get(QUEUE).content.decode()
    assert "Olga Other" in html


def test_queue_htmx_partial(clients, users, requests_):
    response = clients["admin"].get(QUEUE, {"kind": "coaching"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Coach our core group." in html and "A room" not in html


def test_queue_updates_announce_the_count(clients, users, requests_):
    """A polite live region outside the table, filled (out of band) by each htmx update."""
    html = clients["admin"].get(QUEUE).content.decode()
    region = (
        '<p class="visually-hidden" id="support-status" role="status" aria-live="polite" '
        'aria-atomic="true"></p>'
    )
    assert region in html and html.index(region) < html.index('<div id="results">')
    assert "hx-swap-oob" not in html and "3 support requests" in html  # the visible count
    headers = {"HX-Request": "true"}
    partial = clients["admin"].get(QUEUE, {"status": "open"}, headers=headers).content.decode()
    assert (
        '<div hx-swap-oob="innerHTML:#support-status">1 support request matches the filters.'
        "</div>" in partial
    )
    partial = clients["admin"].get(QUEUE, {"kind": "bogus"}, headers=headers).content.decode()
    assert "3 support requests match the filters." in partial
    partial = clients["admin"].get(QUEUE, {"community": "nowhere"}, headers=headers)
    assert "0 support requests match the filters." in partial.content.decode()


def test_the_overview_links_to_the_queue_with_the_open_count(clients, users, requests_):
    html = clients["admin"].get(reverse("program:overview")).content.decode()
    assert QUEUE in html and "1 open" in html


@pytest.mark.parametrize("role", ["outsider", "member", "core", "coordinator", "sponsor"])
def test_the_queue_is_the_social_learning_teams(clients, users, requests_, role):
    support = requests_["coaching"]
    assert clients[role].get(QUEUE).status_code == 403
    assert clients[role].get(update_url(support)).status_code == 403
    response = clients[role].post(update_url(support), {"status": "done", "quick": "1"})
    assert response.status_code == 403
    support.refresh_from_db()
    assert support.status == "open" and support.handled_by is None


def test_queue_anonymous_and_methods(clients, users, requests_):
    support = requests_["coaching"]
    for url in (QUEUE, update_url(support)):
        response = clients["anonymous"].get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert clients["admin"].post(QUEUE).status_code == 405
    assert clients["admin"].put(update_url(support)).status_code == 405
    assert clients["admin"].get(reverse("program:support_update", args=[999999])).status_code == 404


# --- assign and move on ---------------------------------------------------------------------


def test_quick_assign_from_the_queue_keeps_the_note(clients, users, requests_):
    other = ProgramAdminFactory(display_name="Olga Other")
    support = requests_["logistics"]
    support.note = "Room 4 is booked."
    support.save()
    response = clients["admin"].post(
        update_url(support),
        {"quick": "1", "handled_by": other.pk, "status": "done", "query": "kind=logistics"},
    )
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?kind=logistics"
    support.refresh_from_db()
    assert support.handled_by == other and support.status == "done"
    assert support.note == "Room 4 is booked."
    html = clients["admin"].get(response["Location"]).content.decode()
    assert "Logistics for Consent that means something: done — assigned to Olga Other." in html


def test_full_update_writes_the_note_the_requester_reads(clients, users, community, requests_):
    support = requests_["coaching"]
    page = clients["admin"].get(update_url(support)).content.decode()
    assert "Assignee" in page and "Coach our core group." in page
    clients["admin"].post(
        update_url(support),
        {"handled_by": users["admin"].pk, "status": "in_progress", "note": "Friday 10:00?"},
    )
    support.refresh_from_db()
    assert support.status == "in_progress" and support.handled_by == users["admin"]
    page = clients["coordinator"].get(ask_url(community)).content.decode()
    assert "Friday 10:00?" in page and "In progress" in page


def test_work_taken_up_without_an_assignee_is_the_acting_admins(clients, users, requests_):
    support = requests_["coaching"]
    clients["admin"].post(
        update_url(support), {"quick": "1", "handled_by": "", "status": "in_progress"}
    )
    support.refresh_from_db()
    assert support.handled_by == users["admin"]
    # still open: nobody needs to be assigned (and an assignee can be taken off again)
    clients["admin"].post(update_url(support), {"quick": "1", "handled_by": "", "status": "open"})
    support.refresh_from_db()
    assert support.handled_by is None and support.status == "open"


@pytest.mark.parametrize(
    "data",
    [
        {"status": "bogus"},
        {"status": "done", "handled_by": "999999"},
        {"status": "done", "handled_by": "coordinator"},  # replaced by the coordinator's pk
    ],
)
def test_assignees_are_program_admins_and_invalid_input_writes_nothing(
    clients, users, requests_, data
):
    support = requests_["coaching"]
    if data.get("handled_by") == "coordinator":
        data = {**data, "handled_by": users["coordinator"].pk}
    for quick in ("1", ""):
        response = clients["admin"].post(update_url(support), {**data, "quick": quick})
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
    support.refresh_from_db()
    assert support.status == "open" and support.handled_by is None


def test_an_assignee_who_left_the_team_stays_assigned_until_changed(clients, users, requests_):
    """Olga handled a request, then left the social learning team: the queue's quick edit
    still shows her (selected), so saving a new status does not hand it to someone else."""
    olga = ProgramAdminFactory(display_name="Olga Other")
    support = requests_["coaching"]
    support.handled_by, support.status = olga, "in_progress"
    support.save()
    olga.is_program_admin = olga.is_superuser = olga.is_staff = False  # left the team
    olga.save()
    html = clients["admin"].get(QUEUE).content.decode()
    row = html.split(f'id="assignee-{support.pk}"')[1].split("</select>")[0]
    assert (
        f'<option value="{olga.pk}" selected>Olga Other (no longer in the social learning team)'
        "</option>" in row
    )
    assert row.count(" selected") == 1  # nobody else, not "Nobody yet"
    other = html.split(f'id="assignee-{requests_["logistics"].pk}"')[1].split("</select>")[0]
    assert f'value="{olga.pk}"' not in other  # offered for her own requests only
    # the quick edit as the browser sends it: her kept, the status moved on
    response = clients["admin"].post(
        update_url(support), {"quick": "1", "handled_by": olga.pk, "status": "done"}
    )
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.handled_by == olga and support.status == "done"
    # the full form too: her, selected and named so
    page = clients["admin"].get(update_url(support)).content.decode()
    assert f'<option value="{olga.pk}" selected>Olga Other (no longer in the' in page
    # and she can be replaced by a member of the team, but not given a request again
    response = clients["admin"].post(
        update_url(requests_["launch"]), {"quick": "1", "handled_by": olga.pk, "status": "done"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    clients["admin"].post(
        update_url(support), {"quick": "1", "handled_by": users["admin"].pk, "status": "done"}
    )
    support.refresh_from_db()
    assert support.handled_by == users["admin"]
    page = clients["admin"].get(update_url(support)).content.decode()
    assert f'value="{olga.pk}"' not in page


def test_a_deactivated_assignee_is_kept_too(clients, users, requests_):
    support = requests_["logistics"]  # handled by the admin
    gone = ProgramAdminFactory(display_name="Gus Gone")
    support.handled_by = gone
    support.save()
    gone.is_active = False
    gone.save()
    clients["admin"].post(
        update_url(support), {"quick": "1", "handled_by": gone.pk, "status": "done"}
    )
    support.refresh_from_db()
    assert support.handled_by == gone and support.status == "done"


def test_only_admins_are_offered_as_assignees(clients, users, requests_):
    inactive = ProgramAdminFactory(display_name="Ivy Inactive", is_active=False)
    html = clients["admin"].get(update_url(requests_["coaching"])).content.decode()
    assert str(users["admin"]) in html
    for person in (users["coordinator"], users["sponsor"], inactive):
        assert f'<option value="{person.pk}"' not in html
    html = clients["admin"].get(QUEUE).content.decode()
    assert f'<option value="{users["coordinator"].pk}"' not in html


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_xss_renders_inert(clients, users, community, requests_, attack):
    SupportRequest.objects.filter(pk=requests_["coaching"].pk).update(
        description=attack, note=attack
    )
    for client, url in (
        (clients["coordinator"], ask_url(community)),
        (clients["admin"], QUEUE),
        (clients["admin"], update_url(requests_["coaching"])),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert_inert(response.content.decode())


# --- the migration's backfill ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_backfills_the_community_from_the_group():
    """practice_groups 0002's backfill, with the models of that moment: a request made before
    communities had requests of their own belongs to its group's community. It runs on
    today's table with the community made optional again for the while, as the migration's
    AddField left it; migrating the whole database back and forth to get there costs half a
    minute of the suite for the same two rows."""
    from importlib import import_module

    from django.db.migrations.loader import MigrationLoader

    migration = import_module("practice_groups.migrations.0002_support_from_communities")
    add_optional_community = migration.Migration.operations[1]
    state = MigrationLoader(connection).project_state(
        ("practice_groups", "0002_support_from_communities"), at_end=False
    )
    add_optional_community.state_forwards("practice_groups", state)
    then = state.apps
    required = SupportRequest._meta.get_field("community")
    optional = then.get_model("practice_groups", "SupportRequest")._meta.get_field("community")
    group = PracticeGroupFactory()
    other = PracticeGroupFactory()
    with connection.schema_editor() as editor:
        editor.alter_field(SupportRequest, required, optional)
    try:
        old = then.get_model("practice_groups", "SupportRequest")
        old.objects.create(group_id=group.pk, kind="logistics", description="A room")
        old.objects.create(group_id=other.pk, kind="coaching", description="A coach")
        assert SupportRequest.objects.filter(community__isnull=True).count() == 2
        with connection.schema_editor() as editor:
            migration.community_from_group(then, editor)
    finally:
        SupportRequest.objects.filter(community__isnull=True).delete()
        with connection.schema_editor() as editor:
            editor.alter_field(SupportRequest, optional, required)
    assert dict(SupportRequest.objects.values_list("group_id", "community_id")) == {
        group.pk: group.community_id,
        other.pk: other.community_id,
    }


# --- a constant number of queries ----------------------------------------------------------


def grow(n, users):
    for i in range(n):
        community = CommunityFactory(name=f"Grown {i:03d}", slug=f"grown-{i:03d}")
        CoordinatorFactory(community=community)
        group = PracticeGroupFactory(community=community)
        SupportRequest.objects.create(
            community=community, kind="coaching", description=f"Coach {i}",
            requested_by=UserFactory(), handled_by=users["admin"] if i % 2 else None,
        )  # fmt: skip
        SupportRequest.objects.create(
            group=group, kind="technology", description=f"Tech {i}", requested_by=UserFactory()
        )
    ProgramAdminFactory.create_batch(2)


# session + user, count, page of requests (community, group, requester and assignee joined),
# the program admins (the assignee selects of every row), the assignee filter's choices
QUEUE_QUERIES = 6
# session + user, the community, viewer's membership (scope), latest requests (group,
# requester and assignee joined)
ASK_QUERIES = 5
# session + user, the request (joined), the assignee choices
UPDATE_QUERIES = 4


@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_do_not_grow(clients, users, community, size, django_assert_num_queries):
    grow(size, users)
    for i in range(size):
        SupportRequest.objects.create(community=community, kind="logistics", description=f"R{i}")
    support = SupportRequest.objects.filter(group__isnull=False).first()
    for client, url, queries, params, shown in [
        (clients["admin"], QUEUE, QUEUE_QUERIES, {}, 'name="handled_by"'),
        (clients["admin"], QUEUE, QUEUE_QUERIES, {"status": "open", "kind": "coaching",
                                                  "community": "Grown"}, "Coach 1"),
        (clients["admin"], QUEUE, QUEUE_QUERIES, {"assignee": "me", "page": 2}, "Coach "),
        (clients["coordinator"], ask_url(community), ASK_QUERIES, {}, f"R{size - 1}"),
        (clients["admin"], update_url(support), UPDATE_QUERIES, {}, support.description),
    ]:  # fmt: skip
        with django_assert_num_queries(queries):
            response = client.get(url, params)
        assert response.status_code == 200 and shown in response.content.decode()
