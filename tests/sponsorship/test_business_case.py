"""The business case: drafts, submission to the sponsors, versions, comments and endorsements."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from communities.factories import CommunityFactory
from sponsorship import jobs
from sponsorship.choices import (
    BUSINESS_CASE_QUESTIONS,
    GUIDANCE,
    CaseStatus,
    ResponseKind,
    Scope,
)
from sponsorship.factories import BusinessCaseVersionFactory, SponsorAppointmentFactory
from sponsorship.models import BusinessCaseVersion, SponsorResponse

pytestmark = pytest.mark.django_db

FIELDS = [field for field, _ in BUSINESS_CASE_QUESTIONS]


def url(name, community, *args):
    return reverse(f"sponsorship:{name}", args=[community.slug, *args])


def answers(prefix="v1"):
    return {field: f"{prefix}: answer to {field}" for field in FIELDS}


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def draft(clients, community, prefix="v1"):
    response = clients["coordinator"].post(url("business_case_edit", community), answers(prefix))
    assert response.status_code == 302
    return BusinessCaseVersion.objects.filter(community=community).order_by("-number").first()


def submit(clients, community, capture):
    with capture(execute=True):
        response = clients["coordinator"].post(url("business_case_submit", community))
    assert response.status_code == 302
    return BusinessCaseVersion.objects.filter(community=community).order_by("-number").first()


def endorse(client, community, version, *, posted_version=None, text="Go ahead."):
    return client.post(
        url("business_case_respond", community, version.pk),
        {"version": posted_version or version.pk, "kind": ResponseKind.ENDORSE, "text": text},
    )


def sponsor_comments(clients, community, capture, text):
    """A draft submitted, then the sponsor's comment `text` on it: the version and the answer."""
    draft(clients, community)
    version = submit(clients, community, capture)
    response = clients["sponsor"].post(
        url("business_case_respond", community, version.pk),
        {"version": version.pk, "kind": ResponseKind.COMMENT, "text": text},
    )
    return version, response


class TestDrafting:
    def test_the_form_asks_the_nine_questions_with_guidance(self, clients, community):
        page = clients["coordinator"].get(url("business_case_edit", community)).content.decode()
        for field, question in BUSINESS_CASE_QUESTIONS:
            assert question.replace("'", "&#x27;") in page
            assert GUIDANCE[field].split(":")[0][:30] in page

    def test_coordinator_saves_a_draft_that_only_managers_read(self, clients, community, users):
        version = draft(clients, community)
        assert (version.number, version.status) == (1, CaseStatus.DRAFT)
        assert version.created_by == users["coordinator"]
        assert version.strategy == "v1: answer to strategy"
        detail = url("business_case_version", community, version.pk)
        for role in ("coordinator", "admin"):
            assert clients[role].get(detail).status_code == 200
        for role in ("member", "core", "sponsor"):
            assert clients[role].get(detail).status_code == 404  # drafts are not theirs
            page = clients[role].get(url("business_case", community)).content.decode()
            assert "v1: answer" not in page
            assert "has not submitted a business case yet" in page

    def test_saving_the_draft_again_keeps_the_same_version(self, clients, community):
        first = draft(clients, community)
        again = draft(clients, community, prefix="better")
        assert again.pk == first.pk and again.number == 1
        assert again.why_care == "better: answer to why_care"
        assert BusinessCaseVersion.objects.count() == 1

    def test_admin_may_draft_too(self, clients, community):
        response = clients["admin"].post(url("business_case_edit", community), answers())
        assert response.status_code == 302
        assert BusinessCaseVersion.objects.get().number == 1

    def test_submitting_nothing_is_refused(self, clients, community):
        response = clients["coordinator"].post(url("business_case_submit", community))
        assert response.status_code == 302
        assert "There is no draft to submit" in texts(response)[-1]
        BusinessCaseVersionFactory(community=community, why_care="")
        response = clients["coordinator"].post(url("business_case_submit", community))
        assert "Answer at least one question" in texts(response)[-1]
        assert BusinessCaseVersion.objects.get().status == CaseStatus.DRAFT


class TestSubmission:
    def test_submit_emails_each_current_sponsor_once(
        self, clients, community, users, django_capture_on_commit_callbacks
    ):
        program_sponsor = SponsorAppointmentFactory(
            person=UserFactory(email="portfolio@example.org"), scope=Scope.PROGRAM
        ).person
        SponsorAppointmentFactory(  # sponsors another community only
            person=UserFactory(email="elsewhere@example.org"),
            communities=[CommunityFactory(name="Elsewhere")],
        )
        draft(clients, community)
        confirm = clients["coordinator"].get(url("business_case_submit", community))
        assert b"Submit version 1 of the business case" in confirm.content
        version = submit(clients, community, django_capture_on_commit_callbacks)
        assert version.status == CaseStatus.SUBMITTED and version.submitted_at
        assert sorted(m.to[0] for m in mail.outbox) == [
            "portfolio@example.org",
            "sponsor@example.org",
        ]
        message = mail.outbox[0]
        assert "version 1" in message.subject and community.name in message.subject
        assert url("business_case_version", community, version.pk) in message.body
        assert "v1: answer to success" in message.body
        # A retry of the job: claimed already, nothing new.
        assert jobs.send_submitted_emails(version.pk) == 0
        assert len(mail.outbox) == 2
        assert (
            SentEmail.objects.filter(kind="business_case_submitted", key=str(version.pk)).count()
            == 2
        )
        assert program_sponsor.pk in {e.recipient_id for e in SentEmail.objects.all()}

    def test_members_and_sponsors_read_the_submitted_version(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        draft(clients, community)
        version = submit(clients, community, django_capture_on_commit_callbacks)
        for role in ("member", "core", "coordinator", "admin", "sponsor"):
            for address in (url("business_case", community), url("business_case_version", community, version.pk)):  # fmt: skip
                page = clients[role].get(address)
                assert page.status_code == 200, role
                assert b"v1: answer to why_care" in page.content
        assert clients["outsider"].get(url("business_case", community)).status_code == 404


class TestVersions:
    """Acceptance 5: editing after submission creates a new version; the sponsor's
    endorsement applies to the version they read."""

    def test_editing_after_submission_creates_a_new_version(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        draft(clients, community)
        v1 = submit(clients, community, django_capture_on_commit_callbacks)
        form = clients["coordinator"].get(url("business_case_edit", community))
        assert b"v1: answer to why_care" in form.content  # starts from the answers of v1
        assert b"starts version 2" in form.content
        response = clients["coordinator"].post(url("business_case_edit", community), answers("v2"))
        assert any("new draft, version 2" in text for text in texts(response))
        v2 = BusinessCaseVersion.objects.get(community=community, number=2)
        assert v2.status == CaseStatus.DRAFT and v2.why_care == "v2: answer to why_care"
        v1.refresh_from_db()
        assert v1.status == CaseStatus.SUBMITTED and v1.why_care == "v1: answer to why_care"
        # The earlier version stays readable, and the list shows both to the coordinator.
        page = clients["member"].get(url("business_case_version", community, v1.pk))
        assert page.status_code == 200 and b"v1: answer to why_care" in page.content
        overview = clients["coordinator"].get(url("business_case", community)).content.decode()
        assert "v2: answer to why_care" in overview  # the newest, the draft
        assert url("business_case_version", community, v1.pk) in overview
        # Members still see v1 as the current case until v2 is submitted.
        assert b"v1: answer" in clients["member"].get(url("business_case", community)).content
        v2 = submit(clients, community, django_capture_on_commit_callbacks)
        assert v2.number == 2 and v2.status == CaseStatus.SUBMITTED
        assert b"v2: answer" in clients["member"].get(url("business_case", community)).content

    def test_the_endorsement_applies_to_the_version_the_sponsor_read(
        self, clients, community, users, django_capture_on_commit_callbacks
    ):
        draft(clients, community)
        v1 = submit(clients, community, django_capture_on_commit_callbacks)
        # The sponsor opens version 1: the form carries its id.
        page = clients["sponsor"].get(url("business_case_version", community, v1.pk))
        assert f'name="version" value="{v1.pk}"'.encode() in page.content
        # Meanwhile the coordinator edits and submits version 2.
        draft(clients, community, prefix="v2")
        v2 = submit(clients, community, django_capture_on_commit_callbacks)
        # The sponsor's endorsement of what they read (version 1) is refused, clearly.
        response = endorse(clients["sponsor"], community, v1)
        assert response.status_code == 302
        assert response.url == url("business_case_version", community, v2.pk)
        (message,) = texts(response)
        assert "not saved" in message and "you read version 1" in message
        assert "version 2 has been submitted since" in message
        assert not SponsorResponse.objects.exists()
        v1.refresh_from_db()
        v2.refresh_from_db()
        assert v1.status == v2.status == CaseStatus.SUBMITTED
        # Endorsing version 2, which they then read, applies to version 2 only.
        response = endorse(clients["sponsor"], community, v2)
        assert "You endorsed version 2" in texts(response)[-1]
        v1.refresh_from_db()
        v2.refresh_from_db()
        assert v2.status == CaseStatus.ENDORSED and v2.endorsed_at
        assert v1.status == CaseStatus.SUBMITTED and v1.endorsed_at is None
        (response_row,) = SponsorResponse.objects.all()
        assert (response_row.version, response_row.sponsor) == (v2, users["sponsor"])
        assert response_row.kind == ResponseKind.ENDORSE and response_row.text == "Go ahead."

    def test_an_endorsed_version_stays_endorsed_when_a_new_draft_is_made(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        draft(clients, community)
        v1 = submit(clients, community, django_capture_on_commit_callbacks)
        endorse(clients["sponsor"], community, v1)
        draft(clients, community, prefix="v2")
        v1.refresh_from_db()
        assert v1.status == CaseStatus.ENDORSED
        v2 = BusinessCaseVersion.objects.get(number=2)
        assert v2.status == CaseStatus.DRAFT and v2.endorsed_at is None
        page = clients["member"].get(url("business_case_version", community, v1.pk))
        assert b"Endorsed" in page.content and b"Go ahead." in page.content

    def test_a_posted_version_id_must_match_the_page(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        draft(clients, community)
        v1 = submit(clients, community, django_capture_on_commit_callbacks)
        response = endorse(clients["sponsor"], community, v1, posted_version=v1.pk + 1000)
        assert "does not belong to the version" in texts(response)[-1]
        assert not SponsorResponse.objects.exists()

    def test_endorsing_twice_records_it_once(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        draft(clients, community)
        v1 = submit(clients, community, django_capture_on_commit_callbacks)
        endorse(clients["sponsor"], community, v1)
        response = endorse(clients["sponsor"], community, v1)
        assert "already endorsed" in texts(response)[-1]
        assert SponsorResponse.objects.count() == 1


class TestComments:
    def test_sponsor_comments_on_the_version(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        v1, response = sponsor_comments(
            clients, community, django_capture_on_commit_callbacks, "Say more on **resources**."
        )
        assert response.status_code == 302
        v1.refresh_from_db()
        assert v1.status == CaseStatus.SUBMITTED  # a comment does not endorse
        page = clients["coordinator"].get(url("business_case_version", community, v1.pk))
        assert b"<strong>resources</strong>" in page.content

    def test_an_empty_comment_shows_an_error_and_writes_nothing(
        self, clients, community, django_capture_on_commit_callbacks
    ):
        _, response = sponsor_comments(clients, community, django_capture_on_commit_callbacks, "  ")
        assert response.status_code == 200
        assert b"Write your comment." in response.content
        assert not SponsorResponse.objects.exists()

    def test_responding_to_a_draft_is_404_and_get_is_405(self, clients, community):
        version = BusinessCaseVersionFactory(community=community)
        assert endorse(clients["sponsor"], community, version).status_code == 404
        assert endorse(clients["admin"], community, version).status_code == 403  # not a sponsor
        respond = url("business_case_respond", community, version.pk)
        assert clients["sponsor"].get(respond).status_code == 405


class TestSponsorScope:
    """Acceptance 1: a sponsor gets 404 for an unsponsored community and 403 on any write."""

    def test_404_for_an_unsponsored_community(self, clients, users, admin_user):
        other = CommunityFactory(name="Not sponsored", slug="not-sponsored")  # open, maturing
        version = BusinessCaseVersionFactory(community=other, status=CaseStatus.SUBMITTED)
        sponsor = clients["sponsor"]
        assert sponsor.get(other.get_absolute_url()).status_code == 200  # an open community
        for address in (
            url("business_case", other),
            url("business_case_version", other, version.pk),
            url("business_case_edit", other),
            url("business_case_submit", other),
            url("agreement", other),
            url("agreement_edit", other),
        ):
            assert sponsor.get(address).status_code == 404, address
        assert endorse(sponsor, other, version).status_code == 404
        assert sponsor.post(url("business_case_edit", other), answers()).status_code == 404
        assert not SponsorResponse.objects.exists()

    def test_403_on_any_write_of_a_sponsored_community(self, clients, community):
        version = BusinessCaseVersionFactory(community=community)
        sponsor = clients["sponsor"]
        for address in (
            url("business_case_edit", community),
            url("business_case_submit", community),
            url("agreement_edit", community),
        ):
            assert sponsor.get(address).status_code == 403, address
            assert sponsor.post(address, answers("sponsor")).status_code == 403, address
        version.refresh_from_db()
        assert version.status == CaseStatus.DRAFT and "sponsor" not in version.why_care
        assert BusinessCaseVersion.objects.count() == 1

    def test_members_and_core_cannot_edit(self, clients, community):
        for role in ("member", "core"):
            assert clients[role].get(url("business_case_edit", community)).status_code == 403
            assert clients[role].post(url("business_case_submit", community)).status_code == 403
        assert clients["outsider"].get(url("business_case_edit", community)).status_code == 404
        assert not BusinessCaseVersion.objects.exists()

    def test_the_community_page_links_to_sponsorship_for_those_who_may_read(
        self, clients, community
    ):
        link = url("business_case", community).encode()
        for role in ("member", "coordinator", "admin", "sponsor"):
            assert link in clients[role].get(community.get_absolute_url()).content, role
        assert link not in clients["outsider"].get(community.get_absolute_url()).content
