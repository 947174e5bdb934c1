"""The activity log, attendance, and participation levels computed from behaviour."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities import participation
from communities.choices import Level
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    LeadershipAssignmentFactory,
    MembershipFactory,
    SessionFactory,
)
from communities.models import Activity, ActivityOutput, Attendance, LevelChange, Membership

pytestmark = pytest.mark.django_db


def activity_payload(**overrides):
    data = {
        "date": timezone.localdate().isoformat(),
        "title": "Case clinic: consent in HR files",
        "activity_type": "productive_inquiries",
        "format": "many_to_many",
        "summary": "Three cases, one **new practice**.",
        "guest_names": "Ann Lee, Bo Chen",
        "outputs-TOTAL_FORMS": "1",
        "outputs-INITIAL_FORMS": "0",
        "outputs-0-kind": "faq",
        "outputs-0-title": "Consent FAQ",
        "outputs-0-link": "https://wiki.example.org/consent-faq",
    }
    data.update(overrides)
    return data


def test_core_member_logs_an_activity_with_attendees_and_outputs(clients, users, community):
    session = SessionFactory(community=community, starts_at=timezone.now() - timedelta(hours=3))
    data = activity_payload(
        session=str(session.pk), attendees=[str(users["member"].pk), str(users["coordinator"].pk)]
    )
    response = clients["core"].post(
        reverse("communities:activity_create", args=[community.slug]), data
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert (
        activity.logged_by == users["core"]
        and activity.session == session
        and activity.guest_count == 2
    )
    assert set(activity.attendance.values_list("user_id", flat=True)) == {
        users["member"].pk,
        users["coordinator"].pk,
    }
    assert ActivityOutput.objects.get().title == "Consent FAQ"
    page = clients["member"].get(activity.get_absolute_url()).content.decode()
    assert (
        "Consent FAQ" in page
        and "<strong>new practice</strong>" in page
        and users["member"].display_name in page
    )


def test_the_session_prefills_the_form(clients, community):
    session = SessionFactory(
        community=community,
        title="Monthly case clinic",
        starts_at=timezone.now() - timedelta(days=1),
    )
    url = reverse("communities:activity_create", args=[community.slug]) + f"?session={session.pk}"
    html = clients["coordinator"].get(url).content.decode()
    assert 'value="Monthly case clinic"' in html


def test_choosing_a_session_fills_what_was_left_empty(clients, users, community):
    """Without the page's script too: the first save no longer fails on an empty date."""
    starts = timezone.now() - timedelta(days=2)
    session = SessionFactory(
        community=community, title="Clinic", starts_at=starts, channel="face_to_face"
    )
    data = activity_payload(session=str(session.pk), date="", title="", start_time="")
    data.update(guest_names="Ann Lee, ann lee,  Bo Chen", unnamed_guests="3")
    url = reverse("communities:activity_create", args=[community.slug])
    assert clients["coordinator"].post(url, data).status_code == 302
    activity = Activity.objects.get()
    local = timezone.localtime(starts)
    assert (activity.date, activity.title, activity.channel) == (
        local.date(),
        "Clinic",
        "face_to_face",
    )
    assert activity.start_time == local.time().replace(second=0, microsecond=0)
    # named guests are counted once each, with those whose names were not given
    assert activity.guest_names == "Ann Lee\nBo Chen" and activity.guest_count == 5
    edit = (
        clients["coordinator"]
        .get(reverse("communities:activity_edit", args=[community.slug, activity.pk]))
        .content.decode()
    )
    assert 'value="Ann Lee, Bo Chen"' in edit and 'name="unnamed_guests" value="3"' in edit
    # the session is logged: "Log what happened" opens its activity instead of a new form
    again = clients["coordinator"].get(
        reverse("communities:activity_create", args=[community.slug]) + f"?session={session.pk}"
    )
    assert again.status_code == 302 and again["Location"] == activity.get_absolute_url()


def test_the_form_offers_sessions_labelled_and_members_as_a_checklist(clients, users, community):
    SessionFactory(
        community=community, title="Called off", status="cancelled",
        starts_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    html = (
        clients["coordinator"]
        .get(reverse("communities:activity_create", args=[community.slug]))
        .content.decode()
    )
    assert "Called off (cancelled)" in html and 'data-title="Called off"' in html
    assert 'type="checkbox" name="attendees"' in html and "Select everyone invited" in html
    joined = Membership.objects.get(community=community, user=users["member"]).joined_on
    assert re.search(
        rf'<input type="checkbox" name="attendees" value="{users["member"].pk}"[^>]*'
        rf'data-joined="{joined:%Y-%m-%d}"',
        html,
    )


def test_editing_attendance_adds_and_removes(clients, users, community):
    activity = ActivityFactory(community=community)
    AttendanceFactory(activity=activity, user=users["member"])
    url = reverse("communities:activity_edit", args=[community.slug, activity.pk])
    data = activity_payload(attendees=[str(users["core"].pk)], **{"outputs-TOTAL_FORMS": "0"})
    assert clients["coordinator"].post(url, data).status_code == 302
    assert list(activity.attendance.values_list("user_id", flat=True)) == [users["core"].pk]


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"activity_type": "party"},
        {"date": (timezone.localdate() + timedelta(days=5)).isoformat()},
        {"unnamed_guests": "-1"},
        {"attendees": ["999999"]},
        {"outputs-0-link": "not a link"},
        {"outputs-TOTAL_FORMS": "x"},
    ],
)
def test_invalid_activity_input_writes_nothing(clients, community, overrides):
    response = clients["coordinator"].post(
        reverse("communities:activity_create", args=[community.slug]), activity_payload(**overrides)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html or "alert-danger" in html
    assert (
        not Activity.objects.exists()
        and not Attendance.objects.exists()
        and not ActivityOutput.objects.exists()
    )


def test_a_session_of_another_community_is_refused(clients, community):
    other = SessionFactory(community=CommunityFactory(name="Other", slug="other"))
    response = clients["coordinator"].post(
        reverse("communities:activity_create", args=[community.slug]),
        activity_payload(session=str(other.pk)),
    )
    assert response.status_code == 200 and not Activity.objects.exists()


def test_an_outsider_is_not_offered_as_attendee(clients, users, community):
    response = clients["coordinator"].post(
        reverse("communities:activity_create", args=[community.slug]),
        activity_payload(attendees=[str(users["outsider"].pk)]),
    )
    assert response.status_code == 200 and not Activity.objects.exists()


def test_members_read_but_do_not_log(clients, community):
    ActivityFactory(community=community, title="Reading group on GDPR")
    assert (
        "Reading group on GDPR"
        in clients["member"]
        .get(reverse("communities:activities", args=[community.slug]))
        .content.decode()
    )
    assert (
        clients["member"]
        .post(reverse("communities:activity_create", args=[community.slug]), activity_payload())
        .status_code
        == 403
    )
    assert not Activity.objects.exclude(title="Reading group on GDPR").exists()


def test_activity_filters(clients, community):
    ActivityFactory(
        community=community,
        title="Old visit",
        activity_type="visits",
        date=timezone.localdate() - timedelta(days=200),
    )
    ActivityFactory(community=community, title="Fresh exchange", activity_type="exchanges")
    url = reverse("communities:activities", args=[community.slug])
    html = clients["member"].get(url, {"activity_type": "visits"}).content.decode()
    assert "Old visit" in html and "Fresh exchange" not in html
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    html = clients["member"].get(url, {"date_from": since}).content.decode()
    assert "Fresh exchange" in html and "Old visit" not in html
    assert clients["member"].get(url, {"date_from": "yesterday", "format": "x"}).status_code == 200


class TestLevels:
    def attend(self, community, user, n, days_ago=10):
        for _ in range(n):
            AttendanceFactory(
                activity=ActivityFactory(
                    community=community, date=timezone.localdate() - timedelta(days=days_ago)
                ),
                user=user,
            )

    def test_levels_follow_attendance_and_are_kept_in_history(self, users, community):
        member = community.memberships.get(user=users["member"])
        member.joined_on = timezone.localdate() - timedelta(days=400)
        member.level = Level.PERIPHERAL
        member.save()
        self.attend(community, users["member"], 2)
        ActivityFactory.create_batch(2, community=community)  # two the member missed: 50 %
        assert participation.recompute_levels() >= 1
        member.refresh_from_db()
        assert member.level == Level.ACTIVE
        change = LevelChange.objects.get(user=users["member"])
        assert (change.from_level, change.to_level, change.is_manual) == (
            "peripheral",
            "active",
            False,
        )
        assert participation.recompute_levels(community.pk) == 0  # stable

    def test_old_attendance_falls_out_of_the_window(self, users, community):
        member = community.memberships.get(user=users["member"])
        member.joined_on = timezone.localdate() - timedelta(days=400)
        member.level = Level.ACTIVE
        member.save()
        self.attend(community, users["member"], 10, days_ago=200)
        ActivityFactory(community=community)  # the community is active, the member is not
        participation.recompute_levels()
        member.refresh_from_db()
        assert member.level == Level.TRANSACTIONAL
        movement = participation.movements(community)
        assert {"from": "Active", "to": "Transactional", "n": 1, "inwards": False} in movement

    def test_newcomers_stay_peripheral(self, community):
        newcomer = MembershipFactory(community=community, level=Level.PERIPHERAL)
        ActivityFactory(community=community)
        participation.recompute_levels()
        newcomer.refresh_from_db()
        assert newcomer.level == Level.PERIPHERAL

    def test_shares_are_fair_between_weekly_and_monthly_communities(self, users, community):
        assert (
            participation.level_for(100, newcomer=False) == Level.ACTIVE
        )  # core: a role, not a score
        assert participation.level_for(60, newcomer=False) == Level.ACTIVE
        assert participation.level_for(30, newcomer=False) == Level.OCCASIONAL
        assert participation.level_for(5, newcomer=False) == Level.PERIPHERAL
        assert participation.level_for(0, newcomer=False) == Level.TRANSACTIONAL

    def test_no_activity_in_the_window_changes_nothing(self, users, community):
        member = community.memberships.get(user=users["member"])
        member.joined_on = timezone.localdate() - timedelta(days=400)
        member.save()
        assert participation.recompute_levels() == 0
        member.refresh_from_db()
        assert member.level == Level.ACTIVE

    def test_logging_an_activity_counts_as_taking_part(self, users, community):
        member = community.memberships.get(user=users["member"])
        member.joined_on = timezone.localdate() - timedelta(days=400)
        member.level = Level.TRANSACTIONAL
        member.save()
        ActivityFactory.create_batch(2, community=community, logged_by=users["member"])
        participation.recompute_levels()
        member.refresh_from_db()
        assert member.level == Level.ACTIVE

    def test_the_core_group_is_never_computed(self, users, community):
        core = community.memberships.get(user=users["core"])
        core.joined_on = timezone.localdate() - timedelta(days=400)
        core.save()
        ActivityFactory.create_batch(3, community=community)  # the core member attended none
        participation.recompute_levels()
        core.refresh_from_db()
        assert core.level == Level.CORE

    def test_manual_level_sticks_until_cleared(self, clients, users, community):
        member = community.memberships.get(user=users["member"])
        member.joined_on = timezone.localdate() - timedelta(days=400)
        member.save()
        url = reverse("communities:membership_edit", args=[community.slug, member.pk])
        clients["coordinator"].post(url, {"level": "core"})
        member.refresh_from_db()
        assert member.level == Level.CORE and member.level_is_manual
        participation.recompute_levels()
        member.refresh_from_db()
        assert member.level == Level.CORE
        manual = LevelChange.objects.get(user=users["member"], is_manual=True)
        assert manual.changed_by == users["coordinator"]
        ActivityFactory(community=community)  # something to judge by
        clients["coordinator"].post(url, {"level": "active", "compute_level": "on"})
        member.refresh_from_db()
        assert not member.level_is_manual and member.level == Level.TRANSACTIONAL

    def test_the_member_sees_their_level_and_trajectory(self, clients, users, community):
        clients["outsider"].post(reverse("communities:join", args=[community.slug]))
        html = clients["outsider"].get(community.get_absolute_url()).content.decode()
        assert "Your trajectory" in html and "joined as Peripheral" in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def grow_activities(community, n, attendees):
    activities = Activity.objects.bulk_create(
        Activity(community=community, date=timezone.localdate() - timedelta(days=i % 300), title=f"Activity {i}",
                 activity_type="exchanges", format="many_to_many")
        for i in range(n)
    )  # fmt: skip
    Attendance.objects.bulk_create(
        Attendance(activity=a, user=u) for a in activities for u in attendees
    )
    sessions = [
        SessionFactory.build(community=community, starts_at=timezone.now() - timedelta(days=i))
        for i in range(1, 40)
    ]
    for s in sessions:
        s.save()


@pytest.mark.parametrize("size", [10, 1000])
def test_community_page_and_activity_list_queries_are_constant(clients, users, community, size):
    grow_activities(community, size, [users["member"], users["core"]])
    LeadershipAssignmentFactory(membership=community.memberships.get(user=users["core"]))
    for _ in range(3):
        LevelChange.objects.create(
            community=community, user=UserFactory(), from_level="peripheral", to_level="active"
        )
    # session + user, the community, viewer's membership, level counts, coordinators, objectives,
    # leaders, leaders' roles, newest members, stage history, next sessions, heartbeat sessions,
    # heartbeat activities, movements, recent activities, the viewer's trajectory, and the
    # latest value-creation stories visible to the viewer ("Value created", value_stories),
    # and whether a launch plan exists (the "Launch" pill)
    assert count_queries(clients["member"], community.get_absolute_url()) == 19
    # session + user, the community, viewer's membership, count, page of activities
    assert (
        count_queries(clients["member"], reverse("communities:activities", args=[community.slug]))
        == 6
    )
    # the rhythm page: session + user, community, membership, rhythms, next sessions, past sessions,
    # heartbeat sessions, heartbeat activities
    assert (
        count_queries(clients["member"], reverse("communities:rhythm", args=[community.slug])) == 9
    )


def test_membership_model_import_is_used():
    assert Membership._meta.get_field("level_is_manual")


def test_a_failed_save_shows_the_error_summary_linked_to_each_field(clients, community):
    response = clients["coordinator"].post(
        reverse("communities:activity_create", args=[community.slug]),
        activity_payload(title="", **{"outputs-0-link": "not a link"}),
    )
    html = response.content.decode()
    summary = html[
        html.index("data-error-summary") : html.index("</ul>", html.index("data-error-summary"))
    ]
    assert 'tabindex="-1"' in html and "There is a problem" in summary
    assert '<a href="#id_title" class="alert-link">Enter a title for the activity.</a>' in summary
    # a row of the outputs says which row and which field
    assert re.search(
        r'href="#id_outputs-0-link" class="alert-link">Output 1, link[^:]*: Enter a valid URL',
        summary,
    )
    # each field says it is invalid, its message tied to it
    assert re.search(r'<input[^>]*name="title"[^>]*aria-invalid="true"', html)
    assert re.search(r'aria-describedby="id_title_error"', html) and 'id="id_title_error"' in html
    # nothing typed is lost
    assert "Three cases, one **new practice**." in html


def test_sessions_still_to_come_are_not_offered(clients, community):
    SessionFactory(community=community, title="Tomorrow's clinic",
                   starts_at=timezone.now() + timedelta(hours=20))  # fmt: skip
    SessionFactory(community=community, title="This morning's clinic",
                   starts_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    html = (
        clients["coordinator"]
        .get(reverse("communities:activity_create", args=[community.slug]))
        .content.decode()
    )
    assert "This morning" in html
    assert "Tomorrow&#x27;s clinic" not in html and "Tomorrow's clinic" not in html


def test_editing_an_activity_keeps_its_session_whenever_it_is(clients, community):
    later = SessionFactory(community=community, title="Moved to next week",
                           starts_at=timezone.now() + timedelta(days=6))  # fmt: skip
    activity = ActivityFactory(community=community, session=later)
    html = (
        clients["coordinator"]
        .get(reverse("communities:activity_edit", args=[community.slug, activity.pk]))
        .content.decode()
    )
    assert re.search(rf'<option value="{later.pk}"[^>]*selected', html)
