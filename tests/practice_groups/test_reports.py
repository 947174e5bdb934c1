"""Progress reports, the community's responses, the group's reply, emails, support, XSS."""

import pytest
from django.core import mail
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from childcop.accounts.notices import Channel, set_channel
from communities.factories import MembershipFactory
from communities.health.models import SupportRequest
from practice_groups.factories import GroupMembershipFactory, ProgressReportFactory
from practice_groups.jobs import send_report_emails
from practice_groups.models import ProgressReport, ReportResponse
from tests.inert import ATTACKS, assert_inert

pytestmark = pytest.mark.django_db


def pg(name, *args):
    return reverse(f"practice_groups:{name}", args=args)


def test_only_group_members_post_reports(clients, users, group):
    for role in ("core", "coordinator", "admin", "outsider", "sponsor"):
        response = clients[role].post(pg("report_create", group.pk), {"title": "t", "body": "b"})
        assert response.status_code == 403, role
    assert not ProgressReport.objects.exists()
    response = clients["member"].post(
        pg("report_create", group.pk), {"title": "First findings", "body": "Three **themes**."}
    )
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.author == users["member"] and report.group == group


def test_invalid_report_writes_nothing(clients, group):
    response = clients["member"].post(pg("report_create", group.pk), {"title": "t", "body": ""})
    assert response.status_code == 200 and not ProgressReport.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_group_members_are_emailed_once_respecting_preferences(users, clients, group):
    """The task runs on commit (eagerly in tests); each email is claimed once."""
    mate = UserFactory(email="mate@example.org")
    quiet = UserFactory(email="quiet@example.org")
    set_channel(quiet, "group_report", Channel.OFF)
    for user in (mate, quiet):
        MembershipFactory(community=group.community, user=user)
        GroupMembershipFactory(group=group, user=user)
    clients["member"].post(pg("report_create", group.pk), {"title": "News", "body": "b"})
    report = ProgressReport.objects.get()
    assert [m.to for m in mail.outbox] == [["mate@example.org"]]  # not the author, not quiet
    assert report.get_absolute_url() in mail.outbox[0].body
    assert send_report_emails(report.pk) == 0  # a second run sends nothing
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(kind="group_report", key=str(report.pk)).count() == 1


def test_community_members_respond_once_and_can_change_it(clients, users, group):
    report = ProgressReportFactory(group=group, author=users["member"])
    respond = pg("report_respond", report.pk)
    clients["core"].post(respond, {"kind": "endorse", "comment": "Go on!"})
    clients["core"].post(respond, {"kind": "refine", "comment": "Add a summary."})
    clients["coordinator"].post(respond, {"kind": "critique", "comment": "Small sample."})
    assert ReportResponse.objects.count() == 2
    assert ReportResponse.objects.get(responder=users["core"]).kind == "refine"
    html = clients["outsider"].get(report.get_absolute_url()).content.decode()
    assert "Endorse: 0" in html and "Critique: 1" in html and "Suggest refinement: 1" in html
    assert "Add a summary." in html
    # the form shows the own response for editing
    html = clients["core"].get(report.get_absolute_url()).content.decode()
    assert "you can change it" in html


def test_invalid_or_unauthorised_responses_write_nothing(clients, users, group):
    report = ProgressReportFactory(group=group)
    respond = pg("report_respond", report.pk)
    assert clients["core"].post(respond, {"kind": "nonsense"}).status_code == 200
    assert clients["core"].post(respond, {"kind": "critique", "comment": ""}).status_code == 200
    for role in ("outsider", "sponsor"):
        assert clients[role].post(respond, {"kind": "endorse"}).status_code == 403
    assert clients["core"].get(respond).status_code == 405
    assert not ReportResponse.objects.exists()


def test_only_group_members_write_the_reply(clients, users, group):
    report = ProgressReportFactory(group=group)
    reply = pg("report_reply", report.pk)
    for role in ("core", "coordinator", "admin", "outsider"):
        assert clients[role].post(reply, {"reply": "Ours"}).status_code == 403
    assert clients["member"].post(reply, {"reply": "  "}).status_code == 200
    report.refresh_from_db()
    assert report.reply == ""
    clients["member"].post(reply, {"reply": "Thank you, we *will*."})
    report.refresh_from_db()
    assert report.reply == "Thank you, we *will*." and report.replied_at
    html = clients["core"].get(report.get_absolute_url()).content.decode()
    assert "<em>will</em>" in html


def test_support_request_lands_in_the_admin_queue(clients, users, group):
    create = pg("support_create", group.pk)
    assert (
        clients["core"].post(create, {"kind": "logistics", "description": "A room"}).status_code
        == 403
    )
    assert (
        clients["member"].post(create, {"kind": "logistics", "description": ""}).status_code == 200
    )
    assert not SupportRequest.objects.exists()
    clients["member"].post(create, {"kind": "facilitation", "description": "A facilitator"})
    support = SupportRequest.objects.get()
    assert support.requested_by == users["member"] and support.status == "open"
    assert support.group == group and support.community == group.community
    queue = reverse("program:support_queue")  # the social learning team's queue
    for role in ("member", "coordinator", "sponsor"):
        assert clients[role].get(queue).status_code == 403
    html = clients["admin"].get(queue, {"status": "open"}).content.decode()
    assert "A facilitator" in html
    html = clients["admin"].get(queue, {"status": "done"}).content.decode()
    assert "A facilitator" not in html
    update = reverse("program:support_update", args=[support.pk])
    assert clients["coordinator"].post(update, {"status": "done"}).status_code == 403
    assert clients["admin"].post(update, {"status": "bogus"}).status_code == 200
    clients["admin"].post(update, {"status": "in_progress", "note": "Booked Anna."})
    support.refresh_from_db()
    assert support.status == "in_progress" and support.handled_by == users["admin"]
    assert "Booked Anna." in clients["member"].get(group.get_absolute_url()).content.decode()


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_xss_in_groups_reports_and_responses_renders_inert(
    clients, users, community, group, attack
):
    group.purpose = group.outcome = group.deliverable = group.charter_note = attack
    group.save()
    report = ProgressReport.objects.create(
        group=group, author=users["member"], title=attack, body=attack, reply=attack
    )
    ReportResponse.objects.create(
        report=report, responder=users["core"], kind="critique", comment=attack
    )
    SupportRequest.objects.create(group=group, kind="technology", description=attack, note=attack)
    pages = [
        (clients["member"], group.get_absolute_url()),
        (clients["member"], report.get_absolute_url()),
        (clients["core"], report.get_absolute_url()),
        (clients["member"], pg("list", community.slug)),
        (clients["member"], pg("report_reply", report.pk)),
        (clients["coordinator"], pg("edit", group.pk)),
        (clients["admin"], reverse("program:support_queue")),
        (
            clients["admin"],
            reverse("program:support_update", args=[SupportRequest.objects.get().pk]),
        ),
    ]
    for client, address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_inert(response.content.decode())
