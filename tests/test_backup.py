"""Backup and restore of the demo program, on the run's own database engine."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from childcop.accounts.models import User
from childcop.backup import figures
from communities.models import Community
from tests.commands import command_output
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def pages(client):
    """What the program admin sees on the pages a restore must bring back."""
    community = Community.objects.order_by("slug").first()
    urls = [
        reverse("communities:list"),
        reverse("people:list"),
        reverse("value_stories:list"),
        reverse("communities:detail", args=[community.slug]),
        reverse("communities:members", args=[community.slug]),
    ]
    token = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')
    rendered = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = token.sub("", response.content.decode())
    return rendered


def test_the_demo_program_backed_up_and_restored_into_an_empty_database(tmp_path):
    command_output("seed_demo", people=90)  # the demo program, a little smaller: quicker
    admin = User.objects.filter(is_program_admin=True).order_by("pk").first()
    client = client_for(admin)  # signed in, with the second step a program admin gives
    before, shown = figures(), pages(client)
    assert all(before.values()), before  # communities, people, attendance and stories

    archive = tmp_path / "program.tar.gz"
    assert "Backed up" in command_output("backup", "--output", str(archive))
    call_command("flush", interactive=False)  # everything gone: an empty database
    assert figures() == dict.fromkeys(before, 0)

    assert "Restored the backup" in command_output("restore", str(archive))
    assert figures() == before
    client.force_login(User.objects.get(pk=admin.pk))
    assert pages(client) == shown

    # A database with people in it is not overwritten by accident.
    with pytest.raises(CommandError, match="already has people"):
        call_command("restore", str(archive))
