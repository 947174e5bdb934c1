"""Accounts: email login, sign-up (optionally limited to domains), password reset and change."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from childcop.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.person@example.org",
    "password1": "tall-green-teapot-91",
    "password2": "tall-green-teapot-91",
    "display_name": "New Person",
    "job_title": "Analyst",
    "department": "Finance",
}


def test_login_with_email_and_password(client, member):
    response = client.post(
        reverse("account_login"), {"login": "member@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_an_error(client, member):
    response = client.post(
        reverse("account_login"), {"login": "member@example.org", "password": "nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_signup_creates_a_user_with_profile(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert (user.display_name, user.job_title, user.department) == (
        "New Person",
        "Analyst",
        "Finance",
    )
    assert not user.is_program_admin


def test_signup_limited_to_allowed_domains(client, settings):
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    assert "Sign-up is limited to addresses ending in @ourorg.example" in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "someone@OURORG.example"})
    assert response.status_code == 302
    assert User.objects.filter(email="someone@ourorg.example").exists()


def test_signup_can_be_closed(client, settings):
    settings.CHILDCOP_SIGNUP_OPEN = False
    response = client.post(reverse("account_signup"), SIGNUP)
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert "closed" in client.get(reverse("account_signup")).content.decode().lower()
    assert response.status_code == 200


def test_signup_invalid_input_writes_nothing(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password2": "different", "display_name": ""}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert User.objects.count() == 0


def test_password_reset_sends_an_email_with_a_working_link(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@example.org"]
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    assert sets_password(client, action, member, "brand-new-secret-77")


def sets_password(client, url, member, password, **fields):
    """Posting the new `password` (twice, with `fields`) to the form at `url` redirects, and
    the member's password is then `password`."""
    response = client.post(url, {**fields, "password1": password, "password2": password})
    assert response.status_code == 302
    member.refresh_from_db()
    return member.check_password(password)


def test_password_change(client, member):
    client.force_login(member)
    url = reverse("account_change_password")
    assert sets_password(client, url, member, "another-secret-55", oldpassword=PASSWORD)


def test_profile_and_notification_preferences(client, member):
    client.force_login(member)
    response = client.post(
        reverse("profile"),
        {
            "display_name": "Mei T.",
            "job_title": "Lead",
            "department": "Ops",
            "notify_digests": "on",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (
        member.display_name == "Mei T."
        and member.notify_digests
        and not member.notify_rhythm_reminders
    )


def test_profile_invalid_input(client, member):
    client.force_login(member)
    response = client.post(reverse("profile"), {"display_name": "x" * 300})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name != "x" * 300


def test_admin_login_goes_through_our_login_page(client, admin_user):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith(reverse("account_login"))
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/communities/community/").status_code == 200
