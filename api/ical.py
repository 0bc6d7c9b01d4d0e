"""A technician's published shifts and on-call periods as an iCalendar feed (RFC 5545).

Events carry their local time with a TZID (the client's zone for shifts, the
rotation's zone for on-call), and the feed holds the matching VTIMEZONE
definitions, so calendar applications show correct times across DST changes.

Calendar applications poll feeds often, so the events are written directly as text
lines (values escaped by the ``icalendar`` library's ``vText``, lines folded by its
``Contentline``) and the VTIMEZONE blocks, slow to derive from the time-zone database,
are built by ``icalendar`` once per zone and cached: building the same feed as
``icalendar`` objects costs about 20 times as much (``benchmarks/ical_bench.py``,
figures in ``benchmarks/load_api.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, vText
from icalendar.parser import Contentline

from api import tables as t

PRODID = "-//Rota//Rota roster//EN"
CRLF = "\r\n"


@lru_cache(maxsize=256)
def _vtimezone(zone: str, first_year: int, last_year: int) -> str:
    """The VTIMEZONE of ``zone`` for whole years (building one is slow: cache it)."""
    tz = Timezone.from_tzinfo(
        ZoneInfo(zone), tzid=zone,
        first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1),
    )
    return tz.to_ical().decode()


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside an escape."""
    if len(line.encode()) <= 75:
        return line  # most lines: nothing to fold, and the library's fold costs ~10 µs a line
    return Contentline(line).to_ical().decode()


def _text(value: str) -> str:
    return vText(value).to_ical().decode()


def _when(name: str, value: dt.datetime, zone: str) -> str:
    if zone == "UTC":
        return f"{name}:{value.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}"
    return f"{name};TZID={zone}:{value.astimezone(_zone(zone)):%Y%m%dT%H%M%S}"


def _event(uid: str, stamp: str, start: dt.datetime, end: dt.datetime, zone: str,
           summary: str, category: str, transp: str) -> Iterable[str]:
    yield "BEGIN:VEVENT"
    yield _fold(f"UID:{_text(uid)}")
    yield f"DTSTAMP:{stamp}"
    yield _when("DTSTART", start, zone)
    yield _when("DTEND", end, zone)
    yield _fold(f"SUMMARY:{_text(summary)}")
    yield f"CATEGORIES:{category}"
    yield f"TRANSP:{transp}"
    yield "END:VEVENT"


def build_calendar(
    technician: t.TechnicianRow,
    assignments: Sequence[t.PlanAssignmentRow],
    oncall: Sequence[t.PlanOnCallRow],
    client_zones: dict[str, str],
    client_names: dict[str, str],
    rotation_zones: dict[str, str],
    host: str = "rota",
    stamp: dt.datetime | None = None,
) -> bytes:
    """The iCalendar text of one technician's schedule.

    ``stamp`` (DTSTAMP: when the information was created; default now) makes the
    text deterministic when given, so an unchanged feed gets an unchanged ETag.
    """
    stamp = f"{(stamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}"
    events: list[str] = []
    zones: set[str] = set()
    years: list[int] = []
    for a in assignments:
        zone = client_zones.get(a.client, "UTC")
        client = client_names.get(a.client) or a.client
        summary = f"{a.shift} shift – {client}" + (f" ({a.skill})" if a.skill else "")
        # stable UID per slot: a re-published plan updates the event instead of duplicating it
        uid = f"shift-{a.technician}-{a.date.isoformat()}-{a.shift}@{host}"
        events += _event(uid, stamp, a.start, a.end, zone, summary, "shift", "OPAQUE")
        zones.add(zone)
        years.append(a.date.year)
    for o in oncall:
        zone = rotation_zones.get(o.rotation, "UTC")
        uid = f"oncall-{o.technician}-{o.rotation}-{o.start:%Y%m%dT%H%M%SZ}@{host}"
        # on-call is not worked time: TRANSPARENT keeps the person "free" for invitations
        events += _event(uid, stamp, o.start, o.end, zone, f"On call ({o.role}) – {o.rotation}",
                         "on-call", "TRANSPARENT")
        zones.add(zone)
        years.append(o.start.year)
    zones.discard("UTC")
    head = [
        "BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", _fold(f"X-WR-CALNAME:{_text('Rota – ' + (technician.name or technician.id))}"),
    ]
    timezones = "".join(_vtimezone(z, min(years) - 1, max(years) + 1) for z in sorted(zones))
    body = CRLF.join(head) + CRLF + timezones + "".join(e + CRLF for e in events) + "END:VCALENDAR" + CRLF
    return body.encode()
