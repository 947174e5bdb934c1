"""Periods: calendar months in the program's time zone, and the window of one computation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_starts(period: date, count: int) -> list[date]:
    """First days of the `count` months ending with `period`'s, oldest first."""
    first = period.replace(day=1)
    return [add_months(first, -i) for i in reversed(range(count))]


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def month_of(value) -> date:
    """A TruncMonth result (a date, or a datetime in the current time zone) as a date."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def month_start(moment: datetime) -> date:
    """The first day of the month (in the current time zone) of an aware moment."""
    return timezone.localdate(moment).replace(day=1)


@dataclass
class Window:
    """The moments one computation is about."""

    months: list[date]
    start: datetime  # the first month's first moment
    as_of: datetime  # now, or the last moment of a past period
    as_of_date: date
    now: datetime  # the moment of computing (what is known by now: grace periods over)

    @classmethod
    def for_period(cls, period, now, count):
        now = now or timezone.now()
        if period is None:
            period = timezone.localdate(now)
        months = month_starts(period, count)
        end = _aware(add_months(months[-1], 1)) - timedelta(microseconds=1)
        as_of = min(now, end)
        return cls(months, _aware(months[0]), as_of, timezone.localdate(as_of), now)
