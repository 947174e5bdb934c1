"""Personal data rights: a person downloads everything the product holds about them; a
program admin erases a person, and the figures stay true while the name goes everywhere."""

import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEntry
from childcop.accounts.factories import UserFactory
from childcop.accounts.models import User
from communities import participation
from communities.choices import Level
from communities.factories import (
    ActivityFactory,
    AnswerFactory,
    AttendanceFactory,
    CommunityFactory,
    HelpRequestFactory,
    MembershipFactory,
)
from communities.health.indicators import compute
from communities.health.jobs.reports import generate_reports
from communities.models import (
    AttendanceImport,
    Dimension,
    HealthCheck,
    HealthCheckResponse,
    HealthRating,
    HealthReport,
)
from tests.conftest import client_for
from value_stories.factories import ValueStoryFactory
from value_stories.models import ValueStory

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Zelda Quillfeather", "zelda.quillfeather@example.org"


def last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def zelda(users, community):
    """A member of three communities who attended in each last month, with her level history,
    an approved story, a health-check answer, a help request and an answer, and a line in an
    imported attendance file."""
    person = UserFactory(email=EMAIL, display_name=NAME, job_title="Records officer")
    EmailAddress.objects.create(user=person, email=EMAIL, verified=True, primary=True)
    others = [CommunityFactory(name="Field safety"), CommunityFactory(name="Grant writing")]
    day = last_month() + timedelta(days=9)
    for place in [community, *others]:
        membership = MembershipFactory(community=place, user=person, level=Level.ACTIVE)
        participation.record_level(membership)
        MembershipFactory(community=place, level=Level.ACTIVE)  # someone else too
        for n in range(2):
            activity = ActivityFactory(community=place, date=day + timedelta(days=n))
            AttendanceFactory(activity=activity, user=person)
    activity = community.activities.first()
    AttendanceImport.objects.create(
        activity=activity, filename="teams.csv", status="applied",
        rows={"members": [{"line": 2, "email": EMAIL, "user": person.pk, "name": NAME}]},
    )  # fmt: skip
    ValueStoryFactory(
        community=community, author=person, status="approved", visibility="program",
        title="Consent forms in plain words", happened_on=day,
    )  # fmt: skip
    check = HealthCheck.objects.create(
        community=community, period_start=day, period_end=day + timedelta(days=30),
        answer_by=day + timedelta(days=40),
    )  # fmt: skip
    response = HealthCheckResponse.objects.create(
        health_check=check, respondent=person, notes="We meet often."
    )
    HealthRating.objects.create(response=response, dimension=Dimension.objects.first(), score=4)
    HelpRequestFactory(community=community, asker=person, title="Retention periods?")
    AnswerFactory(request=HelpRequestFactory(community=community), author=person, body="Ask DPO.")
    return person, [community, *others]


def zip_parts(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("childcop-data.json"))
    return archive, data


def test_a_person_downloads_everything_the_product_holds_about_them(zelda):
    person, communities = zelda
    client = client_for(person)
    assert client.get(reverse("my_data")).status_code == 405  # POST only: it is recorded
    archive, data = zip_parts(client.post(reverse("my_data")))
    assert {m["community_name"] for m in data["memberships"]} == {c.name for c in communities}
    assert len(data["attendance"]) == 6 and len(data["level_history"]) == 3
    assert [s["title"] for s in data["stories"]] == ["Consent forms in plain words"]
    answer = data["health_check_answers"][0]
    assert answer["notes"] == "We meet often." and answer["ratings"][0]["score"] == 4
    assert [r["title"] for r in data["help_requests"]] == ["Retention periods?"]
    assert [a["body"] for a in data["help_answers"]] == ["Ask DPO."]
    preferences = {p["kind"]: p["channel"] for p in data["notification_preferences"]}
    assert preferences["session_reminder"] == "both" and len(preferences) >= 10
    assert data["profile"][0]["email"] == EMAIL
    # Each part is a CSV file too.
    rows = list(csv.DictReader(io.StringIO(archive.read("attendance.csv").decode())))
    assert len(rows) == 6 and {r["community_name"] for r in rows} == {c.name for c in communities}
    assert "notification_preferences.csv" in archive.namelist()
    assert set(data) >= {"agenda_items", "shared_memory", "practice_groups", "mentoring"}
    entry = AuditEntry.objects.get(action=Action.DATA_DOWNLOADED)
    assert entry.actor == entry.subject == person


def numbers(html: str) -> list[str]:
    """The figures of a page, without its tokens and the person's name (either one), in order
    of value (a list sorted by name may put the anonymised row elsewhere); links are left out
    (a regenerated report has a new id)."""
    html = re.sub(r'href="[^"]*"|[A-Za-z0-9]{40,}', "", html)
    html = re.sub(r"Former member \d+|" + NAME + "|" + EMAIL, "", html)
    return sorted(re.findall(r"\d+", html))


def pages(community_list):
    for place in community_list:
        yield reverse("communities:detail", args=[place.slug])
        yield reverse("communities:members", args=[place.slug])
        yield reverse("communities:health", args=[place.slug])


def figures(admin, community_list):
    """The month's figures regenerated, the indicators and the community pages' numbers."""
    ids = [c.pk for c in community_list]
    HealthReport.objects.filter(period=last_month()).delete()
    generate_reports(last_month(), community_ids=ids, send_emails=False)
    month = {
        r.community_id: [(i["key"], i["values"]) for i in r.data["indicators"]]
        for r in HealthReport.objects.filter(period=last_month())
    }
    indicators = {
        pk: [(i.key, i.values) for i in health.indicators] for pk, health in compute(ids).items()
    }
    shown = {url: numbers(admin.get(url).content.decode()) for url in pages(community_list)}
    return month, indicators, shown


def test_erasing_keeps_the_figures_and_removes_the_name(zelda, clients, users):
    person, communities = zelda
    person.keep_stories_if_erased = True  # her choice on her profile
    person.save()
    admin = clients["admin"]
    before = figures(admin, communities)
    members = reverse("communities:members", args=[communities[0].slug])
    assert NAME in admin.get(members).content.decode()  # shown before

    erase = reverse("people:erase", args=[person.pk])
    assert NAME in admin.get(erase).content.decode()
    refused = admin.post(erase, {"confirmation": "someone@else.example"})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert User.objects.get(pk=person.pk).display_name == NAME  # nothing changed
    response = admin.post(erase, {"confirmation": EMAIL.upper()})
    assert response.status_code == 302

    assert figures(admin, communities) == before
    # Her row is anonymised and can no longer sign in; her story stays, as she chose.
    person.refresh_from_db()
    assert person.display_name == f"Former member {person.pk}"
    assert not person.is_active and not person.has_usable_password()
    assert person.job_title == "" and person.email.endswith("@erased.invalid")
    assert ValueStory.objects.get(title="Consent forms in plain words").author == person
    # Her name is in no text column that held it ...
    assert not User.objects.filter(display_name__icontains="Zelda").exists()
    assert not EmailAddress.objects.filter(email__icontains="zelda").exists()
    for upload in AttendanceImport.objects.all():
        assert "zelda" not in json.dumps(upload.rows).lower()
    for entry in AuditEntry.objects.all():
        assert "zelda" not in f"{entry.target} {entry.detail}".lower()
    erased = AuditEntry.objects.get(action=Action.ERASED)
    assert erased.actor == users["admin"] and erased.subject == person
    # ... and on no page.
    story = ValueStory.objects.get(author=person)
    for url in [
        *pages(communities),
        reverse("people:list"),
        reverse("value_stories:list"),
        reverse("value_stories:detail", args=[story.pk]),
        reverse("program:audit"),
        reverse("program:overview"),
    ]:
        text = admin.get(url).content.decode().lower()
        assert "zelda" not in text and "quillfeather" not in text, url
    for typed in ("Zelda", "quillfeather@"):
        found = admin.get(reverse("people:list"), {"q": typed}).context["page"].object_list
        assert list(found) == []
    assert "Former member" in admin.get(members).content.decode()
    # Another person's download and the community's export still work, without her name.
    _, data = zip_parts(client_for(users["member"]).post(reverse("my_data")))
    assert data["memberships"][0]["community_name"] == communities[0].name
    export = clients["coordinator"].get(
        reverse("communities:members_export", args=[communities[0].slug])
    )
    assert export.status_code == 200 and "Zelda" not in export.content.decode()
    assert "Former member" in export.content.decode()
    # Erased once: the page says so instead of erasing again.
    again = admin.post(erase, {"confirmation": person.email}, follow=True)
    assert "already erased" in again.content.decode()


def test_stories_go_with_the_account_unless_the_person_chose_to_keep_them(zelda, clients):
    person, _ = zelda
    assert person.keep_stories_if_erased is False  # the default: they are removed
    admin = clients["admin"]
    page = admin.get(reverse("people:erase", args=[person.pk])).content.decode()
    assert "did not choose to keep them" in page
    admin.post(reverse("people:erase", args=[person.pk]), {"confirmation": EMAIL})
    assert not ValueStory.objects.filter(author=person).exists()
    entry = AuditEntry.objects.get(action=Action.ERASED)
    assert entry.detail == "1 value-creation story removed"


def test_only_program_admins_erase_and_never_themselves(zelda, clients, users):
    person, _ = zelda
    url = reverse("people:erase", args=[person.pk])
    for role in ("member", "coordinator", "sponsor"):
        assert clients[role].post(url, {"confirmation": EMAIL}).status_code == 403
    own = reverse("people:erase", args=[users["admin"].pk])
    response = clients["admin"].get(own, follow=True)
    assert "cannot erase yourself" in response.content.decode()
    assert User.objects.get(pk=person.pk).display_name == NAME
    assert not AuditEntry.objects.filter(action=Action.ERASED).exists()
    # The directory offers the erasure to program admins only.
    detail = reverse("people:detail", args=[users["member"].pk])
    assert url.replace(str(person.pk), str(users["member"].pk)) in (
        clients["admin"].get(detail).content.decode()
    )
    assert "/erase/" not in clients["coordinator"].get(detail).content.decode()


def test_the_profile_offers_the_download_and_the_stories_choice(clients, users):
    page = clients["member"].get(reverse("profile")).content.decode()
    assert page.count(reverse("my_data")) == 1 and "<title>Your profile" in page
    assert "keep my stories if my account is erased" in page.lower()
    clients["member"].post(
        reverse("profile"),
        {"display_name": "Mo Member", "keep_stories_if_erased": "on"},
    )
    assert User.objects.get(pk=users["member"].pk).keep_stories_if_erased is True
