"""The audit log: each audited action, performed through its page, leaves its entry; the log
is read (filtered, paginated, exported) by program admins only, and nothing in the product
changes an entry; old entries go after the retention period."""

import csv
import io
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal import auth as totp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import audit
from audit.choices import Action
from audit.models import AuditEntry
from childcop.accounts.factories import UserFactory
from communities.factories import ActivityFactory, CommunityFactory
from communities.models import Membership
from sponsorship.models import Appointment, BusinessCaseVersion
from tests.conftest import PASSWORD
from tests.routes import walk

pytestmark = pytest.mark.django_db


def entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters))


def one(action, **filters):
    found = entries(action, **filters)
    assert len(found) == 1, (action, filters, found)
    return found[0]


# --- every audited action, through its page ------------------------------------------------


def test_sign_in_and_failed_sign_ins_are_recorded_with_the_address(client, member):
    login = reverse("account_login")
    client.post(login, {"login": "member@example.org", "password": "not-the-password"})
    client.post(login, {"login": "nobody@elsewhere.example", "password": "whatever-it-is"})
    client.post(login, {"login": "member@example.org", "password": PASSWORD})
    client.logout()
    client.post(login, {"login": "my-Secret-passw0rd", "password": "x"})  # wrong field
    failed = one(Action.SIGN_IN_FAILED, subject=member)
    assert failed.actor is None and failed.ip_address == "127.0.0.1"
    unknown = one(Action.SIGN_IN_FAILED, subject=None)
    assert unknown.detail == "address typed: nobody@elsewhere.example"
    assert not AuditEntry.objects.filter(detail__contains="Secret").exists()
    signed_in = one(Action.SIGNED_IN, actor=member)
    assert signed_in.subject == member and signed_in.ip_address == "127.0.0.1"


def test_two_factor_changes_are_recorded(client, member, django_capture_on_commit_callbacks):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # as MFA asks
    activate = reverse("mfa_activate_totp")
    assert client.get(activate).status_code == 200
    secret = client.session[totp.SECRET_SESSION_KEY]
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD  # the current period
    code = totp.format_hotp_value(totp.hotp_value(secret, counter))
    # allauth sends its signals once the change is committed
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(activate, {"code": code}).status_code == 302
    added = entries(Action.MFA_ADDED, actor=member)
    assert {entry.detail for entry in added} == {"TOTP Authenticator", "Recovery codes"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))
    assert one(Action.MFA_RESET, actor=member).detail == "Recovery codes"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"))
    removed = entries(Action.MFA_REMOVED, actor=member)
    assert "TOTP Authenticator" in {entry.detail for entry in removed}


def test_level_and_role_changes_by_hand_are_recorded(clients, users, community):
    membership = Membership.objects.get(user=users["member"], community=community)
    url = reverse("communities:membership_edit", args=[community.slug, membership.pk])
    response = clients["coordinator"].post(url, {"level": "core", "roles": ["agenda_activist"]})
    assert response.status_code == 302
    entry = one(Action.ROLE_CHANGED, subject=users["member"])
    assert entry.actor == users["coordinator"] and entry.community == community
    assert "level: Active → Core group" in entry.detail
    assert "Agenda activist" in entry.detail


def test_stage_changes_are_recorded(clients, users, community):
    url = reverse("communities:stage", args=[community.slug])
    clients["admin"].post(url, {"to_stage": "sustaining", "note": "Steady rhythm."})
    entry = one(Action.STAGE_CHANGED, community=community)
    assert entry.actor == users["admin"] and entry.detail == "Maturing → Sustaining"


def test_appointments_are_recorded(clients, users, community):
    candidate = UserFactory(email="candidate@example.org")
    today = timezone.localdate().isoformat()
    clients["admin"].post(
        reverse("sponsorship:appointment_identify"),
        {
            "person_email": candidate.email, "role": "sponsor", "sponsor_kind": "portfolio",
            "suggested_by_email": "", "reason": "Cares about learning.", "identified_on": today,
        },
    )  # fmt: skip
    appointment = Appointment.objects.get(person=candidate)
    clients["admin"].post(
        reverse("sponsorship:appointment_appoint", args=[appointment.pk]),
        {"appointed_on": today, "scope": "communities", "communities": [community.pk]},
    )
    clients["admin"].post(
        reverse("sponsorship:appointment_end", args=[appointment.pk]),
        {"ended_on": today, "end_note": "Moved on."},
    )
    steps = [e.detail for e in AuditEntry.objects.filter(action=Action.APPOINTMENT).order_by("id")]
    assert steps == ["identified", "officially appointed", "ended"]
    assert {e.subject for e in entries(Action.APPOINTMENT)} == {candidate}


def test_business_case_endorsements_are_recorded(clients, users, community):
    version = BusinessCaseVersion.objects.create(
        community=community, number=1, status="submitted", why_care="Costly mistakes."
    )
    clients["sponsor"].post(
        reverse("sponsorship:business_case_respond", args=[community.slug, version.pk]),
        {"version": version.pk, "kind": "endorse", "text": "Go ahead."},
    )
    entry = one(Action.CASE_ENDORSED, community=community)
    assert entry.actor == users["sponsor"] and entry.target == "Business case version 1"


def test_attendance_imports_are_recorded(clients, users, community):
    activity = ActivityFactory(community=community, title="Clinic")
    upload = SimpleUploadedFile(
        "teams.csv", b"Name,Email\r\nMo Member,member@example.org\r\n", content_type="text/csv"
    )
    client = clients["coordinator"]
    response = client.post(
        reverse("communities:attendance_import", args=[community.slug, activity.pk]),
        {"file": upload},
    )
    assert response.status_code == 302
    assert not entries(Action.IMPORTED)  # a preview is not an import
    client.post(response["Location"], {"unknown_action": "skip"})
    entry = one(Action.IMPORTED, community=community)
    assert entry.actor == users["coordinator"] and entry.target.startswith("teams.csv")
    assert "1 person marked as attended" in entry.detail


def export_urls(community):
    for name, pattern in walk():
        if name and name.endswith("export") and not name.startswith("admin:"):
            kwargs = {"slug": community.slug} if "slug" in pattern.pattern.converters else {}
            yield name, reverse(name, kwargs=kwargs)


def test_every_csv_export_is_recorded(clients, users, community):
    urls = dict(export_urls(community))
    assert len(urls) >= 6  # members, appointments, overview, stories, indicators, audit log
    for name, url in urls.items():
        response = clients["admin"].get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        filename = response["Content-Disposition"].split('filename="')[1].rstrip('"')
        entry = one(Action.EXPORTED, target=filename)
        assert entry.actor == users["admin"], name
    members = one(Action.EXPORTED, target=f"{community.slug}-members.csv")
    assert members.community == community


def test_token_creation_is_recorded(clients, users):
    response = clients["member"].post(
        reverse("tokens:create"),
        {"name": "Power BI", "access": "read", "areas": ["communities", "health"]},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    entry = one(Action.TOKEN_CREATED)
    assert entry.actor == users["member"] and "Power BI" in entry.target
    assert "communities" in entry.detail and "health" in entry.detail


# --- read by program admins: filters, pagination, CSV ----------------------------------------


def grow(n, community, actor):
    for i in range(n):
        AuditEntry.objects.create(
            actor=actor, action=Action.EXPORTED, subject=actor, community=community,
            target=f"file-{i}.csv",
        )  # fmt: skip


def count(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("program:audit"), params)
    assert response.status_code == 200
    return len(ctx)


# session + user, the communities of the filter's select, count, page of entries (with the
# actor, subject and community joined)
AUDIT_LOG = 5


def test_the_log_page_runs_a_constant_number_of_queries(clients, users, community, settings):
    settings.CHILDCOP_PAGE_SIZE = 10
    grow(3, community, users["member"])
    assert count(clients["admin"]) == AUDIT_LOG
    grow(40, CommunityFactory(), users["core"])
    assert count(clients["admin"]) == AUDIT_LOG
    assert count(clients["admin"], action="exported", page=3) == AUDIT_LOG


def test_filters_by_actor_action_dates_and_community(clients, users, community):
    other = CommunityFactory(name="Field safety")
    old = AuditEntry.objects.create(
        actor=users["core"], action=Action.STAGE_CHANGED, community=other, target="Old one",
        at=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    AuditEntry.objects.create(
        actor=users["member"], action=Action.EXPORTED, community=community, target="Newer one"
    )
    admin = clients["admin"]
    url = reverse("program:audit")

    def shown(**params):
        page = admin.get(url, params).context["page"]
        return {e.target for e in page.object_list if e.target in {"Old one", "Newer one"}}

    assert shown() == {"Old one", "Newer one"}
    assert shown(actor="core@") == {"Old one"}
    assert shown(action="exported") == {"Newer one"}
    assert shown(community=other.pk) == {"Old one"}
    day = timezone.localdate(old.at)
    assert shown(date_from=day.isoformat(), date_to=day.isoformat()) == {"Old one"}
    assert shown(date_from=(day + timedelta(days=1)).isoformat()) == {"Newer one"}
    assert admin.get(url, {"date_from": "0001-01-01"}).status_code == 200  # an error, not a 500


def test_csv_export_follows_the_filters_and_neutralises_formulas(clients, users, community):
    AuditEntry.objects.create(
        actor=users["member"], action=Action.EXPORTED, target="=HYPERLINK(1)", community=community
    )
    AuditEntry.objects.create(actor=users["core"], action=Action.STAGE_CHANGED, target="Other")
    response = clients["admin"].get(reverse("program:audit_export"), {"action": "exported"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["When", "Who", "Who (email)", "Action"]
    assert [r[6] for r in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][2] == "member@example.org"


def test_only_program_admins_read_the_log(clients):
    for role in ("member", "coordinator", "sponsor", "outsider"):
        assert clients[role].get(reverse("program:audit")).status_code == 403
        assert clients[role].get(reverse("program:audit_export")).status_code == 403
    assert not entries(Action.EXPORTED)  # a refused export is no export


# --- nothing in the product changes an entry ---------------------------------------------------


def test_nothing_in_the_product_changes_an_entry(clients, users):
    entry = audit.record(users["member"], Action.EXPORTED, "people.csv")
    entry.target = "something else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(target="rewritten")
    # The pages only read: they take GET alone.
    for name in ("program:audit", "program:audit_export"):
        assert clients["admin"].post(reverse(name)).status_code == 405
    # The admin shows entries read-only: no add, change or delete.
    admin = clients["admin"]
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert admin.get(change).status_code == 200
    assert admin.post(change, {"target": "rewritten"}).status_code == 403
    assert admin.post(reverse("admin:audit_auditentry_add"), {}).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:audit_auditentry_changelist")
    response = admin.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert response.status_code in (200, 302)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.target == "people.csv"
    # A deleted person is let go of (SET_NULL), and that is the only change allowed.
    users["outsider"].delete()


# --- retention ---------------------------------------------------------------------------------


def test_expired_entries_are_purged_by_an_idempotent_daily_job(users, settings):
    from django_celery_beat.models import PeriodicTask

    settings.CHILDCOP_AUDIT_RETENTION_DAYS = 30
    old = AuditEntry.objects.create(
        action=Action.EXPORTED, target="old", at=timezone.now() - timedelta(days=31)
    )
    kept = AuditEntry.objects.create(
        action=Action.EXPORTED, target="kept", at=timezone.now() - timedelta(days=29)
    )
    out = io.StringIO()
    call_command("purge_audit_log", stdout=out)
    assert "Deleted 1 audit entries older than 30 days" in out.getvalue()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    call_command("purge_audit_log", stdout=out)
    assert "Deleted 0 audit entries" in out.getvalue()
    task = PeriodicTask.objects.get(task="communities.tasks.purge_audit_log")
    assert task.enabled and task.crontab.hour == "3"


def test_roles_given_by_hand_in_the_admin_are_recorded(clients, users, community):
    person = users["outsider"]
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = clients["admin"].get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(is_program_admin="on", is_active="on", groups=[])
    data.pop("is_staff", None)
    data.pop("is_superuser", None)
    for flag in ("notify_rhythm_reminders", "notify_community_news", "notify_digests"):
        data[flag] = "on"
    data["last_login_0"] = data["last_login_1"] = ""
    joined = timezone.localtime(person.date_joined)
    data["date_joined_0"], data["date_joined_1"] = joined.date(), joined.time()
    response = clients["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = one(Action.ROLE_CHANGED, subject=person)
    assert (
        entry.actor == users["admin"] and entry.detail == "in the admin: Social learning team: yes"
    )


def test_a_failed_sign_in_keeps_only_an_email_address_typed(rf):
    from django.contrib.auth.signals import user_login_failed

    request = rf.post("/accounts/login/")
    user_login_failed.send(sender=None, credentials={"email": "Passw0rd!"}, request=request)
    assert one(Action.SIGN_IN_FAILED).detail == "address typed: (not an email address)"
