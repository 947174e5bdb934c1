"""The project's own checks: migrations committed, lint clean, production settings safe, demo seed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from childcop.accounts.models import Notification, User
from communities.choices import Level, Stage
from communities.models import Community, LeadershipAssignment, Membership

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args, env=None):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.django_db
def test_migrations_are_committed():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_ruff_check_and_format_are_clean():
    check = run(str(BIN / "ruff"), "check", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CHILDCOP_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="childcop.settings",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Qp" * 10,
        DJANGO_ALLOWED_HOSTS="cop.example.org",
        **extra,
    )
    return env


def test_check_deploy_is_clean_in_production():
    result = run(
        sys.executable,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(sys.executable, "manage.py", "check", "--deploy", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_web_server_refuses_the_development_secret():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(sys.executable, "-c", "import childcop.wsgi", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_offline_commands_run_without_the_production_secret():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr


def test_bad_environment_values_fail_loudly():
    result = run(sys.executable, "manage.py", "check", env=production_env(DJANGO_DEBUG="maybe"))
    assert result.returncode != 0 and "DJANGO_DEBUG must be one of" in result.stderr


def assert_the_demo_is_believable():
    """Sessions on working days in office hours (the program's time); each community its
    own practice groups, help requests and business case."""
    from collections import defaultdict
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from communities.models import HelpRequest
    from communities.rhythm.models import Session
    from practice_groups.models import PracticeGroup
    from sponsorship.models import BusinessCaseVersion

    zone = ZoneInfo(settings.TIME_ZONE)
    starts = list(Session.objects.values_list("starts_at", flat=True))
    assert len(starts) > 50
    for moment in starts:
        local = moment.astimezone(zone)
        assert local.weekday() < 5, f"a session on a {local:%A}: {local}"
        assert local.hour >= 8 and (local.hour, local.minute) <= (17, 0), local

    def shared(rows):
        owners = defaultdict(set)
        for community, text in rows:
            owners[text].add(community)
        return {text for text, communities in owners.items() if len(communities) > 1}

    groups = PracticeGroup.objects.values_list("community", "name")
    requests = HelpRequest.objects.values_list("community", "title")
    cases = BusinessCaseVersion.objects.values_list("community", "why_care")
    assert len(groups) >= 12 and len(requests) >= 16 and len({c for c, _ in cases}) >= 2
    assert shared(groups) == set() and shared(requests) == set() and shared(cases) == set()


@pytest.mark.django_db
def test_seed_demo_builds_a_believable_program_and_is_idempotent(capsys, client, settings):
    from allauth.account.models import EmailAddress
    from django.urls import reverse

    call_command("seed_demo", people=150)
    out = capsys.readouterr().out
    for email in (
        "admin@example.org",
        "coordinator@example.org",
        "core@example.org",
        "member@example.org",
        "newcomer@example.org",
    ):
        assert email in out
        assert User.objects.get(email=email).check_password("childcop-demo")
    assert Community.objects.count() >= 8
    assert set(Community.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert User.objects.count() >= 150
    assert set(Membership.objects.values_list("level", flat=True)) == set(Level.values)
    assert LeadershipAssignment.objects.exists()
    dp = Community.objects.get(slug="data-protection-in-practice")
    assert dp.memberships.get(user__email="coordinator@example.org").is_coordinator
    assert dp.memberships.get(user__email="core@example.org").level == Level.CORE
    assert not Membership.objects.filter(user__email="newcomer@example.org").exists()
    assert User.objects.get(email="admin@example.org").is_program_admin
    # the demo people's notifications: their communities, a business case for the sponsor,
    # the program reports for the admin; written once
    unread = dict(
        User.objects.filter(email__endswith="@example.org").values_list(
            "email", "unread_notifications"
        )
    )
    assert unread["member@example.org"] >= 2 and unread["coordinator@example.org"] >= 1
    assert unread["sponsor@example.org"] >= 1 and unread["admin@example.org"] >= 2
    assert_the_demo_is_believable()
    counts = (User.objects.count(), Community.objects.count(), Membership.objects.count())
    notified = Notification.objects.count()
    call_command("seed_demo")
    assert Notification.objects.count() == notified
    assert "already seeded" in capsys.readouterr().out
    assert (User.objects.count(), Community.objects.count(), Membership.objects.count()) == counts
    # `make run` opens sign-up with mandatory email verification (DJANGO_DEBUG=1), which
    # applies to every sign-in: the demo logins' addresses count as verified, also in a
    # program seeded before
    EmailAddress.objects.filter(email="member@example.org").delete()
    call_command("seed_demo")
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = client.post(
        reverse("account_login"), {"login": "member@example.org", "password": "childcop-demo"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    # The demo's program admin signs in and is asked to set up two-step sign-in first (their
    # address is verified, so they may).
    admin = Client()
    admin.post(
        reverse("account_login"), {"login": "admin@example.org", "password": "childcop-demo"}
    )
    assert admin.get("/")["Location"] == reverse("mfa_index")
    assert admin.get(reverse("mfa_activate_totp")).status_code == 200
