"""Expectations and accountability: the agreement and its commitments on each side."""

from datetime import date

import pytest
from django.urls import reverse

from communities.factories import CommunityFactory
from sponsorship.choices import CommitmentStatus, Side
from sponsorship.factories import AgreementFactory, CommitmentFactory
from sponsorship.models import Agreement, Commitment

pytestmark = pytest.mark.django_db


def url(name, community):
    return reverse(f"sponsorship:{name}", args=[community.slug])


def management(total, initial=0, prefix="commitments"):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def commitment(i, **fields):
    values = {
        "side": Side.COMMUNITY,
        "owner": "",
        "description": "",
        "due": "",
        "status": CommitmentStatus.OPEN,
        **fields,
    }
    return {f"commitments-{i}-{key}": value for key, value in values.items()}


def test_coordinator_records_the_agreement_with_commitments_on_each_side(clients, community, users):
    response = clients["coordinator"].get(url("agreement_edit", community))
    assert response.status_code == 200
    data = {
        "review_date": "2031-06-30",
        "notes": "Negotiated with the **social learning team**.",
        **management(3),
        **commitment(
            0,
            description="Run a monthly case clinic",
            owner=users["coordinator"].pk,
            due="2031-03-31",
        ),
        **commitment(
            1,
            side=Side.SPONSOR,
            description="Open the annual leadership meeting to the community",
            owner=users["sponsor"].pk,
        ),
        **commitment(2, side=""),  # an untouched extra form is ignored
    }
    response = clients["coordinator"].post(url("agreement_edit", community), data)
    assert response.status_code == 302 and response.url == url("agreement", community)
    agreement = Agreement.objects.get(community=community)
    assert agreement.review_date == date(2031, 6, 30)
    assert sorted(agreement.commitments.values_list("side", "owner__email")) == [
        (Side.COMMUNITY, "coordinator@example.org"),
        (Side.SPONSOR, "sponsor@example.org"),
    ]
    # Members and sponsors read it.
    for role in ("member", "core", "sponsor", "admin"):
        page = clients[role].get(url("agreement", community))
        assert page.status_code == 200, role
        assert b"Run a monthly case clinic" in page.content
        assert b"<strong>social learning team</strong>" in page.content
        assert b"Sam Sponsor" in page.content
        assert (b"Edit the agreement" in page.content) == (role == "admin")


def test_admin_edits_and_removes_a_commitment(clients, community):
    agreement = AgreementFactory(community=community)
    keep = CommitmentFactory(agreement=agreement, description="Keep me")
    drop = CommitmentFactory(agreement=agreement, description="Drop me")
    data = {
        "review_date": "2031-09-01",
        "notes": "",
        **management(2, initial=2),
        **commitment(0, id=keep.pk, description="Keep me", status=CommitmentStatus.DONE),
        **commitment(1, id=drop.pk, description="Drop me", DELETE="on"),
    }
    response = clients["admin"].post(url("agreement_edit", community), data)
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.status == CommitmentStatus.DONE
    assert not Commitment.objects.filter(pk=drop.pk).exists()


def test_invalid_input_shows_errors_and_writes_nothing(clients, community, outsider):
    data = {
        "review_date": "",
        **management(1),
        **commitment(0, description="Something", owner=outsider.pk),
    }
    response = clients["coordinator"].post(url("agreement_edit", community), data)
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert b"Select a valid choice" in response.content  # an outsider cannot own a commitment
    assert not Agreement.objects.exists() and not Commitment.objects.exists()


def test_who_may_read_and_edit(clients, community):
    AgreementFactory(community=community)
    for role in ("member", "core", "sponsor"):
        assert clients[role].get(url("agreement_edit", community)).status_code == 403, role
        assert clients[role].post(url("agreement_edit", community), {}).status_code == 403, role
    assert clients["outsider"].get(url("agreement", community)).status_code == 404
    assert clients["outsider"].get(url("agreement_edit", community)).status_code == 404
    assert clients["coordinator"].put(url("agreement_edit", community)).status_code == 405


def test_a_sponsor_gets_404_for_an_unsponsored_communitys_agreement(clients):
    other = CommunityFactory(name="Not sponsored", slug="not-sponsored")
    AgreementFactory(community=other)
    assert clients["sponsor"].get(url("agreement", other)).status_code == 404
    assert clients["sponsor"].post(url("agreement_edit", other), {}).status_code == 404


def test_empty_state(clients, community):
    page = clients["member"].get(url("agreement", community))
    assert b"No agreement recorded yet." in page.content
    page = clients["coordinator"].get(url("agreement", community))
    assert b"Record the agreement" in page.content


def done_url(community, c):
    return reverse("sponsorship:commitment_done", args=[community.slug, c.pk])


def test_a_sponsor_marks_her_commitment_done_and_no_one_elses(clients, community, users):
    agreement = AgreementFactory(community=community)
    hers = CommitmentFactory(agreement=agreement, side=Side.SPONSOR, owner=users["sponsor"],
                             description="Open doors to the regional directors.")  # fmt: skip
    theirs = CommitmentFactory(agreement=agreement, owner=users["coordinator"])
    page = clients["sponsor"].get(url("agreement", community)).content.decode()
    assert done_url(community, hers) in page and done_url(community, theirs) not in page
    # another's commitment, or hers by a member who owns nothing: refused, nothing written
    assert clients["sponsor"].post(done_url(community, theirs)).status_code == 403
    assert clients["member"].post(done_url(community, hers)).status_code == 403
    assert clients["outsider"].post(done_url(community, hers)).status_code == 404
    assert clients["sponsor"].get(done_url(community, hers)).status_code == 405
    response = clients["sponsor"].post(done_url(community, hers), follow=True)
    assert "Marked done: Open doors to the regional directors." in response.content.decode()
    hers.refresh_from_db()
    theirs.refresh_from_db()
    assert (hers.status, theirs.status) == (CommitmentStatus.DONE, CommitmentStatus.OPEN)
    # done: no button any more, and marking it again is refused
    assert (
        done_url(community, hers)
        not in clients["sponsor"].get(url("agreement", community)).content.decode()
    )
    assert clients["sponsor"].post(done_url(community, hers)).status_code == 403
    # the coordinator keeps the agreement: they may mark anyone's
    assert clients["coordinator"].post(done_url(community, theirs)).status_code == 302


def test_no_commitment_is_marked_done_in_a_closed_community(clients, community, users):
    hers = CommitmentFactory(agreement=AgreementFactory(community=community),
                             owner=users["sponsor"])  # fmt: skip
    community.stage = "closed"
    community.save()
    assert clients["sponsor"].post(done_url(community, hers)).status_code == 403
    hers.refresh_from_db()
    assert hers.status == CommitmentStatus.OPEN
