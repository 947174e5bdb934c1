"""The retention, drifting regulars, program retention and landscape pages: what each role
sees (members-only communities' people stay with their members), and a constant number of
queries at two sizes."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.choices import Level
from communities.factories import ActivityFactory, CommunityFactory, MembershipFactory
from communities.landscape.jobs import refresh
from communities.models import Attendance
from sponsorship.factories import SponsorAppointmentFactory

pytestmark = pytest.mark.django_db

LONG_AGO = date(2024, 1, 1)


def grow(community, n, *, others=()):
    """n members of `community` (also members of `others`), who took part over two years;
    half of them stopped ten weeks ago (drifting regulars)."""
    today = timezone.localdate()
    people = [UserFactory(department=f"Department {i % 5}") for i in range(n)]
    for p in people:
        MembershipFactory(community=community, user=p, joined_on=LONG_AGO)
        for other in others:
            MembershipFactory(community=other, user=p, joined_on=LONG_AGO)
    for weeks in range(2, 100, 6):
        for where in (community, *others):
            activity = ActivityFactory(community=where, date=today - timedelta(weeks=weeks))
            who = people if weeks > 9 else people[: n // 2]
            Attendance.objects.bulk_create([Attendance(activity=activity, user=p) for p in who])
    return people


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx), response


# session + user, the community, the viewer's membership, the generations (the page's, its
# settled part's, its past's: communities.landscape.retention_parts); when computed: the
# settled part (members, departures, participation by quarter, first days since joining,
# the last days' rows, the core group's moves) and the live part (members who joined
# lately, the rows written since, the core group's moves since); after an ordinary write,
# the live part alone
RETENTION_CACHED = 5
RETENTION_AFTER_WRITE = RETENTION_CACHED + 3
RETENTION_FIRST = RETENTION_AFTER_WRITE + 6
# session + user, the community, membership; drifting (participation: attendance, logged;
# activities offered; memberships); the page's people, their usual activities, next sessions
DRIFTING = 4 + 4 + 3
# session + user, the snapshot, the generations keying the rendered fragments; when they
# are not cached: the filter's sponsors, nodes (with communities), links, a page of brokers
# (count, rows), their communities
LANDSCAPE_CACHED = 2 + 1 + 1
LANDSCAPE_FIRST = LANDSCAPE_CACHED + 1 + 5
# session + user, the snapshot; when the fragment is not cached: its retention
PROGRAM_RETENTION_CACHED = 3
PROGRAM_RETENTION_FIRST = 4
# session + user, the community, membership, the snapshot, the generations, whether the
# member may see the program's landscape; when not cached: as the landscape
NEIGHBOURHOOD_CACHED = 2 + 1 + 1 + 1 + 1 + 1
NEIGHBOURHOOD_FIRST = NEIGHBOURHOOD_CACHED + 5


@pytest.mark.parametrize("size", [4, 24])
def test_pages_run_a_constant_number_of_queries(clients, users, community, size):
    other = CommunityFactory(name="Field safety", slug="field-safety")
    SponsorAppointmentFactory(person=users["sponsor"], communities=[other])
    grow(community, size, others=[other])
    refresh()
    coordinator, admin = clients["coordinator"], clients["admin"]
    url = reverse("communities:retention", args=[community.slug])
    queries(coordinator, url)  # the generations' rows are created on first use
    cache.clear()
    assert queries(coordinator, url)[0] == RETENTION_FIRST
    assert queries(coordinator, url)[0] == RETENTION_CACHED
    joined = MembershipFactory(community=community, joined_on=timezone.localdate())
    activity = ActivityFactory(community=community, logged_by=joined.user)
    Attendance.objects.bulk_create([Attendance(activity=activity, user=joined.user)])
    assert queries(coordinator, url)[0] == RETENTION_AFTER_WRITE
    n, response = queries(coordinator, reverse("communities:drifting", args=[community.slug]))
    assert n == DRIFTING
    assert response.context["drifting_count"] == size // 2
    landscape = reverse("program:landscape")
    queries(admin, landscape)  # the generations' rows are created on first use
    cache.clear()
    n, response = queries(admin, landscape)
    assert n == LANDSCAPE_FIRST
    assert response.context["lazy"].data["brokers"].paginator.count == size // 2  # lately
    assert queries(admin, landscape)[0] == LANDSCAPE_CACHED
    filtered = {"sponsor": users["sponsor"].pk}
    assert queries(admin, landscape, **filtered)[0] == LANDSCAPE_FIRST + 1  # the sponsor
    assert queries(admin, landscape, **filtered)[0] == LANDSCAPE_CACHED + 1
    assert queries(admin, reverse("program:retention"))[0] == PROGRAM_RETENTION_FIRST
    assert queries(admin, reverse("program:retention"))[0] == PROGRAM_RETENTION_CACHED
    neighbourhood = reverse("communities:neighbourhood", args=[community.slug])
    assert queries(clients["member"], neighbourhood)[0] == NEIGHBOURHOOD_FIRST
    assert queries(clients["member"], neighbourhood)[0] == NEIGHBOURHOOD_CACHED


def test_the_retention_page_shows_the_heatmap_and_its_table(clients, users, community):
    grow(community, 4)
    html = clients["sponsor"].get(reverse("communities:retention", args=[community.slug]))
    text = html.content.decode()
    assert 'role="img"' in text and "Retention by quarter joined" in text
    assert "<table" in text and "Core group" in text
    assert users["member"].display_name not in text  # counts, never names


def test_drifting_regulars_name_people_with_a_suggested_action(clients, users, community):
    from communities.factories import SessionFactory

    people = grow(community, 4)
    # the sooner session is not of the kind they usually come to (exchanges): the later is
    SessionFactory(community=community, title="Open inquiry", activity_type="productive_inquiries",
                   starts_at=timezone.now() + timedelta(days=2))  # fmt: skip
    SessionFactory(community=community, title="Monthly case clinic", activity_type="exchanges",
                   starts_at=timezone.now() + timedelta(days=9))  # fmt: skip
    response = clients["coordinator"].get(reverse("communities:drifting", args=[community.slug]))
    text = response.content.decode()
    drifting = people[2:]
    for p in drifting:
        assert p.display_name in text
        assert reverse("people:detail", args=[p.pk]) in text
    assert people[0].display_name not in text
    name = drifting[0].get_short_name()
    assert f"Send {name} a personal note and invite them to “Monthly case clinic”" in text
    assert "Open inquiry" not in text and "Exchanges" in text  # their usual activities
    assert (
        clients["core"].get(reverse("communities:drifting", args=[community.slug])).status_code
        == 403
    )


def test_a_sponsor_sees_their_portfolio_and_no_members_only_names(clients, users, community):
    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False)
    outside = CommunityFactory(name="Not sponsored", slug="not-sponsored")
    SponsorAppointmentFactory(person=users["sponsor"], communities=[hidden])
    secret = UserFactory(display_name="Quiet Broker")
    open_broker = UserFactory(display_name="Open Broker")
    for who, where in ((secret, [community, hidden]), (open_broker, [community, outside])):
        for c in where:
            MembershipFactory(community=c, user=who, level=Level.ACTIVE)
            activity = ActivityFactory(community=c, date=timezone.localdate())
            Attendance.objects.create(activity=activity, user=who)
    refresh()
    response = clients["sponsor"].get(reverse("program:landscape"))
    names = {n.community.name for n in response.context["lazy"].data["nodes"]}
    assert names == {community.name, "Hidden"}  # the portfolio only
    text = response.content.decode()
    # the broker across the members-only community is not listed to its sponsor, nor is the
    # one whose second community is outside the portfolio
    assert "Quiet Broker" not in text and "Open Broker" not in text
    assert "Departments no community reaches" not in text  # the program's, not a sponsor's
    csv = clients["sponsor"].get(reverse("program:brokers_export")).content.decode()
    assert "Quiet Broker" not in csv
    # the team sees both brokers; the export says the same
    admin = clients["admin"].get(reverse("program:landscape")).content.decode()
    assert "Quiet Broker" in admin and "Open Broker" in admin
    assert (
        "Quiet Broker" in clients["admin"].get(reverse("program:brokers_export")).content.decode()
    )
    # a member of the open community: its neighbourhood, without the members-only community
    member = clients["member"].get(reverse("communities:neighbourhood", args=[community.slug]))
    nodes = {n.community.name for n in member.context["lazy"].data["nodes"]}
    assert nodes == {community.name, "Not sponsored"}
    assert "Quiet Broker" not in member.content.decode()
    assert "Open Broker" in member.content.decode()
    # the team sees the whole neighbourhood, the members-only community included
    admin_view = clients["admin"].get(reverse("communities:neighbourhood", args=[community.slug]))
    assert {n.community.name for n in admin_view.context["lazy"].data["nodes"]} == {
        community.name, "Hidden", "Not sponsored"}  # fmt: skip


def test_the_landscape_filters_by_stage_domain_and_sponsor(clients, users, community):
    other = CommunityFactory(name="Pumps", slug="pumps", stage="coalescing", domain="Pumping")
    grow(community, 2, others=[other])
    refresh()
    admin = clients["admin"]
    url = reverse("program:landscape")
    by = {
        "stage": {"stage": "coalescing"},
        "domain": {"domain": "pump"},
        "sponsor": {"sponsor": users["sponsor"].pk},
    }
    expected = {"stage": {"Pumps"}, "domain": {"Pumps"}, "sponsor": {community.name}}
    for key, params in by.items():
        nodes = admin.get(url, params).context["lazy"].data["nodes"]
        assert {n.community.name for n in nodes} == expected[key], key
    bad = admin.get(url, {"stage": "nonsense", "sponsor": "x"})
    assert bad.status_code == 200 and list(bad.context["lazy"].data["nodes"]) == []
    assert "Select a valid choice" in bad.content.decode()
    for sponsor in ("99999999999999999999", "-99999999999999999999"):
        odd = admin.get(url, {"sponsor": sponsor, "page": "x", "brokers": "-3"})
        assert odd.status_code == 200 and list(odd.context["lazy"].data["nodes"]) == []
    csv = admin.get(reverse("program:landscape_export"), {"stage": "coalescing"}).content
    assert b"Pumps" in csv and community.name.encode() not in csv


def test_before_the_first_run_the_pages_say_so(clients, users, community):
    for url in (reverse("program:landscape"), reverse("program:retention")):
        assert b"not been computed yet" in clients["admin"].get(url).content


def test_the_filters_sponsors_follow_appointments_and_names(clients, users, community):
    """The filter form is drawn once and cached: a sponsor appointed, renamed or whose
    appointment ends shows in (or leaves) its choices at the next view."""
    refresh()
    admin, url = clients["admin"], reverse("program:landscape")

    def choice(name):
        return f">{name}</option>" in admin.get(url).content.decode()

    assert choice(users["sponsor"].display_name) and not choice("Newly Appointed")
    newcomer = UserFactory(display_name="Newly Appointed")
    appointment = SponsorAppointmentFactory(person=newcomer, communities=[community])
    assert choice("Newly Appointed")
    newcomer.display_name = "Renamed Sponsor"
    newcomer.save()
    assert choice("Renamed Sponsor") and not choice("Newly Appointed")
    appointment.status = "ended"
    appointment.save()
    assert not choice("Renamed Sponsor")


def test_the_teams_landscape_outlives_ordinary_writes_and_follows_what_it_shows(
    clients, users, community
):
    """The team's landscape shows the nightly snapshot, the communities' names and stages,
    people's names and the sponsors: someone joining, an activity logged or a story
    approved leaves its rendered fragments as they are (no query of the snapshot again),
    a community renamed or a broker renamed shows at the next view."""
    from value_stories.factories import ValueStoryFactory

    grow(community, 6, others=[CommunityFactory(name="Field safety", slug="field-safety")])
    refresh()
    admin, url = clients["admin"], reverse("program:landscape")
    queries(admin, url)
    assert queries(admin, url)[0] == LANDSCAPE_CACHED
    MembershipFactory(community=community)
    ActivityFactory(community=community)
    ValueStoryFactory(community=community, status="approved")
    assert queries(admin, url)[0] == LANDSCAPE_CACHED  # the fragments are still good
    community.name = "Renamed community"
    community.save()
    n, response = queries(admin, url)
    assert n == LANDSCAPE_FIRST and "Renamed community" in response.content.decode()
    broker = response.context["lazy"].data["brokers"].object_list[0]
    from childcop.accounts.models import User

    person = User.objects.get(pk=broker["user_id"])
    person.display_name = "Renamed Broker"
    person.save()
    assert "Renamed Broker" in admin.get(url).content.decode()


def test_a_sponsors_landscape_follows_their_appointments(clients, users, community):
    """Anyone but the team sees what their appointments open to them: a new community in
    their portfolio shows at the next view, though the rendered fragments are cached."""
    other = CommunityFactory(name="Field safety", slug="field-safety")
    grow(community, 4, others=[other])
    appointment = SponsorAppointmentFactory(person=users["sponsor"], communities=[community])
    refresh()
    sponsor, url = clients["sponsor"], reverse("program:landscape")
    assert "Field safety" not in sponsor.get(url).content.decode()
    appointment.communities.add(other)
    assert "Field safety" in sponsor.get(url).content.decode()
