"""Monthly health reports: frozen snapshots, idempotency, emails, the program report, pages.

The real `compute()` runs underneath (no mocks of our own code). Periods are real past
months (the job refuses a month that has not ended), so the data is placed relative to
the previous calendar month.
"""

import importlib
import smtplib
from datetime import timedelta
from io import StringIO
from math import ceil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import SentEmail
from communities.choices import Level, Stage
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    CoordinatorFactory,
    MembershipFactory,
)
from communities.health.indicators import CommunityHealth, add_months, compute
from communities.health.jobs import generate_reports
from communities.health.jobs.reports import program_admins
from communities.health.models import HealthReport, ProgramReport
from communities.health.services import reports
from communities.health.services.reports import default_period
from communities.models import Community, StageChange
from communities.tasks import generate_health_reports
from sponsorship.choices import AppointmentStatus, Scope
from sponsorship.factories import SponsorAppointmentFactory
from tests.commands import command_output

PERIOD = default_period()
BEFORE = add_months(PERIOD, -1)


def attend(community, month, people, day=10):
    """One activity in `month` attended by `people` (users) — or by that many new people."""
    activity = ActivityFactory(community=community, date=month.replace(day=day))
    if isinstance(people, int):
        people = [UserFactory() for _ in range(people)]
    for person in people:
        AttendanceFactory(activity=activity, user=person)
    return activity


def established(community):
    """A community created a year ago: old enough for every flag (a younger one has not had
    the time to tell a value-creation story, say)."""
    Community.objects.filter(pk=community.pk).update(
        created_at=timezone.now() - timedelta(days=365)
    )
    return community


def stored(community, period=PERIOD):
    return HealthReport.objects.get(community=community, period=period)


def indicator_value(report, key):
    return CommunityHealth.from_json(report.data).indicator(key).current


# --- Snapshots -------------------------------------------------------------------------------


def test_a_snapshot_freezes_the_months_indicators_flags_and_context(users, community):
    established(community)
    attend(community, PERIOD, 4)
    attend(community, BEFORE, 2)
    result = generate_reports(PERIOD, send_emails=False)

    report = stored(community)
    assert result["created"] == result["communities"] == 1
    assert report.generated_at is not None
    health = CommunityHealth.from_json(report.data)
    assert health.community_id == community.pk
    assert health.periods[-1] == PERIOD and len(health.periods) == 4
    assert health.indicator("attendees").values[-2:] == [2, 4]
    assert health.indicator("sponsors").current == 1  # the sponsor fixture
    # What the month looked like: stage and name as they were, and no previous report.
    context = report.data["report"]
    assert context["community"]["stage"] == Stage.MATURING
    assert context["community"]["name"] == "Data protection in practice"
    assert context["previous_flags"] is None
    assert "no_story" in health.flag_keys  # nobody told a value-creation story


def test_the_previous_reports_flags_are_recorded_so_raised_and_cleared_show(users, community):
    HealthReport.objects.create(
        community=community,
        period=BEFORE,
        data={"flags": [{"key": "no_coordinator"}], "indicators": []},
    )
    generate_reports(PERIOD, send_emails=False)
    facts = reports.highlights(stored(community).data)
    assert facts.has_previous
    assert ("no_coordinator", "No coordinator") in facts.cleared
    assert all(flag.is_new for flag in facts.flags)  # none was raised the month before


def test_closed_communities_get_a_final_report_for_the_month_they_closed(users, community):
    month_begins = timezone.make_aware(
        timezone.datetime.combine(PERIOD, timezone.datetime.min.time())
    )
    closed_during = CommunityFactory(name="Closed during", stage=Stage.CLOSED)
    StageChange.objects.create(
        community=closed_during, to_stage=Stage.CLOSED, changed_at=month_begins + timedelta(days=3)
    )
    closed_before = CommunityFactory(name="Closed before", stage=Stage.CLOSED)
    StageChange.objects.filter(community=closed_before).update(
        changed_at=month_begins - timedelta(days=3)
    )
    generate_reports(PERIOD, send_emails=False)
    assert set(HealthReport.objects.values_list("community__name", flat=True)) == {
        "Data protection in practice",
        "Closed during",
    }


def test_a_month_that_has_not_ended_is_refused(community):
    with pytest.raises(ValueError, match="has not ended"):
        generate_reports(timezone.localdate().replace(day=1))
    assert not HealthReport.objects.exists()


def test_chosen_communities_only_and_no_program_report(users, community):
    other = CommunityFactory(name="Other")
    result = generate_reports(PERIOD, community_ids=[other.pk], send_emails=False)
    assert list(HealthReport.objects.values_list("community", flat=True)) == [other.pk]
    assert result["program_report"] is None and not ProgramReport.objects.exists()


# --- Idempotency and frozen data ---------------------------------------------------------------


def test_running_twice_creates_one_report_per_community_and_sends_each_email_once(users, community):
    CommunityFactory(name="Second community")
    first = generate_reports(PERIOD)
    sent = len(mail.outbox)
    second = generate_reports(PERIOD)

    assert first["created"] == 2 and second["created"] == 0
    assert HealthReport.objects.filter(period=PERIOD).count() == 2
    assert ProgramReport.objects.filter(period=PERIOD).count() == 1
    assert first["program_report_created"] and not second["program_report_created"]
    assert second["emails"] == second["program_emails"] == 0
    assert len(mail.outbox) == sent
    # coordinator and sponsor of the fixture community; the admin's program report
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@example.org",
        "coordinator@example.org",
        "sponsor@example.org",
    ]
    assert SentEmail.objects.filter(kind="health_report").count() == 2


def test_a_report_is_frozen_edits_and_reruns_change_nothing(users, community, clients):
    attend(community, PERIOD, 3)
    generate_reports(PERIOD, send_emails=False)
    report = stored(community)
    frozen, generated_at = report.data, report.generated_at
    assert indicator_value(report, "attendees") == 3

    # Later, the month's data is edited: more attendance logged, the stage changes.
    attend(community, PERIOD, 9, day=20)
    community.stage = Stage.SUSTAINING
    community.save()
    result = generate_reports(PERIOD, send_emails=False)

    report.refresh_from_db()
    assert result["created"] == 0
    assert report.data == frozen and report.generated_at == generated_at
    assert indicator_value(report, "attendees") == 3
    html = clients["coordinator"].get(report.get_absolute_url()).content.decode()
    assert "stage then: Maturing" in html
    row = html[html.index('class="fw-normal">Distinct attendees') :]
    row = row[: row.index("</tr>")]
    assert ">3</td>" in row and ">12</td>" not in row


def test_the_report_page_renders_the_stored_json_only(users, community, clients):
    """A snapshot written by hand is what the page shows: nothing is recomputed."""
    report = HealthReport.objects.create(community=community, period=PERIOD, data=fake_data())
    html = clients["sponsor"].get(report.get_absolute_url()).content.decode()
    assert "Invented figure" in html and "4242" in html
    assert "Missed heartbeat" in html and "Session on 3 May had no activity" in html


# --- Emails --------------------------------------------------------------------------------------


def test_emails_carry_the_highlights_and_the_link(users, community):
    established(community)
    attend(community, BEFORE, 2)
    attend(community, PERIOD, 6)
    program_sponsor = SponsorAppointmentFactory(
        person=UserFactory(email="portfolio@example.org"), scope=Scope.PROGRAM
    ).person
    SponsorAppointmentFactory(  # an ended sponsor hears nothing
        person=UserFactory(email="ended@example.org"),
        status=AppointmentStatus.ENDED,
        communities=[community],
    )
    SponsorAppointmentFactory(  # nor does one whose term is over
        person=UserFactory(email="expired@example.org"),
        term_end=timezone.localdate() - timedelta(days=1),
        communities=[community],
    )
    generate_reports(PERIOD)

    report = stored(community)
    link = django_settings.SITE_URL + reverse(
        "communities:health_report", args=[community.slug, report.pk]
    )
    emails = {m.to[0]: m for m in mail.outbox if "Health report" in m.subject}
    # The community's coordinator and named sponsor; the program-wide sponsor gets the
    # program report instead (below).
    assert set(emails) == {"coordinator@example.org", "sponsor@example.org"}
    message = emails["coordinator@example.org"]
    assert f"{PERIOD:%B %Y}" in message.subject and community.name in message.subject
    assert link in message.body
    assert "No value-creation story lately" in message.body  # a flag raised
    assert "Suggested action:" in message.body
    assert "Distinct attendees: 2 → 6 (+200%)" in message.body  # the biggest move
    assert "You receive this because you coordinate" in message.body
    assert "you sponsor" in emails["sponsor@example.org"].body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html and "Distinct attendees" in html
    assert {(c.recipient.email, c.key) for c in SentEmail.objects.filter(kind="health_report")} == {
        (email, str(report.pk)) for email in emails
    }
    # The social learning team gets the program report once, with its link.
    program = ProgramReport.objects.get(period=PERIOD)
    program_link = django_settings.SITE_URL + reverse("program:report", args=[program.pk])
    admin_mail = [m for m in mail.outbox if m.to == ["admin@example.org"]]
    assert len(admin_mail) == 1 and "Program report" in admin_mail[0].subject
    assert program_link in admin_mail[0].body
    assert "you are in the social learning team" in admin_mail[0].body
    # So does the program-wide sponsor, without the program pages' link (admins only) but
    # with each listed community's report.
    sponsor_mail = [m for m in mail.outbox if m.to == [program_sponsor.email]]
    assert len(sponsor_mail) == 1 and "Program report" in sponsor_mail[0].subject
    assert program_link not in sponsor_mail[0].body
    assert link in sponsor_mail[0].body and f'href="{link}"' in sponsor_mail[0].alternatives[0][0]
    assert "you sponsor the whole program" in sponsor_mail[0].body
    assert {c.recipient.email for c in SentEmail.objects.filter(kind="program_report")} == {
        "admin@example.org",
        program_sponsor.email,
    }


def test_program_wide_sponsors_get_one_program_report_not_one_email_per_community(db):
    """500 communities must not mean 500 emails to a portfolio sponsor: one, the program's."""
    ProgramAdminFactory(email="team@example.org")
    sponsor = SponsorAppointmentFactory(
        person=UserFactory(email="portfolio@example.org"), scope=Scope.PROGRAM
    ).person
    gone = SponsorAppointmentFactory(
        person=UserFactory(email="gone@example.org", is_active=False), scope=Scope.PROGRAM
    ).person
    for i in range(4):
        community = CommunityFactory(name=f"Sponsored community {i}")
        CoordinatorFactory(community=community)
    result = generate_reports(PERIOD)
    to_sponsor = [m for m in mail.outbox if m.to == [sponsor.email]]
    assert len(to_sponsor) == 1 and to_sponsor[0].subject.startswith("Program report")
    assert not [m for m in mail.outbox if m.to == [gone.email]]  # deactivated: nothing
    assert result["emails"] == 4  # one coordinator each
    assert result["program_emails"] == 2  # the admin and the program-wide sponsor
    assert not SentEmail.objects.filter(recipient=sponsor, kind="health_report").exists()


def test_no_email_leaves_nothing_claimed(users, community):
    generate_reports(PERIOD, send_emails=False)
    assert mail.outbox == [] and not SentEmail.objects.exists()
    # A later run with emails sends what was not sent, from the stored reports.
    generate_reports(PERIOD)
    assert {m.to[0] for m in mail.outbox} == {
        "coordinator@example.org",
        "sponsor@example.org",
        "admin@example.org",
    }


class CountingBackend(EmailBackend):
    """The in-memory backend, counting the mail sessions opened."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


def test_emails_share_one_mail_session_per_batch(settings, db):
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 5
    settings.EMAIL_BACKEND = "tests.communities.test_health_reports.CountingBackend"
    CountingBackend.opened = 0
    ProgramAdminFactory()
    make_communities(12)
    result = generate_reports(PERIOD)
    assert result["emails"] == 12 and result["program_emails"] == 1
    assert CountingBackend.opened == 3 + 1  # three batches, then the program report


class DownBackend(EmailBackend):
    """A mail server that is down: no connection at all."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class FlakyBackend(EmailBackend):
    """Delivers `budget` messages, then the server goes away (an OSError, as smtplib's)."""

    budget = 0

    def send_messages(self, messages):
        if FlakyBackend.budget < len(messages):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakyBackend.budget -= len(messages)
        return super().send_messages(messages)


def test_a_mail_server_that_is_down_delays_the_emails_never_the_reports(settings, db):
    """Phase 1 stores every report and the program report before any email is sent; a
    failure in phase 2 claims nothing unsent, and the next run sends each email once."""
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 2  # three batches
    settings.EMAIL_BACKEND = "tests.communities.test_health_reports.DownBackend"
    ProgramAdminFactory(email="team@example.org")
    made = make_communities(5)
    with pytest.raises(OSError):
        generate_reports(PERIOD)
    assert set(HealthReport.objects.filter(period=PERIOD).values_list("community", flat=True)) == {
        c.pk for c in made
    }
    program = ProgramReport.objects.get(period=PERIOD)
    assert program.data["communities"] == 5
    assert mail.outbox == [] and not SentEmail.objects.exists()  # nothing claimed unsent

    # The next run (a retry, or the next daily tick) with the server back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = generate_reports(PERIOD)
    assert result["created"] == 0 and not result["program_report_created"]
    assert result["program_report"] == program.pk and result["communities"] == 5
    assert (result["emails"], result["program_emails"]) == (5, 1)
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 6
    assert SentEmail.objects.count() == 6
    again = generate_reports(PERIOD)
    assert (again["emails"], again["program_emails"]) == (0, 0) and len(mail.outbox) == 6


def test_a_server_lost_mid_way_sends_the_rest_once_on_the_next_run(settings, db):
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 2
    settings.EMAIL_BACKEND = "tests.communities.test_health_reports.FlakyBackend"
    FlakyBackend.budget = 3
    ProgramAdminFactory(email="team@example.org")
    make_communities(5)
    with pytest.raises(OSError):
        generate_reports(PERIOD)
    assert HealthReport.objects.filter(period=PERIOD).count() == 5
    assert ProgramReport.objects.filter(period=PERIOD).exists()
    # Exactly the emails that went out are claimed; the failed one's claim was rolled back.
    assert len(mail.outbox) == 3
    assert set(SentEmail.objects.values_list("recipient__email", flat=True)) == {
        m.to[0] for m in mail.outbox
    }
    FlakyBackend.budget = 100
    result = generate_reports(PERIOD)
    assert result["emails"] + result["program_emails"] == 3
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 6  # 5 coordinators, 1 admin, once each


# --- The program report ------------------------------------------------------------------------


def test_the_program_report_lists_the_biggest_changes_first(users, community):
    quiet = CommunityFactory(name="A quiet community")
    CoordinatorFactory(community=quiet)
    growing = CommunityFactory(name="B growing community")
    CoordinatorFactory(community=growing)
    losing = CommunityFactory(name="C losing its coordinator")
    lost = CoordinatorFactory(community=losing)
    attend(growing, BEFORE, 1)
    attend(growing, PERIOD, 8)
    attend(quiet, BEFORE, 2)
    attend(quiet, PERIOD, 2)
    generate_reports(BEFORE, send_emails=False)
    lost.delete()  # "no coordinator" is raised for the next month
    generate_reports(PERIOD, send_emails=False)

    data = ProgramReport.objects.get(period=PERIOD).data
    rows = {r["name"]: r for r in data["rows"]}
    names = [r["name"] for r in data["rows"]]
    assert names.index("C losing its coordinator") < names.index("B growing community")
    assert names.index("B growing community") < names.index("A quiet community")
    assert rows["C losing its coordinator"]["raised"] == ["no_coordinator"]
    assert rows["C losing its coordinator"]["flag_count"] == (
        rows["C losing its coordinator"]["flag_count_before"] + 1
    )
    growing_trend = {t["key"]: t for t in rows["B growing community"]["trends"]}
    assert growing_trend["participants"]["previous"] == 1
    assert growing_trend["participants"]["current"] == 8
    assert rows["B growing community"]["stage_label"] == "Maturing"
    assert data["communities"] == 4 and data["flag_totals"]["no_coordinator"] == 1


def test_the_program_report_is_frozen_too(users, community):
    generate_reports(PERIOD, send_emails=False)
    program = ProgramReport.objects.get(period=PERIOD)
    frozen = program.data
    CommunityFactory(name="Late arrival")
    generate_reports(PERIOD, send_emails=False)
    program.refresh_from_db()
    assert program.data == frozen and frozen["communities"] == 1


# --- Queries: a constant number per batch ---------------------------------------------------


def count_queries(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as context:
        function(*args, **kwargs)
    return len(context.captured_queries)


def make_communities(n, start=0):
    made = []
    for i in range(start, start + n):
        community = CommunityFactory(name=f"Batch community {i:02d}")
        CoordinatorFactory(community=community)
        MembershipFactory(community=community, level=Level.ACTIVE)
        attend(community, PERIOD, 2)
        made.append(community)
    return made


@pytest.mark.parametrize("send_emails", [False, True])
def test_queries_grow_only_by_a_constant_per_batch(settings, send_emails, db):
    """3 vs 12 communities in batches of 5 (1 vs 3 batches), with and without emails."""
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 5
    ProgramAdminFactory()
    made, per_compute = [], None
    for size, period in ((3, add_months(PERIOD, -2)), (12, add_months(PERIOD, -1))):
        made += make_communities(size - len(made), start=len(made))
        ids = [c.pk for c in made]
        mail.outbox = []
        # compute() itself: a fixed number of queries for a batch, whatever its size.
        compute_queries = count_queries(compute, ids[: size // 3], period=period)
        assert count_queries(compute, ids[:5], period=period) == compute_queries
        assert per_compute in (None, compute_queries)
        per_compute = compute_queries

        queries = count_queries(generate_reports, period, send_emails=send_emails)

        emails = len(mail.outbox)
        assert emails == (size + 1 if send_emails else 0)  # one coordinator each, one admin
        batches = ceil(size / 5)  # the last one short: no empty page read after it
        # Phase 1, per batch: 1 the next ids, 1 the reports existing, compute(), 1 the
        # previous month's flags, 1 the bulk insert, 1 the stored reports read back.
        # Phase 2 (emails), per batch: 1 the next reports, 2 the recipients (coordinators,
        # named sponsors), 1 the claims already made, 1 the snapshots with emails to send,
        # 1 the recipients' preferences for the kind.
        per_batch = 5 + per_compute + (6 if send_emails else 0)
        # Per run: 1 the program report looked for; its get_or_create (a select, then the
        # insert between a savepoint and its release), and with it a new generation of
        # "Needs you" (the admins' "health reports not yet sent"); with emails also 2 its
        # recipients (program admins, program-wide sponsors), 1 their claims and 1 their
        # preferences.
        per_run = 1 + 4 + 1 + (4 if send_emails else 0)
        # Per email: its claim (here inside the test's transaction, so with a savepoint and
        # its release around it), its notification and the recipient's unread count.
        per_email = 5
        assert queries == per_run + batches * per_batch + emails * per_email, (size, queries)
        assert HealthReport.objects.filter(period=period).count() == size

    # A re-run (the daily tick after the first of the month): the program report exists,
    # so phase 1 is skipped whole; with emails, per batch 1 the next reports, 2 recipients,
    # 1 claims (every email sent: no snapshot read), and the program report's 3.
    rerun = count_queries(generate_reports, add_months(PERIOD, -1), send_emails=send_emails)
    assert rerun == 1 + (3 * 4 + 3 if send_emails else 0)
    assert HealthReport.objects.count() == 15


# --- Pages -----------------------------------------------------------------------------------------


def fake_data(**extra):
    """A stored snapshot written by hand (no computation)."""
    data = {
        "community_id": 0,
        "periods": [add_months(PERIOD, -i).isoformat() for i in (3, 2, 1, 0)],
        "indicators": [
            {
                "key": "invented",
                "label": "Invented figure",
                "group": "Rhythm",
                "values": [1, None, 4000, 4242],
            },
            {
                "key": "later",
                "label": "Not there yet",
                "group": "Value creation",
                "values": [None, None, None, None],
                "available": False,
            },
        ],
        "flags": [
            {
                "key": "missed_heartbeat",
                "label": "Missed heartbeat",
                "explanation": "A session passed with no activity.",
                "action": "Talk with the coordinator.",
                "detail": "Session on 3 May had no activity",
            }
        ],
        "status": {},
        "report": {"community": {"stage": "maturing", "stage_label": "Maturing"}},
    }
    data.update(extra)
    return data


@pytest.fixture
def report(community):
    return HealthReport.objects.create(community=community, period=PERIOD, data=fake_data())


@pytest.fixture
def program_report(community):
    generate_reports(PERIOD, send_emails=False)
    return ProgramReport.objects.get(period=PERIOD)


def community_urls(report):
    slug = report.community.slug
    return [
        reverse("communities:health_reports", args=[slug]),
        reverse("communities:health_report", args=[slug, report.pk]),
        reverse("communities:health_report_print", args=[slug, report.pk]),
    ]


def program_urls(program):
    return [
        reverse("program:reports"),
        reverse("program:report", args=[program.pk]),
        reverse("program:report_print", args=[program.pk]),
    ]


def assert_read_only_by(clients, url, allowed):
    """The roles `allowed` read `url`; the others are refused, the anonymous sent to log in."""
    for role, client in clients.items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == (200 if role in allowed else 403), (url, role)


def test_who_reads_community_reports(clients, users, report):
    for url in community_urls(report):
        assert_read_only_by(clients, url, {"core", "coordinator", "admin", "sponsor"})
        assert clients["coordinator"].post(url).status_code == 405


def test_reports_of_a_hidden_community_are_404_to_outsiders(clients, users):
    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False)
    hidden_report = HealthReport.objects.create(community=hidden, period=PERIOD, data=fake_data())
    for url in community_urls(hidden_report):
        assert clients["outsider"].get(url).status_code == 404
        assert clients["member"].get(url).status_code == 404  # a member elsewhere
        assert clients["admin"].get(url).status_code == 200


def test_a_report_of_another_community_is_404(clients, users, community):
    other = CommunityFactory(name="Other")
    foreign = HealthReport.objects.create(community=other, period=PERIOD, data=fake_data())
    url = reverse("communities:health_report", args=[community.slug, foreign.pk])
    assert clients["coordinator"].get(url).status_code == 404


def test_only_program_admins_read_program_reports(clients, users, program_report):
    for url in program_urls(program_report):
        assert_read_only_by(clients, url, {"admin"})
        assert clients["admin"].post(url).status_code == 405
    assert clients["admin"].get(reverse("program:report", args=[999999])).status_code == 404


def test_the_report_page_shows_flags_trends_and_not_yet_available(clients, users, report):
    html = clients["coordinator"].get(report.get_absolute_url()).content.decode()
    assert "Health report: " + f"{PERIOD:%B %Y}" in html
    assert "Talk with the coordinator." in html  # the suggested action
    assert "4000 → 4242 (+6%)" in html
    assert "not yet available" in html
    assert "<svg" in html and "polyline" in html
    assert reverse("communities:health_report_print", args=[report.community.slug, report.pk]) in (
        html
    )


def test_the_printable_page_has_no_navigation_and_prints(clients, users, report):
    html = (
        clients["sponsor"]
        .get(reverse("communities:health_report_print", args=[report.community.slug, report.pk]))
        .content.decode()
    )
    assert 'aria-label="Main"' not in html and "navbar" not in html
    assert "css/print-report.css" in html and "<svg" in html  # print styles: a static file
    assert "@media print" in Path(finders.find("css/print-report.css")).read_text()
    assert f"Generated {timezone.localtime(report.generated_at):%-d %B %Y}" in html
    assert "Missed heartbeat" in html


def test_the_report_list_filters_by_year(clients, users, community):
    HealthReport.objects.create(community=community, period=PERIOD, data=fake_data())
    old = PERIOD.replace(year=PERIOD.year - 3)
    HealthReport.objects.create(community=community, period=old, data=fake_data(flags=[]))
    url = reverse("communities:health_reports", args=[community.slug])
    html = clients["core"].get(url).content.decode()
    assert f"{PERIOD:%B %Y}" in html and f"{old:%B %Y}" in html
    html = clients["core"].get(url, {"year": old.year}).content.decode()
    assert f"{PERIOD:%B %Y}" not in html and f"{old:%B %Y}" in html
    empty = clients["core"].get(url, {"year": str(PERIOD.year - 1)}).content.decode()
    assert "No report for that year" in empty


@pytest.mark.parametrize("year", ["0", "-3", "99999999999", "1999", "3000", "2031.5", "abc"])
def test_a_year_out_of_bounds_is_a_form_error_not_a_server_error(clients, users, community, year):
    HealthReport.objects.create(community=community, period=PERIOD, data=fake_data())
    url = reverse("communities:health_reports", args=[community.slug])
    response = clients["core"].get(url, {"year": year})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="invalid-feedback" id="id_year_error"' in html and 'aria-invalid="true"' in html
    assert "Showing every year." in html
    assert f"{PERIOD:%B %Y}" in html  # the filter is ignored: every report is listed
    assert not response.context["filter"].form.is_valid()


def test_the_program_report_page(clients, users, program_report):
    html = clients["admin"].get(reverse("program:report", args=[program_report.pk])).content
    html = html.decode()
    assert "Every community, biggest changes first" in html
    assert "Data protection in practice" in html
    assert reverse("communities:health_report", args=["data-protection", stored_pk()]) in html
    assert "<svg" in html  # the flags chart, its numbers in a table beside it
    printable = clients["admin"].get(reverse("program:report_print", args=[program_report.pk]))
    assert "navbar" not in printable.content.decode()
    listing = clients["admin"].get(reverse("program:reports")).content.decode()
    assert f"{PERIOD:%B %Y}" in listing


def stored_pk():
    return HealthReport.objects.get(period=PERIOD).pk


def make_reports(community, n):
    HealthReport.objects.bulk_create(
        HealthReport(community=community, period=add_months(PERIOD, -i), data=fake_data())
        for i in range(n)
    )


# Each page, signed in: 1 the session, 2 the user, 3 the community by slug, 4 the viewer's
# membership (their role), then the page's own queries.
@pytest.mark.parametrize("size", [2, 20])
def test_community_report_pages_have_a_constant_number_of_queries(
    size, clients, users, community, django_assert_num_queries
):
    make_reports(community, size)
    latest = HealthReport.objects.filter(community=community).order_by("-period").first()
    detail = reverse("communities:health_report", args=[community.slug, latest.pk])
    printable = reverse("communities:health_report_print", args=[community.slug, latest.pk])
    client = clients["coordinator"]
    # + 5 the count for the paginator, 6 the page of reports
    with django_assert_num_queries(6):
        assert (
            client.get(reverse("communities:health_reports", args=[community.slug])).status_code
            == 200
        )
    # + 5 the report
    with django_assert_num_queries(5):
        assert client.get(detail).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(printable).status_code == 200


@pytest.mark.parametrize("size", [2, 14])
def test_program_report_pages_have_a_constant_number_of_queries(
    size, settings, clients, users, community, django_assert_num_queries
):
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 5
    for i in range(size - 1):
        CommunityFactory(name=f"Program community {i:02d}")
    generate_reports(PERIOD, send_emails=False)
    program = ProgramReport.objects.get(period=PERIOD)
    assert program.data["communities"] == size
    client = clients["admin"]
    # 1 the session, 2 the user; + 3 the count, 4 the page of program reports (each with
    # the two figures shown read from its JSON in the database, its data not loaded)
    with django_assert_num_queries(4):
        response = client.get(reverse("program:reports"))
    assert response.status_code == 200
    listed = response.context["page"].object_list[0]
    assert "data" in listed.get_deferred_fields()
    assert (listed.communities, listed.flagged) == (size, program.data["flagged"])
    assert f'<td class="text-end">{size}</td>' in response.content.decode()
    # + 3 the report, 4 the communities' current slugs
    with django_assert_num_queries(4):
        assert client.get(reverse("program:report", args=[program.pk])).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reverse("program:report_print", args=[program.pk])).status_code == 200


# --- Jobs -------------------------------------------------------------------------------------------


def test_the_command_generates_without_emails_and_rejects_a_bad_period(users, community):
    out = command_output("generate_health_reports", "--period", f"{PERIOD:%Y-%m}", "--no-email")
    assert "1 report(s) created" in out and "program report created" in out
    assert stored(community) and mail.outbox == []
    with pytest.raises(CommandError, match="Not a month"):
        call_command("generate_health_reports", "--period", "May 2031")
    with pytest.raises(CommandError, match="has not ended"):
        call_command("generate_health_reports", "--period", f"{timezone.localdate():%Y-%m}")


def test_the_task_defaults_to_the_previous_month_and_takes_a_period(users, community):
    result = generate_health_reports.delay().get()
    assert result["period"] == PERIOD.isoformat() and stored(community)
    earlier = generate_health_reports.delay(f"{BEFORE:%Y-%m}").get()
    assert earlier["period"] == BEFORE.isoformat() and stored(community, BEFORE)


@pytest.mark.django_db
def test_beat_runs_the_reports_daily_so_a_month_left_unsent_catches_up():
    from django.apps import apps as django_apps

    from childcop.celery import app

    migration = importlib.import_module("communities.migrations.0014_health_defaults")
    PeriodicTask = django_apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name="Health: monthly reports").delete()
    migration.create_defaults(django_apps, None)
    task = PeriodicTask.objects.select_related("crontab").get(name="Health: monthly reports")
    assert task.task == "communities.tasks.generate_health_reports" and task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month) == ("30", "6", "*")
    assert (crontab.day_of_week, crontab.month_of_year) == ("*", "*")
    assert "Daily at 06:30" in task.description and "unsent" in task.description
    # A mail failure is retried with backoff, a bounded number of times (then the next day).
    job = app.tasks[task.task]
    assert OSError in job.autoretry_for and job.retry_backoff
    assert job.retry_backoff_max == 600 and job.max_retries == 5


def test_seed_demo_shows_reports_for_the_last_two_months(db):
    call_command("seed_demo", people=60, stdout=StringIO())
    assert HealthReport.objects.filter(period=PERIOD).exists()
    assert HealthReport.objects.filter(period=BEFORE).exists()
    before = HealthReport.objects.count()
    call_command("seed_demo", people=60, stdout=StringIO())  # idempotent
    assert HealthReport.objects.count() == before
    assert mail.outbox == []


def test_inactive_program_admins_get_no_program_report(db):
    ProgramAdminFactory(email="gone@example.org", is_active=False)
    active = ProgramAdminFactory(email="team@example.org")
    assert list(program_admins()) == [active]
