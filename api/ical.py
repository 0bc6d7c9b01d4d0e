"""A technician's published shifts and on-call periods as an iCalendar feed.

Events carry their local time with a TZID (the client's zone for shifts, the
rotation's zone for on-call), and the feed holds the matching VTIMEZONE
definitions, so calendar applications show correct times across DST changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from api import tables as t

PRODID = "-//Rota//Rota roster//EN"


@lru_cache(maxsize=256)
def _vtimezone(zone: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of ``zone`` for whole years (building one is slow: cache it)."""
    tz = Timezone.from_tzinfo(
        ZoneInfo(zone), tzid=zone,
        first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1),
    )
    return tz.to_ical()


def build_calendar(
    technician: t.TechnicianRow,
    assignments: Sequence[t.PlanAssignmentRow],
    oncall: Sequence[t.PlanOnCallRow],
    client_zones: dict[str, str],
    client_names: dict[str, str],
    rotation_zones: dict[str, str],
    host: str = "rota",
) -> bytes:
    """The iCalendar text (RFC 5545) of one technician's schedule."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Rota – {technician.name or technician.id}")
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for a in assignments:
        zone = ZoneInfo(client_zones.get(a.client, "UTC"))
        ev = Event()
        # stable UID per slot: a re-published plan updates the event instead of duplicating it
        ev.add("uid", f"shift-{a.technician}-{a.date.isoformat()}-{a.shift}@{host}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", a.start.astimezone(zone))
        ev.add("dtend", a.end.astimezone(zone))
        client = client_names.get(a.client) or a.client
        ev.add("summary", f"{a.shift} shift – {client}" + (f" ({a.skill})" if a.skill else ""))
        ev.add("categories", ["shift"])
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    for o in oncall:
        zone = ZoneInfo(rotation_zones.get(o.rotation, "UTC"))
        ev = Event()
        ev.add("uid", f"oncall-{o.technician}-{o.rotation}-{o.start.strftime('%Y%m%dT%H%M%SZ')}@{host}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", o.start.astimezone(zone))
        ev.add("dtend", o.end.astimezone(zone))
        ev.add("summary", f"On call ({o.role}) – {o.rotation}")
        ev.add("categories", ["on-call"])
        ev.add("transp", "TRANSPARENT")  # on-call is not worked time
        cal.add_component(ev)
    zones = {str(ev["DTSTART"].params["TZID"]) for ev in cal.subcomponents
             if "TZID" in ev["DTSTART"].params}
    zones.discard("UTC")
    if not zones:
        return cal.to_ical()
    years = [ev.decoded("DTSTART").year for ev in cal.subcomponents]
    first, last = min(years) - 1, max(years) + 1
    # RFC 5545 wants the VTIMEZONEs referenced by TZID inside the VCALENDAR: splice them in
    text = cal.to_ical()
    head, sep, tail = text.partition(b"BEGIN:VEVENT")
    blocks = b"".join(_vtimezone(z, first, last) for z in sorted(zones))
    return head + blocks + sep + tail
