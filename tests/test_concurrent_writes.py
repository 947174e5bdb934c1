"""Twenty people writing at once against a live, threaded server: each write lands or
answers a clear message, nobody sees "database is locked", nothing is lost.

Meant for the embedded default (SQLite in WAL mode, writers taking the write lock at the
start of their transaction and waiting for it up to DATABASE_SQLITE_TIMEOUT seconds); it
runs on PostgreSQL too.
"""

import re
import threading

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.choices import Level
from communities.factories import AgendaItemFactory, CommunityFactory, MembershipFactory
from communities.learning.models import HelpRequest, Vote, VotingRound
from communities.models import Activity, Attendance

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE, CORE, ROUNDS = 20, 5, 2
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(live_server, user) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def post(session, url, data):
    page = session.get(url, timeout=60)
    data = {"csrfmiddlewaretoken": TOKEN.search(page.text).group(1), **data}
    return session.post(url, data, headers={"Referer": url}, timeout=60, allow_redirects=False)


def test_twenty_people_writing_at_once(live_server):
    community = CommunityFactory(name="Records management", slug="records")
    people = [
        MembershipFactory(
            community=community,
            level=Level.CORE if i < CORE else Level.ACTIVE,
            user=UserFactory(email=f"writer{i}@example.org"),
        ).user
        for i in range(PEOPLE)
    ]
    item = AgendaItemFactory(community=community, title="Retention schedules")
    voting = VotingRound.objects.create(community=community, opened_by=people[0])
    base = live_server.url
    help_url = base + reverse("communities:help_create", args=[community.slug])
    round_url = base + reverse("communities:agenda_round", args=[community.slug, voting.pk])
    vote_url = base + reverse("communities:agenda_vote", args=[community.slug, voting.pk])
    activity_url = base + reverse("communities:activity_create", args=[community.slug])
    sessions = [signed_in(live_server, person) for person in people]
    attendees = [str(person.pk) for person in people[CORE:]]
    barrier = threading.Barrier(PEOPLE, timeout=60)
    answers, errors = [], []
    lock = threading.Lock()

    def write(i):
        try:
            session = sessions[i]
            barrier.wait()
            for n in range(ROUNDS):
                if i < CORE:  # core members log an activity with the others' attendance
                    done = post(session, activity_url, {
                        "date": timezone.localdate().isoformat(),
                        "title": f"Clinic {i}-{n}", "activity_type": "productive_inquiries",
                        "format": "many_to_many", "summary": "Cases.", "guest_count": "0",
                        "outputs-TOTAL_FORMS": "0", "outputs-INITIAL_FORMS": "0",
                        "attendees": attendees,
                    })  # fmt: skip
                    kind = "activity"
                else:  # members ask for help and vote
                    done = post(
                        session, help_url, {"title": f"Question {i}-{n}", "challenge": "How?"}
                    )
                    with lock:
                        answers.append(("help", done.status_code, done.text))
                    page = session.get(round_url, timeout=60)
                    done = session.post(
                        vote_url,
                        {"csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
                         "item": str(item.pk)},
                        headers={"Referer": round_url}, timeout=60, allow_redirects=False,
                    )  # fmt: skip
                    kind = "vote"
                with lock:
                    answers.append((kind, done.status_code, done.text))
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors, errors
    members = PEOPLE - CORE
    assert len(answers) == CORE * ROUNDS + 2 * members * ROUNDS
    for kind, status, text in answers:
        assert "database is locked" not in text
        # Landed (a redirect), or the clear "busy, nothing was saved, send it again" page.
        assert status == 302 or (status == 503 and "not saved" in text), (kind, status)
    landed = {k: sum(1 for kind, s, _ in answers if kind == k and s == 302) for k in
              ("help", "vote", "activity")}  # fmt: skip
    # Nothing lost: every write that answered "done" is in the database, once.
    assert HelpRequest.objects.filter(community=community).count() == landed["help"]
    assert Vote.objects.filter(round=voting).count() == landed["vote"]
    assert Activity.objects.filter(community=community).count() == landed["activity"]
    assert Attendance.objects.filter(activity__community=community).count() == (
        landed["activity"] * members
    )
    # With the write lock waited for, every one of them lands on this machine.
    assert sum(landed.values()) == len(answers)
