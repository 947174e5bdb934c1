"""The learning agenda: raising challenges, dot voting (the cap is the database's), status."""

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.choices import AgendaStatus
from communities.factories import ActivityFactory, AgendaItemFactory, CommunityFactory
from communities.learning.demo import seed_agenda
from communities.learning.services import VoteRefused, cast_vote, withdraw_vote
from communities.models import AgendaItem, Vote, VoteAllowance, VotingRound
from tests.inert import ATTACKS, assert_inert
from tests.waits import at_once

pytestmark = pytest.mark.django_db


def url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


@pytest.fixture
def voting_round(community, coordinator):
    return VotingRound.objects.create(community=community, opened_by=coordinator)


# --- raising challenges ----------------------------------------------------------------


def test_a_member_raises_a_challenge(clients, users, community):
    response = clients["member"].post(
        url("agenda_create", community),
        {"title": "Consent forms nobody reads", "description": "**Really**", "faced_by": "HR"},
    )
    item = AgendaItem.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/agenda/{item.pk}/")
    assert item.raised_by == users["member"] and item.status == AgendaStatus.RAISED
    page = clients["outsider"].get(url("agenda_detail", community, item.pk))
    assert "<strong>Really</strong>" in page.content.decode()


def test_invalid_challenge_shows_errors_and_writes_nothing(clients, community):
    response = clients["member"].post(url("agenda_create", community), {"title": ""})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_sponsors_and_outsiders_read_but_do_not_raise(clients, community):
    assert clients["outsider"].get(url("agenda", community)).status_code == 200
    for role in ("outsider", "sponsor"):
        response = clients[role].post(url("agenda_create", community), {"title": "x"})
        assert response.status_code == 403
    assert not AgendaItem.objects.exists()


def test_hidden_community_agenda_is_404_for_outsiders(clients):
    hidden = CommunityFactory(slug="hidden", is_open=False)
    item = AgendaItemFactory(community=hidden)
    voting = VotingRound.objects.create(community=hidden)
    for name, args in [
        ("agenda", ()),
        ("agenda_detail", (item.pk,)),
        ("agenda_round", (voting.pk,)),
        ("agenda_round_results", (voting.pk,)),
    ]:
        assert clients["outsider"].get(url(name, hidden, *args)).status_code == 404
        assert clients["member"].get(url(name, hidden, *args)).status_code == 404
    response = clients["member"].post(url("agenda_vote", hidden, voting.pk), {"item": item.pk})
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_only_the_raiser_edits_while_raised(clients, users, community):
    item = AgendaItemFactory(community=community, raised_by=users["member"])
    edit = url("agenda_edit", community, item.pk)
    assert clients["core"].get(edit).status_code == 403
    clients["member"].post(edit, {"title": "Better title", "description": "", "faced_by": ""})
    item.refresh_from_db()
    assert item.title == "Better title"
    item.status = AgendaStatus.PRIORITISED
    item.save()
    assert clients["member"].get(edit).status_code == 403
    assert clients["coordinator"].get(edit).status_code == 200


# --- status ------------------------------------------------------------------------------


def test_coordinator_moves_an_item_along_with_activities(clients, community):
    item = AgendaItemFactory(community=community)
    activity = ActivityFactory(community=community)
    other = ActivityFactory(community=CommunityFactory())
    status = url("agenda_status", community, item.pk)
    response = clients["coordinator"].post(
        status, {"status": "being_addressed", "status_note": "", "activities": [activity.pk]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == AgendaStatus.BEING_ADDRESSED
    assert list(item.activities.all()) == [activity]
    # another community's activity is not a choice; "addressed" needs a note
    response = clients["coordinator"].post(
        status, {"status": "addressed", "status_note": "", "activities": [other.pk]}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == AgendaStatus.BEING_ADDRESSED and list(item.activities.all()) == [activity]
    assert (
        clients["member"].post(status, {"status": "parked", "status_note": "x"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.status == AgendaStatus.BEING_ADDRESSED


def test_agenda_orders_by_latest_round_votes_then_status(clients, users, community, voting_round):
    parked = AgendaItemFactory(community=community, title="Parked one", status="parked")
    prioritised = AgendaItemFactory(community=community, title="Prio one", status="prioritised")
    raised = AgendaItemFactory(community=community, title="Raised one")
    popular = AgendaItemFactory(community=community, title="Popular one")
    old = VotingRound.objects.create(
        community=community, opened_at=timezone.now() - timezone.timedelta(days=100)
    )
    Vote.objects.bulk_create(Vote(round=old, item=parked, voter=users["core"]) for _ in range(5))
    cast_vote(voting_round, popular, users["member"])
    html = clients["member"].get(url("agenda", community)).content.decode()
    positions = [html.index(t) for t in ("Popular one", "Prio one", "Raised one", "Parked one")]
    assert positions == sorted(positions)
    assert prioritised and raised


# --- voting rounds -------------------------------------------------------------------------


def test_coordinator_opens_and_closes_a_round(clients, community):
    response = clients["coordinator"].post(
        url("agenda_round_open", community), {"title": "Q3", "votes_per_member": 5}
    )
    voting = VotingRound.objects.get()
    assert response.status_code == 302 and voting.votes_per_member == 5 and voting.is_open
    # a second open round is refused
    response = clients["coordinator"].post(
        url("agenda_round_open", community), {"title": "Again", "votes_per_member": 3}
    )
    assert response.status_code == 200 and VotingRound.objects.count() == 1
    assert (
        clients["member"].post(url("agenda_round_close", community, voting.pk)).status_code == 403
    )
    clients["coordinator"].post(url("agenda_round_close", community, voting.pk))
    voting.refresh_from_db()
    assert not voting.is_open


def test_members_cannot_open_rounds(clients, community):
    response = clients["member"].post(
        url("agenda_round_open", community), {"title": "Mine", "votes_per_member": 3}
    )
    assert response.status_code == 403 and not VotingRound.objects.exists()


def test_invalid_round_writes_nothing(clients, community):
    response = clients["coordinator"].post(
        url("agenda_round_open", community), {"title": "Q3", "votes_per_member": 0}
    )
    assert response.status_code == 200 and not VotingRound.objects.exists()


def test_dot_voting_spreads_and_takes_back(clients, users, community, voting_round):
    a, b = AgendaItemFactory(community=community), AgendaItemFactory(community=community)
    vote = url("agenda_vote", community, voting_round.pk)
    member = clients["member"]
    for item in (a, a, b):  # several votes may go to one item
        assert member.post(vote, {"item": item.pk}).status_code == 302
    response = member.post(vote, {"item": b.pk}, follow=True)
    assert "You have used all your votes" in response.content.decode()
    assert Vote.objects.filter(item=a).count() == 2 and Vote.objects.filter(item=b).count() == 1
    member.post(vote, {"item": a.pk, "action": "remove"})
    assert Vote.objects.filter(item=a).count() == 1
    assert VoteAllowance.objects.get(voter=users["member"]).remaining == 1
    # htmx: the ballot partial comes back with the votes left
    response = member.post(vote, {"item": b.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<strong>0</strong> votes left of 3" in html and "<html" not in html
    # the live results partial polls while the round is open
    results = member.get(url("agenda_round_results", community, voting_round.pk)).content.decode()
    assert 'hx-trigger="every 5s"' in results and "3 votes from 1 member" in results


def test_taking_back_a_vote_one_does_not_have_is_refused(users, community, voting_round):
    item = AgendaItemFactory(community=community)
    with pytest.raises(VoteRefused):
        withdraw_vote(voting_round, item, users["member"])
    assert not VoteAllowance.objects.filter(remaining__gt=3).exists()


def test_no_votes_in_a_closed_round_or_on_parked_items(clients, users, community, voting_round):
    parked = AgendaItemFactory(community=community, status=AgendaStatus.PARKED)
    with pytest.raises(VoteRefused):
        cast_vote(voting_round, parked, users["member"])
    item = AgendaItemFactory(community=community)
    cast_vote(voting_round, item, users["member"])
    voting_round.closed_at = timezone.now()
    voting_round.save()
    vote = url("agenda_vote", community, voting_round.pk)
    clients["member"].post(vote, {"item": item.pk})
    clients["member"].post(vote, {"item": item.pk, "action": "remove"})
    assert Vote.objects.count() == 1
    results = clients["member"].get(url("agenda_round_results", community, voting_round.pk))
    assert "every 5s" not in results.content.decode()  # polling stops once closed


def test_another_communitys_item_cannot_be_voted_on(clients, community, voting_round):
    foreign = AgendaItemFactory(community=CommunityFactory())
    clients["member"].post(url("agenda_vote", community, voting_round.pk), {"item": foreign.pk})
    clients["member"].post(url("agenda_vote", community, voting_round.pk), {"item": "x" * 30})
    assert not Vote.objects.exists()


def test_a_malformed_vote_is_refused_without_error(clients, community):
    voting = VotingRound.objects.create(community=community)
    vote = url("agenda_vote", community, voting.pk)
    for item in ("²", "0", "99999999999999999999", "x"):
        assert clients["member"].post(vote, {"item": item, "action": "add"}).status_code < 500


def test_outsiders_and_sponsors_cannot_vote(clients, community, voting_round):
    item = AgendaItemFactory(community=community)
    for role in ("outsider", "sponsor"):
        response = clients[role].post(
            url("agenda_vote", community, voting_round.pk), {"item": item.pk}
        )
        assert response.status_code == 403
    assert (
        clients["anonymous"]
        .post(url("agenda_vote", community, voting_round.pk), {"item": item.pk})
        .status_code
        == 302
    )
    assert not Vote.objects.exists()


def test_the_database_refuses_a_negative_allowance(users, voting_round):
    from django.db import IntegrityError, transaction

    allowance = VoteAllowance.objects.create(round=voting_round, voter=users["member"], remaining=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteAllowance.objects.filter(pk=allowance.pk).update(remaining=-1)


def vote(voting, item, voter) -> str:
    """One vote of a race: "voted" or "refused"."""
    try:
        cast_vote(voting, item, voter)
    except VoteRefused:
        return "refused"
    return "voted"


def race(slug, *, votes_per_member, remaining=None):
    """Two threads cast one member's vote at once (with `remaining` votes left, if given):
    one is recorded, one refused. The round and the voter."""
    from communities.factories import MembershipFactory

    community = CommunityFactory(slug=slug)
    voter = MembershipFactory(community=community).user
    item = AgendaItemFactory(community=community)
    voting = VotingRound.objects.create(community=community, votes_per_member=votes_per_member)
    if remaining is not None:
        VoteAllowance.objects.create(round=voting, voter=voter, remaining=remaining)
    outcomes, errors = at_once(lambda: vote(voting, item, voter))
    assert not errors, errors
    assert sorted(outcomes) == ["refused", "voted"]
    return voting, voter


@pytest.mark.django_db(transaction=True)
def test_two_racing_votes_for_the_last_vote_count_once():
    """Two threads vote at once for a member with one vote left: exactly one vote lands."""
    voting, voter = race("racing", votes_per_member=3, remaining=1)
    assert Vote.objects.filter(round=voting, voter=voter).count() == 1
    assert VoteAllowance.objects.get(round=voting, voter=voter).remaining == 0


@pytest.mark.django_db(transaction=True)
def test_two_racing_first_votes_share_one_allowance():
    """Two first votes at once: one allowance row, both votes counted against it."""
    race("racing-first", votes_per_member=1)
    assert Vote.objects.count() == 1 and VoteAllowance.objects.get().remaining == 0


# --- stored XSS ---------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_xss_in_agenda_items_renders_inert(clients, users, community, voting_round, attack):
    item = AgendaItem.objects.create(
        community=community, title=attack, description=attack, faced_by=attack,
        status_note=attack, raised_by=users["member"],
    )  # fmt: skip
    cast_vote(voting_round, item, users["member"])
    pages = [
        url("agenda", community),
        url("agenda_detail", community, item.pk),
        url("agenda_round", community, voting_round.pk),
        url("agenda_round_results", community, voting_round.pk),
        url("agenda_edit", community, item.pk),
        url("agenda_status", community, item.pk),
    ]
    for page in pages:
        assert_inert(clients["coordinator"].get(page).content.decode())


# --- demo -----------------------------------------------------------------------------------


def test_demo_seeds_rounds_and_every_status():
    import random

    from communities.factories import MembershipFactory

    community = CommunityFactory(slug="demo")
    MembershipFactory.create_batch(8, community=community)
    MembershipFactory(community=community, is_coordinator=True)
    seed_agenda(random.Random(1), timezone.now())  # noqa: S311
    assert community.voting_rounds.filter(closed_at__isnull=True).count() == 1
    assert community.voting_rounds.filter(closed_at__isnull=False).count() == 1
    assert {i.status for i in community.agenda_items.all()} == set(AgendaStatus.values)
    for allowance in VoteAllowance.objects.all():
        used = Vote.objects.filter(round=allowance.round, voter=allowance.voter).count()
        assert used + allowance.remaining == allowance.round.votes_per_member
