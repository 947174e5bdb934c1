"""Attendance import from a CSV file: parsing, preview (writes nothing), confirm (all or nothing)."""

import codecs
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import InvitationDomain, SentEmail, User
from childcop.accounts.picker import find_people
from communities.choices import Level
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    CoordinatorFactory,
)
from communities.models import Attendance, AttendanceImport, Membership
from communities.rhythm import jobs
from communities.rhythm.services.attendance_import import ImportFileError, parse_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation_domain(settings):
    """The organisation's email domain, whose people an import may invite."""
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["example.org"]


@pytest.fixture
def activity(community):
    return ActivityFactory(community=community, title="Case clinic")


def upload_url(activity):
    return reverse("communities:attendance_import", args=[activity.community.slug, activity.pk])


def confirm_url(activity, upload):
    return reverse(
        "communities:attendance_import_confirm",
        args=[activity.community.slug, activity.pk, upload.pk],
    )


def csv_file(*lines, encoding="utf-8", name="attendance.csv"):
    return SimpleUploadedFile(name, "\r\n".join(lines).encode(encoding), content_type="text/csv")


def upload(client, activity, file):
    return client.post(upload_url(activity), {"file": file})


def state():
    """What an import may write: compared before and after to prove nothing was written."""
    return (
        Attendance.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        AttendanceImport.objects.count(),
    )


def make_people(prefix, n, community=None):
    """n people with accounts (bulk, for the big files), members of `community` if given."""
    emails = [f"{prefix}{i}@example.org" for i in range(n)]
    User.objects.bulk_create([User(email=email, display_name=email[:-12]) for email in emails])
    if community is not None:
        Membership.objects.bulk_create(
            [
                Membership(community=community, user_id=pk)
                for pk in User.objects.filter(email__in=emails).values_list("pk", flat=True)
            ]
        )
    return emails


# --- Parsing (no database) ------------------------------------------------------------------


class TestParsing:
    def test_a_plain_file(self):
        parsed = parse_csv(b"Name,Email\nAmira,amira@example.org\nNoah,Noah@Example.org\n")
        assert parsed.entries == [(2, "amira@example.org"), (3, "noah@example.org")]
        assert (parsed.encoding, parsed.delimiter, parsed.email_column) == (
            "UTF-8",
            "comma",
            "Email",
        )

    @pytest.mark.parametrize(
        "header",
        [
            "email", "E-mail", "Email Address", "MAIL", "User Email", "e_mail_address",
            "Work e-mail", "Guest email address",
        ],
    )  # fmt: skip
    def test_email_column_names(self, header):
        parsed = parse_csv(f"Full name,{header}\nAmira,amira@example.org".encode())
        assert parsed.entries == [(2, "amira@example.org")]

    @pytest.mark.parametrize("delimiter,name", [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
    def test_the_delimiter_is_sniffed(self, delimiter, name):
        text = delimiter.join(["Name", "Email", "Role"]) + "\n"
        text += delimiter.join(["Müller, Anna", "anna@example.org", "Attendee"]) + "\n"
        if delimiter == ",":
            text = 'Name,Email,Role\n"Müller, Anna",anna@example.org,Attendee\n'
        parsed = parse_csv(text.encode())
        assert parsed.delimiter == name
        assert parsed.entries == [(2, "anna@example.org")]

    def test_excel_csv_utf8_with_a_bom_and_semicolons(self):
        parsed = parse_csv(codecs.BOM_UTF8 + "Nom;E-mail\nJosé;jose@example.org\n".encode())
        assert parsed.encoding == "UTF-8 with BOM"
        assert parsed.email_column == "E-mail"
        assert parsed.entries == [(2, "jose@example.org")]

    def test_a_list_of_addresses_without_a_header(self):
        parsed = parse_csv(b"amira@example.org\nnoah@example.org\n")
        assert parsed.header_line == 0
        assert [email for _, email in parsed.entries] == ["amira@example.org", "noah@example.org"]

    def test_name_and_mailto_forms_are_accepted(self):
        parsed = parse_csv(b'Email\n"Amira Haddad <amira@example.org>"\nmailto:noah@example.org\n')
        assert [email for _, email in parsed.entries] == ["amira@example.org", "noah@example.org"]

    def test_malformed_rows_are_reported_with_their_line_and_reason(self):
        parsed = parse_csv(
            b"Name,Email\nAmira,amira@example.org\nBad,not-an-email\nNo email,\nShort\n"
        )
        assert parsed.entries == [(2, "amira@example.org")]
        assert [(m["line"], m["reason"]) for m in parsed.malformed] == [
            (3, "Not a valid email address."),
        ]
        assert parsed.malformed[0]["value"] == "not-an-email"
        # a name without an email is a guest of the meeting, not a mistake
        assert parsed.guests == [{"line": 4, "name": "No email"}, {"line": 5, "name": "Short"}]
        # without a name either, the row says what is missing
        parsed = parse_csv(b"Name,Email\nAmira,amira@example.org\n,\n , \n")
        assert [(m["line"], m["reason"]) for m in parsed.malformed] == []
        parsed = parse_csv(b"Email,Role\na@example.org,host\n,attendee\n")
        assert [(m["line"], m["reason"]) for m in parsed.malformed] == [
            (3, "No email address in the “Email” column."),
        ]

    def test_duplicates_are_counted_once(self):
        parsed = parse_csv(b"Email\na@example.org\nb@example.org\nA@EXAMPLE.ORG\na@example.org\n")
        assert parsed.entries == [(2, "a@example.org"), (3, "b@example.org")]
        assert parsed.duplicates == [
            {"line": 4, "email": "a@example.org", "first_line": 2},
            {"line": 5, "email": "a@example.org", "first_line": 2},
        ]

    def test_blank_lines_are_ignored(self):
        parsed = parse_csv(b"\n\nEmail\n\na@example.org\n,\n\n")
        assert parsed.entries == [(5, "a@example.org")]
        assert parsed.data_rows == 1 and parsed.malformed == []

    @pytest.mark.parametrize(
        "data,message",
        [
            (b"", "The file is empty."),
            (b"\r\n \n", "The file is empty."),
            ("Name,Email\nJosé,jose@example.org\n".encode("latin-1"), "is not UTF-8 text"),
            (b"Name,Company\nAmira,ACME\n", "No email column found; the header row has: “Name”"),
            (b"Email\n", "no rows of people"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "contains binary data"),
            (b"PK\x03\x04\x14\x00\x06\x00", "not a CSV file"),
            (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
            (b'Email\n"' + b"a" * 200_000 + b"\n", "could not be read as CSV"),
        ],
    )
    def test_unusable_files_raise_a_clear_error(self, data, message):
        with pytest.raises(ImportFileError, match=re.escape(message)):
            parse_csv(data)

    def test_missing_email_column_lists_the_header(self):
        with pytest.raises(ImportFileError) as error:
            parse_csv(b"Name;Company;Joined\nAmira;ACME;09:00\n")
        assert str(error.value).startswith(
            "No email column found; the header row has: “Name”, “Company”, “Joined”."
        )

    def test_ten_thousand_rows_are_accepted_and_one_more_is_refused(self):
        rows = [f"p{i}@example.org" for i in range(10_000)]
        assert len(parse_csv(("Email\n" + "\n".join(rows)).encode()).entries) == 10_000
        with pytest.raises(ImportFileError, match="more than 10,000 rows"):
            parse_csv(("Email\n" + "\n".join([*rows, "one.more@example.org"])).encode())


# --- Upload and preview ---------------------------------------------------------------------


class TestPreview:
    def test_preview_sorts_people_and_writes_nothing(self, clients, users, activity):
        AttendanceFactory(activity=activity, user=users["core"])
        UserFactory(email="gone@example.org", is_active=False)
        before = state()
        file = csv_file(
            "Name,Email",
            "Member,member@example.org",
            "Core,core@example.org",
            "Outsider,OUTSIDER@example.org",
            "New,new.person@example.org",
            "Gone,gone@example.org",
            "Bad,bad-address",
            "Member again,member@example.org",
        )
        response = upload(clients["coordinator"], activity, file)
        upload_obj = AttendanceImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == confirm_url(activity, upload_obj)
        # Only the pending report is stored: no attendance, membership or account.
        assert state() == (before[0], before[1], before[2], before[3] + 1)
        assert upload_obj.status == "pending" and upload_obj.filename == "attendance.csv"
        report = upload_obj.rows
        assert [e["email"] for e in report["members"]] == ["member@example.org"]
        assert [e["email"] for e in report["non_members"]] == ["outsider@example.org"]
        assert [e["email"] for e in report["already"]] == ["core@example.org"]
        assert [e["email"] for e in report["unknown"]] == ["new.person@example.org"]
        assert [e["email"] for e in report["deactivated"]] == ["gone@example.org"]
        assert [(m["line"], m["value"]) for m in report["malformed"]] == [(7, "bad-address")]
        assert [(d["line"], d["first_line"]) for d in report["duplicates"]] == [(8, 2)]

        page = clients["coordinator"].get(confirm_url(activity, upload_obj))
        html = page.content.decode()
        assert page.status_code == 200
        assert "Will be added to the community as peripheral members" in html
        assert "Not a valid email address." in html and "Also on line 2: counted once." in html
        assert "2 people will be marked as attended, and 1 whose email has no account" in html
        assert 'name="unknown_action"' in html
        assert state() == (before[0], before[1], before[2], before[3] + 1)

    def test_latin1_file_is_refused_with_a_clear_message(self, clients, activity):
        before = state()
        file = csv_file("Name,Email", "José Müller,member@example.org", encoding="latin-1")
        response = upload(clients["coordinator"], activity, file)
        assert response.status_code == 200
        html = response.content.decode()
        assert "The file is not UTF-8 text; save it as CSV UTF-8" in html
        assert "is-invalid" in html
        assert state() == before

    def test_teams_utf16_report_with_a_summary_above_the_table(self, clients, activity):
        lines = [
            "1. Summary",
            "Meeting title\tEmail etiquette clinic",
            "Attended participants\t2",
            "",
            "2. Participants",
            "Name\tFirst Join\tLast Leave\tEmail\tRole",
            "Member\t1/9/25, 9:00:00 AM\t1/9/25, 10:00:00 AM\tmember@example.org\tAttendee",
            "Core\t1/9/25, 9:01:00 AM\t1/9/25, 10:00:00 AM\tcore@example.org\tPresenter",
        ]
        data = "\r\n".join(lines).encode("utf-16")  # with its BOM, as Teams writes it
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        response = upload(
            clients["coordinator"], activity, SimpleUploadedFile("report.csv", data, "text/csv")
        )
        assert response.status_code == 302
        report = AttendanceImport.objects.get().rows
        assert (report["encoding"], report["delimiter"], report["header_line"]) == (
            "UTF-16",
            "tab",
            6,
        )
        assert [e["email"] for e in report["members"]] == [
            "member@example.org",
            "core@example.org",
        ]
        html = clients["coordinator"].get(response["Location"]).content.decode()
        assert "the lines above it were ignored" in html

    @pytest.mark.parametrize(
        "content,message",
        [
            (b"Name,Company\nAmira,ACME\n", "No email column found; the header row has:"),
            (b"", "The submitted file is empty."),
            (b"\n\n", "The file is empty."),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
            (b"PK\x03\x04" + bytes(range(256)), "In Excel, choose File"),
        ],
    )
    def test_unusable_files_show_an_error_and_store_nothing(
        self, clients, activity, content, message
    ):
        before = state()
        file = SimpleUploadedFile("attendance.csv", content, content_type="text/csv")
        response = upload(clients["coordinator"], activity, file)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert state() == before

    def test_no_file_shows_an_error(self, clients, activity):
        response = clients["coordinator"].post(upload_url(activity), {})
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
        assert AttendanceImport.objects.count() == 0

    def test_more_than_ten_thousand_rows_is_refused(self, clients, activity):
        before = state()
        rows = [f"p{i}@example.org" for i in range(10_001)]
        response = upload(clients["coordinator"], activity, csv_file("Email", *rows))
        assert response.status_code == 200
        assert "more than 10,000 rows" in response.content.decode()
        assert state() == before

    def test_long_lists_are_capped_on_the_page(self, clients, activity):
        rows = [f"nobody{i}@example.org" for i in range(250)]
        response = upload(clients["coordinator"], activity, csv_file("Email", *rows))
        html = clients["coordinator"].get(response["Location"]).content.decode()
        assert "nobody199@example.org" in html and "nobody200@example.org" not in html
        assert "… and 50 more" in html

    def test_the_upload_page(self, clients, activity):
        response = clients["core"].get(upload_url(activity))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
        assert activity.get_absolute_url() in html


# --- Confirm --------------------------------------------------------------------------------


def preview(client, activity, *lines):
    response = upload(client, activity, csv_file("Name,Email", *lines))
    assert response.status_code == 302, response.content.decode()
    return AttendanceImport.objects.filter(activity=activity).latest("pk")


class TestConfirm:
    def test_confirm_records_attendance_and_memberships(self, clients, users, community, activity):
        client = clients["coordinator"]
        pending = preview(
            client,
            activity,
            "Member,member@example.org",
            "Outsider,outsider@example.org",
            "New,new.person@example.org",
        )
        response = client.post(confirm_url(activity, pending), {"unknown_action": "skip"})
        assert response.status_code == 302
        assert response["Location"] == activity.get_absolute_url()
        attendance = Attendance.objects.filter(activity=activity)
        assert set(attendance.values_list("user__email", flat=True)) == {
            "member@example.org",
            "outsider@example.org",
        }
        assert all(a.imported for a in attendance)
        joined = community.memberships.get(user=users["outsider"])
        assert joined.level == Level.PERIPHERAL and joined.added_by == users["coordinator"]
        assert not User.objects.filter(email="new.person@example.org").exists()
        pending.refresh_from_db()
        assert pending.status == "applied" and pending.applied_at is not None
        message = [str(m) for m in response.wsgi_request._messages]
        assert message == [
            "Attendance imported: 2 people marked as attended (1 added to the community as "
            "peripheral members). 1 without an account skipped."
        ]

    def test_skip_sends_no_email_and_creates_no_account(
        self, clients, activity, django_capture_on_commit_callbacks
    ):
        pending = preview(clients["coordinator"], activity, "New,new.person@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(confirm_url(activity, pending), {"unknown_action": "skip"})
        assert mail.outbox == []
        assert not User.objects.filter(email="new.person@example.org").exists()
        assert Attendance.objects.count() == 0

    def test_invite_creates_the_account_and_emails_a_link_to_set_a_password(
        self, client, clients, community, activity, django_capture_on_commit_callbacks
    ):
        pending = preview(clients["coordinator"], activity, "New,New.Person@example.org")
        people = clients["admin"].get("/").context["program"]["people"]  # kept in the cache
        with django_capture_on_commit_callbacks(execute=True):
            response = clients["coordinator"].post(
                confirm_url(activity, pending), {"unknown_action": "invite"}
            )
        assert response.status_code == 302
        person = User.objects.get(email="new.person@example.org")
        # the team's home counts them at once (written in bulk: no signal)
        assert clients["admin"].get("/").context["program"]["people"] == people + 1
        assert not person.has_usable_password() and person.is_active
        assert community.memberships.get(user=person).level == Level.PERIPHERAL
        assert Attendance.objects.filter(activity=activity, user=person, imported=True).exists()
        # the person picker finds them (their keys are written beside the bulk insert)
        coordinator = User.objects.get(email="coordinator@example.org")
        assert find_people(coordinator, "new.pers") == [person] == find_people(coordinator, "PERSO")
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == ["new.person@example.org"]
        assert community.name in email.subject and "Case clinic" in email.body
        assert email.alternatives and email.alternatives[0][1] == "text/html"
        # The link lets them choose a password (allauth's password reset from key).
        link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", email.body)
        page = client.get(link.group(1), follow=True)
        action = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
        client.post(
            action, {"password1": "brand-new-secret-77", "password2": "brand-new-secret-77"}
        )
        person.refresh_from_db()
        assert person.check_password("brand-new-secret-77")

    def test_invitations_are_sent_once(self, clients, activity, django_capture_on_commit_callbacks):
        pending = preview(clients["coordinator"], activity, "New,new.person@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(
                confirm_url(activity, pending), {"unknown_action": "invite"}
            )
        assert jobs.send_invitations(pending.pk) == 0  # a retried job
        assert len(mail.outbox) == 1
        assert SentEmail.objects.filter(kind="attendance_import_invite").count() == 1

    def test_addresses_outside_the_signup_domains_are_not_invited(
        self, clients, activity, settings, django_capture_on_commit_callbacks
    ):
        settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["example.org"]
        pending = preview(
            clients["coordinator"], activity, "In,new@example.org", "Out,someone@elsewhere.test"
        )
        html = clients["coordinator"].get(confirm_url(activity, pending)).content.decode()
        assert "cannot be invited" in html
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(
                confirm_url(activity, pending), {"unknown_action": "invite"}
            )
        assert User.objects.filter(email="new@example.org").exists()
        assert not User.objects.filter(email="someone@elsewhere.test").exists()
        assert [m.to for m in mail.outbox] == [["new@example.org"]]

    def test_without_allowed_domains_nobody_is_invited(
        self, clients, activity, settings, django_capture_on_commit_callbacks
    ):
        settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = []
        pending = preview(clients["coordinator"], activity, "Out,someone@elsewhere.test")
        html = clients["coordinator"].get(confirm_url(activity, pending)).content.decode()
        assert "Outside the allowed email domains: cannot be invited" in html
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(
                confirm_url(activity, pending), {"unknown_action": "invite"}
            )
        assert not User.objects.filter(email="someone@elsewhere.test").exists()
        assert mail.outbox == []

    def test_a_program_admin_allows_more_domains(
        self, clients, activity, django_capture_on_commit_callbacks
    ):
        response = clients["admin"].post(
            reverse("admin:accounts_invitationdomain_add"),
            {"domain": "@Partner.Example", "note": "Our joint venture"},
        )
        assert response.status_code == 302
        assert InvitationDomain.objects.get().domain == "partner.example"
        pending = preview(
            clients["coordinator"],
            activity,
            "Partner,pat@partner.example",
            "Out,someone@elsewhere.test",
        )
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(
                confirm_url(activity, pending), {"unknown_action": "invite"}
            )
        assert User.objects.filter(email="pat@partner.example").exists()
        assert not User.objects.filter(email="someone@elsewhere.test").exists()
        assert [m.to for m in mail.outbox] == [["pat@partner.example"]]

    def test_a_domain_removed_after_the_preview_is_not_invited(
        self, clients, activity, django_capture_on_commit_callbacks
    ):
        allowed = InvitationDomain.objects.create(domain="partner.example")
        pending = preview(clients["coordinator"], activity, "Partner,pat@partner.example")
        allowed.delete()
        with django_capture_on_commit_callbacks(execute=True):
            clients["coordinator"].post(
                confirm_url(activity, pending), {"unknown_action": "invite"}
            )
        assert not User.objects.filter(email="pat@partner.example").exists()
        assert mail.outbox == []

    def test_reconfirming_changes_nothing(
        self, clients, activity, django_capture_on_commit_callbacks
    ):
        client = clients["coordinator"]
        pending = preview(client, activity, "M,member@example.org", "N,new@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(confirm_url(activity, pending), {"unknown_action": "invite"})
        after_first = state()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                confirm_url(activity, pending), {"unknown_action": "invite"}, follow=True
            )
        assert state() == after_first
        assert len(mail.outbox) == 1
        assert "This file was already imported; nothing was changed." in response.content.decode()
        # The page of an applied import shows the result and no confirm button.
        html = client.get(confirm_url(activity, pending)).content.decode()
        assert "Imported" in html and "Import the attendance" not in html

    def test_attendance_recorded_in_the_meantime_is_kept_once(self, clients, users, activity):
        pending = preview(clients["coordinator"], activity, "M,member@example.org")
        AttendanceFactory(activity=activity, user=users["member"])  # logged by hand meanwhile
        clients["coordinator"].post(confirm_url(activity, pending))
        assert Attendance.objects.filter(activity=activity).count() == 1
        assert Attendance.objects.get().imported is False

    def test_an_account_deactivated_since_the_preview_is_skipped(self, clients, users, activity):
        pending = preview(clients["coordinator"], activity, "O,outsider@example.org")
        User.objects.filter(pk=users["outsider"].pk).update(is_active=False)
        clients["coordinator"].post(confirm_url(activity, pending))
        assert Attendance.objects.count() == 0
        assert not Membership.objects.filter(user=users["outsider"]).exists()

    def test_a_file_with_nobody_to_record_offers_no_confirmation(self, clients, activity):
        pending = preview(clients["coordinator"], activity, "Bad,nope")
        html = clients["coordinator"].get(confirm_url(activity, pending)).content.decode()
        assert "There is nobody to record from this file." in html
        assert "Import the attendance" not in html

    def test_an_invalid_choice_shows_an_error_and_writes_nothing(self, clients, activity):
        pending = preview(clients["coordinator"], activity, "New,new@example.org")
        before = state()
        response = clients["coordinator"].post(
            confirm_url(activity, pending), {"unknown_action": "everyone"}
        )
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
        assert state() == before
        pending.refresh_from_db()
        assert pending.status == "pending"


# --- Big files: 10,000 rows, and query counts that do not grow with the rows ---------------


def test_ten_thousand_rows_preview_and_confirm(clients, community, activity):
    members = make_people("member", 5_000, community)
    registered = make_people("registered", 3_000)
    unknown = [f"unknown{i}@example.org" for i in range(2_000)]
    file = csv_file("Email", *members, *registered, *unknown)
    response = upload(clients["coordinator"], activity, file)
    assert response.status_code == 302
    pending = AttendanceImport.objects.get()
    assert Attendance.objects.count() == 0
    page = clients["coordinator"].get(response["Location"])
    assert page.status_code == 200 and "… and 4800 more" in page.content.decode()
    memberships = Membership.objects.count()
    response = clients["coordinator"].post(
        confirm_url(activity, pending), {"unknown_action": "skip"}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(activity=activity, imported=True).count() == 8_000
    assert Membership.objects.count() == memberships + 3_000


def _queries_for(client, community, activity, n):
    """SQL queries of the upload (preview) and of the confirm, for a file of n people."""
    prefix = f"p{n}x"
    emails = make_people(f"{prefix}m", n // 2, community) + make_people(f"{prefix}r", n // 2)
    file = csv_file("Email", *emails, *(f"{prefix}u{i}@example.org" for i in range(n // 2)))
    with CaptureQueriesContext(connection) as previewing:
        response = upload(client, activity, file)
    assert response.status_code == 302
    pending = AttendanceImport.objects.filter(activity=activity).latest("pk")
    with CaptureQueriesContext(connection) as confirming:
        response = client.post(confirm_url(activity, pending), {"unknown_action": "invite"})
    assert response.status_code == 302
    assert Attendance.objects.filter(activity=activity).count() == n + n // 2
    return [q["sql"] for q in previewing], [q["sql"] for q in confirming]


def test_query_counts_do_not_grow_with_the_rows(clients, community, settings):
    # the import's own queries: what the request computes again for the next views once it
    # has answered depends on what the cache holds (tests/test_warming.py counts it)
    settings.CHILDCOP_WARM_AFTER_WRITES = False
    small_preview, small_confirm = _queries_for(
        clients["coordinator"], community, ActivityFactory(community=community), 10
    )
    large_preview, large_confirm = _queries_for(
        clients["coordinator"], community, ActivityFactory(community=community), 1_000
    )
    assert len(large_preview) == len(small_preview)

    def inserts(queries):
        return [q for q in queries if q.lstrip().upper().startswith("INSERT")]

    def others(queries):
        return [q for q in queries if not q.lstrip().upper().startswith("INSERT")]

    # Every lookup is one query whatever the size. Bulk inserts are one statement on
    # PostgreSQL; SQLite's backend splits them into batches of 999 variables (here 8 + 8 + 5
    # statements for 500 accounts, 1,000 memberships and 1,500 attendances), never per row.
    assert len(others(large_confirm)) == len(others(small_confirm))
    extra = len(inserts(large_confirm)) - len(inserts(small_confirm))
    if connection.features.max_query_params is None:
        assert extra == 0
    else:
        assert extra <= 30


# --- Who may import ---------------------------------------------------------------------------


class TestAccess:
    def test_a_member_gets_403(self, clients, users, activity):
        pending = AttendanceImport.objects.create(activity=activity, created_by=users["core"])
        assert clients["member"].get(upload_url(activity)).status_code == 403
        file = csv_file("Email", "member@example.org")
        assert upload(clients["member"], activity, file).status_code == 403
        assert clients["member"].get(confirm_url(activity, pending)).status_code == 403
        assert clients["member"].post(confirm_url(activity, pending)).status_code == 403
        assert AttendanceImport.objects.count() == 1 and Attendance.objects.count() == 0

    def test_core_group_and_admin_may_import(self, clients, activity):
        for role in ("core", "admin"):
            response = upload(clients[role], activity, csv_file("Email", "member@example.org"))
            assert response.status_code == 302, role

    def test_an_outsider_of_a_closed_community_gets_404(self, clients, users, activity):
        community = activity.community
        community.is_open = False
        community.save()
        pending = AttendanceImport.objects.create(activity=activity, created_by=users["core"])
        assert clients["outsider"].get(upload_url(activity)).status_code == 404
        assert clients["outsider"].get(confirm_url(activity, pending)).status_code == 404
        assert clients["outsider"].post(confirm_url(activity, pending)).status_code == 404

    def test_an_outsider_of_an_open_community_gets_403(self, clients, activity):
        assert clients["outsider"].get(upload_url(activity)).status_code == 403

    def test_another_communitys_import_or_activity_gives_404(self, clients, users, activity):
        other = CommunityFactory(name="Green operations", slug="green-operations")
        CoordinatorFactory(community=other, user=users["coordinator"])
        other_activity = ActivityFactory(community=other)
        other_import = AttendanceImport.objects.create(activity=other_activity)
        own_import = AttendanceImport.objects.create(activity=activity)
        slug = activity.community.slug
        for client in (clients["coordinator"], clients["admin"]):
            # Another community's import under this activity's address.
            url = reverse(
                "communities:attendance_import_confirm", args=[slug, activity.pk, other_import.pk]
            )
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
            # Another community's activity under this community's slug.
            url = reverse("communities:attendance_import", args=[slug, other_activity.pk])
            assert client.get(url).status_code == 404
            # Another activity of the same community does not own this import either.
            sibling = ActivityFactory(community=activity.community)
            url = reverse(
                "communities:attendance_import_confirm", args=[slug, sibling.pk, own_import.pk]
            )
            assert client.get(url).status_code == 404
        assert other_import.status == own_import.status == "pending"

    def test_other_methods_are_refused(self, clients, users, activity):
        pending = AttendanceImport.objects.create(activity=activity)
        assert clients["coordinator"].put(upload_url(activity)).status_code == 405
        assert clients["coordinator"].delete(confirm_url(activity, pending)).status_code == 405

    def test_anonymous_people_are_sent_to_sign_in(self, clients, activity):
        response = clients["anonymous"].get(upload_url(activity))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_core_group_imports_attendance_of_members_only(clients, users, community):
    from communities.factories import ActivityFactory
    from communities.models import Attendance, Membership

    activity = ActivityFactory(community=community)
    body = "email\nmember@example.org\noutsider@example.org\nstranger@example.org\n"
    upload = SimpleUploadedFile("attendance.csv", body.encode(), content_type="text/csv")
    url = reverse("communities:attendance_import", args=[community.slug, activity.pk])
    response = clients["core"].post(url, {"file": upload})
    assert response.status_code == 302
    preview = clients["core"].get(response["Location"]).content.decode()
    assert "Only coordinators add people to the community" in preview
    # inviting is not theirs to choose: the form says so and nothing is written
    refused = clients["core"].post(response["Location"], {"unknown_action": "invite"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Attendance.objects.filter(activity=activity).exists()
    clients["core"].post(response["Location"], {"unknown_action": "skip"})
    assert set(
        Attendance.objects.filter(activity=activity).values_list("user__email", flat=True)
    ) == {"member@example.org"}
    assert not Membership.objects.filter(community=community, user=users["outsider"]).exists()
    assert not User.objects.filter(email="stranger@example.org").exists()


# --- Meeting tools' own exports (shaped as their documentation describes; made-up people) ---

TEAMS = "\n".join(
    [
        "1. Summary",
        "Meeting title\tCase clinic",
        "Attended participants\t3",
        "Start time\t3/4/25, 10:00:03 AM",
        "End time\t3/4/25, 11:02:41 AM",
        "Meeting duration\t1h 2m 38s",
        "",
        "2. Participants",
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
        "Mira Member\t3/4/25, 10:00:03 AM\t3/4/25, 11:02:41 AM\t1h 2m\tmember@example.org\tmember@example.org\tOrganizer",
        "Cora Coordinator\t3/4/25, 10:01:10 AM\t3/4/25, 11:00:00 AM\t58m\tcoordinator@example.org\tcoordinator@example.org\tPresenter",
        "Gita Guest (External)\t3/4/25, 10:05:00 AM\t3/4/25, 10:40:00 AM\t35m\t\t\tAttendee",
        "",
        "3. In-Meeting Activities",
        "Name\tJoin Time\tLeave Time\tDuration\tEmail\tParticipant ID (UPN)\tRole",
        "Mira Member\t3/4/25, 10:00:03 AM\t3/4/25, 10:30:00 AM\t30m\tmember@example.org\tmember@example.org\tOrganizer",
        "Mira Member\t3/4/25, 10:32:00 AM\t3/4/25, 11:02:41 AM\t30m\tmember@example.org\tmember@example.org\tOrganizer",
        "Cora Coordinator\t3/4/25, 10:01:10 AM\t3/4/25, 11:00:00 AM\t58m\tcoordinator@example.org\tcoordinator@example.org\tPresenter",
    ]
)  # fmt: skip

ZOOM_MEETING = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,Case clinic,03/04/2025 10:00:00 AM,03/04/2025 11:02:00 AM,"
    "host@example.org,62,4\n"
    "\n"
)
ZOOM_PARTICIPANTS = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
    "Recording Consent,In Waiting Room\n"
    "Mira Member,member@example.org,03/04/2025 10:00:00 AM,03/04/2025 10:30:00 AM,30,No,,No\n"
    "Mira Member,member@example.org,03/04/2025 10:35:00 AM,03/04/2025 11:02:00 AM,27,No,,No\n"
    "Anna Visitor,coordinator@example.org,03/04/2025 10:01:00 AM,03/04/2025 11:00:00 AM,59,No,,No\n"
    "Gita Guest,,03/04/2025 10:05:00 AM,03/04/2025 10:40:00 AM,35,Yes,,No\n"
)
MEET = (
    "First name,Last name,Email,Duration,Time joined,Time exited\n"
    "Mira,Member,member@example.org,1 hr 2 min,10:00 AM,11:02 AM\n"
    "Cora,Coordinator,coordinator@example.org,58 min,10:01 AM,11:00 AM\n"
    "Gita,Guest,,35 min,10:05 AM,10:40 AM\n"
)
WEBEX = (
    "Name,Email,Invited,Registered,Join Time,Leave Time,Attendance Duration,Connection Type\n"
    "Mira Member,member@example.org,Yes,No,03/04/2025 10:00,03/04/2025 11:02,62 mins,Desktop app\n"
    "Cora Coordinator,coordinator@example.org,Yes,No,03/04/2025 10:01,03/04/2025 11:00,59 mins,Web app\n"
    "Stan Stranger,stan@elsewhere.example,No,No,03/04/2025 10:05,03/04/2025 10:40,35 mins,Phone\n"
)


@pytest.mark.parametrize(
    "name,data",
    [
        ("teams", codecs.BOM_UTF16_LE + TEAMS.encode("utf-16-le")),
        ("zoom with the meeting's details", (ZOOM_MEETING + ZOOM_PARTICIPANTS).encode()),
        ("zoom", ZOOM_PARTICIPANTS.encode()),
        ("meet", MEET.encode()),
        ("webex", WEBEX.encode()),
    ],
)
def test_meeting_tools_exports_are_read_from_their_table_of_people(name, data):
    parsed = parse_csv(data)
    emails = [email for _, email in parsed.entries]
    # the right table: never the host of the meeting's summary, nor the activities' rejoins
    assert "host@example.org" not in emails
    assert emails[:2] == ["member@example.org", "coordinator@example.org"]
    assert parsed.malformed == []
    if name == "webex":
        assert emails[2:] == ["stan@elsewhere.example"] and parsed.guests == []
        assert parsed.names["stan@elsewhere.example"] == "Stan Stranger"
    else:
        # the guest without an email, by name; a person who left and rejoined: once
        assert [g["name"] for g in parsed.guests] in (["Gita Guest (External)"], ["Gita Guest"])
        assert len(emails) == 2
    assert parsed.names["member@example.org"] == "Mira Member"
    if name == "teams":
        assert parsed.encoding == "UTF-16" and parsed.delimiter == "tab"
        assert parsed.email_column == "Email" and parsed.duplicates == []
    if name.startswith("zoom"):
        assert parsed.duplicates == [
            {"line": parsed.entries[0][0] + 1, "email": "member@example.org",
             "first_line": parsed.entries[0][0]}
        ]  # fmt: skip


def test_the_preview_shows_the_files_names_and_guests_are_counted(clients, users, community):
    from communities.factories import ActivityFactory

    activity = ActivityFactory(community=community, guest_count=0)
    body = (
        ZOOM_MEETING + ZOOM_PARTICIPANTS + "Ola Outside,ola@nowhere.example,,,,No,,No\n"
    ).encode()
    upload = SimpleUploadedFile("zoom.csv", body, content_type="text/csv")
    url = reverse("communities:attendance_import", args=[community.slug, activity.pk])
    location = clients["coordinator"].post(url, {"file": upload})["Location"]
    preview = clients["coordinator"].get(location).content.decode()
    # the name in the file beside the account it matched, a mismatch pointed out
    coordinator = users["coordinator"]
    assert f"{coordinator.display_name} &lt;coordinator@example.org&gt;" in preview
    row = preview[preview.index("Anna Visitor") :].split("</tr>")[0]
    assert "The name in the file is not the account" in row
    assert "Gita Guest" in preview and "Guests without an email" in preview
    clients["coordinator"].post(location, {"unknown_action": "guest"})
    activity.refresh_from_db()
    assert activity.guest_names.splitlines() == ["Gita Guest", "Ola Outside"]
    assert activity.guest_count == 2
    assert set(activity.attendance.values_list("user__email", flat=True)) == {
        "member@example.org", "coordinator@example.org"
    }  # fmt: skip
    assert not User.objects.filter(email="ola@nowhere.example").exists()
