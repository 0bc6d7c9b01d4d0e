"""Micro-benchmark of the iCal feed writer: Rota's text writer vs ``icalendar``'s objects.

Builds one technician's feed (``--weeks`` weeks: a shift a working day, one on-call week
in four, two time zones) with

* ``text``: :func:`api.ical.build_calendar` (events written as text lines, values
  escaped by ``icalendar.vText`` and folded by ``icalendar.parser.Contentline``, the
  VTIMEZONE blocks built once per zone and cached);
* ``objects``: the same feed as ``icalendar`` objects (``Calendar``/``Event`` with
  ``add()``, serialised by ``to_ical()``; the same cached VTIMEZONE components),

checks both parse back to the same events, and prints the median of ``--repeats`` timed
builds of each, interleaved, and their ratio (same run, same machine).

Usage::

    python benchmarks/ical_bench.py [--weeks 8] [--repeats 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import icalendar  # noqa: E402

from api import tables as t  # noqa: E402
from api.ical import PRODID, build_calendar  # noqa: E402

UTC = dt.timezone.utc


def schedule(weeks: int):
    """A technician's rows: a day shift (Brussels) each weekday, on call (New York) one week in four."""
    start = dt.date(2027, 3, 1)
    tech = t.TechnicianRow(id="T1", name="Zoé Lefèvre", contract="X")
    shifts, oncall = [], []
    for d in range(7 * weeks):
        day = start + dt.timedelta(days=d)
        if day.weekday() < 5:
            begin = dt.datetime.combine(day, dt.time(7), tzinfo=UTC)
            shifts.append(t.PlanAssignmentRow(
                plan_id=1, technician="T1", date=day, shift="day", client="BNK", skill="linux",
                start=begin, end=begin + dt.timedelta(hours=8)))
        if d % 28 == 0:
            begin = dt.datetime.combine(day, dt.time(12), tzinfo=UTC)
            oncall.append(t.PlanOnCallRow(plan_id=1, technician="T1", rotation="US", role="primary",
                                          start=begin, end=begin + dt.timedelta(days=7)))
    zones = {"BNK": "Europe/Brussels"}, {"BNK": "Banque Nationale, salle blanche; Bruxelles"}, {
        "US": "America/New_York"}
    return tech, shifts, oncall, zones


@lru_cache(maxsize=64)
def _vtimezone(zone: str, first_year: int, last_year: int) -> icalendar.Timezone:
    return icalendar.Timezone.from_tzinfo(
        ZoneInfo(zone), tzid=zone,
        first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1))


def build_with_objects(tech, assignments, oncall, client_zones, client_names, rotation_zones,
                       host: str = "rota", stamp: dt.datetime | None = None) -> bytes:
    """The feed of :func:`api.ical.build_calendar` built as ``icalendar`` objects."""
    stamp = stamp or dt.datetime.now(UTC)
    cal = icalendar.Calendar()
    for k, v in (("PRODID", PRODID), ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"),
                 ("METHOD", "PUBLISH"), ("X-WR-CALNAME", f"Rota – {tech.name or tech.id}")):
        cal.add(k, v)
    events, zones, years = [], set(), []

    def event(uid, start, end, zone, summary, category, transp):
        ev = icalendar.Event()
        ev.add("UID", uid)
        ev.add("DTSTAMP", stamp)
        tz = UTC if zone == "UTC" else ZoneInfo(zone)
        ev.add("DTSTART", start.astimezone(tz))
        ev.add("DTEND", end.astimezone(tz))
        ev.add("SUMMARY", summary)
        ev.add("CATEGORIES", category)
        ev.add("TRANSP", transp)
        events.append(ev)

    for a in assignments:
        zone = client_zones.get(a.client, "UTC")
        client = client_names.get(a.client) or a.client
        event(f"shift-{a.technician}-{a.date.isoformat()}-{a.shift}@{host}", a.start, a.end, zone,
              f"{a.shift} shift – {client}" + (f" ({a.skill})" if a.skill else ""), "shift",
              "OPAQUE")
        zones.add(zone)
        years.append(a.date.year)
    for o in oncall:
        zone = rotation_zones.get(o.rotation, "UTC")
        event(f"oncall-{o.technician}-{o.rotation}-{o.start:%Y%m%dT%H%M%SZ}@{host}", o.start, o.end,
              zone, f"On call ({o.role}) – {o.rotation}", "on-call", "TRANSPARENT")
        zones.add(zone)
        years.append(o.start.year)
    zones.discard("UTC")
    for z in sorted(zones):
        cal.add_component(_vtimezone(z, min(years) - 1, max(years) + 1))
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()


def _events(body: bytes) -> list[tuple]:
    cal = icalendar.Calendar.from_ical(body)
    return [(str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"]),
             str(e["TRANSP"])) for e in cal.walk("VEVENT")]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=300)
    args = ap.parse_args(argv)
    tech, shifts, oncall, (cz, cn, rz) = schedule(args.weeks)
    stamp = dt.datetime(2027, 2, 1, tzinfo=UTC)
    writers = {"text": build_calendar, "objects": build_with_objects}
    bodies = {k: w(tech, shifts, oncall, cz, cn, rz, stamp=stamp) for k, w in writers.items()}
    assert _events(bodies["text"]) == _events(bodies["objects"]), "the two writers disagree"
    seconds: dict[str, list[float]] = {k: [] for k in writers}
    for _ in range(args.repeats):
        for k, w in writers.items():
            t0 = time.perf_counter()
            w(tech, shifts, oncall, cz, cn, rz, stamp=stamp)
            seconds[k].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) * 1000 for k, v in seconds.items()}
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}, "
          f"icalendar {icalendar.__version__}, {args.weeks} weeks, {len(shifts)} shifts + "
          f"{len(oncall)} on-call, median of {args.repeats}")
    for k in writers:
        print(f"{k:8s} {med[k]:7.3f} ms  ({len(bodies[k])} bytes)")
    print(f"objects / text: {med['objects'] / med['text']:.1f}x")


if __name__ == "__main__":
    main()
