"""Help requests and learning loops: ask, answer, mark helpful, follow up, capture."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communities.factories import (
    AgendaItemFactory,
    AnswerFactory,
    CommunityFactory,
    HelpRequestFactory,
    MembershipFactory,
)
from communities.learning import demo, services
from communities.models import Answer, HelpRequest, SharedMemoryEntry
from tests.conftest import client_for
from tests.inert import ONE_LINE_PAYLOAD, PAYLOAD, assert_inert

pytestmark = pytest.mark.django_db


def url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


@pytest.fixture
def asked(users, community):
    """The member's request, with an answer by the core member."""
    request = HelpRequestFactory(
        community=community, asker=users["member"], title="Penalty clauses that hold"
    )
    AnswerFactory(request=request, author=users["core"], body="Cap the daily amount.")
    return request


@pytest.fixture
def answered(asked):
    services.mark_helpful(asked, asked.answers.get())
    return asked


# --- asking -------------------------------------------------------------------------------


def test_a_member_asks_for_help_linked_to_an_agenda_item(clients, users, community):
    item = AgendaItemFactory(community=community, title="Contract clauses")
    response = clients["member"].post(
        url("help_create", community),
        {"title": "How to phrase it?", "challenge": "We *tried*.", "agenda_item": item.pk},
    )
    request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("help_detail", community, request.pk)
    assert (request.asker, request.community, request.agenda_item) == (
        users["member"],
        community,
        item,
    )
    assert request.status == "open" and request.helpful_at is None
    assert "within 3 working days" in str(list(get_messages(response.wsgi_request))[0])
    page = clients["member"].get(response["Location"])
    assert b"<em>tried</em>" in page.content and b"Contract clauses" in page.content


def test_invalid_requests_write_nothing(clients, users, community):
    other_item = AgendaItemFactory(community=CommunityFactory())
    response = clients["member"].post(
        url("help_create", community),
        {"title": "", "challenge": "x", "agenda_item": other_item.pk},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "agenda_item"}
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "sponsor"])
def test_non_members_of_an_open_community_may_not_ask_or_read(clients, users, community, role):
    assert clients[role].get(url("help_list", community)).status_code == 403
    response = clients[role].post(url("help_create", community), {"title": "x", "challenge": "y"})
    assert response.status_code == 403
    assert not HelpRequest.objects.exists()


def test_a_hidden_community_does_not_exist_for_outsiders(clients, users):
    hidden = CommunityFactory(slug="hidden", is_open=False)
    request = HelpRequestFactory(community=hidden)
    for role in ("outsider", "member"):  # the member belongs to another community
        assert clients[role].get(url("help_list", hidden)).status_code == 404
        assert clients[role].get(url("help_detail", hidden, request.pk)).status_code == 404
    assert clients["admin"].get(url("help_detail", hidden, request.pk)).status_code == 200


def test_a_request_of_another_community_is_404(clients, users, community):
    other = HelpRequestFactory(community=CommunityFactory())
    assert clients["member"].get(url("help_detail", community, other.pk)).status_code == 404


# --- the list -------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_searches(clients, users, community, answered):
    HelpRequestFactory(community=community, title="Onboarding newcomers", challenge="Buddies?")
    HelpRequestFactory(community=community, title="Audit checklists", status="closed")
    client = clients["member"]
    page = client.get(url("help_list", community))
    assert [r.title for r in page.context["page"]] == [
        "Audit checklists",
        "Onboarding newcomers",
        "Penalty clauses that hold",
    ]
    answers = {r.title: r.answer_count for r in page.context["page"]}
    assert answers["Penalty clauses that hold"] == 1
    for status, title in [("open", "Onboarding newcomers"), ("answered", answered.title)]:
        page = client.get(url("help_list", community), {"status": status})
        assert [r.title for r in page.context["page"]] == [title]
    page = client.get(url("help_list", community), {"q": "newcomers"})
    assert [r.title for r in page.context["page"]] == ["Onboarding newcomers"]
    page = client.get(url("help_list", community), {"q": "buddies"})  # the challenge too
    assert [r.title for r in page.context["page"]] == ["Onboarding newcomers"]
    partial = client.get(url("help_list", community), {"q": "audit"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"Audit checklists" in partial.content


def test_the_list_paginates(clients, community, settings):
    settings.CHILDCOP_PAGE_SIZE = 2
    HelpRequestFactory.create_batch(5, community=community)
    page = clients["member"].get(url("help_list", community), {"page": 3})
    assert len(page.context["page"]) == 1
    assert page.context["page"].paginator.num_pages == 3


def test_search_uses_full_text_search_on_postgresql_and_icontains_elsewhere(community):
    HelpRequestFactory(community=community, title="Clauses", challenge="Penalty clauses in tenders")
    HelpRequestFactory(community=community, title="Other", challenge="Nothing related")
    queryset = services.search(community.help_requests.all(), "tender", ["title", "challenge"])
    sql = str(queryset.query)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "websearch_to_tsquery" in sql
        # stemmed: "tender" finds "tenders"; and a ranked, word-based search
        assert [r.title for r in queryset] == ["Clauses"]
        assert [r.title for r in services.search(
            community.help_requests.all(), "tendering", ["title", "challenge"]
        )] == ["Clauses"]  # fmt: skip
    else:
        assert "LIKE" in sql and "to_tsvector" not in sql
        assert [r.title for r in queryset] == ["Clauses"]
    # every word must match
    both = services.search(community.help_requests.all(), "penalty nothing", ["challenge"])
    assert list(both) == []


# --- answering ------------------------------------------------------------------------------


def test_members_answer_and_invalid_answers_write_nothing(clients, users, community, asked):
    response = clients["coordinator"].post(url("help_answer", community, asked.pk), {"body": "Yes"})
    answer = Answer.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/help/{asked.pk}/#answer-{answer.pk}")
    assert answer.author == users["coordinator"] and answer.body == "Yes"
    response = clients["core"].post(url("help_answer", community, asked.pk), {"body": " "})
    assert response.status_code == 200 and "body" in response.context["answer_form"].errors
    assert asked.answers.count() == 2
    assert clients["member"].get(url("help_answer", community, asked.pk)).status_code == 405


def test_a_closed_loop_takes_no_more_answers(clients, community, asked):
    HelpRequest.objects.filter(pk=asked.pk).update(status="closed")
    response = clients["core"].post(url("help_answer", community, asked.pk), {"body": "Late"})
    assert response.status_code == 403
    assert asked.answers.count() == 1


def test_the_asker_is_offered_no_answer_form_and_cannot_answer(clients, community, asked):
    page = clients["member"].get(url("help_detail", community, asked.pk))
    assert page.context["answer_form"] is None and "Post your answer" not in page.content.decode()
    other = clients["core"].get(url("help_detail", community, asked.pk))
    assert "Post your answer" in other.content.decode()
    response = clients["member"].post(url("help_answer", community, asked.pk), {"body": "Me"})
    assert response.status_code == 403
    assert asked.answers.count() == 1


def test_outsiders_may_not_answer(clients, community, asked):
    response = clients["outsider"].post(url("help_answer", community, asked.pk), {"body": "Hi"})
    assert response.status_code == 403
    assert asked.answers.count() == 1


# --- marking helpful ------------------------------------------------------------------------


def test_the_asker_marks_an_answer_helpful_once(clients, users, community, asked):
    first = asked.answers.get()
    second = AnswerFactory(request=asked, author=users["coordinator"])
    mark = url("help_mark_helpful", community, asked.pk, first.pk)
    response = clients["member"].post(mark)
    assert response.status_code == 302
    asked.refresh_from_db()
    first.refresh_from_db()
    assert first.helpful and asked.status == "answered" and asked.helpful_at is not None
    helpful_at = asked.helpful_at
    clients["member"].post(url("help_mark_helpful", community, asked.pk, second.pk))
    asked.refresh_from_db()
    second.refresh_from_db()
    assert second.helpful and asked.helpful_at == helpful_at  # set once
    page = clients["member"].get(url("help_detail", community, asked.pk))
    assert b"Tell how it turned out" in page.content


@pytest.mark.parametrize("role", ["core", "coordinator", "admin", "outsider"])
def test_only_the_asker_marks_helpful(clients, community, asked, role):
    answer = asked.answers.get()
    response = clients[role].post(url("help_mark_helpful", community, asked.pk, answer.pk))
    assert response.status_code == 403
    answer.refresh_from_db()
    asked.refresh_from_db()
    assert not answer.helpful and asked.status == "open" and asked.helpful_at is None


def test_the_asker_cannot_mark_their_own_answer(clients, users, community, asked):
    own = AnswerFactory(request=asked, author=users["member"])
    clients["member"].post(url("help_mark_helpful", community, asked.pk, own.pk))
    own.refresh_from_db()
    asked.refresh_from_db()
    assert not own.helpful and asked.status == "open"


def test_an_answer_of_another_request_is_404(clients, users, community, asked):
    other = AnswerFactory(request=HelpRequestFactory(community=community))
    response = clients["member"].post(url("help_mark_helpful", community, asked.pk, other.pk))
    assert response.status_code == 404


# --- the follow-up --------------------------------------------------------------------------


def test_the_asker_closes_the_loop(clients, users, community, answered):
    follow_up = url("help_follow_up", community, answered.pk)
    assert clients["member"].get(follow_up).status_code == 200
    response = clients["member"].post(
        follow_up, {"outcome": "partly", "reflection": "The cap worked; the *wording* did not."}
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == "closed" and answered.outcome == "partly"
    assert answered.closed_at is not None
    page = clients["core"].get(url("help_detail", community, answered.pk))
    assert b"It partly worked" in page.content and b"<em>wording</em>" in page.content
    # closed: no second follow-up, no more "mark helpful"
    assert clients["member"].get(follow_up).status_code == 403


def test_an_invalid_follow_up_writes_nothing(clients, community, answered):
    response = clients["member"].post(
        url("help_follow_up", community, answered.pk), {"outcome": "maybe", "reflection": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"outcome", "reflection"}
    answered.refresh_from_db()
    assert answered.status == "answered" and answered.outcome == "" and answered.closed_at is None


@pytest.mark.parametrize("role", ["core", "coordinator", "admin", "outsider"])
def test_only_the_asker_follows_up(clients, community, answered, role):
    follow_up = url("help_follow_up", community, answered.pk)
    assert clients[role].get(follow_up).status_code == 403
    response = clients[role].post(follow_up, {"outcome": "worked", "reflection": "x"})
    assert response.status_code == 403
    answered.refresh_from_db()
    assert answered.status == "answered"


def test_no_follow_up_before_an_answer_helped(clients, community, asked):
    assert clients["member"].get(url("help_follow_up", community, asked.pk)).status_code == 403


# --- closing the loop: shared memory and value stories -------------------------------------


@pytest.fixture
def closed(clients, community, answered):
    clients["member"].post(
        url("help_follow_up", community, answered.pk),
        {"outcome": "worked", "reflection": "The capped amount was accepted."},
    )
    answered.refresh_from_db()
    return answered


def test_one_click_turns_a_closed_loop_into_an_faq(clients, users, community, closed):
    response = clients["member"].post(url("help_capture", community, closed.pk), {"kind": "faq"})
    entry = SharedMemoryEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("memory_detail", community, entry.pk)
    assert (entry.kind, entry.title, entry.help_request, entry.created_by, entry.community) == (
        "faq",
        "Penalty clauses that hold",
        closed,
        users["member"],
        community,
    )
    for text in (closed.challenge, "Cap the daily amount.", "It worked", "capped amount"):
        assert text in entry.body
    # a second click finds it
    clients["member"].post(url("help_capture", community, closed.pk), {"kind": "faq"})
    assert SharedMemoryEntry.objects.count() == 1
    page = clients["member"].get(url("help_detail", community, closed.pk))
    assert page.context["memory"][0] == entry


def test_every_kind_can_be_captured_by_the_core_group(clients, community, closed):
    for kind in ("faq", "summary", "insight", "case_story", "reflection"):
        response = clients["core"].post(url("help_capture", community, closed.pk), {"kind": kind})
        assert response.status_code == 302
    assert set(closed.memory.values_list("kind", flat=True)) == {
        "faq",
        "summary",
        "insight",
        "case_story",
        "reflection",
    }


def test_capturing_is_for_the_asker_and_the_core_group_and_closed_loops_only(
    clients, users, community, closed, answered
):
    other_member = MembershipFactory(community=community).user
    response = client_for(other_member).post(
        url("help_capture", community, closed.pk), {"kind": "faq"}
    )
    assert response.status_code == 403
    response = clients["member"].post(url("help_capture", community, closed.pk), {"kind": "bad"})
    assert response.status_code == 302
    assert not SharedMemoryEntry.objects.exists()
    open_one = HelpRequestFactory(community=community, asker=users["member"])
    response = clients["member"].post(url("help_capture", community, open_one.pk), {"kind": "faq"})
    assert response.status_code == 403
    assert clients["member"].get(url("help_capture", community, closed.pk)).status_code == 405


def test_a_closed_loop_starts_a_prefilled_value_story_for_its_asker(clients, community, closed):
    page = clients["member"].get(url("help_detail", community, closed.pk))
    link = f"{reverse('value_stories:create', args=[community.slug])}?help_request={closed.pk}"
    assert link.encode() in page.content
    form = clients["member"].get(link).context["form"]
    assert form.initial["title"] == "Penalty clauses that hold"
    assert "Cap the daily amount." in form.initial["gained"]
    assert "The capped amount was accepted." in form.initial["applied"]
    assert form.initial["happened_on"] == timezone.localdate(closed.closed_at)
    # someone else's request does not prefill
    assert "title" not in clients["core"].get(link).context["form"].initial


# --- stored XSS -----------------------------------------------------------------------------


def test_stored_xss_in_requests_answers_and_reflections_renders_inert(clients, users, community):
    clients["member"].post(
        url("help_create", community), {"title": ONE_LINE_PAYLOAD[:200], "challenge": PAYLOAD}
    )
    request = HelpRequest.objects.get()
    clients["core"].post(url("help_answer", community, request.pk), {"body": PAYLOAD})
    clients["member"].post(
        url("help_mark_helpful", community, request.pk, request.answers.get().pk)
    )
    clients["member"].post(
        url("help_follow_up", community, request.pk), {"outcome": "worked", "reflection": PAYLOAD}
    )
    clients["member"].post(url("help_capture", community, request.pk), {"kind": "insight"})
    entry = SharedMemoryEntry.objects.get()
    for page in (
        clients["core"].get(url("help_detail", community, request.pk)),
        clients["core"].get(url("help_list", community)),
        clients["core"].get(url("memory_detail", community, entry.pk)),
        clients["core"].get(url("memory_list", community)),
    ):
        assert page.status_code == 200
        assert "xss-script" in page.content.decode()  # shown, as text
        assert_inert(page.content.decode())


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_seeds_every_state_and_every_kind(users, community):
    import random

    from communities.factories import ActivityFactory

    ActivityFactory(community=community)
    assert demo.seed_loops(random.Random(1), timezone.now()) > 0
    statuses = set(HelpRequest.objects.values_list("status", flat=True))
    assert statuses == {"open", "answered", "closed"}
    assert set(HelpRequest.objects.exclude(outcome="").values_list("outcome", flat=True)) == {
        "worked",
        "partly",
        "did_not_apply",
    }
    kinds = set(SharedMemoryEntry.objects.values_list("kind", flat=True))
    assert kinds == {"faq", "summary", "insight", "case_story", "reflection"}
    assert SharedMemoryEntry.objects.filter(help_request__isnull=False).count() == 3
    assert SharedMemoryEntry.objects.filter(activity__isnull=False).exists()
    # an open request is overdue, another answered request is due for its follow-up
    from communities.learning.jobs import due_follow_ups, unanswered_requests

    assert unanswered_requests(timezone.now())
    assert list(due_follow_ups(timezone.now()))
    assert not mail.outbox
    assert HelpRequest.objects.filter(created_at__gt=timezone.now() - timedelta(days=1)).exists()
