"""Calendars: public holidays and local wall-clock times.

Public holidays come from the ``holidays`` package, for the technician's country
(availability) and for the client's country (coverage).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UTC = dt.timezone.utc


@lru_cache(maxsize=256)
def _country_holidays(country: str, year: int) -> frozenset[dt.date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:
        raise ValueError(f"no public-holiday calendar for country {country!r}") from None


def holiday_dates(country: str, start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """Public holidays of ``country`` between ``start`` and ``end`` (inclusive).

    An empty country has no public holidays.
    """
    if not country:
        return frozenset()
    found: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        found |= {d for d in _country_holidays(country, year) if start <= d <= end}
    return frozenset(found)


def local(day: dt.date, time: dt.time, zone: str) -> dt.datetime:
    """The aware datetime of a local wall-clock ``time`` on ``day`` in ``zone``."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(zone))


def wall_interval(
    day: dt.date, start: dt.time, duration_minutes: int, zone: str
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a shift starting at ``start`` on ``day`` in ``zone``.

    The end is the wall-clock time ``duration_minutes`` after the start on the
    wall clock (so a 22:00-06:00 night stays 22:00-06:00 across a DST change);
    both are returned as aware datetimes.
    """
    begin = dt.datetime.combine(day, start)
    finish = begin + dt.timedelta(minutes=duration_minutes)
    tz = ZoneInfo(zone)
    return begin.replace(tzinfo=tz), finish.replace(tzinfo=tz)


def minutes_between(origin: dt.datetime, moment: dt.datetime) -> int:
    """Whole minutes from ``origin`` to ``moment`` (real elapsed time)."""
    delta = moment.astimezone(UTC) - origin.astimezone(UTC)
    return int(delta.total_seconds() // 60)
