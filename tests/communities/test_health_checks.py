"""Health checks: opening one, answering on sliders, the combined result and its radar,
closing; who may do what; invalid input; closed communities; query counts."""

import importlib
import math
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childcop import charts
from childcop.accounts.factories import UserFactory
from communities.choices import Level, Stage
from communities.factories import CommunityFactory, MembershipFactory
from communities.health.forms import OpenHealthCheckForm, period_containing, previous_period
from communities.health.models import Dimension, HealthCheck, HealthCheckResponse, HealthRating
from communities.health.services import checks

pytestmark = pytest.mark.django_db

READERS = ["core", "coordinator", "admin", "sponsor"]


def seed_dimensions():
    """The seven default dimensions, as their data migration seeds them (a transactional test
    run earlier in the session flushes migration data)."""
    defaults = importlib.import_module("communities.migrations.0014_health_defaults")
    for order, (name, meaning, efforts) in enumerate(defaults.DIMENSIONS, start=1):
        Dimension.objects.get_or_create(
            name=name, defaults={"meaning": meaning, "efforts": efforts, "order": order}
        )


@pytest.fixture(autouse=True)
def default_dimensions(db):
    seed_dimensions()


def dimensions():
    return list(Dimension.objects.filter(is_active=True).order_by("order", "id"))


def make_check(community, start=None, *, closed=False, **fields):
    start = start or period_containing(timezone.localdate())[0]
    _, end = period_containing(start)
    return HealthCheck.objects.create(
        community=community,
        period_start=start,
        period_end=end,
        answer_by=fields.pop("answer_by", timezone.localdate() + timedelta(days=21)),
        closed_at=timezone.now() if closed else None,
        **fields,
    )


def answer(check, user, scores, **extra):
    """Rate the active dimensions in order with `scores` (an int rates them all alike)."""
    dims = dimensions()
    if isinstance(scores, int):
        scores = [scores] * len(dims)
    return checks.save_answer(
        check, user, ratings={d.pk: (s, "") for d, s in zip(dims, scores, strict=False)}, **extra
    )


def answer_data(scores=3, **overrides):
    dims = dimensions()
    if isinstance(scores, int):
        scores = [scores] * len(dims)
    data = {f"score_{d.pk}": s for d, s in zip(dims, scores, strict=True)}
    data.update({f"note_{d.pk}": "" for d in dims})
    data.update(overrides)
    return data


def url(name, community, check=None):
    args = [community.slug] + ([check.pk] if check is not None else [])
    return reverse(f"communities:{name}", args=args)


@pytest.fixture
def check(users, community):
    return make_check(community, opened_by=users["coordinator"])


# --- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day,every,expected",
    [
        (date(2031, 2, 14), 3, (date(2031, 1, 1), date(2031, 3, 31))),
        (date(2031, 4, 1), 3, (date(2031, 4, 1), date(2031, 6, 30))),
        (date(2031, 12, 31), 3, (date(2031, 10, 1), date(2031, 12, 31))),
        (date(2032, 2, 29), 1, (date(2032, 2, 1), date(2032, 2, 29))),
        (date(2031, 8, 5), 6, (date(2031, 7, 1), date(2031, 12, 31))),
        (date(2031, 8, 5), 12, (date(2031, 1, 1), date(2031, 12, 31))),
    ],
)
def test_periods_are_aligned_to_the_calendar(day, every, expected):
    assert period_containing(day, every) == expected


@pytest.mark.parametrize(
    "start,end,label",
    [
        (date(2025, 1, 1), date(2025, 3, 31), "2025 Q1"),
        (date(2025, 10, 1), date(2025, 12, 31), "2025 Q4"),
        (date(2024, 4, 1), date(2024, 6, 30), "2024 Q2"),
        # not exactly a calendar quarter: the dates
        (date(2025, 1, 1), date(2025, 3, 10), "1 Jan 2025 – 10 Mar 2025"),
        (date(2025, 10, 1), date(2026, 12, 31), "1 Oct 2025 – 31 Dec 2026"),
        (date(2025, 1, 1), date(2026, 3, 31), "1 Jan 2025 – 31 Mar 2026"),
        (date(2025, 1, 2), date(2025, 3, 31), "2 Jan 2025 – 31 Mar 2025"),
        (date(2025, 2, 1), date(2025, 4, 30), "1 Feb 2025 – 30 Apr 2025"),
        (date(2025, 7, 1), date(2025, 9, 29), "1 Jul 2025 – 29 Sep 2025"),
    ],
)
def test_a_quarter_label_only_for_exactly_a_calendar_quarter(start, end, label):
    assert HealthCheck(period_start=start, period_end=end).period_label == label


def test_the_period_follows_the_setting_and_the_previous_one_comes_before(settings):
    settings.CHILDCOP_HEALTH_CHECK_EVERY_MONTHS = 6
    assert period_containing(date(2031, 5, 2)) == (date(2031, 1, 1), date(2031, 6, 30))
    assert previous_period(date(2031, 1, 1), 3) == (date(2030, 10, 1), date(2030, 12, 31))


# --- opening ----------------------------------------------------------------------------


def open_data(**overrides):
    start, end = period_containing(timezone.localdate())
    data = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "answer_by": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinator_and_admin_open_a_health_check_with_the_quarter_as_default(
    clients, users, community, settings, role
):
    settings.CHILDCOP_HEALTH_CHECK_ANSWER_DAYS = 10
    response = clients[role].get(url("health_check_open", community))
    assert response.status_code == 200
    form = response.context["form"]
    today = timezone.localdate()
    start, end = period_containing(today)
    assert form["period_start"].initial == start
    assert form["period_end"].initial == end
    assert form["answer_by"].initial == today + timedelta(days=10)

    response = clients[role].post(url("health_check_open", community), open_data())
    check = HealthCheck.objects.get(community=community)
    assert response.status_code == 302
    assert response.url == url("health_check_answer", community, check)
    assert (check.period_start, check.period_end, check.opened_by) == (start, end, users[role])
    assert check.is_open


@pytest.mark.parametrize("role", ["member", "core", "sponsor", "outsider"])
def test_others_cannot_open_one(clients, community, role):
    assert clients[role].get(url("health_check_open", community)).status_code == 403
    assert clients[role].post(url("health_check_open", community), open_data()).status_code == 403
    assert not HealthCheck.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client, community, check):
    for name, target in [
        ("health_checks", None),
        ("health_check_open", None),
        ("health_check", check),
        ("health_check_answer", check),
        ("health_check_close", check),
    ]:
        response = client.get(url(name, community, target))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert (
        client.post(url("health_check_answer", community, check), answer_data()).status_code == 302
    )
    assert not HealthCheckResponse.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"period_end": "2020-01-01"}, "period_end"),  # ends before it starts
        ({"period_start": ""}, "period_start"),
        ({"answer_by": "2001-01-01"}, "answer_by"),  # in the past
        ({"answer_by": "not a date"}, "answer_by"),
        ({"period_start": "2999-01-01", "period_end": "2999-03-31"}, "period_start"),  # not begun
    ],
)
def test_invalid_periods_show_errors_and_open_nothing(clients, community, overrides, field):
    response = clients["coordinator"].post(
        url("health_check_open", community), open_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not HealthCheck.objects.exists()


def test_a_period_already_assessed_is_refused(clients, community):
    start, end = previous_period(period_containing(timezone.localdate())[0])
    make_check(community, start, closed=True)
    # the same period, and one overlapping it
    for data in (
        open_data(period_start=start.isoformat(), period_end=end.isoformat()),
        open_data(period_start=(end - timedelta(days=5)).isoformat()),
    ):
        response = clients["coordinator"].post(url("health_check_open", community), data)
        assert response.status_code == 200
        assert "already assessed" in str(response.context["form"].errors["period_start"])
    assert HealthCheck.objects.count() == 1


def test_a_second_check_waits_until_the_open_one_is_closed(clients, community):
    previous = previous_period(period_containing(timezone.localdate())[0])[0]
    make_check(community, previous)  # still open
    response = clients["coordinator"].post(url("health_check_open", community), open_data())
    assert response.status_code == 200
    assert "still open" in str(response.context["form"].non_field_errors())
    assert HealthCheck.objects.count() == 1


def test_no_open_button_nor_form_while_a_check_is_open(clients, community):
    previous = previous_period(period_containing(timezone.localdate())[0])[0]
    still_open = make_check(community, previous)
    listing = clients["coordinator"].get(url("health_checks", community)).content.decode()
    assert "Open a health check</a>" not in listing
    assert still_open.period_label in listing and "is open until you close it" in listing
    page = clients["coordinator"].get(url("health_check_open", community)).content.decode()
    assert "is still open" in page and "Open the health check</button>" not in page
    HealthCheck.objects.filter(pk=still_open.pk).update(closed_at=timezone.now())
    listing = clients["coordinator"].get(url("health_checks", community)).content.decode()
    assert "Open a health check</a>" in listing


def test_the_form_is_not_prefilled_with_a_period_already_assessed(clients, community):
    make_check(community, period_containing(timezone.localdate())[0], closed=True)
    form = clients["coordinator"].get(url("health_check_open", community)).context["form"]
    assert form["period_start"].initial is None and form["period_end"].initial is None


def test_another_communitys_check_does_not_count(clients, community):
    other = CommunityFactory(slug="other")
    make_check(other)
    response = clients["coordinator"].post(url("health_check_open", community), open_data())
    assert response.status_code == 302
    assert HealthCheck.objects.filter(community=community).count() == 1


@contextmanager
def meanwhile(action):
    """Run `action` (another person's request, committed) just before the request under test
    opens its first transaction (savepoint) — after its form was validated, before it saves."""
    done = []

    def wrapper(execute, sql, params, many, context):
        if not done and sql.startswith("SAVEPOINT"):
            done.append(True)
            action()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert done, "the request never opened a transaction"


def test_a_check_opened_meanwhile_is_caught_when_opening(clients, users, community):
    """Two coordinators at once: the second one's form was valid, but by the time it saves
    another check is open; open_check asks again under the community's lock."""
    previous = previous_period(period_containing(timezone.localdate())[0])[0]
    client = clients["coordinator"]
    with meanwhile(lambda: make_check(community, previous)):  # still open
        response = client.post(url("health_check_open", community), open_data())
    assert response.status_code == 200
    assert "still open" in str(response.context["form"].non_field_errors())
    assert HealthCheck.objects.count() == 1


def test_an_overlapping_check_opened_meanwhile_is_refused_by_the_service(users, community):
    form = OpenHealthCheckForm(open_data(), community=community)
    assert form.is_valid()
    start = form.cleaned_data["period_start"]
    make_check(community, start + timedelta(days=10), closed=True)  # overlaps, closed
    with pytest.raises(ValidationError) as raised:
        checks.open_check(community, by=users["coordinator"], **form.cleaned_data)
    assert "already assessed" in str(raised.value.message_dict["period_start"])
    assert HealthCheck.objects.count() == 1


# --- answering --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["core", "coordinator"])
def test_core_group_members_rate_every_dimension_on_sliders(clients, users, community, check, role):
    response = clients[role].get(url("health_check_answer", community, check))
    assert response.status_code == 200
    html = response.content.decode()
    for d in dimensions():
        assert (
            f'<label class="form-label fw-semibold mb-1" for="id_score_{d.pk}">{d.name}</label>'
            in html
        )
        assert (
            f'<input type="range" class="form-range" min="0" max="5" step="1" '
            f'name="score_{d.pk}" id="id_score_{d.pk}" value="0"'
        ) in html
        assert f'id="id_score_{d.pk}_meaning">{d.meaning}</div>' in html
        assert f'<output for="id_score_{d.pk}"' in html
        # nothing rated yet: "Can't say" is ticked, so an untouched slider records no 0
        assert re.search(
            rf'<input type="checkbox" name="cant_say_{d.pk}" [^>]*id="id_cant_say_{d.pk}" checked>',
            html,
        )
        assert f'Can&#x27;t say<span class="visually-hidden"> about {d.name}</span>' in html
    assert 'type="checkbox" name="success_factors" value="trust"' in html
    assert 'type="checkbox" name="failure_factors" value="groupthink"' in html

    dims = dimensions()
    scores = [0, 1, 2, 3, 4, 5, 3][: len(dims)]
    data = answer_data(
        scores,
        success_factors=["trust", "rhythm"],
        failure_factors=["lack_of_time"],
        notes="  We need more follow-up.  ",
        **{f"note_{dims[0].pk}": "Loops stay open"},
    )
    response = clients[role].post(url("health_check_answer", community, check), data)
    assert response.status_code == 302
    assert response.url == check.get_absolute_url()
    saved = HealthCheckResponse.objects.get(health_check=check, respondent=users[role])
    assert saved.success_factors == ["trust", "rhythm"]
    assert saved.failure_factors == ["lack_of_time"]
    assert saved.notes == "We need more follow-up."
    ratings = {r.dimension_id: (r.score, r.note) for r in saved.ratings.all()}
    assert ratings == {
        d.pk: (s, "Loops stay open" if i == 0 else "")
        for i, (d, s) in enumerate(zip(dims, scores, strict=True))
    }


def test_an_answer_can_be_changed_while_the_check_is_open(clients, users, community, check):
    endpoint = url("health_check_answer", community, check)
    clients["core"].post(endpoint, answer_data(1, success_factors=["trust"]))
    form = clients["core"].get(endpoint).context["form"]
    assert form["success_factors"].value() == ["trust"]
    assert form[f"score_{dimensions()[0].pk}"].value() == 1  # the sliders show the answer given
    response = clients["core"].post(endpoint, answer_data(4, failure_factors=["red_tape"]))
    assert response.status_code == 302
    saved = HealthCheckResponse.objects.get()
    assert (saved.success_factors, saved.failure_factors) == ([], ["red_tape"])
    assert set(saved.ratings.values_list("score", flat=True)) == {4}
    assert HealthRating.objects.count() == len(dimensions())


@pytest.mark.parametrize(
    "overrides",
    [
        {"score": 6},
        {"score": -1},
        {"score": "high"},
        {"score": None},  # a slider missing
        {"success_factors": ["no_such_factor"]},
        {"failure_factors": ["trust"]},  # a success factor is not a failure factor
        {"note": "x" * 301},
    ],
)
def test_invalid_answers_show_errors_and_write_nothing(clients, community, check, overrides):
    first = dimensions()[0]
    data = answer_data()
    if "score" in overrides:
        if overrides["score"] is None:
            del data[f"score_{first.pk}"]
        else:
            data[f"score_{first.pk}"] = overrides["score"]
    if "note" in overrides:
        data[f"note_{first.pk}"] = overrides["note"]
    for key in ("success_factors", "failure_factors"):
        if key in overrides:
            data[key] = overrides[key]
    response = clients["core"].post(url("health_check_answer", community, check), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    assert not HealthCheckResponse.objects.exists()
    assert not HealthRating.objects.exists()


@pytest.mark.parametrize("role", ["member", "admin", "sponsor", "outsider"])
def test_only_the_core_group_answers(clients, community, check, role):
    endpoint = url("health_check_answer", community, check)
    assert clients[role].get(endpoint).status_code == 403
    assert clients[role].post(endpoint, answer_data()).status_code == 403
    assert not HealthCheckResponse.objects.exists()


def test_a_closed_check_takes_no_more_answers(clients, community, check):
    checks.close_check(check)
    endpoint = url("health_check_answer", community, check)
    response = clients["core"].post(endpoint, answer_data())
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    assert not HealthCheckResponse.objects.exists()
    assert clients["core"].get(endpoint).status_code == 302


def test_only_dimensions_in_use_are_rated(clients, community, check):
    dropped = dimensions()[-1]
    Dimension.objects.filter(pk=dropped.pk).update(is_active=False)
    response = clients["core"].get(url("health_check_answer", community, check))
    assert f"score_{dropped.pk}" not in response.context["form"].fields
    data = answer_data()
    data.pop(f"score_{dropped.pk}", None)
    assert (
        clients["core"].post(url("health_check_answer", community, check), data).status_code == 302
    )
    assert not HealthRating.objects.filter(dimension=dropped).exists()


def test_changing_an_answer_keeps_the_rating_of_a_dimension_taken_out_of_use(
    clients, users, community, check
):
    endpoint = url("health_check_answer", community, check)
    assert clients["core"].post(endpoint, answer_data(2)).status_code == 302
    retired = dimensions()[-1]
    Dimension.objects.filter(pk=retired.pk).update(is_active=False)
    data = answer_data(4)  # the dimensions in use: the retired one is not asked
    assert f"score_{retired.pk}" not in data
    assert clients["core"].post(endpoint, data).status_code == 302
    saved = HealthCheckResponse.objects.get()
    scores = dict(saved.ratings.values_list("dimension_id", "score"))
    assert scores[retired.pk] == 2  # the earlier rating of the retired dimension stays
    assert {s for pk, s in scores.items() if pk != retired.pk} == {4}
    assert len(scores) == len(dimensions()) + 1


# --- "Can't say" ------------------------------------------------------------------------------


def test_cant_say_stores_no_rating_and_stays_out_of_the_mean_and_count(
    clients, users, community, check
):
    first, second = dimensions()[:2]
    endpoint = url("health_check_answer", community, check)
    # the core member ticks "Can't say" on the first dimension (the slider stays at 0)
    data = answer_data(4, **{f"score_{first.pk}": 0, f"cant_say_{first.pk}": "on"})
    assert clients["core"].post(endpoint, data).status_code == 302
    saved = HealthCheckResponse.objects.get(respondent=users["core"])
    assert not saved.ratings.filter(dimension=first).exists()
    assert saved.ratings.get(dimension=second).score == 4
    # the coordinator rates the first dimension 2 (a real rating: "Can't say" unticked)
    assert clients["coordinator"].post(endpoint, answer_data(2)).status_code == 302
    rows = {r.dimension.pk: r for r in checks.combine(check).dimensions}
    assert (rows[first.pk].count, rows[first.pk].mean, rows[first.pk].low) == (1, 2.0, 2)
    assert (rows[second.pk].count, rows[second.pk].mean) == (2, 3.0)
    # when changing the answer, the dimension without a rating shows "Can't say" ticked
    form = clients["core"].get(endpoint).context["form"]
    assert form[f"cant_say_{first.pk}"].value() is True
    assert form[f"cant_say_{second.pk}"].value() is False
    assert form[f"score_{second.pk}"].value() == 4
    # and saying "Can't say" later takes the earlier rating away
    data = answer_data(4, **{f"cant_say_{second.pk}": "on", f"score_{second.pk}": 0})
    assert clients["core"].post(endpoint, data).status_code == 302
    assert not saved.ratings.filter(dimension=second).exists()
    assert saved.ratings.filter(dimension=first).exists()  # rated now: unticked, slider at 4


@pytest.mark.parametrize(
    "extra,field,message",
    [
        # a slider moved with "Can't say" still ticked (no script): which one is meant?
        ({"score": 3, "cant_say": "on"}, "score", "untick it to give this rating"),
        # a note on a dimension said "Can't say" would be lost: said so
        ({"score": 0, "cant_say": "on", "note": "No idea"}, "note", "A note goes with a rating"),
    ],
)
def test_cant_say_with_a_rating_or_a_note_asks(clients, community, check, extra, field, message):
    first = dimensions()[0]
    data = answer_data(3)
    data.update({f"{key}_{first.pk}": value for key, value in extra.items()})
    response = clients["core"].post(url("health_check_answer", community, check), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[f"{field}_{first.pk}"])
    assert not HealthCheckResponse.objects.exists()


# --- errors are announced -------------------------------------------------------------------


def test_a_slider_and_a_note_with_an_error_are_marked_and_linked_to_it(clients, community, check):
    first = dimensions()[0]
    data = answer_data(**{f"score_{first.pk}": 9, f"note_{first.pk}": "x" * 301})
    html = clients["core"].post(url("health_check_answer", community, check), data).content
    html = html.decode()
    slider = re.search(rf'<input type="range"[^>]*name="score_{first.pk}"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in slider
    assert f'aria-describedby="id_score_{first.pk}_meaning id_score_{first.pk}_error"' in slider
    assert f'<div class="invalid-feedback d-block" id="id_score_{first.pk}_error">' in html
    note = re.search(rf'<input type="text" name="note_{first.pk}"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in note
    assert f'aria-describedby="id_note_{first.pk}_error"' in note
    assert f'<div class="invalid-feedback d-block" id="id_note_{first.pk}_error">' in html
    # the sliders without an error are not marked
    other = re.search(rf'<input type="range"[^>]*name="score_{dimensions()[1].pk}"[^>]*>', html)
    assert "aria-invalid" not in other[0] and "_error" not in other[0]


# --- closing while someone answers ----------------------------------------------------------


def test_an_answer_is_not_saved_once_the_check_was_closed_meanwhile(
    clients, users, community, check
):
    """The answer page read the check open and validated the form; the coordinator closed it
    before the answer was saved: save_answer reads the locked row again and refuses."""
    endpoint = url("health_check_answer", community, check)
    client = clients["core"]
    with meanwhile(lambda: checks.close_check(check)):
        response = client.post(endpoint, answer_data(3))
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    assert not HealthCheckResponse.objects.exists()
    assert not HealthRating.objects.exists()
    page = clients["core"].get(response.url).content.decode()
    assert "closed before your answer arrived: it was not saved" in page


def test_save_answer_rechecks_the_check_it_was_given(users, community, check):
    stale = HealthCheck.objects.get(pk=check.pk)  # read while open
    checks.close_check(check)
    with pytest.raises(checks.CheckClosed):
        answer(stale, users["core"], 3)
    assert not HealthCheckResponse.objects.exists()
    # a change of an answer is refused alike, and the earlier answer stays as it was
    reopened = make_check(community, previous_period(check.period_start)[0])
    answer(reopened, users["core"], 1)
    stale = HealthCheck.objects.get(pk=reopened.pk)
    checks.close_check(reopened)
    with pytest.raises(checks.CheckClosed):
        answer(stale, users["core"], 5)
    assert set(HealthRating.objects.values_list("score", flat=True)) == {1}


@pytest.mark.parametrize(
    "name,method",
    [
        ("health_checks", "post"),
        ("health_check", "post"),
        ("health_check_answer", "put"),
        ("health_check_open", "delete"),
        ("health_check_close", "put"),
    ],
)
def test_wrong_methods_answer_405(clients, community, check, name, method):
    target = None if name in ("health_checks", "health_check_open") else check
    response = getattr(clients["coordinator"], method)(url(name, community, target))
    assert response.status_code == 405


# --- combining the ratings ----------------------------------------------------------------


def core_members(community, n):
    return [
        MembershipFactory(community=community, level=Level.CORE, user=UserFactory()).user
        for _ in range(n)
    ]


def test_the_result_combines_mean_spread_and_counts_on_known_ratings(users, community, check):
    a, b, c = core_members(community, 3)
    dims = dimensions()
    first, second, third = dims[0], dims[1], dims[2]
    # first dimension: 1, 3, 5; second: 4, 4, 4; third: 0, 5 (one left it out)
    checks.save_answer(
        check, a, ratings={first.pk: (1, "Loops stay open"), second.pk: (4, ""), third.pk: (0, "")},
        success_factors=["trust", "rhythm"], failure_factors=["lack_of_time"], notes="More time",
    )  # fmt: skip
    checks.save_answer(
        check, b, ratings={first.pk: (3, ""), second.pk: (4, ""), third.pk: (5, "")},
        success_factors=["trust"], failure_factors=["lack_of_time", "red_tape"],
    )  # fmt: skip
    checks.save_answer(
        check, c, ratings={first.pk: (5, ""), second.pk: (4, "")}, success_factors=["trust"]
    )
    # ratings of another check and another community do not count
    other = make_check(CommunityFactory(slug="elsewhere"))
    checks.save_answer(other, UserFactory(), ratings={first.pk: (0, "")})

    result = checks.combine(check)
    rows = {r.dimension.pk: r for r in result.dimensions}
    assert [r.dimension for r in result.dimensions] == dims
    one = rows[first.pk]
    assert (one.count, one.mean, one.low, one.high) == (3, 3.0, 1, 5)
    assert one.stdev == round(math.sqrt(8 / 3), 2) == 1.63  # population standard deviation
    assert one.notes == ["Loops stay open"]
    two = rows[second.pk]
    assert (two.count, two.mean, two.low, two.high, two.stdev) == (3, 4.0, 4, 4, 0.0)
    three = rows[third.pk]
    assert (three.count, three.mean, three.low, three.high, three.stdev) == (2, 2.5, 0, 5, 2.5)
    unrated = rows[dims[3].pk]
    assert (unrated.count, unrated.mean, unrated.low, unrated.stdev) == (0, None, None, None)
    assert result.respondents == 3
    assert [(f.key, f.count) for f in result.success] == [("trust", 3), ("rhythm", 1)]
    assert [(f.key, f.count) for f in result.failure] == [("lack_of_time", 2), ("red_tape", 1)]
    assert result.notes == ["More time"]


def test_the_previous_checks_means_come_beside(users, community, check):
    previous = make_check(community, previous_period(check.period_start)[0], closed=True)
    older = make_check(community, previous_period(previous.period_start)[0], closed=True)
    a, b = core_members(community, 2)
    answer(previous, a, 2)
    answer(previous, b, 3)
    answer(older, a, 5)
    answer(check, a, 4)
    assert checks.previous_check(check) == previous
    result = checks.combine(check, previous=previous)
    assert {r.previous_mean for r in result.dimensions} == {2.5}
    assert {r.mean for r in result.dimensions} == {4.0}
    assert {r.change for r in result.dimensions} == {1.5}
    names = [s.name for s in result.radar().series]
    assert names == [
        f"This period ({check.period_label})",
        f"Previous ({previous.period_label})",
    ]


def test_a_dimension_taken_out_of_use_stays_in_the_result_it_was_rated_in(users, community, check):
    dropped = dimensions()[-1]
    answer(check, users["core"], 3)
    Dimension.objects.filter(pk=dropped.pk).update(is_active=False)
    assert dropped in [r.dimension for r in checks.combine(check).dimensions]
    fresh = make_check(CommunityFactory(slug="fresh"))
    assert dropped not in [r.dimension for r in checks.combine(fresh).dimensions]


# --- the result page ----------------------------------------------------------------------


def test_the_result_page_shows_the_radar_table_factors_and_notes(clients, users, community, check):
    previous = make_check(community, previous_period(check.period_start)[0], closed=True)
    answer(previous, users["coordinator"], 2)
    first = dimensions()[0]
    answer(check, users["core"], 4, success_factors=["trust"], notes="Keep the clinic going")
    answer(check, users["coordinator"], 2)
    HealthRating.objects.filter(response__respondent=users["core"], dimension=first).update(
        note="Advice gets followed up"
    )
    response = clients["core"].get(check.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="radar-series"') == 2
    assert f'data-series="This period ({check.period_label})"' in html
    assert f'data-series="Previous ({previous.period_label})"' in html
    assert 'stroke-dasharray="6 4"' in html  # the previous period is dashed
    assert f"This period ({check.period_label}) — solid line" in html  # the legend
    assert f"Previous ({previous.period_label}) — dashed line" in html
    table = response.context["result"].dimensions
    assert {(r.mean, r.low, r.high, r.stdev, r.count, r.previous_mean) for r in table} == {
        (3.0, 2, 4, 1.0, 2, 2.0)
    }
    assert f'<th scope="row" class="fw-normal">{first.name}</th>' in html
    assert "2–4" in html and "1.00" in html
    assert 'Trust</td><td class="text-end">1 of 2' in html
    assert "Keep the clinic going" in html
    assert "Advice gets followed up" in html
    assert users["core"].display_name not in html.split("Notes")[-1]  # notes without names


def test_a_first_health_check_draws_one_polygon(clients, users, community, check):
    answer(check, users["core"], 3)
    html = clients["core"].get(check.get_absolute_url()).content.decode()
    assert html.count('class="radar-series"') == 1
    assert "Previous (" not in html


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_result(clients, users, community, check, role):
    answer(check, users["core"], 3)
    if role == "coordinator":
        answer(check, users["coordinator"], 3)
    response = clients[role].get(check.get_absolute_url())
    assert response.status_code == 200
    assert 'class="radar-series"' in response.content.decode()
    assert clients[role].get(url("health_checks", community)).status_code == 200


def test_a_core_member_who_has_not_answered_sees_no_ratings_yet(clients, users, community, check):
    answer(check, users["coordinator"], 5)
    html = clients["core"].get(check.get_absolute_url()).content.decode()
    assert "Give your answer first" in html
    assert "radar-series" not in html
    checks.close_check(check)
    html = clients["core"].get(check.get_absolute_url()).content.decode()
    assert "radar-series" in html  # once closed, everyone reads the result


def test_the_coordinator_sees_who_has_answered_and_who_has_not(clients, users, community, check):
    late = core_members(community, 1)[0]
    answer(check, users["core"], 3)
    answer(check, users["coordinator"], 3)
    response = clients["coordinator"].get(check.get_absolute_url())
    assert {u.pk for u in response.context["waiting"]} == {late.pk}
    html = response.content.decode()
    assert "Answered (2)" in html and "Not answered (1)" in html
    assert late.display_name in html
    sponsor = clients["sponsor"].get(check.get_absolute_url())
    assert "Who has answered" not in sponsor.content.decode()


def test_notes_cannot_be_matched_to_the_list_of_who_answered(clients, users, community, check):
    """Who answered: by name, without dates; the notes: by their text. Neither follows the
    order in which people answered, so the Nth note is not the Nth name."""
    first = dimensions()[0]
    people = []
    # answered in this order: Zoe, Adam, Mia; their notes sort as Mia's, Zoe's, Adam's
    for n, (name, note) in enumerate(
        [("Zoe Zimmer", "Better agendas"), ("Adam Abel", "Clinics work"), ("Mia Moss", "Agendas")]
    ):
        person = MembershipFactory(
            community=community, level=Level.CORE, user=UserFactory(display_name=name)
        ).user
        response = checks.save_answer(
            check, person, ratings={first.pk: (3, f"{note} here")}, notes=note
        )
        HealthCheckResponse.objects.filter(pk=response.pk).update(
            submitted_at=timezone.make_aware(datetime(2031, 1, 10 + n, 9)),
            updated_at=timezone.make_aware(datetime(2031, 1, 10 + n, 9)),
        )
        people.append(person)
    answer(check, users["coordinator"], 3)
    response = clients["coordinator"].get(check.get_absolute_url())
    html = response.content.decode()
    who = html.split('id="who-heading"')[1].split("Not answered")[0]
    names = re.findall(r"<li>([^<]+)</li>", who)
    assert names == sorted(
        ["Adam Abel", "Mia Moss", "Zoe Zimmer", users["coordinator"].display_name]
    )
    # no dates (a name may hold "Jan", as in Janet: look for a day and a month, or a year)
    assert not re.search(r"\b\d{1,2} Jan|Jan(uary)? \d{1,2}\b|\b2031\b", who)
    notes = html.split('id="notes-heading"')[1]
    general = re.findall(r'<blockquote class="border-start ps-3 mb-3">([^<]+)</blockquote>', notes)
    assert general == ["Agendas", "Better agendas", "Clinics work"]
    on_first = notes.split(f'<h3 class="h6 mt-3">{first.name}</h3>')[1].split("</ul>")[0]
    assert re.findall(r"<li>([^<]+)</li>", on_first) == [
        "Agendas here", "Better agendas here", "Clinics work here"
    ]  # fmt: skip


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_members_and_visitors_get_403(clients, community, check, role):
    assert clients[role].get(check.get_absolute_url()).status_code == 403
    assert clients[role].get(url("health_checks", community)).status_code == 403


def test_outsiders_of_a_members_only_community_get_404(clients, users, community, check):
    community.is_open = False
    community.save()
    for name, target in [("health_checks", None), ("health_check", check),
                         ("health_check_answer", check), ("health_check_close", check),
                         ("health_check_open", None)]:  # fmt: skip
        assert clients["outsider"].get(url(name, community, target)).status_code == 404
    assert clients["sponsor"].get(check.get_absolute_url()).status_code == 200


def test_a_check_of_another_community_is_404(clients, users, community):
    other = CommunityFactory(slug="another")
    foreign = make_check(other)
    for name in ("health_check", "health_check_answer", "health_check_close"):
        response = clients["coordinator"].get(
            reverse(f"communities:{name}", args=[community.slug, foreign.pk])
        )
        assert response.status_code == 404


# --- closing ------------------------------------------------------------------------------


def test_the_coordinator_closes_after_confirming(clients, users, community, check):
    core_members(community, 1)
    answer(check, users["core"], 3)
    endpoint = url("health_check_close", community, check)
    response = clients["coordinator"].get(endpoint)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 answer so far; 2 core group members have not answered yet" in html
    check.refresh_from_db()
    assert check.is_open  # GET only asks
    response = clients["coordinator"].post(endpoint)
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    check.refresh_from_db()
    assert not check.is_open
    again = clients["coordinator"].post(endpoint)
    assert again.status_code == 302
    closed_at = check.closed_at
    check.refresh_from_db()
    assert check.closed_at == closed_at


@pytest.mark.parametrize("role", ["core", "member", "sponsor"])
def test_others_cannot_close(clients, community, check, role):
    assert clients[role].post(url("health_check_close", community, check)).status_code == 403
    check.refresh_from_db()
    assert check.is_open


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_each_period_with_its_answers_and_filters(clients, users, community, check):
    previous = make_check(community, previous_period(check.period_start)[0], closed=True)
    answer(previous, users["core"], 2)
    answer(previous, users["coordinator"], 2)
    response = clients["core"].get(url("health_checks", community))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert rows == [check, previous]
    assert [(c.answers, c.answered) for c in rows] == [(0, False), (2, True)]
    html = response.content.decode()
    assert url("health_check_answer", community, check) in html
    assert "Open a health check" not in html  # core members do not open checks
    closed = clients["core"].get(url("health_checks", community), {"status": "closed"})
    assert list(closed.context["page"]) == [previous]
    partial = clients["core"].get(
        url("health_checks", community), {"status": "open"}, HTTP_HX_REQUEST="true"
    )
    assert list(partial.context["page"]) == [check]
    assert "<html" not in partial.content.decode()
    # one check is open: the coordinator is told so instead of being offered another
    html = clients["coordinator"].get(url("health_checks", community)).content.decode()
    assert "Open a health check</a>" not in html and "is open until you close it" in html


def test_an_empty_list_says_so(clients, community):
    html = clients["coordinator"].get(url("health_checks", community)).content.decode()
    assert "No health check yet." in html


# --- closed communities: read-only --------------------------------------------------------


def test_a_closed_community_keeps_its_checks_readable_but_unchangeable(
    clients, users, community, check
):
    answer(check, users["core"], 3)
    community.stage = Stage.CLOSED
    community.save()
    page = clients["core"].get(check.get_absolute_url())
    assert page.status_code == 200
    assert "This community is closed" in page.content.decode()
    assert "Change your answer" not in page.content.decode()
    assert clients["sponsor"].get(url("health_checks", community)).status_code == 200
    for role in ("coordinator", "admin"):
        response = clients[role].post(url("health_check_open", community), open_data())
        assert response.status_code == 403
        assert "This community is closed" in response.content.decode()
        assert clients[role].post(url("health_check_close", community, check)).status_code == 403
    response = clients["core"].post(url("health_check_answer", community, check), answer_data(5))
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.is_open and HealthCheckResponse.objects.count() == 1
    assert set(HealthRating.objects.values_list("score", flat=True)) == {3}


# --- queries: constant whatever the number of respondents ----------------------------------


def queries(client, path, method="get", data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data)
    assert response.status_code in (200, 302), response.status_code
    return len(ctx)


# session + user, the community, the viewer's membership (their role), the check, the previous
# check, (1) the rating statistics of both checks, (2) the dimensions, (3) the answers with
# their respondents, (4) their notes on single dimensions; the core group (who has not answered)
RESULT_COORDINATOR = 11
# as above without the core group, but: is this signed-in non-member a sponsor of it?
RESULT_SPONSOR = 11
# session + user, the community, membership, the check, one's own answer, the dimensions
ANSWER_PAGE_FIRST = 7
# ... and, once answered, the answer's ratings (to set the sliders)
ANSWER_PAGE_AGAIN = 8
# the page's queries (first time), then in one transaction (savepoint ... release): the
# check's row locked and read again (closed meanwhile?), one's answer (get_or_create: select,
# savepoint, insert, release), a new generation of "Needs you" (the check no longer waits for
# this person: childcop.aggregates), the ratings (one bulk insert)
ANSWER_POST_FIRST = 16
# the page's queries (again), then in one transaction: the check's row locked, one's answer
# (select), update it, a new generation of "Needs you", delete its ratings of the dimensions
# asked, insert the new ones
ANSWER_POST_AGAIN = 16


@pytest.mark.parametrize("respondents", [2, 12])
def test_the_result_page_runs_a_constant_number_of_queries(clients, users, community, respondents):
    check = make_check(community)
    previous = make_check(community, previous_period(check.period_start)[0], closed=True)
    people = [users["coordinator"]] + core_members(community, respondents - 1)
    for n, person in enumerate(people):
        answer(check, person, n % 6, success_factors=["trust"], notes=f"Note {n}")
        answer(previous, person, 2)
        HealthRating.objects.filter(response__respondent=person).update(note="A note")
    core_members(community, 3)  # some have not answered
    assert queries(clients["coordinator"], check.get_absolute_url()) == RESULT_COORDINATOR
    assert queries(clients["sponsor"], check.get_absolute_url()) == RESULT_SPONSOR


@pytest.mark.parametrize("respondents", [2, 12])
def test_the_answer_page_runs_a_constant_number_of_queries(clients, users, community, respondents):
    check = make_check(community)
    for person in core_members(community, respondents):
        answer(check, person, 3)
    endpoint = url("health_check_answer", community, check)
    assert queries(clients["core"], endpoint) == ANSWER_PAGE_FIRST
    assert queries(clients["core"], endpoint, "post", answer_data(2)) == ANSWER_POST_FIRST
    assert queries(clients["core"], endpoint) == ANSWER_PAGE_AGAIN
    assert queries(clients["core"], endpoint, "post", answer_data(4)) == ANSWER_POST_AGAIN


# --- the radar's geometry -----------------------------------------------------------------


def test_the_radar_puts_the_first_axis_up_and_goes_clockwise():
    chart = charts.radar(["N", "E", "S", "W"], [("now", [5, 5, 5, 5])], radius=100)
    c = chart.centre
    points = [(p.x, p.y) for p in chart.series[0].points]
    assert points == [(c.x, c.y - 100), (c.x + 100, c.y), (c.x, c.y + 100), (c.x - 100, c.y)]
    assert [a.anchor for a in chart.axes] == ["middle", "start", "middle", "end"]
    assert chart.series[0].polygon == " ".join(f"{x},{y}" for x, y in points)
    assert len(chart.rings) == 5  # one ring per rating 1..5


def test_the_radar_scales_values_between_centre_and_outer_ring():
    chart = charts.radar(["A", "B", "C"], [("now", [0, 2.5, None])], radius=100)
    c = chart.centre
    zero, half, missing = chart.series[0].points
    assert (zero.x, zero.y) == (c.x, c.y)
    assert math.isclose(math.dist((half.x, half.y), (c.x, c.y)), 50, abs_tol=0.2)
    assert (missing.x, missing.y) == (c.x, c.y)
    assert chart.series[0].missing == [2]
    clipped = charts.radar(["A", "B", "C"], [("now", [9, 0, 0])], radius=100).series[0].points[0]
    assert clipped.y == c.y - 100  # above the scale: on the outer ring


def test_two_series_differ_by_line_style_and_marker():
    chart = charts.radar(["A", "B", "C"], [("now", [1, 2, 3]), ("before", [3, 2, 1])])
    now, before = chart.series
    assert (now.dash, now.marker) == ("", "circle")
    assert (before.dash, before.marker) == ("6 4", "square")
    with pytest.raises(ValueError):
        charts.radar(["A", "B"], [("now", [1, 2, 3])])
    assert charts.radar([], []).is_empty


def test_long_dimension_names_wrap():
    assert charts.wrap("Domain and learning agenda") == ["Domain and", "learning", "agenda"]
    assert charts.wrap("Value") == ["Value"]


# --- the admin ----------------------------------------------------------------------------


def test_admins_keep_the_dimensions_and_see_checks_with_their_answers(clients, users, check):
    answer(check, users["core"], 3)
    changelist = clients["admin"].get(reverse("admin:communities_dimension_changelist"))
    assert changelist.status_code == 200
    assert 'name="form-0-is_active"' in changelist.content.decode()  # editable in the list
    assert 'name="form-0-order"' in changelist.content.decode()
    form = clients["admin"].get(reverse("admin:communities_dimension_add")).content.decode()
    assert "Take a dimension out of use rather than deleting it" in form
    page = clients["admin"].get(reverse("admin:communities_healthcheck_change", args=[check.pk]))
    assert page.status_code == 200
    assert users["core"].email in page.content.decode() or str(users["core"].pk) in (
        page.content.decode()
    )
    response = HealthCheckResponse.objects.get()
    rated = clients["admin"].get(
        reverse("admin:communities_healthcheckresponse_change", args=[response.pk])
    )
    assert rated.status_code == 200
