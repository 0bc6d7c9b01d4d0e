"""The iCalendar writer on its own: escaping, folding, time zones (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from api import tables as t
from api.ical import build_calendar

UTC = dt.timezone.utc


def test_text_is_escaped_and_long_lines_folded_and_zones_defined():
    name = "Société Générale, Brussels; datacenter \\ salle blanche – équipe très longue " * 2
    a = t.PlanAssignmentRow(plan_id=1, technician="T1", date=dt.date(2027, 3, 28), shift="night",
                            client="C1", skill="linux",
                            start=dt.datetime(2027, 3, 27, 21, 0, tzinfo=UTC),
                            end=dt.datetime(2027, 3, 28, 4, 0, tzinfo=UTC))  # across the DST change
    o = t.PlanOnCallRow(plan_id=1, technician="T1", rotation="R1", role="primary",
                        start=dt.datetime(2027, 3, 29, 6, 0, tzinfo=UTC),
                        end=dt.datetime(2027, 4, 5, 6, 0, tzinfo=UTC))
    tech = t.TechnicianRow(id="T1", name="Zoé, \"la\" boss", contract="X")
    body = build_calendar(tech, [a], [o], {"C1": "Europe/Brussels"}, {"C1": name},
                          {"R1": "America/New_York"})
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(body)
    shift, duty = cal.walk("VEVENT")
    assert str(shift["SUMMARY"]) == f"night shift – {name} (linux)"
    assert shift.decoded("DTSTART") == a.start
    assert shift.decoded("DTSTART").tzinfo == ZoneInfo("Europe/Brussels")
    # 7 real hours, though the wall clock of Brussels shows 22:00 -> 06:00 that night
    assert shift.decoded("DTEND").astimezone(UTC) - shift.decoded("DTSTART").astimezone(UTC) == (
        dt.timedelta(hours=7))
    assert shift.decoded("DTEND").hour == 6
    assert duty.decoded("DTSTART") == o.start
    assert duty["DTSTART"].params["TZID"] == "America/New_York"
    assert str(duty["TRANSP"]) == "TRANSPARENT"
    assert {str(z["TZID"]) for z in cal.walk("VTIMEZONE")} == {"Europe/Brussels", "America/New_York"}
    assert str(cal["X-WR-CALNAME"]).startswith("Rota – Zoé")


def test_an_empty_schedule_is_a_valid_calendar():
    cal = icalendar.Calendar.from_ical(
        build_calendar(t.TechnicianRow(id="T1", contract="X"), [], [], {}, {}, {}))
    assert cal.walk("VEVENT") == []


def test_folding_never_splits_an_escape_and_reads_back_exactly():
    # icalendar's folding keeps "\," and "\;" whole (clients choke on a split escape);
    # one of these paddings puts an escape on every possible fold position
    tech = t.TechnicianRow(id="T1", contract="X")
    a = t.PlanAssignmentRow(plan_id=1, technician="T1", date=dt.date(2027, 7, 5), shift="day",
                            client="C1", skill="", start=dt.datetime(2027, 7, 5, 7, tzinfo=UTC),
                            end=dt.datetime(2027, 7, 5, 15, tzinfo=UTC))
    for pad in range(8):
        name = "x" * pad + "a,b;c," * 30
        body = build_calendar(tech, [a], [], {"C1": "Europe/Paris"}, {"C1": name}, {})
        lines = body.split(b"\r\n")
        assert all(len(line) <= 75 for line in lines)
        assert not any(line.endswith(b"\\") for line in lines), pad
        (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
        assert str(event["SUMMARY"]) == f"day shift – {name}"
