"""Plan versions: publication rules, reading, exports, schedules, iCalendar, on-call now."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import icalendar
import openpyxl

V1 = "/api/v1"


def test_publish_supersedes_and_freezes(client, users, make_plan):
    h = users.headers("manager")
    first, second = make_plan("v1"), make_plan("v2")
    r = client.post(V1 + f"/plans/{first}/publish", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["status"] == "published"
    assert r.json()["plan"]["published_by"] == users.ids["manager"]
    assert r.json()["superseded"] == []
    r = client.post(V1 + f"/plans/{second}/publish", headers=h)
    assert r.json()["superseded"] == [first]
    assert client.get(V1 + f"/plans/{first}", headers=h).json()["status"] == "superseded"
    for plan in (first, second):
        r = client.patch(V1 + f"/plans/{plan}", json={"name": "x"}, headers=h)
        assert r.status_code == 409
        assert r.json()["detail"].endswith("and can no longer be changed")
        assert client.delete(V1 + f"/plans/{plan}", headers=h).status_code == 409
        assert client.post(V1 + f"/plans/{plan}/publish", headers=h).status_code == 409
    listed = client.get(V1 + "/plans", params={"status": "published"}, headers=h).json()
    assert [p["id"] for p in listed] == [second]


def test_a_draft_can_be_renamed_and_deleted(client, users, make_plan):
    h = users.headers("manager")
    plan = make_plan()
    assert client.patch(V1 + f"/plans/{plan}", json={"name": "what if"}, headers=h).json()["name"] == "what if"
    assert client.delete(V1 + f"/plans/{plan}", headers=h).status_code == 204
    assert client.get(V1 + f"/plans/{plan}", headers=h).status_code == 404


def test_plan_figures_and_assignment_filters(client, users, make_plan, outcome):
    h = users.headers("coordinator")
    plan = make_plan()
    p = client.get(V1 + f"/plans/{plan}", headers=h).json()
    assert p["objective"] == outcome.result.objective
    assert p["checked_objective"] == outcome.report.objective
    assert p["violations"] == []
    every = client.get(V1 + f"/plans/{plan}/assignments", headers=h).json()
    assert len(every) == len(outcome.plan.assignments)
    mine = client.get(V1 + f"/plans/{plan}/assignments", params={"technician": "T001"}, headers=h).json()
    assert mine and {a["technician"] for a in mine} == {"T001"}
    assert len(mine) == sum(a.technician == "T001" for a in outcome.plan.assignments)
    day = client.get(V1 + f"/plans/{plan}/assignments", headers=h,
                     params={"client": "C02", "start": "2027-07-06", "end": "2027-07-06"}).json()
    expected = [a for a in outcome.plan.assignments if a.client == "C02" and a.date == dt.date(2027, 7, 6)]
    assert len(day) == len(expected) > 0
    oncall = client.get(V1 + f"/plans/{plan}/oncall", headers=h).json()
    assert len(oncall) == len(outcome.plan.oncall)


def test_coverage_gaps_and_fairness(client, users, make_plan, outcome):
    h = users.headers("manager")
    plan = make_plan()
    cov = client.get(V1 + f"/plans/{plan}/coverage", headers=h).json()
    assert len(cov) == len(outcome.report.coverage)
    gaps = client.get(V1 + f"/plans/{plan}/coverage", params={"gaps_only": True}, headers=h).json()
    assert len(gaps) == sum(r.shortfall > 0 for r in outcome.report.coverage)
    assert all(g["shortfall"] > 0 for g in gaps)
    fair = client.get(V1 + f"/plans/{plan}/fairness", headers=h).json()
    assert [(f["tag"], f["group"], f["spread"]) for f in fair] == [
        (f.tag, f.group, f.spread) for f in outcome.report.fairness]


def test_csv_and_excel_exports(client, users, make_plan, outcome):
    h = users.headers("manager")
    plan = make_plan()
    r = client.get(V1 + f"/plans/{plan}/export.csv", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(outcome.plan.assignments)
    a = next(x for x in outcome.plan.assignments if x.client == "C02")
    row = next(x for x in rows if x["technician"] == a.technician and x["date"] == a.date.isoformat())
    assert dt.datetime.fromisoformat(row["start"]) == a.start
    assert row["start"].endswith("+02:00")  # Paris summer time, local with offset
    r = client.get(V1 + f"/plans/{plan}/export.xlsx", headers=h)
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Plan", "Shifts", "On-call", "Coverage"]
    assert wb["Shifts"].max_row == len(outcome.plan.assignments) + 1
    assert wb["On-call"].max_row == len(outcome.plan.oncall) + 1


def _publish(client, users, make_plan) -> int:
    plan = make_plan()
    assert client.post(V1 + f"/plans/{plan}/publish", headers=users.headers("manager")).status_code == 200
    return plan


def test_schedule_shows_published_plans_only(client, users, make_plan, outcome):
    h = users.headers("tech")
    params = {"start": "2027-07-01", "end": "2027-07-31"}
    make_plan()  # a draft is not a schedule
    r = client.get(V1 + "/technicians/T001/schedule", params=params, headers=h)
    assert r.status_code == 200
    assert r.json()["assignments"] == []
    plan = _publish(client, users, make_plan)
    r = client.get(V1 + "/technicians/T001/schedule", params=params, headers=h).json()
    expected = sorted(a.start for a in outcome.plan.assignments if a.technician == "T001")
    assert [dt.datetime.fromisoformat(a["start"]) for a in r["assignments"]] == expected
    # each duty names the plan holding it (the plan a swap is proposed on)
    assert {a["plan_id"] for a in r["assignments"] + r["oncall"]} == {plan}
    r = client.get(V1 + "/technicians/T001/schedule", headers=h,
                   params={"start": "2027-07-05", "end": "2027-07-01"})
    assert r.status_code == 422


def test_ical_feed_has_shifts_and_oncall_with_time_zones(client, users, make_plan, outcome):
    _publish(client, users, make_plan)
    holder = outcome.plan.oncall[0].technician
    for tid in ("T001", holder):
        r = client.get(V1 + f"/technicians/{tid}/schedule.ics", headers=users.headers("manager"))
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/calendar")
        cal = icalendar.Calendar.from_ical(r.content)
        events = [c for c in cal.walk("VEVENT")]
        shifts = [a for a in outcome.plan.assignments if a.technician == tid]
        duties = [o for o in outcome.plan.oncall if o.technician == tid]
        assert len(events) == len(shifts) + len(duties) > 0
        assert {str(z["TZID"]) for z in cal.walk("VTIMEZONE")} >= {"Europe/Brussels"}
        starts = sorted(e.decoded("DTSTART") for e in events)
        assert starts == sorted([a.start for a in shifts] + [o.start for o in duties])
        first = min(events, key=lambda e: e.decoded("DTSTART"))
        assert first["DTSTART"].params["TZID"] == "Europe/Brussels"
        assert first.decoded("DTSTART").tzinfo == ZoneInfo("Europe/Brussels")


def test_secret_calendar_url(client, users, make_plan):
    _publish(client, users, make_plan)
    link = client.post(V1 + "/users/me/calendar", headers=users.headers("tech")).json()
    assert link["url"].endswith(f"/api/v1/calendar/{link['token']}.ics")
    r = client.get(V1 + f"/calendar/{link['token']}.ics")  # no bearer token: the URL is the key
    assert r.status_code == 200
    assert icalendar.Calendar.from_ical(r.content).walk("VEVENT")
    assert client.get(V1 + "/calendar/not-a-token.ics").status_code == 404
    # unchanged feed: the calendar application's revalidation gets a 304
    etag = r.headers["etag"]
    again = client.get(V1 + f"/calendar/{link['token']}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # rotating the secret kills the old URL
    new = client.post(V1 + "/users/me/calendar", headers=users.headers("tech")).json()
    assert new["token"] != link["token"]
    assert client.get(V1 + f"/calendar/{link['token']}.ics").status_code == 404
    assert client.get(V1 + f"/calendar/{new['token']}.ics").status_code == 200


def test_oncall_now_and_next(client, users, make_plan, outcome):
    _publish(client, users, make_plan)
    duties = sorted((o for o in outcome.plan.oncall if o.role == "primary"), key=lambda o: o.start)
    current, following = duties[0], duties[1]
    at = (current.start + dt.timedelta(hours=1)).isoformat()
    r = client.get(V1 + "/oncall/now", params={"client": "C01", "at": at},
                   headers=users.headers("coordinator"))
    assert r.status_code == 200, r.text
    primary = next(x for x in r.json() if x["role"] == "primary")
    assert primary["client"] == "C01" and primary["rotation"] == current.rotation
    assert primary["now"]["technician"] == current.technician
    assert primary["next"]["technician"] == following.technician
    r = client.get(V1 + "/oncall/now", params={"client": "C02", "at": at},
                   headers=users.headers("coordinator"))
    assert r.json() == []  # C02 is in no rotation
    r = client.get(V1 + "/oncall/now", params={"at": "2027-07-06T10:00:00"},
                   headers=users.headers("coordinator"))
    assert r.status_code == 422  # no offset: ambiguous instant
