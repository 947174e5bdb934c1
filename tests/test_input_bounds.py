"""Out-of-range input is a form error, never a 500: ids beyond what a column holds, dates
beyond the years a person may mean, recurrence rules that would be searched for ever."""

from datetime import date, datetime, timedelta

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from childcop.forms import FIRST_YEAR, LAST_YEAR
from communities.choices import Recurrence
from communities.factories import RhythmFactory
from communities.models import Activity, Rhythm
from communities.rhythm import services as rhythm_service
from communities.rhythm.forms import RhythmForm

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"  # beyond 64 bits


def test_an_attendee_id_beyond_64_bits_is_not_a_valid_choice(clients, community):
    response = clients["coordinator"].post(
        reverse("communities:activity_create", args=[community.slug]),
        {"date": timezone.localdate().isoformat(), "title": "Clinic", "activity_type": "exchanges",
         "format": "one_to_many", "unnamed_guests": "0", "attendees": [HUGE, "-" + HUGE],
         "outputs-TOTAL_FORMS": "0", "outputs-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["attendees"]
    assert "Select a valid choice" in response.context["form"].errors["attendees"][0]
    assert not Activity.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, str(2**63), str(-(2**63) - 1)])
def test_every_multiple_choice_of_ids_refuses_ids_no_column_holds(value, community):
    """The class: any `__in` on an integer column, a primary or a foreign key."""
    field = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.all())
    with pytest.raises(forms.ValidationError):
        field.clean([value])
    assert not get_user_model().objects.filter(memberships__community__in=[value]).exists()
    assert list(community.memberships.filter(user__in=[value, "1"])) == []


def rhythm_post(starts_at, **extra):
    return {"title": "Clinic", "activity_type": "exchanges", "format": "one_to_many",
            "channel": "online", "recurrence": "monthly", "starts_at": starts_at,
            "duration_minutes": "60", **extra}  # fmt: skip


@pytest.mark.parametrize("year", [1, 1899, 2201, 9999])
def test_a_rhythm_starting_in_a_year_out_of_range_is_a_form_error(clients, community, year):
    url = reverse("communities:rhythm_create", args=[community.slug])
    response = clients["coordinator"].post(url, rhythm_post(f"{year:04d}-12-31T23:30"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["starts_at"]
    assert f"between the years {FIRST_YEAR} and {LAST_YEAR}" in response.content.decode()
    assert not Rhythm.objects.exists()


@pytest.mark.parametrize("field_class", [forms.DateField, forms.DateTimeField])
@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_every_date_field_of_every_form_bounds_its_years(field_class, text):
    """The class: a field built by any form (model forms, filters, the admin) is bounded."""
    with pytest.raises(forms.ValidationError, match="between the years"):
        field_class().clean(text)
    assert field_class().clean("2031-01-01")


def test_the_bounds_themselves_are_accepted():
    assert forms.DateField().clean(f"{FIRST_YEAR}-01-01") == date(FIRST_YEAR, 1, 1)
    assert forms.DateField().clean(f"{LAST_YEAR}-12-31") == date(LAST_YEAR, 12, 31)


def custom_rule_form(rule):
    return RhythmForm(data=rhythm_post("2031-01-06T18:00", recurrence="custom", rrule=rule))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31;COUNT=500",
        "FREQ=DAILY;BYYEARDAY=366;BYMONTH=1",
    ],
)
def test_a_rule_that_never_happens_is_refused_by_a_bounded_search(community, rule):
    form = custom_rule_form(rule)
    assert not form.is_valid() and "never happens" in form.errors["rrule"][0]
    assert_search_bounded(rhythm_service.parse_rule(rule, datetime(2031, 1, 6, 18, 0)))


def assert_search_bounded(rule):
    """dateutil searches a rule that never happens day by day up to the year 9999 (seconds of
    a worker): the bounded rule searches from within the calendar's last 400-year cycle,
    so it scans at most one cycle, whatever the rule says. (Speed itself is `make bench`'s.)"""
    assert datetime.max.year - rule.rule._dtstart.year < rhythm_service.CALENDAR_CYCLE + 3


def test_a_stored_rule_that_never_happens_plans_nothing(community):
    rhythm = RhythmFactory(
        community=community, recurrence=Recurrence.CUSTOM,
        rrule="FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1", starts_at=timezone.now(),
    )  # fmt: skip
    assert rhythm_service.sync_sessions(rhythm, backfill=True) == 0


def test_a_counted_rule_is_bounded_in_number_and_time(community):
    first = datetime(2031, 1, 6, 18, 0)
    rule = rhythm_service.parse_rule("FREQ=DAILY;COUNT=100000", first)
    found = list(rule)
    assert found[0] == first and len(found) <= rhythm_service.MAX_OCCURRENCES
    assert found[-1] <= first + timedelta(days=rhythm_service.SEARCH_DAYS)


def test_the_bounded_search_finds_the_same_dates_as_the_calendar(community):
    """The search runs shifted by whole 400-year cycles: weekdays and leap days are kept."""
    first = datetime(2031, 1, 6, 18, 0)
    rule = rhythm_service.parse_rule("FREQ=MONTHLY;BYDAY=-1FR;COUNT=14", first)
    fridays = list(rule)
    assert len(fridays) == 14
    assert all(d.weekday() == 4 and (d + timedelta(days=7)).month != d.month for d in fridays)
    leap = rhythm_service.parse_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", datetime(2031, 1, 1))
    assert list(leap) == [datetime(2032, 2, 29)]


def test_a_list_filtered_by_a_date_out_of_range_says_so(clients, community):
    """Filter forms are bounded too: the list shows, the date is refused, nothing breaks."""
    url = reverse("communities:activities", args=[community.slug])
    for value in ("0001-01-01", "9999-12-31"):
        response = clients["member"].get(url, {"date_from": value, "date_to": value})
        assert response.status_code == 200
        assert response.context["filter"].form.errors


@pytest.mark.parametrize(
    "formset",
    [
        "communities.forms.ObjectiveFormSet",
        "communities.rhythm.forms.ActivityOutputFormSet",
        "sponsorship.forms.CommitmentFormSet",
        "value_stories.forms.IndicatorFormSet",
    ],
)
def test_a_huge_form_count_builds_no_more_forms_than_allowed(formset):
    """A posted TOTAL_FORMS of a million builds at most `max_num` forms, not max_num + 1000."""
    from django.utils.module_loading import import_string

    cls = import_string(formset)
    prefix = cls.get_default_prefix()
    data = {f"{prefix}-TOTAL_FORMS": "1000000", f"{prefix}-INITIAL_FORMS": "0"}
    built = cls(data=data, prefix=prefix)
    assert len(built.forms) <= cls.max_num
    assert not built.is_valid()
