"""The program overview (/program/): every community with its stage, heartbeat, participation,
stories and flags from the HealthStatus rows; filters, sorting, pagination, CSV export,
"recompute now", access, and a constant number of queries."""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory
from communities.health.choices import FLAG_ADVICE, Flag
from communities.health.models import HealthStatus
from sponsorship.choices import Scope
from sponsorship.factories import SponsorAppointmentFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("program:overview")
EXPORT = reverse("program:overview_export")
REFRESH = reverse("program:overview_refresh")


def status(community, *, flags=(), computed_at=None, **figures):
    """The row `communities.health.jobs.refresh()` writes, written directly."""
    return HealthStatus.objects.create(
        community=community,
        computed_at=computed_at or timezone.now(),
        flags=HealthStatus.encode_flags(flags),
        flag_count=len(set(flags)),
        data={"flags": [{"key": key, "detail": f"Detail of {key}."} for key in flags]},
        **figures,
    )


def names_in(html):
    """The communities of the table, in the order shown."""
    return re.findall(r'<th scope="row"[^>]*><a href="[^"]*"[^>]*>([^<]+)</a>', html)


def get(client, **params):
    response = client.get(OVERVIEW, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def program(community, users):
    """Four more communities around the matrix one ("Data protection in practice"):

    - Alpha: coalescing, "Data" domain, two flags, named sponsor Nina, participation up
    - Beta: sustaining, "Field" domain, no flag, participation down
    - Gamma: closed, no flag, nobody took part before ("new")
    - Delta: maturing, not computed yet (no status row)
    """
    alpha = CommunityFactory(name="Alpha", slug="alpha", stage="coalescing", domain="Data ethics")
    beta = CommunityFactory(name="Beta", slug="beta", stage="sustaining", domain="Field safety")
    gamma = CommunityFactory(name="Gamma", slug="gamma", stage="closed", domain="Data archives")
    delta = CommunityFactory(name="Delta", slug="delta", stage="maturing", domain="Procurement")
    community.domain = "Privacy"
    community.save()
    today = timezone.localdate()
    status(
        alpha, flags=["no_coordinator", "no_story"], participants=12, participants_before=10,
        stories=0, sessions_held=2, sessions_planned=3, last_activity_on=today - timedelta(3),
    )  # fmt: skip
    status(
        beta, participants=30, participants_before=40, stories=5, sessions_held=4,
        sessions_planned=4, last_activity_on=today - timedelta(1),
    )  # fmt: skip
    status(gamma, participants=4, participants_before=0, stories=1, last_activity_on=None)
    status(
        community, flags=["missed_heartbeat"], participants=20, participants_before=20, stories=2,
        last_activity_on=today - timedelta(20), computed_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    nina = UserFactory(display_name="Nina Named")
    SponsorAppointmentFactory(person=nina, communities=[alpha])
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta, "nina": nina}


# --- the page -------------------------------------------------------------------------------


def test_every_community_with_its_figures(clients, users, program):
    html = get(clients["admin"])
    assert names_in(html) == ["Alpha", "Beta", "Data protection in practice", "Delta", "Gamma"]
    # heartbeat, participation and its change, stories
    assert "2 of 3 sessions held so far this month" in html
    assert "+20 %" in html and "−25 %" in html and "±0 %" in html and ">new<" in html
    # flags: label, explanation (tooltip and details line), what tripped it, suggested action
    explanation, action = FLAG_ADVICE[Flag.NO_COORDINATOR]
    assert "No coordinator" in html and f'title="{explanation} Detail of no_coordinator."' in html
    assert action in html and "Why, and what to do" in html
    # sponsors: the named one on Alpha, the matrix community's own (from the fixture)
    assert "Nina Named" in html and "Sam Sponsor" in html
    # Delta has no status row yet
    assert "Not computed yet" in html
    # the oldest computation is what "as of" states; one community is not computed yet
    oldest = timezone.localtime(HealthStatus.objects.order_by("computed_at")[0].computed_at)
    assert f"Figures as of <strong>{oldest:%-d %b %Y, %H:%M}</strong>" in html
    assert "1 community not computed yet" in html
    assert reverse("program:support_queue") in html and "Recompute now" in html


def test_program_wide_sponsors_cover_every_community(clients, users, program):
    pat = UserFactory(display_name="Pat Portfolio")
    SponsorAppointmentFactory(person=pat, scope=Scope.PROGRAM, sponsor_kind="portfolio")
    html = get(clients["admin"])
    assert "Program-wide sponsors (they sponsor every community): Pat Portfolio" in html
    assert "program-wide only" in html  # Beta has no named sponsor
    assert names_in(get(clients["admin"], sponsor="Pat Port")) == names_in(html)


def test_the_sponsors_named_follow_appointments_and_names(clients, users, program):
    """The page's sponsors are kept (under the appointments' generation): an appointment
    made, a name changed or an appointment ended shows at the next view."""
    from sponsorship.choices import AppointmentStatus

    assert "Pat Portfolio" not in get(clients["admin"])
    pat = UserFactory(display_name="Pat Portfolio")
    appointment = SponsorAppointmentFactory(person=pat, scope=Scope.PROGRAM)
    assert "sponsor every community): Pat Portfolio" in get(clients["admin"])
    pat.display_name = "Pat Renamed"
    pat.save()
    assert "sponsor every community): Pat Renamed" in get(clients["admin"])
    appointment.status = AppointmentStatus.ENDED
    appointment.save()
    assert "Pat Renamed" not in get(clients["admin"])


def test_the_sponsors_named_are_those_of_the_programs_day_whatever_the_viewers(
    clients, users, program, monkeypatch
):
    """They are kept under the day in the program's time zone, where they are computed: a
    program admin whose day is already tomorrow does not keep yesterday's list under it."""
    import datetime as dt

    here = timezone.get_default_timezone()
    day = timezone.localdate(timezone.now(), here)
    SponsorAppointmentFactory(
        person=UserFactory(display_name="Ending Today"), communities=[program["alpha"]],
        term_end=day,
    )  # fmt: skip
    users["admin"].time_zone = "Pacific/Kiritimati"  # fourteen hours ahead of UTC
    users["admin"].save()
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=here)  # tomorrow in Kiritimati
    monkeypatch.setattr(timezone, "now", lambda: noon)
    assert "Ending Today" in get(clients["admin"])  # the term ends today, for the program
    one_am = dt.datetime.combine(day + timedelta(days=1), dt.time(1), tzinfo=here)
    monkeypatch.setattr(timezone, "now", lambda: one_am)  # the same day in Kiritimati
    assert "Ending Today" not in get(clients["admin"])  # the term has ended


def test_an_empty_program_says_so(clients, users):
    from communities.models import Community

    Community.objects.all().delete()
    html = get(clients["admin"])
    assert "No community matches these filters." in html
    assert "The figures have not been computed yet" in html


def test_nav_link_for_admins_only(clients, users):
    assert f'href="{OVERVIEW}"' in get(clients["admin"])
    html = clients["coordinator"].get("/").content.decode()
    assert f'href="{OVERVIEW}"' not in html


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"stage": "closed"}, ["Gamma"]),
        ({"stage": "current"}, ["Alpha", "Beta", "Data protection in practice", "Delta"]),
        ({"domain": "data"}, ["Alpha", "Gamma"]),
        ({"q": "ph"}, ["Alpha"]),
        ({"flag": "no_coordinator"}, ["Alpha"]),
        ({"flag": "no_story"}, ["Alpha"]),
        ({"flag": "missed_heartbeat"}, ["Data protection in practice"]),
        ({"flag": "health_check_overdue"}, []),
        ({"flag": "any"}, ["Alpha", "Data protection in practice"]),
        ({"flag": "none"}, ["Beta", "Gamma"]),
        ({"stage": "current", "flag": "none"}, ["Beta"]),
    ],
)
def test_filters(clients, users, program, params, expected):
    assert names_in(get(clients["admin"], **params)) == expected


def test_sponsor_filter_uses_current_appointments(clients, users, program):
    html = get(clients["admin"], sponsor="nina")
    assert names_in(html) == ["Alpha"]
    assert names_in(get(clients["admin"], sponsor="Sam Sponsor")) == ["Data protection in practice"]
    # the names in the table link to their communities (by the person, see below)
    assert f'href="?sponsor_id={program["nina"].pk}"' in get(clients["admin"])
    # ended appointments, and appointments past their term, do not count
    ended = UserFactory(display_name="Ed Ended")
    SponsorAppointmentFactory(person=ended, communities=[program["beta"]], status="ended")
    past = UserFactory(display_name="Ed Expired")
    SponsorAppointmentFactory(
        person=past, communities=[program["beta"]], term_end=timezone.localdate() - timedelta(1)
    )
    assert "Ed E" not in get(clients["admin"])
    assert names_in(get(clients["admin"], sponsor="Ed E")) == []
    # people who are something else than a sponsor do not count either
    sme = UserFactory(display_name="Sue Expert")
    SponsorAppointmentFactory(person=sme, role="sme", communities=[program["beta"]])
    assert names_in(get(clients["admin"], sponsor="Sue")) == []


def test_a_sponsor_link_lists_that_person_only_not_everyone_whose_name_contains_theirs(
    clients, users, program
):
    ann = UserFactory(display_name="Ann")
    joanna = UserFactory(display_name="Joanna Jones")
    SponsorAppointmentFactory(person=ann, communities=[program["beta"]])
    SponsorAppointmentFactory(person=joanna, communities=[program["gamma"]])
    html = get(clients["admin"])
    assert f'<a href="?sponsor_id={ann.pk}" title="The communities Ann sponsors">Ann</a>' in html
    html = get(clients["admin"], sponsor_id=ann.pk)
    assert names_in(html) == ["Beta"]  # not Gamma (Joanna's)
    # the page says whose communities these are, the link back shows every sponsor's
    assert "Communities sponsored by <strong>Ann</strong>" in html
    assert f'<input type="hidden" name="sponsor_id" value="{ann.pk}"' in html  # kept
    assert names_in(get(clients["admin"], sponsor_id=ann.pk, stage="closed")) == []
    assert names_in(get(clients["admin"], sponsor_id=joanna.pk)) == ["Gamma"]
    # the name box stays a text search: "Ann" finds both
    assert names_in(get(clients["admin"], sponsor="Ann")) == ["Beta", "Gamma"]
    # the export follows the same filter
    rows = export(clients["admin"], sponsor_id=ann.pk)
    assert [r[0] for r in rows[1:]] == ["Beta"]
    # someone who sponsors nothing (now): nothing; a program-wide sponsor: everything
    assert names_in(get(clients["admin"], sponsor_id=users["member"].pk)) == []
    pat = UserFactory(display_name="Pat Portfolio")
    SponsorAppointmentFactory(person=pat, scope=Scope.PROGRAM, sponsor_kind="portfolio")
    assert len(names_in(get(clients["admin"], sponsor_id=pat.pk))) == 5


def test_invalid_filter_values_are_ignored(clients, users, program):
    html = get(
        clients["admin"], flag="bogus", stage="nowhere", sort="pwned", page="x", sponsor_id="x"
    )
    assert names_in(html) == ["Alpha", "Beta", "Data protection in practice", "Delta", "Gamma"]


def test_htmx_gets_the_table_only(clients, users, program):
    response = clients["admin"].get(OVERVIEW, {"flag": "any"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and names_in(html) == ["Alpha", "Data protection in practice"]
    assert f"{EXPORT}?flag=any" in html  # the export follows the filters


def test_in_place_updates_announce_the_count(clients, users, program, settings):
    """The page has a polite live region outside the table; each htmx update of the table
    fills it (out of band) with the number of communities found."""
    html = get(clients["admin"])
    region = (
        '<p class="visually-hidden" id="overview-status" role="status" aria-live="polite" '
        'aria-atomic="true"></p>'
    )
    assert region in html
    assert html.index(region) < html.index('<div id="results">')  # not replaced by a swap
    assert "hx-swap-oob" not in html  # a full page fills nothing out of band
    headers = {"HX-Request": "true"}
    partial = clients["admin"].get(OVERVIEW, {"flag": "any"}, headers=headers).content.decode()
    assert (
        '<div hx-swap-oob="innerHTML:#overview-status">2 communities match the filters.</div>'
        in partial
    )
    partial = clients["admin"].get(OVERVIEW, {"q": "Beta"}, headers=headers).content.decode()
    assert "1 community matches the filters." in partial
    settings.CHILDCOP_PAGE_SIZE = 2
    partial = clients["admin"].get(OVERVIEW, {"page": 2}, headers=headers).content.decode()
    assert "5 communities match the filters; page 2 of 3." in partial


# --- sorting -------------------------------------------------------------------------------

NOT_COMPUTED_LAST = "Delta"


@pytest.mark.parametrize(
    "sort,expected",
    [
        ("name", ["Alpha", "Beta", "Data protection in practice", "Delta", "Gamma"]),
        ("-name", ["Gamma", "Delta", "Data protection in practice", "Beta", "Alpha"]),
        ("stage", ["Alpha", "Data protection in practice", "Delta", "Beta", "Gamma"]),
        ("-stage", ["Gamma", "Beta", "Data protection in practice", "Delta", "Alpha"]),
        ("activity", ["Data protection in practice", "Alpha", "Beta", "Delta", "Gamma"]),
        ("-activity", ["Beta", "Alpha", "Data protection in practice", "Delta", "Gamma"]),
        ("participation", ["Gamma", "Alpha", "Data protection in practice", "Beta", "Delta"]),
        ("-participation", ["Beta", "Data protection in practice", "Alpha", "Gamma", "Delta"]),
        ("change", ["Beta", "Data protection in practice", "Alpha", "Delta", "Gamma"]),
        ("-change", ["Alpha", "Data protection in practice", "Beta", "Delta", "Gamma"]),
        ("stories", ["Alpha", "Gamma", "Data protection in practice", "Beta", "Delta"]),
        ("-stories", ["Beta", "Data protection in practice", "Gamma", "Alpha", "Delta"]),
        ("flags", ["Beta", "Gamma", "Data protection in practice", "Alpha", "Delta"]),
        ("-flags", ["Alpha", "Data protection in practice", "Beta", "Gamma", "Delta"]),
    ],
)
def test_sorting_both_directions(clients, users, program, sort, expected):
    """Figures not computed (Delta; Gamma has no activity and no change) come last both ways."""
    assert names_in(get(clients["admin"], sort=sort)) == expected


def test_sort_headers_link_and_say_how_the_table_is_sorted(clients, users, program):
    html = get(clients["admin"], flag="any")
    assert (
        html.count("aria-sort=") == 1
        and 'aria-sort="ascending"><a href="?flag=any&amp;sort=-name"' in html
    )
    html = get(clients["admin"], flag="any", sort="-participation")
    assert 'aria-sort="descending"><a href="?flag=any&amp;sort=participation"' in html
    assert "sorted by participants, descending" in html
    assert 'href="?flag=any&amp;sort=stories"' in html  # other headers sort ascending first


def test_pagination_keeps_filters_and_sort(clients, users, program, settings):
    settings.CHILDCOP_PAGE_SIZE = 2
    html = get(clients["admin"], stage="current", sort="-name")
    assert names_in(html) == ["Delta", "Data protection in practice"]
    assert "page=2" in html and "stage=current" in html
    html = get(clients["admin"], stage="current", sort="-name", page=2)
    assert names_in(html) == ["Beta", "Alpha"]


# --- CSV export ----------------------------------------------------------------------------


def export(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_export_has_every_filtered_row_sorted(clients, users, program, settings):
    settings.CHILDCOP_PAGE_SIZE = 1  # all rows, not one page
    rows = export(clients["admin"], stage="current", sort="-participation")
    header, *body = rows
    assert header[:5] == ["Community", "Address", "Stage", "Domain", "Sponsors"]
    assert [r[0] for r in body] == ["Beta", "Data protection in practice", "Alpha", "Delta"]
    alpha = dict(zip(header, body[2], strict=True))
    assert alpha["Address"] == "http://testserver/communities/alpha/"
    assert alpha["Stage"] == "Coalescing" and alpha["Domain"] == "Data ethics"
    assert alpha["Sponsors"] == "Nina Named"
    assert (
        alpha["Sessions held this month"] == "2" and alpha["Sessions due so far this month"] == "3"
    )
    assert alpha["Participants"] == "12" and alpha["Participation change (%)"] == "20"
    assert alpha["Value-creation stories"] == "0"
    assert alpha["Flags"] == "No coordinator; No value-creation story lately"
    assert alpha["Last activity"] == (timezone.localdate() - timedelta(3)).isoformat()
    delta = dict(zip(header, body[3], strict=True))
    assert delta["Participants"] == "" and delta["Figures as of"] == ""  # not computed yet
    beta = dict(zip(header, body[0], strict=True))
    # a computed negative number stays a number (typed text starting with "-" does not)
    assert beta["Participation change (%)"] == "-25" and beta["Flags"] == ""


def test_export_filters_by_flag(clients, users, program):
    assert [r[0] for r in export(clients["admin"], flag="no_coordinator")[1:]] == ["Alpha"]


def test_export_neutralises_formulas(clients, users, program):
    CommunityFactory(name='=HYPERLINK("http://x")', slug="formula", domain="+SUM(A1)")
    evil = UserFactory(display_name="@evil")
    SponsorAppointmentFactory(person=evil, communities=[program["alpha"]])
    rows = export(clients["admin"], q="HYPERLINK")
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][3] == "'+SUM(A1)"
    rows = export(clients["admin"], q="Alpha")
    assert rows[1][4] == "'@evil; Nina Named"


def test_export_names_program_wide_sponsors(clients, users, program):
    SponsorAppointmentFactory(person=UserFactory(display_name="Pat Portfolio"), scope=Scope.PROGRAM)
    rows = export(clients["admin"], q="Beta")
    assert rows[1][4] == "Pat Portfolio (whole program)"


# --- recompute now -------------------------------------------------------------------------


def test_recompute_now_runs_the_refresh_after_commit(
    clients, users, program, django_capture_on_commit_callbacks
):
    """The job is enqueued on commit (eager in tests): every community gets a status row."""
    pytest.importorskip("communities.health.jobs")
    assert not HealthStatus.objects.filter(community=program["delta"]).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = clients["admin"].post(REFRESH, {"query": "flag=any&sort=-flags"})
    assert len(callbacks) == 1
    assert (
        response.status_code == 302 and response["Location"] == f"{OVERVIEW}?flag=any&sort=-flags"
    )
    assert HealthStatus.objects.filter(community=program["delta"]).exists()
    html = clients["admin"].get(response["Location"]).content.decode()
    assert "being recomputed" in html


def test_recompute_keeps_only_a_query_string(clients, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = clients["admin"].post(REFRESH, {"query": "https://evil.example/\r\nX: y"})
    assert response["Location"].startswith(f"{OVERVIEW}?")
    assert "\n" not in response["Location"] and "//evil" not in response["Location"]


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["outsider", "member", "core", "coordinator", "sponsor"])
def test_only_program_admins(clients, users, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert clients[role].get(OVERVIEW).status_code == 403
        assert clients[role].get(EXPORT).status_code == 403
        assert clients[role].post(REFRESH).status_code == 403
    assert callbacks == []  # nothing enqueued


def test_anonymous_people_are_sent_to_sign_in(clients):
    for response in (
        clients["anonymous"].get(OVERVIEW),
        clients["anonymous"].get(EXPORT),
        clients["anonymous"].post(REFRESH),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_wrong_methods(clients, users):
    assert clients["admin"].get(REFRESH).status_code == 405
    assert clients["admin"].post(OVERVIEW).status_code == 405
    assert clients["admin"].post(EXPORT).status_code == 405


# --- a constant number of queries ----------------------------------------------------------


def grow(n):
    """n communities with status rows, flags, named sponsors (every third) and one closed."""
    today = timezone.localdate()
    communities = [
        CommunityFactory(name=f"Grown {i:03d}", slug=f"grown-{i:03d}", domain=f"Domain {i % 4}")
        for i in range(n)
    ]
    for i, community in enumerate(communities):
        status(
            community, flags=["no_story"] if i % 2 else ["no_coordinator", "missed_heartbeat"],
            participants=i, participants_before=i % 5, stories=i % 3,
            last_activity_on=today - timedelta(days=i),
        )  # fmt: skip
    for community in communities[::3]:
        SponsorAppointmentFactory(communities=[community])
    return SponsorAppointmentFactory(scope=Scope.PROGRAM).person


# session + user, count, page of communities (status rows LEFT JOINed, stage rank and
# participation change annotated), the generation of the appointments (the page's sponsors
# are kept under it), figures as of (one aggregate), open support requests. The filters
# (sponsor included) are part of the count and page queries.
OVERVIEW_QUERIES = 7
# the page's sponsors when not kept yet: named sponsors of the page, program-wide sponsors
SPONSORS_NAMED = 2
# ... and a sponsor's link followed (sponsor_id): the person, checked and named (once)
BY_SPONSOR_ID = 1
# session + user, named sponsors (by a subquery of the filtered set), program-wide sponsors,
# every row (status rows LEFT JOINed), the export's audit entry
EXPORT_QUERIES = 6


@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_do_not_grow(clients, users, size, django_assert_num_queries):
    program_wide = grow(size)
    sponsor = program_wide.display_name
    filters = {
        "stage": "current",
        "flag": "no_story",
        "domain": "1",
        "q": "Gro",
        "sponsor": sponsor,
    }
    for url, queries, params in [
        (OVERVIEW, OVERVIEW_QUERIES, {}),
        (OVERVIEW, OVERVIEW_QUERIES, {"sort": "-change", "page": 2}),
        (OVERVIEW, OVERVIEW_QUERIES, {**filters, "sort": "-flags"}),
        (OVERVIEW, OVERVIEW_QUERIES + BY_SPONSOR_ID, {"sponsor_id": program_wide.pk}),
        (EXPORT, EXPORT_QUERIES, {}),
        (EXPORT, EXPORT_QUERIES, {"flag": "no_story", "sort": "activity"}),
        (EXPORT, EXPORT_QUERIES, filters),
        (EXPORT, EXPORT_QUERIES + BY_SPONSOR_ID, {**filters, "sponsor_id": program_wide.pk}),
    ]:
        if url == OVERVIEW:  # the page's sponsors named first, then kept
            cache.clear()
            with django_assert_num_queries(queries + SPONSORS_NAMED):
                assert clients["admin"].get(url, params).status_code == 200
        with django_assert_num_queries(queries):
            response = clients["admin"].get(url, params)
        assert response.status_code == 200
        assert "Grown 0" in response.content.decode()  # never an empty result


def test_the_cached_table_follows_the_status_rows_and_the_query(clients, users, program):
    """The rendered table is cached under all it shows: a recomputed status row, a renamed
    community or another sort shows at once."""
    html = get(clients["admin"])  # cached from here on
    assert "2 of 3 sessions held so far this month" in html
    HealthStatus.objects.filter(community=program["alpha"]).update(sessions_held=3)
    assert "3 of 3 sessions held so far this month" in get(clients["admin"])
    Community = type(program["alpha"])
    Community.objects.filter(pk=program["beta"].pk).update(name="Bravo")  # no signal
    assert "Bravo" in names_in(get(clients["admin"]))
    html = get(clients["admin"], sort="-name")
    assert 'aria-sort="descending"><a href="?sort=name"' in html
    assert names_in(html)[0] == "Gamma"


def test_the_filter_fields_are_drawn_once_per_query_string(clients, users, program):
    """The filter fields show only what the query string says, so they are cached under it:
    the same query draws no widget template again, and a different one is drawn afresh."""
    from django.test.signals import template_rendered

    widgets = []

    def seen(sender, template=None, **kwargs):
        if template is not None and "forms/widgets/" in (template.name or ""):
            widgets.append(template.name)

    template_rendered.connect(seen)
    try:
        unique = uuid.uuid4().hex  # a query string no other test has cached
        first = get(clients["admin"], stage="maturing", q=f"data {unique}")
        drawn = len(widgets)
        again = get(clients["admin"], stage="maturing", q=f"data {unique}")
        assert len(widgets) == drawn > 0  # nothing drawn the second time
        other = get(clients["admin"], stage="closed", domain=unique)
        assert len(widgets) > drawn
    finally:
        template_rendered.disconnect(seen)
    field = re.compile(r'<input[^>]*name="q"[^>]*>')
    assert field.search(first).group(0) == field.search(again).group(0)
    assert f'value="data {unique}"' in field.search(first).group(0)
    assert "data " not in field.search(other).group(0)
    assert '<option value="closed" selected>' in other
